// Unit tests for helpdex/indexer/indexer.h: generations, incremental updates,
// bad files, and the publish step.
#include "helpdex/indexer/indexer.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <zlib.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xapian.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_kb.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/searcher.h"

namespace helpdex::indexer {
namespace {

using helpdex::testing::TempKb;

IndexReport Build(const TempKb& kb) {
  Result<IndexReport> report = BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  EXPECT_TRUE(report.ok()) << report.error().ToString();
  return report.ok() ? *report : IndexReport{};
}

std::vector<std::string> SearchIds(const TempKb& kb, const std::string& query) {
  auto index = search::Index::Open(kb.index().string(), search::Viewer::Public(), std::chrono::milliseconds(0));
  if (!index.ok()) return {};
  auto searcher = (*index)->AcquireSearcher();
  auto response = (*searcher)->Search({.query = query});
  std::vector<std::string> ids;
  for (const auto& result : response->results) ids.push_back(result.id);
  return ids;
}

// What search reads from a database, docid by docid: the stored record,
// the values, every term with its wdf and positions; then the spelling
// dictionary and the collection statistics. Equal dumps: equal indexes.
std::string DumpDatabase(const std::filesystem::path& path) {
  const Xapian::Database db(path.string());
  std::ostringstream out;
  out << "documents " << db.get_doccount() << " last " << db.get_lastdocid() << " length "
      << db.get_total_length() << "\n";
  for (auto docid = db.postlist_begin(""); docid != db.postlist_end(""); ++docid) {
    const Xapian::Document doc = db.get_document(*docid);
    out << "doc " << *docid << " " << doc.get_data() << "\n";
    for (auto value = doc.values_begin(); value != doc.values_end(); ++value) {
      out << " value " << value.get_valueno() << " " << *value << "\n";
    }
    for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
      out << " " << *term << " " << term.get_wdf();
      for (auto pos = term.positionlist_begin(); pos != term.positionlist_end(); ++pos) out << " " << *pos;
      out << "\n";
    }
  }
  for (auto word = db.spellings_begin(); word != db.spellings_end(); ++word) {
    out << "spelling " << *word << " " << word.get_termfreq() << "\n";
  }
  for (auto term = db.allterms_begin(); term != db.allterms_end(); ++term) {
    out << "term " << *term << " " << term.get_termfreq() << " " << db.get_collection_freq(*term) << "\n";
  }
  return out.str();
}

// A docs file of `count` lines in several languages, with the kinds of lines
// that fail (not JSON, unknown language, a duplicate id) spread through it.
void WriteDocsLines(const std::filesystem::path& path, int count, const std::string& changed_id = "") {
  const char* langs[] = {"en", "nb", "cs", "ru", "el", "tr"};
  const char* texts[] = {"Reset your password from the sign-in page.", "Slik endrer du passordet ditt.",
                         "Přihlášení a obnovení hesla.", "Как сбросить пароль?", "Επαναφορά κωδικού πρόσβασης.",
                         "Şifrenizi nasıl sıfırlarsınız?"};
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) {
    if (i % 17 == 5) {
      out << "not json\n";
      continue;
    }
    const int lang = i % 6;
    const std::string id = i % 23 == 11 ? "doc-" + std::to_string(i - 1) : "doc-" + std::to_string(i);
    const std::string extra = id == changed_id ? " Changed." : "";
    out << R"({"id": ")" << id << R"(", "lang": ")" << (i % 29 == 3 ? "xx" : langs[lang])
        << R"(", "title": "Title )" << i << R"(", "text": ")" << texts[lang] << " Word" << i << extra << R"("})"
        << "\n";
  }
}

void WriteTwoArticles(const TempKb& kb) {
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha article", "Body about apples."));
  kb.Write("en/b.md", TempKb::Article("b", "en", "beta", "Beta article", "Body about bananas."));
}

TEST(IndexerTest, FirstRunAnalysesEverythingAndPublishesGenerationOne) {
  TempKb kb;
  WriteTwoArticles(kb);
  IndexReport report = Build(kb);
  EXPECT_EQ(report.indexed, 2);
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(report.generation, 1);
  EXPECT_EQ(search::ReadStubGeneration(search::PublicStubPath(kb.index())), 1);
  EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"a"});
}

TEST(IndexerTest, UnchangedFilesAreReusedAndDeletedOnesDisappear) {
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  IndexReport second = Build(kb);
  EXPECT_EQ(second.indexed, 0);
  EXPECT_EQ(second.reused, 2);
  EXPECT_EQ(second.generation, 1);  // nothing changed: nothing to publish
  EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"a"});

  kb.Write("en/c.md", TempKb::Article("c", "en", "gamma", "Gamma article", "Body about apples too."));
  IndexReport with_new_file = Build(kb);
  EXPECT_EQ(with_new_file.indexed, 1);
  EXPECT_EQ(with_new_file.reused, 2);
  EXPECT_EQ(with_new_file.generation, 2);
  EXPECT_EQ(SearchIds(kb, "apples"), (std::vector<std::string>{"a", "c"}));  // copied documents still match
  kb.Remove("en/c.md");

  kb.Remove("en/b.md");
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha article", "Body about cherries now."));
  IndexReport third = Build(kb);
  EXPECT_EQ(third.indexed, 1);
  EXPECT_EQ(third.removed, 2);  // b.md and c.md
  EXPECT_TRUE(SearchIds(kb, "bananas").empty());
  EXPECT_TRUE(SearchIds(kb, "apples").empty());
  EXPECT_EQ(SearchIds(kb, "cherries"), std::vector<std::string>{"a"});
}

TEST(IndexerTest, ABrokenFileIsReportedAndEveryOtherFileStillIndexes) {
  TempKb kb;
  WriteTwoArticles(kb);
  kb.Write("en/broken.md", "---\nid: c\ntitle: [oops\n---\n");
  kb.Write("en/nolang.md", "---\nid: d\ntitle: No language\n---\n");
  Result<IndexReport> report = BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed, 2);
  EXPECT_EQ(report->indexed, 2);
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->errors[0].where.rfind(kb.content().string() + "/en/broken.md:", 0), 0u)
      << report->errors[0].ToString();
  EXPECT_NE(report->errors[1].message.find("'lang'"), std::string::npos) << report->errors[1].ToString();
}

TEST(IndexerTest, APublishedArticleThatBreaksStaysOnlineInItsLastGoodVersion) {
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  kb.Write("en/a.md", "---\nid: a\ntitle: [broken\n---\n");
  Result<IndexReport> report = BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed, 1);
  EXPECT_NE(report->errors[0].message.find("previously published version stays online"), std::string::npos);
  EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"a"});
}

TEST(IndexerTest, DuplicateIdsAndSlugsAreErrorsNamingBothFiles) {
  TempKb kb;
  WriteTwoArticles(kb);
  kb.Write("en/c.md", TempKb::Article("a", "en", "gamma", "Gamma", "Same id as a."));
  kb.Write("en/d.md", TempKb::Article("d", "en", "alpha", "Delta", "Same slug as a."));
  kb.Write("nb/e.md", TempKb::Article("e", "nb", "alpha", "Alfa", "Samme slug, annet språk er lov."));
  Result<IndexReport> report = BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed, 2);
  EXPECT_EQ(report->indexed, 3);
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_NE(report->errors[0].message.find("duplicate id 'a'"), std::string::npos);
  EXPECT_NE(report->errors[0].message.find("en/a.md"), std::string::npos);
  EXPECT_NE(report->errors[1].message.find("duplicate slug 'alpha'"), std::string::npos);
}

TEST(IndexerTest, ChangedAndRemovedArticlesLeaveNoSpellingBehind) {
  TempKb kb;
  WriteTwoArticles(kb);
  kb.Write("en/c.md", TempKb::Article("c", "en", "gamma", "Gamma", "Xylophones everywhere."));
  Build(kb);
  kb.Remove("en/c.md");
  Build(kb);
  auto index = search::Index::Open(kb.index().string(), search::Viewer::Public());
  auto response = (*(*index)->AcquireSearcher())->Search({.query = "xylophnes", .language = Language::kEnglish});
  EXPECT_FALSE(response->did_you_mean.has_value());
}

TEST(IndexerTest, AnArticleMovedToInternalLeavesThePublicDatabase) {
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha article", "Body about apples.", "internal"));
  IndexReport report = Build(kb);
  EXPECT_EQ(report.public_documents, 1);
  EXPECT_EQ(report.agent_documents, 1);
  EXPECT_TRUE(SearchIds(kb, "apples").empty());
}

TEST(IndexerTest, WritersSynonymsFindArticlesThroughOtherWords) {
  TempKb kb;
  kb.Write("en/login.md", TempKb::Article("login", "en", "login", "Login problems", "If the login fails, reset it."));
  kb.Write("synonyms/en.txt", "# comment\nlogin, sign in, passcode\n\nonly-one-term\n");
  kb.Write("synonyms/xx.txt", "a, b\n");
  Result<IndexReport> report = BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->errors[0].where, (kb.content() / "synonyms/en.txt").string() + ":4");
  EXPECT_EQ(report->errors[1].where, (kb.content() / "synonyms/xx.txt").string() + ":1");
  EXPECT_EQ(SearchIds(kb, "passcode"), std::vector<std::string>{"login"});  // a word of the group
  EXPECT_EQ(SearchIds(kb, "sign in"), std::vector<std::string>{"login"});  // a phrase of the group

  // A changed synonym file alone is published, and old synonyms are gone.
  kb.Write("synonyms/en.txt", "login, signon\n");
  kb.Remove("synonyms/xx.txt");
  IndexReport changed = Build(kb);
  EXPECT_EQ(changed.generation, 2);
  EXPECT_TRUE(SearchIds(kb, "passcode").empty());
  EXPECT_EQ(SearchIds(kb, "signon"), std::vector<std::string>{"login"});
}

TEST(IndexerTest, InternalArticlesGoToTheAgentDatabaseOnly) {
  TempKb kb;
  WriteTwoArticles(kb);
  kb.Write("internal/x.md", TempKb::Article("x", "en", "escalate", "Escalation zqxjkv", "Internal zqxjkv.", "internal"));
  IndexReport report = Build(kb);
  EXPECT_EQ(report.public_documents, 2);
  EXPECT_EQ(report.agent_documents, 1);
  EXPECT_TRUE(SearchIds(kb, "zqxjkv").empty());
  auto agent = search::Index::Open(kb.index().string(), search::Viewer::Agent());
  ASSERT_TRUE(agent.ok());
  auto response = (*(*agent)->AcquireSearcher())->Search({.query = "zqxjkv"});
  ASSERT_EQ(response->results.size(), 1u);
  EXPECT_EQ(response->results[0].id, "x");
}

// IndexOptions::flush_threshold, not the environment, sets how often the new
// generation is committed: every change with 1, once at the end with 1000.
TEST(IndexerTest, TheFlushThresholdIsAnOption) {
  for (int threshold : {1, 1000}) {
    TempKb kb;
    for (const char* id : {"a", "b", "c", "d"}) {
      kb.Write(std::string("en/") + id + ".md", TempKb::Article(id, "en", id, id, "apples"));
    }
    Result<IndexReport> report = BuildIndex(
        {.content_dir = kb.content().string(), .index_dir = kb.index().string(), .flush_threshold = threshold});
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    ASSERT_EQ(report->public_documents, 4);
    const Xapian::Database db((kb.index() / search::GenerationDirName(1) / "public").string());
    if (threshold == 1) {
      EXPECT_GE(db.get_revision(), 4u);
    } else {
      EXPECT_EQ(db.get_revision(), 1u);
    }
    EXPECT_EQ(SearchIds(kb, "apples").size(), 4u);
  }
}

TEST(IndexerTest, AFailureBeforeTheSwapLeavesTheLiveGenerationServing) {
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  kb.Remove("en/a.md");
  Result<IndexReport> failed = BuildIndex(
      {.content_dir = kb.content().string(), .index_dir = kb.index().string(), .failpoints = {"before_swap"}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(search::ReadStubGeneration(search::PublicStubPath(kb.index())), 1);
  EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"a"});
  // The next run discards the half-built generation and publishes normally.
  IndexReport next = Build(kb);
  EXPECT_EQ(next.generation, 2);
  EXPECT_TRUE(SearchIds(kb, "apples").empty());
}

// Issue 16, item 1: both views derive from one link, so one rename publishes
// both; Xapian still opens them as stub files.
TEST(IndexerTest, BothViewsFollowTheOneCurrentLink) {
  TempKb kb;
  WriteTwoArticles(kb);
  kb.Write("internal/c.md", TempKb::Article("c", "en", "gamma", "Gamma", "Cherries.", "internal"));
  Build(kb);
  namespace fs = std::filesystem;
  EXPECT_TRUE(fs::is_symlink(search::PublicStubPath(kb.index())));
  EXPECT_TRUE(fs::is_symlink(search::AgentStubPath(kb.index())));
  EXPECT_EQ(fs::read_symlink(search::CurrentLinkPath(kb.index())), "gen-000001/views");
  EXPECT_EQ(search::ReadCurrentGeneration(kb.index()), 1);
  EXPECT_EQ(search::ReadStubGeneration(search::AgentStubPath(kb.index())), 1);
  EXPECT_EQ(Xapian::Database(search::PublicStubPath(kb.index()).string()).get_doccount(), 2u);
  EXPECT_EQ(Xapian::Database(search::AgentStubPath(kb.index()).string()).get_doccount(), 3u);

  kb.Remove("en/a.md");
  Build(kb);
  EXPECT_EQ(search::ReadCurrentGeneration(kb.index()), 2);
  EXPECT_EQ(Xapian::Database(search::PublicStubPath(kb.index()).string()).get_doccount(), 1u);
  EXPECT_EQ(Xapian::Database(search::AgentStubPath(kb.index()).string()).get_doccount(), 2u);
}

// Issue 16, item 1: an index of the older layout whose stubs were left
// naming different generations (a kill between the two renames). The next
// run used to trust `public`, delete the generation `agent` named and rebuild
// it in place under agent readers. Now both views move to one link and the
// new generation gets a number no view named; the one `agent` named is
// never written.
TEST(IndexerTest, OlderLayoutStubsThatDisagreeAreJoinedWithoutRebuildingWhatTheyName) {
  namespace fs = std::filesystem;
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  kb.Write("en/c.md", TempKb::Article("c", "en", "gamma", "Gamma", "Cherries."));
  Build(kb);
  // The older layout, as a kill between its two renames left it.
  fs::remove(search::CurrentLinkPath(kb.index()));
  fs::remove(search::PublicStubPath(kb.index()));
  fs::remove(search::AgentStubPath(kb.index()));
  std::ofstream(search::PublicStubPath(kb.index())) << "auto gen-000001/public\n";
  std::ofstream(search::AgentStubPath(kb.index())) << "auto gen-000002/public\nauto gen-000002/agent\n";
  const fs::path agent_named = kb.index() / search::GenerationDirName(2) / "public" / "postlist.glass";
  const auto written = fs::last_write_time(agent_named);
  struct stat before {};
  ASSERT_EQ(::stat(agent_named.c_str(), &before), 0);

  kb.Write("en/d.md", TempKb::Article("d", "en", "delta", "Delta", "Dates."));
  Result<IndexReport> report = BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->generation, 3);
  EXPECT_EQ(search::ReadStubGeneration(search::PublicStubPath(kb.index())), 3);
  EXPECT_EQ(search::ReadStubGeneration(search::AgentStubPath(kb.index())), 3);
  EXPECT_EQ(Xapian::Database(search::AgentStubPath(kb.index()).string()).get_doccount(), 4u);
  struct stat after {};
  ASSERT_EQ(::stat(agent_named.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(fs::last_write_time(agent_named), written);
  ASSERT_FALSE(report->notes.empty());
  EXPECT_NE(report->notes.front().find("one link"), std::string::npos) << report->notes.front();
}

// Issue 16, item 9: a killed run's half generation is removed by the next
// run, which says so with its size, and its number is used again (no view
// ever named it).
TEST(IndexerTest, AKilledRunsHalfGenerationIsRemovedAndReported) {
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  const std::filesystem::path leftover = kb.index() / search::GenerationDirName(2);
  std::filesystem::create_directories(leftover / "public");
  std::ofstream(leftover / "public" / "postlist.glass") << std::string(4096, 'x');
  kb.Remove("en/b.md");
  IndexReport report = Build(kb);
  EXPECT_EQ(report.generation, 2);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find(leftover.string() + " (0.0 MiB), the half-built generation of an interrupted run"),
            std::string::npos)
      << report.notes[0];
  EXPECT_EQ(SearchIds(kb, "bananas"), std::vector<std::string>{});
}

// Issue 16, item 9: SIGINT/SIGTERM (IndexOptions::cancel) stops the run and
// removes its half generation at once.
TEST(IndexerTest, AnInterruptedRunRemovesItsHalfGeneration) {
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  kb.Remove("en/a.md");
  std::atomic<bool> cancel = true;
  Result<IndexReport> interrupted =
      BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string(), .cancel = &cancel});
  ASSERT_FALSE(interrupted.ok());
  EXPECT_EQ(interrupted.error().message, "interrupted: the half-built gen-000002 was removed; gen-000001 stays published");
  EXPECT_EQ(interrupted.error().where, kb.index().string());
  EXPECT_FALSE(std::filesystem::exists(kb.index() / search::GenerationDirName(2)));
  EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"a"});
}

// Issue 16, item 9: a full disk read "Error writing block 41" or
// "Input/output error". It says the disk is full and what a generation needs.
TEST(IndexerTest, AFullDiskIsSaidSoWithTheSpaceAGenerationNeeds) {
  TempKb kb;
  WriteTwoArticles(kb);
  IndexReport first = Build(kb);
  EXPECT_GT(first.generation_bytes, 0u);
  kb.Remove("en/a.md");
  Result<IndexReport> full = BuildIndex(
      {.content_dir = kb.content().string(), .index_dir = kb.index().string(), .failpoints = {"disk_full"}});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().where, kb.index().string());
  const std::string& message = full.error().message;
  EXPECT_EQ(message.rfind("the disk holding the index is full (", 0), 0u) << message;
  EXPECT_NE(message.find("a generation of this index needs at least "), std::string::npos) << message;
  EXPECT_NE(message.find("(the live one is "), std::string::npos) << message;
  EXPECT_NE(message.find("Error writing block 41 (No space left on device)"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(kb.index() / search::GenerationDirName(2)));
  EXPECT_EQ(search::ReadStubGeneration(search::PublicStubPath(kb.index())), 1);
  EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"a"});
}

// Issue 16, item 8: the agent database holds internal articles and redacted
// tickets; the index is its owner's only, whatever the umask.
TEST(IndexerTest, TheIndexIsReadableByItsOwnerOnly) {
  namespace fs = std::filesystem;
  const mode_t previous = ::umask(022);
  TempKb kb;
  WriteTwoArticles(kb);
  kb.Write("internal/c.md", TempKb::Article("c", "en", "gamma", "Gamma", "Cherries.", "internal"));
  Build(kb);
  kb.Remove("en/a.md");
  Build(kb);  // an incremental run: the copy of the live generation too
  ::umask(previous);
  const auto mode = [](const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  };
  EXPECT_EQ(mode(kb.index()), 0700u);
  EXPECT_EQ(mode(kb.index() / ".lock"), 0600u);
  int files = 0;
  for (long generation : {1, 2}) {
    const fs::path dir = kb.index() / search::GenerationDirName(generation);
    EXPECT_EQ(mode(dir), 0700u) << dir;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_directory()) {
        EXPECT_EQ(mode(entry.path()), 0700u) << entry.path();
      } else {
        EXPECT_EQ(mode(entry.path()), 0600u) << entry.path();
        ++files;
      }
    }
  }
  EXPECT_GT(files, 10);
}

TEST(IndexerTest, ASecondIndexerIsRefusedWhileOneHoldsTheLock) {
  TempKb kb;
  WriteTwoArticles(kb);
  Build(kb);
  const int fd = ::open((kb.index() / ".lock").c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as a running `helpdex index` would
  Result<IndexReport> refused = BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ::close(fd);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("another `helpdex index`"), std::string::npos);
  EXPECT_EQ(refused.error().where, kb.index().string());
  EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"a"});
}

TEST(IndexerTest, OldGenerationsAreRemovedKeepingAFew) {
  TempKb kb;
  WriteTwoArticles(kb);
  for (int i = 0; i < 6; ++i) {
    kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha article", "Revision " + std::to_string(i)));
    Build(kb);
  }
  int generations = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kb.index())) {
    generations += entry.path().filename().string().rfind("gen-", 0) == 0;
  }
  EXPECT_EQ(generations, 3);
}

TEST(IndexerTest, EvaluationFormatDocumentsBecomePublicArticles) {
  TempKb kb;
  const auto docs = kb.root() / "docs.jsonl";
  std::ofstream(docs) << R"({"id": "d1", "lang": "nb", "title": "Glemt passord", "text": "Slik endrer du passordet."})"
                      << "\n"
                      << "not json\n"
                      << R"({"id": "d2", "lang": "xx", "title": "Bad", "text": "x"})" << "\n";
  Result<IndexReport> report = BuildIndex({.docs_files = {docs.string()}, .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->indexed, 1);
  EXPECT_EQ(report->failed, 2);
  EXPECT_EQ(report->errors[0].where, docs.string() + ":2");
  EXPECT_EQ(report->errors[1].where, docs.string() + ":3");
  auto index = search::Index::Open(kb.index().string(), search::Viewer::Public());
  auto response = (*(*index)->AcquireSearcher())->Search({.query = "passord", .language = Language::kNorwegian});
  ASSERT_EQ(response->results.size(), 1u);
  EXPECT_EQ(response->results[0].id, "d1");
}

// The slugs of --docs documents are derived from their ids; ids that used to
// collapse into one slug (cut at 100 bytes, punctuation and case dropped,
// non-Latin letters dropped: every Cyrillic or Greek id became "doc") made
// the indexer refuse all but the first as "duplicate slug".
TEST(IndexerTest, DocsWhoseIdsOnceSharedASlugAreAllIndexedAndFound) {
  TempKb kb;
  const std::string long_head = "r0f3-Exchange/ExchangeOnline/mailbox-migration/cannot-migrate-mailboxes-from-gmail-"
                                "to-exchange-online-because-";
  const std::vector<std::pair<std::string, std::string>> docs = {  // id, language
      {long_head + "of-throttling", "en"},
      {long_head + "of-permissions", "en"},
      {"Q201_R7", "en"},
      {"Q201-R7", "en"},
      {"q201_r7", "en"},
      {"Сброс пароля", "ru"},
      {"Смена пароля", "ru"},
      {"Επαναφορά κωδικού", "el"},
      {"Αλλαγή κωδικού", "el"},
      {"reset-password", "en"},
  };
  const auto path = kb.root() / "docs.jsonl";
  {
    std::ofstream out(path);
    for (size_t i = 0; i < docs.size(); ++i) {
      // Each document has a word of its own to be found by (no id needs
      // escaping in JSON).
      out << R"({"id": ")" << docs[i].first << R"(", "lang": ")" << docs[i].second << R"(", "title": "Document )"
          << i << R"(", "text": "uniqueword)" << static_cast<char>('a' + i) << R"( here."})" << "\n";
    }
  }
  Result<IndexReport> report = BuildIndex({.docs_files = {path.string()}, .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  for (const Error& error : report->errors) ADD_FAILURE() << error.ToString();
  EXPECT_EQ(report->failed, 0);  // `helpdex index` exits 0
  EXPECT_EQ(report->indexed, static_cast<int>(docs.size()));
  EXPECT_EQ(report->public_documents, static_cast<int>(docs.size()));

  auto index = search::Index::Open(kb.index().string(), search::Viewer::Public(), std::chrono::milliseconds(0));
  ASSERT_TRUE(index.ok()) << index.error().ToString();
  auto searcher = (*index)->AcquireSearcher();
  ASSERT_TRUE(searcher.ok());
  std::set<std::string> urls;
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string word = "uniqueword" + std::string(1, static_cast<char>('a' + i));
    auto response = (*searcher)->Search({.query = word, .retry_with_correction = false});
    ASSERT_TRUE(response.ok()) << response.error().ToString();
    ASSERT_EQ(response->results.size(), 1u) << word;
    EXPECT_EQ(response->results[0].id, docs[i].first);
    urls.insert(response->results[0].url);
  }
  EXPECT_EQ(urls.size(), docs.size()) << "every document has a page of its own";
  // An id that is a slug already keeps its URL.
  auto article = (*searcher)->GetArticle("reset-password", Language::kEnglish);
  ASSERT_TRUE(article.ok()) << article.error().ToString();
}

// --docs lines are analysed and written by several threads into part
// databases merged at the end; the index, the report and the order of its
// errors must be what one thread makes.
TEST(IndexerTest, DocsIndexTheSameWithAnyNumberOfThreads) {
  TempKb kb;
  const auto docs = kb.root() / "docs.jsonl";
  WriteDocsLines(docs, 120);
  std::vector<std::string> dumps;
  std::vector<IndexReport> reports;
  for (int threads : {1, 3}) {
    const auto dir = kb.root() / ("index-" + std::to_string(threads));
    // Batches of 7 lines: many parts, and a batch may wait for its turn.
    Result<IndexReport> report = BuildIndex(
        {.docs_files = {docs.string()}, .index_dir = dir.string(), .threads = threads, .docs_batch_lines = 7});
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    reports.push_back(*report);
    const auto generation = dir / search::GenerationDirName(1);
    dumps.push_back(DumpDatabase(generation / "public"));
    // The parts are merged and gone (views/ holds the generation's stubs).
    for (const auto& entry : std::filesystem::directory_iterator(generation)) {
      EXPECT_TRUE(entry.path().filename() == "public" || entry.path().filename() == "agent" ||
                  entry.path().filename() == "views")
          << entry.path();
    }
  }
  EXPECT_GT(reports[0].indexed, 90);
  EXPECT_GT(reports[0].failed, 10);
  EXPECT_EQ(reports[1].indexed, reports[0].indexed);
  EXPECT_EQ(reports[1].failed, reports[0].failed);
  ASSERT_EQ(reports[1].errors.size(), reports[0].errors.size());
  for (size_t i = 0; i < reports[0].errors.size(); ++i) {
    EXPECT_EQ(reports[1].errors[i].ToString(), reports[0].errors[i].ToString());
  }
  EXPECT_EQ(dumps[1], dumps[0]);
}

// Each document of a sharded generation is in exactly one shard, its
// ShardOf's, under the docid it has in the unsharded working copy and with
// the same terms, values and data, whether a full run wrote it through the
// parts or an incremental run wrote it; and an incremental run that changes
// one document leaves every other shard as it was (issue 17: "updating a
// document touches one shard").
TEST(IndexerTest, ShardsHoldTheWorkingCopysDocumentsAndAChangeTouchesOneShard) {
  TempKb kb;
  const auto docs = kb.root() / "docs.jsonl";
  WriteDocsLines(docs, 90);
  // Batches of 7 lines: many parts, each split over the shards.
  IndexOptions options{.docs_files = {docs.string()}, .index_dir = kb.index().string(), .threads = 2,
                       .docs_batch_lines = 7, .shards = 3};
  Result<IndexReport> first = BuildIndex(options);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_GT(first->public_documents, 60);

  const auto check_generation = [&](long generation) {
    SCOPED_TRACE("generation " + std::to_string(generation));
    const auto gen_dir = kb.index() / search::GenerationDirName(generation);
    for (const auto& entry : std::filesystem::directory_iterator(gen_dir)) {
      const std::string name = entry.path().filename().string();
      EXPECT_TRUE(name == "public" || name == "agent" || name == "views" || name == "lexicon" ||
                  name.starts_with("shard-"))
          << "left over: " << entry.path();
    }
    const Xapian::Database working((gen_dir / "public").string());
    // The same runs without shards: each shard document must be the
    // document the unsharded index holds under the same docid.
    IndexOptions unsharded = options;
    unsharded.index_dir = (kb.root() / "unsharded").string();
    unsharded.shards = 0;
    Result<IndexReport> built = BuildIndex(unsharded);
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    ASSERT_EQ(built->generation, generation);
    const Xapian::Database whole(
        (kb.root() / "unsharded" / search::GenerationDirName(generation) / "public").string());
    std::map<Xapian::docid, int> shard_of_docid;
    for (int shard = 1; shard <= 3; ++shard) {
      const Xapian::Database db((gen_dir / search::ShardDirName(shard) / "public").string());
      EXPECT_GT(db.get_doccount(), 0u) << "shard " << shard;
      for (auto docid = db.postlist_begin(""); docid != db.postlist_end(""); ++docid) {
        EXPECT_TRUE(shard_of_docid.emplace(*docid, shard).second) << "docid " << *docid << " in two shards";
        const Xapian::Document got = db.get_document(*docid);
        const Xapian::Document want = whole.get_document(*docid);
        const std::string id = want.get_value(search::schema::kSlotId);
        EXPECT_EQ(got.get_value(search::schema::kSlotId), id) << "docid " << *docid;
        EXPECT_EQ(working.get_document(*docid).get_value(search::schema::kSlotId), id) << "docid " << *docid;
        EXPECT_EQ(search::ShardOf(search::ShardKey("article", id), 3), shard) << id;
        EXPECT_EQ(got.get_data(), want.get_data()) << id;
        EXPECT_EQ(db.get_doclength(*docid), whole.get_doclength(*docid)) << id;
        EXPECT_EQ(std::vector<std::string>(got.termlist_begin(), got.termlist_end()),
                  std::vector<std::string>(want.termlist_begin(), want.termlist_end()))
            << id;
        for (auto term = got.termlist_begin(); term != got.termlist_end(); ++term) {
          if (term.positionlist_count() == 0) continue;
          EXPECT_EQ(std::vector<Xapian::termpos>(db.positionlist_begin(*docid, *term), db.positionlist_end(*docid, *term)),
                    std::vector<Xapian::termpos>(whole.positionlist_begin(*docid, *term),
                                                 whole.positionlist_end(*docid, *term)))
              << id << " " << *term;
        }
      }
    }
    EXPECT_EQ(shard_of_docid.size(), working.get_doccount()) << "every document in a shard";
  };
  check_generation(first->generation);

  const auto revisions = [&](long generation) {
    std::vector<Xapian::rev> revs;
    for (int shard = 1; shard <= 3; ++shard) {
      revs.push_back(Xapian::Database((kb.index() / search::GenerationDirName(generation) /
                                       search::ShardDirName(shard) / "public")
                                          .string())
                         .get_revision());
    }
    return revs;
  };
  WriteDocsLines(docs, 90, "doc-12");  // one document changed
  Result<IndexReport> second = BuildIndex(options);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->indexed, 1);
  ASSERT_EQ(second->generation, first->generation + 1);
  check_generation(second->generation);
  const int changed = search::ShardOf("doc-12", 3);
  const std::vector<Xapian::rev> before = revisions(first->generation);
  const std::vector<Xapian::rev> after = revisions(second->generation);
  for (int shard = 1; shard <= 3; ++shard) {
    if (shard == changed) {
      EXPECT_GT(after[shard - 1], before[shard - 1]) << "the changed document's shard " << shard;
    } else {
      EXPECT_EQ(after[shard - 1], before[shard - 1]) << "shard " << shard << " holds no changed document";
    }
  }
}

// An incremental run writes the changed documents into the copy of the live
// generation instead of parts; each document must hold what a full build of
// the same file gives it, and unchanged ones are reused.
TEST(IndexerTest, AnIncrementalDocsRunMatchesAFullBuild) {
  TempKb kb;
  const auto docs = kb.root() / "docs.jsonl";
  WriteDocsLines(docs, 60);
  IndexOptions options{.docs_files = {docs.string()}, .index_dir = kb.index().string(), .threads = 2,
                       .docs_batch_lines = 7};
  Result<IndexReport> first = BuildIndex(options);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  WriteDocsLines(docs, 66, "doc-12");  // one changed, six added
  Result<IndexReport> second = BuildIndex(options);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->indexed, 1 + 5);  // six new lines, line 61 of which has an unknown language
  EXPECT_EQ(second->reused, first->indexed - 1);
  EXPECT_EQ(second->public_documents, first->public_documents + 5);

  options.index_dir = (kb.root() / "full").string();
  Result<IndexReport> full = BuildIndex(options);
  ASSERT_TRUE(full.ok()) << full.error().ToString();
  EXPECT_EQ(full->public_documents, second->public_documents);
  // Docids differ (a changed document moves to the end); what each document
  // holds must not.
  const auto by_id = [](const std::filesystem::path& path) {
    const Xapian::Database db(path.string());
    std::map<std::string, std::string> documents;
    for (auto docid = db.postlist_begin(""); docid != db.postlist_end(""); ++docid) {
      const Xapian::Document doc = db.get_document(*docid);
      std::string terms;
      for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
        terms += *term + ":" + std::to_string(term.get_wdf()) + " ";
      }
      documents[doc.get_value(search::schema::kSlotId)] = doc.get_data() + "\n" + terms;
    }
    return documents;
  };
  EXPECT_EQ(by_id(kb.index() / search::GenerationDirName(2) / "public"),
            by_id(kb.root() / "full" / search::GenerationDirName(1) / "public"));
  const auto spellings = [](const std::filesystem::path& path) {
    const Xapian::Database db(path.string());
    std::string words;
    for (auto word = db.spellings_begin(); word != db.spellings_end(); ++word) {
      words += *word + ":" + std::to_string(word.get_termfreq()) + " ";
    }
    return words;
  };
  EXPECT_EQ(spellings(kb.index() / search::GenerationDirName(2) / "public"),
            spellings(kb.root() / "full" / search::GenerationDirName(1) / "public"));
  EXPECT_EQ(SearchIds(kb, "word12 changed"), std::vector<std::string>{"doc-12"});
}

// A docs id that appears twice: the first line is the document, the second
// is refused as a duplicate, in an incremental run as in the first one.
// (The second line used to delete the first's reused document.)
TEST(IndexerTest, ARepeatedDocsIdKeepsTheFirstDocumentInEveryRun) {
  TempKb kb;
  const auto docs = kb.root() / "docs.jsonl";
  std::ofstream(docs) << R"({"id": "d1", "lang": "en", "title": "First", "text": "Apples."})" << "\n"
                      << R"({"id": "d1", "lang": "en", "title": "Second", "text": "Bananas."})" << "\n"
                      << R"({"id": "d2", "lang": "en", "title": "Other", "text": "Cherries."})" << "\n";
  const IndexOptions options{.docs_files = {docs.string()}, .index_dir = kb.index().string()};
  for (int run = 1; run <= 2; ++run) {
    if (run == 2) {  // a new line, so that the second run has something to publish
      std::ofstream(docs, std::ios::app) << R"({"id": "d3", "lang": "en", "title": "New", "text": "Dates."})" << "\n";
    }
    Result<IndexReport> report = BuildIndex(options);
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    ASSERT_EQ(report->errors.size(), 1u) << "run " << run;
    EXPECT_EQ(report->errors[0].where, docs.string() + ":2");
    EXPECT_NE(report->errors[0].message.find("duplicate id 'd1'"), std::string::npos) << report->errors[0].ToString();
    EXPECT_EQ(report->public_documents, run + 1) << "run " << run;
    EXPECT_EQ(SearchIds(kb, "apples"), std::vector<std::string>{"d1"}) << "run " << run;
    EXPECT_TRUE(SearchIds(kb, "bananas").empty()) << "run " << run;
  }
}

TEST(IndexerTest, ATruncatedGzipDocumentsFileIsAnErrorNotASilentEnd) {
  TempKb kb;
  const auto docs = kb.root() / "docs.jsonl.gz";
  gzFile out = gzopen(docs.c_str(), "wb");
  for (int i = 0; i < 200; ++i) {
    const std::string line = R"({"id": "d)" + std::to_string(i) + R"(", "lang": "en", "title": "Doc", "text": "Text number )" +
                             std::to_string(i) + R"( about many different things and words."})" + "\n";
    gzwrite(out, line.data(), static_cast<unsigned>(line.size()));
  }
  gzclose(out);
  std::filesystem::resize_file(docs, std::filesystem::file_size(docs) / 2);
  Result<IndexReport> report = BuildIndex({.docs_files = {docs.string()}, .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->errors.empty());
  EXPECT_EQ(report->errors.back().where, docs.string());
  EXPECT_NE(report->errors.back().message.find("corrupt"), std::string::npos) << report->errors.back().ToString();
  EXPECT_GT(report->indexed, 0);  // the lines before the damage are indexed
}

}  // namespace
}  // namespace helpdex::indexer

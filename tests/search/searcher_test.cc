// Unit tests for helpdex/search/searcher.h over a small index built by the
// real indexer: ranking per language, filters, facets, snippets, bounds,
// visibility and generation swaps.
#include "helpdex/search/searcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "../support/shared_set_up.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/xapian_error.h"

namespace helpdex::search {
namespace {

using helpdex::testing::TempKb;

class SearcherTest : public SharedSetUpTest<SearcherTest> {
 protected:
  friend class SharedSetUpTest<SearcherTest>;
  // SharedSetUpTest: "" when the index is built, else what went wrong.
  static std::string BuildSharedState() {
    kb_ = new TempKb();
    kb_->Write("en/slow.md", TempKb::Article("en-slow", "en", "website-slow", "My website is slow",
                                             "Pages load slowly.\n\n## Turn on caching\n\nCaching makes sites faster.\n",
                                             "public", "[performance, hosting]", "slow"));
    kb_->Write("en/mail.md", TempKb::Article("en-mail", "en", "email-setup", "Setting up e-mail",
                                             "Use IMAP on port 993 for its security. `<script>alert(1)</script>` is text here.\n",
                                             "public", "[email]"));
    kb_->Write("nb/slow.md", TempKb::Article("nb-slow", "nb", "nettsiden-er-treg", "Nettsiden min er treg",
                                             "Nettsidene laster tregt.\n", "public", "[performance]", "slow"));
    kb_->Write("tr/slow.md", TempKb::Article("tr-slow", "tr", "sitem-yavas", "Web sitem yavaş",
                                             "Sitenin sayfaları yavaş açılıyor.\n", "public", "[performance]", "slow"));
    kb_->Write("ru/slow.md", TempKb::Article("ru-slow", "ru", "sajt-medlennyj", "Мой сайт медленно работает",
                                             "Страницы сайта загружаются медленно.\n", "public", "[performance]",
                                             "slow"));
    kb_->Write("el/slow.md", TempKb::Article("el-slow", "el", "argos-istotopos", "Ο ιστότοπός μου είναι αργός",
                                             "Οι σελίδες φορτώνουν αργά.\n", "public", "[performance]", "slow"));
    kb_->Write("cs/slow.md", TempKb::Article("cs-slow", "cs", "pomaly-web", "Můj web je pomalý",
                                             "Stránky se načítají pomalu.\n", "public", "[performance]", "slow"));
    kb_->Write("internal/esc.md", TempKb::Article("int-esc", "en", "escalation", "Escalation zqxjkv policy",
                                                  "Escalate slow sites to ops zqxjkv.\n", "internal", "[desk]"));
    Result<indexer::IndexReport> report =
        indexer::BuildIndex({.content_dir = kb_->content().string(), .index_dir = kb_->index().string()});
    if (!report.ok()) return report.error().ToString();
    if (report->failed != 0) return std::to_string(report->failed) + " articles failed to index";
    return "";
  }
  static void TearDownTestSuite() { delete kb_; }

  static SearchResponse Search(SearchRequest request, Viewer viewer = Viewer::Public()) {
    auto index = Index::Open(kb_->index().string(), viewer);
    EXPECT_TRUE(index.ok());
    auto searcher = (*index)->AcquireSearcher();
    Result<SearchResponse> response = (*searcher)->Search(request);
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    return response.ok() ? *response : SearchResponse{};
  }

  static std::string TopId(const std::string& query, std::optional<Language> language) {
    SearchResponse response = Search({.query = query, .language = language});
    return response.results.empty() ? "" : response.results[0].id;
  }

  static TempKb* kb_;
};

TempKb* SearcherTest::kb_ = nullptr;

TEST_F(SearcherTest, InflectedQueriesFindTheArticleInTheirLanguage) {
  EXPECT_EQ(TopId("websites slowly", Language::kEnglish), "en-slow");
  EXPECT_EQ(TopId("nettsidene mine er trege", Language::kNorwegian), "nb-slow");
  EXPECT_EQ(TopId("WEB SİTEM YAVAŞ", Language::kTurkish), "tr-slow");
  EXPECT_EQ(TopId("сайта медленный", Language::kRussian), "ru-slow");
  EXPECT_EQ(TopId("ΑΡΓΟΣ ΙΣΤΟΤΟΠΟΣ", Language::kGreek), "el-slow");
  EXPECT_EQ(TopId("pomalý web", Language::kCzech), "cs-slow");
}

TEST_F(SearcherTest, UnknownLanguageStillFindsUnstemmedWords) {
  EXPECT_EQ(TopId("treg", std::nullopt), "nb-slow");
  EXPECT_EQ(TopId("медленно", std::nullopt), "ru-slow");
}

TEST_F(SearcherTest, LanguageTagAndTypeFilter) {
  SearchResponse by_tag = Search({.query = "slow", .tags = {"hosting"}});
  ASSERT_EQ(by_tag.results.size(), 1u);
  EXPECT_EQ(by_tag.results[0].id, "en-slow");
  EXPECT_TRUE(Search({.query = "slow", .type = "ticket"}).results.empty());
  SearchResponse nb = Search({.query = "treg", .language = Language::kNorwegian});
  for (const SearchResult& result : nb.results) EXPECT_EQ(result.lang, "nb");
}

TEST_F(SearcherTest, FacetsCountEveryMatchByLanguageTagAndType) {
  SearchResponse response = Search({.query = "", .page_size = 1, .with_facets = true});
  EXPECT_TRUE(response.facets_counted);
  EXPECT_EQ(response.total, 7u);  // the internal article is not counted
  EXPECT_EQ(response.facets["type"]["article"], 7u);
  EXPECT_EQ(response.facets["lang"]["en"], 2u);
  EXPECT_EQ(response.facets["tag"]["performance"], 6u);
  EXPECT_EQ(response.facets["tag"]["hosting"], 1u);
  EXPECT_EQ(response.facets["tag"].count("desk"), 0u);
  // Not counted unless asked for (they cost a pass over every match).
  SearchResponse without = Search({.query = "", .page_size = 1});
  EXPECT_FALSE(without.facets_counted);
  EXPECT_TRUE(without.facets.empty());
}

TEST_F(SearcherTest, PagingReturnsDisjointPages) {
  SearchResponse first = Search({.query = "", .page = 1, .page_size = 3});
  SearchResponse third = Search({.query = "", .page = 3, .page_size = 3});
  ASSERT_EQ(first.results.size(), 3u);
  ASSERT_EQ(third.results.size(), 1u);
  for (const SearchResult& result : first.results) EXPECT_NE(result.id, third.results[0].id);
}

TEST_F(SearcherTest, SnippetsHighlightAndEscape) {
  SearchResponse response = Search({.query = "imap script", .language = Language::kEnglish});
  ASSERT_FALSE(response.results.empty());
  const std::string& snippet = response.results[0].snippet;
  EXPECT_NE(snippet.find("<mark>IMAP</mark>"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.find("<script>"), std::string::npos) << snippet;
  EXPECT_NE(snippet.find("&lt;"), std::string::npos) << snippet;
}

TEST_F(SearcherTest, ResultLinksToTheMatchedSection) {
  SearchResponse response = Search({.query = "caching", .language = Language::kEnglish});
  ASSERT_FALSE(response.results.empty());
  EXPECT_EQ(response.results[0].url, "/articles/website-slow?lang=en#turn-on-caching");
  EXPECT_EQ(response.results[0].section_title, "Turn on caching");
}

TEST_F(SearcherTest, InternalArticlesAreInvisibleToThePublicOnEveryPath) {
  EXPECT_TRUE(Search({.query = "zqxjkv"}).results.empty());
  EXPECT_FALSE(Search({.query = "zqxjkv"}).did_you_mean.has_value());
  auto index = Index::Open(kb_->index().string(), Viewer::Public());
  auto searcher = (*index)->AcquireSearcher();
  EXPECT_EQ((*searcher)->GetArticle("escalation", std::nullopt).error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*searcher)->DocumentCount(), 7u);
  // Agents see it.
  EXPECT_EQ(Search({.query = "zqxjkv"}, Viewer::Agent()).results.size(), 1u);
}

TEST_F(SearcherTest, SpellingSuggestionComesFromPublicWords) {
  SearchResponse response = Search({.query = "cachng", .language = Language::kEnglish});
  ASSERT_TRUE(response.did_you_mean.has_value());
  EXPECT_EQ(*response.did_you_mean, "caching");
  EXPECT_FALSE(Search({.query = "zqxjkw"}).did_you_mean.has_value());  // the internal word is not in the dictionary
}

TEST_F(SearcherTest, QueriesAreBoundedBeforeXapian) {
  auto index = Index::Open(kb_->index().string(), Viewer::Public());
  auto searcher = (*index)->AcquireSearcher();
  Result<SearchResponse> too_long = (*searcher)->Search({.query = std::string(kMaxQueryBytes + 1, 'a')});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kQueryTooLong);
  EXPECT_EQ(too_long.error().where, "q");
  Result<SearchResponse> bad_utf8 = (*searcher)->Search({.query = "caf\xC3"});
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().where, "q");
  // Syntax errors and many words degrade gracefully.
  for (const char* query : {"\"unbalanced (quote", "title:", "+ - \"\" (((", "a* b* c*"}) {
    EXPECT_TRUE((*searcher)->Search({.query = query}).ok()) << query;
  }
  std::string many_words;
  for (int i = 0; i < 200; ++i) many_words += "slow ";
  EXPECT_TRUE((*searcher)->Search({.query = many_words}).ok());
  Result<SearchRequest> clamped = NormalizeRequest({.query = "x", .page = 1000, .page_size = 1000});
  EXPECT_EQ(clamped->page, kMaxPage);
  EXPECT_EQ(clamped->page_size, kMaxPageSize);
}

TEST_F(SearcherTest, ArticleLookupPicksTheLanguageAndListsTranslations) {
  auto index = Index::Open(kb_->index().string(), Viewer::Public());
  auto searcher = (*index)->AcquireSearcher();
  Result<Article> article = (*searcher)->GetArticle("nettsiden-er-treg", std::nullopt);
  ASSERT_TRUE(article.ok());
  EXPECT_EQ(article->record.id, "nb-slow");
  EXPECT_EQ(article->translations.size(), 5u);
  EXPECT_EQ((*searcher)->GetArticle("no-such-article", Language::kEnglish).error().code, ErrorCode::kNotFound);
}

// The analysis of one everyday question per language, as the query Xapian
// runs (Searcher::DescribeQuery): the stemmed terms (Z), the accentless
// reading (XF), the title reading (S) and the language filter (L). Pins
// substrings, not the whole description.
TEST_F(SearcherTest, EachLanguageReadsAQuestionWithItsOwnAnalysis) {
  struct Case {
    Language language;
    std::string question;
    std::vector<std::string> holds;      // substrings of the description
    std::vector<std::string> lacks = {};  // and what it must not say
  };
  const std::vector<Case> cases = {
      {Language::kEnglish,
       "How do I reset my password?",
       {"Zreset@", "Zpassword@", "XFpassword@", "ZSpassword@", "Zreset NEAR 2 Zpassword", "Len"},
       {"how", "my"}},
      // Norwegian: stemmed, and the reversed stems that find compounds.
      {Language::kNorwegian,
       "Hvordan endrer jeg passordet mitt?",
       {"Zendr@", "Zpassord@", "XFpassordet@", "XRZdrossap", "Lnb"},
       {"hvordan", "jeg", "mitt"}},
      // Turkish: the stem keeps its letters; the accentless term drops them.
      {Language::kTurkish,
       "Şifremi nasıl değiştirebilirim?",
       {"Zşifre@", "Zdeğiştirebilir@", "XFsifremi@", "XFdegistirebilirim@", "Ltr"},
       {"nasıl", "nasil"}},
      // Czech: helpdex's light stemmer (czech_stemmer.h).
      {Language::kCzech,
       "Jak změním heslo k účtu?",
       {"Zzměn@", "Zhesl@", "XFzmenim@", "XFheslo@", "XFuctu@", "Lcs"},
       {"Zjak", "XFjak"}},
      {Language::kRussian, "Как изменить пароль?", {"Zизмен@", "Zпарол@", "XFизменить@", "XFпароль@", "Lru"}, {"как"}},
      // Greek: libstemmer's stemmer; the accentless term drops the tonos.
      {Language::kGreek, "Πώς αλλάζω τον κωδικό μου;", {"Zαλλαζ@", "Zκωδ@", "XFκωδικο@", "Lel"}, {"τον", "μου"}},
  };

  auto index = Index::Open(kb_->index().string(), Viewer::Public());
  ASSERT_TRUE(index.ok());
  auto searcher = *(*index)->AcquireSearcher();
  for (const Case& c : cases) {
    Result<std::string> description = searcher->DescribeQuery({.query = c.question, .language = c.language});
    ASSERT_TRUE(description.ok()) << description.error().ToString();
    for (const std::string& term : c.holds) {
      EXPECT_NE(description->find(term), std::string::npos) << c.question << " lacks " << term << ":\n" << *description;
    }
    for (const std::string& term : c.lacks) {
      EXPECT_EQ(description->find(term), std::string::npos) << c.question << " has " << term << ":\n" << *description;
    }
  }
}

TEST_F(SearcherTest, AQueryWithoutWordsIsDescribedAsEmpty) {
  auto index = Index::Open(kb_->index().string(), Viewer::Public());
  ASSERT_TRUE(index.ok());
  auto searcher = *(*index)->AcquireSearcher();
  EXPECT_EQ(*searcher->DescribeQuery({.query = "?!"}), "Query()");
  EXPECT_FALSE(searcher->DescribeQuery({.query = std::string(5000, 'a')}).ok());
}

TEST(IndexSwapTest, AnOpenIndexFollowsANewGeneration) {
  TempKb kb;
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha", "apples"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto index = Index::Open(kb.index().string(), Viewer::Public(), std::chrono::milliseconds(0));
  ASSERT_TRUE(index.ok());
  std::shared_ptr<Searcher> old_snapshot = *(*index)->AcquireSearcher();

  kb.Write("en/b.md", TempKb::Article("b", "en", "beta", "Beta", "apples too"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  EXPECT_EQ((*index)->generation(), 2);
  EXPECT_EQ((*(*index)->AcquireSearcher())->Search({.query = "apples"})->results.size(), 2u);
  // A snapshot taken before the swap keeps answering from its generation.
  EXPECT_EQ(old_snapshot->Search({.query = "apples"})->results.size(), 1u);
}

// Completions are held in memory per generation: a renamed title completes
// under its new name after the swap, never the old one, and a snapshot of the
// old generation still completes the old title.
TEST(IndexSwapTest, CompletionsFollowANewGeneration) {
  TempKb kb;
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Apple orchards", "apples"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto index = Index::Open(kb.index().string(), Viewer::Public(), std::chrono::milliseconds(0));
  ASSERT_TRUE(index.ok());
  (*index)->set_response_cache_entries(0);
  std::shared_ptr<Searcher> old_snapshot = *(*index)->AcquireSearcher();
  EXPECT_EQ((*index)->Suggest({.text = "apple orc"})->completions, std::vector<std::string>{"Apple orchards"});

  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Apple orchestras", "apples"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  EXPECT_EQ((*index)->Suggest({.text = "apple orc"})->completions, std::vector<std::string>{"Apple orchestras"});
  EXPECT_EQ(old_snapshot->Suggest({.text = "apple orc"})->completions, std::vector<std::string>{"Apple orchards"});
  EXPECT_EQ((*index)->Suggest({.text = "apple orc"})->completions, std::vector<std::string>{"Apple orchestras"});
}

// Issue 16, item 1: a generation replaced under the same number (an index of
// the older layout, rebuilt in place by the next run) was served from pooled
// Searchers of the removed files until the server restarted. Its stub has
// another identity now: the Index drops what it opened.
TEST(IndexSwapTest, AGenerationReplacedUnderItsNumberIsReadAfresh) {
  for (Viewer viewer : {Viewer::Public(), Viewer::Agent()}) {
    TempKb kb;
    kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha", "apples"));
    ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
    TempKb other;
    other.Write("en/b.md", TempKb::Article("b", "en", "beta", "Beta", "bananas"));
    ASSERT_TRUE(
        indexer::BuildIndex({.content_dir = other.content().string(), .index_dir = other.index().string()}).ok());

    auto index = Index::Open(kb.index().string(), viewer, std::chrono::milliseconds(0));
    ASSERT_TRUE(index.ok());
    ASSERT_EQ((*index)->Search({.query = "apples"})->results.size(), 1u);  // pooled and cached

    const std::filesystem::path generation = kb.index() / GenerationDirName(1);
    std::filesystem::remove_all(generation);
    std::filesystem::copy(other.index() / GenerationDirName(1), generation, std::filesystem::copy_options::recursive);
    EXPECT_EQ((*index)->generation(), 1);
    Result<SearchResponse> bananas = (*index)->Search({.query = "bananas"});
    ASSERT_TRUE(bananas.ok()) << bananas.error().ToString();
    EXPECT_EQ(bananas->results.size(), 1u) << (viewer.agent ? "agent" : "public");
    // Not answered from the cache of the replaced files either.
    EXPECT_TRUE((*index)->Search({.query = "apples"})->results.empty()) << (viewer.agent ? "agent" : "public");
  }
}

// Issue 16, item 1: a Searcher whose read fails (its files were damaged or
// replaced) never goes back to the pool, and the next request opens the
// generation again: a 503 lasts as long as the damage, not until a restart.
TEST(IndexSwapTest, ASearcherWhoseReadFailedIsDroppedAndTheNextOneReadsAfresh) {
  TempKb kb;
  // Enough documents for B-trees of more than one level: a search then reads
  // blocks from the files, not only the root blocks Xapian keeps in memory.
  const std::filesystem::path docs = kb.root() / "docs.jsonl";
  {
    std::ofstream out(docs);
    for (int i = 0; i < 3000; ++i) {
      out << R"({"id": "d)" << i << R"(", "lang": "en", "title": "Apples )" << i
          << R"(", "text": "Apples and pears, word)" << i << R"(."})" << "\n";
    }
  }
  ASSERT_TRUE(indexer::BuildIndex({.docs_files = {docs.string()}, .index_dir = kb.index().string()}).ok());
  const std::filesystem::path generation = kb.index() / GenerationDirName(1);
  const std::filesystem::path backup = kb.root() / "backup";
  std::filesystem::copy(generation, backup, std::filesystem::copy_options::recursive);

  // A recheck interval no test reaches: only the failed read can make the
  // Index look again.
  auto index = Index::Open(kb.index().string(), Viewer::Agent(), std::chrono::hours(1));
  ASSERT_TRUE(index.ok());
  (*index)->set_response_cache_entries(0);
  ASSERT_EQ((*index)->Search({.query = "apples"})->results.size(), 10u);

  // Damaged in place: the pooled Searcher's open files are empty now.
  for (const auto& entry : std::filesystem::directory_iterator(generation / "public")) {
    if (entry.path().extension() == ".glass") std::filesystem::resize_file(entry.path(), 0);
  }
  Result<SearchResponse> damaged = (*index)->Search({.query = "apples"});
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, ErrorCode::kIndexUnavailable);
  EXPECT_FALSE((*index)->Check().ok());

  std::filesystem::remove_all(generation);
  std::filesystem::copy(backup, generation, std::filesystem::copy_options::recursive);
  Result<SearchResponse> repaired = (*index)->Search({.query = "apples"});
  ASSERT_TRUE(repaired.ok()) << repaired.error().ToString();
  EXPECT_EQ(repaired->results.size(), 10u);
  Result<Index::Status> status = (*index)->Check();
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_EQ(status->generation, 1);
  EXPECT_EQ(status->documents, 3000u);
}

TEST(ResponseCacheTest, ARepeatedRequestIsAnsweredFromTheCacheUntilANewGeneration) {
  TempKb kb;
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha", "apples"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto index = Index::Open(kb.index().string(), Viewer::Public(), std::chrono::milliseconds(0));
  ASSERT_TRUE(index.ok());

  ASSERT_EQ((*index)->Search({.query = "apples"})->results.size(), 1u);
  EXPECT_EQ((*index)->response_cache_counts().hits, 0u);
  ASSERT_EQ((*index)->Search({.query = "apples"})->results.size(), 1u);
  EXPECT_EQ((*index)->response_cache_counts().hits, 1u);
  // Any other field is another request: the page, the text as typed.
  EXPECT_TRUE((*index)->Search({.query = "apples", .page = 2}).ok());
  EXPECT_TRUE((*index)->Search({.query = "Apples"}).ok());
  EXPECT_EQ((*index)->response_cache_counts().hits, 1u);
  EXPECT_TRUE((*index)->Suggest({.text = "appl"}).ok());
  EXPECT_TRUE((*index)->Suggest({.text = "appl"}).ok());
  EXPECT_EQ((*index)->response_cache_counts().hits, 2u);

  // A new generation is never answered from before it.
  kb.Write("en/b.md", TempKb::Article("b", "en", "beta", "Beta", "apples too"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  EXPECT_EQ((*index)->Search({.query = "apples"})->results.size(), 2u);
  EXPECT_EQ((*index)->response_cache_counts().hits, 2u);
}

TEST(ResponseCacheTest, ASizeOfZeroTurnsItOff) {
  TempKb kb;
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha", "apples"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto index = Index::Open(kb.index().string(), Viewer::Public());
  ASSERT_TRUE(index.ok());
  (*index)->set_response_cache_entries(0);
  EXPECT_TRUE((*index)->Search({.query = "apples"}).ok());
  EXPECT_TRUE((*index)->Search({.query = "apples"}).ok());
  EXPECT_EQ((*index)->response_cache_counts().hits, 0u);
  EXPECT_EQ((*index)->Search({.query = "apples"})->results.size(), 1u);
}

TEST(IndexOpenTest, AMissingIndexIsUnavailableNotACrash) {
  auto index = Index::Open("/nonexistent/helpdex", Viewer::Public());
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().code, ErrorCode::kIndexUnavailable);
}

// A generation Xapian cannot open is reported with the generation's directory
// as `where`, and the message names the operation.
TEST(IndexOpenTest, ACorruptGenerationIsNamedInTheError) {
  TempKb kb;
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha", "apples"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  const std::filesystem::path public_db = kb.index() / GenerationDirName(1) / "public";
  ASSERT_TRUE(std::filesystem::exists(public_db / "iamglass"));
  std::ofstream(public_db / "iamglass", std::ios::binary | std::ios::trunc) << "not a glass database";

  auto index = Index::Open(kb.index().string(), Viewer::Public());
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().code, ErrorCode::kIndexUnavailable);
  EXPECT_EQ(index.error().where, (kb.index() / "gen-000001").string());
  EXPECT_NE(index.error().message.find("opening generation 1 failed ("), std::string::npos)
      << index.error().message;
}

TEST(IndexOpenTest, AMissingDatabaseIsNamedInTheError) {
  TempKb kb;
  kb.Write("en/a.md", TempKb::Article("a", "en", "alpha", "Alpha", "apples"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  std::filesystem::remove_all(kb.index() / GenerationDirName(1) / "agent");

  auto index = Index::Open(kb.index().string(), Viewer::Agent());
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.error().code, ErrorCode::kIndexUnavailable);
  EXPECT_NE(index.error().where.find("gen-000001"), std::string::npos) << index.error().ToString();
}

TEST(GuardXapianTest, AXapianErrorBecomesAnErrorAtWhere) {
  Result<int> result = GuardXapian("the search", "var/index/gen-000042", []() -> Result<int> {
    throw Xapian::DatabaseModifiedError("The revision being read has been discarded");
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kIndexUnavailable);
  EXPECT_EQ(result.error().where, "var/index/gen-000042");
  EXPECT_EQ(result.error().message, "the search failed (DatabaseModifiedError)");
  EXPECT_EQ(result.error().ToString(), "var/index/gen-000042: the search failed (DatabaseModifiedError)");

  Result<int> other = GuardXapian("the search", "var/index/gen-000042",
                                  []() -> Result<int> { throw std::runtime_error("boom"); });
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kInternal);
  EXPECT_EQ(other.error().message, "the search failed unexpectedly");

  Result<int> fine = GuardXapian("the search", "var/index/gen-000042", []() -> Result<int> { return 7; });
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(*fine, 7);
}

}  // namespace
}  // namespace helpdex::search

namespace helpdex::search {
namespace {

// Regression: "websites slow" was offered "did you mean: website slow",
// although the plural already matched through its stem.
TEST_F(SearcherTest, NoSpellingSuggestionForAnotherFormOfTheSameWord) {
  EXPECT_FALSE(Search({.query = "websites slow", .language = Language::kEnglish}).did_you_mean.has_value());
}

// Regression: "my website is slow" was offered "my website its slow": short
// words are left out of the spelling dictionary, but they are not typos.
TEST_F(SearcherTest, NoSpellingSuggestionForWordsTheIndexKnows) {
  EXPECT_FALSE(Search({.query = "my website is slow", .language = Language::kEnglish}).did_you_mean.has_value());
}

}  // namespace
}  // namespace helpdex::search

namespace helpdex::search {
namespace {

TEST_F(SearcherTest, AQueryThatFindsNothingIsRetriedWithItsCorrection) {
  SearchResponse response = Search({.query = "cachng", .language = Language::kEnglish});
  ASSERT_TRUE(response.showing_results_for.has_value());
  EXPECT_EQ(*response.showing_results_for, "caching");
  EXPECT_EQ(response.query, "cachng");  // the response still names what was typed
  ASSERT_FALSE(response.results.empty());
  EXPECT_EQ(response.results[0].id, "en-slow");
  // A query that finds something as typed is not replaced.
  EXPECT_FALSE(Search({.query = "caching", .language = Language::kEnglish}).showing_results_for.has_value());
}

TEST_F(SearcherTest, ResultsInAnotherLanguageThanTheQueryAreLabelled) {
  SearchResponse response = Search({.query = "сайт медленно"});  // Cyrillic: detected as Russian
  EXPECT_EQ(response.query_lang, "ru");
  ASSERT_FALSE(response.results.empty());
  EXPECT_EQ(response.results[0].id, "ru-slow");
  EXPECT_FALSE(response.results[0].other_language);
  SearchResponse unknown = Search({.query = "web"});  // one Latin word: language unknown, no label
  EXPECT_EQ(unknown.query_lang, "");
  for (const SearchResult& result : unknown.results) EXPECT_FALSE(result.other_language);
  SearchResponse english_page = Search({.query = "web", .query_language = Language::kEnglish});
  for (const SearchResult& result : english_page.results) EXPECT_EQ(result.other_language, result.lang != "en");
}

TEST_F(SearcherTest, AccentlessQueriesFindAccentedArticles) {
  EXPECT_EQ(TopId("pomaly web", std::nullopt), "cs-slow");
  EXPECT_EQ(TopId("pomaly web", Language::kCzech), "cs-slow");
  EXPECT_EQ(TopId("stranky se nacitaji pomalu", Language::kCzech), "cs-slow");
  EXPECT_EQ(TopId("ιστοτοπος αργος", std::nullopt), "el-slow");
  EXPECT_EQ(TopId("ιστοτοποσ αργοσ", Language::kGreek), "el-slow");
  EXPECT_EQ(TopId("sitem yavas", Language::kTurkish), "tr-slow");
}

TEST_F(SearcherTest, QueriesTypedWithAccentsRankExactMatchesFirst) {
  // Two documents differ only in accents; the accented query prefers the accented one.
  TempKb kb;
  kb.Write("cs/a.md", TempKb::Article("cs-accented", "cs", "a", "Nastavení", "Změna hesla účtu."));
  kb.Write("cs/b.md", TempKb::Article("cs-plain", "cs", "b", "Nastaveni", "Zmena hesla uctu."));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto index = Index::Open(kb.index().string(), Viewer::Public());
  auto searcher = *(*index)->AcquireSearcher();
  EXPECT_EQ(searcher->Search({.query = "změna účtu", .language = Language::kCzech})->results[0].id, "cs-accented");
  EXPECT_EQ(searcher->Search({.query = "zmena uctu", .language = Language::kCzech})->results[0].id, "cs-plain");
}

TEST_F(SearcherTest, TurkishDottedAndDotlessIMeetInEverySpelling) {
  for (const char* query : {"WEB SİTEM YAVAŞ", "WEB SITEM YAVAŞ", "web sitem yavaş", "web sıtem yavaş", "Web Sİtem"}) {
    EXPECT_EQ(TopId(query, Language::kTurkish), "tr-slow") << query;
    EXPECT_EQ(TopId(query, std::nullopt), "tr-slow") << query;
  }
}

}  // namespace
}  // namespace helpdex::search

namespace helpdex::search {
namespace {

// Norwegian writes compounds as one word: a part finds the compound, and a
// compound the knowledge base never uses finds the article about its parts.
TEST(NorwegianCompoundTest, PartsAndCompoundsFindEachOther) {
  TempKb kb;
  kb.Write("nb/a.md", TempKb::Article("nb-epost", "nb", "epost", "Endre e-postpassordet",
                                      "Slik bytter du e-postpassordet for kontoen din."));
  kb.Write("nb/b.md", TempKb::Article("nb-fart", "nb", "fart", "Nettsiden er treg",
                                      "Hastigheten til nettsiden avhenger av bildene."));
  kb.Write("nb/c.md", TempKb::Article("nb-other", "nb", "other", "Fakturaer", "Om betaling og fakturaer."));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto index = Index::Open(kb.index().string(), Viewer::Public());
  auto searcher = *(*index)->AcquireSearcher();
  auto top = [&](const std::string& query) {
    auto response = searcher->Search({.query = query, .language = Language::kNorwegian});
    return response->results.empty() ? std::string() : response->results[0].id;
  };
  EXPECT_EQ(top("passord"), "nb-epost");            // the part finds the compound
  EXPECT_EQ(top("glemt passordet"), "nb-epost");
  EXPECT_EQ(top("nettsidehastighet"), "nb-fart");   // the compound finds its parts
}

// Regression: a Norwegian article with a 300-letter word (a base64 blob) made
// a reversed-stem term over Xapian's 245-byte limit, and the whole index
// generation failed to build.
TEST(NorwegianCompoundTest, AVeryLongWordDoesNotBreakIndexing) {
  TempKb kb;
  kb.Write("nb/a.md", TempKb::Article("nb-blob", "nb", "blob", "Bilde", "Koden er " + std::string(300, 'q') + " her."));
  Result<indexer::IndexReport> report =
      indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->indexed, 1);
  EXPECT_EQ(report->failed, 0);
}

}  // namespace
}  // namespace helpdex::search

namespace helpdex::search {
namespace {

TEST_F(SearcherTest, StopWordsAreDroppedUnlessTheQueryHasNothingElse) {
  // "my ... is" are stop words: the content words decide the ranking.
  EXPECT_EQ(TopId("my website is slow", Language::kEnglish), "en-slow");
  // A query of only stop words still finds the documents that contain them.
  SearchResponse only_stop_words = Search({.query = "is", .language = Language::kEnglish});
  ASSERT_FALSE(only_stop_words.results.empty());
  EXPECT_LT(only_stop_words.total, 7u);  // not everything: it is a real match, not a browse
}

}  // namespace
}  // namespace helpdex::search

namespace helpdex::search {
namespace {

TEST(TitleReadingTest, ADocumentWhoseTitleIsTheQuestionRanksFirst) {
  TempKb kb;
  kb.Write("en/a.md", TempKb::Article("title-match", "en", "a", "Change the domain of my invoice",
                                      "Write to billing with the new name."));
  kb.Write("en/b.md", TempKb::Article("body-match", "en", "b", "Billing overview",
                                      "Invoices, invoices and more invoices: every domain gets an invoice, and a "
                                      "domain change makes a new invoice for the domain."));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto index = Index::Open(kb.index().string(), Viewer::Public());
  auto response = (*(*index)->AcquireSearcher())->Search({.query = "change invoice domain", .language = Language::kEnglish});
  ASSERT_FALSE(response->results.empty());
  EXPECT_EQ(response->results[0].id, "title-match");
}

// The correction of a query seen before comes from the Index's cache: the
// same answer, whichever pooled Searcher asks.
TEST_F(SearcherTest, ARepeatedQueryGetsTheSameCorrection) {
  auto index = Index::Open(kb_->index().string(), Viewer::Public());
  ASSERT_TRUE(index.ok());
  for (int round = 0; round < 3; ++round) {
    auto first = (*index)->AcquireSearcher();
    auto second = (*index)->AcquireSearcher();  // another Searcher of the pool
    for (auto* searcher : {&first, &second}) {
      Result<SearchResponse> typo = (**searcher)->Search({.query = "slow cachng", .language = Language::kEnglish});
      ASSERT_TRUE(typo.ok());
      ASSERT_TRUE(typo->did_you_mean.has_value());
      EXPECT_EQ(*typo->did_you_mean, "slow caching");
      EXPECT_FALSE(typo->results.empty());
      Result<SearchResponse> fine = (**searcher)->Search({.query = "slow caching", .language = Language::kEnglish});
      ASSERT_TRUE(fine.ok());
      EXPECT_FALSE(fine->did_you_mean.has_value());
    }
  }
}

}  // namespace
}  // namespace helpdex::search

// Sharded indexes (issue 17): `helpdex index --shards N` spreads the sample
// help centre (content/, six languages, and its resolved tickets) over N
// shards, and search::Index reads it exactly as the unsharded index: the same
// result ids in the same order, totals, facets, spelling corrections,
// completions and answer cards, for the public and the agent viewer. Also
// the layout: every document in exactly one shard, no agent-only document in
// a shard's public database, the stable paths DIR/shards/K/* and
// DIR/lexicon/* open with Xapian, and a re-index with another N is a new
// generation.
#include <gtest/gtest.h>

#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {
namespace {

namespace fs = std::filesystem;

const std::string kContent = std::string(HELPDEX_SOURCE_DIR) + "/content";
const std::string kTickets = kContent + "/tickets/tickets.jsonl";

// One index of the sample content and tickets, with its two viewers open.
struct BuiltIndex {
  int shards = 0;
  std::unique_ptr<testing::TempKb> kb = std::make_unique<testing::TempKb>();
  indexer::IndexReport report;
  std::shared_ptr<Index> public_index;
  std::shared_ptr<Index> agent_index;

  fs::path dir() const { return kb->index(); }
  Index& ForViewer(bool agent) const { return agent ? *agent_index : *public_index; }
};

// Builds it; a failure fails the test (never skipped).
std::unique_ptr<BuiltIndex> Build(int shards) {
  auto built = std::make_unique<BuiltIndex>();
  built->shards = shards;
  Result<indexer::IndexReport> report = indexer::BuildIndex(
      {.content_dir = kContent, .index_dir = built->dir().string(), .tickets_files = {kTickets}, .shards = shards});
  if (!report.ok()) {
    ADD_FAILURE() << "--shards " << shards << ": " << report.error().ToString();
    return nullptr;
  }
  EXPECT_EQ(report->failed, 0);
  built->report = *report;
  Result<std::shared_ptr<Index>> public_index = Index::Open(built->dir().string(), Viewer::Public());
  Result<std::shared_ptr<Index>> agent_index = Index::Open(built->dir().string(), Viewer{.agent = true});
  if (!public_index.ok() || !agent_index.ok()) {
    ADD_FAILURE() << "--shards " << shards << ": the index does not open";
    return nullptr;
  }
  built->public_index = *public_index;
  built->agent_index = *agent_index;
  return built;
}

// What a search answered, in a form that compares and prints whole.
std::string Describe(const SearchResponse& response) {
  std::ostringstream out;
  out << "total " << response.total << "; ids";
  for (const SearchResult& result : response.results) out << ' ' << result.type << ':' << result.id;
  out << "; did_you_mean " << response.did_you_mean.value_or("-") << "; showing_results_for "
      << response.showing_results_for.value_or("-") << "; facets";
  for (const auto& [facet, counts] : response.facets) {
    out << ' ' << facet << '{';
    for (const auto& [value, count] : counts) out << value << '=' << count << ',';
    out << '}';
  }
  return out.str();
}

std::string Describe(const SuggestResponse& response) {
  std::ostringstream out;
  out << "completions";
  for (const std::string& completion : response.completions) out << " [" << completion << ']';
  out << "; answers";
  for (const AnswerCard& card : response.answers) out << ' ' << card.id << '/' << card.lang;
  return out.str();
}

// Xapian 1.4 weights an OP_SYNONYM (the writers' synonyms, and wildcards:
// Norwegian compounds, the word being typed) with a term frequency it
// estimates per sub-database from the terms that sub-database holds, so a
// query with one can score a document differently on shards than on one
// database, and close scores swap (or another translation of an article is
// the one shown). Measured with quest over the same documents as one public
// and one agent database, then as 2 + 2 shards:
// `-o synonym 'password parola pwd şifre κωδικόσ ...'` scores one ticket
// 2.894 vs 2.995; `-f wildcard 'nett* treg*'` 0.860 vs 1.568; whole helpdex
// queries differed by 3% to 60% for a few documents. No setting of Xapian
// 1.4 makes those statistics global (remote shards estimate the same way).
// So a response that is not identical must still have the identical total,
// facets and corrections, and its query must hold such an operator.
bool HasEstimatedWeights(const std::string& query_description) {
  return query_description.find("SYNONYM") != std::string::npos;
}

// Whether `got` ranks `expected`'s results the same but for documents of
// equal score (to 9 digits): Xapian sums a document's weight in the order of
// its query tree, which it builds per sub-database (the most frequent term
// first), so equal scores on one database may differ in their last bits on
// shards, and the id tie-break (ranked_match.cc) then never sees the tie.
bool OnlyTiesDiffer(const SearchResponse& expected, const SearchResponse& got) {
  const auto canonical = [](const SearchResponse& response) {
    std::vector<std::pair<std::string, std::string>> ranked;
    for (const SearchResult& result : response.results) {
      char score[32];
      std::snprintf(score, sizeof score, "%020.9g", result.score);
      ranked.emplace_back(score, result.id);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    return ranked;
  };
  return canonical(expected) == canonical(got);
}

std::vector<std::string> SortedIds(const SearchResponse& response) {
  std::vector<std::string> ids;
  for (const SearchResult& result : response.results) ids.push_back(result.type + ":" + result.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string Scores(const SearchResponse& response) {
  std::ostringstream out;
  out.precision(17);
  for (const SearchResult& result : response.results) out << result.id << '=' << result.score << ' ';
  return out.str();
}

// The response without its ranked list: what must be equal however the
// documents are spread.
std::string DescribeCounts(const SearchResponse& response) {
  SearchResponse counts = response;
  counts.results.clear();
  return Describe(counts);
}

struct LanguageQueries {
  Language language;
  std::string tag;                    // a tag articles of the language carry
  std::vector<std::string> queries;   // several, some misspelt (did_you_mean)
  std::vector<std::string> prefixes;  // typed so far, for Suggest
};

const std::vector<LanguageQueries>& Queries() {
  static const std::vector<LanguageQueries> queries = {
      {Language::kEnglish, "account",
       {"reset password", "pasword resett", "domain dns records", "my website is slow", "invoice payment failed",
        "banner", "export my data"},
       {"pass", "reset your p", "dom", "two-f"}},
      {Language::kNorwegian, "account",
       {"passord", "glemt pasord", "faktura betaling", "domene dns", "eksportere dataene", "nettsiden er treg"},
       {"pass", "fakt", "kob"}},
      {Language::kTurkish, "account",
       {"şifre sıfırlama", "şifre sıfırlma", "alan adı dns", "fatura ödeme", "banner ekleme", "site yavaş"},
       {"şif", "ala", "fat"}},
      {Language::kCzech, "account",
       {"obnovení hesla", "heslo", "faktury platby", "doména dns", "web je pomalý", "export dat"},
       {"obn", "fakt", "dvou"}},
      {Language::kRussian, "account",
       {"пароль", "сброс пароля", "сброс паролья", "домен dns", "экспорт данных", "баннер"},
       {"паро", "экс", "дву"}},
      {Language::kGreek, "account",
       {"κωδικός πρόσβασης", "κωδικος", "banner", "δύο παραγόντων", "επαναφορά κωδικου", "τιμολόγιο"},
       {"κωδ", "επα", "δύο"}},
  };
  return queries;
}

// The requests each query is asked in: as typed, in its language only, with
// a tag, articles only, tickets only (agent), and page 2 of small pages.
std::vector<SearchRequest> Variants(const LanguageQueries& language, const std::string& query) {
  std::vector<SearchRequest> requests;
  requests.push_back({.query = query, .with_facets = true});
  requests.push_back({.query = query, .language = language.language, .with_facets = true});
  requests.push_back({.query = query, .query_language = language.language, .with_facets = true});
  requests.push_back({.query = query, .tags = {language.tag}, .with_facets = true});
  requests.push_back({.query = query, .type = "article", .with_facets = true});
  requests.push_back({.query = query, .type = "ticket", .with_facets = true});
  requests.push_back({.query = query, .page = 2, .page_size = 3, .with_facets = true});
  requests.push_back({.query = query, .language = language.language, .page = 2, .page_size = 2, .with_facets = true});
  return requests;
}

class ShardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (int shards : {0, 2, 3}) built_[shards] = Build(shards);
  }
  static void TearDownTestSuite() { built_.clear(); }

  void SetUp() override {
    for (int shards : {0, 2, 3}) ASSERT_NE(built_[shards], nullptr) << "--shards " << shards << " failed to build";
  }

  static const BuiltIndex& Unsharded() { return *built_[0]; }
  static std::vector<const BuiltIndex*> Sharded() { return {built_[2].get(), built_[3].get()}; }

  static std::map<int, std::unique_ptr<BuiltIndex>> built_;
};

std::map<int, std::unique_ptr<BuiltIndex>> ShardsTest::built_;

TEST_F(ShardsTest, SearchesAnswerAsTheUnshardedIndexInEveryLanguage) {
  size_t compared = 0;
  size_t identical = 0;
  size_t unexplained = 0;  // see below
  size_t with_results = 0;
  size_t corrected = 0;
  for (bool agent : {false, true}) {
    for (const LanguageQueries& language : Queries()) {
      for (const std::string& query : language.queries) {
        for (const SearchRequest& request : Variants(language, query)) {
          Result<SearchResponse> expected = Unsharded().ForViewer(agent).Search(request);
          ASSERT_TRUE(expected.ok()) << expected.error().ToString();
          const std::string want = Describe(*expected);
          if (!expected->results.empty()) ++with_results;
          if (expected->did_you_mean) ++corrected;
          for (const BuiltIndex* sharded : Sharded()) {
            Result<SearchResponse> got = sharded->ForViewer(agent).Search(request);
            ASSERT_TRUE(got.ok()) << got.error().ToString();
            ++compared;
            if (Describe(*got) == want) {
              ++identical;
              continue;
            }
            // Not identical: the totals, facets and corrections still are,
            // and the ranking differs only by Xapian's estimates.
            const std::string context = std::string(agent ? "agent" : "public") + " viewer, --shards " +
                                        std::to_string(sharded->shards) + ", query '" + query + "', type '" +
                                        request.type + "', page " + std::to_string(request.page);
            EXPECT_EQ(DescribeCounts(*got), DescribeCounts(*expected)) << context;
            Result<std::shared_ptr<Searcher>> searcher = Unsharded().ForViewer(agent).AcquireSearcher();
            ASSERT_TRUE(searcher.ok());
            // The query that found the results: the correction's when it was retried.
            SearchRequest asked = request;
            if (expected->showing_results_for) asked.query = *expected->showing_results_for;
            Result<std::string> described = (*searcher)->DescribeQuery(asked);
            ASSERT_TRUE(described.ok());
            if (HasEstimatedWeights(*described) || OnlyTiesDiffer(*expected, *got)) continue;
            // Otherwise only the order of the same results may differ, and
            // rarely. Seen once here (agent, 3 shards, 'домен dns', articles
            // only), and it is the unsharded score that is off: plain Xapian
            // 1.4 with the same query scores int-tone-and-style 4.3282 on the
            // unsharded agent view (public + agent databases) and 2.79906 on
            // 3 shards, while its parts alone score 2.15312 (Zdns) + 0.645936
            // (0.3 * XFdns) = 2.79906, the same on both.
            ++unexplained;
            EXPECT_EQ(SortedIds(*got), SortedIds(*expected)) << context;
            std::cout << "ranked differently without a synonym, a wildcard or a tie: " << context
                      << "\n  query: " << *described << "\n  scores got:  " << Scores(*got)
                      << "\n  scores want: " << Scores(*expected) << "\n";
          }
        }
      }
    }
  }
  // The comparisons must be about something: results, and corrections.
  EXPECT_GT(with_results, compared / 4) << "most queries should find something";
  EXPECT_GE(corrected, 4u) << "the misspelt queries should be corrected";
  std::cout << identical << " of " << compared << " sharded searches identical to the unsharded ones, the others "
            << "equal up to Xapian's per-shard synonym estimates and ties, " << unexplained << " unexplained\n";
  EXPECT_GT(identical, compared * 9 / 10);
  EXPECT_LE(unexplained, compared / 100);
}

TEST_F(ShardsTest, SuggestionsAnswerAsTheUnshardedIndexInEveryLanguage) {
  size_t compared = 0;
  size_t identical = 0;
  size_t with_completions = 0;
  size_t with_answers = 0;
  for (bool agent : {false, true}) {
    for (const LanguageQueries& language : Queries()) {
      std::vector<std::string> texts = language.prefixes;
      texts.insert(texts.end(), language.queries.begin(), language.queries.end());
      for (const std::string& text : texts) {
        for (const SuggestRequest& request :
             {SuggestRequest{.text = text, .language = language.language},
              SuggestRequest{.text = text, .only_language = language.language}, SuggestRequest{.text = text}}) {
          Result<SuggestResponse> expected = Unsharded().ForViewer(agent).Suggest(request);
          ASSERT_TRUE(expected.ok()) << expected.error().ToString();
          if (!expected->completions.empty()) ++with_completions;
          if (!expected->answers.empty()) ++with_answers;
          for (const BuiltIndex* sharded : Sharded()) {
            Result<SuggestResponse> got = sharded->ForViewer(agent).Suggest(request);
            ASSERT_TRUE(got.ok()) << got.error().ToString();
            ++compared;
            if (Describe(*got) == Describe(*expected)) {
              ++identical;
              continue;
            }
            // The answer cards may differ by Xapian's estimates (the word
            // being typed is a wildcard), and the completions with them
            // (the answers' titles complete a text few titles start with).
            // Every suggestion query holds a wildcard (the word being typed)
            // or synonyms: as many cards and completions, the same best card.
            const std::string context = std::string(agent ? "agent" : "public") + " viewer, --shards " +
                                        std::to_string(sharded->shards) + ", text '" + text + "'\n  got:  " +
                                        Describe(*got) + "\n  want: " + Describe(*expected);
            EXPECT_EQ(got->completions.size(), expected->completions.size()) << context;
            ASSERT_EQ(got->answers.size(), expected->answers.size()) << context;
            if (!expected->answers.empty()) {
              EXPECT_EQ(got->answers[0].id, expected->answers[0].id) << context;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(with_completions, 20u);
  EXPECT_GT(with_answers, 20u);
  std::cout << identical << " of " << compared << " sharded suggestions identical to the unsharded ones\n";
  EXPECT_GT(identical, compared * 9 / 10);
}

// The documents of a database, as "type:id", failing on a repeat.
std::multiset<std::string> DocumentKeys(const Xapian::Database& db) {
  std::multiset<std::string> keys;
  for (auto posting = db.postlist_begin(""); posting != db.postlist_end(""); ++posting) {
    const Xapian::Document doc = db.get_document(*posting);
    keys.insert(doc.get_value(schema::kSlotType) + ":" + doc.get_value(schema::kSlotId));
  }
  return keys;
}

TEST_F(ShardsTest, EveryDocumentIsInExactlyOneShardAndAgentOnlyOnesNeverInAPublicShard) {
  const Xapian::Database unsharded_public(PublicStubPath(Unsharded().dir()).string());
  const Xapian::Database unsharded_agent(AgentStubPath(Unsharded().dir()).string());
  const std::multiset<std::string> all_public = DocumentKeys(unsharded_public);
  const std::multiset<std::string> all_agent = DocumentKeys(unsharded_agent);
  ASSERT_GT(all_public.size(), 30u);
  ASSERT_GT(all_agent.size(), all_public.size() + 30);  // tickets and internal articles

  for (const BuiltIndex* sharded : Sharded()) {
    SCOPED_TRACE("--shards " + std::to_string(sharded->shards));
    EXPECT_EQ(sharded->report.shards, sharded->shards);
    std::multiset<std::string> public_union;
    std::multiset<std::string> agent_union;
    for (int shard = 1; shard <= sharded->shards; ++shard) {
      // The stable paths, as one xapian-tcpsrv per shard opens them.
      const Xapian::Database shard_public(ShardStubPath(sharded->dir(), shard, false).string());
      const Xapian::Database shard_agent(ShardStubPath(sharded->dir(), shard, true).string());
      EXPECT_GT(shard_public.get_doccount(), 0u) << "shard " << shard;
      EXPECT_GT(shard_agent.get_doccount(), 0u) << "shard " << shard;
      for (auto posting = shard_public.postlist_begin(""); posting != shard_public.postlist_end(""); ++posting) {
        const Xapian::Document doc = shard_public.get_document(*posting);
        const std::string id = doc.get_value(schema::kSlotId);
        EXPECT_EQ(doc.get_value(schema::kSlotType), schema::kTypeArticle) << id << " in shard " << shard;
        EXPECT_EQ(doc.get_value(schema::kSlotAudience), schema::kAudiencePublic) << id << " in shard " << shard;
        EXPECT_EQ(ShardOf(ShardKey(doc.get_value(schema::kSlotType), id), sharded->shards), shard) << id;
      }
      for (const std::string& key : DocumentKeys(shard_public)) public_union.insert(key);
      for (const std::string& key : DocumentKeys(shard_public)) agent_union.insert(key);
      for (const std::string& key : DocumentKeys(shard_agent)) agent_union.insert(key);
      // No spelling or synonyms in a shard: a public shard's dictionary must
      // not differ from the lexicon's by how documents were spread.
      EXPECT_EQ(shard_public.spellings_begin(), shard_public.spellings_end()) << "shard " << shard;
      EXPECT_EQ(shard_public.synonym_keys_begin(), shard_public.synonym_keys_end()) << "shard " << shard;
    }
    EXPECT_EQ(public_union, all_public);  // a multiset: a document in two shards would count twice
    EXPECT_EQ(agent_union, all_agent);
    // The top-level views list every shard.
    EXPECT_EQ(DocumentKeys(Xapian::Database(PublicStubPath(sharded->dir()).string())), all_public);
    EXPECT_EQ(DocumentKeys(Xapian::Database(AgentStubPath(sharded->dir()).string())), all_agent);
  }
}

std::map<std::string, Xapian::doccount> Spellings(const Xapian::Database& db) {
  std::map<std::string, Xapian::doccount> words;
  for (auto word = db.spellings_begin(); word != db.spellings_end(); ++word) words[*word] = word.get_termfreq();
  return words;
}

std::map<std::string, std::set<std::string>> Synonyms(const Xapian::Database& db) {
  std::map<std::string, std::set<std::string>> synonyms;
  for (auto key = db.synonym_keys_begin(); key != db.synonym_keys_end(); ++key) {
    for (auto synonym = db.synonyms_begin(*key); synonym != db.synonyms_end(*key); ++synonym) {
      synonyms[*key].insert(*synonym);
    }
  }
  return synonyms;
}

TEST_F(ShardsTest, TheLexiconHoldsTheUnshardedSpellingSynonymsAndCompletions) {
  for (bool agent : {false, true}) {
    const Xapian::Database unsharded((agent ? AgentStubPath : PublicStubPath)(Unsharded().dir()).string());
    const std::map<std::string, Xapian::doccount> spellings = Spellings(unsharded);
    const std::map<std::string, std::set<std::string>> synonyms = Synonyms(unsharded);
    ASSERT_GT(spellings.size(), 100u);
    ASSERT_GT(synonyms.size(), 10u);
    for (const BuiltIndex* sharded : Sharded()) {
      SCOPED_TRACE(std::string(agent ? "agent" : "public") + " lexicon, --shards " + std::to_string(sharded->shards));
      const Xapian::Database lexicon(LexiconPath(sharded->dir(), agent).string());
      EXPECT_EQ(Spellings(lexicon), spellings);
      EXPECT_EQ(Synonyms(lexicon), synonyms);
      // One document per article with completion terms, in the order the
      // unsharded view holds them.
      std::vector<std::string> expected_ids;
      for (auto posting = unsharded.postlist_begin(""); posting != unsharded.postlist_end(""); ++posting) {
        auto term = unsharded.termlist_begin(*posting);
        term.skip_to(std::string(schema::kCompletion));
        if (term == unsharded.termlist_end(*posting) || !(*term).starts_with(schema::kCompletion)) continue;
        expected_ids.push_back(unsharded.get_document(*posting).get_value(schema::kSlotId));
      }
      std::vector<std::string> ids;
      for (auto posting = lexicon.postlist_begin(""); posting != lexicon.postlist_end(""); ++posting) {
        const Xapian::Document doc = lexicon.get_document(*posting);
        EXPECT_EQ(doc.get_value(schema::kSlotType), schema::kTypeArticle);
        if (!agent) {
          EXPECT_EQ(doc.get_value(schema::kSlotAudience), schema::kAudiencePublic);
        }
        ids.push_back(doc.get_value(schema::kSlotId));
      }
      EXPECT_GT(ids.size(), 30u);
      EXPECT_EQ(ids, expected_ids);
    }
  }
}

TEST_F(ShardsTest, TheViewStubsListEveryShard) {
  const BuiltIndex& sharded = *Sharded().back();  // 3 shards
  const std::string gen = GenerationDirName(sharded.report.generation);
  EXPECT_EQ(ReadStubGeneration(PublicStubPath(sharded.dir())), sharded.report.generation);
  EXPECT_EQ(ReadStubGeneration(AgentStubPath(sharded.dir())), sharded.report.generation);
  EXPECT_EQ(GenerationShardCount(sharded.dir(), sharded.report.generation), 3);
  EXPECT_EQ(GenerationShardCount(Unsharded().dir(), Unsharded().report.generation), 0);
  std::vector<fs::path> expected_public;
  std::vector<fs::path> expected_agent;
  for (int shard = 1; shard <= 3; ++shard) {
    expected_public.push_back(sharded.dir() / gen / ("shard-" + std::to_string(shard)) / "public");
  }
  expected_agent = expected_public;
  for (int shard = 1; shard <= 3; ++shard) {
    expected_agent.push_back(sharded.dir() / gen / ("shard-" + std::to_string(shard)) / "agent");
  }
  EXPECT_EQ(ViewDatabasePaths(sharded.dir(), sharded.report.generation, false), expected_public);
  EXPECT_EQ(ViewDatabasePaths(sharded.dir(), sharded.report.generation, true), expected_agent);
  EXPECT_EQ(fs::read_symlink(ShardStubPath(sharded.dir(), 2, false)), "../../current/shards/2/public");
  EXPECT_EQ(fs::read_symlink(LexiconPath(sharded.dir(), true)), "../current/lexicon/agent");
  // The index is its owner's only (the agent shards hold redacted tickets).
  for (const fs::path& folder : {sharded.dir() / "shards", sharded.dir() / "shards" / "1", sharded.dir() / "lexicon",
                                 sharded.dir() / gen / "shard-1", sharded.dir() / gen / "shard-1" / "agent",
                                 sharded.dir() / gen / "lexicon", sharded.dir() / gen / "views" / "shards" / "1"}) {
    EXPECT_EQ(fs::status(folder).permissions(), fs::perms::owner_all) << folder;
  }
}

TEST(ShardOfTest, IsFnv1aOfTheIdModTheShardsFromOne) {
  // FNV-1a 64 of "" is its offset basis, 14695981039346656037 = 2 (mod 5).
  EXPECT_EQ(ShardOf("", 5), 3);
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the FNV reference's test vector).
  EXPECT_EQ(ShardOf("a", 1000), 1 + static_cast<int>(0xaf63dc4c8601ec8cULL % 1000));
  EXPECT_EQ(ShardKey("ticket", "T-1001"), "ticket:T-1001");
  EXPECT_EQ(ShardKey("article", "reset-password"), "reset-password");
  for (int shards = 1; shards <= 7; ++shards) {
    const int shard = ShardOf("reset-password", shards);
    EXPECT_GE(shard, 1);
    EXPECT_LE(shard, shards);
  }
}

// Re-sharding is re-indexing: another N (or none) is a new generation, and
// the stable paths follow it.
TEST(ReshardTest, AnotherNumberOfShardsIsANewGeneration) {
  testing::TempKb kb;
  const auto index = [&](int shards) {
    Result<indexer::IndexReport> report =
        indexer::BuildIndex({.content_dir = kContent, .index_dir = kb.index().string(), .shards = shards});
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : indexer::IndexReport{};
  };
  const indexer::IndexReport two = index(2);
  EXPECT_EQ(two.shards, 2);
  const Xapian::doccount public_documents = Xapian::Database(PublicStubPath(kb.index()).string()).get_doccount();
  EXPECT_EQ(index(2).generation, two.generation) << "nothing changed: nothing to publish";
  const indexer::IndexReport three = index(3);
  EXPECT_EQ(three.generation, two.generation + 1);
  EXPECT_EQ(three.shards, 3);
  EXPECT_GT(Xapian::Database(ShardStubPath(kb.index(), 3, false).string()).get_doccount(), 0u);
  EXPECT_EQ(Xapian::Database(PublicStubPath(kb.index()).string()).get_doccount(), public_documents);
  const indexer::IndexReport none = index(0);
  EXPECT_EQ(none.generation, three.generation + 1);
  EXPECT_EQ(none.shards, 0);
  EXPECT_EQ(Xapian::Database(PublicStubPath(kb.index()).string()).get_doccount(), public_documents);
  EXPECT_THROW(Xapian::Database(ShardStubPath(kb.index(), 1, false).string()), Xapian::DatabaseOpeningError)
      << "an unsharded generation has no shard views";
  Result<std::shared_ptr<Index>> reader = Index::Open(kb.index().string(), Viewer::Public());
  ASSERT_TRUE(reader.ok());
  Result<SearchResponse> found = (*reader)->Search({.query = "password"});
  ASSERT_TRUE(found.ok());
  EXPECT_GT(found->total, 0u);
}

}  // namespace
}  // namespace helpdex::search

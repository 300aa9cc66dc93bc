// Learning from customers (server/learned.h) against the real event store,
// learning store, indexer and searcher on a small knowledge base: k visits
// teach a wording, fewer (or one visit's flood, or claims without a recorded
// search) do not, internal articles never learn, a removed phrasing stays
// removed, and a learned wording finds an article that never says it.
#include "helpdex/stores/learned.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <xapian.h>

#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/document.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/searcher.h"
#include "helpdex/stores/events.h"

namespace helpdex::stores {
namespace {

using helpdex::testing::TempKb;

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;
// Ten days ago: the event store itself deletes raw events older than 90 days.
const int64_t kStart =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count() -
    10 * kDay;
// Words the refunds article never says (nor any close spelling of them).
constexpr char kWording[] = "reimburse my purchase";

std::string Visit(int n) {
  std::string suffix = std::to_string(n);
  return std::string(32 - suffix.size(), 'b') + suffix;
}

class LearnedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_.Write("en/refunds.md", TempKb::Article("en-refunds", "en", "refunds", "Refunds",
                                               "Refunds are paid to the card you used within five days."));
    kb_.Write("en/login.md", TempKb::Article("en-login", "en", "login", "Signing in",
                                             "Use your email address and password to sign in."));
    kb_.Write("internal/escalation.md",
              TempKb::Article("int-escalation", "en", "escalation", "Escalating a payout",
                              "Agents escalate payouts to finance.", "internal"));
    ASSERT_TRUE(Index({}));
    Result<std::unique_ptr<EventStore>> events = EventStore::Open(Data());
    ASSERT_TRUE(events.ok()) << events.error().ToString();
    events_ = std::move(events).value();
    Result<std::unique_ptr<LearnedStore>> store = LearnedStore::Open(Data());
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(store).value();
  }

  std::string Data() const { return (kb_.root() / "data").string(); }

  bool Index(std::map<std::string, std::vector<std::string>> learned) {
    indexer::IndexOptions options{.content_dir = kb_.content().string(), .index_dir = kb_.index().string()};
    options.learned = std::move(learned);
    Result<indexer::IndexReport> report = indexer::BuildIndex(options);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() && report->failed == 0;
  }

  // A visit that searches `query` (as the server records it) and then opens `article`.
  void SearchAndOpen(const std::string& visit, const std::string& query, const std::string& article, int64_t at,
                     EventType answer = EventType::kResultClicked) {
    ASSERT_TRUE(events_->Record({.type = EventType::kSearch, .visit = visit, .query = query, .language = "en",
                                 .results = 2, .at_ms = at}));
    ASSERT_TRUE(events_->Record(
        {.type = answer, .visit = visit, .query = query, .language = "en", .article = article, .at_ms = at + 10000}));
  }

  LearnReport Learn(int64_t now = kStart + kDay) {
    Result<PublicArticles> public_articles = OpenPublicArticles(kb_.index().string());
    EXPECT_TRUE(public_articles.ok()) << public_articles.error().ToString();
    if (!public_articles.ok()) return {};
    events_->Flush();
    Result<std::unique_ptr<EventLog>> log = EventLog::Open(Data());
    EXPECT_TRUE(log.ok()) << log.error().ToString();
    if (!log.ok()) return {};
    Result<LearnReport> report = store_->Learn(**log, *public_articles, now);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : LearnReport{};
  }

  std::vector<LearnedPhrasing> List() {
    Result<std::vector<LearnedPhrasing>> all = store_->List();
    EXPECT_TRUE(all.ok()) << all.error().ToString();
    return all.ok() ? *all : std::vector<LearnedPhrasing>{};
  }

  std::map<std::string, std::vector<std::string>> Phrasings() {
    Result<std::map<std::string, std::vector<std::string>>> phrasings = store_->PhrasingsByArticle();
    EXPECT_TRUE(phrasings.ok()) << phrasings.error().ToString();
    return phrasings.ok() ? *phrasings : std::map<std::string, std::vector<std::string>>{};
  }

  // The ids a public search for `query` finds, best first.
  std::vector<std::string> Search(const std::string& query) {
    Result<std::shared_ptr<search::Index>> index = search::Index::Open(kb_.index().string(), search::Viewer::Public());
    EXPECT_TRUE(index.ok()) << index.error().ToString();
    if (!index.ok()) return {};
    Result<std::shared_ptr<search::Searcher>> searcher = (*index)->AcquireSearcher();
    EXPECT_TRUE(searcher.ok());
    if (!searcher.ok()) return {};
    Result<search::SearchResponse> response =
        (*searcher)->Search({.query = query, .language = Language::kEnglish});
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    std::vector<std::string> ids;
    if (response.ok()) {
      for (const search::SearchResult& result : response->results) ids.push_back(result.id);
    }
    return ids;
  }

  TempKb kb_;
  std::unique_ptr<EventStore> events_;
  std::unique_ptr<LearnedStore> store_;
};

TEST_F(LearnedTest, ThreeVisitsTeachAWordingThatThenFindsTheArticle) {
  ASSERT_TRUE(Search(kWording).empty()) << "the article must not say the wording itself";
  for (int v = 1; v <= 3; ++v) SearchAndOpen(Visit(v), kWording, "en-refunds", kStart + v * kMinute);
  const LearnReport report = Learn();
  EXPECT_EQ(report.votes, 3);
  EXPECT_EQ(report.learned, 1);

  const std::vector<LearnedPhrasing> learned = List();
  ASSERT_EQ(learned.size(), 1u);
  EXPECT_EQ(learned[0].article, "en-refunds");
  EXPECT_EQ(learned[0].language, "en");
  EXPECT_EQ(learned[0].phrasing, kWording);
  EXPECT_EQ(learned[0].visits, 3);
  EXPECT_EQ(learned[0].first_seen_ms, kStart + kMinute + 10000);
  EXPECT_EQ(learned[0].last_seen_ms, kStart + 3 * kMinute + 10000);

  ASSERT_TRUE(Index(Phrasings()));
  EXPECT_EQ(Search(kWording), std::vector<std::string>{"en-refunds"});
  // The next customer who says it a little differently (other word forms) too.
  EXPECT_EQ(Search("reimbursing purchases"), std::vector<std::string>{"en-refunds"});
}

TEST_F(LearnedTest, OpenedAndAnsweredCountLikeClicks) {
  SearchAndOpen(Visit(1), kWording, "en-refunds", kStart, EventType::kSuggestOpened);
  SearchAndOpen(Visit(2), kWording, "en-refunds", kStart + kMinute, EventType::kAnswered);
  SearchAndOpen(Visit(3), kWording, "en-refunds", kStart + 2 * kMinute, EventType::kResultClicked);
  EXPECT_EQ(Learn().learned, 1);
}

TEST_F(LearnedTest, AnAnswerWithoutALanguageTakesTheSearchsLanguage) {
  for (int v = 1; v <= 3; ++v) {
    ASSERT_TRUE(events_->Record({.type = EventType::kSearch, .visit = Visit(v), .query = kWording, .language = "en",
                                 .at_ms = kStart + v * kMinute}));
    ASSERT_TRUE(events_->Record({.type = EventType::kAnswered, .visit = Visit(v), .query = kWording,
                                 .article = "en-refunds", .at_ms = kStart + v * kMinute + 5000}));
  }
  EXPECT_EQ(Learn().learned, 1);
  const std::vector<LearnedPhrasing> learned = List();
  ASSERT_EQ(learned.size(), 1u);
  EXPECT_EQ(learned[0].language, "en");
}

TEST_F(LearnedTest, TwoVisitsDoNot) {
  for (int v = 1; v <= 2; ++v) SearchAndOpen(Visit(v), kWording, "en-refunds", kStart + v * kMinute);
  const LearnReport report = Learn();
  EXPECT_EQ(report.votes, 2);
  EXPECT_EQ(report.learned, 0);
  EXPECT_TRUE(List().empty());
  ASSERT_TRUE(Index(Phrasings()));
  EXPECT_TRUE(Search(kWording).empty());
}

TEST_F(LearnedTest, AFloodFromOneVisitDoesNot) {
  for (int i = 0; i < 40; ++i) SearchAndOpen(Visit(1), kWording, "en-refunds", kStart + i * 1000);
  const LearnReport report = Learn();
  EXPECT_GT(report.votes, 3);
  EXPECT_EQ(report.learned, 0);
  EXPECT_TRUE(List().empty());
}

TEST_F(LearnedTest, AnswersWithoutTheVisitsOwnRecordedSearchDoNot) {
  for (int v = 1; v <= 5; ++v) {
    // A POSTed claim: no search of this wording was ever recorded for the visit.
    ASSERT_TRUE(events_->Record({.type = EventType::kAnswered, .visit = Visit(v), .query = kWording,
                                 .language = "en", .article = "en-refunds", .at_ms = kStart + v * kMinute}));
  }
  // Another visit's search of the wording does not back them either, nor one
  // that came after the answer or long before it.
  SearchAndOpen(Visit(9), kWording, "en-refunds", kStart);
  ASSERT_TRUE(events_->Record({.type = EventType::kSearch, .visit = Visit(6), .query = kWording, .language = "en",
                               .at_ms = kStart - 2 * 60 * kMinute}));
  ASSERT_TRUE(events_->Record({.type = EventType::kAnswered, .visit = Visit(6), .query = kWording,
                               .language = "en", .article = "en-refunds", .at_ms = kStart}));
  const LearnReport report = Learn();
  EXPECT_EQ(report.unbacked, 6);
  EXPECT_EQ(report.votes, 1);
  EXPECT_TRUE(List().empty());
}

TEST_F(LearnedTest, InternalArticlesNeverLearn) {
  for (int v = 1; v <= 4; ++v) SearchAndOpen(Visit(v), kWording, "int-escalation", kStart + v * kMinute);
  const LearnReport report = Learn();
  EXPECT_EQ(report.not_public, 1);
  EXPECT_EQ(report.learned, 0);
  EXPECT_TRUE(List().empty());

  // Even handed to the indexer directly, the agent database gets no learned term.
  ASSERT_TRUE(Index({{"int-escalation", {kWording}}, {"en-refunds", {kWording}}}));
  Xapian::Database agent(search::AgentStubPath(kb_.index()).string());
  Xapian::PostingIterator internal = agent.postlist_begin(search::UniqueIdTerm("article", "int-escalation"));
  ASSERT_NE(internal, agent.postlist_end(search::UniqueIdTerm("article", "int-escalation")));
  const Xapian::Document doc = agent.get_document(*internal);
  auto term = doc.termlist_begin();
  term.skip_to(std::string(search::schema::kLearned));
  EXPECT_TRUE(term == doc.termlist_end() || !(*term).starts_with(search::schema::kLearned))
      << "internal article has the learned term " << *term;
  Xapian::Database public_db(search::PublicStubPath(kb_.index()).string());
  EXPECT_NE(public_db.allterms_begin("XL"), public_db.allterms_end("XL")) << "the public article learned nothing";
}

TEST_F(LearnedTest, RemovedPhrasingStaysRemoved) {
  for (int v = 1; v <= 3; ++v) {
    SearchAndOpen(Visit(v), kWording, "en-refunds", kStart + v * kMinute);
    SearchAndOpen(Visit(v), "refund to card", "en-refunds", kStart + v * kMinute + 30000);
  }
  ASSERT_EQ(Learn().learned, 2);
  std::vector<LearnedPhrasing> learned = List();
  ASSERT_EQ(learned.size(), 2u);
  const LearnedPhrasing removed = learned[0].phrasing == kWording ? learned[0] : learned[1];
  ASSERT_EQ(removed.phrasing, kWording);

  Result<bool> done = store_->Remove(removed.id);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_TRUE(*done);
  Result<bool> again = store_->Remove(removed.id);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);

  // The same old events, and new visits, do not teach it again.
  for (int v = 4; v <= 6; ++v) SearchAndOpen(Visit(v), kWording, "en-refunds", kStart + v * kMinute);
  EXPECT_EQ(Learn().learned, 1);
  learned = List();
  ASSERT_EQ(learned.size(), 1u);
  EXPECT_EQ(learned[0].phrasing, "refund to card");

  ASSERT_TRUE(Index(Phrasings()));
  EXPECT_TRUE(Search(kWording).empty());
}

TEST_F(LearnedTest, EachArticleKeepsItsMostVisitedPhrasings) {
  Result<std::unique_ptr<LearnedStore>> capped = LearnedStore::Open(Data(), {.max_per_article = 2});
  ASSERT_TRUE(capped.ok());
  const std::vector<std::pair<std::string, int>> wordings = {
      {"money back please", 5}, {"cash returned", 4}, {"reimburse purchase", 3}};
  int visit = 0;
  for (const auto& [wording, visits] : wordings) {
    for (int v = 0; v < visits; ++v) {
      ++visit;
      SearchAndOpen(Visit(visit), wording, "en-refunds", kStart + visit * kMinute);
    }
  }
  Result<PublicArticles> public_articles = OpenPublicArticles(kb_.index().string());
  ASSERT_TRUE(public_articles.ok());
  events_->Flush();
  Result<std::unique_ptr<EventLog>> log = EventLog::Open(Data());
  ASSERT_TRUE(log.ok());
  Result<LearnReport> report = (*capped)->Learn(**log, *public_articles, kStart + kDay);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->learned, 2);
  Result<std::map<std::string, std::vector<std::string>>> phrasings = (*capped)->PhrasingsByArticle();
  ASSERT_TRUE(phrasings.ok());
  EXPECT_EQ((*phrasings)["en-refunds"], (std::vector<std::string>{"money back please", "cash returned"}));
}

TEST_F(LearnedTest, PhrasingsNotConfirmedFor180DaysDropOut) {
  for (int v = 1; v <= 3; ++v) SearchAndOpen(Visit(v), kWording, "en-refunds", kStart + v * kMinute);
  ASSERT_EQ(Learn(kStart + kDay).learned, 1);
  EXPECT_EQ(Learn(kStart + 179 * kDay).learned, 1);
  EXPECT_EQ(Learn(kStart + 181 * kDay).learned, 0);
  EXPECT_TRUE(List().empty());
}

TEST(LearnablePhrasingTest, RefusesStopWordsNumbersIdsAndRedactedText) {
  EXPECT_TRUE(IsLearnablePhrasing(kWording, Language::kEnglish));
  EXPECT_TRUE(IsLearnablePhrasing("windows 10 printer", Language::kEnglish));
  EXPECT_TRUE(IsLearnablePhrasing("glemt passord", Language::kNorwegian));
  EXPECT_FALSE(IsLearnablePhrasing("how do i do it", Language::kEnglish));      // stop words only
  EXPECT_FALSE(IsLearnablePhrasing("order 12345 missing", Language::kEnglish));  // a number
  EXPECT_FALSE(IsLearnablePhrasing("refund ab12cd34ef56gh", Language::kEnglish));  // an id
  EXPECT_FALSE(IsLearnablePhrasing("refund INV-000123", Language::kEnglish));   // an id's digits
  EXPECT_FALSE(IsLearnablePhrasing("mail me at [email]", Language::kEnglish));   // redacted
  EXPECT_FALSE(IsLearnablePhrasing("", Language::kEnglish));
  EXPECT_FALSE(IsLearnablePhrasing(std::string(300, 'a'), Language::kEnglish));
}

TEST_F(LearnedTest, RedactedAndNumberedWordingsAreNotLearned) {
  for (int v = 1; v <= 3; ++v) {
    // The event store redacts the address before anything reads it.
    SearchAndOpen(Visit(v), "refund for jane.doe@example.com", "en-refunds", kStart + v * kMinute);
    SearchAndOpen(Visit(v), "refund order 55555", "en-refunds", kStart + v * kMinute + 30000);
  }
  const LearnReport report = Learn();
  EXPECT_EQ(report.not_learnable, 6);
  EXPECT_TRUE(List().empty());
}

TEST_F(LearnedTest, AnArticleIsRewrittenOnlyWhenItsLearnedPhrasingsChange) {
  indexer::IndexOptions options{.content_dir = kb_.content().string(), .index_dir = kb_.index().string()};
  options.learned = {{"en-refunds", {kWording}}};
  Result<indexer::IndexReport> first = indexer::BuildIndex(options);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->indexed, 1);
  EXPECT_EQ(first->learned_articles, 1);
  Result<indexer::IndexReport> same = indexer::BuildIndex(options);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->indexed, 0);
  options.learned.clear();
  Result<indexer::IndexReport> forgotten = indexer::BuildIndex(options);
  ASSERT_TRUE(forgotten.ok());
  EXPECT_EQ(forgotten->indexed, 1);
  EXPECT_TRUE(Search(kWording).empty());
}

}  // namespace
}  // namespace helpdex::stores

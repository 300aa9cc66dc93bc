// The gap report's searches over scripted events and a small real index:
// grouping, the k-visit threshold, the per-visit cap, zero causes, outcomes.
#include "helpdex/analytics/gaps.h"
#include "helpdex/analytics/gap_format.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "../support/shared_set_up.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"

namespace helpdex::analytics {
namespace {

// The report's JSON view (gap_format.h), parsed back for assertions.
nlohmann::json ReportJson(const GapReport& report) { return nlohmann::json::parse(GapReportJson(report)); }

using helpdex::testing::TempKb;

constexpr int64_t kNow = 1800000000000;  // a fixed "now" for the trend
constexpr int64_t kMinute = 60 * 1000;

std::string Visit(int n) {
  std::string suffix = std::to_string(n);
  return std::string(32 - suffix.size(), 'b') + suffix;
}

class GapReportTest : public SharedSetUpTest<GapReportTest> {
 protected:
  friend class SharedSetUpTest<GapReportTest>;
  // SharedSetUpTest: "" when the index is built, else what went wrong.
  static std::string BuildSharedState() {
    kb_ = new TempKb();
    kb_->Write("en/password.md",
               TempKb::Article("en-password", "en", "reset-password", "Reset your password",
                               "If your password expired or you forgot it, choose Forgot password on the login "
                               "page.\n",
                               "public", "[account]", "password"));
    // A hosting help centre: "server" is a common word here, "domain" is in
    // an article about something else.
    kb_->Write("en/invoices.md", TempKb::Article("en-invoices", "en", "invoices", "Your invoices",
                                                 "Every invoice lists each domain and hosting plan you pay for. "
                                                 "Download invoices under Billing.\n",
                                                 "public", "[billing]", "invoices"));
    kb_->Write("en/speed.md", TempKb::Article("en-speed", "en", "server-speed", "Speed up your server",
                                              "If your web server is slow, check the server load and upgrade "
                                              "the server plan.\n",
                                              "public", "[performance]", "speed"));
    kb_->Write("en/ssh.md", TempKb::Article("en-ssh", "en", "ssh", "Connect to your server with SSH",
                                            "Use SSH to log in to your server. The server address is on the "
                                            "dashboard.\n",
                                            "public", "[server]", "ssh"));
    kb_->Write("nb/faktura.md", TempKb::Article("nb-invoice", "nb", "faktura", "Fakturaadresse",
                                                "Endre fakturaadressen under Konto.\n", "public", "[billing]",
                                                "invoice"));
    auto built = indexer::BuildIndex({.content_dir = kb_->content().string(), .index_dir = kb_->index().string()});
    return built.ok() ? "" : built.error().ToString();
  }
  static void TearDownTestSuite() { delete kb_; }

  void Search(int visit, const std::string& query, int results, const std::string& lang = "en",
              int64_t at = kNow - 60 * kMinute, const std::string& filters = "") {
    stores::StoredEvent stored;
    stored.id = static_cast<int64_t>(events_.size()) + 1;
    stored.event = stores::Event{.type = stores::EventType::kSearch, .visit = Visit(visit), .query = query, .language = lang,
                         .results = results, .filters = filters, .at_ms = at};
    if (results > 0) stored.event.shown = {"en-password"};
    events_.push_back(stored);
  }
  void Add(int visit, stores::EventType type, const std::string& query, int64_t at, const std::string& article = "") {
    stores::StoredEvent stored;
    stored.id = static_cast<int64_t>(events_.size()) + 1;
    stored.event = stores::Event{.type = type, .visit = Visit(visit), .query = query, .language = "en", .article = article,
                         .at_ms = at};
    events_.push_back(stored);
  }

  GapReport Report(GapOptions options = {}) {
    options.now_ms = kNow;
    auto index = search::Index::Open(kb_->index().string(), search::Viewer::Public());
    EXPECT_TRUE(index.ok());
    Result<GapReport> report = BuildGapReport(events_, **index, options);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : GapReport{};
  }

  static TempKb* kb_;
  std::vector<stores::StoredEvent> events_;
};

TempKb* GapReportTest::kb_ = nullptr;

TEST_F(GapReportTest, WordingsOfOneQuestionFormOneGroupCountedByVisit) {
  Search(1, "transfer domain", 0);
  Search(2, "domain transfer", 0);
  Search(3, "how do I transfer my domian", 0);
  Search(4, "transfering domains", 0);
  GapReport report = Report();
  ASSERT_EQ(report.searches.size(), 1u) << ReportJson(report).dump(2);
  const SearchGap& gap = report.searches[0];
  EXPECT_EQ(gap.visits, 4);
  EXPECT_EQ(gap.no_results_visits, 4);
  EXPECT_EQ(gap.examples.size(), 3u);
  EXPECT_EQ(gap.languages.at("en"), 4);
  EXPECT_EQ(gap.trend.back(), 4);  // all today
  EXPECT_EQ(report.zero_causes.at("content_gap"), 4);
}

TEST_F(GapReportTest, WordingsHoldEveryWordingWhereExamplesStopAtFive) {
  const std::vector<std::string> wordings = {"transfer domain", "domain transfer", "transfer  my   domain",
                                             "transfer the domain", "how do I transfer my domain",
                                             "transfer domains", "domain transfers", "domian transfer"};
  Search(1, "transfer domain", 0);  // the most frequent wording: two visits
  for (size_t i = 0; i < wordings.size(); ++i) Search(static_cast<int>(i) + 2, wordings[i], 0);
  GapReport report = Report();
  ASSERT_EQ(report.searches.size(), 1u) << ReportJson(report).dump(2);
  const SearchGap& gap = report.searches[0];
  EXPECT_EQ(gap.examples.size(), 5u);
  ASSERT_EQ(gap.wordings.size(), wordings.size());
  EXPECT_EQ(gap.wordings.front(), gap.query);
  EXPECT_EQ(gap.query, "transfer domain");
  // Collapsed like `query`, so an evaluation can match them to what was typed.
  EXPECT_NE(std::find(gap.wordings.begin(), gap.wordings.end(), "transfer my domain"), gap.wordings.end());
  for (const std::string& example : gap.examples) {
    EXPECT_NE(std::find(gap.wordings.begin(), gap.wordings.end(), example), gap.wordings.end()) << example;
  }
  // An evaluation aid: the report's JSON stays as it was.
  EXPECT_FALSE(ReportJson(report)["searches"][0].contains("wordings"));
}

TEST_F(GapReportTest, AGroupNeedsMinVisitsDistinctVisits) {
  Search(1, "cancel subscription", 0);
  Search(2, "cancel subscription", 0);
  EXPECT_TRUE(Report().searches.empty());
  Search(3, "cancel my subscription", 0);
  EXPECT_EQ(Report().searches.size(), 1u);
  EXPECT_TRUE(Report({.min_visits = 4}).searches.empty());
}

TEST_F(GapReportTest, ThousandsOfSearchesFromOneVisitMoveAGroupByOne) {
  Search(1, "refund", 0);
  Search(2, "refund", 0);
  for (int i = 0; i < 10000; ++i) Search(99, "refund", 0);
  GapReport report = Report();
  ASSERT_EQ(report.searches.size(), 1u);
  EXPECT_EQ(report.searches[0].visits, 3);
}

TEST_F(GapReportTest, ExplainedZerosAreNotGaps) {
  // A typo the customer corrected at once.
  for (int v = 1; v <= 3; ++v) {
    Search(v, "pasword resett", 0, "en", kNow - 10 * kMinute);
    Search(v, "password reset", 1, "en", kNow - 9 * kMinute);
    Add(v, stores::EventType::kResultClicked, "password reset", kNow - 8 * kMinute, "en-password");
  }
  // A filter that hid the English article.
  for (int v = 4; v <= 6; ++v) Search(v, "reset password", 0, "nb", kNow - 5 * kMinute, "lang=nb");
  // The answer exists, in Norwegian only.
  for (int v = 7; v <= 9; ++v) Search(v, "fakturaadresse", 0, "en");
  GapReport report = Report();
  EXPECT_TRUE(report.searches.empty()) << ReportJson(report).dump(2);
  EXPECT_EQ(report.zero_causes["corrected_typo"], 3);
  EXPECT_EQ(report.zero_causes["filter"], 3);
  EXPECT_EQ(report.zero_causes["other_language"], 3);
}

TEST_F(GapReportTest, ResultsNobodyOpenedAndContactsAfterwardsAreGapsToo) {
  for (int v = 1; v <= 3; ++v) Search(v, "password expired", 1);  // shown, never opened
  for (int v = 4; v <= 6; ++v) {
    Search(v, "login blocked", 1, "en", kNow - 20 * kMinute);
    Add(v, stores::EventType::kContactSubmitted, "Cannot log in", kNow - 15 * kMinute);
  }
  for (int v = 7; v <= 9; ++v) {  // found and opened: no gap
    Search(v, "reset password", 1, "en", kNow - 20 * kMinute);
    Add(v, stores::EventType::kResultClicked, "reset password", kNow - 19 * kMinute, "en-password");
  }
  GapReport report = Report();
  ASSERT_EQ(report.searches.size(), 2u) << ReportJson(report).dump(2);
  EXPECT_EQ(report.searches[0].query, "login blocked");  // contacts rank first
  EXPECT_EQ(report.searches[0].contact_visits, 3);
  EXPECT_EQ(report.searches[1].query, "password expired");
  EXPECT_EQ(report.searches[1].not_opened_visits, 3);
  ASSERT_TRUE(report.searches[1].nearest);
  EXPECT_EQ(report.searches[1].nearest->id, "en-password");
}

TEST_F(GapReportTest, WordingsOfOneTopicFromDistinctVisitsAreOneGap) {
  // Five wordings, one visit each: no two are the same question, so they
  // only reach the 3-visit threshold as one topic.
  const std::vector<std::string> wordings = {"minecraft server", "how to host a minecraft server",
                                             "hosting minecraft servers", "minecraft server hosting plan",
                                             "run my own minecraft server"};
  for (size_t i = 0; i < wordings.size(); ++i) Search(static_cast<int>(i) + 1, wordings[i], 0);
  GapReport report = Report();
  ASSERT_EQ(report.searches.size(), 1u) << ReportJson(report).dump(2);
  const SearchGap& gap = report.searches[0];
  EXPECT_EQ(gap.visits, 5);
  EXPECT_EQ(gap.no_results_visits, 5);
  EXPECT_EQ(gap.languages.at("en"), 5);
  EXPECT_EQ(gap.wordings.size(), 5u);
  EXPECT_EQ(gap.examples.size(), 4u);
  // Labelled by the wording that says most of what the others say.
  EXPECT_EQ(gap.query, "how to host a minecraft server");
  // No article is about Minecraft: the server articles share only "server".
  EXPECT_FALSE(gap.nearest) << gap.nearest->id;
}

TEST_F(GapReportTest, UnrelatedFailingSearchesStaySeparateGaps) {
  int visit = 0;
  for (const char* query : {"reset password", "domain transfer", "mail server down", "minecraft server", "server",
                            "password expired"}) {
    for (int i = 0; i < 3; ++i) Search(++visit, query, 0);
  }
  GapReport report = Report();
  std::vector<std::string> queries;
  for (const SearchGap& gap : report.searches) {
    queries.push_back(gap.query);
    EXPECT_EQ(gap.visits, 3) << gap.query;
    EXPECT_TRUE(gap.examples.empty()) << gap.query << ": " << gap.examples.front();
  }
  std::sort(queries.begin(), queries.end());
  EXPECT_EQ(queries, (std::vector<std::string>{"domain transfer", "mail server down", "minecraft server",
                                               "password expired", "reset password", "server"}))
      << ReportJson(report).dump(2);
}

TEST_F(GapReportTest, ATopicNoArticleIsCloseToHasNoNearestArticle) {
  // The invoices article mentions "domain", but says nothing of transfers.
  for (int v = 1; v <= 3; ++v) Search(v, "domain transfer", 0);
  // The password article answers this one.
  for (int v = 4; v <= 6; ++v) Search(v, "password expired", 1);
  GapReport report = Report();
  ASSERT_EQ(report.searches.size(), 2u) << ReportJson(report).dump(2);
  const SearchGap& transfer = report.searches[0].query == "domain transfer" ? report.searches[0] : report.searches[1];
  const SearchGap& expired = &transfer == &report.searches[0] ? report.searches[1] : report.searches[0];
  EXPECT_FALSE(transfer.nearest) << transfer.nearest->id;
  ASSERT_TRUE(expired.nearest);
  EXPECT_EQ(expired.nearest->id, "en-password");
  EXPECT_GT(expired.nearest_share, 0.6);
  nlohmann::json json = ReportJson(report);
  for (const nlohmann::json& gap : json["searches"]) {
    ASSERT_TRUE(gap.contains("nearest"));
    if (gap["query"] == "domain transfer") EXPECT_TRUE(gap["nearest"].is_null());
    else EXPECT_EQ(gap["nearest"]["id"], "en-password");
  }
}

TEST_F(GapReportTest, TheJsonHasTheFourSections) {
  nlohmann::json json = ReportJson(Report());
  for (const char* key : {"searches", "tickets", "translations", "review"}) {
    EXPECT_TRUE(json.contains(key)) << key;
    EXPECT_TRUE(json[key].is_array()) << key;
  }
}

}  // namespace
}  // namespace helpdex::analytics

// Tests of `helpdex eval --gaps` (RunGapsEvaluation in helpdex/eval/eval.h)
// end to end on a help centre the test writes: sixteen articles on distinct
// topics, each asked about in two to four wordings. Removing some articles
// must make gap groups of the questions about them, and only about them.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "helpdex/eval/eval.h"
#include "temp_dataset.h"

namespace helpdex::eval {
namespace {

struct Topic {
  const char* title;
  const char* text;
  std::vector<const char*> questions;  // different wordings of what the article answers
};

// Each topic has words of its own, so a question finds its article when it
// is indexed, and nothing relevant when it is not.
const std::vector<Topic>& Topics() {
  static const std::vector<Topic> topics = {
      {"Reset your password", "Open Settings, choose Security and reset a forgotten password with the e-mailed link.",
       {"reset forgotten password", "forgot my password", "password reset link", "how to reset password"}},
      {"Download invoices", "Billing keeps every invoice as a PDF you can download for your accountant.",
       {"download invoice pdf", "where are my invoices", "invoice for accountant"}},
      {"Cancel a subscription", "Cancel the subscription before renewal to avoid the next charge.",
       {"cancel subscription", "stop subscription renewal"}},
      {"Export contacts to CSV", "The address book exports contacts as a CSV spreadsheet.",
       {"export contacts csv", "contacts spreadsheet export", "address book export"}},
      {"Two-factor authentication", "Enable two-factor authentication with an authenticator app for extra security.",
       {"enable two-factor authentication", "authenticator app setup"}},
      {"Change the display language", "Pick the interface language under Preferences; translations apply at once.",
       {"change interface language", "display language preferences", "switch interface translation"}},
      {"Delete your account", "Deleting the account erases your data permanently after thirty days.",
       {"delete account permanently", "erase my data", "remove account forever", "account deletion"}},
      {"Mobile app notifications", "Push notifications on the phone app can be muted per channel.",
       {"mute push notifications", "phone app notifications"}},
      {"Printer setup", "Connect the wireless printer through the driver wizard.",
       {"install printer driver", "wireless printer connect", "printer wizard"}},
      {"Calendar sharing", "Share a calendar with colleagues and choose who may edit events.",
       {"share calendar colleagues", "calendar edit permissions"}},
      {"Storage quota", "When the storage quota is full, uploads stop until you free space or upgrade.",
       {"storage quota full", "uploads stopped no space", "free up storage"}},
      {"Keyboard shortcuts", "Press the question mark key to list every keyboard shortcut.",
       {"keyboard shortcut list", "shortcuts keys"}},
      {"Dark mode", "Turn on the dark theme in Appearance to reduce glare at night.",
       {"dark theme", "enable dark mode appearance", "night glare theme"}},
      {"Refund policy", "A refund is possible within fourteen days of purchase for unused licences.",
       {"refund unused licence", "money back purchase", "refund policy days"}},
      {"Video call quality", "Poor video call quality usually comes from bandwidth; lower the camera resolution.",
       {"video call quality poor", "camera resolution bandwidth"}},
      {"Backup and restore", "Nightly backups can be restored from the Backup page to any earlier snapshot.",
       {"restore backup snapshot", "nightly backups restore", "recover earlier snapshot", "backup page"}},
  };
  return topics;
}

int QuestionCount() {
  int count = 0;
  for (const Topic& topic : Topics()) count += static_cast<int>(topic.questions.size());
  return count;
}

// Writes the help centre: article "a<i>" per topic, query "q<i>-<j>" per
// wording, each judged relevant (grade 1) to its article only, plus a grade-0
// judgment against the next article.
void WriteHelpCentre(const TempDataset& dataset) {
  std::string docs;
  std::string queries;
  std::string qrels;
  const std::vector<Topic>& topics = Topics();
  for (size_t i = 0; i < topics.size(); ++i) {
    const std::string doc_id = "a" + std::to_string(i);
    docs += nlohmann::json{{"id", doc_id}, {"lang", "en"}, {"title", topics[i].title}, {"text", topics[i].text}}
                .dump() +
            "\n";
    for (size_t j = 0; j < topics[i].questions.size(); ++j) {
      const std::string query_id = "q" + std::to_string(i) + "-" + std::to_string(j);
      queries += nlohmann::json{{"id", query_id}, {"lang", "en"}, {"text", topics[i].questions[j]}}.dump() + "\n";
      qrels += query_id + "\t" + doc_id + "\t1\n";
      qrels += query_id + "\ta" + std::to_string((i + 1) % topics.size()) + "\t0\n";
    }
  }
  dataset.WriteGzip("docs.jsonl.gz", docs);
  dataset.WriteGzip("queries.jsonl.gz", queries);
  dataset.WritePlain("qrels.tsv", qrels);
}

class GapsEvalTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteHelpCentre(dataset_); }

  Result<GapsReport> Run(double remove, uint64_t seed) {
    return RunGapsEvaluation({.dataset_dir = dataset_.dir(), .remove = remove, .seed = seed});
  }

  TempDataset dataset_;
};

TEST_F(GapsEvalTest, RemovedArticlesBecomeGapGroupsOfTheirQuestions) {
  Result<GapsReport> report = Run(0.25, 1);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->dataset, "tinyset");
  EXPECT_EQ(report->documents, 16);
  EXPECT_EQ(report->documents_removed, 4);  // a quarter of the 16 articles the queries point to
  EXPECT_EQ(report->queries, QuestionCount());
  // Every question has one relevant article: removing four removes the answer
  // of their two to four questions each.
  EXPECT_GE(report->queries_about_removed, 4 * 2);
  EXPECT_LE(report->queries_about_removed, 4 * 4);
  // A question whose article is gone fails for all its visits, which is a group.
  EXPECT_GE(report->groups, 1);
  EXPECT_GE(report->recall, 0.9);
  EXPECT_GT(report->precision_at_20, 0.5);
  ASSERT_EQ(report->by_language.size(), 1u);
  EXPECT_EQ(report->by_language.at("en").queries_about_removed, report->queries_about_removed);
  EXPECT_DOUBLE_EQ(report->by_language.at("en").recall, report->recall);
  EXPECT_GT(report->seconds, 0);
}

TEST_F(GapsEvalTest, TheSameSeedRemovesTheSameDocuments) {
  Result<GapsReport> first = Run(0.25, 7);
  Result<GapsReport> second = Run(0.25, 7);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(first->queries_about_removed, second->queries_about_removed);
  EXPECT_EQ(first->groups, second->groups);
  EXPECT_DOUBLE_EQ(first->recall, second->recall);
  EXPECT_DOUBLE_EQ(first->precision_at_20, second->precision_at_20);
  EXPECT_EQ(first->seed, 7u);
}

TEST_F(GapsEvalTest, OtherSeedsRemoveOtherDocuments) {
  // The topics have two, three or four questions: which articles go shows in
  // how many questions lose their answer.
  std::set<int> about_removed;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Result<GapsReport> report = Run(0.25, seed);
    ASSERT_TRUE(report.ok()) << report.error().ToString();
    about_removed.insert(report->queries_about_removed);
  }
  EXPECT_GE(about_removed.size(), 2u);
}

TEST_F(GapsEvalTest, RemovingMoreFindsMoreGaps) {
  Result<GapsReport> some = Run(0.125, 3);
  Result<GapsReport> most = Run(0.75, 3);
  ASSERT_TRUE(some.ok()) << some.error().ToString();
  ASSERT_TRUE(most.ok()) << most.error().ToString();
  EXPECT_EQ(some->documents_removed, 2);
  EXPECT_EQ(most->documents_removed, 12);
  EXPECT_GT(most->queries_about_removed, some->queries_about_removed);
  EXPECT_GT(most->groups, some->groups);
  EXPECT_GE(most->recall, 0.9);
}

TEST_F(GapsEvalTest, JsonHasTheFiguresAtTheTopLevel) {
  Result<GapsReport> report = Run(0.25, 1);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const nlohmann::ordered_json json = nlohmann::ordered_json::parse(GapsReportToJson(*report));
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"precision@20", "recall", "dataset", "documents", "removed", "queries",
                                            "queries_about_removed", "groups", "cards_when_removed",
                                            "results_when_removed", "by_language", "seed", "remove", "seconds"}));
  EXPECT_GE(json["cards_when_removed"].get<double>(), 0.0);
  EXPECT_LE(json["cards_when_removed"].get<double>(), 1.0);
  EXPECT_EQ(json["removed"], report->documents_removed);
  EXPECT_EQ(json["by_language"]["en"]["queries_about_removed"], report->queries_about_removed);
  EXPECT_NEAR(json["recall"].get<double>(), report->recall, 1e-4);
  const std::string table = GapsReportToTable(*report);
  for (const char* expected : {"tinyset", "precision@20", "recall", "  en"}) {
    EXPECT_NE(table.find(expected), std::string::npos) << expected << " missing from\n" << table;
  }
}

TEST_F(GapsEvalTest, RemoveOutsideZeroToOneIsRejectedByName) {
  for (double remove : {0.0, 1.0, -0.2, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    SCOPED_TRACE(remove);
    Result<GapsReport> report = Run(remove, 1);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(report.error().where, "--remove");
  }
}

TEST(GapsEvalErrorTest, DatasetWithoutQueriesNamesTheQueriesFile) {
  TempDataset dataset;
  dataset.WriteGzip("docs.jsonl.gz", R"({"id": "a0", "lang": "en", "title": "Dark mode", "text": "Dark theme."})"
                                     "\n");
  dataset.WritePlain("qrels.tsv", "");
  Result<GapsReport> report = RunGapsEvaluation({.dataset_dir = dataset.dir()});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(report.error().where, dataset.path("queries.jsonl.gz"));

  // A queries file with no judged query is named too.
  dataset.WriteGzip("queries.jsonl.gz", R"({"id": "q0", "lang": "en", "text": "dark theme"})"
                                        "\n");
  report = RunGapsEvaluation({.dataset_dir = dataset.dir()});
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().ToString().find("no judged queries"), std::string::npos) << report.error().ToString();
  EXPECT_EQ(report.error().where, dataset.path("queries.jsonl.gz"));
}

}  // namespace
}  // namespace helpdex::eval

// Unit tests for helpdex/eval/eval.h: the three metrics on rankings small
// enough to score by hand, then RunEvaluation() end to end on a data set the
// test writes itself (five documents, queries chosen so that every engine's
// ranking is determined by which documents contain the words at all).
#include "helpdex/eval/eval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "helpdex/search/language.h"
#include "temp_dataset.h"

namespace helpdex::eval {
namespace {

namespace fs = std::filesystem;

// log2(3), the discount at rank 2.
const double kLog2Of3 = std::log2(3.0);

TEST(NdcgTest, PerfectRankingScoresOne) {
  EXPECT_DOUBLE_EQ(NdcgAt({"a", "b"}, {{"a", 2}, {"b", 1}}, 10), 1.0);
}

TEST(NdcgTest, UsesExponentialGainAndLog2Discount) {
  // DCG = (2^2-1)/log2(3) + (2^1-1)/log2(4); ideal = 3/log2(2) + 1/log2(3).
  const double expected = (3 / kLog2Of3 + 1 / 2.0) / (3 + 1 / kLog2Of3);
  EXPECT_NEAR(NdcgAt({"a", "b", "c"}, {{"b", 2}, {"c", 1}}, 10), expected, 1e-12);
  EXPECT_NEAR(expected, 0.6590018048, 1e-9);
}

TEST(NdcgTest, IdealRankingIncludesRelevantDocumentsNotRetrieved) {
  EXPECT_NEAR(NdcgAt({"b"}, {{"b", 1}, {"c", 1}}, 10), 1 / (1 + 1 / kLog2Of3), 1e-12);
}

TEST(NdcgTest, CountsOnlyTheFirstDepthResults) {
  EXPECT_DOUBLE_EQ(NdcgAt({"a", "b"}, {{"b", 1}}, 1), 0.0);
  // The ideal is cut at the same depth: one relevant document in a
  // one-result ranking is perfect even though two were judged relevant.
  EXPECT_DOUBLE_EQ(NdcgAt({"b"}, {{"b", 1}, {"c", 1}}, 1), 1.0);
}

TEST(NdcgTest, GradeZeroAndUnjudgedDocumentsGainNothing) {
  EXPECT_DOUBLE_EQ(NdcgAt({"a", "z"}, {{"a", 0}, {"b", 1}}, 10), 0.0);
  EXPECT_DOUBLE_EQ(NdcgAt({"a"}, {{"a", 0}}, 10), 0.0);  // no relevant judgment at all
}

TEST(NdcgTest, RepeatedDocumentCountsOnce) {
  EXPECT_NEAR(NdcgAt({"b", "b"}, {{"b", 1}, {"c", 1}}, 10), 1 / (1 + 1 / kLog2Of3), 1e-12);
}

TEST(ReciprocalRankTest, IsOneOverTheRankOfTheFirstRelevantDocument) {
  EXPECT_DOUBLE_EQ(ReciprocalRankAt({"a", "b", "c"}, {{"a", 0}, {"c", 1}}, 10), 1.0 / 3);
  EXPECT_DOUBLE_EQ(ReciprocalRankAt({"c", "a"}, {{"c", 2}, {"a", 1}}, 10), 1.0);
}

TEST(ReciprocalRankTest, IsZeroWhenNoRelevantDocumentIsWithinDepth) {
  std::vector<std::string> ranking;
  for (int i = 0; i < 10; ++i) ranking.push_back("n" + std::to_string(i));
  ranking.push_back("relevant");
  EXPECT_DOUBLE_EQ(ReciprocalRankAt(ranking, {{"relevant", 1}}, 10), 0.0);
  EXPECT_DOUBLE_EQ(ReciprocalRankAt(ranking, {{"relevant", 1}}, 11), 1.0 / 11);
  EXPECT_DOUBLE_EQ(ReciprocalRankAt({}, {{"relevant", 1}}, 10), 0.0);
}

TEST(ReciprocalRankTest, RepeatedDocumentDoesNotShiftRanks) {
  EXPECT_DOUBLE_EQ(ReciprocalRankAt({"a", "a", "b"}, {{"b", 1}}, 10), 0.5);
}

TEST(RecallTest, IsRelevantRetrievedOverAllRelevant) {
  EXPECT_DOUBLE_EQ(RecallAt({"a", "b", "x"}, {{"a", 1}, {"b", 2}, {"c", 1}, {"x", 0}}, 100), 2.0 / 3);
  EXPECT_DOUBLE_EQ(RecallAt({"a", "b"}, {{"a", 1}, {"b", 2}, {"c", 1}}, 1), 1.0 / 3);
  EXPECT_DOUBLE_EQ(RecallAt({"b", "b"}, {{"b", 1}, {"c", 1}}, 100), 0.5);
  EXPECT_DOUBLE_EQ(RecallAt({"a"}, {{"a", 0}}, 100), 0.0);
}

TEST(PercentileTest, UsesNearestRank) {
  EXPECT_DOUBLE_EQ(Percentile({5, 1, 3, 2, 4}, 50), 3);
  EXPECT_DOUBLE_EQ(Percentile({5, 1, 3, 2, 4}, 99), 5);
  EXPECT_DOUBLE_EQ(Percentile({5, 1, 3, 2, 4}, 20), 1);
  EXPECT_DOUBLE_EQ(Percentile({7}, 99), 7);
  EXPECT_DOUBLE_EQ(Percentile({}, 50), 0);
}

// Each query's words occur only in the documents named beside it, so every
// engine ranks the same documents first and the metrics are known exactly.
constexpr char kDocs[] =
    R"({"id": "d1", "lang": "en", "title": "Reset your password", "text": "Open Settings to reset a forgotten password."})"
    "\n"
    R"({"id": "d2", "lang": "en", "title": "Change the billing address", "text": "Address changes apply to the next invoice."})"
    "\n"
    R"({"id": "d3", "lang": "en", "title": "Export invoices", "text": "Download every invoice as a PDF file."})"
    "\n"
    R"({"id": "d4", "lang": "nb", "title": "Tilbakestill passordet", "text": "Åpne Innstillinger for å tilbakestille passordet."})"
    "\n"
    R"({"id": "d5", "lang": "en", "title": "", "text": "Closing an account removes its data."})"
    "\n";

constexpr char kQueries[] =
    R"({"id": "q-password", "lang": "en", "text": "forgotten password"})"  // d1 only
    "\n"
    R"({"id": "q-nothing", "lang": "en", "text": "zebra unicorn"})"  // no document
    "\n"
    R"({"id": "q-passord", "lang": "nb", "text": "passordet"})"  // d4 only
    "\n"
    R"({"id": "q-grade-zero", "lang": "en", "text": "billing"})"  // judged, nothing relevant
    "\n"
    R"({"id": "q-german", "lang": "de", "text": "Passwort"})"  // unsupported language
    "\n"
    R"({"id": "q-unjudged", "lang": "en", "text": "invoice"})"
    "\n";

// q-password: d1 (grade 2) is found, d5 (grade 1) cannot be.
constexpr char kQrels[] =
    "q-password\td1\t2\n"
    "q-password\td5\t1\n"
    "q-password\td2\t0\n"
    "q-nothing\td3\t1\n"
    "q-passord\td4\t1\n"
    "q-grade-zero\td2\t0\n"
    "q-german\td1\t1\n";

class EvalRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dataset_.WriteGzip("docs.jsonl.gz", kDocs);
    dataset_.WriteGzip("queries.jsonl.gz", kQueries);
    dataset_.WritePlain("qrels.tsv", kQrels);
  }

  Result<EvalReport> Run() { return RunEvaluation({.dataset_dir = dataset_.dir()}); }

  TempDataset dataset_;
};

// nDCG of q-password: d1 at rank 1 (gain 3), d5 never found (gain 1).
const double kPasswordNdcg = 3 / (3 + 1 / kLog2Of3);

void ExpectExactMetrics(const EngineReport& engine) {
  SCOPED_TRACE(engine.name);
  EXPECT_EQ(engine.overall.queries, 3);
  EXPECT_NEAR(engine.overall.ndcg_at_10, (kPasswordNdcg + 0 + 1) / 3, 1e-12);
  EXPECT_NEAR(engine.overall.mrr_at_10, (1 + 0 + 1) / 3.0, 1e-12);
  EXPECT_NEAR(engine.overall.recall_at_100, (0.5 + 0 + 1) / 3, 1e-12);

  ASSERT_EQ(engine.by_language.size(), 2u);
  const MetricMeans& english = engine.by_language.at("en");
  EXPECT_EQ(english.queries, 2);
  EXPECT_NEAR(english.ndcg_at_10, kPasswordNdcg / 2, 1e-12);
  EXPECT_NEAR(english.mrr_at_10, 0.5, 1e-12);
  EXPECT_NEAR(english.recall_at_100, 0.25, 1e-12);
  const MetricMeans& norwegian = engine.by_language.at("nb");
  EXPECT_EQ(norwegian.queries, 1);
  EXPECT_DOUBLE_EQ(norwegian.ndcg_at_10, 1.0);
  EXPECT_DOUBLE_EQ(norwegian.mrr_at_10, 1.0);
  EXPECT_DOUBLE_EQ(norwegian.recall_at_100, 1.0);

  EXPECT_GT(engine.index_seconds, 0);
  EXPECT_GT(engine.latency_p50_ms, 0);
  EXPECT_GE(engine.latency_p99_ms, engine.latency_p50_ms);
}

TEST_F(EvalRunTest, ScoresHelpdexAndSqliteFts5OnTheSameQueries) {
  Result<EvalReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->dataset, "tinyset");
  EXPECT_EQ(report->documents, 5);
  EXPECT_EQ(report->queries, 3);
  EXPECT_EQ(report->skipped_unsupported_language, 1);
  EXPECT_EQ(report->skipped_without_relevant, 2);  // q-grade-zero and q-unjudged
  EXPECT_EQ(report->helpdex.name, "helpdex");
  ExpectExactMetrics(report->helpdex);
  ASSERT_EQ(report->peers.size(), 1u);
  EXPECT_EQ(report->peers[0].name, "sqlite-fts5");
  ExpectExactMetrics(report->peers[0]);
}

TEST_F(EvalRunTest, JsonHasTheDesignShape) {
  Result<EvalReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const nlohmann::json json = nlohmann::json::parse(EvalReportToJson(*report));
  EXPECT_EQ(json["dataset"], "tinyset");
  EXPECT_EQ(json["documents"], 5);
  EXPECT_EQ(json["queries"], 3);
  EXPECT_NEAR(json["metrics"]["ndcg@10"].get<double>(), (kPasswordNdcg + 1) / 3, 1e-4);
  EXPECT_NEAR(json["metrics"]["mrr@10"].get<double>(), 2 / 3.0, 1e-4);
  EXPECT_NEAR(json["metrics"]["recall@100"].get<double>(), 0.5, 1e-4);
  EXPECT_EQ(json["by_language"]["en"]["queries"], 2);
  EXPECT_EQ(json["by_language"]["nb"]["recall@100"], 1.0);
  EXPECT_TRUE(json["index_seconds"].is_number());
  EXPECT_TRUE(json["latency_ms"]["p50"].is_number());
  EXPECT_TRUE(json["latency_ms"]["p99"].is_number());
  const nlohmann::json& peer = json["peers"]["sqlite-fts5"];
  EXPECT_NEAR(peer["metrics"]["mrr@10"].get<double>(), 2 / 3.0, 1e-4);
  EXPECT_EQ(peer["by_language"]["nb"]["queries"], 1);
  EXPECT_EQ(json["skipped_queries"]["unsupported_language"], 1);
}

TEST_F(EvalRunTest, TableShowsBothEnginesForEveryLanguage) {
  Result<EvalReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  const std::string table = EvalReportToTable(*report);
  for (const char* expected : {"tinyset", "helpdex", "sqlite-fts5", "nDCG@10", "  en", "  nb", "latency p99"}) {
    EXPECT_NE(table.find(expected), std::string::npos) << expected << " missing from\n" << table;
  }
}

TEST_F(EvalRunTest, NotesSkippedQueriesInUnsupportedLanguages) {
  Result<EvalReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_FALSE(report->notes.empty());
  EXPECT_NE(report->notes[0].find("1 judged queries skipped"), std::string::npos) << report->notes[0];
}

// FTS5 query syntax and SQL in a query are only words to both engines, and
// words are split on punctuation in every script.
TEST_F(EvalRunTest, QueryWithSyntaxAndGreekPunctuationFindsItsDocument) {
  dataset_.WriteGzip(
      "docs.jsonl.gz",
      std::string(kDocs) +
          R"({"id": "d6", "lang": "el", "title": "Ο κωδικός πρόσβασης", "text": "Αλλάξτε τον κωδικό σας."})" + "\n");
  dataset_.WriteGzip("queries.jsonl.gz",
                     R"({"id": "q-hostile", "lang": "en", "text": "'); DROP TABLE \"docs\"; -- NEAR(password* OR ^"})"
                     "\n"
                     R"({"id": "q-greek", "lang": "el", "text": "«κωδικός»;πρόσβασης"})"
                     "\n");
  dataset_.WritePlain("qrels.tsv", "q-hostile\td1\t1\nq-greek\td6\t1\n");
  Result<EvalReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_EQ(report->peers.size(), 1u);
  for (const EngineReport* engine : {&report->helpdex, &report->peers[0]}) {
    EXPECT_EQ(engine->overall.queries, 2) << engine->name;
    EXPECT_DOUBLE_EQ(engine->overall.mrr_at_10, 1.0) << engine->name;
    EXPECT_DOUBLE_EQ(engine->by_language.at("el").recall_at_100, 1.0) << engine->name;
  }
}

TEST_F(EvalRunTest, BadQrelsLineIsNamed) {
  dataset_.WritePlain("qrels.tsv", "q-password\td1\t2\nq-password d5 1\n");
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(report.error().where, dataset_.path("qrels.tsv") + ":2");
}

TEST_F(EvalRunTest, NonNumericGradeIsNamed) {
  dataset_.WritePlain("qrels.tsv", "q-password\td1\thigh\n");
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, dataset_.path("qrels.tsv") + ":1");
}

TEST_F(EvalRunTest, BadQueryLineIsNamed) {
  dataset_.WriteGzip("queries.jsonl.gz", std::string(R"({"id": "q1", "lang": "en", "text": "a"})") + "\n\n{oops\n");
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, dataset_.path("queries.jsonl.gz") + ":3");
}

TEST_F(EvalRunTest, QueryWithoutTextIsNamed) {
  dataset_.WriteGzip("queries.jsonl.gz", R"({"id": "q1", "lang": "en"})");
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, dataset_.path("queries.jsonl.gz") + ":1");
  EXPECT_EQ(report.error().message, "missing field 'text'");
}

TEST_F(EvalRunTest, DuplicateDocumentIdIsNamed) {
  dataset_.WriteGzip("docs.jsonl.gz", std::string(kDocs) + R"({"id": "d2", "lang": "en", "text": "again"})" + "\n");
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, dataset_.path("docs.jsonl.gz") + ":6");
  EXPECT_EQ(report.error().message, "duplicate id 'd2' (first on line 2)");
}

TEST_F(EvalRunTest, TruncatedGzipIsCorrupt) {
  std::string docs;
  for (int i = 0; i < 200; ++i) docs += R"({"id": "d)" + std::to_string(i) + R"(", "lang": "en", "text": "x"})" + "\n";
  dataset_.WriteGzip("docs.jsonl.gz", docs);
  fs::resize_file(dataset_.path("docs.jsonl.gz"), fs::file_size(dataset_.path("docs.jsonl.gz")) / 2);
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, dataset_.path("docs.jsonl.gz"));
  EXPECT_NE(report.error().message.find("corrupt"), std::string::npos) << report.error().message;
}

TEST_F(EvalRunTest, MissingDocumentsFileIsNamed) {
  fs::remove(dataset_.path("docs.jsonl.gz"));
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, dataset_.path("docs.jsonl.gz"));
  EXPECT_EQ(report.error().message, "no such file");
}

TEST_F(EvalRunTest, FolderWithoutQueriesHasNoJudgedQueries) {
  fs::remove(dataset_.path("queries.jsonl.gz"));
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().ToString(), dataset_.dir() + " has no judged queries");
}

TEST_F(EvalRunTest, QueriesWithoutRelevantJudgmentsAreNoJudgedQueries) {
  dataset_.WritePlain("qrels.tsv", "q-password\td2\t0\n");
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().ToString(), dataset_.dir() + " has no judged queries");
}

TEST_F(EvalRunTest, QueriesOnlyInUnsupportedLanguagesAreNoJudgedQueries) {
  dataset_.WritePlain("qrels.tsv", "q-german\td1\t1\n");
  Result<EvalReport> report = Run();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().ToString(),
            dataset_.dir() + " has no judged queries in a language helpdex analyses (" +
                std::string(SupportedLanguageList()) + ")");
}

TEST(EvalRunErrorTest, MissingFolderIsNamed) {
  Result<EvalReport> report = RunEvaluation({.dataset_dir = "/nonexistent/helpdex-eval"});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, "/nonexistent/helpdex-eval");
}

}  // namespace
}  // namespace helpdex::eval

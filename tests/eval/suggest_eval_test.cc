// Unit tests for the as-you-type part of helpdex/eval/eval.h (`helpdex eval
// --suggest`): the prefix and fraction arithmetic on hand-made per-prefix hit
// flags, code points in Greek and Turkish text, the replay against a fake
// Suggest, and RunSuggestEvaluation() end to end on a data set the test writes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "helpdex/eval/eval.h"
#include "temp_dataset.h"

namespace helpdex::eval {
namespace {

// Flags indexed by prefix length 0..n, true at the listed lengths.
std::vector<bool> HitsAt(size_t n, std::initializer_list<size_t> lengths) {
  std::vector<bool> hits(n + 1, false);
  for (size_t k : lengths) hits.at(k) = true;
  return hits;
}

TEST(HalfPrefixLengthTest, IsCeilOfHalfButAtLeastThreeAndAtMostN) {
  EXPECT_EQ(HalfPrefixLength(0), 0u);
  EXPECT_EQ(HalfPrefixLength(2), 2u);   // shorter than the first suggested prefix
  EXPECT_EQ(HalfPrefixLength(3), 3u);
  EXPECT_EQ(HalfPrefixLength(5), 3u);
  EXPECT_EQ(HalfPrefixLength(6), 3u);
  EXPECT_EQ(HalfPrefixLength(7), 4u);   // ceil(3.5)
  EXPECT_EQ(HalfPrefixLength(10), 5u);
  EXPECT_EQ(HalfPrefixLength(101), 51u);
}

TEST(ComputeOutcomeTest, FractionStartsWhereTheAnswerStaysUntilTheEnd) {
  // n = 10: shown at 3 and 4, gone at 5 (the half), back from 6 to the end.
  const SuggestQueryOutcome outcome = ComputeOutcome(HitsAt(10, {3, 4, 6, 7, 8, 9, 10}), 10);
  EXPECT_FALSE(outcome.answered_at_half);
  EXPECT_TRUE(outcome.answered_at_end);
  EXPECT_DOUBLE_EQ(outcome.typed_fraction, 0.6);
}

TEST(ComputeOutcomeTest, AnsweredFromTheThirdCharacterOn) {
  const SuggestQueryOutcome outcome = ComputeOutcome(HitsAt(7, {3, 4, 5, 6, 7}), 7);
  EXPECT_TRUE(outcome.answered_at_half);  // at 4
  EXPECT_TRUE(outcome.answered_at_end);
  EXPECT_DOUBLE_EQ(outcome.typed_fraction, 3.0 / 7);
}

TEST(ComputeOutcomeTest, FlagsBelowTheThirdCharacterAreIgnored) {
  // Suggest is not asked for one or two characters, so such flags never count.
  const SuggestQueryOutcome outcome = ComputeOutcome(HitsAt(5, {0, 1, 2, 3, 4, 5}), 5);
  EXPECT_DOUBLE_EQ(outcome.typed_fraction, 3.0 / 5);
}

TEST(ComputeOutcomeTest, NotAnsweredAtTheEndIsFractionOne) {
  // Shown at the half, but lost by the end: the customer does not see it.
  const SuggestQueryOutcome outcome = ComputeOutcome(HitsAt(8, {3, 4, 5}), 8);
  EXPECT_TRUE(outcome.answered_at_half);
  EXPECT_FALSE(outcome.answered_at_end);
  EXPECT_DOUBLE_EQ(outcome.typed_fraction, 1.0);
}

TEST(ComputeOutcomeTest, AnsweredOnlyAtTheEndIsFractionOne) {
  const SuggestQueryOutcome outcome = ComputeOutcome(HitsAt(8, {8}), 8);
  EXPECT_FALSE(outcome.answered_at_half);
  EXPECT_TRUE(outcome.answered_at_end);
  EXPECT_DOUBLE_EQ(outcome.typed_fraction, 1.0);
}

TEST(ComputeOutcomeTest, ShortQueriesAndMissingFlags) {
  // Two characters: the whole query is the only prefix asked.
  const SuggestQueryOutcome two = ComputeOutcome(HitsAt(2, {2}), 2);
  EXPECT_TRUE(two.answered_at_half);
  EXPECT_TRUE(two.answered_at_end);
  EXPECT_DOUBLE_EQ(two.typed_fraction, 1.0);
  // A flag vector shorter than n + 1: the missing lengths count as not answered.
  const SuggestQueryOutcome cut = ComputeOutcome({false, false, false, true, true}, 6);
  EXPECT_TRUE(cut.answered_at_half);  // at 3
  EXPECT_FALSE(cut.answered_at_end);
  EXPECT_DOUBLE_EQ(cut.typed_fraction, 1.0);
  const SuggestQueryOutcome empty = ComputeOutcome({}, 0);
  EXPECT_FALSE(empty.answered_at_half);
  EXPECT_FALSE(empty.answered_at_end);
  EXPECT_DOUBLE_EQ(empty.typed_fraction, 1.0);
}

TEST(CodePointTest, CountsCharactersNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  const std::string greek = "Καλημέρα";  // 8 letters, 2 bytes each
  EXPECT_EQ(greek.size(), 16u);
  EXPECT_EQ(CountCodePoints(greek), 8u);
  const std::string turkish = "İşıl şifre";  // dotted capital I, dotless i: 2 bytes each
  EXPECT_EQ(CountCodePoints(turkish), 10u);
  // A combining accent is a code point of its own.
  EXPECT_EQ(CountCodePoints("e\u0301"), 2u);
  EXPECT_EQ(CountCodePoints("😀ab"), 3u);  // 4-byte sequence
}

TEST(CodePointTest, PrefixCutsAtCharacterBoundaries) {
  EXPECT_EQ(CodePointPrefix("Καλημέρα", 3), "Καλ");
  EXPECT_EQ(CodePointPrefix("İşıl şifre", 3), "İşı");
  EXPECT_EQ(CodePointPrefix("İşıl şifre", 5), "İşıl ");
  EXPECT_EQ(CodePointPrefix("😀ab", 1), "😀");
  EXPECT_EQ(CodePointPrefix("abc", 0), "");
  EXPECT_EQ(CodePointPrefix("abc", 10), "abc");
}

TEST(ReplayQueryTest, AsksForEveryPrefixFromTheThirdCharacter) {
  std::vector<std::string> asked;
  // The relevant card shows once a whole word "şifre" is typed.
  Result<SuggestQueryOutcome> outcome =
      ReplayQuery("şifre sıfırla", {{"d1", 1}, {"d2", 0}}, [&](const std::string& prefix) {
        asked.push_back(prefix);
        return Result<std::vector<std::string>>(
            prefix.find("şifre") != std::string::npos ? std::vector<std::string>{"d2", "x", "d1"}
                                                     : std::vector<std::string>{"d2"});
      });
  ASSERT_TRUE(outcome.ok());
  // 13 code points: prefixes 3..13.
  ASSERT_EQ(asked.size(), 11u);
  EXPECT_EQ(asked.front(), "şif");
  EXPECT_EQ(asked[2], "şifre");
  EXPECT_EQ(asked.back(), "şifre sıfırla");
  EXPECT_TRUE(outcome->answered_at_half);  // 7 characters: "şifre s"
  EXPECT_TRUE(outcome->answered_at_end);
  EXPECT_DOUBLE_EQ(outcome->typed_fraction, 5.0 / 13);
}

TEST(ReplayQueryTest, OnlyTheFirstThreeCardsCount) {
  Result<SuggestQueryOutcome> outcome = ReplayQuery("password", {{"d1", 2}}, [](const std::string&) {
    return Result<std::vector<std::string>>(std::vector<std::string>{"a", "b", "c", "d1"});
  });
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->answered_at_end);
}

TEST(ReplayQueryTest, LongQueriesStopReplayingAtTheCapButScoreHalfAndEnd) {
  const std::string text(2 * kSuggestMaxReplayedPrefix + 50, 'a');  // 450 characters
  std::vector<size_t> asked;
  Result<SuggestQueryOutcome> outcome = ReplayQuery(text, {{"d1", 1}}, [&](const std::string& prefix) {
    asked.push_back(prefix.size());
    return Result<std::vector<std::string>>(std::vector<std::string>{"d1"});
  });
  ASSERT_TRUE(outcome.ok());
  // 3..200, then the half (225) and the whole query (450).
  ASSERT_EQ(asked.size(), kSuggestMaxReplayedPrefix - 2 + 2);
  EXPECT_EQ(asked[asked.size() - 3], kSuggestMaxReplayedPrefix);
  EXPECT_EQ(asked[asked.size() - 2], 225u);
  EXPECT_EQ(asked.back(), 450u);
  EXPECT_TRUE(outcome->answered_at_half);
  EXPECT_TRUE(outcome->answered_at_end);
  // The prefixes between 225 and 450 were not asked: they count as not answered.
  EXPECT_DOUBLE_EQ(outcome->typed_fraction, 1.0);
}

TEST(ReplayQueryTest, ReturnsTheFirstError) {
  int calls = 0;
  Result<SuggestQueryOutcome> outcome = ReplayQuery("password", {{"d1", 1}}, [&](const std::string&) {
    ++calls;
    return Result<std::vector<std::string>>(Error{ErrorCode::kInternal, "boom", ""});
  });
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().message, "boom");
  EXPECT_EQ(calls, 1);
}

// English, Norwegian, Greek and Turkish queries, one of them longer than the
// replay cap. Suggest's ranking is not the subject here (its own tests are):
// the checks hold for any answers it gives.
constexpr char kDocs[] =
    R"({"id": "d1", "lang": "en", "title": "Reset your password", "text": "Open Settings to reset a forgotten password."})"
    "\n"
    R"({"id": "d2", "lang": "nb", "title": "Tilbakestill passordet", "text": "Åpne Innstillinger for å tilbakestille passordet."})"
    "\n"
    R"({"id": "d3", "lang": "el", "title": "Ο κωδικός πρόσβασης", "text": "Αλλάξτε τον κωδικό πρόσβασης σας."})"
    "\n"
    R"({"id": "d4", "lang": "tr", "title": "Şifrenizi sıfırlayın", "text": "Şifrenizi unuttuysanız Ayarlar'ı açın."})"
    "\n";

TEST(SuggestEvalRunTest, ReplaysEveryJudgedQueryAndReportsByLanguage) {
  TempDataset dataset;
  const std::string long_text(250, 'p');
  dataset.WriteGzip("docs.jsonl.gz", kDocs);
  dataset.WriteGzip("queries.jsonl.gz",
                    std::string(R"({"id": "q-en", "lang": "en", "text": "forgotten password"})") + "\n" +
                        R"({"id": "q-nb", "lang": "no", "text": "passordet"})" + "\n" +
                        R"({"id": "q-el", "lang": "el", "text": "κωδικός πρόσβασης"})" + "\n" +
                        R"({"id": "q-tr", "lang": "tr", "text": "şifremi unuttum"})" + "\n" +
                        R"({"id": "q-long", "lang": "en", "text": ")" + long_text + "\"}\n" +
                        R"({"id": "q-unjudged", "lang": "en", "text": "invoice"})" + "\n");
  dataset.WritePlain("qrels.tsv", "q-en\td1\t2\nq-nb\td2\t1\nq-el\td3\t1\nq-tr\td4\t1\nq-long\td1\t1\n");

  Result<SuggestReport> report = RunSuggestEvaluation({.dataset_dir = dataset.dir()});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->dataset, "tinyset");
  EXPECT_EQ(report->documents, 4);
  EXPECT_EQ(report->queries, 5);
  EXPECT_EQ(report->skipped_without_relevant, 1);
  EXPECT_EQ(report->long_queries, 1);
  // Prefixes from the third code point: 18 -> 16 calls, 9 -> 7, 17 -> 15,
  // 15 -> 13; 250 -> 198 (3..200) + the whole query (the half, 125, is among them).
  EXPECT_EQ(report->suggest_calls, 16 + 7 + 15 + 13 + 199);

  EXPECT_EQ(report->overall.queries, 5);
  ASSERT_EQ(report->by_language.size(), 4u);
  EXPECT_EQ(report->by_language.at("en").queries, 2);
  EXPECT_EQ(report->by_language.at("nb").queries, 1);
  EXPECT_EQ(report->by_language.at("el").queries, 1);
  EXPECT_EQ(report->by_language.at("tr").queries, 1);
  for (const auto& [lang, means] : report->by_language) {
    SCOPED_TRACE(lang);
    EXPECT_GE(means.answered_at_end, 0.0);
    EXPECT_LE(means.answered_at_end, 1.0);
    EXPECT_GE(means.answered_at_half, 0.0);
    EXPECT_LE(means.answered_at_half, 1.0);
    // A query not answered at the end has fraction 1; an answered one at least 3/n.
    EXPECT_GT(means.mean_typed_fraction, 0.0);
    EXPECT_LE(means.mean_typed_fraction, 1.0);
    if (means.answered_at_end == 0) {
      EXPECT_DOUBLE_EQ(means.mean_typed_fraction, 1.0);
    }
  }
  EXPECT_GT(report->index_seconds, 0);
  EXPECT_GT(report->latency_p50_ms, 0);
  EXPECT_GE(report->latency_p99_ms, report->latency_p50_ms);
  bool noted_long = false;
  for (const std::string& note : report->notes) noted_long |= note.find("longer than 200") != std::string::npos;
  EXPECT_TRUE(noted_long);

  // ordered_json keeps the keys in the order they were printed.
  const nlohmann::ordered_json json = nlohmann::ordered_json::parse(SuggestReportToJson(*report));
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"dataset", "queries", "answered_at_half", "answered_at_end",
                                            "mean_typed_fraction", "by_language", "index_seconds", "latency_ms"}));
  EXPECT_EQ(json["dataset"], "tinyset");
  EXPECT_EQ(json["queries"], 5);
  EXPECT_EQ(json["by_language"]["en"]["queries"], 2);
  EXPECT_TRUE(json["by_language"]["tr"]["mean_typed_fraction"].is_number());
  EXPECT_TRUE(json["latency_ms"]["p50"].is_number());
  EXPECT_TRUE(json["latency_ms"]["p99"].is_number());

  const std::string table = SuggestReportToTable(*report);
  for (const char* expected : {"tinyset", "answered@half", "typed fraction", "  el", "  tr", "latency p99"}) {
    EXPECT_NE(table.find(expected), std::string::npos) << expected << " missing from\n" << table;
  }
}

TEST(SuggestEvalRunTest, MissingFolderIsNamed) {
  Result<SuggestReport> report = RunSuggestEvaluation({.dataset_dir = "/nonexistent/helpdex-eval"});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where, "/nonexistent/helpdex-eval");
}

}  // namespace
}  // namespace helpdex::eval

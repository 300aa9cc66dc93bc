// File: eval.h
// Relevance evaluation of helpdex on a judged data set (design.md, "Evaluation
// data"): RunEvaluation() indexes the set's documents into a temporary helpdex
// index and into SQLite FTS5 (the yardstick), runs every judged query through
// both and scores the rankings with nDCG@10, MRR@10 and Recall@100.
//
//   Result<EvalReport> report = RunEvaluation({.dataset_dir = "../shared/data/stackfaq"});
//   if (report.ok()) std::cout << EvalReportToJson(*report, 2);
//
// RunSuggestEvaluation() measures the as-you-type answer cards instead
// (`helpdex eval --suggest`): every judged query is replayed one character at
// a time through Searcher::Suggest, as a customer types it.
//
// RunGapsEvaluation() measures the gap report (`helpdex eval --gaps`): it
// removes a share of the documents the judged queries point to, replays the
// queries as searches of several visits, and scores whether the report finds
// the questions whose answers were removed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/progress.h"
#include "helpdex/search/error.h"

namespace helpdex::eval {

// Cut-offs of the three reported metrics.
inline constexpr int kNdcgDepth = 10;
inline constexpr int kReciprocalRankDepth = 10;
inline constexpr int kRecallDepth = 100;

// The judgments of one query: document id -> grade. Grade > 0 is relevant;
// grade <= 0 is judged non-relevant (and scores like an unjudged document).
using Judgments = std::map<std::string, int>;

// A ranking is document ids, best first. In all three metrics a document that
// appears again further down is ignored: it was already counted.

// Normalised discounted cumulative gain over the first `depth` results, with
// gain 2^grade - 1 and discount log2(rank + 1) (rank is 1-based). The ideal
// ranking is built from every relevant judgment of the query, retrieved or
// not. 0 when the query has no relevant judgment.
double NdcgAt(const std::vector<std::string>& ranking, const Judgments& judgments, int depth);

// 1 / rank of the first relevant document within the first `depth` results,
// 0 when there is none.
double ReciprocalRankAt(const std::vector<std::string>& ranking, const Judgments& judgments, int depth);

// Relevant documents within the first `depth` results / all relevant
// judgments of the query. 0 when the query has no relevant judgment.
double RecallAt(const std::vector<std::string>& ranking, const Judgments& judgments, int depth);

// Nearest-rank percentile (0 < percent <= 100) of `values`; 0 for none.
double Percentile(std::vector<double> values, double percent);

// Means of the per-query metrics over a group of queries.
struct MetricMeans {
  int queries = 0;
  double ndcg_at_10 = 0;
  double mrr_at_10 = 0;
  double recall_at_100 = 0;
};

// How one engine did on the data set.
struct EngineReport {
  std::string name;                               // "helpdex", "sqlite-fts5"
  MetricMeans overall;                            // mean over every evaluated query
  std::map<std::string, MetricMeans> by_language; // query language code -> means
  double index_seconds = 0;                       // wall time to index every document
  double latency_p50_ms = 0;                      // per query: retrieving its top kRecallDepth
  double latency_p99_ms = 0;
};

struct EvalReport {
  std::string dataset;        // the folder's name ("stackfaq")
  int documents = 0;          // lines of docs.jsonl.gz
  int queries = 0;            // queries evaluated: judged, >= 1 relevant, language supported
  int skipped_unsupported_language = 0;  // judged queries in a language helpdex does not analyse
  int skipped_without_relevant = 0;      // queries whose judgments are all grade 0 (or absent)
  EngineReport helpdex;
  std::vector<EngineReport> peers;  // the yardsticks, in the same run ("sqlite-fts5")
  std::vector<std::string> notes;   // things a reader of the figures should know, one sentence each
  // Learning runs only (RunLearnEvaluation): `helpdex` scored with what was
  // learned, `without_learning` the same queries on the same documents without.
  int learned = -1;                  // phrasings learned (-1: not a learning run)
  int learned_articles = 0;          // public articles that learned at least one
  int learned_from_queries = 0;      // judged queries replayed as visits
  std::string learned_from;          // the data set learned from, or "share F of DATASET"
  std::optional<EngineReport> without_learning;
};

struct EvalOptions {
  std::string dataset_dir;  // holds docs.jsonl.gz, queries.jsonl.gz and qrels.tsv
  // RunSuggestEvaluation(): told of each judged query replayed (done of
  // total), from the calling thread. Nothing is printed; empty: no reports.
  search::ProgressCallback progress;
};

// Reads the data set, builds a temporary helpdex index (removed before
// returning) and an in-memory FTS5 database, and scores both engines.
// kInvalidInput, naming the file and line, when a file is missing or a line is
// malformed, or when the folder has no judged queries ("DIR has no judged
// queries"); kInternal when an engine fails. Prints nothing; takes as long as
// indexing the documents twice and running every query twice.
Result<EvalReport> RunEvaluation(const EvalOptions& options);

// The design.md shape: {"dataset", "documents", "queries", "metrics",
// "by_language", "index_seconds", "latency_ms": {"p50", "p99"}, "peers":
// {"sqlite-fts5": {...}}} plus "skipped_queries" and "notes".
// indent < 0: compact.
std::string EvalReportToJson(const EvalReport& report, int indent = -1);

// A table for a terminal: one row for all queries and one per language, the
// engines side by side, then index time and latency.
std::string EvalReportToTable(const EvalReport& report);

// ---- Learning from customers (`helpdex eval --learn-from DIR2` / `--learn-share F`) ----
//
// Each judged query learned from is replayed through the real event store
// (server::EventStore, in a temporary data folder) as kLearnVisitsPerQuery
// distinct visits that each search the query and then click its best-graded
// relevant document; server::LearnedStore learns from those events against
// the index of the data set's documents, which is then indexed again with
// what was learned (IndexOptions::learned) and scored.

inline constexpr int kLearnVisitsPerQuery = 3;  // LearnedOptions{}.min_visits

struct LearnOptions {
  std::string dataset_dir;     // the documents indexed and the queries scored
  // Learn from this set's judged queries (its document ids must be the
  // dataset's), and score all of dataset_dir's queries.
  std::string learn_from_dir;
  // Or learn from this share (in (0, 1)) of dataset_dir's own queries, chosen
  // by a stable hash of the query id, and score only the others.
  double learn_share = 0;
};

// The EvalReport of the learned index over the scored queries, with
// `learned`, `learned_from_queries` and `without_learning` (the same queries
// on the index without learning) filled, and SQLite FTS5 beside it. Errors
// as RunEvaluation(); kInvalidInput naming --learn-share or --learn-from when
// neither or both are given, or the share is outside (0, 1).
Result<EvalReport> RunLearnEvaluation(const LearnOptions& options);

// ---- As-you-type suggestions (`helpdex eval --suggest`) ----
//
// Each judged query is typed one character (Unicode code point) at a time;
// from the kSuggestFirstPrefix-th character on, every prefix goes through
// Searcher::Suggest with the query's language and max_answers =
// kSuggestAnswerDepth, and the prefix counts as answered when a relevant
// document (grade > 0) is among the first kSuggestAnswerDepth answer cards.

inline constexpr size_t kSuggestFirstPrefix = 3;   // Suggest answers from the third character on
inline constexpr size_t kSuggestAnswerDepth = 3;   // answer cards shown beside the search box
// Prefixes longer than this are not replayed one by one (pasted paragraphs;
// SemEval questions run to 450 characters): it bounds the run time. The half
// and the whole query are always evaluated; the skipped prefixes count as not
// answered, so mean_typed_fraction can only be overstated for such queries.
inline constexpr size_t kSuggestMaxReplayedPrefix = 200;

// Unicode code points in valid UTF-8 (bytes that do not continue a sequence).
size_t CountCodePoints(std::string_view utf8);

// The first `code_points` code points of valid UTF-8 (all of it if shorter).
std::string_view CodePointPrefix(std::string_view utf8, size_t code_points);

// The prefix length that counts as "half typed" for a query of n code points:
// ceil(n/2), but at least kSuggestFirstPrefix, and at most n.
size_t HalfPrefixLength(size_t n);

// How the suggestions did on one query.
struct SuggestQueryOutcome {
  bool answered_at_half = false;  // relevant card in the top 3 at HalfPrefixLength(n)
  bool answered_at_end = false;   // ... at the whole query
  // Smallest k/n such that from prefix length k through n a relevant card is
  // always in the top 3; 1.0 when there is none at the end.
  double typed_fraction = 1.0;
};

// The outcome of a query of n code points, from relevant_in_top3_by_prefix_len[k]
// = "a relevant card was among the first 3 for the first k code points".
// Entries below min(kSuggestFirstPrefix, n) are ignored (Suggest is not asked
// then); missing entries count as false. n = 0 gives the default outcome.
SuggestQueryOutcome ComputeOutcome(const std::vector<bool>& relevant_in_top3_by_prefix_len, size_t n);

// The answer card ids (best first) that Suggest gives for a prefix.
using AnswerIdsForPrefix = std::function<Result<std::vector<std::string>>(const std::string& prefix)>;

// Types `text` one code point at a time: asks `answer_ids` for every prefix
// from the third code point up to kSuggestMaxReplayedPrefix, then for the half
// (HalfPrefixLength) and the whole text when they are longer, and scores the
// first kSuggestAnswerDepth ids of each against `judgments` with
// ComputeOutcome(). The first error of `answer_ids` is returned as is.
Result<SuggestQueryOutcome> ReplayQuery(const std::string& text, const Judgments& judgments,
                                        const AnswerIdsForPrefix& answer_ids);

// Means of the per-query outcomes over a group of queries.
struct SuggestMeans {
  int queries = 0;
  double answered_at_half = 0;
  double answered_at_end = 0;
  double mean_typed_fraction = 0;
};

struct SuggestReport {
  std::string dataset;
  int documents = 0;
  int queries = 0;  // judged, >= 1 relevant, language supported (as in EvalReport)
  int skipped_unsupported_language = 0;
  int skipped_without_relevant = 0;
  int long_queries = 0;        // queries longer than kSuggestMaxReplayedPrefix code points
  long suggest_calls = 0;      // Suggest calls made (one per replayed prefix)
  SuggestMeans overall;
  std::map<std::string, SuggestMeans> by_language;  // query language code -> means
  double index_seconds = 0;
  double latency_p50_ms = 0;  // of single Suggest calls
  double latency_p99_ms = 0;
  std::vector<std::string> notes;
};

// Reads the data set like RunEvaluation(), indexes its documents into a
// temporary helpdex index (removed before returning) and replays every judged
// query. Same errors as RunEvaluation(); kInternal, naming the query, when
// Suggest fails. Prints nothing.
Result<SuggestReport> RunSuggestEvaluation(const EvalOptions& options);

// {"dataset", "queries", "answered_at_half", "answered_at_end",
// "mean_typed_fraction", "by_language": {lang: {"queries", ...}},
// "index_seconds", "latency_ms": {"p50", "p99"}}. indent < 0: compact.
std::string SuggestReportToJson(const SuggestReport& report, int indent = -1);

// A table for a terminal: one row for all queries and one per language, then
// index time and Suggest latency.
std::string SuggestReportToTable(const SuggestReport& report);

// ---- The gap report (`helpdex eval --gaps`) ----
//
// A share of the documents that judged queries point to (grade > 0) is left
// out of the index, chosen with a seeded random number generator. Every judged
// query is then searched by kGapVisitsPerQuery distinct visits (public
// viewer, the query's language as query_language); each visit clicks the
// first relevant document among the 10 results shown, or writes to support
// a minute later when none was shown. BuildGapReport() groups the failures,
// and the report is scored against the queries whose relevant documents
// were all removed ("about removed documents").

inline constexpr int kGapVisitsPerQuery = 3;       // GapOptions{}.min_visits: every query can form a group
inline constexpr size_t kGapShownResults = 10;     // the first results page
inline constexpr size_t kGapPrecisionDepth = 20;   // precision@20 over the report's first groups

struct GapsOptions {
  std::string dataset_dir;  // holds docs.jsonl.gz, queries.jsonl.gz and qrels.tsv
  double remove = 0.2;      // share of the pointed-to documents left out, in (0, 1)
  uint64_t seed = 1;        // the same seed removes the same documents
};

struct GapsLanguageFigures {
  int queries_about_removed = 0;
  double recall = 0;
};

struct GapsReport {
  std::string dataset;
  int documents = 0;               // lines of docs.jsonl.gz
  int documents_removed = 0;       // left out of the index
  int queries = 0;                 // judged queries replayed
  int queries_about_removed = 0;   // ... all of whose relevant documents were removed
  int groups = 0;                  // search-gap groups in the report
  // Of the first min(kGapPrecisionDepth, groups) groups, the share whose
  // distinct queries are mostly (more than half) about removed documents; 0
  // without groups.
  double precision_at_20 = 0;
  // The share of the queries about removed documents whose wording is in
  // some group of the report.
  double recall = 0;
  // Of the queries about removed documents, the share that still got an
  // answer card (Suggest over the whole query) or any search result: what
  // the relevance floor lets through when the help centre has no answer.
  double cards_when_removed = 0;
  double results_when_removed = 0;
  std::map<std::string, GapsLanguageFigures> by_language;  // query language code -> figures
  double remove = 0.2;
  uint64_t seed = 1;
  double index_seconds = 0;
  double seconds = 0;              // the whole run: reading, indexing, replaying, the report
  std::vector<std::string> notes;
};

// kInvalidInput naming the parameter for a `remove` outside (0, 1); naming the
// file when the data set has no queries; otherwise the errors of
// RunEvaluation(). Prints nothing.
Result<GapsReport> RunGapsEvaluation(const GapsOptions& options);

// {"precision@20", "recall", "dataset", "documents", "removed", "queries",
// "queries_about_removed", "groups", "by_language": {lang:
// {"queries_about_removed", "recall"}}, "seed", "remove", "seconds"}.
// indent < 0: compact.
std::string GapsReportToJson(const GapsReport& report, int indent = -1);

// A table for a terminal: the two figures, the counts, recall per language.
std::string GapsReportToTable(const GapsReport& report);

}  // namespace helpdex::eval

// File: eval.h
// Relevance evaluation of helpdex on a judged data set (design.md, "Evaluation
// data"): RunEvaluation() indexes the set's documents into a temporary helpdex
// index and into SQLite FTS5 (the yardstick), runs every judged query through
// both and scores the rankings with nDCG@10, MRR@10 and Recall@100.
//
//   Result<EvalReport> report = RunEvaluation({.dataset_dir = "../shared/data/stackfaq"});
//   if (report.ok()) std::cout << EvalReportToJson(*report, 2);
#pragma once

#include <map>
#include <string>
#include <vector>

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
};

struct EvalOptions {
  std::string dataset_dir;  // holds docs.jsonl.gz, queries.jsonl.gz and qrels.tsv
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

}  // namespace helpdex::eval

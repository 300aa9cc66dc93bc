// RunEvaluation(): read the data set, then index, query and score each engine
// in turn, so that only one engine's index is held at a time.
#include <chrono>
#include <exception>

#include "dataset.h"
#include "engine.h"
#include "helpdex/eval/eval.h"

namespace helpdex::eval {
namespace {

// Running sums of the per-query metrics of one group of queries.
class MetricSums {
 public:
  void Add(const std::vector<std::string>& ranking, const Judgments& judgments) {
    ++queries_;
    ndcg_ += NdcgAt(ranking, judgments, kNdcgDepth);
    reciprocal_rank_ += ReciprocalRankAt(ranking, judgments, kReciprocalRankDepth);
    recall_ += RecallAt(ranking, judgments, kRecallDepth);
  }

  MetricMeans Means() const {
    if (queries_ == 0) return {};
    return {.queries = queries_,
            .ndcg_at_10 = ndcg_ / queries_,
            .mrr_at_10 = reciprocal_rank_ / queries_,
            .recall_at_100 = recall_ / queries_};
  }

 private:
  int queries_ = 0;
  double ndcg_ = 0;
  double reciprocal_rank_ = 0;
  double recall_ = 0;
};

}  // namespace

Result<EngineReport> Evaluate(Engine& engine, const std::vector<JudgedQuery>& queries) {
  MetricSums overall;
  std::map<std::string, MetricSums> by_language;
  std::vector<double> latencies_ms;
  latencies_ms.reserve(queries.size());
  for (const JudgedQuery& query : queries) {
    const auto start = std::chrono::steady_clock::now();
    Result<std::vector<std::string>> ranking = engine.Rank(query, kRecallDepth);
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    if (!ranking.ok()) {
      Error error = ranking.error();
      error.message = engine.name() + " failed on query " + query.id + ": " + error.message;
      return error;
    }
    latencies_ms.push_back(elapsed.count());
    overall.Add(*ranking, query.judgments);
    by_language[query.lang].Add(*ranking, query.judgments);
  }
  EngineReport report{.name = engine.name(),
                      .overall = overall.Means(),
                      .index_seconds = engine.index_seconds(),
                      .latency_p50_ms = Percentile(latencies_ms, 50),
                      .latency_p99_ms = Percentile(latencies_ms, 99)};
  for (const auto& [lang, sums] : by_language) report.by_language[lang] = sums.Means();
  return report;
}

namespace {

Result<EngineReport> IndexAndEvaluate(const Result<std::unique_ptr<Engine>>& engine, const Dataset& dataset) {
  if (!engine.ok()) return engine.error();
  return Evaluate(**engine, dataset.queries);
}

Result<EvalReport> Run(const EvalOptions& options) {
  Result<Dataset> dataset = ReadDataset(options.dataset_dir);
  if (!dataset.ok()) return dataset.error();
  EvalReport report{.dataset = dataset->name,
                    .documents = static_cast<int>(dataset->documents.size()),
                    .queries = static_cast<int>(dataset->queries.size()),
                    .skipped_unsupported_language = dataset->skipped_unsupported_language,
                    .skipped_without_relevant = dataset->skipped_without_relevant,
                    .notes = dataset->notes};

  Result<EngineReport> helpdex = IndexAndEvaluate(StartHelpdexEngine(*dataset, report.notes), *dataset);
  if (!helpdex.ok()) return helpdex.error();
  report.helpdex = std::move(helpdex).value();

  Result<EngineReport> fts5 = IndexAndEvaluate(StartSqliteFts5Engine(*dataset), *dataset);
  if (!fts5.ok()) return fts5.error();
  report.peers.push_back(std::move(fts5).value());
  return report;
}

}  // namespace

Result<EvalReport> RunEvaluation(const EvalOptions& options) {
  try {
    return Run(options);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("evaluation failed: ") + e.what(), options.dataset_dir};
  }
}

}  // namespace helpdex::eval

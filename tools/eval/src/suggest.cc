// RunSuggestEvaluation(): replay every judged query through Searcher::Suggest
// one character at a time, as a customer types it, and score when a relevant
// answer card shows up among the first three and stays there.
#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include "dataset.h"
#include "engine.h"
#include "helpdex/eval/eval.h"

namespace helpdex::eval {
namespace {

bool IsContinuationByte(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

bool IsRelevant(const Judgments& judgments, const std::string& doc_id) {
  auto found = judgments.find(doc_id);
  return found != judgments.end() && found->second > 0;
}

bool AnyRelevant(const std::vector<std::string>& ids, const Judgments& judgments) {
  for (size_t i = 0; i < ids.size() && i < kSuggestAnswerDepth; ++i) {
    if (IsRelevant(judgments, ids[i])) return true;
  }
  return false;
}

// Running sums of the per-query outcomes of one group of queries.
class OutcomeSums {
 public:
  void Add(const SuggestQueryOutcome& outcome) {
    ++queries_;
    at_half_ += outcome.answered_at_half;
    at_end_ += outcome.answered_at_end;
    typed_fraction_ += outcome.typed_fraction;
  }

  SuggestMeans Means() const {
    if (queries_ == 0) return {};
    return {.queries = queries_,
            .answered_at_half = static_cast<double>(at_half_) / queries_,
            .answered_at_end = static_cast<double>(at_end_) / queries_,
            .mean_typed_fraction = typed_fraction_ / queries_};
  }

 private:
  int queries_ = 0;
  int at_half_ = 0;
  int at_end_ = 0;
  double typed_fraction_ = 0;
};

// The prefix lengths (in code points) at which Suggest is asked for a query
// of n code points, in typing order: every one from the third up to
// kSuggestMaxReplayedPrefix, then the half and the whole query if beyond it.
std::vector<size_t> ReplayedPrefixLengths(size_t n) {
  std::vector<size_t> lengths;
  if (n == 0) return lengths;
  const size_t first = std::min(kSuggestFirstPrefix, n);
  const size_t last_replayed = std::min(n, kSuggestMaxReplayedPrefix);
  for (size_t k = first; k <= last_replayed; ++k) lengths.push_back(k);
  for (size_t k : {HalfPrefixLength(n), n}) {
    if (k > lengths.back()) lengths.push_back(k);
  }
  return lengths;
}

Result<SuggestReport> Run(const EvalOptions& options) {
  Result<Dataset> dataset = ReadDataset(options.dataset_dir);
  if (!dataset.ok()) return dataset.error();
  SuggestReport report{.dataset = dataset->name,
                       .documents = static_cast<int>(dataset->documents.size()),
                       .queries = static_cast<int>(dataset->queries.size()),
                       .skipped_unsupported_language = dataset->skipped_unsupported_language,
                       .skipped_without_relevant = dataset->skipped_without_relevant,
                       .notes = dataset->notes};

  Result<std::unique_ptr<SuggestEngine>> engine = StartHelpdexSuggestEngine(*dataset, report.notes);
  if (!engine.ok()) return engine.error();
  report.index_seconds = (*engine)->index_seconds();

  OutcomeSums overall;
  std::map<std::string, OutcomeSums> by_language;
  std::vector<double> latencies_ms;
  long replayed = 0;
  for (const JudgedQuery& query : dataset->queries) {
    report.long_queries += CountCodePoints(query.text) > kSuggestMaxReplayedPrefix;
    // Times each Suggest call alone, without the scoring around it.
    auto timed_suggest = [&](const std::string& prefix) -> Result<std::vector<std::string>> {
      const auto start = std::chrono::steady_clock::now();
      Result<std::vector<std::string>> ids = (*engine)->AnswerIds(prefix, query.lang, kSuggestAnswerDepth);
      const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
      if (!ids.ok()) {
        Error error = ids.error();
        error.message = "Suggest failed on query " + query.id + " typed to \"" + prefix + "\": " + error.message;
        return error;
      }
      latencies_ms.push_back(elapsed.count());
      return ids;
    };
    Result<SuggestQueryOutcome> outcome = ReplayQuery(query.text, query.judgments, timed_suggest);
    if (!outcome.ok()) return outcome.error();
    overall.Add(*outcome);
    by_language[query.lang].Add(*outcome);
    if (options.progress) {
      options.progress({.done = ++replayed, .total = static_cast<long>(dataset->queries.size())});
    }
  }
  report.suggest_calls = static_cast<long>(latencies_ms.size());
  report.overall = overall.Means();
  for (const auto& [lang, sums] : by_language) report.by_language[lang] = sums.Means();
  report.latency_p50_ms = Percentile(latencies_ms, 50);
  report.latency_p99_ms = Percentile(latencies_ms, 99);
  if (report.long_queries > 0) {
    report.notes.push_back(std::to_string(report.long_queries) + " queries are longer than " +
                           std::to_string(kSuggestMaxReplayedPrefix) +
                           " characters: their longer prefixes were not replayed, except the half and the whole "
                           "query, and count as not answered");
  }
  return report;
}

}  // namespace

size_t CountCodePoints(std::string_view utf8) {
  size_t count = 0;
  for (char byte : utf8) count += !IsContinuationByte(byte);
  return count;
}

std::string_view CodePointPrefix(std::string_view utf8, size_t code_points) {
  size_t seen = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    if (IsContinuationByte(utf8[i])) continue;
    if (seen == code_points) return utf8.substr(0, i);
    ++seen;
  }
  return utf8;
}

size_t HalfPrefixLength(size_t n) { return std::min(n, std::max(kSuggestFirstPrefix, (n + 1) / 2)); }

SuggestQueryOutcome ComputeOutcome(const std::vector<bool>& relevant_in_top3_by_prefix_len, size_t n) {
  SuggestQueryOutcome outcome;
  if (n == 0) return outcome;
  const size_t first = std::min(kSuggestFirstPrefix, n);
  auto relevant_at = [&](size_t k) {
    return k >= first && k < relevant_in_top3_by_prefix_len.size() && relevant_in_top3_by_prefix_len[k];
  };
  outcome.answered_at_half = relevant_at(HalfPrefixLength(n));
  outcome.answered_at_end = relevant_at(n);
  if (!outcome.answered_at_end) return outcome;
  // Walk back from the end while the answer is still shown.
  size_t k = n;
  while (relevant_at(k - 1)) --k;
  outcome.typed_fraction = static_cast<double>(k) / static_cast<double>(n);
  return outcome;
}

Result<SuggestQueryOutcome> ReplayQuery(const std::string& text, const Judgments& judgments,
                                        const AnswerIdsForPrefix& answer_ids) {
  const size_t n = CountCodePoints(text);
  std::vector<bool> relevant_by_length(n + 1, false);
  for (size_t k : ReplayedPrefixLengths(n)) {
    Result<std::vector<std::string>> ids = answer_ids(std::string(CodePointPrefix(text, k)));
    if (!ids.ok()) return ids.error();
    relevant_by_length[k] = AnyRelevant(*ids, judgments);
  }
  return ComputeOutcome(relevant_by_length, n);
}

Result<SuggestReport> RunSuggestEvaluation(const EvalOptions& options) {
  try {
    return Run(options);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("suggestion evaluation failed: ") + e.what(),
                 options.dataset_dir};
  }
}

}  // namespace helpdex::eval

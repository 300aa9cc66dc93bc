// The ranking metrics of eval.h, computed the way trec_eval does: relevance
// comes from the judgments only, and an unjudged document is non-relevant.
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string_view>

#include "helpdex/eval/eval.h"

namespace helpdex::eval {
namespace {

int GradeOf(const Judgments& judgments, const std::string& doc_id) {
  auto found = judgments.find(doc_id);
  return found == judgments.end() ? 0 : found->second;
}

// Calls `visit(rank, grade)` for the first `depth` distinct documents of the
// ranking (rank is 1-based), so that a repeated document never counts twice.
void ForEachDistinct(const std::vector<std::string>& ranking, const Judgments& judgments, int depth,
                     const std::function<void(int rank, int grade)>& visit) {
  std::set<std::string_view> seen;
  int rank = 0;
  for (const std::string& doc_id : ranking) {
    if (rank >= depth) break;
    if (!seen.insert(doc_id).second) continue;
    ++rank;
    visit(rank, GradeOf(judgments, doc_id));
  }
}

double DiscountedGain(int grade, int rank) {
  if (grade <= 0) return 0;
  return (std::exp2(grade) - 1) / std::log2(rank + 1.0);
}

double IdealDcg(const Judgments& judgments, int depth) {
  std::vector<int> grades;
  for (const auto& [doc_id, grade] : judgments) {
    if (grade > 0) grades.push_back(grade);
  }
  std::sort(grades.begin(), grades.end(), std::greater<>());
  double ideal = 0;
  for (int rank = 1; rank <= depth && rank <= static_cast<int>(grades.size()); ++rank) {
    ideal += DiscountedGain(grades[rank - 1], rank);
  }
  return ideal;
}

int RelevantCount(const Judgments& judgments) {
  return static_cast<int>(
      std::count_if(judgments.begin(), judgments.end(), [](const auto& judgment) { return judgment.second > 0; }));
}

}  // namespace

double NdcgAt(const std::vector<std::string>& ranking, const Judgments& judgments, int depth) {
  const double ideal = IdealDcg(judgments, depth);
  if (ideal <= 0) return 0;
  double dcg = 0;
  ForEachDistinct(ranking, judgments, depth, [&](int rank, int grade) { dcg += DiscountedGain(grade, rank); });
  return dcg / ideal;
}

double ReciprocalRankAt(const std::vector<std::string>& ranking, const Judgments& judgments, int depth) {
  int first_relevant_rank = 0;
  ForEachDistinct(ranking, judgments, depth, [&](int rank, int grade) {
    if (grade > 0 && first_relevant_rank == 0) first_relevant_rank = rank;
  });
  return first_relevant_rank == 0 ? 0 : 1.0 / first_relevant_rank;
}

double RecallAt(const std::vector<std::string>& ranking, const Judgments& judgments, int depth) {
  const int relevant = RelevantCount(judgments);
  if (relevant == 0) return 0;
  int retrieved = 0;
  ForEachDistinct(ranking, judgments, depth, [&](int, int grade) { retrieved += grade > 0; });
  return static_cast<double>(retrieved) / relevant;
}

double Percentile(std::vector<double> values, double percent) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least `percent` % of the values at or below it.
  const double rank = std::ceil(percent / 100.0 * static_cast<double>(values.size()));
  const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(values.size()))) - 1;
  return values[index];
}

}  // namespace helpdex::eval

#include "helpdex/analytics/triage.h"

#include <map>

#include "helpdex/search/analysis.h"

namespace helpdex::analytics {

std::string TriageKey(const SearchGap& gap) { return search::NormalizeText(gap.query); }

void ApplyTriage(GapReport& report, const std::vector<stores::TriageEntry>& entries, int64_t now_ms) {
  std::map<std::string, const stores::TriageEntry*> by_key;
  for (const stores::TriageEntry& entry : entries) {
    if (entry.kind == "search") by_key.emplace(entry.key, &entry);
  }
  constexpr int64_t kExpiryMs = int64_t{kTriageExpiryDays} * 24 * 60 * 60 * 1000;
  report.hidden_by_triage.clear();
  report.returned_after_triage.clear();
  std::vector<SearchGap> kept;
  for (SearchGap& gap : report.searches) {
    const std::string key = TriageKey(gap);
    auto found = by_key.find(key);
    if (found == by_key.end()) {
      kept.push_back(std::move(gap));
      continue;
    }
    const stores::TriageEntry& triage = *found->second;
    const bool grew = gap.visits > triage.visits;
    const bool expired = now_ms - triage.at_ms > kExpiryMs;
    if (grew || expired) {
      report.returned_after_triage.push_back(key);
      kept.push_back(std::move(gap));
    } else {
      report.hidden_by_triage.push_back(HiddenGap{key, gap.query, triage, gap.visits});
    }
  }
  report.searches = std::move(kept);
}

}  // namespace helpdex::analytics

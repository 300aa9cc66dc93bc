// File: triage.h
// Applying the writers' triage (stores/gap_triage.h) to a gap report: a
// failing-search topic dismissed or marked done is left out of the report
// until it comes back.
//
// "Comes back" (the rule, for the page, the API and `helpdex gaps` alike): a
// triaged topic is hidden while its distinct visits in the report's window
// are at most what they were when it was triaged, and for at most
// kTriageExpiryDays after. More visits than then means customers still fail
// to find it (after "done": the new article does not answer them; after
// "dismissed": demand grew), so it is shown again, marked as returned; after
// the expiry it is shown again for another look. The report's window slides,
// so a topic nobody searches any more stays hidden until it expires.
//
//   ApplyTriage(report, *store->All(), report.to_ms);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "helpdex/analytics/gaps.h"
#include "helpdex/stores/gap_triage.h"

namespace helpdex::analytics {

inline constexpr int kTriageExpiryDays = 90;

// What identifies a failing-search topic across reports: its typical wording,
// normalised (case, accents and width folded, spaces collapsed) as queries
// are, so that "Reset Password" and "reset password" are one topic.
std::string TriageKey(const SearchGap& gap);

// Removes the hidden topics from report.searches (order kept) into
// report.hidden_by_triage, and lists the keys of triaged topics that came
// back in report.returned_after_triage. Entries of other kinds are ignored.
// `now_ms`: the report's end (GapReport::to_ms).
void ApplyTriage(GapReport& report, const std::vector<stores::TriageEntry>& entries, int64_t now_ms);

}  // namespace helpdex::analytics

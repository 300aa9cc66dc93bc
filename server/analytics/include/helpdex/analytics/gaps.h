// File: gaps.h
// The gap report: what customers look for and do not find, from the events
// of the help centre (events.h), ranked by the tickets an article would
// avoid. Read by `helpdex gaps`, `/gaps` and `/api/gaps`.
//
// This version covers searches that fail: a search with no results, with
// results nobody opened, or followed by a contact-form submission within the
// outcome window. Each zero is classified (a typo the customer then
// corrected, a filter, the answer only in another language, or a real content
// gap) and only failures that are not explained rank. Searches are grouped by
// what they ask (search/query_groups.h), then questions by topic (the rarer
// words they share, weighted by inverse document frequency), each topic
// counting distinct visits (one visit counts once however often it
// searched: the bot cap) and shown only from `min_visits` visits on.
//
//   Result<std::unique_ptr<stores::EventLog>> log = stores::EventLog::Open(data_dir);
//   Result<GapReport> report = LoadGapReport(**log, *index, GapOptions{});
//   std::string json = GapReportJson(*report);   // gap_format.h
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "helpdex/search/error.h"
#include "helpdex/search/searcher.h"
#include "helpdex/stores/events.h"
#include "helpdex/stores/gap_triage.h"

namespace helpdex::analytics {

struct GapOptions {
  int min_visits = 3;                             // a group is shown from this many distinct visits
  std::chrono::minutes outcome_window{30};        // a click or contact this soon after belongs to the search
  std::chrono::minutes typo_window{5};            // a corrected search this soon after explains a zero
  int trend_days = 14;                            // the trend's length, in days up to `now_ms`
  int64_t now_ms = 0;                             // 0 = now
  size_t max_groups = 100;
  // Tickets: one counts as answered by the help centre when the best public
  // article holds this share of its distinctive words (search::TicketCoverage).
  double ticket_coverage = 0.33;
  int min_tickets = 2;                            // a ticket topic is shown from this many tickets
  // Articles to review: `reviewed` older than this.
  int review_after_days = 365;
  // LoadGapReport reads the events of this many days before `now_ms`, never
  // more (the server keeps 90 by default: --keep-events-days).
  int window_days = 90;
};

// Why a search found nothing.
enum class ZeroCause {
  kContentGap,      // nothing in the help centre answers it
  kFilter,          // the search's filters hid what exists
  kOtherLanguage,   // the answer exists, but not in the customer's language
  kCorrectedTypo,   // the same visit searched again, spelled right, and found results
};
std::string_view ZeroCauseName(ZeroCause cause);

struct SearchGap {
  std::string query;                        // the topic's most typical wording
  std::vector<std::string> examples;        // other wordings, most frequent first (redacted)
  // Every distinct wording, most frequent first (examples stop at 5): what
  // an evaluation needs to map a group back to the searches in it. Not in
  // GapReportJson.
  std::vector<std::string> wordings;
  int visits = 0;                           // distinct visits
  int no_results_visits = 0;                // ... that found nothing (content gaps only)
  int not_opened_visits = 0;                // ... that found results but opened none
  int contact_visits = 0;                   // ... that then wrote to support
  std::map<std::string, int> languages;     // visits per language
  std::vector<int> trend;                   // visits per day, oldest first, trend_days long
  // The closest existing article, only when it holds most of the topic's
  // rarity-weighted words (search::ArticleTerms); none when no article is
  // close ("nearest": null in the JSON, "no close article" on the page).
  std::optional<search::DocumentLink> nearest;
  double nearest_share = 0;                 // of the topic's word weight that article holds, 0..1
  double expected_tickets = 0;              // the ranking: contacts, plus a share of the other failures
};

struct TicketExample {
  std::string id;
  std::string subject;   // redacted, as indexed
  std::string lang;
  std::string url;       // the agent's ticket page
};

// Resolved tickets on one topic that no public article answers well.
struct TicketGap {
  std::string topic;                          // the tags they share, or their shared words
  int tickets = 0;
  std::map<std::string, int> languages;       // tickets per language
  std::vector<std::string> tags;              // tags most of them carry
  std::vector<TicketExample> examples;        // the most typical first
  std::optional<search::DocumentLink> nearest;  // the closest public article (it answers only part)
  double coverage = 0;                        // the topic's mean coverage by that article, 0..1
  double expected_tickets = 0;                // the tickets an article would have avoided
  std::string draft_path;                     // where to save the draft: "content/en/transfer-domain.md"
  std::string draft_markdown;                 // an article file (design.md format) built from the resolutions
};

// A translation customers need: missing in a language they search in (and
// were shown the article in another), or older than a change of its source.
struct TranslationGap {
  std::string kind;                             // "missing" or "outdated"
  std::string translation_key;
  std::string lang;                             // the language to write or update
  search::DocumentLink source;                  // English when there is one, else the newest
  std::string source_reviewed;
  std::optional<search::DocumentLink> translation;  // the outdated version; none when missing
  std::string translation_reviewed;
  int visits = 0;                               // demand: distinct visits in `lang`
  double expected_tickets = 0;
};

// An article to look at again, with every reason that applies: "stale"
// (`reviewed` older than review_after_days), "didnt_help" (a high or rising
// share of "no" since its last edit), "contact_after" (readers wrote to
// support soon after) and "broken_links".
struct ReviewItem {
  search::DocumentLink article;
  std::string reviewed;
  std::vector<std::string> reasons;
  int helpful = 0;                    // visits, on the current revision
  int not_helpful = 0;
  int helpful_before = 0;             // visits, on earlier revisions
  int not_helpful_before = 0;
  int contact_after = 0;              // visits that opened it and then wrote to support
  std::vector<std::string> broken_links;
  double expected_tickets = 0;
};

// Answers while typing, in distinct visits: shown, opened, "answered", and
// deflected (opened or answered, and no contact form within the outcome window).
struct FunnelStep {
  int shown = 0;
  int opened = 0;
  int answered = 0;
  int deflected = 0;
};

struct ArticleFunnel {
  search::DocumentLink article;
  FunnelStep step;
};

struct Funnel {
  std::map<std::string, FunnelStep> by_language;
  std::vector<ArticleFunnel> by_article;  // most shown first
};

// A failing-search topic the writers' triage leaves out (triage.h).
struct HiddenGap {
  std::string key;                          // TriageKey()
  std::string query;                        // its typical wording now
  stores::TriageEntry triage;               // how, when, by whom, and its visits then
  int visits = 0;                           // its visits now (not more than then)
};

struct GapReport {
  std::vector<SearchGap> searches;          // ranked, best first
  std::vector<TicketGap> tickets;           // ranked, best first
  std::vector<TranslationGap> translations; // ranked, best first
  std::vector<ReviewItem> review;           // ranked, best first
  Funnel funnel;
  std::map<std::string, int> zero_causes;   // ZeroCauseName -> searches, all of them (also unranked ones)
  int searches_seen = 0;                    // search intents looked at
  int64_t events_read = 0;                  // events of the window (LoadGapReport)
  // The period the figures count: events from `from_ms` (0: all that were
  // given, BuildGapReport) to `to_ms` (GapOptions::now_ms), `window_days`
  // long; visits, contacts and expected tickets are over all of it, trends
  // per day over its last `trend_days` days.
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int window_days = 0;
  int trend_days = 0;
  // The writers' triage (ApplyTriage, triage.h): topics left out, and the
  // keys of triaged topics shown again because they came back.
  std::vector<HiddenGap> hidden_by_triage;
  std::vector<std::string> returned_after_triage;
};

// Ticket topics depend on the index alone, and reading every ticket takes a
// while (about 4 ms a ticket), so the server keeps them for the live
// generations instead of reading the tickets on every report. Thread-safe.
class TicketGapCache {
 public:
  std::optional<std::vector<TicketGap>> Find(long public_generation, long agent_generation,
                                             const GapOptions& options) const;
  void Store(long public_generation, long agent_generation, const GapOptions& options,
             std::vector<TicketGap> gaps);

 private:
  mutable std::mutex mutex_;
  std::optional<std::tuple<long, long, double, int>> key_;  // guarded by mutex_
  std::vector<TicketGap> gaps_;                             // guarded by mutex_
};

// Never throws; kIndexUnavailable when the index cannot be read. `index` is
// the public index; with `agent_index` (which holds the resolved tickets) the
// report has ticket topics too, taken from `ticket_cache` when it has them.
Result<GapReport> BuildGapReport(const std::vector<stores::StoredEvent>& events, search::Index& index,
                                 const GapOptions& options, search::Index* agent_index = nullptr,
                                 TicketGapCache* ticket_cache = nullptr);

// The report over the events of options.window_days, read with SQL from the
// read-only log (never all events, never a writer): what /api/gaps, /gaps
// and `helpdex gaps` all call. At most kMaxReportEvents events are read
// (from the window's oldest on; GapReport::events_read says how many): a
// bound on memory whatever the server keeps.
inline constexpr size_t kMaxReportEvents = 2000000;
Result<GapReport> LoadGapReport(const stores::EventLog& events, search::Index& index, const GapOptions& options,
                                search::Index* agent_index = nullptr, TicketGapCache* ticket_cache = nullptr);

}  // namespace helpdex::analytics

// RunGapsEvaluation(): make gaps whose truth is known, by leaving a share of
// the documents that judged queries point to out of the index, replay the
// queries as the searches of several visits, and score the gap report built
// from those events (server/gaps.h) against the queries that lost their answers.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "dataset.h"
#include "engine.h"
#include "helpdex/eval/eval.h"
#include "helpdex/search/analysis.h"
#include "helpdex/stores/events.h"
#include "helpdex/analytics/gaps.h"

namespace helpdex::eval {
namespace {

namespace fs = std::filesystem;
using stores::Event;
using stores::EventType;
using stores::StoredEvent;

// The replayed visits start at a fixed time, so that a run is the same every
// day; each visit starts this long after the previous one.
constexpr int64_t kReplayStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kVisitSpacingMs = 5 * 60 * 1000;
constexpr int64_t kClickAfterMs = 20 * 1000;
constexpr int64_t kContactAfterMs = 60 * 1000;
// Enough for every group of the largest set: recall looks at all of them.
constexpr size_t kAllGroups = 100000;

// 0.2 as "0.2", not "0.200000".
std::string ShareText(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", share);
  return text;
}

std::optional<Error> CheckOptions(const GapsOptions& options) {
  if (!std::isfinite(options.remove) || options.remove <= 0 || options.remove >= 1) {
    return Error{ErrorCode::kInvalidInput,
                 "must be a share between 0 and 1, both excluded (got " + ShareText(options.remove) + ")",
                 "--remove"};
  }
  const fs::path queries = fs::path(options.dataset_dir) / kQueriesFile;
  std::error_code ec;
  if (fs::is_directory(options.dataset_dir, ec) && !fs::exists(queries, ec)) {
    return Error{ErrorCode::kInvalidInput, "no queries: the gap evaluation replays the data set's judged queries",
                 queries.string()};
  }
  return std::nullopt;
}

bool IsRelevant(int grade) { return grade > 0; }

// The documents of the data set that some judged query points to, sorted.
std::vector<std::string> PointedToDocuments(const Dataset& dataset) {
  std::set<std::string> existing;
  for (const EvalDocument& document : dataset.documents) existing.insert(document.id);
  std::set<std::string> pointed;
  for (const JudgedQuery& query : dataset.queries) {
    for (const auto& [doc_id, grade] : query.judgments) {
      if (IsRelevant(grade) && existing.count(doc_id) > 0) pointed.insert(doc_id);
    }
  }
  return {pointed.begin(), pointed.end()};
}

// About round(share × n) of the documents queries point to (at least one),
// removed a whole answer at a time: the queries, in a seeded Fisher-Yates
// order, each take all their relevant documents out until the share is
// reached. A help centre lacks an answer, not one of the five copies of it
// (a Stack Exchange thread's answers, SemEval's relevant comments), so
// removing single documents would leave almost every query answered.
// mt19937_64's output is fixed by the standard, and the modulo is ours, so
// the same seed removes the same documents with any standard library.
std::set<std::string> ChooseRemoved(const Dataset& dataset, const std::vector<std::string>& candidates, double share,
                                    uint64_t seed) {
  if (candidates.empty()) return {};
  const size_t count = std::clamp<size_t>(static_cast<size_t>(std::llround(share * candidates.size())), 1,
                                          candidates.size());
  const std::set<std::string> pointed(candidates.begin(), candidates.end());
  std::vector<const JudgedQuery*> order;
  for (const JudgedQuery& query : dataset.queries) order.push_back(&query);
  std::mt19937_64 random(seed);
  std::set<std::string> removed;
  for (size_t i = 0; i < order.size() && removed.size() < count; ++i) {
    const size_t pick = i + static_cast<size_t>(random() % (order.size() - i));
    std::swap(order[i], order[pick]);
    for (const auto& [doc_id, grade] : order[i]->judgments) {
      if (IsRelevant(grade) && pointed.count(doc_id) > 0) removed.insert(doc_id);
    }
  }
  return removed;
}

// A query is about removed documents when every relevant document it has was removed.
bool IsAboutRemoved(const JudgedQuery& query, const std::set<std::string>& removed) {
  for (const auto& [doc_id, grade] : query.judgments) {
    if (IsRelevant(grade) && removed.count(doc_id) == 0) return false;
  }
  return true;
}

// What one search showed: the first page, and the first relevant document on it.
struct SearchOutcome {
  int64_t total = 0;
  std::vector<std::string> shown;
  std::optional<std::string> clicked;
};

Result<SearchOutcome> SearchOnce(search::Searcher& searcher, const JudgedQuery& query) {
  Result<search::SearchResponse> response = searcher.Search({.query = query.text,
                                                              .query_language = ParseLanguage(query.lang),
                                                              .page_size = static_cast<int>(kGapShownResults)});
  if (!response.ok()) {
    Error error = response.error();
    error.message = "search failed on query " + query.id + ": " + error.message;
    return error;
  }
  SearchOutcome outcome{.total = static_cast<int64_t>(response->total)};
  for (const search::SearchResult& result : response->results) {
    outcome.shown.push_back(result.id);
    auto judged = query.judgments.find(result.id);
    if (!outcome.clicked && judged != query.judgments.end() && IsRelevant(judged->second)) outcome.clicked = result.id;
  }
  return outcome;
}

// Appends the events of kGapVisitsPerQuery visits that each searched `query`
// and saw `outcome`: a click on the relevant result, or a message to support.
void AppendVisits(size_t query_index, const JudgedQuery& query, const SearchOutcome& outcome,
                  std::vector<stores::StoredEvent>& events) {
  for (int visit = 0; visit < kGapVisitsPerQuery; ++visit) {
    const int64_t start_ms =
        kReplayStartMs + static_cast<int64_t>(query_index * kGapVisitsPerQuery + visit) * kVisitSpacingMs;
    const std::string visit_id = "replay-" + std::to_string(query_index) + "-" + std::to_string(visit);
    auto append = [&](stores::Event event) {
      event.visit = visit_id;
      event.query = query.text;
      event.language = query.lang;
      events.push_back({static_cast<int64_t>(events.size()) + 1, std::move(event)});
    };
    append({.type = stores::EventType::kSearch, .shown = outcome.shown, .results = outcome.total, .at_ms = start_ms});
    if (outcome.clicked) {
      append({.type = stores::EventType::kResultClicked, .article = *outcome.clicked, .at_ms = start_ms + kClickAfterMs});
    } else {
      append({.type = stores::EventType::kContactSubmitted, .at_ms = start_ms + kContactAfterMs});
    }
  }
}

// The queries of each wording, as the report collapses it.
using QueriesByWording = std::map<std::string, std::vector<size_t>>;

QueriesByWording IndexWordings(const std::vector<JudgedQuery>& queries) {
  QueriesByWording by_wording;
  for (size_t i = 0; i < queries.size(); ++i) by_wording[search::CollapseWhitespace(queries[i].text)].push_back(i);
  return by_wording;
}

std::set<size_t> QueriesOf(const analytics::SearchGap& gap, const QueriesByWording& by_wording) {
  std::set<size_t> queries;
  for (const std::string& wording : gap.wordings) {
    auto found = by_wording.find(wording);
    if (found != by_wording.end()) queries.insert(found->second.begin(), found->second.end());
  }
  return queries;
}

// When fewer queries are about removed documents than the report's top
// groups, precision@20 has a ceiling below 1 that no ranking can pass: say so.
void NoteTheCeiling(GapsReport& report) {
  const int top = std::min(static_cast<int>(kGapPrecisionDepth), report.groups);
  if (top == 0 || report.queries_about_removed >= top) return;
  report.notes.push_back("queries about removed documents: only " + std::to_string(report.queries_about_removed) +
                         " (a query with several relevant documents keeps its answer unless all of them are "
                         "removed), so precision@20 cannot exceed " +
                         std::to_string(report.queries_about_removed) + "/" + std::to_string(top));
}

void Score(const analytics::GapReport& gap_report, const std::vector<JudgedQuery>& queries,
           const std::vector<bool>& about_removed, GapsReport& report) {
  const QueriesByWording by_wording = IndexWordings(queries);
  report.groups = static_cast<int>(gap_report.searches.size());
  std::set<size_t> in_some_group;
  int mostly_removed = 0;
  const size_t top = std::min(kGapPrecisionDepth, gap_report.searches.size());
  for (size_t rank = 0; rank < gap_report.searches.size(); ++rank) {
    const std::set<size_t> members = QueriesOf(gap_report.searches[rank], by_wording);
    in_some_group.insert(members.begin(), members.end());
    if (rank >= top) continue;
    const auto removed = std::count_if(members.begin(), members.end(), [&](size_t i) { return about_removed[i]; });
    mostly_removed += 2 * removed > static_cast<long>(members.size());
  }
  report.precision_at_20 = top == 0 ? 0 : static_cast<double>(mostly_removed) / static_cast<double>(top);

  std::map<std::string, int> found_by_language;
  int found = 0;
  for (size_t i = 0; i < queries.size(); ++i) {
    if (!about_removed[i]) continue;
    const bool grouped = in_some_group.count(i) > 0;
    found += grouped;
    found_by_language[queries[i].lang] += grouped;
    ++report.by_language[queries[i].lang].queries_about_removed;
  }
  report.recall = report.queries_about_removed == 0 ? 0 : static_cast<double>(found) / report.queries_about_removed;
  for (auto& [lang, figures] : report.by_language) {
    figures.recall = static_cast<double>(found_by_language[lang]) / figures.queries_about_removed;
  }
}

Result<GapsReport> Run(const GapsOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (std::optional<Error> invalid = CheckOptions(options)) return *invalid;
  Result<Dataset> dataset = ReadDataset(options.dataset_dir);
  if (!dataset.ok()) {
    Error error = dataset.error();
    if (error.where.empty()) error.where = (fs::path(options.dataset_dir) / kQueriesFile).string();
    return error;
  }
  GapsReport report{.dataset = dataset->name,
                    .documents = static_cast<int>(dataset->documents.size()),
                    .queries = static_cast<int>(dataset->queries.size()),
                    .remove = options.remove,
                    .seed = options.seed,
                    .notes = dataset->notes};

  const std::set<std::string> removed = ChooseRemoved(*dataset, PointedToDocuments(*dataset), options.remove, options.seed);
  report.documents_removed = static_cast<int>(removed.size());
  std::vector<bool> about_removed;
  for (const JudgedQuery& query : dataset->queries) about_removed.push_back(IsAboutRemoved(query, removed));
  report.queries_about_removed = static_cast<int>(std::count(about_removed.begin(), about_removed.end(), true));

  Result<std::unique_ptr<IndexEngine>> engine = StartHelpdexIndexEngine(*dataset, removed, report.notes);
  if (!engine.ok()) return engine.error();
  report.index_seconds = (*engine)->index_seconds();
  Result<std::shared_ptr<search::Searcher>> searcher = (*engine)->index().AcquireSearcher();
  if (!searcher.ok()) return searcher.error();

  std::vector<stores::StoredEvent> events;
  int cards = 0;
  int results = 0;
  for (size_t i = 0; i < dataset->queries.size(); ++i) {
    // Every visit of a query sees the same results: one search serves them all.
    Result<SearchOutcome> outcome = SearchOnce(**searcher, dataset->queries[i]);
    if (!outcome.ok()) return outcome.error();
    AppendVisits(i, dataset->queries[i], *outcome, events);
    if (!about_removed[i]) continue;
    results += outcome->total > 0 ? 1 : 0;
    Result<search::SuggestResponse> suggested = (*searcher)->Suggest(
        {.text = dataset->queries[i].text, .language = ParseLanguage(dataset->queries[i].lang)});
    if (!suggested.ok()) return suggested.error();
    cards += suggested->answers.empty() ? 0 : 1;
  }
  if (report.queries_about_removed > 0) {
    report.cards_when_removed = static_cast<double>(cards) / report.queries_about_removed;
    report.results_when_removed = static_cast<double>(results) / report.queries_about_removed;
  }
  const int64_t now_ms = events.empty() ? kReplayStartMs : events.back().event.at_ms + kVisitSpacingMs;
  Result<analytics::GapReport> gap_report =
      analytics::BuildGapReport(events, (*engine)->index(), {.now_ms = now_ms, .max_groups = kAllGroups});
  if (!gap_report.ok()) return gap_report.error();
  Score(*gap_report, dataset->queries, about_removed, report);
  NoteTheCeiling(report);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace

Result<GapsReport> RunGapsEvaluation(const GapsOptions& options) {
  try {
    return Run(options);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("gap report evaluation failed: ") + e.what(), options.dataset_dir};
  }
}

}  // namespace helpdex::eval

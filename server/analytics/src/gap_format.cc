#include "helpdex/analytics/gap_format.h"

#include "helpdex/analytics/triage.h"
#include "helpdex/search/document.h"
#include "helpdex/stores/forwarder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

namespace helpdex::analytics {
namespace {

using nlohmann::json;

constexpr double kSparklineWidth = 100;
constexpr double kSparklineHeight = 24;
// The share of each bar's slot that is bar; the rest is the gap between bars.
constexpr double kBarFill = 0.7;

// "en=3 cs=1", in the map's (sorted) order.
std::string LanguagesCell(const std::map<std::string, int>& languages) {
  std::string text;
  for (const auto& [code, visits] : languages) {
    if (!text.empty()) text += ' ';
    text += code + "=" + std::to_string(visits);
  }
  return text;
}

// Coordinates with two decimals: enough for a pixel, and never "nan" (the
// callers pass finite numbers only).
std::string Coordinate(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

}  // namespace

std::string IsoTime(int64_t ms) { return stores::IsoUtc(ms); }

std::string CsvCell(std::string_view text) {
  std::string cell;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    cell.push_back('\'');
  }
  cell.append(text);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string DecimalText(double value) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

namespace {

// The nearest article's address, or what its absence means: the report
// names an article only when one is close (gaps.h, SearchGap::nearest).
std::string NearestCell(const std::optional<search::DocumentLink>& nearest) {
  return nearest && !nearest->url.empty() ? nearest->url : std::string("no close article");
}

json LinkToJson(const search::DocumentLink& link) {
  return {{"id", link.id}, {"title", link.title}, {"url", link.url}, {"lang", link.lang}};
}

json LinkToJson(const std::optional<search::DocumentLink>& link) {
  if (!link) return nullptr;
  return LinkToJson(*link);
}

json TranslationsToJson(const std::vector<TranslationGap>& gaps) {
  json all = json::array();
  for (const TranslationGap& gap : gaps) {
    json source = LinkToJson(gap.source);
    source["reviewed"] = gap.source_reviewed;
    json translation = LinkToJson(gap.translation);
    if (gap.translation) translation["reviewed"] = gap.translation_reviewed;
    all.push_back({{"kind", gap.kind},
                   {"translation_key", gap.translation_key},
                   {"lang", gap.lang},
                   {"source", std::move(source)},
                   {"translation", std::move(translation)},
                   {"visits", gap.visits},
                   {"expected_tickets", gap.expected_tickets}});
  }
  return all;
}

json ReviewToJson(const std::vector<ReviewItem>& items) {
  json all = json::array();
  for (const ReviewItem& item : items) {
    all.push_back({{"id", item.article.id},
                   {"title", item.article.title},
                   {"url", item.article.url},
                   {"lang", item.article.lang},
                   {"reviewed", item.reviewed},
                   {"reasons", item.reasons},
                   {"helpful", item.helpful},
                   {"not_helpful", item.not_helpful},
                   {"helpful_before", item.helpful_before},
                   {"not_helpful_before", item.not_helpful_before},
                   {"contact_after", item.contact_after},
                   {"broken_links", item.broken_links},
                   {"expected_tickets", item.expected_tickets}});
  }
  return all;
}

json StepToJson(const FunnelStep& step) {
  return {{"shown", step.shown}, {"opened", step.opened}, {"answered", step.answered}, {"deflected", step.deflected}};
}

json FunnelToJson(const Funnel& funnel) {
  json by_language = json::object();
  for (const auto& [language, step] : funnel.by_language) by_language[language] = StepToJson(step);
  json by_article = json::array();
  for (const ArticleFunnel& article : funnel.by_article) {
    json row = LinkToJson(article.article);
    row.update(StepToJson(article.step));
    by_article.push_back(std::move(row));
  }
  return {{"by_language", std::move(by_language)}, {"by_article", std::move(by_article)}};
}


// The report as JSON: /api/gaps's body, `helpdex gaps --json`.
json ReportToJson(const GapReport& report) {
  json searches = json::array();
  for (const SearchGap& gap : report.searches) {
    const json nearest = LinkToJson(gap.nearest);
    searches.push_back({{"query", gap.query},
                        {"examples", gap.examples},
                        {"visits", gap.visits},
                        {"no_results_visits", gap.no_results_visits},
                        {"not_opened_visits", gap.not_opened_visits},
                        {"contact_visits", gap.contact_visits},
                        {"languages", gap.languages},
                        {"trend", gap.trend},
                        {"nearest", nearest},
                        {"expected_tickets", gap.expected_tickets},
                        {"triage_key", TriageKey(gap)}});
  }
  json tickets = json::array();
  for (const TicketGap& gap : report.tickets) {
    json examples = json::array();
    for (const TicketExample& example : gap.examples) {
      examples.push_back({{"id", example.id}, {"subject", example.subject}, {"lang", example.lang}, {"url", example.url}});
    }
    tickets.push_back({{"topic", gap.topic},
                       {"tickets", gap.tickets},
                       {"languages", gap.languages},
                       {"tags", gap.tags},
                       {"examples", std::move(examples)},
                       {"nearest", LinkToJson(gap.nearest)},
                       {"coverage", gap.coverage},
                       {"expected_tickets", gap.expected_tickets},
                       {"draft", {{"path", gap.draft_path}, {"markdown", gap.draft_markdown}}}});
  }
  json hidden = json::array();
  for (const HiddenGap& gap : report.hidden_by_triage) {
    hidden.push_back({{"triage_key", gap.key},
                      {"query", gap.query},
                      {"state", stores::TriageStateName(gap.triage.state)},
                      {"at", IsoTime(gap.triage.at_ms)},
                      {"by", gap.triage.agent},
                      {"visits_then", gap.triage.visits},
                      {"visits", gap.visits}});
  }
  return {{"searches", std::move(searches)},
          {"tickets", std::move(tickets)},
          {"translations", TranslationsToJson(report.translations)},
          {"review", ReviewToJson(report.review)},
          {"funnel", FunnelToJson(report.funnel)},
          {"zero_causes", report.zero_causes},
          {"searches_seen", report.searches_seen},
          // Added for issue 18 (fields only ever added): what period the
          // figures count, and what the writers' triage left out.
          {"period",
           {{"from", report.from_ms > 0 ? json(IsoTime(report.from_ms)) : json(nullptr)},
            {"to", report.to_ms > 0 ? json(IsoTime(report.to_ms)) : json(nullptr)},
            {"days", report.window_days},
            {"trend_days", report.trend_days}}},
          {"triage", {{"hidden", std::move(hidden)}, {"returned", report.returned_after_triage}}}};
}

}  // namespace

std::string GapReportJson(const GapReport& report, int indent) {
  return ReportToJson(report).dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string GapSearchesCsv(const GapReport& report) {
  std::string csv =
      "query,visits,no_results_visits,not_opened_visits,contact_visits,languages,expected_tickets,nearest_url\r\n";
  for (const SearchGap& gap : report.searches) {
    csv += CsvCell(gap.query) + ',' + std::to_string(gap.visits) + ',' + std::to_string(gap.no_results_visits) + ',' +
           std::to_string(gap.not_opened_visits) + ',' + std::to_string(gap.contact_visits) + ',' +
           CsvCell(LanguagesCell(gap.languages)) + ',' + DecimalText(gap.expected_tickets) + ',' +
           CsvCell(NearestCell(gap.nearest)) + "\r\n";
  }
  return csv;
}

std::string SparklineSvg(const std::vector<int>& values, std::string_view description) {
  std::string label(description);
  for (size_t i = 0; i < values.size(); ++i) label += (i == 0 ? ": " : ", ") + std::to_string(values[i]);
  const std::string escaped = search::EscapeHtml(label);
  const int largest = values.empty() ? 0 : std::max(0, *std::max_element(values.begin(), values.end()));
  const double slot = values.empty() ? kSparklineWidth : kSparklineWidth / static_cast<double>(values.size());

  std::string svg = "<svg class=\"sparkline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"24\" "
                    "viewBox=\"0 0 100 24\" role=\"img\" aria-label=\"" + escaped + "\"><title>" + escaped +
                    "</title><line class=\"sparkline__base\" x1=\"0\" y1=\"23.5\" x2=\"100\" y2=\"23.5\"/>";
  for (size_t i = 0; i < values.size(); ++i) {
    // A zero keeps its slot as an empty bar, so that days line up.
    double height = largest > 0 ? kSparklineHeight * std::max(0, values[i]) / largest : 0.0;
    svg += "<rect class=\"sparkline__bar\" x=\"" + Coordinate(slot * static_cast<double>(i)) + "\" y=\"" +
           Coordinate(kSparklineHeight - height) + "\" width=\"" + Coordinate(slot * kBarFill) + "\" height=\"" +
           Coordinate(height) + "\"/>";
  }
  return svg + "</svg>";
}

}  // namespace helpdex::analytics

// File: gap_format.h
// The gap report (gaps.h) rendered from its structs: as JSON (`GET /api/gaps`,
// `helpdex gaps --json`), the searches table as CSV for spreadsheets
// (`GET /api/gaps?format=csv`, `helpdex gaps --csv`) and the daily trends as
// small inline SVG bar charts (the `/gaps` page, which reads the structs too).
//
//   std::string json = GapReportJson(report);
//   std::string csv = GapSearchesCsv(report);
//   std::string svg = SparklineSvg({0, 1, 3}, "Visits per day over 3 days");
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpdex/analytics/gaps.h"

namespace helpdex::analytics {

// {"searches": [...], "tickets": [...], "translations": [...], "review": [...],
// "funnel": {...}, "zero_causes": {...}, "searches_seen": n}; `indent` as
// nlohmann's dump (-1: one line). Invalid UTF-8 is replaced, never thrown.
std::string GapReportJson(const GapReport& report, int indent = -1);

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
// break. A field that a spreadsheet would read as a formula (it starts with
// = + - @, a tab or a carriage return) gets a leading ' first: search queries
// are typed by anyone.
std::string CsvCell(std::string_view text);

// The report's searches, one CRLF-terminated row each after a header row:
// query, visits, no_results_visits, not_opened_visits, contact_visits,
// languages ("en=3 cs=1"), expected_tickets, nearest_url ("no close article"
// when the report names none: no article is close to what was asked).
std::string GapSearchesCsv(const GapReport& report);

// A number for people: at most two decimals, no trailing zeros ("2.5", "5").
std::string DecimalText(double value);

// "2026-12-03T14:05:00Z": milliseconds since the epoch as ISO 8601, UTC.
std::string IsoTime(int64_t ms);

// A bar chart of `values` (one bar each, oldest first), 100 x 24 px, bars
// scaled to the largest value (negative values count as 0; all zeros draw
// empty bars). `description` ("Visits per day over 14 days") becomes, with
// the values after it, the chart's <title> and aria-label, XML-escaped.
std::string SparklineSvg(const std::vector<int>& values, std::string_view description);

}  // namespace helpdex::analytics

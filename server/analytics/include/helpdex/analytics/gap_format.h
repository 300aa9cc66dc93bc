// File: gap_format.h
// The gap report (gaps.h) in other shapes than its JSON: the searches table as
// CSV for spreadsheets (`GET /api/gaps?format=csv`, `helpdex gaps --csv`) and
// the daily trends as small inline SVG bar charts (the `/gaps` page). Both
// read the report's JSON, not its structs, so that sections the report gains
// later cannot break them; a missing or mistyped key reads as empty.
//
//   std::string csv = GapSearchesCsv(GapReportToJson(report));
//   std::string svg = SparklineSvg({0, 1, 3}, "Visits per day over 3 days");
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace helpdex::analytics {

// The member `key` of a report object, or null when `object` is not an
// object or has no such key: how every reader of the report's JSON (the CSV,
// the /gaps page) looks a key up, so that a missing part reads as empty.
const nlohmann::json& ReportMember(const nlohmann::json& object, const char* key);

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
// break. A field that a spreadsheet would read as a formula (it starts with
// = + - @, a tab or a carriage return) gets a leading ' first: search queries
// are typed by anyone.
std::string CsvCell(std::string_view text);

// The report's searches, one CRLF-terminated row each after a header row:
// query, visits, no_results_visits, not_opened_visits, contact_visits,
// languages ("en=3 cs=1"), expected_tickets, nearest_url ("no close article"
// when the report names none: no article is close to what was asked).
std::string GapSearchesCsv(const nlohmann::json& report);

// A number for people: at most two decimals, no trailing zeros ("2.5", "5").
std::string DecimalText(double value);

// A bar chart of `values` (one bar each, oldest first), 100 x 24 px, bars
// scaled to the largest value (negative values count as 0; all zeros draw
// empty bars). `description` ("Visits per day over 14 days") becomes, with
// the values after it, the chart's <title> and aria-label, XML-escaped.
std::string SparklineSvg(const std::vector<int>& values, std::string_view description);

}  // namespace helpdex::analytics

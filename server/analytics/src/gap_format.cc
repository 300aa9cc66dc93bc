#include "helpdex/analytics/gap_format.h"

#include "helpdex/search/document.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace helpdex::analytics {
namespace {

using nlohmann::json;

constexpr double kSparklineWidth = 100;
constexpr double kSparklineHeight = 24;
// The share of each bar's slot that is bar; the rest is the gap between bars.
constexpr double kBarFill = 0.7;

std::string StringOf(const json& value) { return value.is_string() ? value.get<std::string>() : std::string(); }

std::string NumberOf(const json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) return DecimalText(value.get<double>());
  return "0";
}

// "en=3 cs=1", in the object's (sorted) order.
std::string LanguagesCell(const json& languages) {
  std::string text;
  if (!languages.is_object()) return text;
  for (const auto& [code, visits] : languages.items()) {
    if (!text.empty()) text += ' ';
    text += code + "=" + NumberOf(visits);
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

const json& ReportMember(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

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
std::string NearestCell(const json& nearest) {
  const std::string url = StringOf(ReportMember(nearest, "url"));
  return url.empty() ? std::string("no close article") : url;
}

}  // namespace

std::string GapSearchesCsv(const json& report) {
  std::string csv =
      "query,visits,no_results_visits,not_opened_visits,contact_visits,languages,expected_tickets,nearest_url\r\n";
  const json& searches = ReportMember(report, "searches");
  if (!searches.is_array()) return csv;
  for (const json& gap : searches) {
    csv += CsvCell(StringOf(ReportMember(gap, "query"))) + ',' + NumberOf(ReportMember(gap, "visits")) + ',' +
           NumberOf(ReportMember(gap, "no_results_visits")) + ',' + NumberOf(ReportMember(gap, "not_opened_visits")) + ',' +
           NumberOf(ReportMember(gap, "contact_visits")) + ',' + CsvCell(LanguagesCell(ReportMember(gap, "languages"))) + ',' +
           NumberOf(ReportMember(gap, "expected_tickets")) + ',' +
           CsvCell(NearestCell(ReportMember(gap, "nearest"))) + "\r\n";
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

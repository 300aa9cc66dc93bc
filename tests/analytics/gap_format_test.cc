// Unit tests for gap_format.h: the JSON view, the CSV writer (quoting, formula injection) and the trend sparkline SVG (bars, scaling, zeros, escaping).
#include "helpdex/analytics/gap_format.h"

#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace helpdex::analytics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The height="..." of each bar, in order.
std::vector<double> BarHeights(const std::string& svg) {
  std::vector<double> heights;
  std::regex bar("<rect class=\"sparkline__bar\"[^>]* height=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it) {
    heights.push_back(std::stod((*it)[1].str()));
  }
  return heights;
}

TEST(CsvCellTest, PlainTextStaysAsItIs) {
  EXPECT_EQ(CsvCell("reset password"), "reset password");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("přihlášení"), "přihlášení");
}

TEST(CsvCellTest, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell("cr\rhere"), "\"cr\rhere\"");
}

TEST(CsvCellTest, FormulaStartsAreNeutralised) {
  EXPECT_EQ(CsvCell("=1+1"), "'=1+1");
  EXPECT_EQ(CsvCell("+31 555"), "'+31 555");
  EXPECT_EQ(CsvCell("-2"), "'-2");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tcmd"), "'\tcmd");
  // Quoting applies to the neutralised text as a whole.
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  // Only the first character matters.
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

TEST(DecimalTextTest, AtMostTwoDecimalsWithoutTrailingZeros) {
  EXPECT_EQ(DecimalText(2.5), "2.5");
  EXPECT_EQ(DecimalText(5), "5");
  EXPECT_EQ(DecimalText(1.0 / 3), "0.33");
  EXPECT_EQ(DecimalText(0), "0");
  EXPECT_EQ(DecimalText(std::nan("")), "0");
}

TEST(GapSearchesCsvTest, HeaderThenOneRowPerSearch) {
  GapReport report;
  SearchGap first{.query = "zanzibar, voucher",
                  .visits = 3,
                  .no_results_visits = 2,
                  .not_opened_visits = 1,
                  .contact_visits = 1,
                  .languages = {{"en", 2}, {"cs", 1}},
                  .nearest = search::DocumentLink{.id = "x", .title = "X", .url = "/articles/x?lang=en", .lang = "en"},
                  .expected_tickets = 2.5};
  SearchGap second{.query = "=cmd|' /C calc'!A0", .visits = 4};
  report.searches = {first, second};
  EXPECT_EQ(GapSearchesCsv(report),
            "query,visits,no_results_visits,not_opened_visits,contact_visits,languages,expected_tickets,nearest_url\r\n"
            "\"zanzibar, voucher\",3,2,1,1,cs=1 en=2,2.5,/articles/x?lang=en\r\n"
            "'=cmd|' /C calc'!A0,4,0,0,0,,0,no close article\r\n");
}

TEST(GapSearchesCsvTest, AReportWithoutSearchesIsTheHeaderOnly) {
  const std::string header =
      "query,visits,no_results_visits,not_opened_visits,contact_visits,languages,expected_tickets,nearest_url\r\n";
  EXPECT_EQ(GapSearchesCsv(GapReport{}), header);
}

TEST(GapReportJsonTest, TheJsonViewHasEverySectionAndNullForNoCloseArticle) {
  GapReport report;
  report.searches.push_back(SearchGap{.query = "vpn", .visits = 3});
  report.searches_seen = 7;
  const nlohmann::json json = nlohmann::json::parse(GapReportJson(report));
  for (const char* key : {"searches", "tickets", "translations", "review", "funnel", "zero_causes", "searches_seen"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["searches"][0]["query"], "vpn");
  EXPECT_TRUE(json["searches"][0]["nearest"].is_null());
  EXPECT_FALSE(json["searches"][0].contains("wordings"));
  EXPECT_EQ(json["searches_seen"], 7);
}

TEST(SparklineSvgTest, OneBarPerValueScaledToTheLargest) {
  std::string svg = SparklineSvg({0, 1, 3, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0, 12}, "Visits per day over 14 days");
  std::vector<double> heights = BarHeights(svg);
  ASSERT_EQ(heights.size(), 14u);
  EXPECT_DOUBLE_EQ(heights[13], 24);
  EXPECT_DOUBLE_EQ(heights[4], 12);
  EXPECT_DOUBLE_EQ(heights[1], 2);
  EXPECT_DOUBLE_EQ(heights[0], 0);
  EXPECT_THAT(svg, HasSubstr("width=\"100\" height=\"24\""));
  EXPECT_THAT(svg, HasSubstr("role=\"img\""));
}

TEST(SparklineSvgTest, TitleAndLabelListTheValues) {
  std::string svg = SparklineSvg({0, 1, 3}, "Visits per day over 3 days");
  EXPECT_THAT(svg, HasSubstr("aria-label=\"Visits per day over 3 days: 0, 1, 3\""));
  EXPECT_THAT(svg, HasSubstr("<title>Visits per day over 3 days: 0, 1, 3</title>"));
}

TEST(SparklineSvgTest, AllZerosDrawEmptyBarsAndNoNaN) {
  std::string svg = SparklineSvg(std::vector<int>(14, 0), "d");
  std::vector<double> heights = BarHeights(svg);
  ASSERT_EQ(heights.size(), 14u);
  for (double height : heights) EXPECT_EQ(height, 0);
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, Not(HasSubstr("inf")));
}

TEST(SparklineSvgTest, EmptyAndNegativeSeriesAreSafe) {
  std::string empty = SparklineSvg({}, "d");
  EXPECT_TRUE(BarHeights(empty).empty());
  EXPECT_THAT(empty, Not(HasSubstr("nan")));
  std::vector<double> heights = BarHeights(SparklineSvg({-5, 2}, "d"));
  ASSERT_EQ(heights.size(), 2u);
  EXPECT_EQ(heights[0], 0);
  EXPECT_EQ(heights[1], 24);
}

TEST(SparklineSvgTest, TheDescriptionIsEscaped) {
  std::string svg = SparklineSvg({1}, "<script>alert(\"x\")</script> & 'q'");
  EXPECT_THAT(svg, Not(HasSubstr("<script>")));
  EXPECT_THAT(svg, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;: 1"));
}

}  // namespace
}  // namespace helpdex::analytics

// Unit tests for helpdex/search/dates.h: long dates in the six languages.
#include "helpdex/search/dates.h"

#include <gtest/gtest.h>

namespace helpdex {
namespace {

TEST(FormatDateTest, WritesTheLongDateOfEachLanguage) {
  EXPECT_EQ(FormatDate(Language::kEnglish, "2026-12-03"), "3 December 2026");
  EXPECT_EQ(FormatDate(Language::kNorwegian, "2026-12-03"), "3. desember 2026");
  EXPECT_EQ(FormatDate(Language::kTurkish, "2026-12-03"), "3 Aralık 2026");
  EXPECT_EQ(FormatDate(Language::kCzech, "2026-12-03"), "3. prosince 2026");
  EXPECT_EQ(FormatDate(Language::kRussian, "2026-12-03"), "3 декабря 2026\u202Fг.");  // ICU: a narrow no-break space
  EXPECT_EQ(FormatDate(Language::kGreek, "2026-12-03"), "3 Δεκεμβρίου 2026");
}

TEST(FormatDateTest, TheDayIsTheOneWrittenAtTheEdgesOfTheYear) {
  EXPECT_EQ(FormatDate(Language::kEnglish, "2026-01-01"), "1 January 2026");
  EXPECT_EQ(FormatDate(Language::kEnglish, "2026-12-31"), "31 December 2026");
  EXPECT_EQ(FormatDate(Language::kEnglish, "2024-02-29"), "29 February 2024");
}

TEST(FormatDateTest, TakesTheDateOfAnIsoTime) {
  EXPECT_EQ(FormatDate(Language::kGreek, "2026-08-06T23:59:00Z"), "6 Αυγούστου 2026");
}

TEST(FormatDateTest, TextThatIsNotADateIsKept) {
  EXPECT_EQ(FormatDate(Language::kEnglish, ""), "");
  EXPECT_EQ(FormatDate(Language::kEnglish, "2026-02-30"), "2026-02-30");
  EXPECT_EQ(FormatDate(Language::kEnglish, "2026-13-01"), "2026-13-01");
  EXPECT_EQ(FormatDate(Language::kEnglish, "soon"), "soon");
  EXPECT_EQ(FormatDate(Language::kEnglish, "2026-12-03 10:00"), "2026-12-03 10:00");
}

}  // namespace
}  // namespace helpdex

// Unit tests for helpdex/search/dates.h: long dates and readable dates in the six languages.
#include "helpdex/search/dates.h"

#include <gtest/gtest.h>

namespace helpdex::search {
namespace {

TEST(LongDateTest, WritesTheLongDateOfEachLanguage) {
  EXPECT_EQ(LongDate("2026-12-03", Language::kEnglish), "3 December 2026");
  EXPECT_EQ(LongDate("2026-12-03", Language::kNorwegian), "3. desember 2026");
  EXPECT_EQ(LongDate("2026-12-03", Language::kTurkish), "3 Aralık 2026");
  EXPECT_EQ(LongDate("2026-12-03", Language::kCzech), "3. prosince 2026");
  EXPECT_EQ(LongDate("2026-12-03", Language::kRussian), "3 декабря 2026\u202Fг.");  // ICU: a narrow no-break space
  EXPECT_EQ(LongDate("2026-12-03", Language::kGreek), "3 Δεκεμβρίου 2026");
}

TEST(LongDateTest, TheDayIsTheOneWrittenAtTheEdgesOfTheYear) {
  EXPECT_EQ(LongDate("2026-01-01", Language::kEnglish), "1 January 2026");
  EXPECT_EQ(LongDate("2026-12-31", Language::kEnglish), "31 December 2026");
  EXPECT_EQ(LongDate("2024-02-29", Language::kEnglish), "29 February 2024");
}

TEST(LongDateTest, TakesTheDateOfAnIsoTime) {
  EXPECT_EQ(LongDate("2026-08-06T23:59:00Z", Language::kGreek), "6 Αυγούστου 2026");
}

TEST(LongDateTest, TextThatIsNotADateIsKept) {
  EXPECT_EQ(LongDate("", Language::kEnglish), "");
  EXPECT_EQ(LongDate("2026-02-30", Language::kEnglish), "2026-02-30");
  EXPECT_EQ(LongDate("2026-13-01", Language::kEnglish), "2026-13-01");
  EXPECT_EQ(LongDate("soon", Language::kEnglish), "soon");
  EXPECT_EQ(LongDate("2026-12-03 10:00", Language::kEnglish), "2026-12-03 10:00");
}

TEST(ReadableDateTest, EnglishDayMonthYearAndTime) {
  EXPECT_EQ(ReadableDate("2026-12-03T14:05:00Z", Language::kEnglish), "3 Dec 2026, 14:05");
  EXPECT_EQ(ReadableDate("2026-12-03", Language::kEnglish), "3 Dec 2026");
  // Another offset is shown in UTC: the same instant as above.
  EXPECT_EQ(ReadableDate("2026-12-03T15:05:00+01:00", Language::kEnglish), "3 Dec 2026, 14:05");
  EXPECT_EQ(ReadableDate("2026-12-03T14:05:09.123Z", Language::kEnglish), "3 Dec 2026, 14:05");
}

TEST(ReadableDateTest, EachLanguageWritesDatesItsOwnWay) {
  for (Language language : kAllLanguages) {
    const std::string date = ReadableDate("2026-12-03T14:05:00Z", language);
    EXPECT_NE(date.find("2026"), std::string::npos) << date;
    EXPECT_NE(date.find("14:05"), std::string::npos) << date;
    EXPECT_NE(date, "2026-12-03T14:05:00Z");
  }
  EXPECT_EQ(ReadableDate("2026-12-03T14:05:00Z", Language::kNorwegian), "3. des. 2026, 14:05");
  EXPECT_EQ(ReadableDate("2026-12-03T14:05:00Z", Language::kRussian), "3 дек. 2026\u202Fг., 14:05");  // ICU puts a narrow no-break space before "г."
  EXPECT_EQ(ReadableDate("2026-12-03T14:05:00Z", Language::kTurkish), "3 Ara 2026 14:05");
  EXPECT_EQ(ReadableDate("2026-12-03T14:05:00Z", Language::kGreek), "3 Δεκ 2026, 14:05");
  EXPECT_EQ(ReadableDate("2026-12-03T14:05:00Z", Language::kCzech), "3. 12. 2026 14:05");  // Czech writes months as numbers
}

TEST(ReadableDateTest, TextThatIsNotADateComesBackUnchanged) {
  for (const char* text : {"", "yesterday", "2026-13-01", "2026-12-03T25:00", "2026-12-03Tjunk", "<b>"}) {
    EXPECT_EQ(ReadableDate(text, Language::kEnglish), text);
  }
}

}  // namespace
}  // namespace helpdex::search

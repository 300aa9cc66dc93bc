// readable_date.h: dates on the agent pages and the gap report as people
// read them, in each interface language (ICU's patterns, the time in UTC).
#include "helpdex/search/readable_date.h"

#include <gtest/gtest.h>

namespace helpdex::search {
namespace {

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

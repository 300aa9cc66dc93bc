// FormatDate: ICU's long date in the page's locale.
#include "helpdex/search/dates.h"

#include <unicode/datefmt.h>
#include <unicode/gregocal.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <array>
#include <memory>
#include <optional>

namespace helpdex {
namespace {

struct Ymd {
  int year, month, day;
};

// "2026-12-03" or "2026-12-03T..." -> {2026, 12, 3}; digits only, no range check
// (the calendar, strict, does that).
std::optional<Ymd> ParseIsoDate(std::string_view iso) {
  if (iso.size() < 10 || (iso.size() > 10 && iso[10] != 'T') || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  auto number = [&](size_t from, size_t length) -> std::optional<int> {
    int value = 0;
    for (size_t i = from; i < from + length; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return std::nullopt;
      value = value * 10 + (iso[i] - '0');
    }
    return value;
  };
  std::optional<int> year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (!year || !month || !day) return std::nullopt;
  return Ymd{*year, *month, *day};
}

// en is written in British order ("3 December 2026"), as the help centre's
// English is; the others in their country's usual form.
icu::Locale LocaleFor(Language language) {
  switch (language) {
    case Language::kEnglish: return icu::Locale("en", "GB");
    case Language::kNorwegian: return icu::Locale("nb", "NO");
    case Language::kTurkish: return icu::Locale("tr", "TR");
    case Language::kCzech: return icu::Locale("cs", "CZ");
    case Language::kRussian: return icu::Locale("ru", "RU");
    case Language::kGreek: return icu::Locale("el", "GR");
  }
  return icu::Locale("en", "GB");
}

// One formatter per language and thread: making one loads locale data (about
// a millisecond), and an ICU DateFormat must not be shared between threads.
icu::DateFormat* FormatterFor(Language language) {
  thread_local std::array<std::unique_ptr<icu::DateFormat>, kAllLanguages.size()> formatters;
  std::unique_ptr<icu::DateFormat>& formatter = formatters[static_cast<size_t>(language)];
  if (!formatter) {
    formatter.reset(icu::DateFormat::createDateInstance(icu::DateFormat::kLong, LocaleFor(language)));
    // The date is a calendar day, not an instant: format it in UTC, where it was made.
    if (formatter) formatter->setTimeZone(*icu::TimeZone::getGMT());
  }
  return formatter.get();
}

}  // namespace

std::string FormatDate(Language language, std::string_view iso) {
  const std::optional<Ymd> date = ParseIsoDate(iso);
  icu::DateFormat* formatter = FormatterFor(language);
  if (!date || formatter == nullptr) return std::string(iso);
  UErrorCode status = U_ZERO_ERROR;
  icu::GregorianCalendar calendar(*icu::TimeZone::getGMT(), status);
  calendar.setLenient(false);  // 2026-02-30 is an error, not 2 March
  calendar.clear();
  calendar.set(date->year, date->month - 1, date->day);
  const UDate when = calendar.getTime(status);
  if (U_FAILURE(status)) return std::string(iso);
  icu::UnicodeString formatted;
  formatter->format(when, formatted);
  std::string utf8;
  formatted.toUTF8String(utf8);
  return utf8;
}

}  // namespace helpdex

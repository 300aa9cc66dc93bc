// LongDate and ReadableDate: ICU's localised date patterns (dates.h).
#include "helpdex/search/dates.h"

#include <unicode/datefmt.h>
#include <unicode/dtptngen.h>
#include <unicode/gregocal.h>
#include <unicode/locid.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <array>
#include <charconv>
#include <ctime>
#include <memory>
#include <optional>

namespace helpdex::search {
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

// ReadableDate's reading of an ISO 8601 date or date-time, with its offset.
struct ParsedDate {
  std::tm fields{};
  int offset_minutes = 0;  // east of UTC
  bool has_time = false;
};

bool Digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  const char* begin = text.data() + pos;
  auto [end, error] = std::from_chars(begin, begin + count, out);
  return error == std::errc() && end == begin + count;
}

std::optional<ParsedDate> ParseIso(std::string_view iso) {
  ParsedDate date;
  int year = 0, month = 0, day = 0;
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-' || !Digits(iso, 0, 4, year) || !Digits(iso, 5, 2, month) ||
      !Digits(iso, 8, 2, day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  date.fields.tm_year = year - 1900;
  date.fields.tm_mon = month - 1;
  date.fields.tm_mday = day;
  if (iso.size() == 10) return date;
  int hour = 0, minute = 0, second = 0;
  if ((iso[10] != 'T' && iso[10] != ' ') || iso.size() < 16 || iso[13] != ':' || !Digits(iso, 11, 2, hour) ||
      !Digits(iso, 14, 2, minute) || hour > 23 || minute > 59) {
    return std::nullopt;
  }
  size_t pos = 16;
  if (pos + 3 <= iso.size() && iso[pos] == ':' && Digits(iso, pos + 1, 2, second)) pos += 3;
  if (pos < iso.size() && iso[pos] == '.') {  // fractions of a second are not shown
    ++pos;
    while (pos < iso.size() && iso[pos] >= '0' && iso[pos] <= '9') ++pos;
  }
  if (pos < iso.size()) {
    int offset_hours = 0, offset_minutes = 0;
    if (iso.substr(pos) == "Z") {
      // UTC
    } else if ((iso[pos] == '+' || iso[pos] == '-') && iso.size() == pos + 6 && iso[pos + 3] == ':' &&
               Digits(iso, pos + 1, 2, offset_hours) && Digits(iso, pos + 4, 2, offset_minutes)) {
      date.offset_minutes = (iso[pos] == '-' ? -1 : 1) * (offset_hours * 60 + offset_minutes);
    } else {
      return std::nullopt;
    }
  }
  date.fields.tm_hour = hour;
  date.fields.tm_min = minute;
  date.fields.tm_sec = second;
  date.has_time = true;
  return date;
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

std::string LongDate(std::string_view iso, Language language) {
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

std::string ReadableDate(std::string_view iso, Language ui) {
  std::optional<ParsedDate> date = ParseIso(iso);
  if (!date) return std::string(iso);
  std::tm fields = date->fields;
  const std::time_t seconds = timegm(&fields) - static_cast<std::time_t>(date->offset_minutes) * 60;
  if (seconds == static_cast<std::time_t>(-1)) return std::string(iso);

  UErrorCode status = U_ZERO_ERROR;
  const icu::Locale locale = LocaleFor(ui);
  std::unique_ptr<icu::DateTimePatternGenerator> generator(
      icu::DateTimePatternGenerator::createInstance(locale, status));
  if (U_FAILURE(status)) return std::string(iso);
  const icu::UnicodeString skeleton(date->has_time ? "dMMMyHHmm" : "dMMMy");
  const icu::UnicodeString pattern = generator->getBestPattern(skeleton, status);
  if (U_FAILURE(status)) return std::string(iso);
  icu::SimpleDateFormat format(pattern, locale, status);
  if (U_FAILURE(status)) return std::string(iso);
  format.adoptTimeZone(icu::TimeZone::createTimeZone("UTC"));
  icu::UnicodeString formatted;
  format.format(static_cast<UDate>(seconds) * 1000.0, formatted);
  std::string out;
  formatted.toUTF8String(out);
  return out;
}

}  // namespace helpdex::search

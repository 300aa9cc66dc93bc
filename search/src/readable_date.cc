// ReadableDate(): ICU's localised date patterns from a skeleton, so each
// language gets its own order, month names and separators without a table of
// ours to keep up to date.
#include "helpdex/search/readable_date.h"

#include <unicode/datefmt.h>
#include <unicode/dtptngen.h>
#include <unicode/locid.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <charconv>
#include <ctime>
#include <memory>
#include <optional>

namespace helpdex::search {
namespace {

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

icu::Locale LocaleFor(Language ui) {
  switch (ui) {
    case Language::kEnglish: return icu::Locale("en", "GB");  // "3 Dec 2026", as the help centre spells
    case Language::kNorwegian: return icu::Locale("nb", "NO");
    case Language::kTurkish: return icu::Locale("tr", "TR");
    case Language::kCzech: return icu::Locale("cs", "CZ");
    case Language::kRussian: return icu::Locale("ru", "RU");
    case Language::kGreek: return icu::Locale("el", "GR");
  }
  return icu::Locale("en", "GB");
}

}  // namespace

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

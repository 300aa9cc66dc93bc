// File: dates.h
// Dates as a reader of the page's language writes them, with ICU's patterns
// for each locale (order, month names, separators), never a table of ours.
//
//   LongDate("2026-12-03", Language::kGreek)                  // "3 Δεκεμβρίου 2026"  (an article's review date)
//   ReadableDate("2026-12-03T14:05:00Z", Language::kEnglish)  // "3 Dec 2026, 14:05" (agent pages, /gaps)
//   ReadableDate("2026-12-03", Language::kNorwegian)          // "3. des. 2026"
//
// English is written in British order, as the help centre's English is. Text
// that is not such a date comes back unchanged, so a page never loses it.
// Both are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "helpdex/search/language.h"

namespace helpdex::search {

// An ISO date ("YYYY-MM-DD", or the date part of an ISO 8601 time such as
// "2026-08-06T13:02:00Z") as ICU's long date of `language`'s locale: en
// ("3 December 2026"), nb ("3. desember 2026"), tr ("3 Aralık 2026"), cs
// ("3. prosince 2026"), ru ("3 декабря 2026 г."), el ("3 Δεκεμβρίου 2026").
// The day is the one written, whatever the server's time zone; an impossible
// day (2026-02-30) is not a date.
std::string LongDate(std::string_view iso, Language language);

// An ISO 8601 date ("YYYY-MM-DD") or date-time ("YYYY-MM-DDTHH:MM[:SS[.f]]"
// with "Z", "+HH:MM" or no offset) in `ui`'s conventions (ICU's skeleton
// "dMMMy", with "HHmm" for a date-time), the time in UTC.
std::string ReadableDate(std::string_view iso, Language ui);

}  // namespace helpdex::search

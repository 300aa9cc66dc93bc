// File: dates.h
// Dates as a reader of the page's language writes them, with ICU.
//
//   FormatDate(Language::kEnglish, "2026-12-03")  -> "3 December 2026"
//   FormatDate(Language::kGreek, "2026-12-03")    -> "3 Δεκεμβρίου 2026"
//   <time datetime="2026-12-03">3 December 2026</time>
#pragma once

#include <string>
#include <string_view>

#include "helpdex/search/language.h"

namespace helpdex {

// An ISO date ("YYYY-MM-DD", or the date part of an ISO 8601 time such as
// "2026-08-06T13:02:00Z") as ICU's long date of `language`'s locale: en
// (British order: "3 December 2026"), nb ("3. desember 2026"), tr ("3 Aralık
// 2026"), cs ("3. prosince 2026"), ru ("3 декабря 2026 г."), el ("3
// Δεκεμβρίου 2026"). The day is the one written, whatever the server's time
// zone. Text that is not such a date is returned as it is, so a page never
// loses it. Thread-safe.
std::string FormatDate(Language language, std::string_view iso);

}  // namespace helpdex

// File: readable_date.h
// Dates as people read them, in the page's language: "3 Dec 2026, 14:05"
// (en), "3. des. 2026, 14:05" (nb), "3 Ara 2026 14:05" (tr). For the agent
// console and the writers' report, where ISO 8601 strings were shown raw.
//
//   ReadableDate("2026-12-03T14:05:00Z", Language::kEnglish)  // "3 Dec 2026, 14:05"
//   ReadableDate("2026-12-03", Language::kNorwegian)          // "3. des. 2026"
#pragma once

#include <string>
#include <string_view>

#include "helpdex/search/language.h"

namespace helpdex::search {

// An ISO 8601 date ("YYYY-MM-DD") or date-time ("YYYY-MM-DDTHH:MM[:SS]" with
// "Z", "+HH:MM" or no offset) in `ui`'s conventions (ICU's skeleton "dMMMy",
// with "HHmm" for a date-time, British order for English), the time in UTC.
// Text that is not such a date comes back unchanged, so nothing is ever lost
// from a page. Thread-safe.
std::string ReadableDate(std::string_view iso, Language ui);

}  // namespace helpdex::search

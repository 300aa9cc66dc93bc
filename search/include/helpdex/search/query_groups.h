// File: query_groups.h
// What a search asks, independent of how it is typed: for grouping the
// searches of many customers in the gap reports, so that inflections, word
// order and typos of one question fall together ("сбросить пароль",
// "пароля сброс", "сбрость пароль").
//
//   std::vector<std::string> a = IntentTerms("сбросить пароль", Language::kRussian);
//   std::vector<std::string> b = IntentTerms("сбрость пароля", Language::kRussian);
//   SameIntent(a, b) == true
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/language.h"

namespace helpdex::search {

// The query's words in its language's analysis (normalised, stop words
// dropped unless nothing else is left, stemmed where the language has a
// stemmer, accents kept), sorted and unique. Unknown language: detected from
// the text, else normalisation only.
std::vector<std::string> IntentTerms(std::string_view query, std::optional<Language> language);

// True when two term lists (from IntentTerms) ask the same: equal after
// pairing each term with one of the other list that is the same, that adds at
// most 4 code points of ending to a stem of 3 or more (an inflection the
// stemmer left), or, when both have 5 code points or more, one edit away (a
// typo).
bool SameIntent(const std::vector<std::string>& a, const std::vector<std::string>& b);

// The edit distance of two UTF-8 strings in code points (insertions,
// deletions, substitutions and adjacent transpositions: "domian" is one edit
// from "domain"), or `limit` + 1 when it is larger than `limit`.
size_t EditDistance(std::string_view a, std::string_view b, size_t limit);

}  // namespace helpdex::search

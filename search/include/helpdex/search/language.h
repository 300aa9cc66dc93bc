// File: language.h
// The languages helpdex analyses, with their ISO 639-1 codes.
//
//   std::optional<Language> lang = ParseLanguage("nb");   // Language::kNorwegian
//   LanguageCode(Language::kGreek) == "el"
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace helpdex {

enum class Language { kEnglish, kNorwegian, kTurkish, kCzech, kRussian, kGreek };

inline constexpr std::array<Language, 6> kAllLanguages = {
    Language::kEnglish, Language::kNorwegian, Language::kTurkish,
    Language::kCzech,   Language::kRussian,   Language::kGreek};

// "en", "nb", "tr", "cs", "ru", "el".
std::string_view LanguageCode(Language language);

// Accepts the six codes (case-insensitive) and the aliases "no" and "nn" for
// Norwegian; nullopt for anything else.
std::optional<Language> ParseLanguage(std::string_view code);

// "en, nb, tr, cs, ru, el", for error messages.
std::string_view SupportedLanguageList();

}  // namespace helpdex

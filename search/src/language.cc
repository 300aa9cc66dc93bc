#include "helpdex/search/language.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace helpdex {

std::string_view LanguageCode(Language language) {
  switch (language) {
    case Language::kEnglish: return "en";
    case Language::kNorwegian: return "nb";
    case Language::kTurkish: return "tr";
    case Language::kCzech: return "cs";
    case Language::kRussian: return "ru";
    case Language::kGreek: return "el";
  }
  return "en";
}

std::optional<Language> ParseLanguage(std::string_view code) {
  std::string lower(code);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "no" || lower == "nn" || lower == "nob") return Language::kNorwegian;
  for (Language language : kAllLanguages) {
    if (LanguageCode(language) == lower) return language;
  }
  return std::nullopt;
}

std::string_view SupportedLanguageList() { return "en, nb, tr, cs, ru, el"; }

}  // namespace helpdex

// Query and ticket language detection: script and distinctive letters first
// (certain and instant, even for one word), CLD2 for longer Latin text.
// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>
#include <unicode/utf8.h>

#include <sstream>

#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"

namespace helpdex::search {
namespace {

struct LetterCounts {
  int cyrillic = 0;
  int greek = 0;
  int turkish = 0;    // ş ğ ı İ Ş Ğ
  int czech = 0;      // ř ě ů ň ť ď (and capitals)
  int norwegian = 0;  // æ ø å (and capitals)
};

LetterCounts CountLetters(std::string_view text) {
  LetterCounts counts;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0x0400 && c <= 0x04FF) ++counts.cyrillic;
    else if ((c >= 0x0370 && c <= 0x03FF) || (c >= 0x1F00 && c <= 0x1FFF)) ++counts.greek;
    else if (c == 0x015F || c == 0x015E || c == 0x011F || c == 0x011E || c == 0x0131 || c == 0x0130) ++counts.turkish;
    else if (c == 0x0159 || c == 0x0158 || c == 0x011B || c == 0x011A || c == 0x016F || c == 0x016E ||
             c == 0x0148 || c == 0x0147 || c == 0x0165 || c == 0x0164 || c == 0x010F || c == 0x010E)
      ++counts.czech;
    else if (c == 0x00E6 || c == 0x00C6 || c == 0x00F8 || c == 0x00D8 || c == 0x00E5 || c == 0x00C5)
      ++counts.norwegian;
  }
  return counts;
}

int CountWords(std::string_view text) {
  std::istringstream words{std::string(text)};
  std::string word;
  int count = 0;
  while (words >> word) ++count;
  return count;
}

std::optional<Language> FromCld2(std::string_view text) {
  bool reliable = false;
  const CLD2::Language detected =
      CLD2::DetectLanguage(text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, &reliable);
  if (!reliable) return std::nullopt;
  switch (detected) {
    case CLD2::ENGLISH: return Language::kEnglish;
    case CLD2::NORWEGIAN: return Language::kNorwegian;
    case CLD2::TURKISH: return Language::kTurkish;
    case CLD2::CZECH: return Language::kCzech;
    case CLD2::RUSSIAN: return Language::kRussian;
    case CLD2::GREEK: return Language::kGreek;
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<Language> DetectLanguage(std::string_view text) {
  if (!IsValidUtf8(text)) return std::nullopt;
  const LetterCounts counts = CountLetters(text);
  if (counts.cyrillic > 0 && counts.cyrillic >= counts.greek) return Language::kRussian;
  if (counts.greek > 0) return Language::kGreek;
  const int distinctive = counts.turkish + counts.czech + counts.norwegian;
  if (distinctive > 0) {
    if (counts.turkish * 2 > distinctive) return Language::kTurkish;
    if (counts.czech * 2 > distinctive) return Language::kCzech;
    if (counts.norwegian * 2 > distinctive) return Language::kNorwegian;
  }
  if (CountWords(text) >= 3) return FromCld2(text);
  return std::nullopt;
}

}  // namespace helpdex::search

// A port of Apache Lucene's org.apache.lucene.analysis.cz.CzechStemmer
// (lucene/analysis/common/src/java/org/apache/lucene/analysis/cz/CzechStemmer.java),
// Copyright The Apache Software Foundation, licensed under the Apache License,
// Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0). Lucene implements
// the light stemmer of L. Dolamic and J. Savoy, "Indexing and stemming
// approaches for the Czech language" (http://portal.acm.org/citation.cfm?id=1598600).
//
// Changes from the original: C++ over Unicode code points instead of a Java
// char[] buffer, and the suffix lists written as tables. The rules, their
// order and their length thresholds are Lucene's, unchanged.
#include "czech_stemmer.h"

#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace helpdex::search {
namespace {

// One letter per element, so that lengths and suffixes count letters, as
// Lucene's char[] does for Czech (every Czech letter is a single UTF-16 unit).
using Letters = std::u32string;

// Suffixes tried only when the word is longer than `longer_than` letters.
// Within a group all suffixes have one length, so their order does not matter.
struct SuffixGroup {
  size_t longer_than;
  std::span<const std::u32string_view> suffixes;
};

// removeCase: case (and number) endings, longest first.
constexpr std::u32string_view kCase5[] = {U"atech"};
constexpr std::u32string_view kCase4[] = {U"ětem", U"etem", U"atům"};
constexpr std::u32string_view kCase3[] = {
    U"ech", U"ich", U"ích", U"ého", U"ěmi", U"emi", U"ému", U"ěte", U"ete",
    U"ěti", U"eti", U"ího", U"iho", U"ími", U"ímu", U"imu", U"ách", U"ata",
    U"aty", U"ých", U"ama", U"ami", U"ové", U"ovi", U"ými"};
constexpr std::u32string_view kCase2[] = {U"em", U"es", U"ém", U"ím", U"ům", U"at",
                                          U"ám", U"os", U"us", U"ým", U"mi", U"ou"};
constexpr std::u32string_view kCase1[] = {U"a", U"e", U"i", U"o", U"u", U"ů",
                                          U"y", U"á", U"é", U"í", U"ý", U"ě"};
constexpr SuffixGroup kCaseEndings[] = {
    {7, kCase5}, {6, kCase4}, {5, kCase3}, {4, kCase2}, {3, kCase1}};

// removePossessives: -ov (jazykový), -in (matčin), -ův (Karlův).
constexpr std::u32string_view kPossessive[] = {U"ov", U"in", U"ův"};
constexpr SuffixGroup kPossessiveEndings[] = {{5, kPossessive}};

bool EndsWith(const Letters& word, std::u32string_view suffix) {
  return std::u32string_view(word).ends_with(suffix);
}

// Removes the first suffix that matches, trying the groups in order; a group
// whose length threshold the word does not pass is skipped, as in Lucene.
void RemoveFirstMatch(Letters& word, std::span<const SuffixGroup> groups) {
  for (const SuffixGroup& group : groups) {
    if (word.size() <= group.longer_than) continue;
    for (std::u32string_view suffix : group.suffixes) {
      if (EndsWith(word, suffix)) {
        word.resize(word.size() - suffix.size());
        return;
      }
    }
  }
}

// Lucene's normalize(): undoes the palatalisation and vowel changes that
// inflection causes at the end of the stem, so that e.g. kniha/knize,
// český/čeští, deska/desek and hůl/hole meet. At most one rule applies.
void Normalize(Letters& word) {
  const size_t n = word.size();
  if (EndsWith(word, U"čt")) {
    word.replace(n - 2, 2, U"ck");
    return;
  }
  if (EndsWith(word, U"št")) {
    word.replace(n - 2, 2, U"sk");
    return;
  }
  char32_t& last = word.back();
  if (last == U'c' || last == U'č') {
    last = U'k';
    return;
  }
  if (last == U'z' || last == U'ž') {
    last = U'h';
    return;
  }
  if (n > 1 && word[n - 2] == U'e') {  // the mobile e: desek -> desk
    word.erase(n - 2, 1);
    return;
  }
  if (n > 2 && word[n - 2] == U'ů') word[n - 2] = U'o';  // hůl -> hol
}

// The word's code points, or nullopt when it is not valid UTF-8.
std::optional<Letters> DecodeUtf8(std::string_view text) {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) return std::nullopt;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  Letters letters;
  letters.reserve(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return std::nullopt;
    letters.push_back(static_cast<char32_t>(c));
  }
  return letters;
}

std::string EncodeUtf8(const Letters& letters) {
  std::string out;
  out.reserve(letters.size() * 2);
  for (char32_t c : letters) {
    uint8_t buffer[U8_MAX_LENGTH];
    int32_t length = 0;
    U8_APPEND_UNSAFE(buffer, length, c);
    out.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(length));
  }
  return out;
}

}  // namespace

std::string CzechLightStem(std::string_view word) {
  std::optional<Letters> letters = DecodeUtf8(word);
  if (!letters) return std::string(word);
  RemoveFirstMatch(*letters, kCaseEndings);        // removeCase
  RemoveFirstMatch(*letters, kPossessiveEndings);  // removePossessives
  if (!letters->empty()) Normalize(*letters);
  return EncodeUtf8(*letters);
}

std::string CzechStem::operator()(const std::string& word) { return CzechLightStem(word); }

std::string CzechStem::get_description() const { return "czech-light"; }

}  // namespace helpdex::search

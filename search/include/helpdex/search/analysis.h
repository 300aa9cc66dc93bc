// File: analysis.h
// The one place that maps a language to its text analysis. Indexing and
// querying both go through AnalyzerFor(), so they can never disagree.
//
//   const Analyzer& analyzer = AnalyzerFor(Language::kTurkish);
//   std::string folded = analyzer.Normalize("İSTANBUL ŞİFRE");   // "istanbul şifre"
//   Xapian::Stem stem = analyzer.MakeStemmer();
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <xapian.h>

#include "helpdex/search/language.h"

namespace helpdex::search {

class Analyzer {
 public:
  virtual ~Analyzer() = default;

  virtual Language language() const = 0;

  // Unicode NFKC, full case folding (ς→σ), Turkish ı/İ/I/i all meet at "i",
  // Russian ё becomes е, and the language's own rules (Turkish splits words
  // at apostrophes: "Tesla'nın" -> "tesla nin"). Idempotent. Invalid UTF-8 is replaced
  // with U+FFFD. The result is what Xapian's TermGenerator and QueryParser see.
  virtual std::string Normalize(std::string_view text) const = 0;

  // A new stemmer for this language, or Xapian::Stem("none") where there is no
  // stemmer yet. The stemmer normalises each word first, so it also stems the
  // raw words that MSet::snippet() feeds it. Not thread-safe: one per thread.
  virtual Xapian::Stem MakeStemmer() const = 0;

  // The language's stop words, or nullptr. Thread-safe; lives for the program.
  virtual const Xapian::Stopper* stopper() const = 0;

  // True where words are freely compounded (Norwegian): queries then also
  // match compounds containing their words, and the parts of compounds.
  virtual bool splits_compounds() const { return false; }
};

// The language `text` is written in, when that is clear: from the script
// (Cyrillic: ru, Greek: el), from letters only one of our languages uses
// (ş ğ ı: tr; ř ě ů: cs; æ ø å: nb), or from CLD2 when the text has at least
// three words and CLD2 calls its guess reliable. nullopt otherwise.
std::optional<Language> DetectLanguage(std::string_view text);

// Thread-safe; the analyzers live for the whole program.
const Analyzer& AnalyzerFor(Language language);

// The analysis used when the language is unknown: normalisation only, no stemmer.
const Analyzer& NeutralAnalyzer();

// Normalisation shared by every language (NFKC + case fold), for text whose
// language is unknown.
std::string NormalizeText(std::string_view text);

// Normalised text without its accents and other combining marks (NFD, drop
// Mn, NFC): "přihlášení" -> "prihlaseni", "κωδικόσ" -> "κωδικοσ", "şifre" ->
// "sifre". Indexed under schema::kFolded so that accentless queries match.
std::string StripAccents(std::string_view normalized);

// Characters as a person counts them: UTF-8 code points, not bytes.
size_t CountCodePoints(std::string_view utf8);

// The longest prefix of at most `bytes` bytes that ends on a character
// boundary (never half a UTF-8 sequence).
std::string CutUtf8(std::string_view utf8, size_t bytes);

// Words separated by one space, without leading or trailing whitespace
// (ASCII whitespace: the text's own line breaks and tabs).
std::string CollapseWhitespace(std::string_view text);

// Replaces invalid UTF-8 sequences with U+FFFD.
std::string SanitizeUtf8(std::string_view text);

}  // namespace helpdex::search

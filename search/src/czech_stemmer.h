// File: czech_stemmer.h
// A light stemmer for Czech, which neither Xapian 1.4 nor libstemmer has
// (platform.md A1.1). It is Dolamic & Savoy's algorithm, ported from Apache
// Lucene's CzechStemmer so that its stems match a well-tested reference.
//
//   CzechLightStem("hesla") == CzechLightStem("heslem")   // both "hesl"
//   Xapian::Stem stem(new CzechStem());                   // for Xapian
//
// Input must already be lower-cased with its diacritics kept, as
// NormalizingStem (analysis.cc) provides. Stems are index terms, not words:
// "stránka" stems to "stránk" and "web" to "wb".
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

namespace helpdex::search {

// The stem of one lower-cased UTF-8 word. Invalid UTF-8 comes back unchanged:
// a suffix rule cannot apply to bytes that are not letters.
std::string CzechLightStem(std::string_view word);

// CzechLightStem as a Xapian stemmer. It holds no state; the one-per-thread
// rule of Analyzer::MakeStemmer() comes from Xapian::Stem, not from this.
class CzechStem : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override;
  std::string get_description() const override;
};

}  // namespace helpdex::search

// File: spelling.h
// "Did you mean": spelling corrections of a query, word by word, from the
// index's own vocabulary and checked against a Hunspell dictionary of the
// query's language (tools/deps installs them; /usr/share/hunspell).
//
// A word is corrected only when neither the index (in any form: as written,
// stemmed, without accents) nor the language's dictionary knows it, and never
// a stop word. The correction must occur in the index, and in that language:
// in the index's documents of the language or in its dictionary ("twofactor"
// on an English page never becomes the Norwegian "tofaktor"). It is shown in
// its display spelling, as the articles write it ("sıfırlama", "αργός"),
// not as the folded index term.
//
//   if (std::optional<Error> missing = CheckSpellingDictionaries()) Fail(missing->ToString());
//   std::optional<std::vector<CorrectedWord>> fix =
//       CorrectSpelling(db, "şifre sıfırlma", Language::kTurkish);
//   JoinCorrectedWords(*fix) == "şifre sıfırlama";   // (*fix)[2] == {"sıfırlama", true}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "helpdex/search/analysis.h"
#include "helpdex/search/error.h"
#include "helpdex/search/language.h"

namespace helpdex::search {

// One piece of a corrected query: a word or the text between two words, in
// order; joined, the pieces give the whole corrected query.
struct CorrectedWord {
  std::string text;      // as typed, or the correction in its display spelling
  bool changed = false;  // true for a corrected word
  bool operator==(const CorrectedWord&) const = default;
};

// The pieces joined: the corrected query as the customer would have typed it.
std::string JoinCorrectedWords(const std::vector<CorrectedWord>& pieces);

// Where Debian's hunspell-* packages put their dictionaries.
inline constexpr std::string_view kHunspellDictionaryDir = "/usr/share/hunspell";

// The dictionary of each supported language must be installed: nullopt when
// all are, else an Error naming the first missing file and the Debian package
// that provides it ("... /usr/share/hunspell/tr_TR.dic is missing: install
// hunspell-tr (tools/deps)"). The server and the helpdex command call it at
// start-up: a missing dictionary is an error, never a silent fallback.
// Cheap: it looks at files and loads nothing (dictionaries load on first use).
std::optional<Error> CheckSpellingDictionaries(std::string_view dir = kHunspellDictionaryDir);

// The correction of the query `typed` (raw text, as typed) in `language`, or
// nullopt when no word needs one. Unchanged words, punctuation and spacing
// keep their typed form; a corrected word takes the typed word's
// capitalisation. `db` should be the public database (spelling must not
// reveal agent-only words). With no language, nothing is corrected: whether
// a word is real is judged only in its language (all six dictionaries at once
// would hold 180 MB). Thread-safe. Looks up at most the first 8 unknown
// words; candidates come from the index's spelling table (Hunspell only says
// whether a word is real), so a call costs microseconds to a millisecond,
// apart from loading a dictionary on its first use.
// `dictionary` holds the spelling table when `db` has none to give (remote
// shards serve no spelling: the lexicon, searcher.h); null: `db`. Whether a
// word is indexed, and how the articles write it, is always read from `db`.
std::optional<std::vector<CorrectedWord>> CorrectSpelling(const Xapian::Database& db, std::string_view typed,
                                                          std::optional<Language> language,
                                                          const Xapian::Database* dictionary = nullptr);

// For a query that found nothing: each word the index does not know (in
// any form), even a real word of the language ("septicemia"), replaced by
// the index's nearest word in that language ("septicemic"), in display
// spelling; nullopt when none has one. Never shown as "did you mean" (the
// word was not misspelt), only as the results shown instead of none
// (showing_results_for). Fast: no Hunspell suggestions.
std::optional<std::vector<CorrectedWord>> NearestIndexedWords(const Xapian::Database& db, std::string_view typed,
                                                               std::optional<Language> language,
                                                               const Xapian::Database* dictionary = nullptr);

// For as-you-type suggestions: the index term (normalised, as the analyzer
// makes it) to search for instead of `normalized_word`, by the same rules as
// CorrectSpelling (nullopt with no language), but only from the index's own spelling candidates within
// `max_edits` (no Hunspell suggestions, so it stays fast: microseconds).
// `typed` is the text the word was read from, so that the dictionary sees
// the word as written (Turkish ı, Greek ς). nullopt: keep the word.
std::optional<std::string> CorrectedTerm(const Xapian::Database& db, std::string_view typed,
                                         const std::string& normalized_word, std::optional<Language> language,
                                         unsigned max_edits, const Xapian::Database* dictionary = nullptr);

// The language whose dictionary an analyzer's text is checked against:
// nullopt for NeutralAnalyzer() (the query's language is unknown).
std::optional<Language> SpellingLanguageOf(const Analyzer& analyzer);

}  // namespace helpdex::search

namespace helpdex::search {

// True when `normalized_word` (as the analyzer makes it) is a word of the
// language's Hunspell dictionary: an ordinary word of the language, as
// opposed to a name or a typo. Thread-safe; loads the dictionary on first use.
bool IsDictionaryWord(std::string_view normalized_word, Language language);

}  // namespace helpdex::search

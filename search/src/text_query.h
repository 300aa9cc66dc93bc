// The full-text reading of typed words, shared by Search and Suggest so that a
// suggestion ranks whole words exactly as the results page does.
#pragma once

#include <string>

#include <xapian.h>

#include "helpdex/search/analysis.h"

namespace helpdex::search {

// Keeps the words of `text` up to the kMaxQueryTerms-th one that is not a stop
// word: stop words are dropped by the parser anyway and must not use up the
// budget of a long pasted question.
std::string LimitTerms(const std::string& text, const Xapian::Stopper* stopper);

// A verbose question's key words: when `normalized` has more than
// `max_words` distinct content words, the `max_words` with the highest IDF in
// `db`, in the order written, stop words left out; otherwise LimitTerms().
std::string KeyWords(const Xapian::Database& db, const std::string& normalized, const Xapian::Stopper* stopper,
                     Xapian::Stem& stem, size_t max_words);

struct TextQueryOptions {
  // Let the parser look up spelling corrections (parser.get_corrected_query_string()).
  // One dictionary lookup per word: Search wants it, Suggest corrects words itself.
  bool spelling_correction = true;
  // The proximity reading (neighbouring words side by side). It reads
  // positions; Suggest leaves it out for a pasted paragraph's key words, which
  // are not neighbours as typed and would cost the most there.
  bool proximity = true;
  // The accentless reading (kFolded terms): finds words typed without accents.
  bool accentless = true;
  // Where the parser reads synonyms (and spelling): a local lexicon when `db`
  // has remote shards, which serve neither (searcher.h). Null: `db`.
  const Xapian::Database* lexicon = nullptr;
};

// The readings of `normalized` (analyzer.Normalize()d, already limited), OR-ed:
// stemmed in the query's language (exact words only when the language is
// unknown) with the writers' synonyms, accentless at a lower weight, for
// Norwegian the compounds, the title alone, and neighbouring words side by
// side. `stem` is the analyzer's stemmer, made once per query; `parser` is
// left configured so that the caller can ask it for the corrected query.
// Empty when the text has no words.
Xapian::Query TextQuery(const Xapian::Database& db, const std::string& normalized, const Analyzer& analyzer,
                        Xapian::Stem& stem, Xapian::QueryParser& parser, TextQueryOptions options = {});

}  // namespace helpdex::search

// The relevance floor: a document is shown only when it holds enough of what
// the question asks. "Enough" is the share of the question's content-word
// weight (IDF) that the document matches, in any form a reading of the query
// could match it (exact, stemmed, accentless, a writer's synonym of the word or
// of a phrase it is part of). This is Lucene's minimum_should_match, weighted
// by IDF (coordination-level matching with IDF weights). Every result must
// hold RequiredShare(); a short question that names something neither the
// articles nor the language's dictionary know ("host a minecraft server": the
// articles have "host" and "server", never "minecraft") is off-topic unless
// some document holds AnswerShare(): then no results and no answer cards, the
// customer sees "contact us" and the gap report counts a zero-result search.
//
//   QueryCoverage coverage = QueryCoverage::Of(db, normalized, analyzer, stem);
//   CoverageFloor floor(coverage, coverage.RequiredShare());
//   enquire.get_mset(first, size, check_at_least, nullptr, &floor);
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "helpdex/search/analysis.h"

namespace helpdex::search {

class QueryCoverage {
 public:
  struct Word {
    std::string word;                // normalised, as typed
    std::vector<std::string> terms;  // index terms that count as matching it (sorted, unique)
    double idf = 0;                  // BM25 IDF of its own forms; unknown words the highest
  };

  // The content words (not stop words) of `normalized`, at most
  // `max_words`, with the terms each may be matched by in `db`. A word of a
  // phrase that a writer's synonym group names ("log in" -> "login") is
  // also matched by that synonym.
  // `typed` is the text as the customer wrote it, so that the dictionary
  // sees each word in its own spelling (Turkish ı, Greek ς), not folded.
  static QueryCoverage Of(const Xapian::Database& db, const std::string& normalized, const Analyzer& analyzer,
                          Xapian::Stem& stem, size_t max_words, std::string_view typed = {});

  // Adds a word still being typed (Suggest): a document matches it when it
  // has a word starting with `prefix` (as written, or without accents); its
  // weight is the IDF of its most frequent completion.
  void AddPrefix(const Xapian::Database& db, const std::string& prefix);

  // The share, 0..1, of the content words' IDF that `doc` matches.
  double ShareOf(const Xapian::Document& doc) const;

  // The share every result must reach (see relevance_floor.cc for the choice).
  double RequiredShare() const;
  // The share at least one document must reach for the question to have an
  // answer here at all; below it the question is off-topic: no results.
  double AnswerShare() const;
  // Whether the off-topic test applies: a short question with a word that
  // neither the index nor the dictionary knows (a pasted paragraph is
  // verbose, not off-topic: its best matches are shown).
  bool MayBeOffTopic() const;

  // True when a word is neither in the index nor in the language's
  // dictionary: the question names something the help centre never
  // mentions. Only then can it be off-topic (AnswerShare()); a question in
  // the help centre's own words always gets its best matches.
  bool HasUnknownWords() const { return unknown_; }

  bool empty() const { return words_.empty(); }
  const std::vector<Word>& words() const { return words_; }

 private:
  std::vector<Word> words_;
  std::vector<std::string> all_terms_;  // every word's terms, sorted, unique
  std::vector<std::string> prefixes_;   // the typed-on word's term prefixes, sorted
  double prefix_idf_ = 0;
  double total_idf_ = 0;
  bool unknown_ = false;
};

// Xapian MatchDecider: accepts documents whose share reaches `required`.
// Applied inside the match, so totals, facets and paging count only
// documents above the floor.
class CoverageFloor : public Xapian::MatchDecider {
 public:
  CoverageFloor(const QueryCoverage& coverage, double required) : coverage_(coverage), required_(required) {}
  bool operator()(const Xapian::Document& doc) const override;

 private:
  const QueryCoverage& coverage_;
  double required_;
};

}  // namespace helpdex::search

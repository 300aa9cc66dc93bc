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
//   CoverageFloor floor(db, coverage, coverage.RequiredShare());
//   enquire.get_mset(first, size, check_at_least, nullptr, &floor);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "helpdex/search/analysis.h"

namespace helpdex::search {

// QueryCoverage::FloorQuery weighs every set of at most this many words.
inline constexpr size_t kMaxFloorQueryWords = 12;

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
  // `lexicon` holds the synonyms when `db` cannot (remote shards: searcher.h); null: `db`.
  static QueryCoverage Of(const Xapian::Database& db, const std::string& normalized, const Analyzer& analyzer,
                          Xapian::Stem& stem, size_t max_words, std::string_view typed = {},
                          const Xapian::Database* lexicon = nullptr);

  // Adds a word still being typed (Suggest): a document matches it when it
  // has one of `completions`, the words the query expands the prefix to (as
  // written, or without accents); its weight is the IDF of the most frequent.
  void AddPrefix(const Xapian::Database& db, const std::vector<std::string>& completions);

  // The share, 0..1, of the content words' IDF that `present` matches:
  // `present(term)` says whether the document has the term.
  template <typename Present>
  double ShareOf(Present&& present) const {
    if (total_idf_ <= 0) return 1.0;
    double matched = 0;
    for (const std::string& term : prefix_terms_) {
      if (present(term)) {
        matched += prefix_idf_;
        break;
      }
    }
    for (const Word& word : words_) {
      for (const std::string& term : word.terms) {
        if (present(term)) {
          matched += word.idf;
          break;
        }
      }
    }
    return matched / total_idf_;
  }

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

  // The documents whose share reaches `required`, as a boolean query: any
  // of the minimal sets of words (and the prefix) whose IDF reaches it, each
  // word matched by any of its terms. Exactly the documents CoverageFloor
  // accepts (the share is a sum of non-negative weights, so which sets reach
  // it is monotone and the minimal ones decide it). nullopt with more than
  // kMaxFloorQueryWords words that count (2^n sets to weigh).
  std::optional<Xapian::Query> FloorQuery(double required) const;

  bool empty() const { return words_.empty(); }
  // Every term that counts for some word or the prefix, sorted, unique.
  std::vector<std::string> Terms() const;
  const std::vector<Word>& words() const { return words_; }

 private:
  std::vector<Word> words_;
  std::vector<std::string> prefix_terms_;  // the typed-on word's completions
  double prefix_idf_ = 0;
  double total_idf_ = 0;
  bool unknown_ = false;
};

// Xapian MatchDecider: accepts documents whose share reaches `required`.
// Applied inside the match, so totals, facets and paging count only
// documents above the floor.
//
// It reads posting lists, never a document's term list: the match offers
// documents in rising docid order (per sub-database), so one cursor per query
// term moves forward through blocks the match has just read. Reading each
// candidate's term list instead (compressed, thousands of terms in a long
// thread) was 79% of /api/search on 100,000 documents (tools/bench/README.md,
// issue 15). A cursor is reset when the docids go back. Over several
// sub-databases (an agent's index: public and agent) the docid a decider is
// given is the sub-database's own (Xapian::Document::get_docid), so there it
// would read term lists: over several sub-databases (and remote shards)
// ApplyFloor puts the floor in the query instead, as a boolean filter
// (2 local shards of 20,000 documents: 67 ms a search with this decider,
// 13 ms with the filter, tools/bench/README.md "Shards"). A floor of too
// many words for FloorQuery still reads term lists there (`term_lists` for
// a portable match, which offers documents in rank order and whose posting
// lists would each be a round trip). Not thread-safe: one per match.
class CoverageFloor : public Xapian::MatchDecider {
 public:
  CoverageFloor(const Xapian::Database& db, const QueryCoverage& coverage, double required, bool term_lists = false)
      : db_(db), coverage_(coverage), required_(required), term_lists_(term_lists) {}
  bool operator()(const Xapian::Document& doc) const override;

 private:
  bool Has(const std::string& term, Xapian::docid docid) const;
  double ShareFromTermList(const Xapian::Document& doc) const;

  struct Cursor {
    Xapian::PostingIterator at;
    Xapian::PostingIterator end;
  };
  const Xapian::Database& db_;
  const QueryCoverage& coverage_;
  double required_;
  bool term_lists_;
  mutable std::map<std::string, Cursor, std::less<>> cursors_;  // term -> its posting list, at or past last_
  mutable Xapian::docid last_ = 0;
  mutable std::vector<std::string> wanted_;  // every term that counts, sorted (term-list reading)
};

// True when some document matching `query` holds coverage.AnswerShare() of
// the question: whether a search has an answer at all (Search's retry with a
// correction, Suggest's answer cards). `portable`: `db` has remote shards,
// which take no MatchDecider (portable_match.h).
bool AnyAnswers(const Xapian::Database& db, const Xapian::Query& query, const QueryCoverage& coverage, bool portable);

// `query` with the floor of share `required` applied. Over remote shards
// (`portable`) it goes into the query as a boolean filter (FloorQuery), so
// each shard applies it in its own match and neither a term list nor a
// rejected document crosses the network (OP_FILTER adds no weight: the
// ranking is the same); otherwise, and when FloorQuery cannot, a
// CoverageFloor decider is emplaced in `decider` for the match to apply.
Xapian::Query ApplyFloor(const Xapian::Database& db, const Xapian::Query& query, const QueryCoverage& coverage,
                         double required, bool portable, std::optional<CoverageFloor>& decider);

}  // namespace helpdex::search

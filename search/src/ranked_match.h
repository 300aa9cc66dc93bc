// One page of matches, the preferred language's first: how Search and
// Suggest's answer cards run a query.
//
// Decisions a reviewer will look for:
// - "The page's language first, then relevance" is two relevance-ordered
//   matches (the query in that language, then in every other), not one match
//   sorted by a language key. A sort key first makes Xapian examine and order
//   every match (no top-k pruning: the best key may come last), and each
//   match ran the relevance floor: that was 98% of /api/suggest and 94% of
//   /api/search on 100,000 documents (tools/bench/README.md, issue 15).
//   Each of the two matches prunes like a plain BM25 search. Each selects its
//   language with a MatchDecider, not a filter term (ranked_match.cc says why).
// - The order is the same as the sorted match gave: every preferred-language
//   match first, by relevance (ties by id), then the others the same way. One
//   result per article (collapse on the translation key) in both passes, and
//   an article already listed in the preferred language is not listed again
//   from another language (the second pass skips the translation keys of the
//   first, which it reaches only when the first is exhausted).
// - Counts: a pass that returns fewer hits than asked was examined to the end,
//   so its count is exact; otherwise Xapian's estimate. `estimated` is the sum.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

namespace helpdex::search {

struct RankedHit {
  Xapian::docid docid = 0;
  double weight = 0;
  Xapian::Document document;
  size_t mset = 0;  // the pass it came from: RankedPage::msets[mset], for MSet::snippet
};

struct RankedPage {
  std::vector<RankedHit> hits;
  std::vector<Xapian::MSet> msets;  // one per pass that gave hits
  Xapian::doccount estimated = 0;  // matches (articles, when collapsed) in all passes
};

struct RankedMatchOptions {
  std::string preferred_language;  // "" = one pass, relevance then id
  bool collapse = true;            // one hit per translation key
  const Xapian::MatchDecider* decider = nullptr;  // the relevance floor, or null
  // The database has remote sub-databases, which take no MatchDecider:
  // the same page through MatchPortably (portable_match.h).
  bool portable = false;
};

// Hits [first, first + count) of `query` in the order described above.
RankedPage RankedMatch(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                       Xapian::doccount count, const RankedMatchOptions& options);

}  // namespace helpdex::search

// The match of a database with remote sub-databases (shards served by
// xapian-tcpsrv, searcher.h): what Enquire::get_mset with a MatchDecider and a
// collapse key gives on a local index, computed without either.
//
// Why: Xapian 1.4's remote backend refuses a MatchDecider ("not supported for
// the remote backend") and a custom MatchSpy (it needs a serialisable
// name()), and helpdex selects language passes and the relevance floor with
// deciders (ranked_match.h, relevance_floor.h: a filter term over the
// proximity pairs was 270 times slower). So over shards Xapian ranks every
// match (no decider, no collapse) in the same order as the local match
// (relevance, then the id value, set_sort_by_relevance_then_value), in
// growing windows, and the decider and the collapse run here on the fetched
// documents, in the order Xapian 1.4's matcher runs them (multimatch.cc:
// decider, then match spies, then collapse): the first accepted document of
// each translation key in that order is the one Xapian keeps, and a document
// with an empty key is never collapsed. The same ids come back in the same
// order, and counts are exact wherever the local match's are (a pass read to
// its end).
//
// The relevance floor is not a decider here: ApplyFloor (relevance_floor.h)
// puts it in the query as a boolean filter, which each shard applies in its
// own match. What is left to decide here reads values only (the language
// passes, the collapse).
//
// Cost: every examined document is fetched, a window's documents in one go
// (MSet::fetch: one round trip to each shard per window, FetchFrom). Only
// used when the database has a remote part; a local index keeps Xapian's
// own match. Measured on 20,000 documents in 2 shards over loopback
// (tools/bench/README.md "Shards"): a search took 1,755 ms with a round
// trip per document and its term list, 1,272 with pipelined fetches, 179
// with the floor in the query too.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <xapian.h>

namespace helpdex::search {

struct AcceptedMatch {
  Xapian::docid docid = 0;
  double weight = 0;
  Xapian::Document document;
  size_t window = 0;  // AcceptedMatches::windows[window]: the MSet it came from (MSet::snippet)
};

struct AcceptedMatches {
  std::vector<AcceptedMatch> hits;    // accepted (and collapsed), best first
  std::vector<Xapian::MSet> windows;  // the MSets the hits were read from
  bool exhausted = false;             // every match was examined: hits.size() is the exact count
  Xapian::doccount estimated = 0;     // hits.size() when exhausted, else an estimate of the total
};

struct PortableMatchOptions {
  bool collapse = false;                          // one hit per translation key
  const Xapian::MatchDecider* decider = nullptr;  // applied here, to every examined document
  // Called with every document the decider accepts, before collapsing (where
  // Xapian calls match spies).
  std::function<void(const Xapian::Document&)> spy;
  // Boolean weights (counting: the order is the id order, then the docid).
  bool unweighted = false;
};

// The first `wanted` hits of `query` (or all, when there are fewer), in
// relevance-then-id order, accepted by options.decider and collapsed. The
// window that reaches `wanted` is read to its end (its documents are fetched
// already): the spy sees those beyond `wanted` too.
AcceptedMatches MatchPortably(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount wanted,
                              const PortableMatchOptions& options);

}  // namespace helpdex::search

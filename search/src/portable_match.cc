#include "portable_match.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "helpdex/search/schema.h"

namespace helpdex::search {
namespace {

// The first window asks for this many matches beyond those wanted (the
// decider rejects some), at least kFirstWindow; each further window is twice
// the last, up to kLargestWindow.
constexpr Xapian::doccount kFirstWindow = 50;
constexpr Xapian::doccount kLargestWindow = 4096;

// The Enquire of a portable match, in the local match's order.
void Prepare(Xapian::Enquire& enquire, const Xapian::Query& query, bool unweighted) {
  enquire.set_query(query);
  if (unweighted) enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_sort_by_relevance_then_value(schema::kSlotId, false);
}

// The documents of `mset` from rank `first` on, read in one go:
// MSet::fetch() sends every request before reading any answer, so a window
// costs one round trip to each shard rather than one per document. Nothing
// else may use the connections until every fetched document is read (the
// answers come back in order), so they are all read here, before any decider
// runs (CoverageFloor reads term lists). `mset` must start at rank 0 and its
// Enquire still exist: Xapian 1.4.22's fetch() indexes an MSet that starts
// further down as if it did not (it crashed in request_doc).
std::vector<Xapian::Document> FetchFrom(const Xapian::MSet& mset, Xapian::doccount first) {
  std::vector<Xapian::Document> documents;
  if (first >= mset.size()) return documents;
  mset.fetch(mset[first], mset.end());
  documents.reserve(mset.size() - first);
  for (auto it = mset[first]; it != mset.end(); ++it) documents.push_back(it.get_document());
  return documents;
}

// Accepts matches one by one as Xapian's matcher would: the decider, then
// the spy, then the collapse (the first document of a key in rank order).
class Acceptor {
 public:
  explicit Acceptor(const PortableMatchOptions& options) : options_(options) {}

  bool Accept(const Xapian::Document& doc) {
    if (options_.decider != nullptr && !(*options_.decider)(doc)) return false;
    if (options_.spy) options_.spy(doc);
    if (!options_.collapse) return true;
    const std::string key = doc.get_value(schema::kSlotTranslationKey);
    return key.empty() || keys_.insert(key).second;
  }

 private:
  const PortableMatchOptions& options_;
  std::set<std::string> keys_;
};

}  // namespace

AcceptedMatches MatchPortably(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount wanted,
                              const PortableMatchOptions& options) {
  AcceptedMatches matches;
  Acceptor acceptor(options);
  Xapian::doccount examined = 0;
  Xapian::doccount window = std::max(kFirstWindow, wanted + wanted / 2);
  Xapian::doccount total_estimate = 0;
  while (matches.hits.size() < wanted) {
    Xapian::Enquire enquire(db);
    Prepare(enquire, query, options.unweighted);
    // From rank 0 (FetchFrom), examining the ranks from `from` on.
    const Xapian::doccount from = examined;
    const Xapian::MSet mset = enquire.get_mset(0, from + window);
    total_estimate = mset.get_matches_estimated();
    const std::vector<Xapian::Document> documents = FetchFrom(mset, from);
    size_t index = 0;
    for (auto it = from < mset.size() ? mset[from] : mset.end(); it != mset.end(); ++it, ++index) {
      ++examined;
      const Xapian::Document& doc = documents[index];
      if (!acceptor.Accept(doc)) continue;
      if (matches.hits.size() < wanted) {
        matches.hits.push_back(AcceptedMatch{*it, it.get_weight(), doc, matches.windows.size()});
      }
    }
    matches.windows.push_back(mset);
    if (mset.size() < from + window) {
      matches.exhausted = true;
      break;
    }
    window = std::min(window * 2, kLargestWindow);
  }
  if (matches.exhausted || examined == 0) {
    matches.estimated = static_cast<Xapian::doccount>(matches.hits.size());
  } else {
    // Beyond what was examined, the decider and the collapse are assumed to
    // accept at the rate they did so far (as Xapian scales its estimate).
    const double rate = static_cast<double>(matches.hits.size()) / examined;
    const double rest = total_estimate > examined ? total_estimate - examined : 0;
    matches.estimated = static_cast<Xapian::doccount>(matches.hits.size() + std::lround(rest * rate));
  }
  return matches;
}

}  // namespace helpdex::search

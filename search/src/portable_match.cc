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

// Matches [first, first + size) of `query` in the local match's order, with
// its documents read as the hits are examined.
Xapian::MSet Window(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                    Xapian::doccount size, bool unweighted) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  if (unweighted) enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_sort_by_relevance_then_value(schema::kSlotId, false);
  // Not MSet::fetch(): with the Enquire gone, Xapian 1.4.22 crashed in it.
  return enquire.get_mset(first, size);
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
    const Xapian::MSet mset = Window(db, query, examined, window, options.unweighted);
    total_estimate = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      ++examined;
      const Xapian::Document doc = it.get_document();
      if (!acceptor.Accept(doc)) continue;
      if (matches.hits.size() < wanted) {
        matches.hits.push_back(AcceptedMatch{*it, it.get_weight(), doc, matches.windows.size()});
      }
    }
    matches.windows.push_back(mset);
    if (mset.size() < window) {
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

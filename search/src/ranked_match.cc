#include "ranked_match.h"

#include <set>

#include "helpdex/search/schema.h"
#include "portable_match.h"

namespace helpdex::search {
namespace {

// Which pass a document belongs to: the preferred language's (`in_language`)
// or every other one's, where an article the first pass listed is not a
// result again; then the relevance floor. A decider rather than a boolean
// filter in the query: Xapian 1.4 with a filter term AND-ed over the
// proximity reading's NEAR pairs checked positions for every document of the
// language (1.9 s for one seven-word question on 100,000 documents; 7 ms with
// the decider, tools/bench/README.md, issue 15).
class LanguagePass : public Xapian::MatchDecider {
 public:
  LanguagePass(const std::string& language, bool in_language, const std::set<std::string>* listed,
               const Xapian::MatchDecider* floor)
      : language_(language), in_language_(in_language), listed_(listed), floor_(floor) {}
  bool operator()(const Xapian::Document& doc) const override {
    if ((doc.get_value(schema::kSlotLanguage) == language_) != in_language_) return false;
    if (listed_ != nullptr && !listed_->empty()) {
      const std::string key = doc.get_value(schema::kSlotTranslationKey);
      if (!key.empty() && listed_->count(key) > 0) return false;
    }
    return floor_ == nullptr || (*floor_)(doc);
  }

 private:
  const std::string& language_;
  bool in_language_;
  const std::set<std::string>* listed_;
  const Xapian::MatchDecider* floor_;
};

// One pass: hits [first, first + count) by relevance, ties by id.
Xapian::MSet Match(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                   Xapian::doccount count, bool collapse, const Xapian::MatchDecider* decider) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  // Equal scores come back in id order, the same on one index or on shards.
  enquire.set_sort_by_relevance_then_value(schema::kSlotId, false);
  if (collapse) enquire.set_collapse_key(schema::kSlotTranslationKey);
  return enquire.get_mset(first, count, 0, nullptr, decider);
}

void Append(const Xapian::MSet& mset, RankedPage& page) {
  if (mset.empty()) return;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    page.hits.push_back(RankedHit{*it, it.get_weight(), it.get_document(), page.msets.size()});
  }
  page.msets.push_back(mset);
}

// Hits [first, first + count) of a portable match (portable_match.h), into `page`.
Xapian::doccount AppendPortably(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                                Xapian::doccount count, bool collapse, const Xapian::MatchDecider* decider,
                                RankedPage& page, std::set<std::string>* keys = nullptr) {
  AcceptedMatches matches = MatchPortably(db, query, first + count, {.collapse = collapse, .decider = decider});
  const size_t base = page.msets.size();
  for (size_t i = first; i < matches.hits.size(); ++i) {
    AcceptedMatch& hit = matches.hits[i];
    page.hits.push_back(RankedHit{hit.docid, hit.weight, hit.document, base + hit.window});
  }
  if (keys != nullptr) {
    for (const AcceptedMatch& hit : matches.hits) keys->insert(hit.document.get_value(schema::kSlotTranslationKey));
    keys->erase("");
  }
  page.msets.insert(page.msets.end(), matches.windows.begin(), matches.windows.end());
  return matches.estimated;
}

// RankedMatch over remote shards: the same passes, each a portable match.
// A pass short of its page was read to its end, so its hits are all of it:
// the keys the second pass skips come from the same match.
RankedPage PortableRankedMatch(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                               Xapian::doccount count, const RankedMatchOptions& options) {
  RankedPage page;
  if (options.preferred_language.empty()) {
    page.estimated = AppendPortably(db, query, first, count, options.collapse, options.decider, page);
    return page;
  }
  const LanguagePass in_language(options.preferred_language, true, nullptr, options.decider);
  std::set<std::string> listed;
  const Xapian::doccount in_preferred =
      AppendPortably(db, query, first, count, options.collapse, &in_language, page, options.collapse ? &listed : nullptr);
  const Xapian::doccount shown = static_cast<Xapian::doccount>(page.hits.size());
  if (shown == count) {
    const Xapian::Query language(schema::Term(schema::kLanguage, options.preferred_language));
    const Xapian::Query in_others(Xapian::Query::OP_AND_NOT, query, language);
    page.estimated = in_preferred + Match(db, in_others, 0, 0, false, nullptr).get_matches_estimated();
    return page;
  }
  const LanguagePass in_others(options.preferred_language, false, &listed, options.decider);
  const Xapian::doccount others_first = first > in_preferred ? first - in_preferred : 0;
  page.estimated = in_preferred +
                   AppendPortably(db, query, others_first, count - shown, options.collapse, &in_others, page);
  return page;
}

}  // namespace

RankedPage RankedMatch(const Xapian::Database& db, const Xapian::Query& query, Xapian::doccount first,
                       Xapian::doccount count, const RankedMatchOptions& options) {
  if (options.portable) return PortableRankedMatch(db, query, first, count, options);
  RankedPage page;
  if (options.preferred_language.empty()) {
    const Xapian::MSet mset = Match(db, query, first, count, options.collapse, options.decider);
    Append(mset, page);
    page.estimated = mset.get_matches_estimated();
    return page;
  }
  const Xapian::Query language(schema::Term(schema::kLanguage, options.preferred_language));
  const LanguagePass in_language(options.preferred_language, true, nullptr, options.decider);
  const Xapian::MSet preferred = Match(db, query, first, count, options.collapse, &in_language);
  Append(preferred, page);
  const Xapian::doccount shown = static_cast<Xapian::doccount>(page.hits.size());
  if (shown == count) {
    // The page is full: the other languages only add to the count (Xapian's
    // estimate from the term statistics; nothing is matched).
    const Xapian::Query in_others(Xapian::Query::OP_AND_NOT, query, language);
    page.estimated =
        preferred.get_matches_estimated() + Match(db, in_others, 0, 0, false, nullptr).get_matches_estimated();
    return page;
  }
  // The preferred language is exhausted on this page, so its count is exact
  // (shown == 0: `first` lies beyond it; the match still counted it).
  const Xapian::doccount in_preferred = shown > 0 ? first + shown : preferred.get_matches_estimated();
  std::set<std::string> listed;
  if (options.collapse) {
    // Every article the first pass lists, on this page or an earlier one.
    const Xapian::MSet all =
        first == 0 ? preferred : Match(db, query, 0, in_preferred, options.collapse, &in_language);
    for (auto it = all.begin(); it != all.end(); ++it) {
      listed.insert(it.get_document().get_value(schema::kSlotTranslationKey));
    }
    listed.erase("");
  }
  const LanguagePass in_others(options.preferred_language, false, &listed, options.decider);
  const Xapian::doccount others_first = first > in_preferred ? first - in_preferred : 0;
  const Xapian::MSet others = Match(db, query, others_first, count - shown, options.collapse, &in_others);
  Append(others, page);
  page.estimated = in_preferred + others.get_matches_estimated();
  return page;
}

}  // namespace helpdex::search

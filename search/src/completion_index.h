// The titles and headings that complete what a customer types, held in memory
// per generation: built once from the index's completion terms
// (schema::kCompletion) and the display records behind them, then searched by
// prefix on every keystroke without touching Xapian.
//
//   std::shared_ptr<const CompletionIndex> titles = completions.For(generation, "", db, viewer);
//   titles->ForEachWithPrefix("XCreset your", 50, [&](const CompletionIndex::Entry& entry) {...});
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "helpdex/search/searcher.h"

namespace helpdex::search {

class CompletionIndex {
 public:
  // One way a completion term is shown: the title or heading as written in
  // one language's article.
  struct Variant {
    std::string lang;  // "en", "nb", ...
    std::string text;  // as written ("Reset your password")
    bool title = false;
  };
  struct Entry {
    std::string term;                // the kCompletion term
    Xapian::doccount freq = 0;       // documents with the term
    std::vector<Variant> variants;   // the first per language, in docid order
  };

  // Postings of a term looked at to find how it is shown (the first articles
  // are enough: a title shared by many articles is written the same way).
  static constexpr size_t kPostingsPerTerm = 3;

  // Every completion term of `db` that an article `viewer` may see shows.
  // Reads each such article's display record once per term (at most
  // kPostingsPerTerm). May throw Xapian::Error.
  static CompletionIndex Build(const Xapian::Database& db, const Viewer& viewer);

  // Calls `visit` for the entries whose term starts with `prefix`, in term
  // order, at most `limit` of them.
  void ForEachWithPrefix(std::string_view prefix, size_t limit,
                         const std::function<void(const Entry&)>& visit) const;

  // The entry of exactly this term, or nullptr.
  const Entry* Find(std::string_view term) const;

  // How `entry` is shown on a page in `page_language` ("" = any): that
  // language's variant when there is one, else the first.
  static const Variant& ShownIn(const Entry& entry, std::string_view page_language);

  size_t size() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;  // sorted by term
};

// The CompletionIndex of the live generation, shared by an Index's Searchers:
// built by the first suggestion on a new generation (the others wait for it),
// dropped when a newer generation's is built. Generations are told apart by
// the Index's epoch (a generation replaced under its number is another epoch),
// unless `source` names what it is built from: over an operator's stub the
// epoch moves every few seconds (its Searchers are renewed to reconnect to
// remote shards) while the lexicon it reads stays the same, and rebuilding
// from a lexicon of 1,000,000 articles each time would stall suggestions.
class GenerationCompletions {
 public:
  // `source`: the identity of `db` (its UUID and revision), or "" to go by
  // the epoch alone. May throw Xapian::Error (building reads the index).
  std::shared_ptr<const CompletionIndex> For(long epoch, const std::string& source, const Xapian::Database& db,
                                             const Viewer& viewer);

 private:
  std::mutex mutex_;
  long epoch_ = 0;                                 // guarded by mutex_
  std::string source_;                             // guarded by mutex_
  std::shared_ptr<const CompletionIndex> index_;   // guarded by mutex_
};

}  // namespace helpdex::search

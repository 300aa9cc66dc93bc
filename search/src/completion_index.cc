#include "completion_index.h"

#include <algorithm>

#include "helpdex/search/analysis.h"
#include "helpdex/search/document.h"
#include "helpdex/search/schema.h"
#include "suggest.h"

namespace helpdex::search {
namespace {

// The title or heading of `record` whose completion term is `term`, as
// written, and whether it is the title; nullopt when none is.
std::optional<CompletionIndex::Variant> TextWithTerm(const DisplayRecord& record, const std::string& term) {
  const Analyzer& analyzer = AnalyzerFor(record.language);
  const std::string lang(LanguageCode(record.language));
  if (CompletionTerm(analyzer.Normalize(record.title)) == term) return CompletionIndex::Variant{lang, record.title, true};
  for (const Section& section : record.sections) {
    if (!section.title.empty() && CompletionTerm(analyzer.Normalize(section.title)) == term) {
      return CompletionIndex::Variant{lang, section.title, false};
    }
  }
  return std::nullopt;
}

}  // namespace

CompletionIndex CompletionIndex::Build(const Xapian::Database& db, const Viewer& viewer) {
  CompletionIndex index;
  const std::string prefix(schema::kCompletion);
  for (auto term = db.allterms_begin(prefix); term != db.allterms_end(prefix); ++term) {
    Entry entry{*term, term.get_termfreq(), {}};
    size_t looked = 0;
    for (auto posting = db.postlist_begin(entry.term);
         posting != db.postlist_end(entry.term) && looked < kPostingsPerTerm; ++posting, ++looked) {
      const Xapian::Document doc = db.get_document(*posting);
      if (doc.get_value(schema::kSlotType) != schema::kTypeArticle) continue;
      if (!viewer.agent && doc.get_value(schema::kSlotAudience) != schema::kAudiencePublic) continue;
      Result<DisplayRecord> record = ReadDisplayRecord(doc);
      if (!record.ok()) continue;
      std::optional<Variant> variant = TextWithTerm(*record, entry.term);
      if (!variant) continue;
      const bool known = std::any_of(entry.variants.begin(), entry.variants.end(),
                                     [&](const Variant& v) { return v.lang == variant->lang; });
      if (!known) entry.variants.push_back(std::move(*variant));
    }
    if (!entry.variants.empty()) index.entries_.push_back(std::move(entry));
  }
  // allterms are in byte order already; the binary searches rely on it.
  return index;
}

void CompletionIndex::ForEachWithPrefix(std::string_view prefix, size_t limit,
                                        const std::function<void(const Entry&)>& visit) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), prefix,
                             [](const Entry& entry, std::string_view key) { return entry.term < key; });
  for (size_t seen = 0; it != entries_.end() && seen < limit && it->term.starts_with(prefix); ++it, ++seen) visit(*it);
}

const CompletionIndex::Entry* CompletionIndex::Find(std::string_view term) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), term,
                             [](const Entry& entry, std::string_view key) { return entry.term < key; });
  return it != entries_.end() && it->term == term ? &*it : nullptr;
}

const CompletionIndex::Variant& CompletionIndex::ShownIn(const Entry& entry, std::string_view page_language) {
  for (const Variant& variant : entry.variants) {
    if (variant.lang == page_language) return variant;
  }
  return entry.variants.front();
}

std::shared_ptr<const CompletionIndex> GenerationCompletions::For(long epoch, const std::string& source,
                                                                  const Xapian::Database& db, const Viewer& viewer) {
  std::lock_guard lock(mutex_);
  if (index_ && epoch == epoch_) return index_;
  if (index_ && !source.empty() && source == source_) {
    epoch_ = std::max(epoch_, epoch);
    return index_;
  }
  auto built = std::make_shared<const CompletionIndex>(CompletionIndex::Build(db, viewer));
  // A Searcher of an older generation (a swap under way) gets its own, uncached.
  if (index_ && epoch < epoch_) return built;
  epoch_ = epoch;
  source_ = source;
  index_ = built;
  return index_;
}

}  // namespace helpdex::search

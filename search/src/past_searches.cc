#include "helpdex/search/past_searches.h"

#include <algorithm>
#include <mutex>

#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"

namespace helpdex::search {
namespace {


std::string Key(std::string_view language, std::string_view folded) {
  std::string key(language);
  key.push_back('\t');
  key.append(folded);
  return key;
}

}  // namespace

void PastSearches::Add(std::string_view text, Language language) {
  if (!IsValidUtf8(text)) return;
  std::string typed = CollapseWhitespace(text);
  if (typed.empty() || typed.size() > kMaxSearchBytes) return;
  std::string key = Key(LanguageCode(language), CollapseWhitespace(NormalizeText(typed)));
  std::unique_lock lock(mutex_);
  auto [entry, added] = searches_.try_emplace(std::move(key));
  if (!added) return;
  entry->second = Entry{std::move(typed), next_++};
  if (searches_.size() > kMaxSearches) {
    auto oldest = std::min_element(searches_.begin(), searches_.end(), [](const auto& a, const auto& b) {
      return a.second.added < b.second.added;
    });
    searches_.erase(oldest);
  }
}

std::vector<std::string> PastSearches::Complete(std::string_view prefix, std::optional<Language> language,
                                                size_t limit) const {
  std::vector<std::string> found;
  if (limit == 0 || !IsValidUtf8(prefix)) return found;
  const std::string folded = CollapseWhitespace(NormalizeText(prefix));
  if (folded.empty()) return found;
  std::vector<std::string_view> languages;
  if (language) {
    languages.push_back(LanguageCode(*language));
  } else {
    for (Language each : kAllLanguages) languages.push_back(LanguageCode(each));
  }
  std::vector<const std::string*> matches;
  std::shared_lock lock(mutex_);
  for (std::string_view code : languages) {
    const std::string start = Key(code, folded);
    size_t scanned = 0;
    for (auto it = searches_.lower_bound(start);
         it != searches_.end() && it->first.starts_with(start) && scanned < kMaxScanned; ++it, ++scanned) {
      matches.push_back(&it->second.text);
    }
  }
  // The shortest completion is the most general; ties in text order.
  std::stable_sort(matches.begin(), matches.end(),
                   [](const std::string* a, const std::string* b) { return a->size() < b->size(); });
  for (const std::string* text : matches) {
    if (found.size() >= limit) break;
    found.push_back(*text);
  }
  return found;
}

size_t PastSearches::size() const {
  std::shared_lock lock(mutex_);
  return searches_.size();
}

uint64_t PastSearches::version() const {
  std::shared_lock lock(mutex_);
  return next_;
}

}  // namespace helpdex::search

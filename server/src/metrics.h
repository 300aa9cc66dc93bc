// File: metrics.h
// Prometheus text exposition for GET /metrics. Labels are bounded: `route` is
// one of the server's fixed route names and `code` an HTTP status; request
// text never becomes a label. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "helpdex/stores/events.h"

namespace helpdex::server {

class Metrics {
 public:
  // `route` must be a fixed route name ("api_search"), never request data.
  void CountRequest(std::string_view route, int status);

  // The public index's response cache lookups (search::Index::response_cache_counts).
  struct CacheLookups {
    uint64_t hits = 0;
    uint64_t misses = 0;
  };

  // The exposition text, with the index gauges, cache counters and the event
  // store's counts (nullopt: analytics off) read by the caller.
  std::string Render(long index_generation, long index_documents, CacheLookups cache,
                     const std::optional<stores::EventStoreStats>& events) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // GUARDED_BY(mutex_)
};

}  // namespace helpdex::server

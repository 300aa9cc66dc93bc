// File: metrics.h
// Prometheus text exposition for GET /metrics. Labels are bounded: `route` is
// one of the server's fixed route names and `code` an HTTP status; request
// text never becomes a label. Thread-safe.
#pragma once

#include <atomic>
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

  // A request refused at the HTTP edge (edge_handler.h) before any route:
  // `reason` is a fixed framing reason ("content_length_invalid"), never
  // request data. Also counted as route "edge" in the requests total.
  void CountRejected(std::string_view reason, int status);
  // A connection closed to stay under the connection cap: "idle" (the oldest
  // idle one, to make room) or "refused" (the new one, with 503).
  void CountShedConnection(std::string_view kind);
  void SetOpenConnections(size_t open) { open_connections_ = open; }

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
  std::map<std::string, uint64_t> rejected_;                  // GUARDED_BY(mutex_)
  std::map<std::string, uint64_t> shed_;                      // GUARDED_BY(mutex_)
  std::atomic<size_t> open_connections_{0};
};

}  // namespace helpdex::server

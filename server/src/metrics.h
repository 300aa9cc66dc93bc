// File: metrics.h
// Prometheus text exposition for GET /metrics. Labels are bounded: `route` is
// one of the server's fixed route names and `code` an HTTP status; request
// text never becomes a label. Thread-safe.
#pragma once

#include <atomic>
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "helpdex/stores/events.h"
#include "helpdex/stores/forwarder.h"

namespace helpdex::server {

class Metrics {
 public:
  // `route` must be a fixed route name ("api_search"), never request data.
  // `seconds`: from the request's arrival at the handler to its response
  // being handed to the writer (helpdex_http_request_duration_seconds).
  void CountRequest(std::string_view route, int status, double seconds = 0);

  // The request-duration histogram's upper bounds, in seconds (+Inf implied).
  static constexpr std::array<double, 12> kDurationBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,   0.25,   0.5,   1,    2.5,   5};

  // A request refused at the HTTP edge (edge_handler.h) before any route:
  // `reason` is a fixed framing reason ("content_length_invalid"), never
  // request data. Also counted as route "edge" in the requests total.
  void CountRejected(std::string_view reason, int status);
  // A connection closed to stay under the connection cap: "idle" (the oldest
  // idle one, to make room) or "refused" (the new one, with 503).
  void CountShedConnection(std::string_view kind);
  void SetOpenConnections(size_t open) { open_connections_ = open; }
  // A contact message saved (helpdex_contact_messages_total).
  void CountContactMessage() { contact_messages_++; }

  // The public index's response cache lookups (search::Index::response_cache_counts).
  struct CacheLookups {
    uint64_t hits = 0;
    uint64_t misses = 0;
  };

  // One index as /metrics shows it; -1 where it cannot be read.
  struct IndexGauges {
    long generation = -1;
    long documents = -1;
    double age_seconds = -1;  // since its generation was built
  };

  // What the caller reads for one exposition: both indexes, the response
  // cache and the event store (nullopt: analytics off).
  struct Readings {
    IndexGauges public_index;
    IndexGauges agent_index;
    CacheLookups cache;
    std::optional<stores::EventStoreStats> events;
    std::optional<stores::ForwarderStats> forwarding;  // nullopt: no forwarding configured
  };

  // The exposition text: the counters kept here, `readings`, and the
  // process's own figures (Prometheus' standard process_* names, from /proc).
  std::string Render(const Readings& readings) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // GUARDED_BY(mutex_)
  std::map<std::string, uint64_t> rejected_;                  // GUARDED_BY(mutex_)
  std::map<std::string, uint64_t> shed_;                      // GUARDED_BY(mutex_)
  struct Histogram {
    std::array<uint64_t, kDurationBuckets.size()> buckets{};  // not cumulative; summed when rendered
    uint64_t count = 0;
    double sum = 0;
  };
  std::map<std::string, Histogram> durations_;                // GUARDED_BY(mutex_)
  std::atomic<size_t> open_connections_{0};
  std::atomic<uint64_t> contact_messages_{0};
};

}  // namespace helpdex::server

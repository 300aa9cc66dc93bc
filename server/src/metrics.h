// File: metrics.h
// Prometheus text exposition for GET /metrics. Labels are bounded: `route` is
// one of the server's fixed route names and `code` an HTTP status; request
// text never becomes a label. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace helpdex::server {

class Metrics {
 public:
  // `route` must be a fixed route name ("api_search"), never request data.
  void CountRequest(std::string_view route, int status);

  // The exposition text, with the index gauges read by the caller.
  std::string Render(long index_generation, long index_documents) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // GUARDED_BY(mutex_)
};

}  // namespace helpdex::server

#include "metrics.h"

#include <sstream>

namespace helpdex::server {

void Metrics::CountRequest(std::string_view route, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
}

void Metrics::CountRejected(std::string_view reason, int status) {
  std::lock_guard lock(mutex_);
  ++rejected_[std::string(reason)];
  ++requests_[{"edge", status}];
}

void Metrics::CountShedConnection(std::string_view kind) {
  std::lock_guard lock(mutex_);
  ++shed_[std::string(kind)];
}

std::string Metrics::Render(long index_generation, long index_documents, CacheLookups cache,
                            const std::optional<stores::EventStoreStats>& events) const {
  std::ostringstream out;
  out << "# HELP helpdex_http_requests_total HTTP requests answered, by route and status.\n"
      << "# TYPE helpdex_http_requests_total counter\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, count] : requests_) {
      out << "helpdex_http_requests_total{route=\"" << key.first << "\",code=\"" << key.second
          << "\"} " << count << "\n";
    }
  }
  out << "# HELP helpdex_http_rejected_total Requests refused for their framing or timed out before any route, by reason.\n"
      << "# TYPE helpdex_http_rejected_total counter\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [reason, count] : rejected_) {
      out << "helpdex_http_rejected_total{reason=\"" << reason << "\"} " << count << "\n";
    }
  }
  out << "# HELP helpdex_http_connections_shed_total Connections closed to stay under the connection cap, by kind.\n"
      << "# TYPE helpdex_http_connections_shed_total counter\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [kind, count] : shed_) {
      out << "helpdex_http_connections_shed_total{kind=\"" << kind << "\"} " << count << "\n";
    }
  }
  out << "# HELP helpdex_http_connections_open Client connections open now.\n"
      << "# TYPE helpdex_http_connections_open gauge\n"
      << "helpdex_http_connections_open " << open_connections_.load() << "\n";
  out << "# HELP helpdex_index_generation The live index generation.\n"
      << "# TYPE helpdex_index_generation gauge\n"
      << "helpdex_index_generation " << index_generation << "\n"
      << "# HELP helpdex_index_documents Public documents in the live generation.\n"
      << "# TYPE helpdex_index_documents gauge\n"
      << "helpdex_index_documents " << index_documents << "\n"
      << "# HELP helpdex_response_cache_lookups_total Search and suggestion requests looked up in the response cache, by result.\n"
      << "# TYPE helpdex_response_cache_lookups_total counter\n"
      << "helpdex_response_cache_lookups_total{result=\"hit\"} " << cache.hits << "\n"
      << "helpdex_response_cache_lookups_total{result=\"miss\"} " << cache.misses << "\n"
      << "# HELP helpdex_analytics_available 1 while events are recorded, 0 when analytics are off "
         "(no data folder, or events.db unusable: see the log's analytics_unavailable line).\n"
      << "# TYPE helpdex_analytics_available gauge\n"
      << "helpdex_analytics_available " << (events ? 1 : 0) << "\n";
  if (events) {
    out << "# HELP helpdex_events_total Analytics events by outcome: recorded (queued), written (rows stored), "
           "dropped (queue full), rate_limited (over a visit's cap), failed (SQLite refused the write).\n"
        << "# TYPE helpdex_events_total counter\n"
        << "helpdex_events_total{result=\"recorded\"} " << events->recorded << "\n"
        << "helpdex_events_total{result=\"written\"} " << events->written << "\n"
        << "helpdex_events_total{result=\"dropped\"} " << events->dropped << "\n"
        << "helpdex_events_total{result=\"rate_limited\"} " << events->rate_limited << "\n"
        << "helpdex_events_total{result=\"failed\"} " << events->failed << "\n"
        << "# HELP helpdex_events_queued Events waiting to be written.\n"
        << "# TYPE helpdex_events_queued gauge\n"
        << "helpdex_events_queued " << events->queued << "\n";
  }
  return out.str();
}

}  // namespace helpdex::server

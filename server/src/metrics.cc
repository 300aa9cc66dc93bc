#include "metrics.h"

#include <sstream>

namespace helpdex::server {

void Metrics::CountRequest(std::string_view route, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
}

std::string Metrics::Render(long index_generation, long index_documents, CacheLookups cache) const {
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
  out << "# HELP helpdex_index_generation The live index generation.\n"
      << "# TYPE helpdex_index_generation gauge\n"
      << "helpdex_index_generation " << index_generation << "\n"
      << "# HELP helpdex_index_documents Public documents in the live generation.\n"
      << "# TYPE helpdex_index_documents gauge\n"
      << "helpdex_index_documents " << index_documents << "\n"
      << "# HELP helpdex_response_cache_lookups_total Search and suggestion requests looked up in the response cache, by result.\n"
      << "# TYPE helpdex_response_cache_lookups_total counter\n"
      << "helpdex_response_cache_lookups_total{result=\"hit\"} " << cache.hits << "\n"
      << "helpdex_response_cache_lookups_total{result=\"miss\"} " << cache.misses << "\n";
  return out.str();
}

}  // namespace helpdex::server

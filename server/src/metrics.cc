#include "metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace helpdex::server {

void Metrics::CountRequest(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  Histogram& histogram = durations_[std::string(route)];
  const auto bucket = std::lower_bound(kDurationBuckets.begin(), kDurationBuckets.end(), seconds);
  if (bucket != kDurationBuckets.end()) ++histogram.buckets[static_cast<size_t>(bucket - kDurationBuckets.begin())];
  ++histogram.count;
  histogram.sum += seconds;
}

namespace {

// The process's own figures, from /proc/self (Linux): resident memory, CPU
// time, open descriptors and start time, under Prometheus' standard names.
void RenderProcess(std::ostream& out) {
  const long page = sysconf(_SC_PAGESIZE);
  const long ticks = sysconf(_SC_CLK_TCK);
  std::ifstream statm("/proc/self/statm");
  long size_pages = 0, resident_pages = 0;
  if (statm >> size_pages >> resident_pages) {
    out << "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
        << "# TYPE process_resident_memory_bytes gauge\n"
        << "process_resident_memory_bytes " << resident_pages * page << "\n"
        << "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
        << "# TYPE process_virtual_memory_bytes gauge\n"
        << "process_virtual_memory_bytes " << size_pages * page << "\n";
  }
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after ") ".
  const size_t close = stat.rfind(')');
  if (close != std::string::npos && ticks > 0) {
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> values{std::istream_iterator<std::string>(fields), std::istream_iterator<std::string>()};
    // Field 14 utime, 15 stime, 22 starttime (1-based over the whole line; the
    // list here starts at field 3).
    if (values.size() > 19) {
      const double cpu = (std::stod(values[11]) + std::stod(values[12])) / static_cast<double>(ticks);
      std::ifstream uptime_file("/proc/uptime");
      double uptime = 0;
      uptime_file >> uptime;
      const double since_boot = std::stod(values[19]) / static_cast<double>(ticks);
      const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
      out << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
          << "# TYPE process_cpu_seconds_total counter\n"
          << "process_cpu_seconds_total " << cpu << "\n"
          << "# HELP process_start_time_seconds Start time of the process since the Unix epoch in seconds.\n"
          << "# TYPE process_start_time_seconds gauge\n"
          << "process_start_time_seconds " << static_cast<long long>(now - uptime + since_boot) << "\n";
    }
  }
  std::error_code error;
  size_t descriptors = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++descriptors;
  }
  rlimit limit{};
  if (!error) {
    out << "# HELP process_open_fds Number of open file descriptors.\n"
        << "# TYPE process_open_fds gauge\n"
        << "process_open_fds " << descriptors << "\n";
  }
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    out << "# HELP process_max_fds Maximum number of open file descriptors.\n"
        << "# TYPE process_max_fds gauge\n"
        << "process_max_fds " << limit.rlim_cur << "\n";
  }
}

// The gauges of one index; `name` is "index" (the public one, as before
// the agent index had gauges) or "agent_index".
void RenderIndex(std::ostream& out, const std::string& name, const char* what, const Metrics::IndexGauges& gauges) {
  out << "# HELP helpdex_" << name << "_generation The live generation of the " << what << " (-1: unreadable).\n"
      << "# TYPE helpdex_" << name << "_generation gauge\n"
      << "helpdex_" << name << "_generation " << gauges.generation << "\n"
      << "# HELP helpdex_" << name << "_documents Documents of the " << what << " its viewer may see.\n"
      << "# TYPE helpdex_" << name << "_documents gauge\n"
      << "helpdex_" << name << "_documents " << gauges.documents << "\n"
      << "# HELP helpdex_" << name << "_age_seconds Seconds since the " << what << "'s live generation was built.\n"
      << "# TYPE helpdex_" << name << "_age_seconds gauge\n"
      << "helpdex_" << name << "_age_seconds " << gauges.age_seconds << "\n";
}

}  // namespace

void Metrics::CountRejected(std::string_view reason, int status) {
  std::lock_guard lock(mutex_);
  ++rejected_[std::string(reason)];
  ++requests_[{"edge", status}];
}

void Metrics::CountShedConnection(std::string_view kind) {
  std::lock_guard lock(mutex_);
  ++shed_[std::string(kind)];
}

std::string Metrics::Render(const Readings& readings) const {
  const CacheLookups& cache = readings.cache;
  const std::optional<stores::EventStoreStats>& events = readings.events;
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
  RenderIndex(out, "index", "public index", readings.public_index);
  RenderIndex(out, "agent_index", "agent index (public and agent databases)", readings.agent_index);
  out << "# HELP helpdex_http_request_duration_seconds Time from a request reaching its route to its response being handed to the writer, by route.\n"
      << "# TYPE helpdex_http_request_duration_seconds histogram\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [route, histogram] : durations_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kDurationBuckets.size(); ++i) {
        cumulative += histogram.buckets[i];
        out << "helpdex_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kDurationBuckets[i]
            << "\"} " << cumulative << "\n";
      }
      out << "helpdex_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << histogram.count
          << "\n"
          << "helpdex_http_request_duration_seconds_sum{route=\"" << route << "\"} " << histogram.sum << "\n"
          << "helpdex_http_request_duration_seconds_count{route=\"" << route << "\"} " << histogram.count << "\n";
    }
  }
  out << "# HELP helpdex_response_cache_lookups_total Search and suggestion requests looked up in the response cache, by result.\n"
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
  out << "# HELP helpdex_contact_messages_total Contact-form messages saved since the start.\n"
      << "# TYPE helpdex_contact_messages_total counter\n"
      << "helpdex_contact_messages_total " << contact_messages_.load() << "\n";
  if (const std::optional<stores::ForwarderStats>& forwarding = readings.forwarding) {
    out << "# HELP helpdex_message_forwards_total Forwarding of contact messages by outcome: forwarded (every "
           "target took it), failed_attempt (an attempt failed; retried or given up), gave_up (marked failed).\n"
        << "# TYPE helpdex_message_forwards_total counter\n"
        << "helpdex_message_forwards_total{result=\"forwarded\"} " << forwarding->forwarded << "\n"
        << "helpdex_message_forwards_total{result=\"failed_attempt\"} " << forwarding->failed_attempts << "\n"
        << "helpdex_message_forwards_total{result=\"gave_up\"} " << forwarding->gave_up << "\n";
  }
  RenderProcess(out);
  return out.str();
}

}  // namespace helpdex::server

// query_times: times Search (or Suggest) in-process, one query at a time, on a
// built index, and prints the latency percentiles and the slowest queries with
// the Xapian query each became (Searcher::DescribeQuery). For finding which
// queries cost what, without HTTP or other requests in the way.
//
// Usage: query_times --index DIR --paths FILE [--suggest] [--slowest N] [--limit N] [--describe] [--warm]
//   --warm: run every request once before timing them (caches and dictionaries loaded)
//   FILE: request paths as tools/bench/load writes them
//   (/api/search?q=...&lang=..., /api/suggest?q=...); q, lang and ui are read.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "helpdex/search/searcher.h"
#include "helpdex/search/text.h"

namespace {

using helpdex::search::PercentDecode;
using helpdex::search::Plus;

// The value of parameter `name` of a request path, decoded; "" when absent.
std::string Parameter(const std::string& path, const std::string& name) {
  const size_t query = path.find('?');
  if (query == std::string::npos) return "";
  size_t start = query + 1;
  while (start < path.size()) {
    size_t end = path.find('&', start);
    if (end == std::string::npos) end = path.size();
    const std::string pair = path.substr(start, end - start);
    if (pair.starts_with(name + "=")) {
      std::optional<std::string> value = PercentDecode(pair.substr(name.size() + 1), Plus::kSpace);
      return value ? *value : "";
    }
    start = end + 1;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string index_dir, paths_file;
  bool suggest = false, describe = false, warm = false;
  size_t slowest = 10, limit = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "query_times: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--index") index_dir = next();
    else if (arg == "--paths") paths_file = next();
    else if (arg == "--suggest") suggest = true;
    else if (arg == "--describe") describe = true;
    else if (arg == "--warm") warm = true;
    else if (arg == "--slowest") slowest = std::stoul(next());
    else if (arg == "--limit") limit = std::stoul(next());
    else {
      std::cerr << "query_times: unknown argument " << arg << "\n";
      return 2;
    }
  }
  if (index_dir.empty() || paths_file.empty()) {
    std::cerr << "usage: query_times --index DIR --paths FILE [--suggest] [--slowest N] [--limit N] [--describe] [--warm]\n";
    return 2;
  }
  auto index = helpdex::search::Index::Open(index_dir, helpdex::search::Viewer::Public());
  if (!index.ok()) {
    std::cerr << "query_times: " << index.error().ToString() << "\n";
    return 1;
  }
  std::ifstream in(paths_file);
  std::vector<std::string> paths;
  for (std::string line; std::getline(in, line) && (limit == 0 || paths.size() < limit);) paths.push_back(line);
  std::vector<std::pair<double, std::string>> times;
  size_t failures = 0;
  for (int pass = warm ? 0 : 1; pass < 2; ++pass) {
  times.clear();
  failures = 0;
  for (const std::string& path : paths) {
    const std::string text = Parameter(path, "q");
    const std::optional<helpdex::Language> lang = helpdex::ParseLanguage(Parameter(path, "lang"));
    const std::optional<helpdex::Language> ui = helpdex::ParseLanguage(Parameter(path, "ui"));
    auto searcher = (*index)->AcquireSearcher();
    if (!searcher.ok()) return 1;
    const auto start = std::chrono::steady_clock::now();
    bool ok = true;
    if (suggest) {
      helpdex::search::SuggestRequest request;
      request.text = text;
      request.only_language = lang;
      request.language = ui;
      ok = (*searcher)->Suggest(request).ok();
    } else {
      helpdex::search::SearchRequest request;
      request.query = text;
      request.language = lang;
      request.query_language = ui;
      ok = (*searcher)->Search(request).ok();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!ok) ++failures;
    times.emplace_back(ms, path);
  }
  }
  if (times.empty()) {
    std::cerr << "query_times: no requests in " << paths_file << "\n";
    return 1;
  }
  std::vector<double> sorted;
  for (const auto& [ms, p] : times) sorted.push_back(ms);
  std::sort(sorted.begin(), sorted.end());
  auto at = [&](double q) { return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))]; };
  double sum = 0;
  for (double ms : sorted) sum += ms;
  std::printf("requests=%zu failures=%zu mean_ms=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", sorted.size(),
              failures, sum / sorted.size(), at(0.5), at(0.9), at(0.99), sorted.back());
  std::sort(times.begin(), times.end(), std::greater<>());
  for (size_t i = 0; i < slowest && i < times.size(); ++i) {
    const std::string text = Parameter(times[i].second, "q");
    std::printf("%8.2f ms  %s\n", times[i].first, text.substr(0, 160).c_str());
    if (describe && !suggest) {
      auto searcher = (*index)->AcquireSearcher();
      helpdex::search::SearchRequest request;
      request.query = text;
      request.language = helpdex::ParseLanguage(Parameter(times[i].second, "lang"));
      request.query_language = helpdex::ParseLanguage(Parameter(times[i].second, "ui"));
      auto description = (*searcher)->DescribeQuery(request);
      if (description.ok()) std::printf("           %s\n", description->substr(0, 1500).c_str());
    }
  }
  return failures == 0 ? 0 : 1;
}

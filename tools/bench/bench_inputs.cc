// bench_inputs: the inputs of the load benchmark (tools/bench/load).
//
//   bench_inputs --data ../shared/data --docs 100000 --out /tmp/helpdex-load
//
// writes into --out (never into the repository: the data sets are not ours):
//   docs.jsonl.gz   every document of DATA/*/docs.jsonl.gz, in folder order, again
//                   and again with new ids ("r<round>/<folder>/<id>") until --docs
//                   documents; the other fields are kept as they are
//   suggest.paths   /api/suggest?q=PREFIX&lang=L for every prefix, from the third
//                   character (code point) on, of every query of DATA/*/queries.jsonl.gz
//   search.paths    /api/search?q=QUERY for every whole query
//   healthz.paths   /healthz
// Queries that repeat across folders (the two SemEval sets share theirs) are
// used once; text over the server's 1024-byte limit is left out. The request
// lists are shuffled with a fixed seed, so that concurrent connections ask
// about different queries, as concurrent customers do, and every run replays
// the same sequence.
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "helpdex/indexer/lines.h"
#include "helpdex/search/text.h"

namespace {

namespace fs = std::filesystem;
using helpdex::search::PercentEncode;
using nlohmann::json;

constexpr size_t kMaxQueryBytes = 1024;  // the server answers 400 beyond it

// Byte offsets where each UTF-8 code point ends.
std::vector<size_t> CodePointEnds(const std::string& text) {
  std::vector<size_t> ends;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool next_starts = i + 1 == text.size() || (static_cast<unsigned char>(text[i + 1]) & 0xC0) != 0x80;
    if (next_starts) ends.push_back(i + 1);
  }
  return ends;
}

std::vector<fs::path> Folders(const fs::path& data) {
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

bool WriteLines(const fs::path& path, std::vector<std::string> lines, unsigned seed) {
  std::mt19937 random(seed);
  std::shuffle(lines.begin(), lines.end(), random);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const std::string& line : lines) out << line << '\n';
  return static_cast<bool>(out);
}

int Usage() {
  std::cerr << "usage: bench_inputs --data DIR --docs N --out DIR\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data;
  fs::path out;
  long wanted = 100000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--data") {
      data = argv[i + 1];
    } else if (flag == "--out") {
      out = argv[i + 1];
    } else if (flag == "--docs") {
      wanted = std::stol(argv[i + 1]);
    } else {
      return Usage();
    }
  }
  if (data.empty() || out.empty() || wanted <= 0 || argc % 2 == 0) return Usage();
  fs::create_directories(out);
  const std::vector<fs::path> folders = Folders(data);

  // Documents, round after round, with new ids.
  const std::string docs_path = (out / "docs.jsonl.gz").string();
  gzFile docs = gzopen(docs_path.c_str(), "wb1");
  if (docs == nullptr) {
    std::cerr << "bench_inputs: cannot write " << docs_path << "\n";
    return 1;
  }
  long written = 0;
  for (int round = 0; written < wanted; ++round) {
    const long before = written;
    for (size_t folder_number = 0; folder_number < folders.size(); ++folder_number) {
      const fs::path& folder = folders[folder_number];
      if (written >= wanted) break;
      const fs::path file = folder / "docs.jsonl.gz";
      if (!fs::exists(file)) continue;
      auto read = helpdex::indexer::ForEachLine(file, [&](int, const std::string& line) -> std::optional<helpdex::Error> {
        if (written >= wanted) return std::nullopt;
        json doc = json::parse(line, nullptr, false);
        if (!doc.is_object() || !doc.contains("id")) return std::nullopt;
        const std::string id = doc["id"].is_string() ? doc["id"].get<std::string>() : doc["id"].dump();
        std::string new_id = "r";  // appended step by step: GCC 12 warns (-Wrestrict) on "r" + std::string
        new_id += std::to_string(round);
        new_id += 'f';
        new_id += std::to_string(folder_number);
        new_id += '-';
        new_id += id;
        doc["id"] = new_id;
        const std::string text = doc.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
        gzwrite(docs, text.data(), static_cast<unsigned>(text.size()));
        ++written;
        return std::nullopt;
      });
      if (!read.ok()) {
        std::cerr << "bench_inputs: " << read.error().ToString() << "\n";
        gzclose(docs);
        return 1;
      }
    }
    if (written == before) break;  // no documents at all
  }
  if (gzclose(docs) != Z_OK) {
    std::cerr << "bench_inputs: cannot write " << docs_path << "\n";
    return 1;
  }

  // Queries: every prefix for suggest, the whole text for search.
  std::set<std::pair<std::string, std::string>> queries;  // (lang, text)
  for (const fs::path& folder : folders) {
    const fs::path file = folder / "queries.jsonl.gz";
    if (!fs::exists(file)) continue;
    auto read = helpdex::indexer::ForEachLine(file, [&](int, const std::string& line) -> std::optional<helpdex::Error> {
      json query = json::parse(line, nullptr, false);
      if (!query.is_object()) return std::nullopt;
      const std::string text = query.value("text", "");
      if (!text.empty()) queries.emplace(query.value("lang", ""), text);
      return std::nullopt;
    });
    if (!read.ok()) {
      std::cerr << "bench_inputs: " << read.error().ToString() << "\n";
      return 1;
    }
  }
  std::vector<std::string> suggest;
  std::vector<std::string> search;
  for (const auto& [lang, text] : queries) {
    const std::string lang_parameter = lang.empty() ? "" : "&lang=" + PercentEncode(lang);
    const std::vector<size_t> ends = CodePointEnds(text);
    for (size_t k = 3; k <= ends.size(); ++k) {
      if (ends[k - 1] > kMaxQueryBytes) break;
      suggest.push_back("/api/suggest?q=" + PercentEncode(text.substr(0, ends[k - 1])) + lang_parameter);
    }
    if (text.size() <= kMaxQueryBytes) search.push_back("/api/search?q=" + PercentEncode(text));
  }
  if (!WriteLines(out / "suggest.paths", suggest, 1) || !WriteLines(out / "search.paths", search, 2) ||
      !WriteLines(out / "healthz.paths", {"/healthz"}, 3)) {
    std::cerr << "bench_inputs: cannot write the request lists into " << out << "\n";
    return 1;
  }
  std::cout << "documents " << written << "\nqueries " << queries.size() << "\nsuggest_requests " << suggest.size()
            << "\nsearch_requests " << search.size() << "\n";
  return 0;
}

#include "helpdex/search/index_layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

namespace helpdex::search {

std::filesystem::path PublicStubPath(const std::filesystem::path& index_dir) {
  return index_dir / "public";
}

std::filesystem::path AgentStubPath(const std::filesystem::path& index_dir) {
  return index_dir / "agent";
}

std::filesystem::path CurrentLinkPath(const std::filesystem::path& index_dir) {
  return index_dir / "current";
}

std::filesystem::path ShardStubPath(const std::filesystem::path& index_dir, int shard, bool agent) {
  return index_dir / "shards" / std::to_string(shard) / (agent ? "agent" : "public");
}

std::filesystem::path LexiconPath(const std::filesystem::path& index_dir, bool viewer_is_agent) {
  return index_dir / "lexicon" / (viewer_is_agent ? "agent" : "public");
}

std::string GenerationDirName(long generation) {
  char name[32];
  std::snprintf(name, sizeof name, "gen-%06ld", generation);
  return name;
}

std::string GenerationViewsName(long generation) { return GenerationDirName(generation) + "/views"; }

std::string ShardDirName(int shard) { return "shard-" + std::to_string(shard); }

int ShardOf(std::string_view shard_key, int shards) {
  // FNV-1a, 64 bits (offset basis and prime from the FNV reference): short,
  // fast, and the same everywhere, unlike std::hash.
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char byte : shard_key) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  }
  return 1 + static_cast<int>(hash % static_cast<uint64_t>(shards));
}

std::string ShardKey(std::string_view type, std::string_view id) {
  return type == "ticket" ? "ticket:" + std::string(id) : std::string(id);
}

int GenerationShardCount(const std::filesystem::path& index_dir, long generation) {
  int shards = 0;
  std::error_code ec;
  while (std::filesystem::is_directory(index_dir / GenerationDirName(generation) / ShardDirName(shards + 1), ec)) {
    ++shards;
  }
  return shards;
}

namespace {

std::optional<long> StubGeneration(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  static const std::regex kStubLine(R"(^auto gen-(\d+)/(shard-\d+/)?(public|agent)\s*$)");
  std::smatch match;
  if (!std::regex_match(line, match, kStubLine)) return std::nullopt;
  return std::stol(match[1].str());
}

}  // namespace

std::optional<long> ReadStubGeneration(const std::filesystem::path& stub) {
  std::ifstream in(stub);
  if (!in) return std::nullopt;
  return StubGeneration(in);
}

std::optional<long> ReadCurrentGeneration(const std::filesystem::path& index_dir) {
  char target[256];
  const ssize_t length = ::readlink(CurrentLinkPath(index_dir).c_str(), target, sizeof target - 1);
  if (length <= 0) return std::nullopt;
  static const std::regex kTarget(R"(^gen-(\d+)/views$)");
  const std::string text(target, static_cast<size_t>(length));
  std::smatch match;
  if (!std::regex_match(text, match, kTarget)) return std::nullopt;
  return std::stol(match[1].str());
}

std::optional<ViewIdentity> ReadViewIdentity(const std::filesystem::path& stub) {
  // One open: the contents and the identity come from the same file, so a
  // rename in between cannot pair them wrongly.
  const int fd = ::open(stub.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  char buffer[512];
  ssize_t length = -1;
  if (::fstat(fd, &info) == 0) length = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  if (length <= 0) return std::nullopt;
  std::istringstream in(std::string(buffer, static_cast<size_t>(length)));
  std::optional<long> generation = StubGeneration(in);
  if (!generation) return std::nullopt;
  return ViewIdentity{*generation, info.st_dev, info.st_ino};
}

std::vector<std::filesystem::path> ViewDatabasePaths(const std::filesystem::path& index_dir, long generation,
                                                     bool viewer_is_agent) {
  const std::filesystem::path gen_dir = index_dir / GenerationDirName(generation);
  const std::filesystem::path stub = gen_dir / "views" / (viewer_is_agent ? "agent" : "public");
  std::error_code ec;
  if (!std::filesystem::exists(stub, ec)) {
    // The older layout: the views were plain stub files in DIR.
    std::vector<std::filesystem::path> paths{gen_dir / "public"};
    if (viewer_is_agent) paths.push_back(gen_dir / "agent");
    return paths;
  }
  std::ifstream in(stub);
  std::vector<std::filesystem::path> paths;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // Only the lines the indexer writes: "auto gen-N/...", relative to DIR.
    if (!line.starts_with("auto gen-") || line.find("..") != std::string::npos) return {};
    paths.push_back(index_dir / line.substr(5));
  }
  return paths;
}

std::optional<std::filesystem::path> GenerationLexiconPath(const std::filesystem::path& index_dir, long generation,
                                                           bool viewer_is_agent) {
  const std::filesystem::path lexicon =
      index_dir / GenerationDirName(generation) / "lexicon" / (viewer_is_agent ? "agent" : "public");
  std::error_code ec;
  if (!std::filesystem::is_directory(lexicon, ec)) return std::nullopt;
  return lexicon;
}

}  // namespace helpdex::search

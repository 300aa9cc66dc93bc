#include "helpdex/search/index_layout.h"

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

std::string GenerationDirName(long generation) {
  char name[32];
  std::snprintf(name, sizeof name, "gen-%06ld", generation);
  return name;
}

std::optional<long> ReadStubGeneration(const std::filesystem::path& stub) {
  std::ifstream in(stub);
  if (!in) return std::nullopt;
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  static const std::regex kStubLine(R"(^auto gen-(\d+)/(public|agent)\s*$)");
  std::smatch match;
  if (!std::regex_match(line, match, kStubLine)) return std::nullopt;
  return std::stol(match[1].str());
}

}  // namespace helpdex::search

#include "helpdex/search/index_layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

std::string GenerationDirName(long generation) {
  char name[32];
  std::snprintf(name, sizeof name, "gen-%06ld", generation);
  return name;
}

std::string GenerationViewsName(long generation) { return GenerationDirName(generation) + "/views"; }

namespace {

std::optional<long> StubGeneration(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  static const std::regex kStubLine(R"(^auto gen-(\d+)/(public|agent)\s*$)");
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

}  // namespace helpdex::search

#include "operator_stub.h"

#include <algorithm>

#include <xapian/dbfactory.h>

#include <fstream>

#include "helpdex/search/index_layout.h"
#include "helpdex/search/xapian_error.h"

namespace helpdex::search {
namespace {

std::string_view TrimSpace(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

Error BadLine(const std::filesystem::path& stub, int line, const std::string& why) {
  return Error{ErrorCode::kIndexUnavailable, "line " + std::to_string(line) + ": " + why,
               stub.string() + ":" + std::to_string(line)};
}

// "HOST:PORT" (the last colon splits, so that "[::1]:33333" works too).
std::optional<ShardLine> RemoteTcp(std::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) return std::nullopt;
  const std::string_view port_text = address.substr(colon + 1);
  unsigned port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535) return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  std::string host(address.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  ShardLine shard;
  shard.kind = ShardLine::Kind::kRemoteTcp;
  shard.host = std::move(host);
  shard.port = port;
  return shard;
}

Result<ShardLine> ParseLine(const std::filesystem::path& stub, int number, std::string_view text) {
  const size_t space = text.find_first_of(" \t");
  const std::string_view kind = text.substr(0, space);
  const std::string_view rest = space == std::string_view::npos ? std::string_view() : TrimSpace(text.substr(space));
  if (rest.empty()) return BadLine(stub, number, "'" + std::string(kind) + "' needs an argument");
  if (kind == "remote") {
    if (rest.starts_with("tcp ") || rest.starts_with("tcp\t")) {
      return BadLine(stub, number, "Xapian 1.4 writes a tcp shard as 'remote HOST:PORT', not 'remote tcp HOST PORT'");
    }
    ShardLine shard;
    if (rest.front() == ':') {
      const std::string_view command = rest.substr(1);
      const size_t gap = command.find_first_of(" \t");
      shard.kind = ShardLine::Kind::kRemoteProgram;
      shard.program = std::string(command.substr(0, gap));
      shard.arguments = gap == std::string_view::npos ? std::string() : std::string(TrimSpace(command.substr(gap)));
    } else if (std::optional<ShardLine> tcp = RemoteTcp(rest)) {
      shard = std::move(*tcp);
    } else {
      return BadLine(stub, number, "'remote' takes HOST:PORT (or :PROGRAM ARGS), not '" + std::string(rest) + "'");
    }
    shard.line = number;
    return shard;
  }
  if (kind == "auto" || kind == "glass") {
    ShardLine shard;
    shard.kind = ShardLine::Kind::kLocal;
    const std::filesystem::path path{std::string(rest)};
    // Relative to the stub's folder, as Xapian reads stubs.
    shard.path = path.is_absolute() ? path : stub.parent_path() / path;
    shard.line = number;
    return shard;
  }
  return BadLine(stub, number, "unknown kind '" + std::string(kind) + "' (helpdex reads 'remote' and 'auto' lines)");
}

Xapian::Database OpenShard(const ShardLine& shard, const RemoteShardOptions& options) {
  const auto timeout = static_cast<useconds_t>(options.timeout.count());
  const auto connect_timeout = static_cast<useconds_t>(options.connect_timeout.count());
  switch (shard.kind) {
    case ShardLine::Kind::kRemoteTcp:
      return Xapian::Remote::open(shard.host, shard.port, timeout, connect_timeout);
    case ShardLine::Kind::kRemoteProgram:
      return Xapian::Remote::open(shard.program, shard.arguments, timeout);
    case ShardLine::Kind::kLocal:
      break;
  }
  return Xapian::Database(shard.path.string());
}

}  // namespace

std::string ShardLine::Describe() const {
  switch (kind) {
    case Kind::kRemoteTcp:
      return "remote " + host + ":" + std::to_string(port);
    case Kind::kRemoteProgram:
      return "remote :" + program + (arguments.empty() ? "" : " " + arguments);
    case Kind::kLocal:
      break;
  }
  return "auto " + path.string();
}

Result<std::vector<ShardLine>> ParseOperatorStub(const std::filesystem::path& stub) {
  std::ifstream in(stub);
  if (!in) return Error{ErrorCode::kIndexUnavailable, "cannot read the stub file", stub.string()};
  std::vector<ShardLine> shards;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = TrimSpace(line);
    if (text.empty() || text.front() == '#') continue;
    Result<ShardLine> shard = ParseLine(stub, number, text);
    if (!shard.ok()) return shard.error();
    shards.push_back(std::move(shard).value());
  }
  if (shards.empty()) return Error{ErrorCode::kIndexUnavailable, "the stub lists no shard", stub.string()};
  return shards;
}

bool LooksLikeOperatorStub(const std::filesystem::path& stub) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(stub, ignored) && !ReadViewIdentity(stub);
}

bool OperatorStubUsable(const std::filesystem::path& stub, const std::filesystem::path& lexicon) {
  Result<std::vector<ShardLine>> shards = ParseOperatorStub(stub);
  if (!shards.ok()) return false;
  const bool remote = std::any_of(shards->begin(), shards->end(),
                                  [](const ShardLine& shard) { return shard.kind != ShardLine::Kind::kLocal; });
  std::error_code ignored;
  return !remote || std::filesystem::exists(lexicon, ignored);
}

Result<OpenedShards> OpenOperatorStub(const std::filesystem::path& stub, const std::filesystem::path& lexicon,
                                      const RemoteShardOptions& options) {
  Result<std::vector<ShardLine>> shards = ParseOperatorStub(stub);
  if (!shards.ok()) return shards.error();
  OpenedShards opened;
  std::string listed;
  for (const ShardLine& shard : *shards) {
    if (shard.kind != ShardLine::Kind::kLocal) opened.remote = true;
    listed += (listed.empty() ? "" : ", ") + shard.Describe();
  }
  opened.where = stub.string() + " (" + listed + ")";
  for (const ShardLine& shard : *shards) {
    const std::string where = stub.string() + ":" + std::to_string(shard.line) + " (" + shard.Describe() + ")";
    Result<bool> added = GuardXapian("opening the shard", where, [&]() -> Result<bool> {
      opened.db.add_database(OpenShard(shard, options));
      return true;
    });
    if (!added.ok()) return added.error();
  }
  std::error_code ignored;
  if (std::filesystem::exists(lexicon, ignored)) {
    Result<bool> added = GuardXapian("opening the lexicon", lexicon.string(), [&]() -> Result<bool> {
      opened.lexicon = Xapian::Database(lexicon.string());
      return true;
    });
    if (!added.ok()) return added.error();
  } else if (opened.remote) {
    return Error{ErrorCode::kIndexUnavailable,
                 "the stub lists remote shards, which serve no spelling, synonyms or completions, and the local "
                 "lexicon they come from is missing: write it (helpdex index) at " + lexicon.string(),
                 lexicon.string()};
  } else {
    opened.lexicon = opened.db;
  }
  return opened;
}

}  // namespace helpdex::search

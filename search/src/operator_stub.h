// An operator's stub: DIR/public or DIR/agent written by hand (not by
// helpdex index) to list shards, in Xapian 1.4's stub syntax:
//
//   # one shard a line; blank lines and '#' comments are skipped
//   remote 10.0.0.11:33333        shard served by xapian-tcpsrv (not "remote tcp ...")
//   remote :ssh search2 xapian-progsrv /srv/helpdex/shards/2/public
//   auto shards/3/public          a local database or stub, relative to the stub's folder
//
// helpdex reads the lines itself (rather than Xapian::Database(stub)) so that
// remote shards get bounded timeouts (Xapian's default is 10 s an operation)
// and an error can name the shard. The remote backend serves no spelling or
// synonyms, so a stub with remote lines needs a local lexicon,
// DIR/lexicon/<view> (searcher.h).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "helpdex/search/error.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {

struct ShardLine {
  enum class Kind { kRemoteTcp, kRemoteProgram, kLocal };
  Kind kind = Kind::kLocal;
  std::string host;             // kRemoteTcp
  unsigned port = 0;            // kRemoteTcp
  std::string program;          // kRemoteProgram
  std::string arguments;        // kRemoteProgram
  std::filesystem::path path;   // kLocal, absolute (resolved against the stub's folder)
  int line = 0;                 // 1-based, for errors

  // "remote 10.0.0.11:33333", "auto /var/index/shards/1/public": for errors.
  std::string Describe() const;
};

// The shards an operator's stub lists; kIndexUnavailable naming the file and
// line for a line helpdex cannot read, or for a stub with no shard.
Result<std::vector<ShardLine>> ParseOperatorStub(const std::filesystem::path& stub);

// True when `stub` is a file that is not a helpdex generation stub
// (ReadViewIdentity() cannot read it): an operator's stub, or garbage, which
// ParseOperatorStub() then reports.
bool LooksLikeOperatorStub(const std::filesystem::path& stub);

struct OpenedShards {
  Xapian::Database db;       // every shard, added in the stub's order
  Xapian::Database lexicon;  // DIR/lexicon/<view>, or `db` when absent and every shard is local
  bool remote = false;       // some shard is remote: portable matches (portable_match.h)
  std::string where;         // "DIR/public (remote 10.0.0.11:33333, ...)", for errors
};

// Whether `stub` can work once its shards answer: it parses, lists a shard,
// and has the lexicon it needs (remote lines) at `lexicon`. Connects to
// nothing.
bool OperatorStubUsable(const std::filesystem::path& stub, const std::filesystem::path& lexicon);

// Opens the shards of `stub` with the timeouts of `options`, and the
// lexicon `lexicon` when it exists. kIndexUnavailable naming the shard that
// cannot be reached or opened, and for remote shards without a lexicon.
Result<OpenedShards> OpenOperatorStub(const std::filesystem::path& stub, const std::filesystem::path& lexicon,
                                      const RemoteShardOptions& options);

}  // namespace helpdex::search

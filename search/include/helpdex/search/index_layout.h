// File: index_layout.h
// How a published index directory is laid out on disk. The indexer writes it
// (helpdex::indexer::PublishGeneration, indexer.h), the searcher reads it;
// both use these functions.
//
//   DIR/gen-000042/public/        Xapian glass database: public articles only
//   DIR/gen-000042/agent/         Xapian glass database: internal articles, tickets
//   DIR/gen-000042/views/public   stub file: "auto gen-000042/public"
//   DIR/gen-000042/views/agent    stub file: "auto gen-000042/public" + "auto gen-000042/agent"
//   DIR/current -> gen-000042/views   symbolic link: THE published generation
//   DIR/public  -> current/public     symbolic link, made once, never changed
//   DIR/agent   -> current/agent      symbolic link, made once, never changed
//   DIR/.lock                     held by the one indexer allowed to write DIR
//
// One pointer: both views (DIR/public and DIR/agent) resolve through
// DIR/current, so publishing generation N is one rename(2) of DIR/current,
// and at every instant both views name the same complete generation, old or
// new. Xapian reads a stub's relative paths against the folder of the path it
// was given (DIR), so `xapian-delve DIR/public`, `quest -d DIR/public` and
// `Xapian::Database("DIR/agent")` open generation N's databases directly, never
// through the DIR/current link (a reader's lazily opened tables cannot mix
// generations when the link changes).
//
// Invariants the indexer keeps (and tests/indexer/publish_crash_test.cc checks
// after a SIGKILL at every step of a publish):
//   - a generation that DIR/current names, or a view names, is complete (its
//     databases committed and fsynced) and is never written, rebuilt or
//     deleted while any view names it;
//   - a new generation is numbered above the live one and every generation a
//     view names, so a number a reader may have seen is never reused for other
//     contents; only folders newer than the live generation that no view
//     names (half-built by an interrupted run, never published) are removed
//     and their numbers used again.
// A sharded index (`helpdex index --shards N`) spreads the documents of each
// generation over N shards (ShardOf) and adds a lexicon per view:
//
//   DIR/gen-000042/shard-K/{public,agent}/    Xapian databases, K = 1..N
//   DIR/gen-000042/lexicon/{public,agent}/    spelling, synonyms, completions
//   DIR/gen-000042/views/public       "auto gen-000042/shard-1/public" ... one line a shard
//   DIR/gen-000042/views/agent        every shard's public line, then every shard's agent line
//   DIR/gen-000042/views/shards/K/public   "auto ../../gen-000042/shard-K/public"
//   DIR/gen-000042/views/shards/K/agent    "auto ../../gen-000042/shard-K/agent"
//   DIR/gen-000042/views/lexicon/public    "auto ../gen-000042/lexicon/public" (and agent)
//   DIR/gen-000042/views/generation -> ..  for copying the live generation (kLiveGenerationLink)
//   DIR/shards/K/public -> ../../current/shards/K/public   made once, like DIR/public
//   DIR/shards/K/agent  -> ../../current/shards/K/agent
//   DIR/lexicon/public  -> ../current/lexicon/public       (and agent)
//
// The per-shard and lexicon stubs name their databases relative to the
// folder of their stable path (DIR/shards/K, DIR/lexicon), since that is the
// path a reader (one xapian-tcpsrv per shard) opens. Everything still
// resolves through DIR/current: one rename publishes every shard and lexicon.
// The lexicon holds what Xapian 1.4 does not serve over its remote backend
// and what must not depend on how documents are spread: the view's spelling
// dictionary and synonyms (as an unsharded index holds them) and one
// document per article with completion terms (schema::kCompletion), with
// those terms and all the article's values, in the unsharded view's order.
// The shards hold neither spelling nor synonyms. The generation keeps its
// unsharded databases gen-N/{public,agent} too, as the indexer's working
// copy (the next run starts from them); no view names them.
//
// Layouts written before the DIR/current link (DIR/public and DIR/agent as
// plain stub files) are read as they are; the next `helpdex index` turns them
// into the links above, view by view, each naming a complete generation.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace helpdex::search {

std::filesystem::path PublicStubPath(const std::filesystem::path& index_dir);   // DIR/public
std::filesystem::path AgentStubPath(const std::filesystem::path& index_dir);    // DIR/agent
std::filesystem::path CurrentLinkPath(const std::filesystem::path& index_dir);  // DIR/current
// DIR/shards/K/public or DIR/shards/K/agent: the stable path of shard K's
// view (K from 1), for one xapian-tcpsrv per shard.
std::filesystem::path ShardStubPath(const std::filesystem::path& index_dir, int shard, bool agent);
// DIR/lexicon/public or DIR/lexicon/agent: the stable path of a view's
// lexicon (sharded indexes only).
std::filesystem::path LexiconPath(const std::filesystem::path& index_dir, bool viewer_is_agent);
std::string GenerationDirName(long generation);  // "gen-000042"
// "gen-000042/views": the target of DIR/current, relative to DIR.
std::string GenerationViewsName(long generation);
std::string ShardDirName(int shard);  // "shard-3"

// The shard (1..shards) a document belongs to: 1 + FNV-1a 64 of
// ShardKey(type, id), mod shards. Stable across runs, machines and
// versions: changing it moves documents between shards.
int ShardOf(std::string_view shard_key, int shards);
// What ShardOf hashes: the document's id, "ticket:ID" for a ticket
// (articles and tickets have separate id spaces).
std::string ShardKey(std::string_view type, std::string_view id);

// DIR/gen-N/views/generation -> ".." (a sharded generation only): through
// DIR/current, "current/generation/shard-K/public" names the live
// generation's databases with no ".." in the path, as xapian-replicate-server
// requires of a master's name (tools/replicate).
inline constexpr const char* kLiveGenerationLink = "generation";

// User metadata of each lexicon database: the generation it was written for
// and the number of shards ("42", "2"). A replica reads them from a copy of
// the live lexicon (tools/replicate).
inline constexpr const char* kLexiconGenerationKey = "helpdex.generation";
inline constexpr const char* kLexiconShardsKey = "helpdex.shards";

// The number of shards of generation `generation` (its shard-K folders), 0
// for an unsharded generation.
int GenerationShardCount(const std::filesystem::path& index_dir, long generation);

// The databases generation `generation`'s view names, as paths under DIR:
// the `auto` lines of DIR/gen-N/views/{public,agent} resolved against DIR
// (each shard's public database, then, for the agent view, each shard's
// agent database). A generation of the older layout (no views folder) has
// DIR/gen-N/public (+ DIR/gen-N/agent). Empty when the stub is unreadable or
// has a line of another kind.
std::vector<std::filesystem::path> ViewDatabasePaths(const std::filesystem::path& index_dir, long generation,
                                                     bool viewer_is_agent);

// DIR/gen-N/lexicon/{public,agent} when generation N has one (a sharded
// generation), else nullopt.
std::optional<std::filesystem::path> GenerationLexiconPath(const std::filesystem::path& index_dir, long generation,
                                                           bool viewer_is_agent);

// The generation a stub file names (following symbolic links), or nullopt if
// it is missing or unreadable. Its first line is read: "auto gen-N/public",
// "auto gen-N/agent" or, sharded, "auto gen-N/shard-K/public".
std::optional<long> ReadStubGeneration(const std::filesystem::path& stub);

// The generation DIR/current points at, or nullopt (no link: an index of the
// older layout, or nothing published yet).
std::optional<long> ReadCurrentGeneration(const std::filesystem::path& index_dir);

// What a reader has open: the generation a view names and the identity of
// the stub file it resolved to (device and inode). A generation folder that
// was deleted and written again under the same number (an index of the older
// layout, or an operator's copy) has another identity, so readers drop what
// they opened before instead of reading removed files.
struct ViewIdentity {
  long generation = 0;
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const ViewIdentity&) const = default;
};
std::optional<ViewIdentity> ReadViewIdentity(const std::filesystem::path& stub);

}  // namespace helpdex::search

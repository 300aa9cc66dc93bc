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
// Layouts written before the DIR/current link (DIR/public and DIR/agent as
// plain stub files) are read as they are; the next `helpdex index` turns them
// into the links above, view by view, each naming a complete generation.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace helpdex::search {

std::filesystem::path PublicStubPath(const std::filesystem::path& index_dir);   // DIR/public
std::filesystem::path AgentStubPath(const std::filesystem::path& index_dir);    // DIR/agent
std::filesystem::path CurrentLinkPath(const std::filesystem::path& index_dir);  // DIR/current
std::string GenerationDirName(long generation);  // "gen-000042"
// "gen-000042/views": the target of DIR/current, relative to DIR.
std::string GenerationViewsName(long generation);

// The generation a stub file names (following symbolic links), or nullopt if
// it is missing or unreadable.
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

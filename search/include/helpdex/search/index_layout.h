// File: index_layout.h
// How a published index directory is laid out on disk. The indexer writes it,
// the searcher reads it; both use these functions.
//
//   DIR/gen-000042/public/   Xapian glass database: public articles only
//   DIR/gen-000042/agent/    Xapian glass database: internal articles, tickets
//   DIR/public               stub file: "auto gen-000042/public"
//   DIR/agent                stub file: both databases of the same generation
//
// A new generation is built beside the live one, then each stub is replaced by
// rename(2), so a reader always opens one complete generation. `xapian-delve
// DIR/public` and `quest -d DIR/public` work on it directly.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace helpdex::search {

std::filesystem::path PublicStubPath(const std::filesystem::path& index_dir);
std::filesystem::path AgentStubPath(const std::filesystem::path& index_dir);
std::string GenerationDirName(long generation);  // "gen-000042"

// The generation a stub file names, or nullopt if it is missing or unreadable.
std::optional<long> ReadStubGeneration(const std::filesystem::path& stub);

}  // namespace helpdex::search

// `helpdex learned` (the phrasings learned from customers, and removing one)
// and the learning step of `helpdex index --data DIR`; see
// helpdex/stores/learned.h.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "helpdex/indexer/indexer.h"

namespace helpdex::cli {

// Adds `learned --data DIR --index DIR [--json] [--remove ID]` to `app`.
CLI::App* AddLearnedCommand(CLI::App& app);

// Exit code: 0 on success, 1 when --remove names no phrasing, 2 on bad usage
// or a broken store.
int RunLearnedCommand(CLI::App* learned);

// `helpdex index ... --data DIR`: learns from DIR's events against the public
// articles of the published index, then calls `run_index` with
// options.learned filled. On the first build of an index (nothing published to
// learn against) it learns again from the new generation and, when that
// taught something, indexes once more (only the articles that learned are
// written again). Returns run_index's exit code, or 2 when DIR's stores
// cannot be read.
int RunIndexWithLearning(indexer::IndexOptions options, const std::string& data_dir,
                         const std::function<int(const indexer::IndexOptions&)>& run_index);

}  // namespace helpdex::cli

// File: lines.h
// Reading a text file line by line, gzipped or not (JSON Lines exports,
// evaluation sets). A gzip stream cut short is reported, not taken for the end.
//
//   Result<int> lines = ForEachLine("docs.jsonl.gz", [](int number, const std::string& line) {
//     return std::optional<Error>();   // an Error stops the reading and is returned
//   });
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "helpdex/search/error.h"

namespace helpdex::indexer {

// Called with the 1-based line number and the line without its end of line
// (a trailing CR is removed too); an Error stops the reading and is returned.
using LineHandler = std::function<std::optional<Error>(int line_number, const std::string& line)>;

// Blank lines are skipped. Returns the number of lines read, or an Error naming
// the file when it cannot be opened or its gzip stream is corrupt.
Result<int> ForEachLine(const std::filesystem::path& path, const LineHandler& on_line);

}  // namespace helpdex::indexer

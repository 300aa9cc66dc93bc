// Reads documents in the evaluation format (JSON Lines, gzipped or not):
// {"id", "lang", "title", "text", optional "answer", "tags"} per line.
#pragma once

#include <functional>
#include <string>

#include "helpdex/search/document.h"
#include "helpdex/search/error.h"

namespace helpdex::indexer {

struct DocsLine {
  std::string where;       // "file:line", for errors
  std::string source_key;  // "docs:<id>": what identifies the document across runs
  std::string hash;        // hash of the line's bytes and kSchemaVersion: unchanged lines are not parsed again
  std::string text;        // the JSON line
};

// Calls `on_line` for each line with an id, and `on_error` for lines that are
// not even that (with file:line). Returns an Error only when the file cannot
// be read at all.
Result<int> ReadDocsFile(const std::string& path, const std::function<void(const DocsLine&)>& on_line,
                         const std::function<void(Error)>& on_error);

// The full record of a line: validates the language, renders the text.
Result<search::DocumentRecord> ParseDocsLine(const DocsLine& line);

}  // namespace helpdex::indexer

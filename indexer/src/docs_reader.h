// Reads documents in the evaluation format (JSON Lines, gzipped or not):
// {"id", "lang", "title", "text", optional "answer", "tags"} per line.
#pragma once

#include <functional>
#include <string>

#include "helpdex/search/document.h"
#include "helpdex/search/error.h"

namespace helpdex::indexer {

// Calls `on_record` for each good line and `on_error` for each bad one (with
// file:line). Returns an Error only when the file cannot be read at all.
Result<int> ReadDocsFile(const std::string& path,
                         const std::function<void(search::DocumentRecord, const std::string& line_hash)>& on_record,
                         const std::function<void(Error)>& on_error);

}  // namespace helpdex::indexer

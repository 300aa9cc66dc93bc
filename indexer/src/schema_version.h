// The version of what BuildDocument() writes (terms, slots, stored record)
// and of how the indexer derives fields (the slugs of --docs documents). It is
// part of the change hash of every source (article files, docs lines,
// tickets), so bumping it makes the next `helpdex index` analyse everything
// again instead of reusing documents an older version wrote.
#pragma once

namespace helpdex::indexer {

inline constexpr const char* kSchemaVersion =
    "schema-6 (cmark-gfm tables, heading levels and anchor links; categories: XG terms, list-order slot 13, display slot v2)";

}  // namespace helpdex::indexer

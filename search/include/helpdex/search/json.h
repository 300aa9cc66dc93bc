// File: json.h
// The wire shape of a search response (design.md, "HTTP"), shared by
// /api/search and `helpdex search --json` so that the two never drift.
//
//   std::string body = SearchResponseToJson(response);
#pragma once

#include <string>

#include "helpdex/search/searcher.h"

namespace helpdex::search {

// {"query", "total", "page", "size", "results": [{"id", "type", "title", "url",
// "lang", "snippet", "score", "section", "answer", "tags"}], "facets": {"lang",
// "tag", "type"}, "did_you_mean"}. `snippet` is HTML; did_you_mean is null when
// there is none. Invalid UTF-8 is replaced, never thrown. indent < 0: compact.
std::string SearchResponseToJson(const SearchResponse& response, int indent = -1);

}  // namespace helpdex::search

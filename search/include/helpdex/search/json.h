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
// "lang", "snippet", "score", "section", "answer", "tags", "other_language",
// "audience"; tickets also "problem", "resolution", "created"; with reply
// material "answers": [{"lang", "title", "url", "answer"}] and "related"}],
// "facets": {"lang", "tag", "type"} ({} when not counted), "did_you_mean", "did_you_mean_words",
// "showing_results_for", "query_lang"}. `snippet` is HTML; the last four are
// null when unset. "did_you_mean" is the whole corrected query in display
// spelling; "did_you_mean_words" the same in pieces, [{"text", "changed"}]:
// its words and the text between them in order (joined they give
// "did_you_mean"), "changed" true for each corrected word. Invalid UTF-8 is replaced, never thrown. indent < 0: compact.
std::string SearchResponseToJson(const SearchResponse& response, int indent = -1);

// {"related": [{"id", "type", "title", "url", "lang"}]}
std::string RelatedToJson(const std::vector<DocumentLink>& links, int indent = -1);

}  // namespace helpdex::search

// Small pieces shared by the search paths (searcher.cc, suggest.cc): the
// visibility filter every query goes through, and the display forms of a
// record's vetted answer.
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

#include "helpdex/search/document.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {

// What `viewer` may see: everything for an agent, public documents otherwise.
// Applied inside search/ on every path, never left to a handler.
Xapian::Query VisibleTo(const Viewer& viewer);


// The version of an article (by translation key) in `language` that `viewer`
// may see, or 0 when there is none.
Xapian::docid VersionIn(const Xapian::Database& db, const Viewer& viewer, const std::string& translation_key,
                        const std::string& language);

// The answer as plain text (the writer's text when it needed no rendering).
std::string AnswerText(const DisplayRecord& record);

// The answer as safe HTML (escaped text when there is no rendered form).
std::string AnswerHtml(const DisplayRecord& record);

}  // namespace helpdex::search

// The parts of the gap report (gaps.h) built apart from the searches part,
// each in its own file: gaps_tickets.cc, gaps_articles.cc.
#pragma once

#include <vector>

#include "helpdex/search/searcher.h"
#include "helpdex/server/gaps.h"

namespace helpdex::server {

// Resolved tickets (from `agent`) that public articles (`public_searcher`)
// do not answer, grouped by topic, largest first, each with a draft article.
Result<std::vector<TicketGap>> BuildTicketGaps(search::Searcher& agent, search::Searcher& public_searcher,
                                               const GapOptions& options);

}  // namespace helpdex::server

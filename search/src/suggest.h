// As-you-type suggestions (Searcher::Suggest), kept apart from searcher.cc.
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

#include "helpdex/search/searcher.h"

namespace helpdex::search {

class CompletionIndex;

// The body of Searcher::Suggest over one snapshot and its generation's
// completions (completion_index.h). May throw Xapian::Error; the Searcher
// turns that into kIndexUnavailable.
// `lexicon` holds spelling and synonyms when `db` has remote shards (which
// serve neither; searcher.h), null for `db` itself; `portable`: `db` has
// remote shards, so the answer cards' match is portable (portable_match.h).
Result<SuggestResponse> SuggestIn(const Xapian::Database& db, const CompletionIndex& completions, const Viewer& viewer,
                                  const SuggestRequest& request, const Xapian::Database* lexicon = nullptr,
                                  bool portable = false);

// The completion term of a title or heading: schema::kCompletion + its words
// (normalised text, punctuation dropped, one space between words), cut to a
// bounded length on a UTF-8 boundary. Shared by BuildDocument and Suggest so
// that index and query always agree. "" when the text has no words.
std::string CompletionTerm(std::string_view normalized);

// Appends request.past_searches that complete request.text, in its language,
// whose every word is a term of `db` (suggest_past.cc), up to max_completions.
void AddPastSearches(const Xapian::Database& db, const SuggestRequest& request, SuggestResponse& response);

}  // namespace helpdex::search

#include "helpdex/search/analysis.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {

Language DefaultReplyLanguage(const SearchRequest& request, const SearchResponse& response, Language fallback) {
  if (request.language) return *request.language;
  if (std::optional<Language> written = DetectLanguage(request.query)) return *written;
  for (const SearchResult& result : response.results) {
    if (result.type != "ticket") continue;
    if (std::optional<Language> language = ParseLanguage(result.lang)) return *language;
  }
  if (!response.results.empty()) {
    if (std::optional<Language> language = ParseLanguage(response.results.front().lang)) return *language;
  }
  return fallback;
}

}  // namespace helpdex::search

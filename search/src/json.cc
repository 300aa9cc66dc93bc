#include "helpdex/search/json.h"

#include <nlohmann/json.hpp>

namespace helpdex::search {

std::string SearchResponseToJson(const SearchResponse& response, int indent) {
  using nlohmann::json;
  json results = json::array();
  for (const SearchResult& result : response.results) {
    results.push_back({
        {"id", result.id},
        {"type", result.type},
        {"title", result.title},
        {"url", result.url},
        {"lang", result.lang},
        {"snippet", result.snippet},
        {"score", result.score},
        {"section", result.section_title},
        {"answer", result.answer},
        {"tags", result.tags},
        {"other_language", result.other_language},
    });
  }
  json facets = json::object();
  for (const char* name : {"lang", "tag", "type"}) facets[name] = json::object();
  for (const auto& [name, counts] : response.facets) {
    for (const auto& [value, count] : counts) facets[name][value] = count;
  }
  json document = {
      {"query", response.query},
      {"total", response.total},
      {"page", response.page},
      {"size", response.page_size},
      {"results", std::move(results)},
      {"facets", std::move(facets)},
      {"did_you_mean", response.did_you_mean ? json(*response.did_you_mean) : json(nullptr)},
      {"showing_results_for", response.showing_results_for ? json(*response.showing_results_for) : json(nullptr)},
      {"query_lang", response.query_lang.empty() ? json(nullptr) : json(response.query_lang)},
  };
  return document.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace helpdex::search

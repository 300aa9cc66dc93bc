#include "helpdex/search/json.h"

#include <nlohmann/json.hpp>

namespace helpdex::search {
namespace {

nlohmann::json DocumentLinksToJson(const std::vector<DocumentLink>& links) {
  nlohmann::json array = nlohmann::json::array();
  for (const DocumentLink& link : links) {
    array.push_back({{"id", link.id}, {"type", link.type}, {"title", link.title}, {"url", link.url}, {"lang", link.lang}});
  }
  return array;
}

}  // namespace

std::string RelatedToJson(const std::vector<DocumentLink>& links, int indent) {
  nlohmann::json document = {{"related", DocumentLinksToJson(links)}};
  return document.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string SearchResponseToJson(const SearchResponse& response, int indent) {
  using nlohmann::json;
  json results = json::array();
  for (const SearchResult& result : response.results) {
    json entry = {
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
        {"audience", result.audience},
    };
    if (result.type == "ticket") {
      entry["problem"] = result.problem;
      entry["resolution"] = result.resolution;
      entry["created"] = result.created;
      if (!result.messages.empty()) {
        // Raw text only: the HTML is for the console's pages.
        json messages = json::array();
        for (const TicketMessage& message : result.messages) {
          messages.push_back({{"role", message.role}, {"time", message.time}, {"text", message.text}});
        }
        entry["messages"] = std::move(messages);
      }
    }
    if (!result.answers.empty()) {
      json answers = json::array();
      for (const TranslatedAnswer& answer : result.answers) {
        answers.push_back({{"lang", answer.lang}, {"title", answer.title}, {"url", answer.url}, {"answer", answer.answer}});
      }
      entry["answers"] = std::move(answers);
    }
    if (!result.related.empty()) entry["related"] = DocumentLinksToJson(result.related);
    // The article's other languages: one result per article, its versions listed.
    json translations = json::array();
    for (const Translation& translation : result.translations) {
      translations.push_back({{"lang", translation.lang}, {"url", translation.url}});
    }
    entry["translations"] = std::move(translations);
    results.push_back(std::move(entry));
  }
  // Counted only when asked for (facets=1): {} otherwise.
  json facets = json::object();
  if (response.facets_counted) {
    for (const char* name : {"lang", "tag", "type"}) facets[name] = json::object();
  }
  for (const auto& [name, counts] : response.facets) {
    for (const auto& [value, count] : counts) facets[name][value] = count;
  }
  // did_you_mean in pieces, the corrected words marked; null without one.
  json did_you_mean_words = nullptr;
  if (response.did_you_mean) {
    did_you_mean_words = json::array();
    for (const CorrectedWord& piece : response.did_you_mean_words) {
      did_you_mean_words.push_back({{"text", piece.text}, {"changed", piece.changed}});
    }
  }
  json document = {
      {"query", response.query},
      {"total", response.total},
      {"page", response.page},
      {"size", response.page_size},
      {"results", std::move(results)},
      {"facets", std::move(facets)},
      {"did_you_mean", response.did_you_mean ? json(*response.did_you_mean) : json(nullptr)},
      {"did_you_mean_words", std::move(did_you_mean_words)},
      {"showing_results_for", response.showing_results_for ? json(*response.showing_results_for) : json(nullptr)},
      {"query_lang", response.query_lang.empty() ? json(nullptr) : json(response.query_lang)},
  };
  return document.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace helpdex::search

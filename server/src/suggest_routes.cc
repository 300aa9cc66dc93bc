// As-you-type suggestions (/api/suggest) and the OpenSearch description
// (/opensearch.xml), which lets a browser add the help centre as a search
// engine with live suggestions. Both read the public index only.
#include <nlohmann/json.hpp>

#include "agent_auth.h"
#include "json_render.h"
#include "routes.h"

namespace helpdex::server {
namespace {

using Pistache::Rest::Request;

// Escapes text for an XML attribute or element.
// The answer shape of design.md, plus answer_html (already safe HTML from
// search/; the page's script uses the plain text only).
nlohmann::json SuggestToJson(const search::SuggestResponse& response) {
  nlohmann::json answers = nlohmann::json::array();
  for (const search::AnswerCard& card : response.answers) {
    answers.push_back({{"id", card.id},
                       {"title", card.title},
                       {"url", card.url},
                       {"lang", card.lang},
                       {"answer", card.answer},
                       {"answer_html", card.answer_html}});
  }
  return {{"completions", response.completions}, {"answers", std::move(answers)}};
}

}  // namespace

HttpResponse Routes::ApiSuggest(const Request& http) {
  Result<SuggestParameters> parsed = ParseSuggestRequest(QuerySource(http));
  if (!parsed.ok()) return ApiErrorResponse(ToApiError(parsed.error()));
  search::SuggestRequest& request = parsed->request;
  // Without ui= or lang= the visitor's chosen language (cookie), else the
  // browser's, is the page's language, so the answer is cached per value.
  std::string varies;
  if (!request.language) request.language = ChosenLanguage(http, varies);
  if (events_) request.past_searches = events_->past_searches();
  search::SuggestResponse suggestions;
  suggestions.text = request.text;
  // Blank text never reaches the index: a focused, empty box is the common case.
  if (!IsBlank(request.text)) {
    Result<search::SuggestResponse> result = index_->Suggest(request);
    if (!result.ok()) {
      if (result.error().code == ErrorCode::kInternal) {
        LogLine({{"level", "error"}, {"route", "api_suggest"}, {"error", result.error().ToString()}});
      }
      return ApiErrorResponse(ToApiError(result.error()));
    }
    suggestions = std::move(*result);
    // Only answers count as shown; the keystrokes of one search become one
    // event in the store. Browsers' OpenSearch requests carry no visit.
    if (!suggestions.answers.empty()) {
      stores::Event shown{.type = stores::EventType::kSuggestShown, .visit = VisitOf(http), .query = request.text};
      if (request.language) shown.language = LanguageCode(*request.language);
      for (const search::AnswerCard& card : suggestions.answers) shown.shown.push_back(card.id);
      RecordEvent(std::move(shown));
    }
  }

  HttpResponse response;
  if (parsed->opensearch) {
    // The browser format: [typed text, [completion, ...]].
    nlohmann::json body = nlohmann::json::array({request.text, suggestions.completions});
    response = JsonResponse(200, DumpJson(body));
    response.content_type = "application/x-suggestions+json; charset=utf-8";
  } else {
    response = JsonResponse(200, DumpJson(SuggestToJson(suggestions)));
  }
  MarkPublicCacheable(response);
  if (!varies.empty()) SetHeader(response, "Vary", varies);
  return response;
}

HttpResponse Routes::OpenSearchDescription(const Request& http) {
  Language ui = PageLanguage(http);
  // The Host header is the client's word: anything but a plain host name or
  // address (with port) falls back to localhost rather than reaching the XML.
  std::string host;
  if (auto header = http.headers().tryGetRaw("Host")) host = SafeHost(header->value());
  if (host.empty()) host = "localhost";
  const std::string origin = "http://" + search::EscapeHtml(host);
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
      "  <ShortName>" + search::EscapeHtml(pages_.OpenSearchShortName(ui)) + "</ShortName>\n"
      "  <Description>" + search::EscapeHtml(pages_.Translate(ui, "opensearch_description")) +
      "</Description>\n"
      "  <InputEncoding>UTF-8</InputEncoding>\n"
      "  <Image type=\"image/svg+xml\">" + origin + "/static/favicon.svg</Image>\n"
      "  <Url type=\"text/html\" method=\"get\" template=\"" + origin +
      "/search?q={searchTerms}\"/>\n"
      "  <Url type=\"application/x-suggestions+json\" method=\"get\" template=\"" + origin +
      "/api/suggest?q={searchTerms}&amp;format=opensearch\"/>\n"
      "</OpenSearchDescription>\n";
  HttpResponse response;
  response.content_type = "application/opensearchdescription+xml; charset=utf-8";
  response.body = std::move(xml);
  response.headers = {{"X-Content-Type-Options", "nosniff"}};
  MarkPublicCacheable(response);
  SetHeader(response, "Vary", "Host, Accept-Language");
  return response;
}

}  // namespace helpdex::server

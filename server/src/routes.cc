#include "routes.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>

#include <nlohmann/json.hpp>

#include "helpdex/server/client_address.h"
#include "helpdex/search/json.h"
#include "helpdex/search/text.h"
#include "edge_handler.h"
#include "helpdex/search/schema.h"
#include "helpdex/server/sitemap.h"
#include "json_render.h"
#include "helpdex/server/params.h"

namespace helpdex::server {
namespace {

using Pistache::Rest::Request;
namespace Rest = Pistache::Rest;

const char kFallbackErrorPage[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head>"
    "<body><main><h1>Something went wrong</h1></main></body></html>";

}  // namespace

RawParameterSource QuerySource(const Request& request) {
  return [&request](std::string_view name) { return request.query().get(std::string(name)); };
}

std::string RawHeaderValue(const Request& request, const char* name) {
  auto header = request.headers().tryGetRaw(name);
  return header ? header->value() : std::string();
}

// The form of a POST. An empty body is an empty form (a sign-out by fetch()
// sends its token in X-Helpdex-CSRF); any other content type is refused.
Result<FormFields> ReadForm(const Request& http) {
  if (http.body().empty()) return FormFields{};
  std::string type = RawHeaderValue(http, "Content-Type");
  std::string media = type.substr(0, type.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (media != "application/x-www-form-urlencoded") {
    return Error{ErrorCode::kInvalidInput, "the body must be application/x-www-form-urlencoded", "body"};
  }
  return ParseFormBody(http.body());
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool IsPlausibleArticleId(std::string_view id) {
  constexpr size_t kMaxArticleIdBytes = 200;
  if (id.empty() || id.size() > kMaxArticleIdBytes) return false;
  for (unsigned char c : id) {
    if (c <= ' ' || c == 0x7F) return false;
  }
  return true;
}

// One JSON line per event on stderr, written with a single call so lines from
// different worker threads do not interleave.
void LogLine(const nlohmann::ordered_json& fields) {
  std::string line =
      fields.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

Routes::Routes(std::shared_ptr<search::Index> index, std::shared_ptr<search::Index> agent_index,
               AgentAuth agent_auth, PageRenderer pages, StaticAssets assets,
               std::shared_ptr<stores::EventStore> events, std::shared_ptr<stores::EventLog> event_log,
               std::shared_ptr<stores::ContactStore> contact)
    : index_(std::move(index)),
      agent_index_(std::move(agent_index)),
      agent_auth_(std::move(agent_auth)),
      pages_(std::move(pages)),
      assets_(std::move(assets)),
      events_(std::move(events)),
      event_log_(std::move(event_log)),
      contact_(std::move(contact)) {}

void Routes::AddTo(Rest::Router& router) {
  Rest::Routes::Get(router, "/healthz", Wrap("healthz", Kind::kApi, &Routes::Healthz));
  Rest::Routes::Get(router, "/readyz", Wrap("readyz", Kind::kApi, &Routes::Readyz));
  Rest::Routes::Get(router, "/metrics", Wrap("metrics", Kind::kApi, &Routes::MetricsText));
  Rest::Routes::Get(router, "/api/search", Wrap("api_search", Kind::kApi, &Routes::ApiSearch));
  Rest::Routes::Get(router, "/api/suggest", Wrap("api_suggest", Kind::kApi, &Routes::ApiSuggest));
  Rest::Routes::Get(router, "/opensearch.xml",
                    Wrap("opensearch", Kind::kPage, &Routes::OpenSearchDescription));
  Rest::Routes::Get(router, "/", Wrap("home", Kind::kPage, &Routes::HomePage));
  Rest::Routes::Get(router, "/search", Wrap("search", Kind::kPage, &Routes::SearchPage));
  Rest::Routes::Get(router, "/articles/:slug", Wrap("article", Kind::kPage, &Routes::ArticlePage));
  Rest::Routes::Get(router, "/static/:name", Wrap("static", Kind::kPage, &Routes::StaticFile));
  Rest::Routes::Get(router, "/contact", Wrap("contact", Kind::kPage, &Routes::ContactPage));
  Rest::Routes::Post(router, "/contact", Wrap("contact_submit", Kind::kPage, &Routes::ContactSubmit));
  Rest::Routes::Post(router, "/api/events", Wrap("api_events", Kind::kApi, &Routes::ApiEvents));
  // No article has the slug "feedback" for POST: articles are only ever GET.
  Rest::Routes::Post(router, "/articles/feedback", Wrap("article_feedback", Kind::kPage, &Routes::FeedbackSubmit));

  // Agent routes: everything but the sign-in form needs an agent.
  Rest::Routes::Get(router, "/agent/login", Wrap("agent_login", Kind::kAgentPage, &Routes::AgentLoginPage));
  Rest::Routes::Post(router, "/agent/login",
                     Wrap("agent_login_submit", Kind::kAgentPage, &Routes::AgentLoginSubmit));
  Rest::Routes::Post(router, "/agent/logout", WrapAgent("agent_logout", Kind::kAgentPage, &Routes::AgentLogout));
  Rest::Routes::Get(router, "/agent", WrapAgent("agent_console", Kind::kAgentPage, &Routes::AgentConsole));
  Rest::Routes::Get(router, "/agent/tickets/:id",
                    WrapAgent("agent_ticket", Kind::kAgentPage, &Routes::AgentTicketPage));
  Rest::Routes::Get(router, "/agent/articles/:slug",
                    WrapAgent("agent_article", Kind::kAgentPage, &Routes::AgentArticlePage));
  Rest::Routes::Get(router, "/api/agent/search",
                    WrapAgent("api_agent_search", Kind::kAgentApi, &Routes::ApiAgentSearch));
  Rest::Routes::Get(router, "/api/agent/related",
                    WrapAgent("api_agent_related", Kind::kAgentApi, &Routes::ApiAgentRelated));
  Rest::Routes::Get(router, "/api/gaps", WrapAgent("api_gaps", Kind::kAgentApi, &Routes::ApiGaps));
  Rest::Routes::Get(router, "/gaps", WrapAgent("gaps", Kind::kAgentPage, &Routes::GapsPage));
  // The inbox (inbox_routes.cc).
  Rest::Routes::Get(router, "/agent/messages",
                    WrapAgent("agent_inbox", Kind::kAgentPage, &Routes::AgentInboxPage));
  Rest::Routes::Get(router, "/agent/messages/:id",
                    WrapAgent("agent_message", Kind::kAgentPage, &Routes::AgentMessagePage));
  Rest::Routes::Post(router, "/agent/messages/:id/status",
                     WrapAgent("agent_message_status", Kind::kAgentPage, &Routes::AgentMessageStatusSubmit));
  Rest::Routes::Get(router, "/api/agent/messages",
                    WrapAgent("api_agent_messages", Kind::kAgentApi, &Routes::ApiAgentMessages));
  Rest::Routes::Post(router, "/api/agent/messages/:id",
                     WrapAgent("api_agent_message_status", Kind::kAgentApi, &Routes::ApiAgentMessageStatus));

  Rest::Routes::Get(router, "/sitemap.xml", Wrap("sitemap", Kind::kPage, &Routes::Sitemap));
  Rest::Routes::Get(router, "/robots.txt", Wrap("robots", Kind::kPage, &Routes::Robots));
  Rest::Routes::Post(router, "/gaps/triage", WrapAgent("gaps_triage", Kind::kAgentPage, &Routes::GapsTriage));

  // The API answers in JSON and pages in HTML even for unknown paths.
  Rest::Routes::NotFound(router, Wrap("not_found", Kind::kPage, &Routes::NotFound));
}

Rest::Route::Handler Routes::Wrap(const char* route_name, Kind kind, Handler handler) {
  return Wrap(route_name, kind, [this, handler](const Request& request) { return (this->*handler)(request); });
}

Rest::Route::Handler Routes::Wrap(const char* route_name, Kind kind,
                                  std::function<HttpResponse(const Request&)> handler) {
  const bool api = kind == Kind::kApi || kind == Kind::kAgentApi;
  const bool agent = kind == Kind::kAgentPage || kind == Kind::kAgentApi;
  return [this, route_name, api, agent, handler = std::move(handler)](
             const Request& request, Pistache::Http::ResponseWriter writer) {
    auto start = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(drain_mutex_);
      ++in_flight_;
    }
    // Settles once: when the response is written, or its write failed.
    auto finished = std::make_shared<std::once_flag>();
    const auto done = [this, finished] {
      std::call_once(*finished, [this] {
        std::lock_guard lock(drain_mutex_);
        --in_flight_;
        drain_changed_.notify_all();
      });
    };
    if (!failpoints_.empty() && failpoints_.count("hold_request") != 0 && std::string_view(route_name) == "api_search") {
      LogLine({{"level", "info"}, {"event", "failpoint_hold"}, {"route", route_name}});
      std::unique_lock lock(drain_mutex_);
      drain_changed_.wait_for(lock, std::chrono::seconds(60), [this] { return draining_; });
    }
    std::optional<HttpResponse> response;
    try {
      response = handler(request);
    } catch (const std::exception& error) {
      LogLine({{"level", "error"}, {"route", route_name}, {"exception", error.what()}});
    } catch (...) {
      LogLine({{"level", "error"}, {"route", route_name}, {"exception", "unknown"}});
    }
    if (!response) response = InternalErrorResponse(api);
    // Errors and redirects included: an agent response is for one agent.
    if (agent) MarkAgentPrivate(*response);
    try {
      TrackResponse(writer, response->body.size(), Send(*response, writer, KeepsAlive(writer), AnswersHead(writer)),
                    done);
    } catch (const std::exception& error) {
      done();
      LogLine({{"level", "error"}, {"route", route_name}, {"send_failed", error.what()}});
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
    metrics_.CountRequest(route_name, response->status, ms / 1000);
    if (response->status >= 500) {
      // Every 5xx says why in the log (the client gets the generic sentence).
      LogLine({{"level", "error"},
               {"route", route_name},
               {"status", response->status},
               {"ms", ms},
               {"error", response->log_detail.empty() ? "unknown" : response->log_detail}});
    } else {
      LogLine({{"route", route_name}, {"status", response->status}, {"ms", ms}});
    }
    return Rest::Route::Result::Ok;
  };
}

void Routes::BeginDrain() {
  std::lock_guard lock(drain_mutex_);
  draining_ = true;
  drain_changed_.notify_all();
}

bool Routes::WaitUntilIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(drain_mutex_);
  return drain_changed_.wait_until(lock, deadline, [this] { return in_flight_ == 0; });
}

int Routes::in_flight() const {
  std::lock_guard lock(drain_mutex_);
  return in_flight_;
}

HttpResponse Routes::InternalErrorResponse(bool api) {
  ApiError internal{ErrorCode::kInternal, std::string(GenericMessage(ErrorCode::kInternal)),
                    ""};
  if (api) return ApiErrorResponse(internal);
  try {
    return ErrorPage(internal, Language::kEnglish);
  } catch (...) {
    return HtmlResponse(500, kFallbackErrorPage, "en");
  }
}

HttpResponse Routes::Healthz(const Request&) {
  return JsonResponse(200, R"({"status":"ok"})");
}

HttpResponse Routes::Readyz(const Request&) {
  {
    std::lock_guard lock(drain_mutex_);
    if (draining_) {
      HttpResponse response = JsonResponse(503, R"({"status":"draining"})");
      response.log_detail = "the server is stopping (draining the requests in flight)";
      return response;
    }
  }
  // Ready when both indexes can be read: the public one (public routes) and
  // the agent one (agent routes).
  Result<search::Index::Status> public_status = index_->Check();
  if (!public_status.ok()) return ApiErrorResponse(ToApiError(public_status.error()));
  if (agent_index_ == nullptr) {
    ApiError error = ToApiError(Error{ErrorCode::kIndexUnavailable, "the agent index could not be opened at start",
                                      "agent index"});
    return ApiErrorResponse(error);
  }
  Result<search::Index::Status> agent_status = agent_index_->Check();
  if (!agent_status.ok()) return ApiErrorResponse(ToApiError(agent_status.error()));
  nlohmann::json body = {{"status", "ready"},
                         {"generation", public_status->generation},
                         {"documents", public_status->documents},
                         {"agent_generation", agent_status->generation},
                         {"agent_documents", agent_status->documents}};
  return JsonResponse(200, DumpJson(body));
}

namespace {

Metrics::IndexGauges GaugesOf(search::Index* index) {
  Metrics::IndexGauges gauges;
  if (index == nullptr) return gauges;
  Result<search::Index::Status> status = index->Check();
  if (!status.ok()) return gauges;
  gauges.generation = status->generation;
  gauges.documents = static_cast<long>(status->documents);
  if (status->built != std::filesystem::file_time_type{}) {
    gauges.age_seconds =
        std::chrono::duration<double>(std::filesystem::file_time_type::clock::now() - status->built).count();
  }
  return gauges;
}

}  // namespace

HttpResponse Routes::MetricsText(const Request&) {
  Metrics::Readings readings;
  readings.public_index = GaugesOf(index_.get());
  readings.agent_index = GaugesOf(agent_index_.get());
  const search::Index::CacheCounts cache = index_->response_cache_counts();
  readings.cache = {cache.hits, cache.misses};
  if (events_) readings.events = events_->stats();
  if (forwarder_) readings.forwarding = forwarder_->stats();
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics_.Render(readings);
  return response;
}

Result<search::SearchResponse> Routes::RunSearch(search::Index& index,
                                                const search::SearchRequest& request) {
  // No words and no tag or category to list: nothing to search.
  if (IsBlank(request.query) && request.tags.empty() && request.category.empty()) {
    search::SearchResponse empty;
    empty.page = request.page;
    empty.page_size = request.page_size;
    return empty;
  }
  return index.Search(request);
}

HttpResponse Routes::ApiSearch(const Request& http) {
  Result<search::SearchRequest> parsed = ParseSearchRequest(QuerySource(http));
  if (!parsed.ok()) return ApiErrorResponse(ToApiError(parsed.error()));
  Result<search::SearchRequest> request = search::NormalizeRequest(std::move(*parsed));
  if (!request.ok()) return ApiErrorResponse(ToApiError(request.error()));
  std::string varies;
  if (!request->query_language) request->query_language = ChosenLanguage(http, varies);
  Result<search::SearchResponse> result = RunSearch(*index_, *request);
  if (!result.ok()) {
    if (result.error().code == ErrorCode::kInternal) {
      LogLine({{"level", "error"}, {"route", "api_search"}, {"error", result.error().ToString()}});
    }
    return ApiErrorResponse(ToApiError(result.error()));
  }
  HttpResponse response = JsonResponse(200, search::SearchResponseToJson(*result));
  MarkPublicCacheable(response);
  if (!varies.empty()) SetHeader(response, "Vary", varies);
  RecordSearch(VisitOf(http), *request, *result);
  return response;
}

namespace {

std::optional<Language> QueryLanguage(const Request& request, const char* name) {
  Result<std::optional<std::string>> value = DecodeParameter(name, QuerySource(request));
  if (value.ok() && *value) return ParseLanguage(**value);
  return std::nullopt;
}

std::optional<Language> CookieLanguage(const Request& request) {
  std::optional<std::string> cookie = CookieValue(RawHeaderValue(request, "Cookie"), kLanguageCookie);
  return cookie ? ParseLanguage(*cookie) : std::nullopt;
}

}  // namespace

Language Routes::PageLanguage(const Request& request) {
  if (std::optional<Language> ui = QueryLanguage(request, "ui")) return *ui;
  if (std::optional<Language> chosen = CookieLanguage(request)) return *chosen;
  if (std::optional<Language> lang = QueryLanguage(request, "lang")) return *lang;
  if (auto header = request.headers().tryGetRaw("Accept-Language")) {
    if (std::optional<Language> language = PreferredLanguage(header->value())) return *language;
  }
  return Language::kEnglish;
}

std::optional<Language> Routes::ChosenLanguage(const Request& request, std::string& varies) {
  varies = "Cookie, Accept-Language";
  if (std::optional<Language> chosen = CookieLanguage(request)) return chosen;
  if (auto header = request.headers().tryGetRaw("Accept-Language")) return PreferredLanguage(header->value());
  return std::nullopt;
}

void Routes::RememberLanguage(const Request& request, HttpResponse& response) {
  std::optional<Language> ui = QueryLanguage(request, "ui");
  if (!ui || CookieLanguage(request) == ui) return;
  ResponseCookie cookie{kLanguageCookie, std::string(LanguageCode(*ui)), kLanguageCookieSeconds,
                        agent_auth_.IsTls(ReadAgentRequest(request))};
  cookie.same_site = "Lax";
  response.cookies.push_back(std::move(cookie));
  // A response that sets a cookie is for this browser only.
  SetHeader(response, "Cache-Control", "private, no-store");
}

HttpResponse Routes::ErrorPage(const ApiError& error, Language ui) {
  HttpResponse response = HtmlResponse(HttpStatus(error.code), pages_.ErrorPage(error, ui), LanguageCode(ui));
  response.log_detail = error.log_detail;
  return response;
}

HttpResponse Routes::HomePage(const Request& request) {
  Language ui = PageLanguage(request);
  HttpResponse response = HtmlResponse(200, pages_.Home(HomeContent(ui)), LanguageCode(ui));
  MarkPublicCacheable(response);
  RememberLanguage(request, response);
  EnsureVisit(request, response, false);
  return response;
}

HttpResponse Routes::SearchPage(const Request& http) {
  Language ui = PageLanguage(http);
  Result<search::SearchRequest> parsed = ParseSearchRequest(QuerySource(http));
  if (!parsed.ok()) return ErrorPage(ToApiError(parsed.error()), ui);
  Result<search::SearchRequest> request = search::NormalizeRequest(std::move(*parsed));
  if (!request.ok()) return ErrorPage(ToApiError(request.error()), ui);
  request->query_language = ui;  // analysis hint; lang= stays the only filter
  request->with_facets = true;     // the page shows them (cached per query: the next page is free)
  SearchPageInput input{ui, &*request, nullptr};
  Result<search::SearchResponse> result = RunSearch(*index_, *request);
  if (!result.ok()) return ErrorPage(ToApiError(result.error()), ui);
  const bool listing = !request->tags.empty() || !request->category.empty();
  if (!IsBlank(request->query) || listing) {
    input.response = &*result;
    AddWaysOn(*request, *result, input);
  }
  HttpResponse response = HtmlResponse(200, pages_.SearchResults(input), LanguageCode(ui));
  MarkPublicCacheable(response);
  RememberLanguage(http, response);
  const std::string visit = EnsureVisit(http, response, false);
  if (!IsBlank(request->query)) RecordSearch(visit, *request, *result);
  return response;
}

HttpResponse Routes::ArticlePage(const Request& http) {
  Language ui = PageLanguage(http);
  ApiError not_found{ErrorCode::kNotFound, std::string(GenericMessage(ErrorCode::kNotFound)), ""};
  // The router hands the segment over still percent-encoded ('+' is a space,
  // which no slug holds).
  std::optional<std::string> slug =
      search::PercentDecode(http.param(":slug").as<std::string>(), search::Plus::kSpace);
  if (!slug || !IsValidSlug(*slug)) return ErrorPage(not_found, ui);

  Result<std::optional<std::string>> lang = DecodeParameter("lang", QuerySource(http));
  if (!lang.ok()) return ErrorPage(ToApiError(lang.error()), ui);
  std::optional<Language> language;
  if (*lang && !lang->value().empty()) {
    language = ParseLanguage(**lang);
    if (!language) {
      return ErrorPage(InvalidParameter("lang", "lang must be one of " +
                                                    std::string(SupportedLanguageList())),
                       ui);
    }
  }
  Result<std::shared_ptr<search::Searcher>> searcher = index_->AcquireSearcher();
  if (!searcher.ok()) return ErrorPage(ToApiError(searcher.error()), ui);
  Result<search::Article> article = (*searcher)->GetArticle(*slug, language);
  if (!article.ok()) return ErrorPage(ToApiError(article.error()), ui);
  Result<std::optional<std::string>> feedback = DecodeParameter("feedback", QuerySource(http));
  ArticleFeedbackInput feedback_input;
  feedback_input.thanks = feedback.ok() && *feedback && **feedback == "thanks";
  feedback_input.asking_reason = feedback.ok() && *feedback && **feedback == "no";
  const ArticlePageExtras extras{RelatedTo(**searcher, article->record)};
  HttpResponse response = HtmlResponse(200, "", LanguageCode(ui));
  // The "did this help?" form carries the visit id as its CSRF token, so the
  // page is for this browser only and never kept by a shared cache; renewing
  // the visit gives the reader half an hour to answer.
  const std::string visit = EnsureVisit(http, response, true);
  feedback_input.csrf_token = visit;
  SetHeader(response, "Cache-Control", visit.empty() ? "private, max-age=60" : "private, no-store");
  response.body = pages_.ArticlePage(*article, ui, feedback_input, extras);
  RememberLanguage(http, response);
  RecordResultClick(http, visit, *article);
  RecordArticleView(visit, article->record);
  return response;
}

void Routes::RecordSearch(const std::string& visit, const search::SearchRequest& request,
                          const search::SearchResponse& response) {
  if (!events_ || visit.empty() || IsBlank(request.query)) return;
  stores::Event event{.type = stores::EventType::kSearch, .visit = visit, .query = request.query,
              .results = static_cast<int64_t>(response.total)};
  if (request.language) event.language = LanguageCode(*request.language);
  else if (request.query_language) event.language = LanguageCode(*request.query_language);
  // What narrowed the search, so that the gap report can tell a zero caused
  // by a filter from a missing article.
  std::vector<std::string> filters;
  if (request.language) filters.push_back("lang=" + std::string(LanguageCode(*request.language)));
  for (const std::string& tag : request.tags) filters.push_back("tag=" + tag);
  if (!request.type.empty()) filters.push_back("type=" + request.type);
  for (const std::string& filter : filters) event.filters += (event.filters.empty() ? "" : " ") + filter;
  for (const search::SearchResult& result : response.results) event.shown.push_back(result.id);
  RecordEvent(std::move(event));
}

void Routes::RecordResultClick(const Request& http, const std::string& visit, const search::Article& article) {
  if (!events_ || visit.empty()) return;
  // Referrer-Policy same-origin: only this site's own pages send a Referer
  // here, and a results page names its query.
  std::string referer = RawHeaderValue(http, "Referer");
  const size_t scheme = referer.find("://");
  if (scheme == std::string::npos) return;
  const size_t path = referer.find('/', scheme + 3);
  if (path == std::string::npos) return;
  if (!OriginMatchesHost(std::string_view(referer).substr(0, path),
                         search::Trim(RawHeaderValue(http, "Host"), search::kHttpWhitespace))) {
    return;
  }
  std::string_view target = std::string_view(referer).substr(path);
  if (!target.starts_with("/search?")) return;
  std::string_view query_string = target.substr(std::string_view("/search?").size());
  query_string = query_string.substr(0, query_string.find('#'));
  Result<FormFields> fields = ParseFormBody(query_string);
  if (!fields.ok()) return;
  std::optional<std::string> query = FormValue(*fields, "q");
  if (!query || IsBlank(*query)) return;
  RecordEvent(stores::Event{.type = stores::EventType::kResultClicked,
                    .visit = visit,
                    .query = std::move(*query),
                    .language = std::string(LanguageCode(article.record.language)),
                    .article = article.record.id,
                    .client_range = AddressRange(agent_auth_.ClientOf(ReadAgentRequest(http)))});
}

HttpResponse Routes::StaticFile(const Request& http) {
  // Served by exact whitelisted name from memory: an encoded "../" simply
  // names no asset.
  const StaticAsset* asset = assets_.Find(http.param(":name").as<std::string>());
  if (asset == nullptr) return NotFound(http);
  HttpResponse response;
  response.content_type = asset->content_type;
  response.headers = {{"ETag", asset->etag},
                      {"Cache-Control", "public, max-age=3600"},
                      {"X-Content-Type-Options", "nosniff"}};
  auto if_none_match = http.headers().tryGetRaw("If-None-Match");
  if (if_none_match && if_none_match->value() == asset->etag) {
    response.status = 304;
    return response;
  }
  response.body = asset->body;
  return response;
}

HttpResponse Routes::NotFound(const Request& http) {
  ApiError not_found{ErrorCode::kNotFound, std::string(GenericMessage(ErrorCode::kNotFound)), ""};
  const std::string& path = http.resource();
  if (path == "/api" || path.starts_with("/api/")) return ApiErrorResponse(not_found);
  return ErrorPage(not_found, PageLanguage(http));
}

HttpResponse Routes::Sitemap(const Request& http) {
  if (base_url_.empty()) {
    // Without a configured base URL there is no absolute URL to give: the
    // request's Host is the client's to choose (a poisoned cache would keep it).
    HttpResponse response;
    response.status = 404;
    response.body = "No sitemap: start the server with --base-url https://your-help-centre to publish one.\n";
    response.headers = {{"X-Content-Type-Options", "nosniff"}};
    return response;
  }
  Result<std::shared_ptr<search::Searcher>> searcher = index_->AcquireSearcher();
  if (!searcher.ok()) return ErrorPage(ToApiError(searcher.error()), PageLanguage(http));
  Result<std::vector<search::DocumentRecord>> articles =
      (*searcher)->Documents(std::string(search::schema::kTypeArticle), kMaxSitemapUrls + 1);
  if (!articles.ok()) return ErrorPage(ToApiError(articles.error()), PageLanguage(http));
  if (articles->size() > kMaxSitemapUrls) {
    LogLine({{"level", "warning"}, {"route", "sitemap"},
             {"event", "sitemap_truncated"}, {"listed", kMaxSitemapUrls}});
  }
  HttpResponse response;
  response.content_type = "application/xml; charset=utf-8";
  response.body = SitemapXml(*articles, base_url_);
  response.headers = {{"X-Content-Type-Options", "nosniff"}};
  MarkPublicCacheable(response);
  return response;
}

HttpResponse Routes::Robots(const Request&) {
  HttpResponse response;
  response.body = RobotsTxt(base_url_);
  response.headers = {{"X-Content-Type-Options", "nosniff"}};
  MarkPublicCacheable(response);
  return response;
}

}  // namespace helpdex::server

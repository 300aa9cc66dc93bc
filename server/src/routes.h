// File: routes.h
// The route table and the handlers: parse, call search/, render. Every handler
// is wrapped once (Wrap in routes.cc): an escaped exception becomes a logged
// 500 with a generic body, and every response is counted and logged as one
// JSON line on stderr (route, status, milliseconds; never query text).
//
// Two indexes: `index_` (public database only) serves every public route;
// `agent_index_` (public + agent databases) serves only the agent routes
// (agent_routes.cc), which WrapAgent() lets through for a signed-in agent
// only and marks `Cache-Control: no-store`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>
#include <pistache/router.h>

#include "agent_auth.h"
#include "helpdex/search/searcher.h"
#include "helpdex/stores/contact.h"
#include "helpdex/stores/events.h"
#include "helpdex/stores/feedback.h"
#include "helpdex/stores/forwarder.h"
#include "http_response.h"
#include "metrics.h"
#include "pages.h"
#include "helpdex/analytics/gaps.h"
#include "helpdex/stores/gap_triage.h"
#include "helpdex/server/params.h"
#include "templates.h"

namespace helpdex::server {

// Shared by routes.cc and agent_routes.cc.
RawParameterSource QuerySource(const Pistache::Rest::Request& request);
bool IsBlank(std::string_view text);
// A request header's value, "" when absent.
std::string RawHeaderValue(const Pistache::Rest::Request& request, const char* name);
// The form of a POST. An empty body is an empty form (a sign-out by fetch()
// sends its token in X-Helpdex-CSRF); any other content type than
// application/x-www-form-urlencoded is refused (kInvalidInput, "body").
Result<FormFields> ReadForm(const Pistache::Rest::Request& http);
// An article id as front matter allows it: printable, no spaces, at most 200
// bytes. Checked before an id from a form or JSON is looked up or stored.
bool IsPlausibleArticleId(std::string_view id);
// The anonymous visit cookie: a random id, HttpOnly, SameSite=Lax.
inline constexpr char kVisitCookie[] = "helpdex_visit";
// The interface language a visitor chose (a language code), for a year.
inline constexpr char kLanguageCookie[] = "helpdex_lang";
inline constexpr int kLanguageCookieSeconds = 365 * 24 * 3600;

// One JSON line on stderr (never query text, names or secrets).
void LogLine(const nlohmann::ordered_json& fields);

class Routes {
 public:
  // `agent_index` may be null (it could not be opened): agent routes then
  // answer 503 index_unavailable.
  // `events` and `contact` may be null (no data directory): nothing is
  // recorded, and the contact form answers that messages cannot be kept.
  Routes(std::shared_ptr<search::Index> index, std::shared_ptr<search::Index> agent_index,
         AgentAuth agent_auth, PageRenderer pages, StaticAssets assets,
         std::shared_ptr<stores::EventStore> events, std::shared_ptr<stores::EventLog> event_log,
         std::shared_ptr<stores::ContactStore> contact);

  // Adds every route and the not-found handler. Call before router.handler(),
  // which copies the router.
  void AddTo(Pistache::Rest::Router& router);

  // Graceful stop (Server::Shutdown): from BeginDrain() on, /readyz answers
  // 503 "draining" (a load balancer stops sending) while every request is
  // still answered; WaitUntilIdle() returns once no request is being handled
  // or written (true), or at `deadline` (false).
  void BeginDrain();
  bool WaitUntilIdle(std::chrono::steady_clock::time_point deadline);
  int in_flight() const;
  // For tests only: "hold_request" holds each /api/search request (after a
  // log line {"event":"failpoint_hold"}) until BeginDrain(), at most 60 s, so
  // that a test can stop the server with a request in flight.
  // The writers' triage (DATA/triage.db): /gaps leaves out what it hides.
  void set_gap_triage(std::shared_ptr<stores::GapTriageStore> store) { gap_triage_ = std::move(store); }
  void set_failpoints(std::set<std::string> failpoints) { failpoints_ = std::move(failpoints); }
  // The public site's base URL (NormalizeBaseUrl), for /sitemap.xml and
  // /robots.txt; "" for none.
  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }
  // Forwards new contact messages (null: no forwarding configured).
  void set_forwarder(std::shared_ptr<stores::MessageForwarder> forwarder) { forwarder_ = std::move(forwarder); }
  // The counters /metrics shows; the HTTP edge (edge_handler.h) adds to them.
  Metrics& metrics() { return metrics_; }

 private:
  using Request = Pistache::Rest::Request;
  using Handler = HttpResponse (Routes::*)(const Request&);
  // An agent route's handler, called only for an authenticated agent.
  using AgentHandler = HttpResponse (Routes::*)(const Request&, const AgentRequest&,
                                                const AuthenticatedAgent&);
  // JSON or HTML errors; agent routes are never cacheable by anyone.
  enum class Kind { kPage, kApi, kAgentPage, kAgentApi };

  Pistache::Rest::Route::Handler Wrap(const char* route_name, Kind kind,
                                      std::function<HttpResponse(const Request&)> handler);
  Pistache::Rest::Route::Handler Wrap(const char* route_name, Kind kind, Handler handler);
  // Authenticates first: an API route needs a Bearer token or the session
  // cookie (else 401 JSON), a page the session cookie (else 303 to sign-in).
  Pistache::Rest::Route::Handler WrapAgent(const char* route_name, Kind kind, AgentHandler handler);

  HttpResponse Healthz(const Pistache::Rest::Request& request);
  HttpResponse Readyz(const Pistache::Rest::Request& request);
  HttpResponse MetricsText(const Pistache::Rest::Request& request);
  HttpResponse ApiSearch(const Pistache::Rest::Request& request);
  // suggest_routes.cc
  HttpResponse ApiSuggest(const Pistache::Rest::Request& request);
  HttpResponse OpenSearchDescription(const Pistache::Rest::Request& request);
  // contact_routes.cc
  HttpResponse ContactPage(const Pistache::Rest::Request& request);
  HttpResponse ContactSubmit(const Pistache::Rest::Request& request);
  std::string SentRequestNumber(const Pistache::Rest::Request& request, const std::string& sent);
  HttpResponse ApiEvents(const Pistache::Rest::Request& request);
  // feedback_routes.cc: "did this help?" from the article page's form, and
  // from /api/events (`body` is its parsed JSON object, Origin checked).
  HttpResponse FeedbackSubmit(const Pistache::Rest::Request& request);
  HttpResponse ApiFeedbackEvent(const Pistache::Rest::Request& request, const nlohmann::json& body);
  // The public article a feedback names: `slug` in `lang`, whose id must be
  // `article_id`. kNotFound when there is no such article.
  Result<search::Article> FeedbackArticle(const std::string& article_id, const std::string& slug,
                                          const std::string& lang);
  // The feedback event for `article`, queued for `visit`.
  void RecordFeedback(const std::string& visit, const search::DocumentRecord& article,
                      const stores::FeedbackAnswer& answer);
  // The visit id of the request's cookie, "" when it has none (or a forged one).
  std::string VisitOf(const Pistache::Rest::Request& request);
  // The visit id, with a new cookie when the request had none (or always
  // when `renew`: the visit lasts half an hour from then); a response that
  // sets the cookie becomes private. "" when no id could be made.
  std::string EnsureVisit(const Pistache::Rest::Request& request, HttpResponse& response, bool renew);
  // Queues an event (nothing without an event store or a visit).
  void RecordEvent(stores::Event event);
  // A search the customer ran, with what it showed (the results page, the API).
  void RecordSearch(const std::string& visit, const search::SearchRequest& request,
                    const search::SearchResponse& response);
  // A click from a results page of this site (its Referer) on an article.
  void RecordResultClick(const Pistache::Rest::Request& request, const std::string& visit,
                         const search::Article& article);
  HttpResponse HomePage(const Pistache::Rest::Request& request);
  // home_routes.cc: what the home page, listings, the end of results and
  // article pages offer next (categories, most read, related articles).
  // The home page's categories and most read articles in `ui`.
  HomePageInput HomeContent(Language ui);
  // The categories of `language` with their public articles ({} when the
  // index cannot be read: the page still works, the failure is logged).
  std::vector<search::Category> CategoriesFor(search::Searcher& searcher, Language language,
                                              size_t max_articles);
  // The public articles of `language` most read lately (article views in
  // events.db over the last kMostReadDays); none without events or a store.
  std::vector<search::DocumentLink> MostRead(search::Searcher& searcher, Language language);
  // An article page opened (EventType::kArticleViewed), for "most read".
  void RecordArticleView(const std::string& visit, const search::DocumentRecord& article);
  // Public articles like `article` in its language, never internal ones.
  std::vector<search::DocumentLink> RelatedTo(search::Searcher& searcher, const search::DocumentRecord& article);
  // Fills a search page's listing title and its ways on (categories and most
  // read when nothing was found, related articles on the last page).
  void AddWaysOn(const search::SearchRequest& request, const search::SearchResponse& response, SearchPageInput& input);
  HttpResponse SearchPage(const Pistache::Rest::Request& request);
  HttpResponse ArticlePage(const Pistache::Rest::Request& request);
  HttpResponse StaticFile(const Pistache::Rest::Request& request);
  HttpResponse NotFound(const Pistache::Rest::Request& request);
  // For search engines (sitemap.h).
  HttpResponse Sitemap(const Pistache::Rest::Request& request);
  HttpResponse Robots(const Pistache::Rest::Request& request);

  // Agent routes (agent_routes.cc).
  HttpResponse AgentLoginPage(const Request& http);
  HttpResponse AgentLoginSubmit(const Request& http);
  HttpResponse AgentLogout(const Request& http, const AgentRequest& request,
                           const AuthenticatedAgent& agent);
  HttpResponse AgentConsole(const Request& http, const AgentRequest& request,
                            const AuthenticatedAgent& agent);
  HttpResponse AgentTicketPage(const Request& http, const AgentRequest& request,
                               const AuthenticatedAgent& agent);
  HttpResponse AgentArticlePage(const Request& http, const AgentRequest& request,
                                const AuthenticatedAgent& agent);
  HttpResponse ApiAgentSearch(const Request& http, const AgentRequest& request,
                              const AuthenticatedAgent& agent);
  HttpResponse ApiAgentRelated(const Request& http, const AgentRequest& request,
                               const AuthenticatedAgent& agent);
  HttpResponse ApiGaps(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent);
  HttpResponse GapsPage(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent);
  // The inbox (inbox_routes.cc): contact messages for agents.
  HttpResponse AgentInboxPage(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent);
  HttpResponse AgentMessagePage(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent);
  HttpResponse AgentMessageStatusSubmit(const Request& http, const AgentRequest& request,
                                        const AuthenticatedAgent& agent);
  HttpResponse ApiAgentMessages(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent);
  HttpResponse ApiAgentMessageStatus(const Request& http, const AgentRequest& request,
                                     const AuthenticatedAgent& agent);
  // The searches and opened articles of a message's visit before it was sent
  // (events flushed first); empty without an event store.
  void LoadVisitTrail(const stores::StoredContactMessage& message, AgentMessageInput& input);
  // POST /gaps/triage: dismiss, mark done or restore a failing-search topic.
  HttpResponse GapsTriage(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent);
  // The gap report's JSON over every recorded event (flushed first) and the
  // public index; kInternal (logged) or kIndexUnavailable otherwise.
  Result<analytics::GapReport> LoadGapReport(const GapParameters& parameters);
  // The sign-in page with a fresh double-submit token (and its cookie).
  HttpResponse AgentLoginResponse(int status, const Request& http, const AgentRequest& request,
                                  const std::string& next, const std::string& name,
                                  const std::string& message_key, long wait_seconds = 0);
  // The header, footer links and copy-link origin of an agent page.
  AgentPageContext AgentPage(const AgentRequest& request, const AuthenticatedAgent& agent,
                             Language ui, std::function<std::string(Language)> url_for_ui);
  // The agent's interface language: ui=, Accept-Language, English (lang= is
  // a results filter on the console, not the agent's language).
  Language AgentLanguage(const Request& request);
  // The fields of a form an agent's page posted, or the error page to answer
  // instead: 400 for a body that is not a form, 403 unless it comes from this
  // origin with the session's CSRF token.
  std::variant<FormFields, HttpResponse> AgentFormPost(const Request& http, const AgentRequest& request,
                                                       const AuthenticatedAgent& agent, Language ui);

  // Runs a search (an empty query gives an empty response without touching
  // the index).
  Result<search::SearchResponse> RunSearch(search::Index& index,
                                           const search::SearchRequest& request);
  HttpResponse ErrorPage(const ApiError& error, Language ui);
  // The generic 500, as JSON for the API and as a page otherwise. Never throws.
  HttpResponse InternalErrorResponse(bool api);
  // The interface language of a page: ui=, the visitor's chosen language
  // (cookie), lang=, Accept-Language, English.
  Language PageLanguage(const Pistache::Rest::Request& request);
  // The page's language as the API sees it when ui= is absent: the chosen
  // language (cookie), else Accept-Language; nullopt when neither says.
  // Sets `varies` when the answer came from a header, for Vary.
  std::optional<Language> ChosenLanguage(const Pistache::Rest::Request& request, std::string& varies);
  // Remembers an explicit ui= in the language cookie (only when it changes,
  // so pages stay cacheable).
  void RememberLanguage(const Pistache::Rest::Request& request, HttpResponse& response);

  std::shared_ptr<search::Index> index_;        // public database only
  std::shared_ptr<search::Index> agent_index_;  // public + agent; may be null
  // RecordEvent()'s log of dropped events: at most one line a second.
  std::mutex dropped_log_mutex_;
  uint64_t dropped_unlogged_ = 0;                              // guarded by dropped_log_mutex_
  std::chrono::steady_clock::time_point dropped_logged_at_;   // guarded by dropped_log_mutex_
  AgentAuth agent_auth_;
  PageRenderer pages_;
  StaticAssets assets_;
  std::shared_ptr<stores::EventStore> events_;     // may be null
  std::shared_ptr<stores::EventLog> event_log_;    // the reports' read-only view; null when events_ is
  analytics::TicketGapCache ticket_gaps_;             // the gap report's ticket topics, per index generation
  std::shared_ptr<stores::ContactStore> contact_;  // may be null
  std::shared_ptr<stores::MessageForwarder> forwarder_;  // may be null
  std::shared_ptr<stores::GapTriageStore> gap_triage_;  // the writers' triage of /gaps; may be null
  Metrics metrics_;
  // Requests in a handler or being written (Wrap), and the drain state.
  mutable std::mutex drain_mutex_;
  std::condition_variable drain_changed_;
  int in_flight_ = 0;      // guarded by drain_mutex_
  bool draining_ = false;  // guarded by drain_mutex_
  std::set<std::string> failpoints_;
  std::string base_url_;  // "" when not configured
  // MostRead()'s counts per language: recounted after kMostReadRefresh, or
  // sooner while none are known and events have been written since.
  struct MostReadCounts {
    std::chrono::steady_clock::time_point counted_at;
    uint64_t events_written = 0;
    std::vector<std::string> article_ids;  // most read first
  };
  std::mutex most_read_mutex_;
  std::map<Language, MostReadCounts> most_read_;  // guarded by most_read_mutex_
};

}  // namespace helpdex::server

// The agent routes of Routes (declared in routes.h): sign-in, sign-out, the
// console, ticket and article pages, and the agent API. Authentication and
// CSRF rules live in agent_auth.h; WrapAgent() applies them before any
// handler here runs, and Wrap() marks every response `no-store`.
//
// Only `agent_index_` is used here, and only here: public routes never see
// tickets or internal articles.
#include <algorithm>
#include <charconv>
#include <cctype>
#include <chrono>

#include <nlohmann/json.hpp>

#include "helpdex/search/json.h"
#include "helpdex/search/text.h"
#include "helpdex/analytics/gap_format.h"
#include "helpdex/analytics/gaps.h"
#include "helpdex/analytics/triage.h"
#include "json_render.h"
#include "routes.h"

namespace helpdex::server {
namespace {

using Pistache::Rest::Request;
namespace Rest = Pistache::Rest;

constexpr size_t kRelatedLimit = 5;
// Ticket ids come from exports and may hold any text, but not this much.
constexpr size_t kMaxTicketIdBytes = 256;

std::string Code(Language language) { return std::string(LanguageCode(language)); }

ApiError Generic(ErrorCode code) { return ApiError{code, std::string(GenericMessage(code)), ""}; }

// The 503 of an agent route when the agent index could not be opened at start.
ApiError AgentIndexMissing() {
  ApiError error = Generic(ErrorCode::kIndexUnavailable);
  error.log_detail = "the agent index could not be opened at start (see its agent_index_unavailable line)";
  return error;
}

// A decoded query value, or "" when absent or malformed.
std::string QueryValue(const Request& http, std::string_view name) {
  Result<std::optional<std::string>> value = DecodeParameter(name, QuerySource(http));
  return value.ok() && *value ? **value : std::string();
}

}  // namespace

Rest::Route::Handler Routes::WrapAgent(const char* route_name, Kind kind, AgentHandler handler) {
  const bool api = kind == Kind::kAgentApi;
  return Wrap(route_name, kind, [this, api, handler](const Request& http) {
    AgentRequest request = ReadAgentRequest(http);
    std::optional<AuthenticatedAgent> agent =
        api ? agent_auth_.ApiAgent(request) : agent_auth_.PageAgent(request);
    if (agent) return (this->*handler)(http, request, *agent);
    if (api) {
      HttpResponse response = ApiErrorResponse(Generic(ErrorCode::kUnauthorized));
      SetHeader(response, "WWW-Authenticate", "Bearer realm=\"helpdex\"");
      return response;
    }
    // Back to this page after signing in; only a GET can be repeated.
    std::string next = http.method() == Pistache::Http::Method::Get
                           ? http.resource() + http.query().as_str()
                           : std::string("/agent");
    std::string location = "/agent/login?next=" + search::PercentEncode(SafeNextPath(next));
    if (std::optional<Language> ui = ParseLanguage(QueryValue(http, "ui"))) {
      location += "&ui=" + Code(*ui);
    }
    return SeeOther(location);
  });
}

Language Routes::AgentLanguage(const Request& http) {
  if (std::optional<Language> language = ParseLanguage(QueryValue(http, "ui"))) return *language;
  if (auto header = http.headers().tryGetRaw("Accept-Language")) {
    if (std::optional<Language> language = PreferredLanguage(header->value())) return *language;
  }
  return Language::kEnglish;
}

AgentPageContext Routes::AgentPage(const AgentRequest& request, const AuthenticatedAgent& agent,
                                   Language ui, std::function<std::string(Language)> url_for_ui) {
  AgentPageContext page;
  page.ui = ui;
  page.agent_name = agent.name;
  page.csrf_token = agent.session ? agent.session->csrf_token : std::string();
  std::string host = SafeHost(request.host);
  if (!host.empty()) page.origin = (agent_auth_.IsTls(request) ? "https://" : "http://") + host;
  page.url_for_ui = std::move(url_for_ui);
  return page;
}

HttpResponse Routes::AgentLoginResponse(int status, const Request& http, const AgentRequest& request,
                                        const std::string& next, const std::string& name,
                                        const std::string& message_key, long wait_seconds) {
  std::optional<std::string> token = AgentAuth::NewLoginCsrfToken();
  if (!token) return InternalErrorResponse(false);
  Language ui = AgentLanguage(http);
  AgentLoginInput input{ui, next, name, *token, message_key, wait_seconds};
  HttpResponse response = HtmlResponse(status, pages_.AgentLogin(input), LanguageCode(ui));
  response.cookies.push_back(agent_auth_.LoginCsrfCookie(request, *token));
  return response;
}

HttpResponse Routes::AgentLoginPage(const Request& http) {
  AgentRequest request = ReadAgentRequest(http);
  std::string next = SafeNextPath(QueryValue(http, "next"));
  // Signed in already: nothing to do here (a GET changes no state).
  if (agent_auth_.PageAgent(request)) return SeeOther(next);
  return AgentLoginResponse(200, http, request, next, "", "");
}

HttpResponse Routes::AgentLoginSubmit(const Request& http) {
  AgentRequest request = ReadAgentRequest(http);
  Result<FormFields> form = ReadForm(http);
  if (!form.ok()) return ErrorPage(ToApiError(form.error()), AgentLanguage(http));
  std::string next = SafeNextPath(FormValue(*form, "next").value_or(""));
  std::string name = FormValue(*form, "name").value_or("");
  // A foreign site's form, or a form older than its token: show a fresh one.
  if (!agent_auth_.SameOrigin(request) || !agent_auth_.LoginCsrfMatches(request, FormValue(*form, kCsrfField))) {
    return AgentLoginResponse(403, http, request, next, name, "agent_form_expired");
  }
  std::chrono::seconds retry_after{0};
  Result<stores::NewSession> session =
      agent_auth_.SignIn(name, FormValue(*form, "password").value_or(""), request, &retry_after);
  if (!session.ok()) {
    switch (session.error().code) {
      case ErrorCode::kRateLimited: {
        // Only this name from this address (or this address's many failures)
        // waits; the server never sleeps on it.
        const long wait = static_cast<long>(std::max<int64_t>(1, retry_after.count()));
        HttpResponse limited = AgentLoginResponse(429, http, request, next, name, "", wait);
        limited.headers.emplace_back("Retry-After", std::to_string(wait));
        return limited;
      }
      case ErrorCode::kUnauthorized:
      case ErrorCode::kInvalidInput:
      case ErrorCode::kNotFound:
        // One message whatever was wrong: no hint whether the name exists.
        return AgentLoginResponse(401, http, request, next, name, "agent_sign_in_failed");
      default:
        LogLine({{"level", "error"}, {"route", "agent_login_submit"}, {"error", session.error().ToString()}});
        return InternalErrorResponse(false);
    }
  }
  HttpResponse response = SeeOther(next);
  response.cookies.push_back(agent_auth_.SessionCookie(request, std::move(session->cookie_value)));
  response.cookies.push_back(agent_auth_.ExpiredLoginCsrfCookie(request));
  return response;
}

std::variant<FormFields, HttpResponse> Routes::AgentFormPost(const Request& http, const AgentRequest& request,
                                                             const AuthenticatedAgent& agent, Language ui) {
  Result<FormFields> form = ReadForm(http);
  if (!form.ok()) return ErrorPage(ToApiError(form.error()), ui);
  if (!agent_auth_.SameOrigin(request) ||
      !agent_auth_.SessionCsrfMatches(agent, request, FormValue(*form, kCsrfField))) {
    return ErrorPage(Generic(ErrorCode::kForbidden), ui);
  }
  return std::move(*form);
}

HttpResponse Routes::AgentLogout(const Request& http, const AgentRequest& request,
                                 const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  std::variant<FormFields, HttpResponse> posted = AgentFormPost(http, request, agent, ui);
  if (HttpResponse* refusal = std::get_if<HttpResponse>(&posted)) return std::move(*refusal);
  agent_auth_.SignOut(agent);
  HttpResponse response = SeeOther("/agent/login?ui=" + Code(ui));
  response.cookies.push_back(agent_auth_.ExpiredSessionCookie(request));
  return response;
}

HttpResponse Routes::AgentConsole(const Request& http, const AgentRequest& request,
                                  const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  if (agent_index_ == nullptr) return ErrorPage(AgentIndexMissing(), ui);
  Result<search::SearchRequest> parsed = ParseSearchRequest(QuerySource(http));
  if (!parsed.ok()) return ErrorPage(ToApiError(parsed.error()), ui);
  Result<search::SearchRequest> search_request = search::NormalizeRequest(std::move(*parsed));
  if (!search_request.ok()) return ErrorPage(ToApiError(search_request.error()), ui);
  search_request->with_reply_material = true;
  search_request->with_facets = true;  // the console shows them

  Result<std::optional<std::string>> reply_text = DecodeParameter("reply", QuerySource(http));
  if (!reply_text.ok()) return ErrorPage(ToApiError(reply_text.error()), ui);
  std::optional<Language> reply;
  if (*reply_text && !(*reply_text)->empty()) {
    reply = ParseLanguage(**reply_text);
    if (!reply) {
      return ErrorPage(InvalidParameter("reply", "reply must be one of " + std::string(SupportedLanguageList())), ui);
    }
  }

  Result<search::SearchResponse> result = RunSearch(*agent_index_, *search_request);
  if (!result.ok()) {
    if (result.error().code == ErrorCode::kInternal) {
      LogLine({{"level", "error"}, {"route", "agent_console"}, {"error", result.error().ToString()}});
    }
    return ErrorPage(ToApiError(result.error()), ui);
  }
  // Reply in: reply=, else what the search says the customer writes in.
  const Language reply_language = reply ? *reply : search::DefaultReplyLanguage(*search_request, *result, ui);

  const search::SearchRequest& parsed_request = *search_request;
  AgentSearchInput input;
  input.page = AgentPage(request, agent, ui, [&parsed_request, reply](Language language) {
    return AgentSearchUrl(LinkFor(parsed_request, language), reply);
  });
  input.request = &parsed_request;
  input.response = IsBlank(parsed_request.query) ? nullptr : &*result;
  input.reply = reply_language;
  input.requested_reply = reply;
  return HtmlResponse(200, pages_.AgentConsole(input), LanguageCode(ui));
}

HttpResponse Routes::AgentTicketPage(const Request& http, const AgentRequest& request,
                                     const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  if (agent_index_ == nullptr) return ErrorPage(AgentIndexMissing(), ui);
  // The router hands the segment over still percent-encoded. '+' is a space,
  // as it has always been here; the links (DocumentUrl) encode a '+' as %2B.
  std::optional<std::string> id =
      search::PercentDecode(http.param(":id").as<std::string>(), search::Plus::kSpace);
  if (!id || id->empty() || id->size() > kMaxTicketIdBytes || id->find('\0') != std::string::npos ||
      !search::IsValidUtf8(*id)) {
    return ErrorPage(Generic(ErrorCode::kNotFound), ui);
  }
  Result<std::shared_ptr<search::Searcher>> searcher = agent_index_->AcquireSearcher();
  if (!searcher.ok()) return ErrorPage(ToApiError(searcher.error()), ui);
  Result<search::DocumentRecord> ticket = (*searcher)->GetTicket(*id);
  if (!ticket.ok()) return ErrorPage(ToApiError(ticket.error()), ui);
  Result<std::vector<search::DocumentLink>> related =
      (*searcher)->RelatedArticles("ticket", ticket->id, kRelatedLimit);
  std::vector<search::DocumentLink> links = related.ok() ? std::move(*related) : std::vector<search::DocumentLink>();

  std::string url = search::DocumentUrl(*ticket);
  AgentPageContext page = AgentPage(request, agent, ui, [url](Language language) {
    return url + "?ui=" + Code(language);
  });
  return HtmlResponse(200, pages_.AgentTicket(page, *ticket, links), LanguageCode(ui));
}

HttpResponse Routes::AgentArticlePage(const Request& http, const AgentRequest& request,
                                      const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  if (agent_index_ == nullptr) return ErrorPage(AgentIndexMissing(), ui);
  std::optional<std::string> slug =
      search::PercentDecode(http.param(":slug").as<std::string>(), search::Plus::kSpace);
  if (!slug || !IsValidSlug(*slug)) return ErrorPage(Generic(ErrorCode::kNotFound), ui);
  Result<std::optional<std::string>> lang = DecodeParameter("lang", QuerySource(http));
  if (!lang.ok()) return ErrorPage(ToApiError(lang.error()), ui);
  std::optional<Language> language;
  if (*lang && !(*lang)->empty()) {
    language = ParseLanguage(**lang);
    if (!language) {
      return ErrorPage(InvalidParameter("lang", "lang must be one of " + std::string(SupportedLanguageList())), ui);
    }
  }
  Result<std::shared_ptr<search::Searcher>> searcher = agent_index_->AcquireSearcher();
  if (!searcher.ok()) return ErrorPage(ToApiError(searcher.error()), ui);
  Result<search::Article> article = (*searcher)->GetArticle(*slug, language);
  if (!article.ok()) return ErrorPage(ToApiError(article.error()), ui);
  Result<std::vector<search::DocumentLink>> related =
      (*searcher)->RelatedArticles("article", article->record.id, kRelatedLimit);
  std::vector<search::DocumentLink> links = related.ok() ? std::move(*related) : std::vector<search::DocumentLink>();

  std::string url = "/agent" + search::ArticleUrl(article->record);
  AgentPageContext page = AgentPage(request, agent, ui, [url](Language language) {
    return url + "&ui=" + Code(language);
  });
  return HtmlResponse(200, pages_.AgentArticle(page, *article, links), LanguageCode(ui));
}

HttpResponse Routes::ApiAgentSearch(const Request& http, const AgentRequest&, const AuthenticatedAgent&) {
  if (agent_index_ == nullptr) return ApiErrorResponse(AgentIndexMissing());
  Result<search::SearchRequest> parsed = ParseSearchRequest(QuerySource(http));
  if (!parsed.ok()) return ApiErrorResponse(ToApiError(parsed.error()));
  Result<search::SearchRequest> search_request = search::NormalizeRequest(std::move(*parsed));
  if (!search_request.ok()) return ApiErrorResponse(ToApiError(search_request.error()));
  search_request->with_reply_material = true;
  Result<search::SearchResponse> result = RunSearch(*agent_index_, *search_request);
  if (!result.ok()) {
    if (result.error().code == ErrorCode::kInternal) {
      LogLine({{"level", "error"}, {"route", "api_agent_search"}, {"error", result.error().ToString()}});
    }
    return ApiErrorResponse(ToApiError(result.error()));
  }
  return JsonResponse(200, search::SearchResponseToJson(*result));
}

HttpResponse Routes::ApiAgentRelated(const Request& http, const AgentRequest&, const AuthenticatedAgent&) {
  if (agent_index_ == nullptr) return ApiErrorResponse(AgentIndexMissing());
  Result<std::optional<std::string>> type = DecodeParameter("type", QuerySource(http));
  if (!type.ok()) return ApiErrorResponse(ToApiError(type.error()));
  if (!*type || (**type != "article" && **type != "ticket")) {
    return ApiErrorResponse(InvalidParameter("type", "type must be article or ticket"));
  }
  Result<std::optional<std::string>> id = DecodeParameter("id", QuerySource(http));
  if (!id.ok()) return ApiErrorResponse(ToApiError(id.error()));
  if (!*id || (*id)->empty() || (*id)->size() > kMaxTicketIdBytes) {
    return ApiErrorResponse(InvalidParameter("id", "id must name a document"));
  }
  Result<std::shared_ptr<search::Searcher>> searcher = agent_index_->AcquireSearcher();
  if (!searcher.ok()) return ApiErrorResponse(ToApiError(searcher.error()));
  Result<std::vector<search::DocumentLink>> related = (*searcher)->RelatedArticles(**type, **id, kRelatedLimit);
  if (!related.ok()) return ApiErrorResponse(ToApiError(related.error()));
  return JsonResponse(200, search::RelatedToJson(*related));
}

// The gap report (gaps.h) over the recorded events and the public index:
// what customers look for and do not find. Agent-only: it holds customers'
// (redacted) searches.
Result<analytics::GapReport> Routes::LoadGapReport(const GapParameters& parameters) {
  if (!events_ || !event_log_) return Error{ErrorCode::kIndexUnavailable, "no event store", "gaps"};
  events_->Flush();  // what was just recorded belongs in the report
  analytics::GapOptions options;
  if (parameters.min_visits) options.min_visits = *parameters.min_visits;
  if (parameters.review_after_days) options.review_after_days = *parameters.review_after_days;
  Result<analytics::GapReport> report =
      analytics::LoadGapReport(*event_log_, *index_, options, agent_index_.get(), &ticket_gaps_);
  if (!report.ok()) {
    LogLine({{"level", "error"}, {"route", "gaps"}, {"error", report.error().ToString()}});
    return report.error();
  }
  if (gap_triage_) {
    Result<std::vector<stores::TriageEntry>> triaged = gap_triage_->All();
    if (!triaged.ok()) {
      LogLine({{"level", "error"}, {"route", "gaps"}, {"error", triaged.error().ToString()}});
      return triaged.error();
    }
    analytics::ApplyTriage(*report, *triaged, report->to_ms);
  }
  return report;
}

// JSON, or with format=csv the searches table for a spreadsheet.
HttpResponse Routes::ApiGaps(const Request& http, const AgentRequest&, const AuthenticatedAgent&) {
  Result<GapParameters> parameters = ParseGapRequest(QuerySource(http));
  if (!parameters.ok()) return ApiErrorResponse(ToApiError(parameters.error()));
  Result<analytics::GapReport> report = LoadGapReport(*parameters);
  if (!report.ok()) return ApiErrorResponse(ToApiError(report.error()));
  if (!parameters->csv) return JsonResponse(200, analytics::GapReportJson(*report));
  HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = analytics::GapSearchesCsv(*report);
  SetHeader(response, "Content-Disposition", "attachment; filename=\"helpdex-gaps.csv\"");
  SetHeader(response, "X-Content-Type-Options", "nosniff");
  return response;
}

// The writers' page over the same report (gaps_page.cc).
HttpResponse Routes::GapsPage(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  Result<GapParameters> parameters = ParseGapRequest(QuerySource(http));
  if (!parameters.ok()) return ErrorPage(ToApiError(parameters.error()), ui);
  Result<analytics::GapReport> report = LoadGapReport(*parameters);
  if (!report.ok()) return ErrorPage(ToApiError(report.error()), ui);
  const int min_visits = parameters->min_visits.value_or(analytics::GapOptions{}.min_visits);
  GapsPageInput input;
  input.page = AgentPage(request, agent, ui, [min_visits](Language language) {
    return "/gaps?min_visits=" + std::to_string(min_visits) + "&ui=" + Code(language);
  });
  input.report = &*report;
  input.min_visits = min_visits;
  return HtmlResponse(200, pages_.GapsPage(input), LanguageCode(ui));
}

// A writer's triage of a failing-search topic, from the form beside it on
// /gaps: action=dismiss|done records it (with the topic's visits now, the
// measure of its coming back: analytics/triage.h), action=restore undoes it.
// Then back to the report, as a form post should (303).
HttpResponse Routes::GapsTriage(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  std::variant<FormFields, HttpResponse> posted = AgentFormPost(http, request, agent, ui);
  if (HttpResponse* refusal = std::get_if<HttpResponse>(&posted)) return std::move(*refusal);
  const FormFields& form = std::get<FormFields>(posted);
  if (!gap_triage_) return ErrorPage(ToApiError(Error{ErrorCode::kIndexUnavailable, "no data directory", "triage"}), ui);
  const std::string key = FormValue(form, "key").value_or("");
  const std::string action = FormValue(form, "action").value_or("");
  int64_t visits = 0;
  const std::string visits_text = FormValue(form, "visits").value_or("0");
  if (auto [end, error] = std::from_chars(visits_text.data(), visits_text.data() + visits_text.size(), visits);
      error != std::errc() || end != visits_text.data() + visits_text.size() || visits < 0) {
    return ErrorPage(InvalidParameter("visits", "visits must be a whole number, 0 or more"), ui);
  }
  Result<bool> done = action == "restore" ? gap_triage_->Clear("search", key)
                      : action == "dismiss" || action == "done"
                          ? gap_triage_->Set({.kind = "search",
                                              .key = key,
                                              .state = action == "done" ? stores::TriageState::kDone
                                                                        : stores::TriageState::kDismissed,
                                              .visits = visits,
                                              .agent = agent.name})
                          : Result<bool>(Error{ErrorCode::kInvalidInput, "action must be dismiss, done or restore",
                                               "action"});
  if (!done.ok()) {
    if (done.error().code == ErrorCode::kInternal) {
      LogLine({{"level", "error"}, {"route", "gaps_triage"}, {"error", done.error().ToString()}});
    }
    return ErrorPage(ToApiError(done.error()), ui);
  }
  std::string back = "/gaps?ui=" + Code(ui);
  const std::string min_visits = FormValue(form, "min_visits").value_or("");
  if (!min_visits.empty() && min_visits.size() <= 4 &&
      min_visits.find_first_not_of("0123456789") == std::string::npos) {
    back += "&min_visits=" + min_visits;
  }
  return SeeOther(back + "#gaps-searches");
}

}  // namespace helpdex::server

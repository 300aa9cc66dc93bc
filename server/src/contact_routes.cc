// The contact form (/contact), the events the help page's script reports
// (/api/events) and the anonymous visit cookie both rely on. Events go to the
// EventStore's queue, never to the disk on the request path; a contact
// message is saved before the customer is told it was sent.
#include <charconv>

#include <nlohmann/json.hpp>

#include "helpdex/server/client_address.h"
#include "helpdex/search/text.h"
#include "agent_auth.h"
#include "json_render.h"
#include "routes.h"

namespace helpdex::server {
namespace {

using Pistache::Rest::Request;

// A visit ends after half an hour without a page that renews the cookie.
constexpr int kVisitSeconds = 30 * 60;
// What /api/events accepts: a small JSON object (a feedback comment of 1000
// characters written as \u escapes takes 6000 bytes).
constexpr size_t kMaxEventBodyBytes = 8192;

ApiError Generic(ErrorCode code) { return ApiError{code, std::string(GenericMessage(code)), ""}; }

}  // namespace

std::string Routes::VisitOf(const Request& http) {
  if (stores::IsKnownCrawler(RawHeaderValue(http, "User-Agent"))) return "";
  std::optional<std::string> cookie = CookieValue(RawHeaderValue(http, "Cookie"), kVisitCookie);
  if (cookie && stores::IsValidVisitId(*cookie)) return *cookie;
  return "";
}

std::string Routes::EnsureVisit(const Request& http, HttpResponse& response, bool renew) {
  if (stores::IsKnownCrawler(RawHeaderValue(http, "User-Agent"))) return "";  // robots get no visit
  std::string visit = VisitOf(http);
  const bool fresh = visit.empty();
  if (!fresh && !renew) return visit;  // the page stays cacheable
  if (fresh) visit = stores::NewVisitId();
  if (visit.empty()) return visit;  // no randomness: no visit, nothing recorded
  AgentRequest request = ReadAgentRequest(http);
  ResponseCookie cookie{kVisitCookie, visit, kVisitSeconds, agent_auth_.IsTls(request)};
  cookie.same_site = "Lax";
  response.cookies.push_back(std::move(cookie));
  // A response that sets a cookie is for this browser only.
  SetHeader(response, "Cache-Control", "private, no-store");
  return visit;
}

void Routes::RecordEvent(stores::Event event) {
  if (!events_ || event.visit.empty()) return;
  const std::string type(stores::EventTypeName(event.type));
  if (events_->Record(std::move(event))) return;
  // Dropped (the queue is full: the disk is slower than the traffic). Every
  // drop is counted in /metrics; the log gets one line per second at most,
  // with how many were dropped since the last line, so that an overload
  // does not also flood the log.
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(dropped_log_mutex_);
  ++dropped_unlogged_;
  if (now - dropped_logged_at_ < std::chrono::seconds(1)) return;
  LogLine({{"level", "error"},
           {"event", "events_dropped"},
           {"type", type},
           {"dropped", dropped_unlogged_},
           {"reason", "the event queue is full"}});
  dropped_unlogged_ = 0;
  dropped_logged_at_ = now;
}

// The request number of the thank-you page (sent=ID): only for the visit
// that sent the message, so that nobody learns another's number or subject
// by trying ids. "" otherwise.
std::string Routes::SentRequestNumber(const Request& http, const std::string& sent) {
  if (!contact_) return "";
  int64_t id = 0;
  auto [end, error] = std::from_chars(sent.data(), sent.data() + sent.size(), id);
  if (error != std::errc() || end != sent.data() + sent.size() || id <= 0) return "";
  const std::string visit = VisitOf(http);
  if (visit.empty()) return "";
  Result<stores::StoredContactMessage> message = contact_->Get(id);
  if (!message.ok() || message->message.visit != visit) return "";
  return stores::RequestNumber(id);
}

HttpResponse Routes::ContactPage(const Request& http) {
  Language ui = PageLanguage(http);
  ContactPageInput input;
  input.ui = ui;
  Result<std::optional<std::string>> sent = DecodeParameter("sent", QuerySource(http));
  input.sent = sent.ok() && *sent && !(*sent)->empty();
  if (input.sent) input.request_number = SentRequestNumber(http, **sent);
  HttpResponse response = HtmlResponse(200, "", LanguageCode(ui));
  input.csrf_token = EnsureVisit(http, response, true);
  response.body = pages_.ContactPage(input);
  RememberLanguage(http, response);
  return response;
}

HttpResponse Routes::ContactSubmit(const Request& http) {
  Language ui = PageLanguage(http);
  Result<FormFields> form = ReadForm(http);
  if (!form.ok()) return ErrorPage(ToApiError(form.error()), ui);
  if (std::optional<std::string> field_ui = FormValue(*form, "ui")) {
    if (std::optional<Language> language = ParseLanguage(*field_ui)) ui = *language;
  }
  ContactPageInput input;
  input.ui = ui;
  input.message.subject = FormValue(*form, "subject").value_or("");
  input.message.description = FormValue(*form, "description").value_or("");
  input.message.email = std::string(search::Trim(FormValue(*form, "email").value_or(""), search::kHttpWhitespace));
  input.message.language = std::string(LanguageCode(ui));

  // The visit cookie doubles as the form's CSRF token: a foreign site can
  // make the browser send the cookie but cannot read it into the form.
  const std::string visit = VisitOf(http);
  const std::string token = FormValue(*form, kCsrfField).value_or("");
  const bool same_origin = agent_auth_.SameOrigin(ReadAgentRequest(http));
  auto again = [&](int status) {
    HttpResponse response = HtmlResponse(status, "", LanguageCode(ui));
    input.csrf_token = EnsureVisit(http, response, true);
    response.body = pages_.ContactPage(input);
    return response;
  };
  if (!same_origin || visit.empty() || token != visit) {
    input.notice_key = "contact_form_expired";
    return again(403);
  }
  input.errors = stores::ValidateContactMessage(input.message);
  if (!input.errors.empty()) return again(422);
  if (!contact_) {
    LogLine({{"level", "error"}, {"route", "contact_submit"}, {"error", "no data directory: messages cannot be kept"}});
    ApiError error = Generic(ErrorCode::kIndexUnavailable);
    error.log_detail = "no data directory: messages cannot be kept";
    return ErrorPage(error, ui);
  }
  // The store's flood policy; if it cannot count, the message is kept.
  Result<bool> flooding = contact_->IsFlooding(visit);
  if (!flooding.ok()) {
    LogLine({{"level", "error"}, {"route", "contact_submit"}, {"error", flooding.error().ToString()}});
  } else if (*flooding) {
    input.notice_key = "contact_rate_limited";
    return again(429);
  }
  input.message.visit = visit;
  Result<int64_t> saved = contact_->Save(input.message);
  if (!saved.ok()) {
    LogLine({{"level", "error"}, {"route", "contact_submit"}, {"error", saved.error().ToString()}});
    return InternalErrorResponse(false);
  }
  RecordEvent(stores::Event{.type = stores::EventType::kContactSubmitted,
                    .visit = visit,
                    .query = input.message.subject,
                    .language = input.message.language});
  // The forwarder takes it from the store (it was saved as pending).
  if (forwarder_) forwarder_->Notify();
  metrics_.CountContactMessage();
  // Post/redirect/get: reloading the thank-you page does not send it twice.
  HttpResponse response =
      SeeOther("/contact?sent=" + std::to_string(*saved) + "&ui=" + std::string(LanguageCode(ui)));
  EnsureVisit(http, response, true);
  return response;
}

// POST /api/events {"type": "suggest_opened"|"answered"|"result_clicked",
// "query", "article", "lang"}: what the page's script saw the customer do
// ("feedback" has its own fields: feedback_routes.cc).
// The server records searches, suggestions shown and contact submissions
// itself; a client cannot claim those.
HttpResponse Routes::ApiEvents(const Request& http) {
  const AgentRequest client = ReadAgentRequest(http);
  if (!agent_auth_.SameOrigin(client)) return ApiErrorResponse(Generic(ErrorCode::kForbidden));
  const std::string& body = http.body();
  if (body.size() > kMaxEventBodyBytes) {
    return ApiErrorResponse(InvalidParameter("body", "the event is larger than 8192 bytes"));
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return ApiErrorResponse(InvalidParameter("body", "the body must be a JSON object"));
  auto text = [&](const char* key) -> std::string {
    auto found = parsed.find(key);
    return found != parsed.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  std::optional<stores::EventType> type = stores::ParseEventType(text("type"));
  if (type == stores::EventType::kFeedback) return ApiFeedbackEvent(http, parsed);  // feedback_routes.cc
  if (!type || (*type != stores::EventType::kSuggestOpened && *type != stores::EventType::kAnswered &&
                *type != stores::EventType::kResultClicked)) {
    return ApiErrorResponse(
        InvalidParameter("type", "type must be one of suggest_opened, answered, result_clicked, feedback"));
  }
  stores::Event event{.type = *type, .query = text("query"), .article = text("article")};
  if (!IsPlausibleArticleId(event.article)) {
    return ApiErrorResponse(InvalidParameter("article", "article must be an article id"));
  }
  if (event.query.size() > search::kMaxQueryBytes || !search::IsValidUtf8(event.query)) {
    return ApiErrorResponse(InvalidParameter("query", "query must be valid UTF-8 of at most " +
                                                          std::to_string(search::kMaxQueryBytes) + " bytes"));
  }
  // Only articles a customer can open: an unknown or internal id is a 404,
  // as for any other public lookup (nothing says which ids exist internally).
  Result<std::shared_ptr<search::Searcher>> searcher = index_->AcquireSearcher();
  if (!searcher.ok()) return ApiErrorResponse(ToApiError(searcher.error()));
  Result<bool> known = (*searcher)->HasArticle(event.article);
  if (!known.ok()) return ApiErrorResponse(ToApiError(known.error()));
  if (!*known) return ApiErrorResponse(ToApiError(Error{ErrorCode::kNotFound, "no article with this id", "article"}));
  if (std::optional<Language> language = ParseLanguage(text("lang"))) event.language = LanguageCode(*language);
  HttpResponse response = JsonResponse(202, R"({"status":"accepted"})");
  event.visit = EnsureVisit(http, response, true);
  event.client_range = AddressRange(agent_auth_.ClientOf(client));
  RecordEvent(std::move(event));
  return response;
}

}  // namespace helpdex::server

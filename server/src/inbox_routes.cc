// The agents' inbox (declared in routes.h): what customers wrote with the
// contact form, for agents only (WrapAgent authenticates before any handler
// here runs; Wrap marks every response no-store).
//
//   GET  /agent/messages[?status=open|answered|closed|all&page=N]  the list (open by default)
//   GET  /agent/messages/ID                                        one message
//   POST /agent/messages/ID/status   (form: csrf, status)           change its status, back to the page
//   GET  /api/agent/messages[?status=&page=&size=]                 JSON array, newest first
//   POST /api/agent/messages/ID      (JSON or form: status)        change its status, the message as JSON
//
// The logic (statuses, the visit's trail, forwarding) is in helpdex::stores;
// this file parses, calls it and renders.
#include <charconv>

#include <nlohmann/json.hpp>

#include "helpdex/search/text.h"
#include "helpdex/stores/forwarder.h"
#include "json_render.h"
#include "routes.h"

namespace helpdex::server {
namespace {

using Pistache::Rest::Request;

constexpr int kInboxPageSize = 25;
constexpr int kApiDefaultSize = 50;
constexpr int kApiMaxSize = 200;
constexpr size_t kSuggestedArticles = 3;
constexpr size_t kMaxOpenedArticles = 20;

std::string Code(Language language) { return std::string(LanguageCode(language)); }

ApiError Generic(ErrorCode code) { return ApiError{code, std::string(GenericMessage(code)), ""}; }

ApiError NoContactStore() {
  ApiError error = Generic(ErrorCode::kIndexUnavailable);
  error.log_detail = "no data directory: there are no contact messages";
  return error;
}

ApiError BadStatus(bool all_allowed) {
  return InvalidParameter("status", std::string("status must be one of open, answered, closed") +
                                        (all_allowed ? ", all" : ""));
}

// A message id from the path: digits only, else nullopt (a 404).
std::optional<int64_t> MessageId(const Request& http) {
  const std::string text = http.param(":id").as<std::string>();
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// status= of a list: nullopt for all; `fallback` when absent or empty.
Result<std::optional<stores::MessageStatus>> ListStatus(const Request& http,
                                                        std::optional<stores::MessageStatus> fallback) {
  Result<std::optional<std::string>> text = DecodeParameter("status", QuerySource(http));
  if (!text.ok()) return text.error();
  if (!*text || (*text)->empty()) return fallback;
  if (**text == kAllStatuses) return std::optional<stores::MessageStatus>();
  std::optional<stores::MessageStatus> status = stores::ParseMessageStatus(**text);
  if (!status) return Error{ErrorCode::kInvalidInput, "status must be one of open, answered, closed, all", "status"};
  return std::optional<stores::MessageStatus>(status);
}

// A positive integer query parameter (`fallback` when absent), at most `max`.
Result<int> PositiveParameter(const Request& http, const char* name, int fallback, int max) {
  Result<std::optional<std::string>> text = DecodeParameter(name, QuerySource(http));
  if (!text.ok()) return text.error();
  if (!*text || (*text)->empty()) return fallback;
  int value = 0;
  const std::string& digits = **text;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value < 1 || value > max) {
    return Error{ErrorCode::kInvalidInput,
                 std::string(name) + " must be a whole number from 1 to " + std::to_string(max), name};
  }
  return value;
}

nlohmann::ordered_json MessageJson(const stores::StoredContactMessage& stored) {
  const stores::ContactMessage& message = stored.message;
  nlohmann::ordered_json json = {
      {"id", stored.id},
      {"created", stores::IsoUtc(message.at_ms)},
      {"subject", message.subject},
      {"description", message.description},
      {"email", message.email},
      {"lang", message.language},
      {"status", std::string(stores::MessageStatusName(stored.status))},
      {"request", stores::RequestNumber(stored.id)},
      {"status_changed", stored.status_at_ms > 0 ? nlohmann::ordered_json(stores::IsoUtc(stored.status_at_ms))
                                                 : nlohmann::ordered_json(nullptr)},
      {"forward", std::string(stores::ForwardStateName(stored.forward))},
      {"forward_detail", stored.forward_detail},
  };
  return json;
}

std::string Dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// The subject and description as one suggestion text, cut to what a query
// may hold (at a character boundary), as the contact page's cards do.
std::string SuggestionText(const stores::ContactMessage& message) {
  std::string text = message.subject + "\n" + message.description;
  if (text.size() <= search::kMaxQueryBytes) return text;
  size_t end = search::kMaxQueryBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

}  // namespace

void Routes::LoadVisitTrail(const stores::StoredContactMessage& message, AgentMessageInput& input) {
  if (!events_ || !event_log_ || message.message.visit.empty()) return;
  events_->Flush();  // a search made just before writing belongs here
  Result<std::vector<stores::StoredEvent>> events = event_log_->Read({.visit = message.message.visit});
  if (!events.ok()) {
    LogLine({{"level", "error"}, {"route", "agent_message"}, {"error", events.error().ToString()}});
    return;
  }
  stores::VisitTrail trail = stores::VisitTrailBefore(*events, message.message.visit, message.message.at_ms);
  input.searches = std::move(trail.searches);
  Result<std::shared_ptr<search::Searcher>> searcher = index_->AcquireSearcher();
  if (!searcher.ok()) return;
  for (const std::string& id : trail.articles) {
    if (input.opened.size() >= kMaxOpenedArticles) break;
    Result<search::DocumentLink> link = (*searcher)->ArticleLink(id);
    if (link.ok()) input.opened.push_back(std::move(*link));  // an article removed since: left out
  }
}

HttpResponse Routes::AgentInboxPage(const Request& http, const AgentRequest& request, const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  if (!contact_) return ErrorPage(NoContactStore(), ui);
  Result<std::optional<stores::MessageStatus>> status = ListStatus(http, stores::MessageStatus::kOpen);
  if (!status.ok()) return ErrorPage(BadStatus(true), ui);
  Result<int> page_number = PositiveParameter(http, "page", 1, 100000);
  if (!page_number.ok()) return ErrorPage(ToApiError(page_number.error()), ui);
  Result<std::map<stores::MessageStatus, int64_t>> counts = contact_->CountByStatus();
  if (!counts.ok()) return ErrorPage(ToApiError(counts.error()), ui);
  // One more than a page: whether there is a next one.
  Result<std::vector<stores::StoredContactMessage>> messages = contact_->List(
      {.status = *status, .limit = kInboxPageSize + 1, .offset = static_cast<size_t>(*page_number - 1) * kInboxPageSize});
  if (!messages.ok()) return ErrorPage(ToApiError(messages.error()), ui);
  AgentInboxInput input;
  const std::optional<stores::MessageStatus> filter = *status;
  const int number = *page_number;
  input.page = AgentPage(request, agent, ui, [filter, number](Language language) {
    return InboxUrl(filter, number, language);
  });
  input.status = filter;
  input.counts = std::move(*counts);
  input.has_next = messages->size() > static_cast<size_t>(kInboxPageSize);
  if (input.has_next) messages->resize(kInboxPageSize);
  input.messages = std::move(*messages);
  input.page_number = number;
  return HtmlResponse(200, pages_.AgentInbox(input), LanguageCode(ui));
}

HttpResponse Routes::AgentMessagePage(const Request& http, const AgentRequest& request,
                                      const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  if (!contact_) return ErrorPage(NoContactStore(), ui);
  std::optional<int64_t> id = MessageId(http);
  if (!id) return ErrorPage(Generic(ErrorCode::kNotFound), ui);
  Result<stores::StoredContactMessage> message = contact_->Get(*id);
  if (!message.ok()) return ErrorPage(ToApiError(message.error()), ui);

  AgentMessageInput input;
  const int64_t message_id = *id;
  input.page = AgentPage(request, agent, ui, [message_id](Language language) {
    return InboxMessageUrl(message_id, language);
  });
  input.message = &*message;
  Result<std::optional<std::string>> changed = DecodeParameter("changed", QuerySource(http));
  input.changed = changed.ok() && *changed && **changed == "1";
  LoadVisitTrail(*message, input);

  search::SuggestRequest suggest;
  suggest.text = SuggestionText(message->message);
  suggest.language = ParseLanguage(message->message.language);
  suggest.max_completions = 0;
  suggest.max_answers = kSuggestedArticles;
  Result<search::SuggestResponse> suggested = index_->Suggest(suggest);
  if (suggested.ok()) {
    input.suggested = std::move(suggested->answers);
  } else {
    // The message is still worth showing without its suggestions.
    LogLine({{"level", "error"}, {"route", "agent_message"}, {"error", suggested.error().ToString()}});
  }
  return HtmlResponse(200, pages_.AgentMessage(input), LanguageCode(ui));
}

HttpResponse Routes::AgentMessageStatusSubmit(const Request& http, const AgentRequest& request,
                                              const AuthenticatedAgent& agent) {
  Language ui = AgentLanguage(http);
  if (!contact_) return ErrorPage(NoContactStore(), ui);
  std::variant<FormFields, HttpResponse> posted = AgentFormPost(http, request, agent, ui);
  if (HttpResponse* refusal = std::get_if<HttpResponse>(&posted)) return std::move(*refusal);
  const FormFields& form = std::get<FormFields>(posted);
  std::optional<int64_t> id = MessageId(http);
  if (!id) return ErrorPage(Generic(ErrorCode::kNotFound), ui);
  std::optional<stores::MessageStatus> status = stores::ParseMessageStatus(FormValue(form, "status").value_or(""));
  if (!status) return ErrorPage(BadStatus(false), ui);
  Result<stores::StoredContactMessage> changed = contact_->SetStatus(*id, *status);
  if (!changed.ok()) return ErrorPage(ToApiError(changed.error()), ui);
  // Post/redirect/get: a reload does not post again.
  return SeeOther("/agent/messages/" + std::to_string(*id) + "?ui=" + Code(ui) + "&changed=1");
}

HttpResponse Routes::ApiAgentMessages(const Request& http, const AgentRequest&, const AuthenticatedAgent&) {
  if (!contact_) return ApiErrorResponse(NoContactStore());
  Result<std::optional<stores::MessageStatus>> status = ListStatus(http, std::nullopt);
  if (!status.ok()) return ApiErrorResponse(BadStatus(true));
  Result<int> page = PositiveParameter(http, "page", 1, 100000);
  if (!page.ok()) return ApiErrorResponse(ToApiError(page.error()));
  Result<int> size = PositiveParameter(http, "size", kApiDefaultSize, kApiMaxSize);
  if (!size.ok()) return ApiErrorResponse(ToApiError(size.error()));
  Result<std::vector<stores::StoredContactMessage>> messages = contact_->List(
      {.status = *status, .limit = static_cast<size_t>(*size), .offset = static_cast<size_t>(*page - 1) * *size});
  if (!messages.ok()) return ApiErrorResponse(ToApiError(messages.error()));
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const stores::StoredContactMessage& message : *messages) array.push_back(MessageJson(message));
  return JsonResponse(200, Dump(array));
}

HttpResponse Routes::ApiAgentMessageStatus(const Request& http, const AgentRequest& request,
                                           const AuthenticatedAgent& agent) {
  if (!contact_) return ApiErrorResponse(NoContactStore());
  // A browser's session cookie alone is not enough to change state: the
  // request must come from this site with the session's CSRF token. A
  // Bearer token is never sent by a browser on its own.
  if (request.authorization.empty() &&
      (!agent_auth_.SameOrigin(request) || !agent_auth_.SessionCsrfMatches(agent, request, std::nullopt))) {
    return ApiErrorResponse(Generic(ErrorCode::kForbidden));
  }
  std::optional<int64_t> id = MessageId(http);
  if (!id) return ApiErrorResponse(Generic(ErrorCode::kNotFound));
  std::string status_text;
  const std::string type = RawHeaderValue(http, "Content-Type");
  if (type.rfind("application/json", 0) == 0) {
    nlohmann::json body = nlohmann::json::parse(http.body(), nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) return ApiErrorResponse(InvalidParameter("body", "the body must be a JSON object"));
    auto found = body.find("status");
    if (found != body.end() && found->is_string()) status_text = found->get<std::string>();
  } else {
    Result<FormFields> form = ReadForm(http);
    if (!form.ok()) return ApiErrorResponse(ToApiError(form.error()));
    status_text = FormValue(*form, "status").value_or("");
  }
  std::optional<stores::MessageStatus> status = stores::ParseMessageStatus(status_text);
  if (!status) return ApiErrorResponse(BadStatus(false));
  Result<stores::StoredContactMessage> changed = contact_->SetStatus(*id, *status);
  if (!changed.ok()) return ApiErrorResponse(ToApiError(changed.error()));
  return JsonResponse(200, Dump(MessageJson(*changed)));
}

}  // namespace helpdex::server

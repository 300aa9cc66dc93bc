// "Did this help?" (feedback.h): the article page's form, which works
// without JavaScript (POST /articles/feedback, then 303 back to the article
// with ?feedback=thanks#feedback), and POST /api/events {"type": "feedback"}.
// Both look the article up again, so that the stored revision and language
// are the index's, not what the client claims.
#include "routes.h"

#include "helpdex/search/document.h"

namespace helpdex::server {
namespace {

using Pistache::Rest::Request;


ApiError Generic(ErrorCode code) { return ApiError{code, std::string(GenericMessage(code)), ""}; }

// Where the customer goes after answering: the article again, with the
// thank-you in place of the form, or after a bare "no" the question why
// (`step` "no"); the interface language kept.
std::string ThanksUrl(const search::DocumentRecord& article, Language ui, std::string_view step = "thanks") {
  std::string url = search::ArticleUrl(article) + "&feedback=" + std::string(step);
  if (ui != article.language) url += "&ui=" + std::string(LanguageCode(ui));
  return url + "#feedback";
}

// A JSON member that must be a string when present; nullopt when absent or
// null, and `wrong_type` set when it is something else.
std::optional<std::string> OptionalString(const nlohmann::json& body, const char* key, bool& wrong_type) {
  auto found = body.find(key);
  if (found == body.end() || found->is_null()) return std::nullopt;
  if (!found->is_string()) {
    wrong_type = true;
    return std::nullopt;
  }
  return found->get<std::string>();
}

// "1" / "0" from true/false or 1/0; "" for anything else (ParseFeedback refuses it).
std::string HelpfulText(const nlohmann::json& body) {
  auto found = body.find("helpful");
  if (found == body.end()) return "";
  if (found->is_boolean()) return found->get<bool>() ? "1" : "0";
  if (found->is_number_integer()) {
    const int64_t value = found->get<int64_t>();
    if (value == 0 || value == 1) return std::to_string(value);
  }
  return "";
}

}  // namespace

Result<search::Article> Routes::FeedbackArticle(const std::string& article_id, const std::string& slug,
                                                const std::string& lang) {
  const Error not_found{ErrorCode::kNotFound, "no article with this id, slug and language", "article"};
  std::optional<Language> language = ParseLanguage(lang);
  if (!IsPlausibleArticleId(article_id) || !IsValidSlug(slug) || !language) return not_found;
  Result<std::shared_ptr<search::Searcher>> searcher = index_->AcquireSearcher();
  if (!searcher.ok()) return searcher.error();
  Result<search::Article> article = (*searcher)->GetArticle(slug, language);
  if (!article.ok()) return article.error();
  // GetArticle falls back to another language of the slug: the answer must
  // be about the very article that was shown.
  if (article->record.id != article_id || article->record.language != *language) return not_found;
  return article;
}

void Routes::RecordFeedback(const std::string& visit, const search::DocumentRecord& article,
                            const stores::FeedbackAnswer& answer) {
  RecordEvent(stores::Event{.type = stores::EventType::kFeedback,
                    .visit = visit,
                    .language = std::string(LanguageCode(article.language)),
                    .article = article.id,
                    .helpful = answer.helpful ? 1 : 0,
                    .reason = answer.reason,
                    .comment = answer.comment,
                    .revision = article.source_hash});
}

// POST /articles/feedback: csrf, article (id), slug, lang, ui, helpful (1|0),
// reason (feedback.h kFeedbackReasons, optional), comment (optional), step
// ("reason" on the form that follows a "no"). A "no" is stored at once; the
// form that asks why comes after it and stores a second answer with the
// reason (readers take a visit's latest answer).
HttpResponse Routes::FeedbackSubmit(const Request& http) {
  Language ui = PageLanguage(http);
  Result<FormFields> form = ReadForm(http);
  if (!form.ok()) return ErrorPage(ToApiError(form.error()), ui);
  if (std::optional<Language> field_ui = ParseLanguage(FormValue(*form, "ui").value_or(""))) ui = *field_ui;

  // The visit cookie doubles as the form's CSRF token (as on /contact).
  const std::string visit = VisitOf(http);
  const std::string token = FormValue(*form, kCsrfField).value_or("");
  if (!agent_auth_.SameOrigin(ReadAgentRequest(http)) || visit.empty() || token != visit) {
    HttpResponse refused = ErrorPage(Generic(ErrorCode::kForbidden), ui);
    EnsureVisit(http, refused, true);  // a reload of the article then carries a valid token
    return refused;
  }
  Result<search::Article> article = FeedbackArticle(
      FormValue(*form, "article").value_or(""), FormValue(*form, "slug").value_or(""),
      FormValue(*form, "lang").value_or(""));
  if (!article.ok()) return ErrorPage(ToApiError(article.error()), ui);
  Result<stores::FeedbackAnswer> answer = stores::ParseFeedback(FormValue(*form, "helpful").value_or(""),
                                                FormValue(*form, "reason").value_or(""),
                                                FormValue(*form, "comment").value_or(""));
  if (!answer.ok()) return ErrorPage(ToApiError(answer.error()), ui);
  // Without a data directory nothing is recorded (RecordEvent); the customer
  // is thanked all the same, as for every other event.
  RecordFeedback(visit, article->record, *answer);
  // Post/redirect/get: a reload shows the thanks without answering twice.
  // A bare "no" (not the reasons form, nothing said yet) is asked why.
  const bool ask_why = !answer->helpful && FormValue(*form, "step").value_or("") != "reason" &&
                       answer->reason.empty() && answer->comment.empty();
  HttpResponse response = SeeOther(ThanksUrl(article->record, ui, ask_why ? "no" : "thanks"));
  EnsureVisit(http, response, true);
  return response;
}

// POST /api/events {"type": "feedback", "article", "slug", "lang", "helpful":
// true|false|1|0, "reason"?, "comment"?}: the same answer from a script.
HttpResponse Routes::ApiFeedbackEvent(const Request& http, const nlohmann::json& body) {
  bool wrong_type = false;
  const std::string article_id = OptionalString(body, "article", wrong_type).value_or("");
  if (wrong_type || !IsPlausibleArticleId(article_id)) {
    return ApiErrorResponse(InvalidParameter("article", "article must be an article id"));
  }
  const std::string slug = OptionalString(body, "slug", wrong_type).value_or("");
  if (wrong_type || !IsValidSlug(slug)) {
    return ApiErrorResponse(InvalidParameter("slug", "slug must be the article's slug ([a-z0-9-]+)"));
  }
  const std::string lang = OptionalString(body, "lang", wrong_type).value_or("");
  if (wrong_type || !ParseLanguage(lang)) {
    return ApiErrorResponse(
        InvalidParameter("lang", "lang must be one of " + std::string(SupportedLanguageList())));
  }
  const std::optional<std::string> reason = OptionalString(body, "reason", wrong_type);
  if (wrong_type) return ApiErrorResponse(InvalidParameter("reason", "reason must be a string"));
  const std::optional<std::string> comment = OptionalString(body, "comment", wrong_type);
  if (wrong_type) return ApiErrorResponse(InvalidParameter("comment", "comment must be a string"));
  Result<stores::FeedbackAnswer> answer = stores::ParseFeedback(HelpfulText(body), reason.value_or(""), comment.value_or(""));
  if (!answer.ok()) {
    const std::string message = answer.error().where == "helpful" ? "helpful must be true or false (or 1 or 0)"
                                                                  : answer.error().message;
    return ApiErrorResponse(InvalidParameter(answer.error().where, message));
  }
  Result<search::Article> article = FeedbackArticle(article_id, slug, lang);
  if (!article.ok()) return ApiErrorResponse(ToApiError(article.error()));
  HttpResponse response = JsonResponse(202, R"({"status":"accepted"})");
  RecordFeedback(EnsureVisit(http, response, true), article->record, *answer);
  return response;
}

}  // namespace helpdex::server

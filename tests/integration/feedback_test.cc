// Integration tests for "did this help?" on article pages: the real server on
// a free loopback port with a data directory, driven over HTTP with
// cpp-httplib as a browser without JavaScript would (GET the article, POST
// the form, follow the 303); what was stored is read back through
// EventStore::Read after the server has stopped (which flushes the queue).
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "helpdex/search/searcher.h"
#include "helpdex/stores/events.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using helpdex::testing::FormBody;

const fs::path kFixtureKb = fs::path(HELPDEX_FIXTURES_DIR) / "kb";
constexpr char kFormType[] = "application/x-www-form-urlencoded";
using Fields = std::vector<std::pair<std::string, std::string>>;

// A new server and an empty data directory for every test: each reads back
// what it stored after stopping the server.
class FeedbackServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = kFixtureKb, .server_per_test = true, .read_timeout_seconds = 0}); }

  // The visit an article page starts (its cookie is also the form's token).
  std::string NewVisit(const std::string& path = "/articles/password-reset?lang=en") {
    return HelpCentreTest::NewVisit(path).id;
  }
  static httplib::Headers CookieFor(const std::string& visit) { return {{"Cookie", "helpdex_visit=" + visit}}; }

  // The form of /articles/password-reset?lang=en, answered.
  static Fields PasswordResetForm(const std::string& csrf, const std::string& helpful) {
    return {{"csrf", csrf},         {"article", "en-password-reset"}, {"slug", "password-reset"},
            {"lang", "en"},         {"ui", "en"},                     {"helpful", helpful}};
  }
  httplib::Result PostFeedback(const httplib::Headers& headers, const Fields& fields) {
    return Client().Post("/articles/feedback", headers, FormBody(fields), kFormType);
  }

  std::vector<stores::StoredEvent> StoredFeedback() {
    Result<std::unique_ptr<stores::EventStore>> store = stores::EventStore::Open(data_dir().string());
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return {};
    Result<std::vector<stores::StoredEvent>> events = (*store)->Read(stores::EventType::kFeedback);
    return events.ok() ? *events : std::vector<stores::StoredEvent>{};
  }

  // The article's revision as the index has it.
  std::string SourceHash(const std::string& slug, Language language) {
    Result<std::shared_ptr<search::Index>> index = search::Index::Open(index_dir().string(), search::Viewer::Public());
    EXPECT_TRUE(index.ok());
    if (!index.ok()) return "";
    Result<std::shared_ptr<search::Searcher>> searcher = (*index)->AcquireSearcher();
    EXPECT_TRUE(searcher.ok());
    if (!searcher.ok()) return "";
    Result<search::Article> article = (*searcher)->GetArticle(slug, language);
    EXPECT_TRUE(article.ok());
    return article.ok() ? article->record.source_hash : "";
  }
};

TEST_F(FeedbackServerTest, AnArticleStartsAVisitAndCarriesTheFormWithItsToken) {
  httplib::Result page = Client().Get("/articles/password-reset?lang=en");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  std::smatch match;
  const std::string cookie = page->get_header_value("Set-Cookie");
  ASSERT_TRUE(std::regex_search(cookie, match, std::regex("helpdex_visit=([0-9a-f]{32})"))) << cookie;
  const std::string visit = match[1].str();
  EXPECT_EQ(page->get_header_value("Cache-Control"), "private, no-store");
  const std::string& body = page->body;
  EXPECT_THAT(body, HasSubstr("action=\"/articles/feedback\" method=\"post\""));
  EXPECT_THAT(body, HasSubstr("name=\"csrf\" value=\"" + visit + "\""));
  EXPECT_THAT(body, HasSubstr("name=\"article\" value=\"en-password-reset\""));
  EXPECT_THAT(body, HasSubstr("name=\"slug\" value=\"password-reset\""));
  EXPECT_THAT(body, HasSubstr("name=\"helpful\" value=\"1\""));
  EXPECT_THAT(body, HasSubstr("name=\"helpful\" value=\"0\""));
  EXPECT_THAT(body, HasSubstr("name=\"reason\" value=\"not_related\""));
  EXPECT_THAT(body, HasSubstr("name=\"reason\" value=\"didnt_answer\""));
  EXPECT_THAT(body, HasSubstr("maxlength=\"1000\""));
  EXPECT_THAT(body, HasSubstr("<legend"));
  EXPECT_THAT(body, HasSubstr("<label class=\"field-label\" for=\"feedback-comment\">"));
  EXPECT_THAT(body, HasSubstr("Did this help?"));
  // The optional script that answers in place is served from the whitelist.
  EXPECT_THAT(body, HasSubstr("<script src=\"/static/feedback.js\" defer></script>"));
  httplib::Result script = Client().Get("/static/feedback.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_THAT(script->get_header_value("Content-Type"), HasSubstr("text/javascript"));

  // A returning visit's page carries its token too: never in a shared cache.
  httplib::Result again = Client().Get("/articles/password-reset?lang=en", CookieFor(visit));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->get_header_value("Cache-Control"), "private, no-store");
  EXPECT_THAT(again->body, HasSubstr("name=\"csrf\" value=\"" + visit + "\""));
}

TEST_F(FeedbackServerTest, CrawlersGetTheArticleWithoutAFormOrAVisit) {
  httplib::Result page =
      Client().Get("/articles/password-reset?lang=en", {{"User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1)"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Set-Cookie"), "");
  EXPECT_THAT(page->get_header_value("Cache-Control"), Not(HasSubstr("public")));
  EXPECT_THAT(page->body, Not(HasSubstr("/articles/feedback")));
  EXPECT_THAT(page->body, Not(HasSubstr("name=\"csrf\"")));
}

TEST_F(FeedbackServerTest, AYesRedirectsToTheArticleWithThanks) {
  const std::string visit = NewVisit();
  httplib::Result sent = PostFeedback(CookieFor(visit), PasswordResetForm(visit, "1"));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 303);
  EXPECT_EQ(sent->get_header_value("Location"), "/articles/password-reset?lang=en&feedback=thanks#feedback");
  httplib::Result thanks = Client().Get("/articles/password-reset?lang=en&feedback=thanks", CookieFor(visit));
  ASSERT_TRUE(thanks);
  EXPECT_EQ(thanks->status, 200);
  EXPECT_THAT(thanks->body, HasSubstr("Thank you for your feedback."));
  EXPECT_THAT(thanks->body, HasSubstr("role=\"status\""));
  EXPECT_THAT(thanks->body, Not(HasSubstr("action=\"/articles/feedback\"")));

  StopServer();
  std::vector<stores::StoredEvent> feedback = StoredFeedback();
  ASSERT_EQ(feedback.size(), 1u);
  EXPECT_EQ(feedback[0].event.visit, visit);
  EXPECT_EQ(feedback[0].event.article, "en-password-reset");
  EXPECT_EQ(feedback[0].event.helpful, 1);
}

TEST_F(FeedbackServerTest, ANoWithReasonAndCommentIsStoredRedactedWithTheRevisionAndLanguage) {
  const std::string visit = NewVisit("/articles/email-setup?lang=nb");
  httplib::Result sent = PostFeedback(
      CookieFor(visit), {{"csrf", visit},
                         {"article", "nb-email-setup"},
                         {"slug", "email-setup"},
                         {"lang", "nb"},
                         {"ui", "nb"},
                         {"helpful", "0"},
                         {"reason", "didnt_answer"},
                         {"comment", "Fungerer ikke på iPhone <b>. Skriv til kari@example.no"}});
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 303);
  EXPECT_EQ(sent->get_header_value("Location"), "/articles/email-setup?lang=nb&feedback=thanks#feedback");
  httplib::Result thanks = Client().Get("/articles/email-setup?lang=nb&feedback=thanks", CookieFor(visit));
  ASSERT_TRUE(thanks);
  EXPECT_THAT(thanks->body, HasSubstr("Takk for tilbakemeldingen!"));

  const std::string revision = SourceHash("email-setup", Language::kNorwegian);
  EXPECT_FALSE(revision.empty());
  StopServer();
  std::vector<stores::StoredEvent> feedback = StoredFeedback();
  ASSERT_EQ(feedback.size(), 1u);
  const stores::Event& event = feedback[0].event;
  EXPECT_EQ(event.visit, visit);
  EXPECT_EQ(event.article, "nb-email-setup");
  EXPECT_EQ(event.language, "nb");
  EXPECT_EQ(event.helpful, 0);
  EXPECT_EQ(event.reason, "didnt_answer");
  EXPECT_EQ(event.revision, revision);
  EXPECT_THAT(event.comment, HasSubstr("Fungerer ikke"));
  EXPECT_THAT(event.comment, HasSubstr("[email]"));
  EXPECT_THAT(event.comment, Not(HasSubstr("kari@example.no")));
}

TEST_F(FeedbackServerTest, AFormWithoutItsTokenOrFromAnotherSiteIsRefused) {
  const std::string visit = NewVisit();
  const std::string other = "0123456789abcdef0123456789abcdef";
  struct Attempt {
    const char* what;
    httplib::Headers headers;
    Fields fields;
  };
  Fields without_csrf = PasswordResetForm(visit, "1");
  without_csrf.erase(without_csrf.begin());
  std::vector<Attempt> attempts = {
      {"no csrf field", CookieFor(visit), without_csrf},
      {"a wrong token", CookieFor(visit), PasswordResetForm(other, "1")},
      {"no cookie", {}, PasswordResetForm(visit, "1")},
      {"a forged cookie", CookieFor("not-a-visit"), PasswordResetForm("not-a-visit", "1")},
      {"another site", {{"Cookie", "helpdex_visit=" + visit}, {"Origin", "http://evil.example"}},
       PasswordResetForm(visit, "1")},
      {"another site (fetch metadata)", {{"Cookie", "helpdex_visit=" + visit}, {"Sec-Fetch-Site", "cross-site"}},
       PasswordResetForm(visit, "1")},
  };
  for (const Attempt& attempt : attempts) {
    httplib::Result refused = PostFeedback(attempt.headers, attempt.fields);
    ASSERT_TRUE(refused) << attempt.what;
    EXPECT_EQ(refused->status, 403) << attempt.what;
    EXPECT_THAT(refused->get_header_value("Content-Type"), HasSubstr("text/html")) << attempt.what;
  }
  StopServer();
  EXPECT_TRUE(StoredFeedback().empty());
}

TEST_F(FeedbackServerTest, UnknownArticlesAndBadAnswersAreRefused) {
  const std::string visit = NewVisit();
  auto post = [&](Fields fields) {
    httplib::Result result = PostFeedback(CookieFor(visit), fields);
    return result ? result->status : 0;
  };
  auto form_with = [&](const std::string& name, const std::string& value) {
    Fields fields = PasswordResetForm(visit, "0");
    for (auto& [field, field_value] : fields) {
      if (field == name) field_value = value;
    }
    if (name == "reason" || name == "comment") fields.emplace_back(name, value);
    return fields;
  };
  EXPECT_EQ(post(form_with("slug", "no-such-article")), 404);
  EXPECT_EQ(post(form_with("slug", "../../etc")), 404);
  EXPECT_EQ(post(form_with("article", "en-website-slow")), 404);  // id and slug disagree
  EXPECT_EQ(post(form_with("lang", "nb")), 404);                  // no Norwegian password-reset
  Fields internal = form_with("slug", "internal-runbook");       // internal articles are not public
  internal[1].second = "en-internal-runbook";
  EXPECT_EQ(post(internal), 404);
  EXPECT_EQ(post(form_with("helpful", "2")), 400);
  EXPECT_EQ(post(form_with("helpful", "")), 400);
  EXPECT_EQ(post(form_with("reason", "spam")), 400);
  EXPECT_EQ(post(form_with("comment", std::string(1001, 'x'))), 400);
  StopServer();
  EXPECT_TRUE(StoredFeedback().empty());
}

TEST_F(FeedbackServerTest, TheEventsApiAcceptsFeedbackAndChecksEveryField) {
  const std::string visit = NewVisit();
  auto post = [&](const nlohmann::json& event) {
    return Client().Post("/api/events", CookieFor(visit), event.dump(), "application/json");
  };
  const nlohmann::json good = {{"type", "feedback"},  {"article", "en-password-reset"}, {"slug", "password-reset"},
                               {"lang", "en"},        {"helpful", false},               {"reason", "not_related"},
                               {"comment", "call +47 912 34 567"}};
  httplib::Result accepted = post(good);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202) << accepted->body;

  auto with = [&](const char* key, nlohmann::json value) {
    nlohmann::json event = good;
    event[key] = std::move(value);
    return event;
  };
  for (const auto& [event, parameter] : std::vector<std::pair<nlohmann::json, std::string>>{
           {with("helpful", 2), "helpful"},
           {with("helpful", "yes"), "helpful"},
           {with("helpful", nullptr), "helpful"},
           {with("reason", "spam"), "reason"},
           {with("reason", 3), "reason"},
           {with("comment", std::string(1001, 'x')), "comment"},
           {with("comment", nlohmann::json::array()), "comment"},
           {with("article", ""), "article"},
           {with("slug", "Password Reset"), "slug"},
           {with("lang", "xx"), "lang"}}) {
    httplib::Result refused = post(event);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << event.dump();
    nlohmann::json body = nlohmann::json::parse(refused->body);
    EXPECT_EQ(body["error"]["code"], "invalid_parameter") << event.dump();
    EXPECT_EQ(body["error"]["parameter"], parameter) << event.dump();
  }
  httplib::Result unknown = post(with("slug", "no-such-article"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  httplib::Result foreign =
      Client().Post("/api/events", {{"Cookie", "helpdex_visit=" + visit}, {"Origin", "http://evil.example"}},
                    good.dump(), "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);

  StopServer();
  std::vector<stores::StoredEvent> feedback = StoredFeedback();
  ASSERT_EQ(feedback.size(), 1u);
  EXPECT_EQ(feedback[0].event.helpful, 0);
  EXPECT_EQ(feedback[0].event.reason, "not_related");
  EXPECT_EQ(feedback[0].event.language, "en");
  EXPECT_THAT(feedback[0].event.comment, Not(HasSubstr("912")));
}

}  // namespace
}  // namespace helpdex::server

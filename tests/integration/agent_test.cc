// Integration tests for the agent console and the agent API: the real
// server on a free loopback port over an index built from fixtures/kb/ and
// fixtures/tickets/agent_tickets.jsonl (T-1001: a slow website, with the
// unique word zqxjkvslider; T-1002: Norwegian e-mail; T-1003: still open, so
// never indexed), driven with cpp-httplib. An agent "kari" is created in the
// server's data directory before it starts.
//
// What is pinned (platform.md B2 #11-13): every agent route refuses a
// missing, wrong or ended credential without revealing data; cookies are
// HttpOnly and SameSite=Strict; every POST needs a CSRF token and a same
// Origin; next= only redirects to local paths; agent responses are no-store;
// public routes never show a ticket.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "helpdex/server/server.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using nlohmann::json;
using helpdex::testing::Encode;
using helpdex::testing::HiddenField;
using helpdex::testing::SetCookieValue;

const fs::path kFixtureTickets = fs::path(HELPDEX_FIXTURES_DIR) / "tickets" / "agent_tickets.jsonl";
constexpr const char* kAgentName = "kari";
constexpr const char* kPassword = "a-long-password-123";

// The fixture knowledge base plus one article close to "My website is slow",
// so that "related articles" has something to find, and the agent tickets;
// the agent kari is in the data directory before the server starts.
helpdex::testing::HelpCentreOptions AgentHelpCentre() {
  return {.content_dir = helpdex::testing::KnowledgeBase(),
          .extra_files = {{"en/compress-images.md", R"(---
id: en-compress-images
title: Compress images so pages load fast
lang: en
slug: compress-images
tags: [performance]
audience: public
translation_key: compress-images
reviewed: 2026-10-01
answer: >-
  Resize large images and turn on caching.
---
Large images make a slow website. Compress your images and turn on caching.

## Caching

Caching keeps pages fast when images and plugins are large.
)"}},
          .tickets_files = {kFixtureTickets},
          .agent_name = kAgentName,
          .agent_password = kPassword,
          .read_timeout_seconds = 30};
}

httplib::Headers SessionHeaders(const std::string& cookie) {
  return {{"Cookie", "helpdex_session=" + cookie}};
}

class AgentTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre(AgentHelpCentre()); }

  static httplib::Headers TokenHeaders() { return {{"Authorization", "Bearer " + agent_token()}}; }
  static httplib::Headers CookieHeaders() { return SessionHeaders(agent_session()); }

  // An agent API GET that must answer 200 with JSON.
  static json AgentJson(const std::string& path) {
    httplib::Result result = Get(path, TokenHeaders());
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, 200) << path << "\n" << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
    json body = json::parse(result->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << result->body;
    return body;
  }

  // An agent page GET (with the session cookie) that must answer 200.
  static std::string AgentPage(const std::string& path) {
    httplib::Result result = Get(path, CookieHeaders());
    EXPECT_TRUE(result) << path;
    if (!result) return "";
    EXPECT_EQ(result->status, 200) << path << "\n" << result->body;
    ExpectAgentPrivate(*result, path);
    return result->body;
  }

  static void ExpectAgentPrivate(const httplib::Response& response, const std::string& what) {
    EXPECT_EQ(response.get_header_value("Cache-Control"), "no-store") << what;
    EXPECT_THAT(response.get_header_value("Vary"), HasSubstr("Cookie")) << what;
    EXPECT_THAT(response.get_header_value("Vary"), HasSubstr("Authorization")) << what;
  }

};

// --- Credentials: every agent route, every wrong credential ---------------

struct AgentRoute {
  std::string method;  // GET or POST
  std::string path;
  bool api;
};

const std::vector<AgentRoute> kAgentRoutes = {
    {"GET", "/agent", false},
    {"GET", "/agent?q=zqxjkvslider", false},
    {"GET", "/agent/tickets/T-1001", false},
    {"GET", "/agent/articles/internal-runbook?lang=en", false},
    {"GET", "/agent/articles/website-slow?lang=en", false},
    {"GET", "/api/agent/search?q=zqxjkvslider", true},
    {"GET", "/api/agent/search?q=zqxjkvinternal", true},
    {"GET", "/api/agent/related?type=ticket&id=T-1001", true},
    {"GET", "/api/gaps", true},
    {"GET", "/api/gaps?format=csv", true},
    {"GET", "/gaps", false},
    {"GET", "/gaps?min_visits=1&ui=nb", false},
    {"POST", "/agent/logout", false},
    {"POST", "/gaps/triage", false},
};

TEST_F(AgentTest, EveryAgentRouteRefusesAMissingWrongOrEndedCredential) {
  // A session that has been signed out.
  std::string ended = SignInCookie();
  httplib::Result page = Get("/agent", SessionHeaders(ended));
  ASSERT_TRUE(page);
  std::string csrf = HiddenField(page->body, "csrf");
  httplib::Result signed_out = Post("/agent/logout", SessionHeaders(ended), "csrf=" + csrf);
  ASSERT_TRUE(signed_out);
  ASSERT_EQ(signed_out->status, 303);

  const std::vector<std::pair<std::string, httplib::Headers>> credentials = {
      {"none", {}},
      {"wrong bearer", {{"Authorization", "Bearer hdx_wrong-token"}}},
      {"not bearer", {{"Authorization", "Basic " + agent_token()}}},
      {"bearer as cookie", {{"Cookie", "helpdex_session=" + agent_token()}}},
      {"wrong cookie", {{"Cookie", "helpdex_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}},
      {"empty cookie", {{"Cookie", "helpdex_session="}}},
      {"ended cookie", SessionHeaders(ended)},
      {"wrong bearer beats a good cookie",
       {{"Authorization", "Bearer hdx_wrong"}, {"Cookie", "helpdex_session=" + agent_session()}}},
  };
  for (const AgentRoute& route : kAgentRoutes) {
    for (const auto& [label, headers] : credentials) {
      // Pages accept the cookie only; a good cookie with a bad Bearer is still
      // a good page request, so that case is for the API.
      if (!route.api && label == "wrong bearer beats a good cookie") continue;
      std::string what = route.method + " " + route.path + " with " + label;
      httplib::Result result = route.method == "GET" ? Get(route.path, headers)
                                                     : Post(route.path, headers, "");
      ASSERT_TRUE(result) << what;
      ExpectAgentPrivate(*result, what);
      EXPECT_THAT(result->body, Not(HasSubstr("zqxjkv"))) << what;
      EXPECT_THAT(result->body, Not(HasSubstr("T-1001"))) << what;
      EXPECT_THAT(result->body, Not(HasSubstr("runbook"))) << what;
      EXPECT_TRUE(SetCookieValue(*result, "helpdex_session").empty()) << what;
      if (route.api) {
        EXPECT_EQ(result->status, 401) << what;
        EXPECT_THAT(result->get_header_value("WWW-Authenticate"), StartsWith("Bearer")) << what;
        json body = json::parse(result->body, nullptr, false);
        EXPECT_EQ(body["error"]["code"], "unauthorized") << what;
      } else {
        EXPECT_EQ(result->status, 303) << what;
        EXPECT_THAT(result->get_header_value("Location"), StartsWith("/agent/login")) << what;
      }
    }
  }
}

TEST_F(AgentTest, EveryAgentRouteAnswersTheRightCredential) {
  for (const AgentRoute& route : kAgentRoutes) {
    if (route.method != "GET") continue;  // sign-out has its own tests
    std::vector<httplib::Headers> good = {CookieHeaders()};
    if (route.api) good.push_back(TokenHeaders());
    for (const httplib::Headers& headers : good) {
      httplib::Result result = Get(route.path, headers);
      ASSERT_TRUE(result) << route.path;
      EXPECT_EQ(result->status, 200) << route.path << "\n" << result->body;
      ExpectAgentPrivate(*result, route.path);
    }
  }
}

TEST_F(AgentTest, APageRedirectsToSignInWithALocalNext) {
  // cpp-httplib percent-decodes Location values, so these read decoded. One
  // parameter each: Pistache keeps them in an unordered map, so the order of
  // several in next= is not fixed.
  httplib::Result result = Get("/agent?q=slow");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 303);
  EXPECT_EQ(result->get_header_value("Location"), "/agent/login?next=/agent?q=slow");
  httplib::Result norwegian = Get("/agent?ui=nb");
  ASSERT_TRUE(norwegian);
  EXPECT_EQ(norwegian->get_header_value("Location"), "/agent/login?next=/agent?ui=nb&ui=nb");
  httplib::Result ticket = Get("/agent/tickets/T-1001");
  ASSERT_TRUE(ticket);
  EXPECT_EQ(ticket->get_header_value("Location"), "/agent/login?next=/agent/tickets/T-1001");
}

TEST_F(AgentTest, PagesDoNotTakeABearerToken) {
  httplib::Result result = Get("/agent?q=slow", TokenHeaders());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 303);
}

// --- Sign-in ----------------------------------------------------------------

TEST_F(AgentTest, SignInPageSetsAShortLivedStrictLoginCsrfCookie) {
  httplib::Result page = Get("/agent/login");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  ExpectAgentPrivate(*page, "/agent/login");
  std::string line;
  std::string token = SetCookieValue(*page, "helpdex_login_csrf", &line);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(HiddenField(page->body, "csrf"), token);
  EXPECT_THAT(line, HasSubstr("HttpOnly"));
  EXPECT_THAT(line, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(line, HasSubstr("Path=/"));
  EXPECT_THAT(line, HasSubstr("Max-Age="));
  EXPECT_THAT(line, Not(HasSubstr("Secure")));  // plain HTTP, no proxy
  EXPECT_THAT(page->body, HasSubstr("autocomplete=\"current-password\""));
  EXPECT_THAT(page->body, HasSubstr("action=\"&#x2F;agent&#x2F;login?ui=en\""));
  EXPECT_NE(Get("/agent/login")->get_header_value("Set-Cookie"), page->get_header_value("Set-Cookie"));
}

TEST_F(AgentTest, TheRightPasswordSignsInWithAStrictHttpOnlyCookie) {
  httplib::Result result = SignIn(kPassword, "%2Fagent%2Ftickets%2FT-1001");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 303) << result->body;
  EXPECT_EQ(result->get_header_value("Location"), "/agent/tickets/T-1001");
  ExpectAgentPrivate(*result, "POST /agent/login");
  std::string line;
  std::string cookie = SetCookieValue(*result, "helpdex_session", &line);
  EXPECT_FALSE(cookie.empty());
  EXPECT_THAT(line, HasSubstr("HttpOnly"));
  EXPECT_THAT(line, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(line, HasSubstr("Path=/"));
  EXPECT_THAT(line, Not(HasSubstr("Secure")));
  // The login CSRF cookie has done its job.
  std::string csrf_line;
  SetCookieValue(*result, "helpdex_login_csrf", &csrf_line);
  EXPECT_THAT(csrf_line, HasSubstr("Max-Age=0"));

  httplib::Result page = Get("/agent", SessionHeaders(cookie));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("<strong>kari</strong>"));
}

TEST_F(AgentTest, CookiesAreSecureBehindATlsProxy) {
  httplib::Result page = Get("/agent/login", {{"X-Forwarded-Proto", "https"}});
  ASSERT_TRUE(page);
  std::string line;
  std::string token = SetCookieValue(*page, "helpdex_login_csrf", &line);
  EXPECT_THAT(line, HasSubstr("; Secure"));
  httplib::Result result = Post(
      "/agent/login",
      {{"Cookie", "helpdex_login_csrf=" + token}, {"X-Forwarded-Proto", "https"}, {"Origin", "https://127.0.0.1:" + std::to_string(port())}},
      "csrf=" + token + "&name=kari&password=" + kPassword);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 303) << result->body;
  SetCookieValue(*result, "helpdex_session", &line);
  EXPECT_THAT(line, HasSubstr("; Secure"));
  EXPECT_THAT(line, HasSubstr("HttpOnly"));
}

TEST_F(AgentTest, AWrongPasswordIs401WithOneGenericMessage) {
  httplib::Result result = SignIn("not-the-password-1");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(result->body, HasSubstr("The name or password is wrong."));
  EXPECT_THAT(result->body, HasSubstr("value=\"kari\""));              // the name is kept
  EXPECT_THAT(result->body, Not(HasSubstr("not-the-password-1")));     // the password is not
  EXPECT_TRUE(SetCookieValue(*result, "helpdex_session").empty());
  ExpectAgentPrivate(*result, "wrong password");
}

TEST_F(AgentTest, SignInWithoutTheLoginCsrfTokenIsForbidden) {
  const std::string csrf = LoginCsrf();
  const std::string port = std::to_string(HelpCentreTest::port());
  const std::string good_body = "csrf=" + csrf + "&name=kari&password=" + kPassword;
  const std::vector<std::pair<std::string, std::pair<httplib::Headers, std::string>>> cases = {
      {"no cookie", {{}, good_body}},
      {"no field", {{{"Cookie", "helpdex_login_csrf=" + csrf}}, std::string("name=kari&password=") + kPassword}},
      {"other cookie", {{{"Cookie", "helpdex_login_csrf=" + std::string(64, 'a')}}, good_body}},
      {"empty both", {{{"Cookie", "helpdex_login_csrf="}}, std::string("csrf=&name=kari&password=") + kPassword}},
      {"foreign origin",
       {{{"Cookie", "helpdex_login_csrf=" + csrf}, {"Origin", "https://evil.example"}}, good_body}},
      {"null origin", {{{"Cookie", "helpdex_login_csrf=" + csrf}, {"Origin", "null"}}, good_body}},
      {"cross-site fetch",
       {{{"Cookie", "helpdex_login_csrf=" + csrf}, {"Sec-Fetch-Site", "cross-site"}}, good_body}},
  };
  for (const auto& [label, request] : cases) {
    httplib::Result result = Post("/agent/login", request.first, request.second);
    ASSERT_TRUE(result) << label;
    EXPECT_EQ(result->status, 403) << label;
    EXPECT_TRUE(SetCookieValue(*result, "helpdex_session").empty()) << label;
    EXPECT_THAT(result->body, HasSubstr("The sign-in form has expired")) << label;
  }
  // The same request from this server's own origin is fine.
  httplib::Result same_origin = Post(
      "/agent/login", {{"Cookie", "helpdex_login_csrf=" + csrf}, {"Origin", "http://127.0.0.1:" + port}},
      good_body);
  ASSERT_TRUE(same_origin);
  EXPECT_EQ(same_origin->status, 303);
}

TEST_F(AgentTest, NextOnlyEverRedirectsToALocalPath) {
  for (const std::string next : {"%2F%2Fevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example",
                                 "%2F%09%2Fevil.example", "evil.example", "%2F%2F%2Fevil.example",
                                 "javascript%3Aalert(1)"}) {
    httplib::Result result = SignIn(kPassword, next);
    ASSERT_TRUE(result) << next;
    EXPECT_EQ(result->status, 303) << next;
    EXPECT_EQ(result->get_header_value("Location"), "/agent") << next;
  }
  // The form never carries a foreign next= either, and a signed-in agent
  // visiting the sign-in page is sent to the local default.
  httplib::Result form = Get("/agent/login?next=%2F%2Fevil.example");
  ASSERT_TRUE(form);
  EXPECT_EQ(HiddenField(form->body, "next"), "&#x2F;agent");
  httplib::Result signed_in = Get("/agent/login?next=%2F%2Fevil.example", CookieHeaders());
  ASSERT_TRUE(signed_in);
  EXPECT_EQ(signed_in->status, 303);
  EXPECT_EQ(signed_in->get_header_value("Location"), "/agent");
}

// Its own suite, so its own agent store: the lockout must not touch other tests.
// The server tells clients apart by the peer address (there is no trusted
// proxy header); every 127.x.y.z address reaches the loopback server on
// Linux, so the attacker connects from 127.0.0.2 and kari from 127.0.0.1.
class AgentRateLimitTest : public helpdex::testing::HelpCentreTest {
 protected:
  static constexpr const char* kAttacker = "127.0.0.2";
  static constexpr const char* kAgentAddress = "127.0.0.1";

  static void SetUpTestSuite() {
    helpdex::testing::HelpCentreOptions options = AgentHelpCentre();
    options.sign_in_agent = false;  // every sign-in is the test's own
    // A wait no test run outlasts, so that nothing depends on how fast it runs.
    options.server.agents.first_delay = std::chrono::hours(1);
    options.server.agents.max_delay = std::chrono::hours(1);
    SetUpHelpCentre(std::move(options));
  }

  // kari's sign-in form, sent over a connection from `source`.
  static httplib::Result SignInFrom(const std::string& source, const std::string& password,
                                    const std::string& path = "/agent/login") {
    const std::string csrf = LoginCsrf();
    httplib::Client client("127.0.0.1", port());
    client.set_interface(source);  // an address works as well as an interface name
    client.set_url_encode(false);
    client.set_read_timeout(30, 0);
    return client.Post(path, {{"Cookie", "helpdex_login_csrf=" + csrf}},
                       "csrf=" + csrf + "&name=" + kAgentName + "&password=" + password,
                       "application/x-www-form-urlencoded");
  }
};

// Issue 16 #8: wrong passwords from one address used to lock the name out for
// everyone; now only that address waits for that name.
TEST_F(AgentRateLimitTest, AnAttackersAddressWaitsWhileTheAgentSignsInFromHers) {
  ASSERT_NE(server(), nullptr);
  int failures = 0;
  std::optional<httplib::Response> limited;
  for (int attempt = 0; attempt < 12; ++attempt) {
    httplib::Result result = SignInFrom(kAttacker, "wrong-password-" + std::to_string(attempt));
    ASSERT_TRUE(result) << "attempt " << attempt;
    ASSERT_THAT(result->status, AnyOf(401, 429));
    if (result->status == 429) {
      limited = *result;
      break;
    }
    ++failures;
  }
  ASSERT_TRUE(limited.has_value()) << "never refused";
  EXPECT_EQ(failures, 5) << "five free failures, then the wait";
  // Whole seconds until the wait of an hour is over.
  auto retry_after = [](const httplib::Response& response) {
    const std::string value = response.get_header_value("Retry-After");
    const bool digits = !value.empty() && value.size() < 9 &&
                        std::all_of(value.begin(), value.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
    return digits ? std::stoi(value) : -1;
  };
  EXPECT_GT(retry_after(*limited), 3000) << limited->get_header_value("Retry-After");
  EXPECT_LE(retry_after(*limited), 3600) << limited->get_header_value("Retry-After");

  // The right password from the attacker's address waits too ...
  httplib::Result right_from_attacker = SignInFrom(kAttacker, kPassword);
  ASSERT_TRUE(right_from_attacker);
  EXPECT_EQ(right_from_attacker->status, 429);
  EXPECT_GT(retry_after(*right_from_attacker), 3000) << right_from_attacker->get_header_value("Retry-After");
  // The page says how long, in the minutes the header's seconds round up to.
  const int wait_minutes = (retry_after(*right_from_attacker) + 59) / 60;
  EXPECT_THAT(right_from_attacker->body,
              HasSubstr("Too many failed sign-ins. Try again in " + std::to_string(wait_minutes) + " minutes."));
  EXPECT_THAT(right_from_attacker->body, HasSubstr("name=\"password\""));  // the sign-in page, shown again
  // In the page's language, with its plural forms.
  for (const auto& [ui, words] : std::vector<std::pair<std::string, std::string>>{
           {"cs", "Zkuste to znovu za "}, {"ru", "Попробуйте снова через "}, {"el", "Δοκιμάστε ξανά σε "}}) {
    httplib::Result localised = SignInFrom(kAttacker, kPassword, "/agent/login?ui=" + ui);
    ASSERT_TRUE(localised) << ui;
    EXPECT_EQ(localised->status, 429) << ui;
    EXPECT_THAT(localised->body, HasSubstr(words)) << ui;
  }
  EXPECT_TRUE(SetCookieValue(*right_from_attacker, "helpdex_session").empty());

  // ... while kari, from her own address, signs in at once.
  httplib::Result kari = SignInFrom(kAgentAddress, kPassword);
  ASSERT_TRUE(kari);
  EXPECT_EQ(kari->status, 303) << kari->body;
  const std::string session = SetCookieValue(*kari, "helpdex_session");
  ASSERT_FALSE(session.empty());
  httplib::Result console = Get("/agent", SessionHeaders(session));
  ASSERT_TRUE(console);
  EXPECT_EQ(console->status, 200);
  StopServer();
}

// --- Sign-out ---------------------------------------------------------------

TEST_F(AgentTest, SignOutNeedsTheSessionCsrfTokenAndTheSameOrigin) {
  std::string cookie = SignInCookie();
  std::string page = AgentPage("/agent?ui=en");
  httplib::Result own = Get("/agent", SessionHeaders(cookie));
  ASSERT_TRUE(own);
  std::string csrf = HiddenField(own->body, "csrf");
  ASSERT_FALSE(csrf.empty());
  EXPECT_NE(csrf, HiddenField(page, "csrf"));  // one token per session
  const std::string port = std::to_string(HelpCentreTest::port());

  const std::vector<std::pair<std::string, std::pair<httplib::Headers, std::string>>> refused = {
      {"no token", {{}, ""}},
      {"wrong token", {{}, "csrf=" + std::string(43, 'A')}},
      {"another session's token", {{}, "csrf=" + HiddenField(page, "csrf")}},
      {"foreign origin", {{{"Origin", "https://evil.example"}}, "csrf=" + csrf}},
      {"look-alike origin", {{{"Origin", "http://127.0.0.1:" + port + ".evil.example"}}, "csrf=" + csrf}},
      {"cross-site fetch", {{{"Sec-Fetch-Site", "cross-site"}}, "csrf=" + csrf}},
  };
  for (const auto& [label, request] : refused) {
    httplib::Headers headers = request.first;
    headers.emplace("Cookie", "helpdex_session=" + cookie);
    httplib::Result result = Post("/agent/logout", headers, request.second);
    ASSERT_TRUE(result) << label;
    EXPECT_EQ(result->status, 403) << label;
    ExpectAgentPrivate(*result, label);
    EXPECT_TRUE(SetCookieValue(*result, "helpdex_session").empty()) << label;
    httplib::Result still = Get("/agent", SessionHeaders(cookie));
    ASSERT_TRUE(still);
    EXPECT_EQ(still->status, 200) << "the session survives " << label;
  }

  // A GET changes nothing.
  httplib::Result get = Get("/agent/logout?csrf=" + csrf, SessionHeaders(cookie));
  ASSERT_TRUE(get);
  EXPECT_NE(get->status, 303);
  EXPECT_EQ(Get("/agent", SessionHeaders(cookie))->status, 200);

  // The header works as well as the form field, from the same origin.
  httplib::Result result = Post(
      "/agent/logout", {{"Cookie", "helpdex_session=" + cookie}, {"X-Helpdex-CSRF", csrf}, {"Origin", "http://127.0.0.1:" + port}}, "");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 303);
  EXPECT_THAT(result->get_header_value("Location"), StartsWith("/agent/login"));
  std::string line;
  SetCookieValue(*result, "helpdex_session", &line);
  EXPECT_THAT(line, HasSubstr("Max-Age=0"));
  httplib::Result after = Get("/agent", SessionHeaders(cookie));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 303);
  // The suite's own session is untouched.
  EXPECT_EQ(Get("/agent", CookieHeaders())->status, 200);
}

TEST_F(AgentTest, SignOutWithTheFormFieldEndsTheSession) {
  std::string cookie = SignInCookie();
  httplib::Result page = Get("/agent", SessionHeaders(cookie));
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("action=\"&#x2F;agent&#x2F;logout?ui=en\" method=\"post\""));
  httplib::Result result =
      Post("/agent/logout", SessionHeaders(cookie), "csrf=" + HiddenField(page->body, "csrf"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 303);
  EXPECT_EQ(Get("/api/agent/search?q=slow", SessionHeaders(cookie))->status, 401);
}

// --- Agent API --------------------------------------------------------------

const json* FindResult(const json& response, const std::string& type, const std::string& id) {
  for (const json& result : response["results"]) {
    if (result["type"] == type && result["id"] == id) return &result;
  }
  return nullptr;
}

TEST_F(AgentTest, AgentSearchFindsTicketsWithProblemResolutionAndAudience) {
  json body = AgentJson("/api/agent/search?q=zqxjkvslider+banner&facets=1");
  const json* ticket = FindResult(body, "ticket", "T-1001");
  ASSERT_NE(ticket, nullptr) << body.dump(2);
  EXPECT_EQ((*ticket)["audience"], "internal");
  EXPECT_THAT((*ticket)["url"].get<std::string>(), StartsWith("/agent/tickets/T-1001"));
  EXPECT_THAT((*ticket)["problem"].get<std::string>(), HasSubstr("very slow"));
  EXPECT_THAT((*ticket)["resolution"].get<std::string>(), HasSubstr("compressed the images"));
  EXPECT_EQ((*ticket)["created"], "2026-09-14T08:30:00Z");
  EXPECT_EQ(body["facets"]["type"]["ticket"], 1);

  json tickets_only = AgentJson("/api/agent/search?q=website+slow&type=ticket");
  ASSERT_FALSE(tickets_only["results"].empty());
  for (const json& result : tickets_only["results"]) EXPECT_EQ(result["type"], "ticket");
  EXPECT_EQ(AgentJson("/api/agent/search?q=zqxjkvopen")["total"], 0);  // open tickets are not indexed
}

TEST_F(AgentTest, AgentSearchFindsInternalArticles) {
  json body = AgentJson("/api/agent/search?q=zqxjkvinternal");
  const json* article = FindResult(body, "article", "en-internal-runbook");
  ASSERT_NE(article, nullptr) << body.dump(2);
  EXPECT_EQ((*article)["audience"], "internal");
  EXPECT_THAT((*article)["url"].get<std::string>(), StartsWith("/agent/articles/internal-runbook"));
}

TEST_F(AgentTest, AnArticleResultHasItsAnswerInOtherLanguagesAndRelatedLinks) {
  json body = AgentJson("/api/agent/search?q=website+slow&lang=en&type=article");
  ASSERT_FALSE(body["results"].empty()) << body.dump(2);
  const json& first = body["results"][0];
  EXPECT_EQ(first["id"], "en-site-slow");
  EXPECT_EQ(first["audience"], "public");
  EXPECT_EQ(first["answer"], "Turn on caching and compress your images.");
  std::set<std::string> languages;
  for (const json& answer : first["answers"]) {
    languages.insert(answer["lang"].get<std::string>());
    EXPECT_FALSE(answer["answer"].get<std::string>().empty());
  }
  EXPECT_EQ(languages, (std::set<std::string>{"nb", "tr", "cs", "ru", "el"})) << first.dump(2);
  ASSERT_TRUE(first.contains("related")) << first.dump(2);
  ASSERT_FALSE(first["related"].empty());
  for (const json& link : first["related"]) {
    EXPECT_EQ(link["type"], "article");
    EXPECT_NE(link["id"], "en-site-slow");
  }
}

TEST_F(AgentTest, RelatedApiListsTheArticlesThatCoverATicket) {
  json body = AgentJson("/api/agent/related?type=ticket&id=T-1001");
  ASSERT_TRUE(body["related"].is_array());
  ASSERT_FALSE(body["related"].empty()) << body.dump(2);
  std::set<std::string> ids;
  for (const json& link : body["related"]) ids.insert(link["id"].get<std::string>());
  EXPECT_TRUE(ids.count("en-site-slow")) << body.dump(2);

  for (const auto& [path, status] : std::vector<std::pair<std::string, int>>{
           {"/api/agent/related?type=ticket", 400},
           {"/api/agent/related?id=T-1001", 400},
           {"/api/agent/related?type=secret&id=T-1001", 400},
           {"/api/agent/related?type=ticket&id=NO-SUCH", 404}}) {
    httplib::Result result = Get(path, TokenHeaders());
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, status) << path << "\n" << result->body;
    ExpectAgentPrivate(*result, path);
  }
}

TEST_F(AgentTest, AgentApiRejectsBadParametersLikeThePublicApi) {
  httplib::Result result = Get("/api/agent/search?q=x&lang=xx", TokenHeaders());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(json::parse(result->body)["error"]["parameter"], "lang");
  httplib::Result long_query = Get("/api/agent/search?q=" + std::string(2000, 'a'), TokenHeaders());
  ASSERT_TRUE(long_query);
  EXPECT_EQ(long_query->status, 400);
  EXPECT_EQ(json::parse(long_query->body)["error"]["code"], "query_too_long");
}

// --- Agent pages ------------------------------------------------------------

TEST_F(AgentTest, ConsoleShowsTheVettedAnswerInTheReplyLanguageWithCopyControls) {
  std::string page = AgentPage("/agent?q=website+slow&lang=en&type=article&reply=nb");
  EXPECT_THAT(page, HasSubstr("<script src=\"/static/agent.js\" defer></script>"));
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
  EXPECT_THAT(page, Not(HasSubstr("onclick")));
  EXPECT_THAT(page, Not(HasSubstr("style=")));
  EXPECT_THAT(page, HasSubstr("Copy as text"));
  EXPECT_THAT(page, HasSubstr("Copy as Markdown"));
  EXPECT_THAT(page, HasSubstr("role=\"status\" aria-live=\"polite\""));
  // The Norwegian answer is the visible one; the English one is there, hidden.
  EXPECT_THAT(page, HasSubstr("class=\"answer-variant\" data-lang=\"nb\" lang=\"nb\">"));
  EXPECT_THAT(page, HasSubstr("class=\"answer-variant\" data-lang=\"en\" lang=\"en\" hidden>"));
  EXPECT_THAT(page, HasSubstr("Slå på hurtigbuffer og komprimer bildene dine."));
  // Without JavaScript: the text and the Markdown, with its source line.
  EXPECT_THAT(page, HasSubstr("readonly rows=\"4\">Turn on caching and compress your images.</textarea>"));
  const std::string origin = "http:&#x2F;&#x2F;127.0.0.1:" + std::to_string(port());
  EXPECT_THAT(page, HasSubstr("Turn on caching and compress your images.\n\n[My website is slow](" + origin +
                              "&#x2F;articles&#x2F;website-slow?lang=en)</textarea>"));
  // The per-answer language picker and the page-level reply field.
  EXPECT_THAT(page, HasSubstr("class=\"reply-picker__select\""));
  EXPECT_THAT(page, HasSubstr("<option value=\"nb\" selected>Norsk (bokmål)</option>"));
  EXPECT_THAT(page, HasSubstr("name=\"reply\""));
  EXPECT_THAT(page, HasSubstr("Related articles"));
  EXPECT_THAT(page, HasSubstr("href=\"&#x2F;agent&#x2F;articles&#x2F;website-slow?lang=en"));
}

TEST_F(AgentTest, ConsoleShowsFacetsAndPaging) {
  std::string page = AgentPage("/agent?q=website+slow&ui=en");
  EXPECT_THAT(page, HasSubstr("class=\"facets\""));
  EXPECT_THAT(page, HasSubstr("class=\"facet__value\" href=\"&#x2F;agent?"));
  EXPECT_THAT(page, HasSubstr("type=ticket"));  // the type facet offers tickets
  std::string first = AgentPage("/agent?q=website&size=1&ui=en");
  EXPECT_THAT(first, HasSubstr("rel=\"next\""));
  EXPECT_THAT(first, HasSubstr("page=2"));
}

TEST_F(AgentTest, ConsoleReplyDefaultsToTheQueryLanguage) {
  std::string page = AgentPage("/agent?q=nettsiden+min+er+veldig+treg&type=article");
  size_t reply = page.find("name=\"reply\"");
  ASSERT_NE(reply, std::string::npos);
  size_t selected = page.find(" selected>", reply);
  ASSERT_NE(selected, std::string::npos);
  EXPECT_EQ(page.substr(selected - 4, 4), "\"nb\"");
  EXPECT_THAT(page, HasSubstr("class=\"answer-variant\" data-lang=\"nb\" lang=\"nb\">"));
}

TEST_F(AgentTest, ConsoleShowsTicketsWithProblemResolutionAndCoveringArticles) {
  std::string page = AgentPage("/agent?q=zqxjkvslider&ui=en");
  EXPECT_THAT(page, HasSubstr("badge--ticket\">Ticket</span>"));
  EXPECT_THAT(page, HasSubstr("ticket-text\">My website became very slow"));
  EXPECT_THAT(page, HasSubstr("Pages take ten seconds"));
  EXPECT_THAT(page, HasSubstr("compressed the images"));
  EXPECT_THAT(page, HasSubstr("Articles that cover this ticket"));
  EXPECT_THAT(page, HasSubstr("href=\"&#x2F;agent&#x2F;tickets&#x2F;T-1001?ui=en"));
  // Facets add a filter and keep the console.
  EXPECT_THAT(page, HasSubstr("href=\"&#x2F;agent?q=zqxjkvslider&amp;type=ticket&amp;ui=en\""));
}

TEST_F(AgentTest, ConsoleInterfaceFollowsUiAndEscapesTheQuery) {
  std::string page = AgentPage("/agent?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&ui=ru");
  EXPECT_THAT(page, HasSubstr("<html lang=\"ru\""));
  EXPECT_THAT(page, HasSubstr("Консоль агента"));
  EXPECT_THAT(page, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(1)"));
  std::string empty = AgentPage("/agent");
  EXPECT_THAT(empty, HasSubstr("Search for the customer"));
}

TEST_F(AgentTest, TicketPageShowsTheRedactedTicketAndCoveringArticles) {
  std::string page = AgentPage("/agent/tickets/T-1001");
  EXPECT_THAT(page, HasSubstr("<h1>Website slow after adding a zqxjkvslider banner</h1>"));
  EXPECT_THAT(page, HasSubstr("2026-09-14T08:30:00Z"));
  EXPECT_THAT(page, HasSubstr(">performance</span>"));
  EXPECT_THAT(page, HasSubstr("ticket-text\">My website became very slow"));
  EXPECT_THAT(page, HasSubstr("compressed the images"));
  EXPECT_THAT(page, HasSubstr("My website is slow</a>"));  // the covering article
  for (const char* path : {"/agent/tickets/NO-SUCH", "/agent/tickets/T-1003", "/agent/tickets/%FF"}) {
    httplib::Result result = Get(path, CookieHeaders());
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 404) << path;
    ExpectAgentPrivate(*result, path);
  }
}

TEST_F(AgentTest, ArticlePageShowsInternalArticlesWithCopyControls) {
  std::string page = AgentPage("/agent/articles/internal-runbook?lang=en");
  EXPECT_THAT(page, HasSubstr("<h1>Zqxjkvinternal escalation runbook</h1>"));
  EXPECT_THAT(page, HasSubstr("badge--internal\">Internal article</span>"));
  EXPECT_THAT(page, HasSubstr("Copy as Markdown"));
  // No source line: a customer could not open an internal article.
  EXPECT_THAT(page, HasSubstr("readonly rows=\"5\">Page the on-call engineer with the zqxjkvinternal code.</textarea>"));

  std::string public_page = AgentPage("/agent/articles/website-slow?lang=en");
  EXPECT_THAT(public_page, HasSubstr("href=\"&#x2F;articles&#x2F;website-slow?lang=en\""));  // public page link
  EXPECT_THAT(public_page, HasSubstr("Nettsiden min er treg"));                               // a translation
  for (const char* path : {"/agent/articles/no-such-article", "/agent/articles/UPPER", "/agent/articles/website-slow?lang=xx"}) {
    httplib::Result result = Get(path, CookieHeaders());
    ASSERT_TRUE(result) << path;
    EXPECT_THAT(result->status, AnyOf(400, 404)) << path;
  }
}

TEST_F(AgentTest, AgentScriptIsAWhitelistedStaticAsset) {
  httplib::Result script = Get("/static/agent.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_THAT(script->body, HasSubstr("navigator.clipboard"));
  EXPECT_THAT(script->body, HasSubstr("execCommand('copy')"));
}

// --- The writers' gap report page (/gaps) ------------------------------------

TEST_F(AgentTest, GapsPageShowsFailingSearchesEscapedWithTheirTrend) {
  // A new customer visit: the cookie the contact page starts it with.
  auto new_visit = [] {
    httplib::Result page = Get("/contact");
    std::smatch match;
    std::string cookie = page ? page->get_header_value("Set-Cookie") : "";
    EXPECT_TRUE(std::regex_search(cookie, match, std::regex("helpdex_visit=([0-9a-f]{32})"))) << cookie;
    return httplib::Headers{{"Cookie", "helpdex_visit=" + (match.size() > 1 ? match[1].str() : std::string())}};
  };
  const std::string failing = "zanzibar holiday voucher";
  const std::string injected = "<script>alert(1)</script>";
  // Three visits each: the report shows a search from three visits on.
  for (const std::string& query : {failing, injected}) {
    for (int i = 0; i < 3; ++i) {
      httplib::Result search = Get("/search?lang=en&q=" + Encode(query), new_visit());
      ASSERT_TRUE(search);
      ASSERT_EQ(search->status, 200);
    }
  }

  httplib::Result result = Get("/gaps", CookieHeaders());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/html; charset=utf-8");
  ExpectAgentPrivate(*result, "/gaps");
  const std::string& page = result->body;
  for (const char* heading : {"<h1>Gap report</h1>", ">Searches that fail</h2>", ">Tickets no article covers</h2>",
                              ">Translations</h2>", ">Articles to review</h2>", ">Self-service funnel</h2>",
                              ">Why searches found nothing</h2>"}) {
    EXPECT_THAT(page, HasSubstr(heading));
  }
  // Each search links to the search itself, as customers run it.
  EXPECT_THAT(page, HasSubstr("<th scope=\"row\" class=\"gaps-table__query\"><a href=\"&#x2F;search?q=zanzibar"));
  EXPECT_THAT(page, HasSubstr(">zanzibar holiday voucher</a>"));
  EXPECT_THAT(page, HasSubstr("<svg class=\"sparkline\""));
  EXPECT_THAT(page, HasSubstr("aria-label=\"Visits per day over 14 days: "));
  // Sections the report does not have yet say so.
  EXPECT_THAT(page, HasSubstr("Nothing to report."));
  // The query a customer typed is text, never markup; and the page runs no script.
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  // The downloads keep the threshold.
  EXPECT_THAT(page, HasSubstr("format=csv&amp;min_visits=3"));

  httplib::Result csv = Get("/api/gaps?format=csv", TokenHeaders());
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_THAT(csv->body, StartsWith("query,visits,no_results_visits,not_opened_visits,contact_visits,languages,"
                                    "expected_tickets,nearest_url\r\n"));
  EXPECT_THAT(csv->body, HasSubstr("\r\nzanzibar holiday voucher,3,"));
  ExpectAgentPrivate(*csv, "/api/gaps?format=csv");

  // A higher threshold leaves the three-visit searches out.
  std::string strict = AgentPage("/gaps?min_visits=4");
  EXPECT_THAT(strict, Not(HasSubstr("zanzibar holiday voucher")));
  EXPECT_THAT(strict, HasSubstr("value=\"4\""));
}

TEST_F(AgentTest, GapsPageIsLinkedFromTheAgentHeaderAndTranslated) {
  EXPECT_THAT(AgentPage("/agent"), HasSubstr("href=\"&#x2F;gaps?ui=en\">Gap report</a>"));
  std::string norwegian = AgentPage("/gaps?ui=nb");
  EXPECT_THAT(norwegian, HasSubstr("<html lang=\"nb\""));
  EXPECT_THAT(norwegian, HasSubstr(">Søk som mislykkes</h2>"));
}

TEST_F(AgentTest, GapsRejectsABadThresholdNamingTheParameter) {
  for (const char* value : {"abc", "0", "1001", "-3", "2.5"}) {
    std::string path = std::string("/gaps?min_visits=") + value;
    httplib::Result page = Get(path, CookieHeaders());
    ASSERT_TRUE(page) << path;
    EXPECT_EQ(page->status, 400) << path;
    EXPECT_THAT(page->get_header_value("Content-Type"), HasSubstr("text/html")) << path;
    EXPECT_THAT(page->body, HasSubstr("min_visits")) << path;

    httplib::Result api = Get(std::string("/api/gaps?min_visits=") + value, TokenHeaders());
    ASSERT_TRUE(api) << path;
    EXPECT_EQ(api->status, 400) << path;
    json body = json::parse(api->body, nullptr, false);
    EXPECT_EQ(body["error"]["parameter"], "min_visits") << api->body;
  }
  httplib::Result format = Get("/api/gaps?format=xml", TokenHeaders());
  ASSERT_TRUE(format);
  EXPECT_EQ(format->status, 400);
  EXPECT_EQ(json::parse(format->body, nullptr, false)["error"]["parameter"], "format");
}

// --- Nothing agent-only on public routes ------------------------------------

TEST_F(AgentTest, PublicRoutesNeverReturnTheTicket) {
  for (const std::string path :
       {"/api/search?q=zqxjkvslider&facets=1", "/api/search?q=zqxjkvslider&type=ticket&facets=1",
        "/api/search?q=banner+slider&facets=1", "/api/search?q=website+slow&type=ticket&facets=1",
        "/api/search?q=banner+slider", "/search?q=zqxjkvslider", "/search?q=banner+slider&type=ticket",
        "/articles/internal-runbook?lang=en", "/metrics"}) {
    httplib::Result result = Get(path, CookieHeaders());  // an agent's cookie changes nothing here
    ASSERT_TRUE(result) << path;
    EXPECT_THAT(result->body, Not(HasSubstr("T-1001"))) << path;
    EXPECT_THAT(result->body, Not(HasSubstr("Website slow after adding"))) << path;  // the subject
    EXPECT_THAT(result->body, Not(HasSubstr("banner plugin"))) << path;              // the problem
    EXPECT_THAT(result->body, Not(HasSubstr("compressed the images"))) << path;      // the resolution
    EXPECT_THAT(result->body, Not(HasSubstr("zqxjkvinternal"))) << path;
    if (path.find("zqxjkvslider") == std::string::npos) {  // else it is the query, echoed
      EXPECT_THAT(result->body, Not(HasSubstr("zqxjkvslider"))) << path;
    }
    if (path.starts_with("/api/search")) {
      json body = json::parse(result->body);
      for (const json& item : body["results"]) {
        EXPECT_EQ(item["type"], "article") << path;
        EXPECT_EQ(item["audience"], "public") << path;
      }
      EXPECT_FALSE(body["facets"]["type"].contains("ticket")) << path;
    }
    EXPECT_NE(result->get_header_value("Cache-Control"), "no-store") << path;
  }
}

TEST_F(AgentTest, MetricsCountAgentRoutesWithoutQueriesOrNames) {
  AgentPage("/agent?q=zqxjkvmetricword");
  httplib::Result metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("route=\"agent_console\",code=\"200\""));
  EXPECT_THAT(metrics->body, HasSubstr("route=\"agent_login\""));
  EXPECT_THAT(metrics->body, Not(HasSubstr("zqxjkvmetricword")));
  EXPECT_THAT(metrics->body, Not(HasSubstr("kari")));
}

// --- Issue 18: tickets compactly and safely; reply language; footer; dates --

// The texts between each `open` and the next `close` on a page.
std::vector<std::string> Between(const std::string& page, const std::string& open, const std::string& close) {
  std::vector<std::string> found;
  for (size_t at = page.find(open); at != std::string::npos; at = page.find(open, at + 1)) {
    const size_t start = at + open.size();
    found.push_back(page.substr(start, page.find(close, start) - start));
  }
  return found;
}

// fixtures/tickets/agent_tickets.jsonl's T-1004 (Turkish, zqxjkvmarkdown):
// four messages; the agent's last one has **bold**, a raw <script> and a
// javascript: link, and so has the customer's first.
TEST_F(AgentTest, ConsoleShowsATicketCompactlyWithItsThreadCollapsed) {
  std::string page = AgentPage("/agent?q=zqxjkvmarkdown&ui=en");
  EXPECT_THAT(page, HasSubstr("Fatura zqxjkvmarkdown indirilemiyor</a>"));
  // The resolution's first lines (its last agent message, Markdown stripped)...
  EXPECT_THAT(page, HasSubstr("class=\"ticket-resolution__lines\">Hesap &gt; Faturalar sayfasını açın"));
  // ... and the whole conversation one click away, folded without JavaScript.
  EXPECT_THAT(page, HasSubstr("<details class=\"ticket-thread\">"));
  EXPECT_THAT(page, Not(HasSubstr("<details class=\"ticket-thread\" open>")));
  EXPECT_THAT(page, HasSubstr("<summary class=\"ticket-thread__summary\">Conversation (4 messages)</summary>"));
  // Each message says who wrote it and when, readably.
  EXPECT_THAT(page, HasSubstr("<span class=\"ticket-message__role\">Customer</span> · "
                              "<time datetime=\"2026-12-03T14:05:00Z\">3 Dec 2026, 14:05</time>"));
  EXPECT_THAT(page, HasSubstr("<span class=\"ticket-message__role\">Agent</span> · "
                              "<time datetime=\"2026-12-03T14:40:00Z\">3 Dec 2026, 14:40</time>"));
  // The old inline "Problem" and "Resolution" texts are gone.
  EXPECT_THAT(page, Not(HasSubstr("ticket-summary__heading")));
  // The resolution has the copy controls of an answer: text and Markdown.
  EXPECT_THAT(page, HasSubstr("data-copy-from=\"r1-resolution-text\""));
  EXPECT_THAT(page, HasSubstr("data-copy-from=\"r1-resolution-md\""));
  EXPECT_THAT(page, HasSubstr("id=\"r1-resolution-md\" readonly rows=\"5\">**Hesap &gt; Faturalar** sayfasını"));
  const std::vector<std::string> plain = Between(page, "id=\"r1-resolution-text\" readonly rows=\"4\">", "</textarea>");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_THAT(plain[0], StartsWith("Hesap &gt; Faturalar sayfasını açın"));
  EXPECT_THAT(plain[0], Not(HasSubstr("**")));
}

// No ticket text is rendered as Markdown (platform.md A3.3): an agent's
// message shows its words without the markup, a customer's as typed; both
// escaped, so neither a <script> nor a javascript: link can become live.
TEST_F(AgentTest, TicketMarkdownShowsAsTextAndNeverRunsScript) {
  for (const std::string path : {"/agent?q=zqxjkvmarkdown&ui=en", "/agent/tickets/T-1004?ui=en"}) {
    std::string page = AgentPage(path);
    // The agent's message: its words, without "**" or the link's destination.
    EXPECT_THAT(page, HasSubstr("ticket-text\">Hesap &gt; Faturalar sayfasını açın ve PDF düğmesine basın.\n\n"
                                "• Açılır pencereleri engelleyiciyi kapatın &lt;script&gt;")) << path;
    EXPECT_THAT(page, HasSubstr("• Ayrıntılar</div>")) << path;
    // The customer's: as typed, escaped.
    EXPECT_THAT(page, HasSubstr("ticket-text\">Faturamı **indiremiyorum** &lt;script&gt;alert(")) << path;
    // Nothing of either runs: no script element but the console's own file,
    // no javascript: link (the Markdown to copy holds it as text only).
    EXPECT_THAT(page, Not(HasSubstr("<script>"))) << path;
    EXPECT_THAT(page, Not(HasSubstr("href=\"javascript"))) << path;
    EXPECT_THAT(page, Not(HasSubstr("<strong>Hesap"))) << path;
    // No raw "**" in what agents wrote, as the page shows it.
    const std::vector<std::string> shown = Between(page, "ticket-message--agent\">", "</li>");
    ASSERT_EQ(shown.size(), 2u) << path;
    for (const std::string& text : shown) EXPECT_THAT(text, Not(HasSubstr("**"))) << path;
    for (const std::string& lines : Between(page, "ticket-resolution__lines\">", "</p>")) {
      EXPECT_THAT(lines, Not(HasSubstr("**"))) << path;
    }
  }
}

TEST_F(AgentTest, TicketPageShowsTheWholeConversationInTheAgentsLanguage) {
  std::string page = AgentPage("/agent/tickets/T-1004?ui=nb");
  EXPECT_THAT(page, HasSubstr("<html lang=\"nb\""));
  EXPECT_THAT(page, HasSubstr("<details class=\"ticket-thread\" open>"));
  EXPECT_THAT(page, HasSubstr("Samtale (4 meldinger)"));
  EXPECT_THAT(page, HasSubstr("<span class=\"ticket-message__role\">Kunde</span>"));
  EXPECT_THAT(page, HasSubstr("<time datetime=\"2026-12-03T14:05:00Z\">3. des. 2026, 14:05</time>"));
  EXPECT_THAT(page, HasSubstr("data-copy-from=\"t-resolution-md\""));
  std::string english = AgentPage("/agent/tickets/T-1001?ui=en");
  EXPECT_THAT(english, HasSubstr("<time datetime=\"2026-09-14T08:30:00Z\">14 Sept 2026, 08:30</time>"));
}

TEST_F(AgentTest, ReplyInStartsInTheTicketsLanguage) {
  // "zqxjkvmarkdown" says no language; the ticket it finds is Turkish.
  std::string page = AgentPage("/agent?q=zqxjkvmarkdown&ui=en");
  size_t reply = page.find("name=\"reply\"");
  ASSERT_NE(reply, std::string::npos);
  size_t selected = page.find(" selected>", reply);
  ASSERT_NE(selected, std::string::npos);
  EXPECT_EQ(page.substr(selected - 4, 4), "\"tr\"");
  // reply= still wins.
  std::string chosen = AgentPage("/agent?q=zqxjkvmarkdown&reply=cs&ui=en");
  reply = chosen.find("name=\"reply\"");
  selected = chosen.find(" selected>", reply);
  ASSERT_NE(selected, std::string::npos);
  EXPECT_EQ(chosen.substr(selected - 4, 4), "\"cs\"");
}

TEST_F(AgentTest, SearchBoxHasFocusAndTheFooterHasNoCustomerContactLink) {
  for (const char* ui : {"en", "nb"}) {
    for (const std::string path : {"/agent", "/agent?q=zqxjkvslider", "/agent/tickets/T-1001", "/gaps"}) {
      std::string page = AgentPage(path + (path.find('?') == std::string::npos ? "?ui=" : "&ui=") + ui);
      EXPECT_THAT(page, Not(HasSubstr("&#x2F;contact?ui="))) << path << " " << ui;
      EXPECT_THAT(page, Not(HasSubstr("site-footer__contact"))) << path << " " << ui;
    }
    EXPECT_THAT(AgentPage(std::string("/agent?ui=") + ui), HasSubstr("maxlength=\"1000\" autofocus>"));
  }
  // Customers keep it.
  httplib::Result home = Get("/?ui=en");
  ASSERT_TRUE(home);
  EXPECT_THAT(home->body, HasSubstr("site-footer__contact"));
}

TEST_F(AgentTest, GapsPageSaysTheUnitAndPeriodOfEveryFigure) {
  std::string page = AgentPage("/gaps?ui=en");
  EXPECT_THAT(page, HasSubstr("class=\"gaps__period\""));
  EXPECT_THAT(page, HasSubstr("(90 days)</time>"));
  EXPECT_THAT(page, HasSubstr("trends show visits per day over the last 14 days"));
  std::string czech = AgentPage("/gaps?ui=cs");
  EXPECT_THAT(czech, HasSubstr("(90 dní)</time>"));
}

// The writers' triage (POST /gaps/triage): kept in the data directory, so it
// outlives the server; a dismissed topic returns once more visits fail.
class GapsTriageTest : public AgentTest {
 protected:
  // `count` new visits that search `query` and find nothing.
  static void FailingSearches(httplib::Client& client, const std::string& query, int count) {
    for (int i = 0; i < count; ++i) {
      httplib::Result contact = client.Get("/contact");
      ASSERT_TRUE(contact);
      const std::string visit = SetCookieValue(*contact, "helpdex_visit");
      ASSERT_FALSE(visit.empty());
      httplib::Result search = client.Get("/search?lang=en&q=" + Encode(query), {{"Cookie", "helpdex_visit=" + visit}});
      ASSERT_TRUE(search);
      ASSERT_EQ(search->status, 200);
    }
  }

  // A new session on the server `client` talks to.
  static std::string SignInTo(httplib::Client& client) {
    httplib::Result form = client.Get("/agent/login");
    EXPECT_TRUE(form);
    if (!form) return "";
    const std::string csrf = SetCookieValue(*form, "helpdex_login_csrf");
    httplib::Result signed_in = client.Post("/agent/login", {{"Cookie", "helpdex_login_csrf=" + csrf}},
                                            "csrf=" + csrf + "&name=" + kAgentName + "&password=" + kPassword,
                                            "application/x-www-form-urlencoded");
    EXPECT_TRUE(signed_in);
    return signed_in ? SetCookieValue(*signed_in, "helpdex_session") : "";
  }

  static constexpr const char* kQuery = "zanzibar holiday voucher";
};

TEST_F(GapsTriageTest, ADismissedSearchStaysHiddenAcrossARestartUntilItComesBack) {
  httplib::Client first = Client();
  FailingSearches(first, kQuery, 3);
  std::string page = AgentPage("/gaps?ui=en");
  ASSERT_THAT(page, HasSubstr(">zanzibar holiday voucher</a>"));
  ASSERT_THAT(page, HasSubstr("name=\"key\" value=\"zanzibar holiday voucher\""));
  const std::string csrf = HiddenField(page, "csrf");

  // Without the session's CSRF token: refused, nothing recorded.
  httplib::Result forged = Post("/gaps/triage", SessionHeaders(agent_session()),
                                "action=dismiss&visits=3&key=" + Encode(kQuery));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_THAT(AgentPage("/gaps?ui=en"), HasSubstr(">zanzibar holiday voucher</a>"));
  // A bad action names itself.
  httplib::Result bad = Post("/gaps/triage", SessionHeaders(agent_session()),
                             "csrf=" + csrf + "&action=delete&visits=3&key=" + Encode(kQuery));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("action"));

  httplib::Result dismissed = Post("/gaps/triage?ui=en", SessionHeaders(agent_session()),
                                   "csrf=" + csrf + "&action=dismiss&visits=3&min_visits=3&key=" + Encode(kQuery));
  ASSERT_TRUE(dismissed);
  EXPECT_EQ(dismissed->status, 303);
  EXPECT_EQ(dismissed->get_header_value("Location"), "/gaps?ui=en&min_visits=3#gaps-searches");
  page = AgentPage("/gaps?ui=en");
  EXPECT_THAT(page, Not(HasSubstr(">zanzibar holiday voucher</a>")));
  EXPECT_THAT(page, HasSubstr("<summary>Dismissed or done (1)</summary>"));
  EXPECT_THAT(page, HasSubstr("<strong>zanzibar holiday voucher</strong> · Dismissed · kari"));
  // The API and its JSON leave it out too, and say why.
  httplib::Result api = Get("/api/gaps", {{"Authorization", "Bearer " + agent_token()}});
  ASSERT_TRUE(api);
  json report = json::parse(api->body, nullptr, false);
  for (const json& gap : report["searches"]) EXPECT_NE(gap["query"], kQuery);
  ASSERT_EQ(report["triage"]["hidden"].size(), 1u) << api->body;
  EXPECT_EQ(report["triage"]["hidden"][0]["state"], "dismissed");
  EXPECT_EQ(report["period"]["days"], 90);

  // A new server on the same data directory keeps the triage.
  StopServer();
  server::ServerOptions options{.address = "127.0.0.1", .port = 0, .threads = 2};
  options.index_dir = index_dir().string();
  options.data_dir = data_dir().string();
  Result<std::unique_ptr<server::Server>> restarted = server::Server::Start(options);
  ASSERT_TRUE(restarted.ok()) << restarted.error().ToString();
  httplib::Client second("127.0.0.1", (*restarted)->port());
  second.set_read_timeout(30);
  const std::string session = SignInTo(second);
  ASSERT_FALSE(session.empty());
  httplib::Result after = second.Get("/gaps?ui=en", SessionHeaders(session));
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200);
  EXPECT_THAT(after->body, Not(HasSubstr(">zanzibar holiday voucher</a>")));
  EXPECT_THAT(after->body, HasSubstr("Dismissed or done (1)"));

  // One more visit fails: more than when it was dismissed, so it is back.
  FailingSearches(second, kQuery, 1);
  httplib::Result back = second.Get("/gaps?ui=en", SessionHeaders(session));
  ASSERT_TRUE(back);
  EXPECT_THAT(back->body, HasSubstr(">zanzibar holiday voucher</a> <span class=\"badge\">Back: more visits than when triaged</span>"));

  // Restore undoes a triage.
  const std::string csrf2 = HiddenField(back->body, "csrf");
  httplib::Result done = second.Post("/gaps/triage", SessionHeaders(session),
                                     "csrf=" + csrf2 + "&action=done&visits=4&key=" + Encode(kQuery),
                                     "application/x-www-form-urlencoded");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 303);
  httplib::Result restore = second.Post("/gaps/triage", SessionHeaders(session),
                                        "csrf=" + csrf2 + "&action=restore&key=" + Encode(kQuery),
                                        "application/x-www-form-urlencoded");
  ASSERT_TRUE(restore);
  EXPECT_EQ(restore->status, 303);
  httplib::Result restored = second.Get("/gaps?ui=en", SessionHeaders(session));
  ASSERT_TRUE(restored);
  EXPECT_THAT(restored->body, HasSubstr(">zanzibar holiday voucher</a>"));
  EXPECT_THAT(restored->body, Not(HasSubstr("Back: more visits")));
  (*restarted)->Shutdown();
}

}  // namespace
}  // namespace helpdex::server

// Nothing private leaks (design.md "Standards", platform.md B2 #3): a canary
// word planted in a ticket and in an internal article must not reach any
// public response (every public route is in the table below, so none is
// forgotten), while an agent finds both; and personal data planted in a
// ticket reaches no response at all, agent ones included.
#include <filesystem>
#include <sstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

// A made-up word no real text contains, its misspelling (for "did you
// mean") and a prefix (for completion).
constexpr const char* kCanary = "zqxjkvcanary";
constexpr const char* kCanaryMisspelled = "zqxjkvcanery";
constexpr const char* kCanaryPrefix = "zqxjkvcan";
constexpr const char* kTicketId = "T-CANARY-7";
// A second made-up word in the same documents that no request ever sends, so
// it cannot be in a response as an echo of the query.
constexpr const char* kSilentCanary = "vbnmqwsilent";

// Personal data planted in a ticket, with the forms a leak could take.
const std::vector<std::string> kPlantedPersonalData = {
    "leak.test@example.org", "leak.test", "+47 912 34 567", "912 34 567", "91234567",
    "4111 1111 1111 1111", "4111111111111111", "NO93 8601 1117 947", "86011117947",
    "203.0.113.45", "Sommer2024", "Ingrid", "Fjellheim",
};

const fs::path kFixtureKb = fs::path(HELPDEX_FIXTURES_DIR) / "kb";

std::string TicketsJsonl() {
  const std::string canary = kCanary;
  return std::string(R"({"id": ")") + kTicketId + R"(", "subject": "Banner )" + canary +
         R"( makes the site slow", "lang": "en", "status": "solved", "tags": ["performance", ")" + canary +
         R"("], "created": "2026-10-01T10:00:00Z", "messages": [{"role": "customer", "time": "", "text": "The )" +
         canary + R"( banner slows my website down."}, {"role": "agent", "time": "", "text": "Remove the )" +
         canary + R"( slider script and the website is fast again, )" + kSilentCanary + R"(."}]})" + "\n" +
         R"({"id": "T-PII-1", "subject": "Slow website and a refund", "lang": "nb", "status": "closed", )"
         R"("tags": ["billing"], "created": "2026-10-02T10:00:00Z", )"
         R"("requester": {"name": "Ingrid Fjellheim", "email": "ingrid@example.no"}, "messages": [)"
         R"({"role": "customer", "time": "", "text": "Hei! Nettsiden er treg og jeg vil ha refusjon. )"
         R"(Ring meg på +47 912 34 567 eller skriv til leak.test@example.org. Kortet 4111 1111 1111 1111 )"
         R"(ble belastet, kontonummer NO93 8601 1117 947. IP-en min er 203.0.113.45, passord: Sommer2024! )"
         R"(Mvh Ingrid Fjellheim"}, {"role": "agent", "time": "", "text": "Hei Ingrid, refusjonen er sendt )"
         R"(og nettsiden er raskere nå."}]})" + "\n";
}

// An internal article carrying the canaries.
std::string CanaryArticle() {
  std::ostringstream text;
  text << "---\nid: int-canary\ntitle: " << kCanary << " handling for agents\nlang: en\nslug: canary-handling\n"
       << "tags: [desk, " << kCanary << "]\naudience: internal\nanswer: Quote the " << kCanary
       << " code.\n---\nThe " << kCanary << " procedure: quote the " << kSilentCanary
       << " code to the customer.\n";
  return text.str();
}

class PrivacyTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    SetUpHelpCentre({.content_dir = kFixtureKb,
                     .extra_files = {{"internal/canary.md", CanaryArticle()}},
                     .tickets_jsonl = TicketsJsonl(),
                     .agent_name = "privacy-test",
                     .agent_password = "a-long-password-123"});
  }

  static httplib::Headers AgentHeaders() { return {{"Authorization", "Bearer " + agent_token()}}; }
  static httplib::Headers AgentCookie() { return {{"Cookie", "helpdex_session=" + agent_session()}}; }

  // Every public route, with the canary (exact, misspelled, as a prefix) in
  // every parameter a customer controls.
  static std::vector<std::string> PublicPaths() {
    const std::string canary = kCanary;
    std::vector<std::string> paths = {
        "/",
        "/healthz",
        "/readyz",
        "/metrics",
        "/opensearch.xml",
        "/contact",
        "/articles/canary-handling",
        "/articles/canary-handling?lang=en",
        "/articles/internal-runbook?lang=en",
        "/articles/" + canary,
        "/agent",        // without credentials: the sign-in page, never data
        "/gaps",
        "/api/gaps",
        "/api/agent/search?q=" + canary,
        "/agent/messages",                 // the inbox (issue 18): without credentials, the sign-in page
        "/agent/messages?status=all",
        "/agent/messages/1",
        "/api/agent/messages",
        "/api/agent/messages?status=open",
        "/api/search?q=&type=ticket",
        "/api/search?q=website",
        "/api/search?q=banner+slow",
        "/api/search?q=slider+script",
        "/api/search?q=website&tag=" + canary,
        "/api/search?q=website&type=ticket",
        "/api/search?q=website&facets=1",
        "/api/search?q=&type=ticket&facets=1",
        "/api/search?q=website&type=ticket&facets=1",
    };
    for (const std::string& word : {std::string(kCanary), std::string(kCanaryMisspelled), std::string(kCanaryPrefix)}) {
      paths.push_back("/search?q=" + word);
      paths.push_back("/search?q=" + word + "&type=ticket");
      paths.push_back("/api/search?q=" + word);
      paths.push_back("/api/search?q=" + word + "*");
      paths.push_back("/api/search?q=" + word + "&type=ticket");
      paths.push_back("/api/search?q=" + word + "&facets=1");
      paths.push_back("/api/suggest?q=" + word);
      paths.push_back("/api/suggest?q=" + word + "&format=opensearch");
    }
    return paths;
  }

};

TEST_F(PrivacyTest, NoPublicRouteRevealsTheCanaryOfATicketOrAnInternalArticle) {
  for (const std::string& path : PublicPaths()) {
    httplib::Result result = Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_LT(result->status, 500) << path;
    // A query is echoed back ("results for ..."); anything else of the canary
    // (a correction, a completion, a snippet) is a leak.
    if (path.find(kCanary) == std::string::npos) {
      EXPECT_THAT(result->body, Not(HasSubstr(kCanary))) << path;
    }
    EXPECT_THAT(result->body, Not(HasSubstr(kSilentCanary))) << path;
    EXPECT_THAT(result->body, Not(HasSubstr(kTicketId))) << path;
    for (const auto& [name, value] : result->headers) {
      EXPECT_THAT(value, Not(HasSubstr(kSilentCanary))) << path << " header " << name;
    }
    if (path.starts_with("/api/search")) {
      json body = json::parse(result->body, nullptr, false);
      ASSERT_TRUE(body.is_object()) << path;
      for (const json& item : body["results"]) {
        EXPECT_EQ(item["audience"], "public") << path;
        EXPECT_THAT(item.dump(), Not(HasSubstr("zqxjkv"))) << path;
      }
      EXPECT_TRUE(body["did_you_mean"].is_null() || body["did_you_mean"].get<std::string>().find("zqxjkv") ==
                                                        std::string::npos)
          << path;
    }
  }
}

// What a customer writes with the contact form is for agents only: no public
// route shows it, and the inbox API shows it to an agent.
TEST_F(PrivacyTest, ACustomersMessageReachesOnlyAnAgent) {
  constexpr const char* kMessageCanary = "plxqwmessagecanary";
  httplib::Result form = Get("/contact");
  ASSERT_TRUE(form);
  const std::string visit = helpdex::testing::HiddenField(form->body, "csrf");
  ASSERT_FALSE(visit.empty());
  httplib::Result sent = Post("/contact", {{"Cookie", "helpdex_visit=" + visit}},
                              helpdex::testing::FormBody({{"csrf", visit}, {"subject", kMessageCanary},
                                                          {"description", kMessageCanary}, {"email", "p@example.org"}}));
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 303);
  for (const std::string& path : PublicPaths()) {
    httplib::Result result = Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_THAT(result->body, Not(HasSubstr(kMessageCanary))) << path;
  }
  httplib::Result agent = Get("/api/agent/messages", AgentHeaders());
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->status, 200);
  EXPECT_THAT(agent->body, HasSubstr(kMessageCanary));
}

// Agent forms that change something (issue 18: the gap report's triage)
// refuse a visitor without an agent's credentials, and reveal nothing.
TEST_F(PrivacyTest, AgentFormsRefuseAVisitorWithoutCredentials) {
  for (const std::string path : {"/gaps/triage", "/gaps/triage?ui=nb"}) {
    httplib::Result result = Post(path, {}, "action=dismiss&visits=1&key=" + std::string(kCanary));
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 303) << path;
    EXPECT_EQ(result->get_header_value("Location").rfind("/agent/login", 0), 0u) << path;
    EXPECT_THAT(result->body, Not(HasSubstr(kSilentCanary))) << path;
    httplib::Result bearer_only = Post(path, AgentHeaders(), "action=dismiss&visits=1&key=x");
    ASSERT_TRUE(bearer_only) << path;
    EXPECT_EQ(bearer_only->status, 303) << path << ": pages take the session cookie, never a token";
  }
}

TEST_F(PrivacyTest, PublicCountsAndFacetsCountPublicArticlesOnly) {
  // "website" is in public articles and in both tickets.
  httplib::Result result = Get("/api/search?q=website&facets=1");
  ASSERT_TRUE(result);
  json body = json::parse(result->body);
  ASSERT_TRUE(body["facets"]["type"].is_object()) << body["facets"].dump();
  EXPECT_FALSE(body["facets"]["type"].contains("ticket")) << body["facets"].dump();
  size_t by_language = 0;
  for (const auto& [lang, count] : body["facets"]["lang"].items()) by_language += count.get<size_t>();
  EXPECT_EQ(body["total"].get<size_t>(), by_language);
  for (const json& item : body["results"]) {
    EXPECT_EQ(item["type"], "article");
    EXPECT_EQ(item["audience"], "public");
  }
  EXPECT_EQ(json::parse(Get("/api/search?q=website&type=ticket&facets=1")->body)["total"], 0);
  EXPECT_EQ(json::parse(Get("/api/search?q=website&type=ticket")->body)["total"], 0);
}

TEST_F(PrivacyTest, AnAgentFindsTheTicketAndTheInternalArticle) {
  httplib::Result result = Get(std::string("/api/agent/search?q=") + kCanary, AgentHeaders());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  json body = json::parse(result->body);
  std::set<std::string> found;
  for (const json& item : body["results"]) found.insert(item["type"].get<std::string>() + ":" + item["id"].get<std::string>());
  EXPECT_TRUE(found.count(std::string("ticket:") + kTicketId)) << body.dump();
  EXPECT_TRUE(found.count("article:int-canary")) << body.dump();
  EXPECT_THAT(result->body, HasSubstr(kSilentCanary));
}

TEST_F(PrivacyTest, PlantedPersonalDataReachesNoResponseAgentOnesIncluded) {
  std::vector<std::pair<std::string, httplib::Headers>> requests;
  for (const std::string& path : PublicPaths()) requests.emplace_back(path, httplib::Headers{});
  for (const std::string query : {"refusjon", "nettsiden+treg", "Ingrid", "leak.test", "4111111111111111",
                                  "91234567", "Sommer2024", "203.0.113.45"}) {
    requests.emplace_back("/api/search?q=" + query, httplib::Headers{});
    requests.emplace_back("/api/agent/search?q=" + query, AgentHeaders());
    requests.emplace_back("/api/agent/search?q=" + query + "&type=ticket", AgentHeaders());
  }
  requests.emplace_back("/api/agent/related?type=ticket&id=T-PII-1", AgentHeaders());
  // The agent console's pages, signed in.
  requests.emplace_back("/agent/tickets/T-PII-1", AgentCookie());
  requests.emplace_back("/agent?q=refusjon", AgentCookie());
  requests.emplace_back("/agent?q=nettsiden+treg&type=ticket", AgentCookie());

  bool agent_saw_the_ticket = false;
  for (const auto& [path, headers] : requests) {
    httplib::Result result = Get(path, headers);
    ASSERT_TRUE(result) << path;
    if (path.starts_with("/agent") && !headers.empty()) {
      EXPECT_EQ(result->status, 200) << path;
      EXPECT_THAT(result->body, HasSubstr("[phone]")) << path;
    }
    if (result->body.find("T-PII-1") != std::string::npos) agent_saw_the_ticket = true;
    for (const std::string& secret : kPlantedPersonalData) {
      if (path.find(secret) != std::string::npos) continue;  // the customer's own query, echoed back
      EXPECT_THAT(result->body, Not(HasSubstr(secret))) << path;
    }
  }
  EXPECT_TRUE(agent_saw_the_ticket) << "the redacted ticket itself is still there for agents";
}

}  // namespace
}  // namespace helpdex::server

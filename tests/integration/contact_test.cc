// Integration tests for the contact form, /api/events and the visit cookie:
// the real server on a free loopback port with a data directory, driven over
// HTTP with cpp-httplib; what was stored is read back through the stores'
// own public API after the server has stopped (which must flush the queue).
#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "helpdex/stores/agents.h"
#include "helpdex/stores/contact.h"
#include "helpdex/stores/events.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using helpdex::testing::Encode;
using helpdex::testing::FormBody;

const fs::path kFixtureKb = fs::path(HELPDEX_FIXTURES_DIR) / "kb";
constexpr char kFormType[] = "application/x-www-form-urlencoded";

// A new server and an empty data directory for every test: each reads back
// what it stored after stopping the server.
class ContactServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = kFixtureKb, .server_per_test = true, .read_timeout_seconds = 0}); }

  // `from`: the local address the request leaves from ("" = the fixture's
  // client, 127.0.0.1); every 127.x.y.z reaches the loopback server on Linux.
  httplib::Result PostEvent(const Visit& visit, const nlohmann::json& event,
                            httplib::Headers extra = {}, const std::string& from = "") {
    httplib::Headers headers = visit.Cookie();
    headers.insert(extra.begin(), extra.end());
    if (from.empty()) return Client().Post("/api/events", headers, event.dump(), "application/json");
    httplib::Client client("127.0.0.1", port());
    client.set_interface(from);  // an address works as well as an interface name
    return client.Post("/api/events", headers, event.dump(), "application/json");
  }

  std::vector<stores::StoredEvent> StoredEvents() {
    Result<std::unique_ptr<stores::EventStore>> store = stores::EventStore::Open(data_dir().string());
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return {};
    Result<std::vector<stores::StoredEvent>> events = (*store)->Read();
    return events.ok() ? *events : std::vector<stores::StoredEvent>{};
  }
};

TEST_F(ContactServerTest, TheContactPageStartsAVisitAndCarriesItsToken) {
  httplib::Result page = Client().Get("/contact");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  const std::string cookie = page->get_header_value("Set-Cookie");
  EXPECT_THAT(cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("SameSite=Lax"));
  EXPECT_THAT(cookie, HasSubstr("Max-Age=1800"));
  EXPECT_EQ(page->get_header_value("Cache-Control"), "private, no-store");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(cookie, match, std::regex("helpdex_visit=([0-9a-f]{32})")));
  EXPECT_THAT(page->body, HasSubstr("name=\"csrf\" value=\"" + match[1].str() + "\""));
  // The form works without JavaScript: a POST to /contact with every field.
  EXPECT_THAT(page->body, HasSubstr("action=\"/contact\" method=\"post\""));
  for (const char* field : {"name=\"subject\"", "name=\"description\"", "name=\"email\""}) {
    EXPECT_THAT(page->body, HasSubstr(field));
  }
}

TEST_F(ContactServerTest, AMessageIsStoredAndTheCustomerRedirectedToThanks) {
  Visit visit = NewVisit();
  httplib::Result sent = Client().Post(
      "/contact", visit.Cookie(),
      FormBody({{"csrf", visit.id}, {"ui", "nb"}, {"subject", "Kortet ble avvist"},
            {"description", "Betalingen min gikk ikke gjennom i går."}, {"email", "kari@example.no"}}),
      kFormType);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 303);
  EXPECT_EQ(sent->get_header_value("Location"), "/contact?sent=1&ui=nb");
  httplib::Result thanks = Client().Get("/contact?sent=1&ui=nb", visit.Cookie());
  ASSERT_TRUE(thanks);
  EXPECT_THAT(thanks->body, HasSubstr("Meldingen er sendt"));
  // The request number, for this visit only.
  EXPECT_THAT(thanks->body, HasSubstr("Saksnummeret ditt er <strong data-request-number>#1</strong>"));
  httplib::Result other = Client().Get("/contact?sent=1&ui=nb", NewVisit().Cookie());
  ASSERT_TRUE(other);
  EXPECT_THAT(other->body, HasSubstr("Meldingen er sendt"));
  EXPECT_THAT(other->body, Not(HasSubstr("data-request-number")));

  StopServer();
  Result<std::unique_ptr<stores::ContactStore>> store = stores::ContactStore::Open(data_dir().string());
  ASSERT_TRUE(store.ok());
  Result<std::vector<stores::StoredContactMessage>> messages = (*store)->List();
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].message.subject, "Kortet ble avvist");
  EXPECT_EQ((*messages)[0].message.description, "Betalingen min gikk ikke gjennom i går.");
  EXPECT_EQ((*messages)[0].message.email, "kari@example.no");
  EXPECT_EQ((*messages)[0].message.language, "nb");
  std::vector<stores::StoredEvent> events = StoredEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.type, stores::EventType::kContactSubmitted);
  EXPECT_EQ(events[0].event.visit, visit.id);
}

TEST_F(ContactServerTest, AFormWithoutItsTokenIsRefusedButTheTextIsKept) {
  Visit visit = NewVisit();
  const std::string body = FormBody({{"csrf", "0123456789abcdef0123456789abcdef"}, {"subject", "Keep me"},
                                 {"description", "Ten minutes of typing <b>here</b>"}});
  for (const httplib::Headers& headers :
       {httplib::Headers{}, visit.Cookie(),
        httplib::Headers{{"Cookie", "helpdex_visit=" + visit.id}, {"Origin", "http://evil.example"}}}) {
    httplib::Result refused = Client().Post("/contact", headers, body, kFormType);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403);
    EXPECT_THAT(refused->body, HasSubstr("value=\"Keep me\""));
    EXPECT_THAT(refused->body, HasSubstr("Ten minutes of typing &lt;b&gt;here&lt;"));
    EXPECT_THAT(refused->body, Not(HasSubstr("<b>here</b>")));
  }
  // With the right token from a foreign site: still refused.
  httplib::Headers foreign = {{"Cookie", "helpdex_visit=" + visit.id}, {"Origin", "http://evil.example"}};
  httplib::Result cross = Client().Post(
      "/contact", foreign, FormBody({{"csrf", visit.id}, {"subject", "x"}, {"description", "y"}}), kFormType);
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
}

TEST_F(ContactServerTest, InvalidFieldsAreShownNextToTheirInput) {
  Visit visit = NewVisit();
  httplib::Result invalid = Client().Post(
      "/contact", visit.Cookie(),
      FormBody({{"csrf", visit.id}, {"subject", " "}, {"description", "Still here"}, {"email", "kari@"}}), kFormType);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 422);
  EXPECT_THAT(invalid->body, HasSubstr("id=\"contact-subject-error\""));
  EXPECT_THAT(invalid->body, HasSubstr("id=\"contact-email-error\""));
  EXPECT_THAT(invalid->body, HasSubstr("aria-invalid=\"true\""));
  EXPECT_THAT(invalid->body, HasSubstr(">Still here</textarea>"));
}

TEST_F(ContactServerTest, AVisitSendingManyMessagesIsAskedToWait) {
  Visit visit = NewVisit();
  int last_status = 0;
  for (int i = 0; i < 6; ++i) {
    httplib::Result sent = Client().Post(
        "/contact", visit.Cookie(),
        FormBody({{"csrf", visit.id}, {"subject", "Message " + std::to_string(i)}, {"description", "text"},
                  {"email", "kari@example.no"}}),
        kFormType);
    ASSERT_TRUE(sent);
    last_status = sent->status;
    if (i < 5) EXPECT_EQ(sent->status, 303) << i;
  }
  EXPECT_EQ(last_status, 429);
}

TEST_F(ContactServerTest, TheEventsApiAcceptsOnlyWhatAPageReports) {
  Visit visit = NewVisit();
  const nlohmann::json answered = {
      {"type", "answered"}, {"query", "reset my pass"}, {"article", "en-password-reset"}, {"lang", "en"}};
  httplib::Result accepted = PostEvent(visit, answered);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202);

  httplib::Result foreign = PostEvent(visit, answered, {{"Origin", "http://evil.example"}});
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  for (const nlohmann::json& bad : {nlohmann::json{{"type", "search"}, {"article", "a"}},
                                    nlohmann::json{{"type", "contact_submitted"}, {"article", "a"}},
                                    nlohmann::json{{"type", "answered"}, {"article", ""}},
                                    nlohmann::json{{"type", "answered"}, {"article", "a b"}},
                                    nlohmann::json::array({1, 2})}) {
    httplib::Result refused = PostEvent(visit, bad);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad.dump();
    EXPECT_THAT(refused->body, HasSubstr("\"error\"")) << bad.dump();
  }
  httplib::Result broken =
      Client().Post("/api/events", visit.Cookie(), "{not json", "application/json");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400);
  httplib::Result huge = PostEvent(visit, {{"type", "answered"}, {"article", "a"}, {"query", std::string(5000, 'x')}});
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 400);
  // Only articles a customer can open: unknown and internal ids are 404s, as
  // README says, and nothing is recorded for them.
  for (const char* id : {"no-such-article", "en-internal-runbook"}) {
    httplib::Result unknown = PostEvent(visit, {{"type", "answered"}, {"query", "runbook"}, {"article", id}});
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 404) << id;
    EXPECT_THAT(unknown->body, HasSubstr("\"error\"")) << id;
  }

  // Without a visit cookie the event starts a visit.
  httplib::Result fresh = Client().Post("/api/events", answered.dump(), "application/json");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 202);
  EXPECT_THAT(fresh->get_header_value("Set-Cookie"), HasSubstr("helpdex_visit="));

  StopServer();  // flushes the queue
  std::vector<stores::StoredEvent> events = StoredEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.type, stores::EventType::kAnswered);
  EXPECT_EQ(events[0].event.visit, visit.id);
  EXPECT_EQ(events[0].event.query, "reset my pass");
  EXPECT_EQ(events[0].event.article, "en-password-reset");
  EXPECT_NE(events[1].event.visit, visit.id);
}

TEST_F(ContactServerTest, SearchesSuggestionsAndClicksAreRecordedForTheVisit) {
  Visit visit = NewVisit();
  for (const char* typed : {"res", "reset", "reset my", "reset my pass"}) {
    httplib::Result suggest = Client().Get("/api/suggest?lang=en&q=" + Encode(typed), visit.Cookie());
    ASSERT_TRUE(suggest);
    EXPECT_EQ(suggest->status, 200);
  }
  httplib::Result search = Client().Get("/search?q=reset+password", visit.Cookie());
  ASSERT_TRUE(search);
  httplib::Headers from_results = visit.Cookie();
  from_results.insert({"Referer", "http://127.0.0.1:" + std::to_string(port()) + "/search?q=reset+password"});
  from_results.insert({"Host", "127.0.0.1:" + std::to_string(port())});
  httplib::Result article = Client().Get("/articles/password-reset", from_results);
  ASSERT_TRUE(article);
  EXPECT_EQ(article->status, 200);
  // Requests without a visit (a crawler, a browser's OpenSearch) leave no trace.
  Client().Get("/api/suggest?lang=en&q=reset");

  StopServer();
  std::vector<stores::StoredEvent> events = StoredEvents();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].event.type, stores::EventType::kSuggestShown);
  EXPECT_EQ(events[0].event.query, "reset my pass");  // four keystroke requests, one search
  EXPECT_THAT(events[0].event.shown, ::testing::Contains("en-password-reset"));
  EXPECT_EQ(events[1].event.type, stores::EventType::kSearch);
  EXPECT_EQ(events[1].event.query, "reset password");
  EXPECT_GT(events[1].event.results, 0);
  EXPECT_EQ(events[2].event.type, stores::EventType::kResultClicked);
  EXPECT_EQ(events[2].event.article, "en-password-reset");
  EXPECT_EQ(events[2].event.query, "reset password");
  // Every article page opened counts for the home page's "most read".
  EXPECT_EQ(events[3].event.type, stores::EventType::kArticleViewed);
  EXPECT_EQ(events[3].event.article, "en-password-reset");
  for (const stores::StoredEvent& stored : events) EXPECT_EQ(stored.event.visit, visit.id);
}

TEST_F(ContactServerTest, ASearchThreeVisitsFoundAnAnswerWithBecomesACompletion) {
  auto completions = [&] {
    httplib::Result suggest = Client().Get("/api/suggest?lang=en&q=" + Encode("reset link"));
    EXPECT_TRUE(suggest);
    return suggest ? nlohmann::json::parse(suggest->body)["completions"] : nlohmann::json::array();
  };
  const nlohmann::json answered = {
      {"type", "answered"}, {"query", "reset link login page"}, {"article", "en-password-reset"}, {"lang", "en"}};
  // Answers are reported by the page's script: without the search recorded
  // by the server, three visits' claims make no completion.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(PostEvent(NewVisit(), answered)->status, 202);
  // Nor do three visits from one address range (one machine makes visit ids
  // at will), searches recorded or not.
  for (int i = 0; i < 3; ++i) {
    Visit visit = NewVisit();
    ASSERT_EQ(Get("/search?lang=en&q=" + Encode("reset link login page"), visit.Cookie())->status, 200);
    ASSERT_EQ(PostEvent(visit, answered)->status, 202);
  }
  // That range counted once; two visits from two more networks make three.
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(completions().dump(), Not(HasSubstr("reset link login page"))) << i;
    Visit visit = NewVisit();
    const std::string from = "127.0." + std::to_string(i + 1) + ".1";
    ASSERT_EQ(Get("/search?lang=en&q=" + Encode("reset link login page"), visit.Cookie())->status, 200);
    ASSERT_EQ(PostEvent(visit, answered, {}, from)->status, 202);
    ASSERT_EQ(PostEvent(visit, answered, {}, from)->status, 202);  // the same visit twice counts once
  }
  // The writer flushes every 200 ms; wait for it rather than for a fixed time.
  bool offered = false;
  for (int attempt = 0; attempt < 50 && !offered; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    offered = completions().dump().find("reset link login page") != std::string::npos;
  }
  EXPECT_TRUE(offered);
}

TEST_F(ContactServerTest, CrawlersGetNoVisitAndRecordNothing) {
  httplib::Headers robot = {{"User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1)"}};
  httplib::Result page = Client().Get("/contact", robot);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->get_header_value("Set-Cookie"), "");
  // Even with a visit cookie of its own, a crawler's searches are not recorded.
  Visit visit = NewVisit();
  robot.insert({"Cookie", "helpdex_visit=" + visit.id});
  Client().Get("/search?q=crawler+query", robot);
  Client().Get("/api/suggest?lang=en&q=reset", robot);
  StopServer();
  EXPECT_TRUE(StoredEvents().empty());
}

TEST_F(ContactServerTest, TheGapReportNeedsAnAgentAndShowsFailingSearches) {
  Result<std::unique_ptr<stores::AgentStore>> agents = stores::AgentStore::Open(data_dir().string());
  ASSERT_TRUE(agents.ok());
  Result<stores::AgentCredentials> writer = (*agents)->AddAgent("writer", std::string("a long enough password"));
  ASSERT_TRUE(writer.ok());

  httplib::Result anonymous = Client().Get("/api/gaps");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);

  // Three visits search for something the help centre does not cover; one
  // of them then writes to support. Two search for what it covers and open it.
  for (int i = 0; i < 3; ++i) {
    Visit visit = NewVisit();
    Client().Get("/search?q=" + Encode("zanzibar holiday voucher"), visit.Cookie());
    if (i == 0) {
      Client().Post("/contact", visit.Cookie(),
                    FormBody({{"csrf", visit.id}, {"subject", "Voucher"}, {"description", "Where is it?"},
                              {"email", "kari@example.no"}}),
                    kFormType);
    }
  }
  httplib::Result report =
      Client().Get("/api/gaps", {{"Authorization", "Bearer " + writer->token}});
  ASSERT_TRUE(report);
  ASSERT_EQ(report->status, 200) << report->body;
  EXPECT_EQ(report->get_header_value("Cache-Control"), "no-store");
  nlohmann::json json = nlohmann::json::parse(report->body);
  for (const char* key : {"searches", "tickets", "translations", "review"}) EXPECT_TRUE(json[key].is_array()) << key;
  ASSERT_EQ(json["searches"].size(), 1u) << report->body;
  EXPECT_EQ(json["searches"][0]["query"], "zanzibar holiday voucher");
  EXPECT_EQ(json["searches"][0]["visits"], 3);
  EXPECT_EQ(json["searches"][0]["contact_visits"], 1);
}

}  // namespace
}  // namespace helpdex::server

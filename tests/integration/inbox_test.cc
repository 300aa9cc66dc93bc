// Issue 18, what customers write reaches an agent: the contact form requires
// an e-mail address and answers with a request number; agents read and
// handle the messages in /agent/messages and through /api/agent/messages;
// new messages are forwarded to a command (a fake sendmail: a script that
// writes its stdin to a file) and a webhook (a loopback cpp-httplib server).
// The real server on a free loopback port, over HTTP.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
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
using helpdex::testing::Encode;
using helpdex::testing::FormBody;
using helpdex::testing::HiddenField;
using nlohmann::json;

constexpr char kFormType[] = "application/x-www-form-urlencoded";

// A local URL as the templates write it into an attribute (mstch escapes '/').
std::string Escaped(std::string url) {
  std::string out;
  for (char c : url) out += c == '/' ? std::string("&#x2F;") : std::string(1, c);
  return out;
}

class InboxTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    SetUpHelpCentre({.content_dir = helpdex::testing::KnowledgeBase(), .agent_name = "inbox-agent"});
  }

  static httplib::Headers Bearer() { return {{"Authorization", "Bearer " + agent_token()}}; }
  static httplib::Headers Session() { return {{"Cookie", "helpdex_session=" + agent_session()}}; }

  // Sends the contact form for `visit`; the response (a 303 when accepted).
  static httplib::Result Send(const Visit& visit, const std::string& ui, const std::string& subject,
                              const std::string& description, const std::string& email) {
    return Post("/contact", visit.Cookie(),
                FormBody({{"csrf", visit.id}, {"ui", ui}, {"subject", subject}, {"description", description},
                          {"email", email}}));
  }

  // Sends a message and returns its id (from the thank-you redirect).
  static int64_t SendMessage(const Visit& visit, const std::string& subject, const std::string& description,
                             const std::string& ui = "en") {
    httplib::Result sent = Send(visit, ui, subject, description, "kari@example.no");
    EXPECT_TRUE(sent);
    if (!sent) return 0;
    EXPECT_EQ(sent->status, 303) << sent->body;
    std::smatch match;
    const std::string location = sent->get_header_value("Location");
    EXPECT_TRUE(std::regex_search(location, match, std::regex("^/contact\\?sent=([0-9]+)&ui=")));
    return match.empty() ? 0 : std::stoll(match[1].str());
  }

  static json ApiMessages(const std::string& query = "") {
    httplib::Result list = Get("/api/agent/messages" + query, Bearer());
    EXPECT_TRUE(list);
    if (!list) return json::array();
    EXPECT_EQ(list->status, 200) << list->body;
    return json::parse(list->body, nullptr, false);
  }

  static bool Lists(const json& messages, int64_t id) {
    for (const json& message : messages) {
      if (message["id"] == id) return true;
    }
    return false;
  }
};

TEST_F(InboxTest, AMessageWithoutAnEmailAddressIsRefusedAndTheFormSaysWhy) {
  // The form itself asks for it (without a round trip when the browser checks).
  httplib::Result form = Get("/contact?ui=en");
  ASSERT_TRUE(form);
  EXPECT_THAT(form->body, HasSubstr("type=\"email\""));
  EXPECT_THAT(form->body, ::testing::ContainsRegex("name=\"email\"[^>]*required"));

  const std::vector<std::pair<std::string, std::string>> languages = {
      {"en", "Please give your e-mail address: without it we cannot answer you."},
      {"tr", "Lütfen e-posta adresinizi yazın: adresiniz olmadan size yanıt veremeyiz."}};
  for (const auto& [ui, sentence] : languages) {
    Visit visit = NewVisit();
    httplib::Result refused = Send(visit, ui, "No address " + ui, "Please answer me", "");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 422) << ui;
    EXPECT_THAT(refused->body, HasSubstr(sentence)) << ui;
    EXPECT_THAT(refused->body, HasSubstr("id=\"contact-email-error\"")) << ui;
    EXPECT_THAT(refused->body, HasSubstr("value=\"No address " + ui + "\"")) << "the text is kept";
  }
  for (const json& message : ApiMessages()) {
    EXPECT_THAT(message["subject"].get<std::string>(), Not(HasSubstr("No address"))) << "nothing was saved";
  }
}

TEST_F(InboxTest, TheThankYouPageShowsTheRequestNumberInTheCustomersLanguage) {
  const std::vector<std::pair<std::string, std::string>> languages = {
      {"ru", "Номер вашего обращения: "}, {"el", "Ο αριθμός του αιτήματός σας είναι "}, {"en", "Your request number is "}};
  for (const auto& [ui, sentence] : languages) {
    Visit visit = NewVisit();
    const int64_t id = SendMessage(visit, "Request number " + ui, "text", ui);
    ASSERT_GT(id, 0);
    httplib::Result thanks = Get("/contact?sent=" + std::to_string(id) + "&ui=" + ui, visit.Cookie());
    ASSERT_TRUE(thanks);
    EXPECT_EQ(thanks->status, 200);
    EXPECT_THAT(thanks->body, HasSubstr(sentence + "<strong data-request-number>#" + std::to_string(id) + "</strong>"))
        << ui;
  }
}

TEST_F(InboxTest, TheInboxListsOpenMessagesNewestFirstWithCountsInTheAgentsLanguage) {
  Visit visit = NewVisit();
  const int64_t older = SendMessage(visit, "Inbox older <b>one</b>", "first");
  const int64_t newer = SendMessage(visit, "Inbox newer one", "second");
  ASSERT_GT(newer, older);

  httplib::Result page = Get("/agent/messages?ui=en", Session());
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");
  EXPECT_THAT(page->body, HasSubstr("<h1>Customer messages</h1>"));
  EXPECT_THAT(page->body, HasSubstr("Inbox older &lt;b&gt;one&lt;"));
  EXPECT_THAT(page->body, Not(HasSubstr("<b>one</b>")));
  const size_t newer_at = page->body.find("Inbox newer one");
  const size_t older_at = page->body.find("Inbox older");
  ASSERT_NE(newer_at, std::string::npos);
  EXPECT_LT(newer_at, older_at) << "newest first";
  EXPECT_THAT(page->body, HasSubstr("href=\"" + Escaped("/agent/messages/" + std::to_string(newer)) + "?ui=en\""));
  EXPECT_THAT(page->body, ::testing::ContainsRegex("aria-current=\"page\">Open<span class=\"badge inbox__count\">[0-9]+</span>"));
  EXPECT_THAT(page->body, HasSubstr("kari@example.no"));

  httplib::Result norwegian = Get("/agent/messages?ui=nb", Session());
  ASSERT_TRUE(norwegian);
  EXPECT_THAT(norwegian->body, HasSubstr("<h1>Meldinger fra kunder</h1>"));
  EXPECT_THAT(norwegian->body, HasSubstr("Åpen"));

  httplib::Result bad = Get("/agent/messages?status=done", Session());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(InboxTest, AMessageShowsWhatTheVisitDidAndArticlesThatMayAnswerIt) {
  Visit visit = NewVisit();
  ASSERT_EQ(Get("/search?q=reset+password", visit.Cookie())->status, 200);
  httplib::Headers from_results = visit.Cookie();
  from_results.insert({"Referer", "http://127.0.0.1:" + std::to_string(port()) + "/search?q=reset+password"});
  from_results.insert({"Host", "127.0.0.1:" + std::to_string(port())});
  ASSERT_EQ(Get("/articles/password-reset", from_results)->status, 200);
  const int64_t id = SendMessage(visit, "Cannot reset my password",
                                 "The **reset** link never arrives <script>alert(1)</script>\nSecond line");

  httplib::Result page = Get("/agent/messages/" + std::to_string(id) + "?ui=en", Session());
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_THAT(page->body, HasSubstr("<h1>Cannot reset my password</h1>"));
  // Plain text, escaped, never Markdown.
  EXPECT_THAT(page->body, HasSubstr("The **reset** link never arrives &lt;script&gt;alert(1)&lt;"));
  EXPECT_THAT(page->body, Not(HasSubstr("<script>alert(1)")));
  EXPECT_THAT(page->body, Not(HasSubstr("<strong>reset</strong>")));
  EXPECT_THAT(page->body, HasSubstr(">kari@example.no</a>"));
  EXPECT_THAT(page->body, ::testing::ContainsRegex("<time datetime=\"[0-9T:-]+Z\">[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}, [0-9]{2}:[0-9]{2}</time>"));
  EXPECT_THAT(page->body, HasSubstr("#" + std::to_string(id)));
  // Before writing: the search and the article opened from its results.
  EXPECT_THAT(page->body, HasSubstr("Searched for"));
  EXPECT_THAT(page->body, HasSubstr(">reset password</a>"));
  EXPECT_THAT(page->body, HasSubstr("Opened articles"));
  EXPECT_THAT(page->body, HasSubstr("href=\"" + Escaped("/agent/articles/password-reset")));
  // Suggested articles with their vetted answer and its copy material.
  EXPECT_THAT(page->body, HasSubstr("Suggested articles"));
  EXPECT_THAT(page->body, HasSubstr("Reset your password"));
  EXPECT_THAT(page->body, HasSubstr("data-copy-from=\"s1-en-text\""));
  EXPECT_THAT(page->body, HasSubstr("Forgot password"));
  // The status form posts with the session's token (works without JavaScript).
  EXPECT_THAT(page->body, HasSubstr("action=\"" + Escaped("/agent/messages/" + std::to_string(id) + "/status") +
                                     "?ui=en\" method=\"post\""));

  httplib::Result czech = Get("/agent/messages/" + std::to_string(id) + "?ui=cs", Session());
  ASSERT_TRUE(czech);
  EXPECT_THAT(czech->body, HasSubstr("Navrhované články"));
  EXPECT_THAT(czech->body, HasSubstr("Změnit stav"));

  for (const std::string& missing : {"999999", "abc", "-1"}) {
    httplib::Result unknown = Get("/agent/messages/" + missing, Session());
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 404) << missing;
  }
}

TEST_F(InboxTest, AnAgentMarksAMessageAnsweredOnItsPage) {
  const int64_t id = SendMessage(NewVisit(), "Mark me answered", "text");
  const std::string path = "/agent/messages/" + std::to_string(id);
  httplib::Result page = Get(path + "?ui=en", Session());
  ASSERT_TRUE(page);
  const std::string csrf = HiddenField(page->body, "csrf");
  ASSERT_FALSE(csrf.empty());

  httplib::Result forged = Post(path + "/status", Session(), FormBody({{"csrf", "0000"}, {"status", "answered"}}));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  httplib::Headers foreign = Session();
  foreign.insert({"Origin", "http://evil.example"});
  EXPECT_EQ(Post(path + "/status", foreign, FormBody({{"csrf", csrf}, {"status", "answered"}}))->status, 403);

  httplib::Result changed = Post(path + "/status?ui=en", Session(), FormBody({{"csrf", csrf}, {"status", "answered"}}));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 303);
  EXPECT_EQ(changed->get_header_value("Location"), path + "?ui=en&changed=1");
  httplib::Result after = Get(path + "?ui=en&changed=1", Session());
  ASSERT_TRUE(after);
  EXPECT_THAT(after->body, HasSubstr("The status was changed."));
  EXPECT_THAT(after->body, HasSubstr("<option value=\"answered\" selected>Answered</option>"));

  EXPECT_FALSE(Lists(ApiMessages("?status=open"), id));
  EXPECT_TRUE(Lists(ApiMessages("?status=answered"), id));
  httplib::Result answered = Get("/agent/messages?status=answered", Session());
  ASSERT_TRUE(answered);
  EXPECT_THAT(answered->body, HasSubstr("Mark me answered"));
}

TEST_F(InboxTest, TheApiListsMessagesWithTheDesignedFields) {
  const int64_t id = SendMessage(NewVisit(), "Api message", "Described\nhere", "nb");
  json messages = ApiMessages();
  ASSERT_TRUE(messages.is_array());
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages[0]["id"], id) << "newest first";
  const std::vector<std::string> designed = {"id", "created", "subject", "description", "email", "lang", "status"};
  // The order of the keys as sent (nlohmann::json would sort them).
  nlohmann::ordered_json sent = nlohmann::ordered_json::parse(Get("/api/agent/messages", Bearer())->body);
  std::vector<std::string> keys;
  for (const auto& [key, value] : sent[0].items()) keys.push_back(key);
  ASSERT_GE(keys.size(), designed.size());
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + designed.size()), designed) << "in this order";
  EXPECT_EQ(messages[0]["subject"], "Api message");
  EXPECT_EQ(messages[0]["description"], "Described\nhere");
  EXPECT_EQ(messages[0]["email"], "kari@example.no");
  EXPECT_EQ(messages[0]["lang"], "nb");
  EXPECT_EQ(messages[0]["status"], "open");
  EXPECT_THAT(messages[0]["created"].get<std::string>(), ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"));
  EXPECT_TRUE(Lists(ApiMessages("?status=open"), id));
  EXPECT_FALSE(Lists(ApiMessages("?status=closed"), id));
  EXPECT_EQ(ApiMessages("?size=1").size(), 1u);

  httplib::Result bad = Get("/api/agent/messages?status=pending", Bearer());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  json error = json::parse(bad->body);
  EXPECT_EQ(error["error"]["code"], "invalid_parameter");
  EXPECT_EQ(error["error"]["parameter"], "status");
  EXPECT_TRUE(error["error"]["message"].is_string());
}

TEST_F(InboxTest, TheApiChangesAStatusWithJsonOrAForm) {
  const int64_t id = SendMessage(NewVisit(), "Api status", "text");
  const std::string path = "/api/agent/messages/" + std::to_string(id);
  httplib::Result closed = Post(path, Bearer(), R"({"status": "closed"})", "application/json");
  ASSERT_TRUE(closed);
  ASSERT_EQ(closed->status, 200) << closed->body;
  EXPECT_EQ(json::parse(closed->body)["status"], "closed");
  EXPECT_TRUE(Lists(ApiMessages("?status=closed"), id));

  httplib::Result reopened = Post(path, Bearer(), "status=open", kFormType);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->status, 200);
  EXPECT_EQ(json::parse(reopened->body)["status"], "open");

  httplib::Result bad = Post(path, Bearer(), R"({"status": "done"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["error"]["parameter"], "status");
  httplib::Result unknown = Post("/api/agent/messages/999999", Bearer(), R"({"status": "closed"})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_TRUE(json::parse(unknown->body)["error"].is_object());
  // A browser's session cookie alone (no CSRF header) cannot change state.
  EXPECT_EQ(Post(path, Session(), R"({"status": "closed"})", "application/json")->status, 403);
}

TEST_F(InboxTest, NothingWithoutAnAgentsCredentials) {
  const int64_t id = SendMessage(NewVisit(), "Private message", "text");
  const std::string one = "/agent/messages/" + std::to_string(id);
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer not-a-token"}}}) {
    httplib::Result list = Get("/api/agent/messages", headers);
    ASSERT_TRUE(list);
    EXPECT_EQ(list->status, 401);
    EXPECT_THAT(list->body, Not(HasSubstr("Private message")));
    httplib::Result change = Post("/api/agent/messages/" + std::to_string(id), headers, R"({"status":"closed"})",
                                  "application/json");
    ASSERT_TRUE(change);
    EXPECT_EQ(change->status, 401);
  }
  // Pages send a visitor to the sign-in page.
  for (const std::string& path : {std::string("/agent/messages"), one}) {
    httplib::Result page = Get(path);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 303) << path;
    EXPECT_THAT(page->get_header_value("Location"), HasSubstr("/agent/login?next="));
    EXPECT_THAT(page->body, Not(HasSubstr("Private message")));
  }
  httplib::Result post = Post(one + "/status", {}, FormBody({{"status", "closed"}}));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 303);
}

// --- forwarding ----------------------------------------------------------

// The receiving end of the webhook: a loopback server that keeps each body.
struct WebhookReceiver {
  httplib::Server server;
  std::thread thread;
  std::mutex mutex;
  std::vector<std::string> bodies;
  int port = 0;

  void Start() {
    server.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex);
      bodies.push_back(request.body);
      response.status = 204;
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  void Stop() {
    server.stop();
    if (thread.joinable()) thread.join();
  }
  std::vector<std::string> Bodies() {
    std::lock_guard lock(mutex);
    return bodies;
  }
};

WebhookReceiver* receiver = nullptr;
fs::path* mailbox = nullptr;

class ForwardingTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    receiver = new WebhookReceiver();
    receiver->Start();
    mailbox = new fs::path(helpdex::testing::MakeTempDir("helpdex-mailbox-") / "mail.txt");
    helpdex::testing::HelpCentreOptions options{.content_dir = helpdex::testing::KnowledgeBase(),
                                                .agent_name = "forward-agent"};
    options.server.forward.command = {"/bin/sh", "-c", "cat >> '" + mailbox->string() + "'"};
    options.server.forward.to = "desk@example.com";
    options.server.forward.webhook = "http://127.0.0.1:" + std::to_string(receiver->port) + "/hook";
    SetUpHelpCentre(options);
  }
  static void TearDownTestSuite() {
    HelpCentreTest::TearDownTestSuite();
    receiver->Stop();
    delete receiver;
    std::error_code ignored;
    fs::remove_all(mailbox->parent_path(), ignored);
    delete mailbox;
  }
  static std::string Mailbox() {
    std::ifstream in(*mailbox);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(ForwardingTest, ANewMessageReachesTheCommandAndTheWebhookAndSaysSo) {
  Visit visit = NewVisit();
  httplib::Result sent = Post("/contact", visit.Cookie(),
                              FormBody({{"csrf", visit.id}, {"ui", "nb"}, {"subject", "Fakturaen mangler"},
                                        {"description", "Hvor er fakturaen?"}, {"email", "ola@example.no"}}));
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 303);
  // The worker forwards in the background: wait for it (bounded), then check.
  json message;
  for (int i = 0; i < 200; ++i) {
    httplib::Result list = Get("/api/agent/messages", {{"Authorization", "Bearer " + agent_token()}});
    ASSERT_TRUE(list);
    message = json::parse(list->body)[0];
    if (message["forward"] != "pending") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(message["forward"], "forwarded") << message.dump();
  const std::string number = "#" + std::to_string(message["id"].get<int64_t>());
  const std::string mail = Mailbox();
  EXPECT_THAT(mail, HasSubstr("To: desk@example.com\n"));
  EXPECT_THAT(mail, HasSubstr("Reply-To: ola@example.no\n"));
  EXPECT_THAT(mail, HasSubstr("Subject: [" + number + "] Fakturaen mangler\n"));
  EXPECT_THAT(mail, HasSubstr("Hvor er fakturaen?"));
  std::vector<std::string> bodies = receiver->Bodies();
  ASSERT_EQ(bodies.size(), 1u);
  json hooked = json::parse(bodies[0]);
  EXPECT_EQ(hooked["subject"], "Fakturaen mangler");
  EXPECT_EQ(hooked["email"], "ola@example.no");
  EXPECT_EQ(hooked["request"], number);

  httplib::Result metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("helpdex_contact_messages_total 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("helpdex_message_forwards_total{result=\"forwarded\"} 1\n"));
  EXPECT_THAT(metrics->body, HasSubstr("helpdex_message_forwards_total{result=\"failed_attempt\"} 0\n"));

  httplib::Result page = Get("/agent/messages/" + std::to_string(message["id"].get<int64_t>()) + "?ui=en",
                             {{"Cookie", "helpdex_session=" + agent_session()}});
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("inbox-message__forward--forwarded"));
}

}  // namespace
}  // namespace helpdex::server

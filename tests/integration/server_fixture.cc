#include "server_fixture.h"

#include <fstream>
#include <memory>
#include <regex>
#include <system_error>

#include "../support/integration.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/stores/agents.h"

namespace helpdex::testing {
namespace {

namespace fs = std::filesystem;

// Everything one suite set up; one suite runs at a time.
struct Suite {
  HelpCentreOptions options;
  fs::path root;
  fs::path content;
  std::unique_ptr<server::Server> server;
  std::string agent_token;
  std::string agent_session;
  std::string error;  // why the set-up failed; "" when it did not
};

Suite* suite = nullptr;

// Copies the content and writes the extra files when there are any.
std::string PrepareContent() {
  const HelpCentreOptions& options = suite->options;
  if (options.content_dir.empty()) return "HelpCentreOptions.content_dir is empty";
  if (options.extra_files.empty()) {
    suite->content = options.content_dir;
    return "";
  }
  suite->content = suite->root / "content";
  std::error_code error;
  fs::copy(options.content_dir, suite->content, fs::copy_options::recursive, error);
  if (error) return "copying " + options.content_dir.string() + ": " + error.message();
  for (const auto& [path, text] : options.extra_files) {
    const fs::path file = suite->content / path;
    fs::create_directories(file.parent_path(), error);
    std::ofstream out(file);
    out << text;
    if (!out) return "writing " + file.string();
  }
  return "";
}

std::string BuildIndex() {
  const HelpCentreOptions& options = suite->options;
  indexer::IndexOptions index;
  index.content_dir = suite->content.string();
  index.index_dir = (suite->root / "index").string();
  for (const fs::path& file : options.tickets_files) index.tickets_files.push_back(file.string());
  if (!options.tickets_jsonl.empty()) {
    const fs::path file = suite->root / "tickets.jsonl";
    std::ofstream(file) << options.tickets_jsonl;
    index.tickets_files.push_back(file.string());
  }
  Result<indexer::IndexReport> report = indexer::BuildIndex(index);
  if (!report.ok()) return "indexing " + suite->content.string() + ": " + report.error().ToString();
  if (options.index_errors_fail && (report->failed != 0 || !report->errors.empty())) {
    std::string why = "indexing " + suite->content.string() + " reported " + std::to_string(report->failed) +
                      " failed file(s):";
    for (const Error& error : report->errors) why += "\n  " + error.ToString();
    return why;
  }
  return "";
}

}  // namespace

std::string HiddenField(const std::string& page, const std::string& name) {
  std::smatch match;
  std::regex pattern("name=\"" + name + "\" value=\"([^\"]*)\"");
  return std::regex_search(page, match, pattern) ? match[1].str() : "";
}

fs::path KnowledgeBase() { return fs::path(HELPDEX_FIXTURES_DIR) / "kb"; }

void HelpCentreTest::SetUpHelpCentre(HelpCentreOptions options) {
  delete suite;
  suite = new Suite;
  suite->options = std::move(options);
  try {
    suite->root = MakeTempDir("helpdex-integration-");
  } catch (const std::exception& e) {
    suite->error = e.what();
    return;
  }
  suite->error = PrepareContent();
  if (suite->error.empty()) suite->error = BuildIndex();
  if (suite->error.empty() && !suite->options.server_per_test) suite->error = StartServer();
}

void HelpCentreTest::FailSetUp(const std::string& why) {
  if (suite == nullptr) suite = new Suite;
  if (suite->error.empty()) suite->error = why;
}

bool HelpCentreTest::SetUpFailed() { return suite == nullptr || !suite->error.empty(); }

void HelpCentreTest::TearDownTestSuite() {
  if (suite == nullptr) return;
  StopServer();
  std::error_code ignored;
  if (!suite->root.empty()) fs::remove_all(suite->root, ignored);
  delete suite;
  suite = nullptr;
}

void HelpCentreTest::SetUp() {
  if (suite == nullptr) GTEST_FAIL() << "the suite did not call SetUpHelpCentre()";
  if (!suite->error.empty()) GTEST_FAIL() << "the help centre was not set up: " << suite->error;
  if (suite->options.server_per_test) {
    const std::string error = StartServer();
    if (!error.empty()) GTEST_FAIL() << "the server was not started: " << error;
  }
  if (suite->server == nullptr) GTEST_FAIL() << "the server is not running";
}

void HelpCentreTest::TearDown() {
  if (suite == nullptr || !suite->options.server_per_test) return;
  StopServer();
  std::error_code ignored;
  fs::remove_all(data_dir(), ignored);
}

std::string HelpCentreTest::StartServer() {
  const HelpCentreOptions& options = suite->options;
  suite->agent_token.clear();
  suite->agent_session.clear();
  if (!options.agent_name.empty()) {
    Result<std::unique_ptr<stores::AgentStore>> store = stores::AgentStore::Open(data_dir().string());
    if (!store.ok()) return "opening the agent store: " + store.error().ToString();
    Result<stores::AgentCredentials> agent = (*store)->AddAgent(options.agent_name, options.agent_password);
    if (!agent.ok()) return "adding agent " + options.agent_name + ": " + agent.error().ToString();
    suite->agent_token = agent->token;
  }
  server::ServerOptions server_options = options.server;
  server_options.index_dir = index_dir().string();
  server_options.data_dir = data_dir().string();
  Result<std::unique_ptr<server::Server>> started = server::Server::Start(server_options);
  if (!started.ok()) return "starting the server: " + started.error().ToString();
  suite->server = std::move(*started);

  if (!options.agent_name.empty() && options.sign_in_agent) {
    httplib::Result page = Get("/agent/login");
    if (!page || page->status != 200) return "GET /agent/login did not answer 200";
    const std::string csrf = SetCookieValue(*page, "helpdex_login_csrf");
    if (csrf.empty() || csrf != HiddenField(page->body, "csrf")) return "the sign-in form has no login CSRF token";
    httplib::Result signed_in =
        Post("/agent/login", {{"Cookie", "helpdex_login_csrf=" + csrf}},
             "csrf=" + csrf + "&name=" + Encode(options.agent_name) + "&password=" + Encode(options.agent_password));
    if (!signed_in || signed_in->status != 303) return "signing in as " + options.agent_name + " did not answer 303";
    suite->agent_session = SetCookieValue(*signed_in, "helpdex_session");
    if (suite->agent_session.empty()) return "signing in as " + options.agent_name + " set no session cookie";
  }
  return "";
}

void HelpCentreTest::StopServer() {
  if (suite == nullptr || suite->server == nullptr) return;
  suite->server->Shutdown();
  suite->server.reset();
}

httplib::Client HelpCentreTest::Client() {
  httplib::Client client("127.0.0.1", port());
  client.set_url_encode(false);  // tests send exactly the bytes they mean
  if (suite->options.read_timeout_seconds > 0) client.set_read_timeout(suite->options.read_timeout_seconds, 0);
  return client;
}

httplib::Result HelpCentreTest::Get(const std::string& path, const httplib::Headers& headers) {
  return Client().Get(path, headers);
}

httplib::Result HelpCentreTest::Post(const std::string& path, const httplib::Headers& headers,
                                     const std::string& body, const std::string& content_type) {
  return Client().Post(path, headers, body, content_type);
}

uint16_t HelpCentreTest::port() { return suite->server->port(); }
server::Server* HelpCentreTest::server() { return suite == nullptr ? nullptr : suite->server.get(); }

const fs::path& HelpCentreTest::root() { return suite->root; }
const fs::path& HelpCentreTest::content_dir() { return suite->content; }
fs::path HelpCentreTest::index_dir() { return suite->root / "index"; }
fs::path HelpCentreTest::data_dir() { return suite->root / "data"; }

HelpCentreTest::Visit HelpCentreTest::NewVisit(const std::string& path) {
  httplib::Result page = Client().Get(path);
  EXPECT_TRUE(page);
  if (!page) return {};
  std::smatch match;
  const std::string cookie = page->get_header_value("Set-Cookie");
  EXPECT_TRUE(std::regex_search(cookie, match, std::regex("helpdex_visit=([0-9a-f]{32})"))) << cookie;
  return Visit{match.size() > 1 ? match[1].str() : ""};
}

const std::string& HelpCentreTest::agent_token() { return suite->agent_token; }
const std::string& HelpCentreTest::agent_session() { return suite->agent_session; }

std::string HelpCentreTest::LoginCsrf() {
  httplib::Result page = Get("/agent/login");
  if (!page || page->status != 200) return "";
  std::string cookie = SetCookieValue(*page, "helpdex_login_csrf");
  EXPECT_EQ(cookie, HiddenField(page->body, "csrf"));
  return cookie;
}

httplib::Result HelpCentreTest::SignIn(const std::string& password, const std::string& next) {
  std::string csrf = LoginCsrf();
  std::string body = "csrf=" + csrf + "&name=" + suite->options.agent_name + "&password=" + password;
  if (!next.empty()) body += "&next=" + next;
  return Post("/agent/login", {{"Cookie", "helpdex_login_csrf=" + csrf}}, body);
}

std::string HelpCentreTest::SignInCookie() {
  httplib::Result result = SignIn(suite->options.agent_password);
  EXPECT_TRUE(result);
  if (!result) return "";
  EXPECT_EQ(result->status, 303) << result->body;
  std::string cookie = SetCookieValue(*result, "helpdex_session");
  EXPECT_FALSE(cookie.empty());
  return cookie;
}

}  // namespace helpdex::testing

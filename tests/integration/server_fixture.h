// The one way an integration test gets a help centre: HelpCentreTest indexes
// the content once per test suite (SetUpTestSuite), starts the real server
// (helpdex::server::Server) on a free loopback port with its own temporary
// data directory, and gives a cpp-httplib client, a visit (the visitor cookie,
// which is also the CSRF token of the public forms) and an agent session
// (the agent is created with stores::AgentStore before the server starts and
// signs in over HTTP, as a person does).
//
// A suite says what it needs by options, never by a copy of the set-up:
//
//   class SuggestServerTest : public helpdex::testing::HelpCentreTest {
//    protected:
//     static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = KnowledgeBase()}); }
//   };
//
// A failed set-up FAILS every test of the suite (SetUp reports why); it never
// skips them and never returns quietly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "helpdex/server/server.h"

namespace helpdex::testing {

struct HelpCentreOptions {
  std::filesystem::path content_dir;                // indexed as it is, or copied when extra_files is set
  std::vector<std::pair<std::string, std::string>> extra_files;  // path inside the copy -> text
  std::vector<std::filesystem::path> tickets_files;  // JSONL files indexed with the content
  std::string tickets_jsonl;                        // more tickets, written to a file of their own
  bool index_errors_fail = true;                    // a file the indexer reports as bad fails the set-up
  // An agent in the data directory before the server starts ("" = none); with
  // sign_in_agent it also signs in over HTTP once the server is up.
  std::string agent_name;
  std::string agent_password = "a-long-password-123";
  bool sign_in_agent = true;
  // false: one server for the suite. true: a new server and an empty data
  // directory for every test (tests that stop it to read the stores back).
  bool server_per_test = false;
  // index_dir and data_dir are filled in; port 0 binds any free port.
  server::ServerOptions server{.address = "127.0.0.1", .port = 0, .threads = 2};
  int read_timeout_seconds = 10;                    // the client's; 0 = cpp-httplib's own default
};

// The value="" of the hidden input `name` on a page (secrets here are
// base64url or hex, which mustache leaves unescaped).
std::string HiddenField(const std::string& page, const std::string& name);

// tests/integration/fixtures/kb, the fixture knowledge base (fixtures/README.txt).
std::filesystem::path KnowledgeBase();

class HelpCentreTest : public ::testing::Test {
 protected:
  // A visit the server started: its id is the helpdex_visit cookie and the
  // csrf field of the public forms.
  struct Visit {
    std::string id;
    httplib::Headers Cookie() const { return {{"Cookie", "helpdex_visit=" + id}}; }
  };

  // Call from the suite's own static SetUpTestSuite().
  static void SetUpHelpCentre(HelpCentreOptions options);
  // Marks the suite's set-up failed (for suites that do more after SetUpHelpCentre).
  static void FailSetUp(const std::string& why);
  static bool SetUpFailed();
  static void TearDownTestSuite();

  void SetUp() override;
  void TearDown() override;

  static httplib::Client Client();
  static httplib::Result Get(const std::string& path, const httplib::Headers& headers = {});
  static httplib::Result Post(const std::string& path, const httplib::Headers& headers, const std::string& body,
                              const std::string& content_type = "application/x-www-form-urlencoded");
  // Stops the server (which flushes the stores' queues); idempotent.
  static void StopServer();
  static uint16_t port();
  static server::Server* server();  // null once stopped

  static const std::filesystem::path& root();
  static const std::filesystem::path& content_dir();  // what was indexed
  static std::filesystem::path index_dir();
  static std::filesystem::path data_dir();

  // The visit a page starts (EXPECTs a helpdex_visit cookie).
  static Visit NewVisit(const std::string& path = "/contact");

  // The configured agent: its API token and the session cookie value of the
  // sign-in made at start-up.
  static const std::string& agent_token();
  static const std::string& agent_session();
  // The sign-in form's double-submit token (cookie value == form field).
  static std::string LoginCsrf();
  static httplib::Result SignIn(const std::string& password, const std::string& next = "");
  // A new session's cookie value, or "" (with a test failure).
  static std::string SignInCookie();

 private:
  static std::string StartServer();
};

}  // namespace helpdex::testing

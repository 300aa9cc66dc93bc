// Issue 16, item 9: SIGTERM reset the requests in flight. The real `helpdex
// serve` gets SIGTERM while a request is in a handler (held there by the
// failpoint hold_request until the drain begins, so no timing is involved);
// the request must get its whole response, and the process must exit 0 after
// logging a drained shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "../support/process.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using helpdex::testing::ChildProcess;
using helpdex::testing::DescribeStatus;
using nlohmann::json;

// Waits (bounded) until `child`'s output matches `pattern`; the first group.
std::optional<std::string> WaitForOutput(const ChildProcess& child, const std::regex& pattern) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string output = child.Output();
    if (std::regex_search(output, match, pattern)) return match.size() > 1 ? match[1].str() : match[0].str();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

TEST(ShutdownTest, SigtermLetsARequestInFlightFinishWithItsWholeResponse) {
  const fs::path root = helpdex::testing::MakeTempDir("helpdex-shutdown-");
  const fs::path index = root / "index";
  {
    ChildProcess indexer({HELPDEX_BINARY, "index", "--content", helpdex::testing::KnowledgeBase().string(),
                          "--index", index.string()},
                         {}, root / "index.log");
    ASSERT_EQ(DescribeStatus(indexer.Wait()), "exit 0") << indexer.Output();
  }
  ChildProcess server({HELPDEX_BINARY, "serve", "--index", index.string(), "--data", (root / "data").string(),
                       "--address", "127.0.0.1", "--port", "0", "--threads", "2"},
                      {"HELPDEX_FAILPOINT=hold_request"}, root / "serve.log");
  std::optional<std::string> port = WaitForOutput(server, std::regex(R"(serving http://localhost:(\d+))"));
  ASSERT_TRUE(port.has_value()) << server.Output();

  // The slow request: held in its handler until the drain begins.
  std::optional<httplib::Result> slow;
  std::thread client([&] {
    httplib::Client http("127.0.0.1", std::stoi(*port));
    http.set_read_timeout(120, 0);
    http.set_keep_alive(true);
    slow = http.Get("/api/search?q=website&lang=en", {{"Connection", "keep-alive"}});
  });
  const bool held = WaitForOutput(server, std::regex(R"("event":"failpoint_hold")")).has_value();
  EXPECT_TRUE(held) << server.Output();

  server.Signal(SIGTERM);
  client.join();
  ASSERT_TRUE(slow.has_value());
  ASSERT_TRUE(*slow) << "the request in flight got no response: " << httplib::to_string(slow->error());
  EXPECT_EQ((*slow)->status, 200);
  const json body = json::parse((*slow)->body);  // whole: it parses
  EXPECT_FALSE(body["results"].empty()) << (*slow)->body;

  EXPECT_EQ(DescribeStatus(server.Wait()), "exit 0") << server.Output();
  EXPECT_TRUE(std::regex_search(server.Output(), std::regex(R"("event":"shutdown","drained":true,"in_flight":0)")))
      << server.Output();
  std::error_code ec;
  fs::remove_all(root, ec);
}

}  // namespace
}  // namespace helpdex::server

// The HTTP edge over raw sockets (issue 16): request smuggling after a refusal,
// pipelining, Connection both ways, malformed framing, slow and silent
// clients, huge bodies, many idle connections, and a server whose open-files
// limit is lower than the connections clients hold (a child `helpdex serve`
// under `ulimit -n`).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server_fixture.h"

namespace helpdex::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// One client connection written byte for byte, as an attacker would.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{.tv_sec = 20, .tv_usec = 0};  // a hang fails the test instead of blocking it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;  // the server may close while we still send
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // The next whole response, or nullopt at the end of the stream.
  std::optional<RawResponse> Read() {
    size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse response;
    std::istringstream head(pending_.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    if (line.size() < 12) return std::nullopt;
    response.status = std::stoi(line.substr(9, 3));
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[name] = value;
    }
    const size_t length = response.headers.count("content-length")
                              ? std::stoul(response.headers["content-length"]) : 0;
    while (pending_.size() < head_end + 4 + length) {
      if (!Fill()) return std::nullopt;
    }
    response.body = pending_.substr(head_end + 4, length);
    pending_.erase(0, head_end + 4 + length);
    return response;
  }

  // True when the server has closed the connection and sent nothing more.
  bool ClosedByServer() {
    if (!pending_.empty()) return false;
    return !Fill() && !timed_out_;
  }

 private:
  bool Fill() {
    char buffer[16384];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      pending_.append(buffer, static_cast<size_t>(n));
      return true;
    }
    timed_out_ = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    return false;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool timed_out_ = false;
  std::string pending_;
};

std::string RawGet(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

void ExpectNoLibraryText(const std::string& body) {
  EXPECT_THAT(body, Not(HasSubstr("bad_alloc")));
  EXPECT_THAT(body, Not(HasSubstr("basic_string")));
  EXPECT_THAT(body, Not(HasSubstr("stoull")));
  EXPECT_THAT(body, Not(HasSubstr("std::")));
}

// A JSON API error with `status` and `code`.
void ExpectJsonError(const std::optional<RawResponse>& response, int status, const std::string& code,
                     const std::string& what) {
  ASSERT_TRUE(response) << what;
  EXPECT_EQ(response->status, status) << what;
  EXPECT_EQ(response->headers.at("content-type"), "application/json; charset=utf-8") << what;
  json body = json::parse(response->body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << what << ": " << response->body;
  EXPECT_EQ(body["error"]["code"], code) << what;
  EXPECT_TRUE(body["error"]["message"].is_string()) << what;
  EXPECT_EQ(response->headers.at("connection"), "close") << what;
  ExpectNoLibraryText(response->body);
}

class EdgeTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = helpdex::testing::KnowledgeBase()}); }

  static std::string Metrics() {
    httplib::Result metrics = Get("/metrics");
    EXPECT_TRUE(metrics);
    return metrics ? metrics->body : "";
  }

  // The value of one sample line of /metrics (0 when absent).
  static double Sample(const std::string& metrics, const std::string& series) {
    const size_t at = metrics.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::stod(metrics.substr(at + series.size() + 2));
  }
};

TEST_F(EdgeTest, AGetHiddenInTheBodyOfARefusedPostIsNeverAnswered) {
  RawConnection client(port());
  ASSERT_TRUE(client.connected());
  client.Send("POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              "Content-Length: 100000\r\n\r\n" +
              RawGet("/api/search?q=password") + std::string(1000, ' '));
  ExpectJsonError(client.Read(), 413, "payload_too_large", "body over 64 KiB");
  EXPECT_TRUE(client.ClosedByServer()) << "the hidden GET was answered or the connection left open";
}

TEST_F(EdgeTest, AGetAfterOversizedHeadersIsNeverAnswered) {
  RawConnection client(port());
  ASSERT_TRUE(client.connected());
  client.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(40000, 'a') + "\r\n\r\n" +
              RawGet("/api/search?q=password"));
  ExpectJsonError(client.Read(), 431, "header_too_large", "40 KB of headers");
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(EdgeTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  RawConnection client(port());
  ASSERT_TRUE(client.connected());
  client.Send(RawGet("/healthz") + RawGet("/api/search?q=zzzznothing") + RawGet("/api/nope"));
  std::optional<RawResponse> first = client.Read();
  std::optional<RawResponse> second = client.Read();
  std::optional<RawResponse> third = client.Read();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->status, 200);
  EXPECT_THAT(first->body, HasSubstr("\"status\":\"ok\""));
  EXPECT_EQ(second->status, 200);
  EXPECT_THAT(second->body, HasSubstr("\"query\":\"zzzznothing\""));
  EXPECT_EQ(third->status, 404);
  // Still open: the next request on it is answered too.
  client.Send(RawGet("/healthz", "Connection: close\r\n"));
  std::optional<RawResponse> last = client.Read();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 200);
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(EdgeTest, AClientThatPipelinesWithoutReadingIsCutOffNotBuffered) {
  RawConnection client(port());
  ASSERT_TRUE(client.connected());
  std::string requests;
  for (int i = 0; i < 3000; ++i) requests += RawGet("/search?q=password");
  client.Send(requests);  // all written before a single answer is read
  int answered = 0;
  std::optional<RawResponse> response;
  while ((response = client.Read()) && response->status == 200) ++answered;
  ASSERT_TRUE(response) << "the connection ended after " << answered << " answers without saying why";
  EXPECT_EQ(response->status, 429);
  EXPECT_THAT(response->body, HasSubstr("\"rate_limited\""));
  EXPECT_GT(answered, 0);
  EXPECT_LT(answered, 3000);
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_EQ(Get("/healthz")->status, 200);
}

TEST_F(EdgeTest, KeepAliveIsTheHttp11DefaultAndConnectionCloseCloses) {
  RawConnection client(port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    client.Send(RawGet("/healthz"));
    std::optional<RawResponse> response = client.Read();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->headers["connection"], "Keep-Alive") << i;
  }
  client.Send(RawGet("/healthz", "Connection: close\r\n"));
  std::optional<RawResponse> closing = client.Read();
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing->headers["connection"], "Close");
  EXPECT_TRUE(client.ClosedByServer()) << "Connection: close left the socket open";
}

TEST_F(EdgeTest, Http10ClosesUnlessItAsksForKeepAlive) {
  RawConnection plain(port());
  plain.Send("GET /healthz HTTP/1.0\r\n\r\n");
  std::optional<RawResponse> response = plain.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers["connection"], "Close");
  EXPECT_TRUE(plain.ClosedByServer());

  RawConnection kept(port());
  kept.Send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  response = kept.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->headers["connection"], "Keep-Alive");
  kept.Send("GET /healthz HTTP/1.0\r\n\r\n");
  response = kept.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(EdgeTest, BadFramingIsRefusedWithAJsonErrorLoggedCountedAndClosed) {
  struct Case {
    std::string request;
    int status;
    std::string code;
    std::string reason;  // the /metrics label
  };
  const std::string post = "POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  const std::vector<Case> cases = {
      {post + "Content-Length: 99999999999\r\n\r\nabc", 413, "payload_too_large", "body_too_large"},
      {post + "Content-Length: 4294967296\r\n\r\nabc", 413, "payload_too_large", "body_too_large"},
      {post + "Content-Length: 184467440737095516160\r\n\r\nabc", 413, "payload_too_large", "body_too_large"},
      {post + "Content-Length: -1\r\n\r\nabc", 400, "bad_request", "content_length_invalid"},
      {post + "Content-Length: abc\r\n\r\nabc", 400, "bad_request", "content_length_invalid"},
      {post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400, "bad_request", "content_length_duplicate"},
      {post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "bad_request",
       "length_and_chunked"},
      {post + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc", 413, "payload_too_large",
       "body_too_large"},
      {post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc", 400, "bad_request", "chunk_size_invalid"},
      {post + "Transfer-Encoding: gzip\r\n\r\n", 501, "not_implemented", "transfer_encoding_unsupported"},
      {"BLAH\r\n\r\n", 400, "bad_request", "request_line_invalid"},
      {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", 400, "bad_request", "header_folded"},
  };
  const std::string before = Metrics();
  std::map<std::string, int> expected_counts;
  for (const Case& c : cases) {
    RawConnection client(port());
    ASSERT_TRUE(client.connected());
    client.Send(c.request + RawGet("/healthz"));
    ExpectJsonError(client.Read(), c.status, c.code, c.request);
    EXPECT_TRUE(client.ClosedByServer()) << c.request;
    ++expected_counts[c.reason];
  }
  const std::string after = Metrics();
  for (const auto& [reason, count] : expected_counts) {
    const std::string series = "helpdex_http_rejected_total{reason=\"" + reason + "\"}";
    EXPECT_EQ(Sample(after, series) - Sample(before, series), count) << series;
  }
  EXPECT_EQ(Get("/healthz")->status, 200);
}

TEST_F(EdgeTest, AChunkedBodyIsAnsweredLikeTheSameBodyWithAContentLength) {
  const std::string body = "type=bogus";
  const std::string head = "POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\n";
  RawConnection plain(port());
  plain.Send(head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  std::optional<RawResponse> expected = plain.Read();
  RawConnection chunked(port());
  chunked.Send(head + "Transfer-Encoding: chunked\r\n\r\n4\r\ntype\r\n6\r\n=bogus\r\n0\r\n\r\n");
  std::optional<RawResponse> actual = chunked.Read();
  ASSERT_TRUE(expected && actual);
  EXPECT_EQ(actual->status, expected->status);
  EXPECT_EQ(actual->body, expected->body);
}

TEST_F(EdgeTest, ExpectContinueGetsA100BeforeTheBodyIsSent) {
  const std::string body = "type=bogus";
  RawConnection client(port());
  ASSERT_TRUE(client.connected());
  client.Send("POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
              "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n");
  std::optional<RawResponse> interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  client.Send(body);
  std::optional<RawResponse> final_response = client.Read();
  ASSERT_TRUE(final_response);
  EXPECT_NE(final_response->status, 100);
  EXPECT_EQ(final_response->headers["content-type"], "application/json; charset=utf-8");
}

TEST_F(EdgeTest, SilentAndStalledClientsGetATimeoutAndAreClosed) {
  RawConnection silent(port());
  RawConnection stalled(port());
  ASSERT_TRUE(silent.connected() && stalled.connected());
  stalled.Send("GET /healthz HTTP/1.1\r\nHost: 127.0");  // and nothing more
  for (RawConnection* client : {&silent, &stalled}) {
    std::optional<RawResponse> response = client->Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 408);
    EXPECT_TRUE(client->ClosedByServer());
  }
  // Counted when Pistache lets go of the connection, a moment after it closed it.
  double timeouts = 0;
  for (int i = 0; i < 100 && timeouts < 2; ++i) {
    timeouts = Sample(Metrics(), "helpdex_http_rejected_total{reason=\"request_timeout\"}");
    if (timeouts < 2) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(timeouts, 2);
}

TEST_F(EdgeTest, A50MegabyteBodyIsRefusedWithoutBeingRead) {
  RawConnection client(port());
  ASSERT_TRUE(client.connected());
  client.Send("POST /contact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 52428800\r\n\r\n");
  client.Send(std::string(1 << 20, 'a'));  // may fail once the server has closed
  ExpectJsonError(client.Read(), 413, "payload_too_large", "50 MB body");
  EXPECT_EQ(Get("/healthz")->status, 200);
}

TEST_F(EdgeTest, AThousandIdleConnectionsDoNotStopTheServer) {
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  httplib::Result health = Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_GE(Sample(Metrics(), "helpdex_http_connections_open"), 1000);
}

// A child `helpdex serve` with the usual open-files limit (1,024) while
// clients hold 1,100 connections (issue 16): it sheds the oldest idle ones,
// keeps answering, and does not spin on accept().
class FileLimitTest : public EdgeTest {};

TEST_F(FileLimitTest, HeldConnectionsBeyondTheFileLimitAreShedAndTheServerAnswers) {
  const std::filesystem::path data = root() / "file-limit-data";
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const std::string command = "ulimit -n 1024 && exec '" + std::string(HELPDEX_BINARY) + "' serve --index '" +
                              index_dir().string() + "' --data '" + data.string() +
                              "' --address 127.0.0.1 --port 0 --threads 2";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  } reap{child};
  std::string banner;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') banner += c;
  ::close(out[0]);
  const size_t colon = banner.rfind(':');
  ASSERT_NE(colon, std::string::npos) << "no banner from helpdex serve: " << banner;
  const auto child_port = static_cast<uint16_t>(std::stoi(banner.substr(colon + 1)));

  auto cpu_ticks = [child] {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14 || i == 15) ticks += std::stol(field);  // utime, stime
    }
    return ticks;
  };

  // /healthz answers on a new connection after every 100 held ones (which
  // also lets the server keep pace, as clients arriving over time do).
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int batch = 0; batch < 11; ++batch) {
    for (int i = 0; i < 100; ++i) held.push_back(std::make_unique<RawConnection>(child_port));
    RawConnection health(child_port);
    ASSERT_TRUE(health.connected()) << "after " << held.size() << " held connections";
    health.Send(RawGet("/healthz", "Connection: close\r\n"));
    std::optional<RawResponse> answer = health.Read();
    ASSERT_TRUE(answer) << "/healthz got no answer with " << held.size() << " connections held";
    EXPECT_EQ(answer->status, 200);
  }
  const long ticks_before = cpu_ticks();
  const auto wall_before = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // still holding
  RawConnection metrics(child_port);
  metrics.Send(RawGet("/metrics", "Connection: close\r\n"));
  std::optional<RawResponse> text = metrics.Read();
  ASSERT_TRUE(text);
  EXPECT_THAT(text->body, HasSubstr("helpdex_http_connections_shed_total{kind=\"idle\"}"));
  EXPECT_LT(Sample(text->body, "helpdex_http_connections_open"), 1024);
  // A server spinning on accept() burns a core for as long as the
  // connections are held: this one is mostly asleep.
  const double cpu_seconds = static_cast<double>(cpu_ticks() - ticks_before) / ::sysconf(_SC_CLK_TCK);
  const double wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  EXPECT_LT(cpu_seconds, 0.5 * wall_seconds) << "the server spins while connections are held";
}

}  // namespace
}  // namespace helpdex::server

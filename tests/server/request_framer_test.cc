// framing::RequestFramer: what reaches Pistache's parser, and what never does.
#include "helpdex/framing/request_framer.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace helpdex::framing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Fed {
  std::vector<FramedRequest> requests;
  std::optional<FramingError> error;
};

Fed FeedAll(RequestFramer& framer, const std::string& bytes) {
  Fed fed;
  fed.error = framer.Feed(bytes, fed.requests);
  return fed;
}

Fed FeedOnce(const std::string& bytes, FramingLimits limits = {}) {
  RequestFramer framer(limits);
  return FeedAll(framer, bytes);
}

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: helpdex\r\n" + extra + "\r\n";
}

TEST(RequestFramerTest, PipelinedRequestsComeOutWholeAndInOrder) {
  Fed fed = FeedOnce(Get("/healthz") + Get("/api/search?q=a") + Get("/metrics", "Connection: close\r\n"));
  ASSERT_FALSE(fed.error);
  ASSERT_EQ(fed.requests.size(), 3u);
  EXPECT_EQ(fed.requests[0].bytes, Get("/healthz"));
  EXPECT_THAT(fed.requests[1].bytes, HasSubstr("GET /api/search?q=a HTTP/1.1\r\n"));
  EXPECT_TRUE(fed.requests[0].keep_alive);
  EXPECT_FALSE(fed.requests[2].keep_alive);
}

TEST(RequestFramerTest, ARequestSplitIntoSingleBytesIsFramedOnceComplete) {
  const std::string request = "POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
  RequestFramer framer;
  std::vector<FramedRequest> out;
  for (size_t i = 0; i < request.size(); ++i) {
    ASSERT_FALSE(framer.Feed(request.substr(i, 1), out));
    EXPECT_EQ(out.size(), i + 1 == request.size() ? 1u : 0u) << i;
    if (i + 1 < request.size()) {
      EXPECT_NE(framer.phase(), Phase::kIdle);
    }
  }
  EXPECT_EQ(out[0].bytes, request);
  EXPECT_EQ(framer.phase(), Phase::kIdle);
}

TEST(RequestFramerTest, PhaseSaysWhetherTheHeadOrTheBodyIsAwaited) {
  RequestFramer framer;
  std::vector<FramedRequest> out;
  EXPECT_EQ(framer.phase(), Phase::kIdle);
  framer.Feed("POST / HTTP/1.1\r\nContent-Length: 3\r\n", out);
  EXPECT_EQ(framer.phase(), Phase::kHead);
  framer.Feed("\r\nab", out);
  EXPECT_EQ(framer.phase(), Phase::kBody);
  framer.Feed("c", out);
  EXPECT_EQ(framer.phase(), Phase::kIdle);
  EXPECT_EQ(out.size(), 1u);
}

TEST(RequestFramerTest, ABodyOverTheLimitIsRefusedFromItsHeadAndItsBytesAreNeverFramed) {
  // The smuggling case: a GET hidden in the body of a refused POST.
  const std::string hidden = Get("/api/search?q=password");
  RequestFramer framer({.max_body_bytes = 64 * 1024});
  Fed fed = FeedAll(framer, "POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n" + hidden);
  ASSERT_TRUE(fed.error);
  EXPECT_EQ(fed.error->status, 413);
  EXPECT_EQ(fed.error->code, "payload_too_large");
  EXPECT_EQ(fed.error->where, "Content-Length");
  EXPECT_TRUE(fed.requests.empty());
  Fed after = FeedAll(framer, hidden);  // still refused: the connection is done
  EXPECT_TRUE(after.error);
  EXPECT_TRUE(after.requests.empty());
}

TEST(RequestFramerTest, RequestsBeforeABadOneAreStillFramed) {
  Fed fed = FeedOnce(Get("/healthz") + "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n" + Get("/metrics"));
  ASSERT_TRUE(fed.error);
  EXPECT_EQ(fed.error->status, 400);
  ASSERT_EQ(fed.requests.size(), 1u);
  EXPECT_EQ(fed.requests[0].bytes, Get("/healthz"));
}

TEST(RequestFramerTest, MalformedContentLengthIsRefusedBeforeAnyAllocation) {
  struct Case {
    std::string header;
    int status;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"Content-Length: 99999999999\r\n", 413, "body_too_large"},
      {"Content-Length: 4294967296\r\n", 413, "body_too_large"},
      {"Content-Length: 18446744073709551616\r\n", 413, "body_too_large"},
      {"Content-Length: 999999999999999999999999999999\r\n", 413, "body_too_large"},
      {"Content-Length: 65537\r\n", 413, "body_too_large"},
      {"Content-Length: -1\r\n", 400, "content_length_invalid"},
      {"Content-Length: +5\r\n", 400, "content_length_invalid"},
      {"Content-Length: abc\r\n", 400, "content_length_invalid"},
      {"Content-Length: 0x10\r\n", 400, "content_length_invalid"},
      {"Content-Length: 1 2\r\n", 400, "content_length_invalid"},
      {"Content-Length:\r\n", 400, "content_length_invalid"},
      {"Content-Length: 5, 5\r\n", 400, "content_length_invalid"},
      {"Content-Length: 5\r\nContent-Length: 5\r\n", 400, "content_length_duplicate"},
      {"Content-Length: 5\r\ncontent-length: 6\r\n", 400, "content_length_duplicate"},
      {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400, "length_and_chunked"},
      {"Transfer-Encoding: gzip\r\n", 501, "transfer_encoding_unsupported"},
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 400, "transfer_encoding_duplicate"},
  };
  for (const Case& c : cases) {
    Fed fed = FeedOnce("POST /api/events HTTP/1.1\r\nHost: h\r\n" + c.header + "\r\n12345", {.max_body_bytes = 65536});
    ASSERT_TRUE(fed.error) << c.header;
    EXPECT_EQ(fed.error->status, c.status) << c.header;
    EXPECT_EQ(fed.error->reason, c.reason) << c.header;
    EXPECT_TRUE(fed.requests.empty()) << c.header;
  }
}

TEST(RequestFramerTest, LeadingZerosInContentLengthAreTheSameNumber) {
  Fed fed = FeedOnce("POST / HTTP/1.1\r\nContent-Length: 0003\r\n\r\nabc");
  ASSERT_FALSE(fed.error);
  ASSERT_EQ(fed.requests.size(), 1u);
  EXPECT_EQ(fed.requests[0].bytes, "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
}

TEST(RequestFramerTest, ChunkedBodiesAreDecodedIntoAContentLength) {
  Fed fed = FeedOnce(
      "POST /api/events HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: dropped\r\n\r\n" +
      Get("/healthz"));
  ASSERT_FALSE(fed.error) << fed.error->message;
  ASSERT_EQ(fed.requests.size(), 2u);
  EXPECT_EQ(fed.requests[0].bytes,
            "POST /api/events HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world");
  EXPECT_EQ(fed.requests[1].bytes, Get("/healthz"));
}

TEST(RequestFramerTest, HugeOrMalformedChunkSizesAreRefused) {
  const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  Fed huge = FeedOnce(head + "FFFFFFFFFFFFFFFF\r\nabc");
  ASSERT_TRUE(huge.error);
  EXPECT_EQ(huge.error->status, 413);
  EXPECT_EQ(huge.error->where, "chunk size");
  Fed overflowing = FeedOnce(head + "10000000000000000000001\r\n");
  ASSERT_TRUE(overflowing.error);
  EXPECT_EQ(overflowing.error->status, 413);
  Fed sum = FeedOnce(head + "8000\r\n" + std::string(0x8000, 'a') + "\r\n8001\r\n", {.max_body_bytes = 65536});
  ASSERT_TRUE(sum.error);
  EXPECT_EQ(sum.error->status, 413);
  for (const std::string& bad : {std::string("-1\r\n"), std::string("g\r\n"), std::string("\r\n"),
                                 std::string("5 junk\r\nhello\r\n"), std::string("5\r\nhelloX\r\n")}) {
    Fed fed = FeedOnce(head + bad);
    ASSERT_TRUE(fed.error) << bad;
    EXPECT_EQ(fed.error->status, 400) << bad;
  }
}

TEST(RequestFramerTest, OversizedHeadsAreRefusedWithTheirOwnStatus) {
  Fed line = FeedOnce("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(line.error);
  EXPECT_EQ(line.error->status, 414);
  Fed unfinished_line = FeedOnce("GET /" + std::string(9000, 'a'));  // no CRLF yet: refused anyway
  ASSERT_TRUE(unfinished_line.error);
  EXPECT_EQ(unfinished_line.error->status, 414);
  Fed headers = FeedOnce("GET / HTTP/1.1\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n" + Get("/healthz"));
  ASSERT_TRUE(headers.error);
  EXPECT_EQ(headers.error->status, 431);
  EXPECT_TRUE(headers.requests.empty());
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  Fed count = FeedOnce(many + "\r\n");
  ASSERT_TRUE(count.error);
  EXPECT_EQ(count.error->status, 431);
}

TEST(RequestFramerTest, MalformedRequestLinesAndHeadersAreRefused) {
  struct Case {
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"BLAH\r\n\r\n", 400},
      {"GET /\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1 extra\r\n\r\n", 400},
      {"BREW / HTTP/1.1\r\n\r\n", 501},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / HTTX/1.1\r\n\r\n", 400},
      {"GET http://other/ HTTP/1.1\r\n\r\n", 400},
      {"GET /a\x01 HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX : a\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nno colon\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400},
      {std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26), 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  };
  for (const Case& c : cases) {
    Fed fed = FeedOnce(c.request);
    ASSERT_TRUE(fed.error) << c.request;
    EXPECT_EQ(fed.error->status, c.status) << c.request;
    EXPECT_FALSE(fed.error->where.empty()) << c.request;
  }
}

TEST(RequestFramerTest, ConnectionHeaderDecidesKeepAliveForEachVersion) {
  struct Case {
    std::string version;
    std::string connection;
    bool keep_alive;
  };
  const std::vector<Case> cases = {
      {"HTTP/1.1", "", true},
      {"HTTP/1.1", "Connection: close\r\n", false},
      {"HTTP/1.1", "Connection: Keep-Alive, Upgrade\r\n", true},
      {"HTTP/1.1", "Connection: upgrade, CLOSE\r\n", false},
      {"HTTP/1.0", "", false},
      {"HTTP/1.0", "Connection: keep-alive\r\n", true},
  };
  for (const Case& c : cases) {
    Fed fed = FeedOnce("GET / " + c.version + "\r\n" + c.connection + "\r\n");
    ASSERT_EQ(fed.requests.size(), 1u) << c.version << c.connection;
    EXPECT_EQ(fed.requests[0].keep_alive, c.keep_alive) << c.version << c.connection;
  }
}

TEST(RequestFramerTest, ContinueIsOfferedOnceWhenTheHeadAsksAndTheBodyHasNotStarted) {
  RequestFramer framer;
  std::vector<FramedRequest> out;
  framer.Feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", out);
  EXPECT_TRUE(framer.TakeContinue());
  EXPECT_FALSE(framer.TakeContinue());
  framer.Feed("abc", out);
  EXPECT_EQ(out.size(), 1u);
  // Body already sent with the head, or no body: nothing to offer.
  framer.Feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\na", out);
  EXPECT_FALSE(framer.TakeContinue());
  RequestFramer get;
  get.Feed("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", out);
  EXPECT_FALSE(get.TakeContinue());
}

TEST(RequestFramerTest, EmptyLinesBetweenRequestsAreIgnored) {
  Fed fed = FeedOnce("\r\n\r\n" + Get("/a") + "\r\n" + Get("/b"));
  ASSERT_FALSE(fed.error);
  ASSERT_EQ(fed.requests.size(), 2u);
}

TEST(RequestFramerTest, ErrorResponseIsTheApiErrorShapeAndClosesTheConnection) {
  Fed fed = FeedOnce("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
  ASSERT_TRUE(fed.error);
  const std::string response = ErrorResponse(*fed.error);
  EXPECT_THAT(response, ::testing::StartsWith("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_THAT(response, HasSubstr("\r\nConnection: close\r\n"));
  EXPECT_THAT(response, HasSubstr("\r\nContent-Type: application/json; charset=utf-8\r\n"));
  EXPECT_THAT(response, HasSubstr(R"({"error":{"code":"bad_request","message":")"));
  EXPECT_THAT(response, HasSubstr(R"("parameter":"Content-Length"}})"));
  const size_t body = response.find("\r\n\r\n") + 4;
  EXPECT_THAT(response, HasSubstr("Content-Length: " + std::to_string(response.size() - body) + "\r\n"));
  EXPECT_THAT(TooManyConnectionsResponse(), ::testing::StartsWith("HTTP/1.1 503 Service Unavailable\r\n"));
}

}  // namespace
}  // namespace helpdex::framing

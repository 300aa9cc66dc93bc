// File: request_framer.h
// RequestFramer: splits the bytes of one HTTP/1.x connection into complete,
// validated requests before any HTTP library parses them, so that framing is
// decided once, strictly (RFC 9112), and before any allocation sized by the
// client. Pistache 0.0.5 reserve()s a declared Content-Length, keeps unread
// body bytes as the next request after an error, answers only the first of
// pipelined requests and accepts duplicate Content-Length headers; the server
// hands it one whole request at a time from here (server/src/edge_handler.cc).
//
//   RequestFramer framer({.max_head_bytes = 32 * 1024, .max_body_bytes = 64 * 1024});
//   std::vector<FramedRequest> requests;
//   std::optional<FramingError> error = framer.Feed(bytes, requests);
//   // answer `requests` in order; then, if `error`, answer it and close:
//   // the framer refuses everything after an error.
//
// Each FramedRequest is normalised: the request line and header lines as
// received, minus Content-Length and Transfer-Encoding, plus one
// `Content-Length: N` when the body is not empty, then the body (de-chunked).
// Not thread-safe: one framer per connection.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace helpdex::framing {

struct FramingLimits {
  size_t max_request_line_bytes = 8 * 1024;  // method, target and version (414 beyond)
  size_t max_head_bytes = 32 * 1024;         // request line and headers, or a chunked body's trailers (431)
  size_t max_headers = 100;                  // header lines (431 beyond)
  size_t max_body_bytes = 64 * 1024;         // declared or de-chunked body (413 beyond)
};

// A request refused for its framing. The connection must be closed after the
// answer: the bytes that follow cannot be trusted to start a request.
struct FramingError {
  int status = 400;         // 400, 413, 414, 431, 501 or 505
  std::string code;         // the JSON error code: "bad_request", "payload_too_large", ...
  std::string reason;       // a fixed metric label: "content_length_invalid", "head_too_large", ...
  std::string message;      // what is wrong, for the client and the log (never request bytes)
  std::string where;        // which part: "Content-Length", "request line", "chunk size", ...
};

struct FramedRequest {
  std::string bytes;        // the normalised request (see above)
  std::string method;       // "GET", "POST", ...
  bool keep_alive = true;   // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"
};

enum class Phase {
  kIdle,  // nothing of a request buffered
  kHead,  // part of a request line or of the headers
  kBody,  // the head is complete; part of the body (or of a chunked body's trailers)
};

class RequestFramer {
 public:
  explicit RequestFramer(FramingLimits limits = {});

  // Appends `bytes` and moves every request they complete to `out`, in order.
  // Returns the error of the first request that cannot be framed; the
  // requests before it are in `out`. After an error every later Feed()
  // returns the same error and frames nothing.
  std::optional<FramingError> Feed(std::string_view bytes, std::vector<FramedRequest>& out);

  Phase phase() const;
  // True once, when the head of the request in progress asked for
  // `Expect: 100-continue` and its body has not started: the caller answers
  // `HTTP/1.1 100 Continue` so that the client sends the body (a body over
  // the limit is refused from its head instead, so it is never sent).
  bool TakeContinue();
  // Bytes buffered for the request in progress.
  size_t buffered() const { return buffer_.size(); }

 private:
  enum class BodyKind { kNone, kLength, kChunked };
  // Frames one request from the buffer. nullopt: it is incomplete (wait for
  // more bytes) or done (moved to `out`, `*done` set).
  std::optional<FramingError> FrameOne(std::vector<FramedRequest>& out, bool* done);
  std::optional<FramingError> ParseHead(std::string_view head);
  std::optional<FramingError> ParseChunks(bool* complete);

  FramingLimits limits_;
  std::string buffer_;              // starts with the request in progress
  size_t head_scan_ = 0;            // where the search for the end of the head resumes
  std::optional<FramingError> error_;

  // The request in progress, once its head has been read.
  bool head_done_ = false;
  size_t body_start_ = 0;           // offset in buffer_ of the first body byte
  BodyKind body_kind_ = BodyKind::kNone;
  size_t content_length_ = 0;
  FramedRequest current_;
  bool expects_continue_ = false;   // the head asked for 100-continue, not yet answered
  std::string chunked_body_;        // de-chunked so far
  size_t chunk_cursor_ = 0;         // offset in buffer_ of the next chunk (or trailer line) to parse
  bool in_trailers_ = false;        // the last chunk was read; trailer lines follow
  size_t trailer_bytes_ = 0;
};

// The complete HTTP/1.1 response for `error`: the JSON error shape of the API
// ({"error": {"code", "message", "parameter"}}), `Connection: close`, nosniff.
std::string ErrorResponse(const FramingError& error);

// The same for a connection refused because the server holds too many (503).
std::string TooManyConnectionsResponse();

}  // namespace helpdex::framing

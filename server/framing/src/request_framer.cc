#include "helpdex/framing/request_framer.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace helpdex::framing {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kHeadEnd = "\r\n\r\n";
constexpr size_t kMaxChunkLineBytes = 1024;  // size, extensions and CRLF

// The methods Pistache 0.0.5 parses (http_defs.h HTTP_METHODS).
constexpr std::array<std::string_view, 9> kMethods = {"OPTIONS", "GET",  "POST",  "HEAD",   "PUT",
                                                      "PATCH",   "DELETE", "TRACE", "CONNECT"};

FramingError Fail(int status, std::string code, std::string reason, std::string message,
                  std::string where) {
  return FramingError{status, std::move(code), std::move(reason), std::move(message), std::move(where)};
}

FramingError BadRequest(std::string reason, std::string message, std::string where) {
  return Fail(400, "bad_request", std::move(reason), std::move(message), std::move(where));
}

// RFC 9110 5.6.2 tchar.
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); });
}

// Field values: visible ASCII, obs-text, SP and HTAB; no other control byte.
bool IsFieldValue(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c != 0x7F);
  });
}

std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

FramingError BodyTooLarge(size_t limit, std::string where) {
  return Fail(413, "payload_too_large", "body_too_large",
              "The request body is larger than " + std::to_string(limit) + " bytes.", std::move(where));
}

}  // namespace

RequestFramer::RequestFramer(FramingLimits limits) : limits_(limits) {}

Phase RequestFramer::phase() const {
  if (head_done_) return Phase::kBody;
  return buffer_.empty() ? Phase::kIdle : Phase::kHead;
}

bool RequestFramer::TakeContinue() {
  if (!expects_continue_ || !head_done_ || buffer_.size() > body_start_) return false;
  expects_continue_ = false;
  return true;
}

std::optional<FramingError> RequestFramer::Feed(std::string_view bytes, std::vector<FramedRequest>& out) {
  if (error_) return error_;
  buffer_.append(bytes);
  while (true) {
    bool done = false;
    std::optional<FramingError> error = FrameOne(out, &done);
    if (error) {
      error_ = std::move(error);
      buffer_.clear();
      buffer_.shrink_to_fit();
      return error_;
    }
    if (!done) return std::nullopt;
  }
}

std::optional<FramingError> RequestFramer::FrameOne(std::vector<FramedRequest>& out, bool* done) {
  *done = false;
  if (!head_done_) {
    // RFC 9112 2.2: empty lines before a request line are ignored.
    const size_t start = buffer_.find_first_not_of(kCrlf);
    if (start == std::string::npos) {
      buffer_.clear();
      head_scan_ = 0;
      return std::nullopt;
    }
    if (start > 0) {
      buffer_.erase(0, start);
      head_scan_ = 0;
    }
    const size_t line_end = buffer_.find('\n');
    if ((line_end == std::string::npos ? buffer_.size() : line_end) > limits_.max_request_line_bytes) {
      return Fail(414, "uri_too_long", "request_line_too_long",
                  "The request line is longer than " + std::to_string(limits_.max_request_line_bytes) +
                      " bytes.",
                  "request line");
    }
    const size_t head_end = buffer_.find(kHeadEnd, head_scan_);
    if (head_end == std::string::npos) {
      if (buffer_.size() > limits_.max_head_bytes) {
        return Fail(431, "header_too_large", "head_too_large",
                    "The request line and headers are longer than " +
                        std::to_string(limits_.max_head_bytes) + " bytes.",
                    "headers");
      }
      head_scan_ = buffer_.size() >= 3 ? buffer_.size() - 3 : 0;
      return std::nullopt;
    }
    if (head_end + kHeadEnd.size() > limits_.max_head_bytes) {
      return Fail(431, "header_too_large", "head_too_large",
                  "The request line and headers are longer than " + std::to_string(limits_.max_head_bytes) +
                      " bytes.",
                  "headers");
    }
    if (std::optional<FramingError> error = ParseHead(std::string_view(buffer_).substr(0, head_end))) {
      return error;
    }
    head_done_ = true;
    body_start_ = head_end + kHeadEnd.size();
    chunk_cursor_ = body_start_;
  }

  size_t end = 0;  // one past the request's last byte in buffer_
  std::string_view body;
  switch (body_kind_) {
    case BodyKind::kNone:
      end = body_start_;
      break;
    case BodyKind::kLength:
      if (buffer_.size() - body_start_ < content_length_) return std::nullopt;
      end = body_start_ + content_length_;
      body = std::string_view(buffer_).substr(body_start_, content_length_);
      break;
    case BodyKind::kChunked: {
      bool complete = false;
      if (std::optional<FramingError> error = ParseChunks(&complete)) return error;
      if (!complete) return std::nullopt;
      end = chunk_cursor_;
      body = chunked_body_;
      break;
    }
  }
  if (!body.empty()) current_.bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  current_.bytes += kCrlf;
  current_.bytes += body;
  out.push_back(std::move(current_));
  buffer_.erase(0, end);
  current_ = FramedRequest{};
  chunked_body_.clear();
  head_done_ = false;
  expects_continue_ = false;
  head_scan_ = 0;
  body_kind_ = BodyKind::kNone;
  content_length_ = 0;
  in_trailers_ = false;
  trailer_bytes_ = 0;
  *done = true;
  return std::nullopt;
}

std::optional<FramingError> RequestFramer::ParseHead(std::string_view head) {
  if (head.find_first_of("\r\n") != std::string_view::npos) {
    // Lines end with CRLF: a lone CR or LF inside a line is not a line break.
    for (size_t at = head.find_first_of("\r\n"); at != std::string_view::npos;
         at = head.find_first_of("\r\n", at + 2)) {
      if (head.substr(at, 2) != kCrlf) {
        return BadRequest("bare_line_break", "A line of the request ends without CRLF.", "headers");
      }
    }
  }
  const size_t first_end = head.find(kCrlf);
  const std::string_view request_line = head.substr(0, first_end);
  std::string_view fields = first_end == std::string_view::npos ? std::string_view() : head.substr(first_end + 2);

  // method SP request-target SP HTTP-version
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos) {
    return BadRequest("request_line_invalid", "The request line must be: method, target, version.",
                      "request line");
  }
  const std::string_view method = request_line.substr(0, sp1);
  const std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = request_line.substr(sp2 + 1);
  if (!IsToken(method)) return BadRequest("method_invalid", "The method is not a token.", "method");
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    return Fail(501, "not_implemented", "method_unknown", "This method is not implemented.", "method");
  }
  const bool target_ok = !target.empty() && (target.front() == '/' || target == "*") &&
                         std::all_of(target.begin(), target.end(), [](char ch) {
                           const auto c = static_cast<unsigned char>(ch);
                           return c > 0x20 && c < 0x7F;
                         });
  if (!target_ok) {
    return BadRequest("target_invalid", "The request target must be a path of visible ASCII characters.",
                      "request target");
  }
  bool http11 = false;
  if (version == "HTTP/1.1") {
    http11 = true;
  } else if (version != "HTTP/1.0") {
    const bool looks_like_version = version.size() == 8 && version.starts_with("HTTP/") &&
                                    version[5] >= '0' && version[5] <= '9' && version[6] == '.' &&
                                    version[7] >= '0' && version[7] <= '9';
    if (looks_like_version) {
      return Fail(505, "version_not_supported", "version_unsupported", "Only HTTP/1.0 and HTTP/1.1 are served.",
                  "version");
    }
    return BadRequest("version_invalid", "The HTTP version is malformed.", "version");
  }
  current_.method = std::string(method);
  current_.bytes.assign(request_line);
  current_.bytes += kCrlf;

  bool has_length = false;
  bool has_chunked = false;
  bool has_host = false;
  bool close = false;
  bool keep_alive = false;
  bool expects_continue = false;
  size_t count = 0;
  while (!fields.empty()) {
    const size_t end = fields.find(kCrlf);
    const std::string_view line = fields.substr(0, end);
    fields = end == std::string_view::npos ? std::string_view() : fields.substr(end + 2);
    if (++count > limits_.max_headers) {
      return Fail(431, "header_too_large", "too_many_headers",
                  "The request has more than " + std::to_string(limits_.max_headers) + " headers.", "headers");
    }
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      return BadRequest("header_folded", "A header is folded over two lines (obsolete line folding).", "headers");
    }
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || !IsToken(name)) {
      return BadRequest("header_invalid", "A header line is not \"name: value\".", "headers");
    }
    const std::string_view value = TrimOws(line.substr(colon + 1));
    if (!IsFieldValue(value)) {
      return BadRequest("header_invalid", "A header value holds a control character.", std::string(name));
    }
    const std::string lower = Lower(name);
    if (lower == "content-length") {
      if (has_length) {
        return BadRequest("content_length_duplicate", "Content-Length is given more than once.", "Content-Length");
      }
      has_length = true;
      if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return BadRequest("content_length_invalid", "Content-Length must be a decimal number of bytes.",
                          "Content-Length");
      }
      const std::string_view digits = value.substr(std::min(value.find_first_not_of('0'), value.size() - 1));
      if (digits.size() > 12) return BodyTooLarge(limits_.max_body_bytes, "Content-Length");
      size_t length = 0;
      for (char c : digits) length = length * 10 + static_cast<size_t>(c - '0');
      if (length > limits_.max_body_bytes) return BodyTooLarge(limits_.max_body_bytes, "Content-Length");
      content_length_ = length;
      continue;  // re-added once, by FrameOne
    }
    if (lower == "transfer-encoding") {
      if (has_chunked) {
        return BadRequest("transfer_encoding_duplicate", "Transfer-Encoding is given more than once.",
                          "Transfer-Encoding");
      }
      if (Lower(value) != "chunked") {
        return Fail(501, "not_implemented", "transfer_encoding_unsupported",
                    "Only the chunked transfer coding is accepted.", "Transfer-Encoding");
      }
      has_chunked = true;
      continue;
    }
    if (lower == "host") {
      if (has_host) return BadRequest("host_duplicate", "Host is given more than once.", "Host");
      has_host = true;
    }
    if (lower == "expect" && Lower(value) == "100-continue") expects_continue = true;
    if (lower == "connection") {
      std::string_view options = value;
      while (!options.empty()) {
        const size_t comma = options.find(',');
        const std::string option = Lower(TrimOws(options.substr(0, comma)));
        if (option == "close") close = true;
        if (option == "keep-alive") keep_alive = true;
        options = comma == std::string_view::npos ? std::string_view() : options.substr(comma + 1);
      }
    }
    current_.bytes += line;
    current_.bytes += kCrlf;
  }
  if (has_length && has_chunked) {
    return BadRequest("length_and_chunked", "Content-Length and Transfer-Encoding cannot both be given.",
                      "Transfer-Encoding");
  }
  if (has_chunked && !http11) {
    return BadRequest("chunked_http10", "HTTP/1.0 has no chunked transfer coding.", "Transfer-Encoding");
  }
  body_kind_ = has_chunked ? BodyKind::kChunked : (has_length && content_length_ > 0 ? BodyKind::kLength
                                                                                     : BodyKind::kNone);
  current_.keep_alive = http11 ? !close : (keep_alive && !close);
  expects_continue_ = expects_continue && http11 && body_kind_ != BodyKind::kNone;
  return std::nullopt;
}

std::optional<FramingError> RequestFramer::ParseChunks(bool* complete) {
  *complete = false;
  while (true) {
    const size_t line_end = buffer_.find(kCrlf, chunk_cursor_);
    if (in_trailers_) {
      if (line_end == std::string::npos) {
        if (trailer_bytes_ + (buffer_.size() - chunk_cursor_) > limits_.max_head_bytes) {
          return Fail(431, "header_too_large", "trailers_too_large", "The chunked body's trailers are too long.",
                      "trailers");
        }
        return std::nullopt;
      }
      const std::string_view line = std::string_view(buffer_).substr(chunk_cursor_, line_end - chunk_cursor_);
      trailer_bytes_ += line.size() + 2;
      chunk_cursor_ = line_end + 2;
      if (trailer_bytes_ > limits_.max_head_bytes) {
        return Fail(431, "header_too_large", "trailers_too_large", "The chunked body's trailers are too long.",
                    "trailers");
      }
      if (line.empty()) {
        *complete = true;
        return std::nullopt;
      }
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos || !IsToken(line.substr(0, colon)) || !IsFieldValue(line) ||
          line.find('\n') != std::string_view::npos) {
        return BadRequest("trailer_invalid", "A trailer line is not \"name: value\".", "trailers");
      }
      continue;  // trailers are read and dropped
    }
    if (line_end == std::string::npos) {
      if (buffer_.size() - chunk_cursor_ > kMaxChunkLineBytes) {
        return BadRequest("chunk_size_invalid", "A chunk size line is too long.", "chunk size");
      }
      return std::nullopt;
    }
    const std::string_view line = std::string_view(buffer_).substr(chunk_cursor_, line_end - chunk_cursor_);
    if (line.size() > kMaxChunkLineBytes) {
      return BadRequest("chunk_size_invalid", "A chunk size line is too long.", "chunk size");
    }
    size_t size = 0;
    size_t digits = 0;
    for (; digits < line.size() && HexValue(line[digits]) >= 0; ++digits) {
      size = size * 16 + static_cast<size_t>(HexValue(line[digits]));
      if (size > limits_.max_body_bytes) return BodyTooLarge(limits_.max_body_bytes, "chunk size");
    }
    const std::string_view rest = TrimOws(line.substr(digits));
    if (digits == 0 || (!rest.empty() && rest.front() != ';') || !IsFieldValue(rest)) {
      return BadRequest("chunk_size_invalid", "A chunk size must be hexadecimal digits.", "chunk size");
    }
    if (chunked_body_.size() + size > limits_.max_body_bytes) {
      return BodyTooLarge(limits_.max_body_bytes, "chunk size");
    }
    const size_t data = line_end + 2;
    if (size == 0) {
      chunk_cursor_ = data;
      in_trailers_ = true;
      continue;
    }
    if (buffer_.size() < data + size + 2) return std::nullopt;
    if (std::string_view(buffer_).substr(data + size, 2) != kCrlf) {
      return BadRequest("chunk_invalid", "A chunk does not end with CRLF after its declared size.", "chunk");
    }
    chunked_body_.append(buffer_, data, size);
    chunk_cursor_ = data + size + 2;
  }
}

namespace {

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7F || ch == '<' || ch == '>' || ch == '&') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

std::string Response(int status, std::string_view code, std::string_view message, std::string_view where,
                     std::string_view extra_headers) {
  std::string body = "{\"error\":{\"code\":" + JsonString(code) + ",\"message\":" + JsonString(message);
  if (!where.empty()) body += ",\"parameter\":" + JsonString(where);
  body += "}}";
  std::string response = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
  response += "Content-Type: application/json; charset=utf-8\r\n";
  response += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  response += "Connection: close\r\n";
  response += "Cache-Control: no-store\r\n";
  response += "X-Content-Type-Options: nosniff\r\n";
  response += extra_headers;
  response += "\r\n";
  return response + body;
}

}  // namespace

std::string ErrorResponse(const FramingError& error) {
  return Response(error.status, error.code, error.message, error.where, "");
}

std::string TooManyConnectionsResponse() {
  return Response(503, "too_many_connections", "The server holds too many connections. Try again shortly.", "",
                  "Retry-After: 1\r\n");
}

}  // namespace helpdex::framing

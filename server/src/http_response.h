// File: http_response.h
// HttpResponse: what a route handler returns. Handlers build a value; one
// place (routes.cc) sends it, counts it and logs it, so every response gets the
// same security headers and no handler touches Pistache's writer directly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <pistache/http.h>

#include "error_codes.h"

namespace helpdex::server {

// A Set-Cookie. Sent through Pistache's cookie jar, because its header
// collection keeps one header per name and a response may set two cookies.
struct ResponseCookie {
  std::string name;
  std::string value;
  int max_age_seconds = 0;  // 0 deletes the cookie
  bool secure = false;
  // Always HttpOnly and Path=/: only the server reads these cookies. Strict:
  // no other site may make the browser send them; the visit cookie is Lax so
  // that arriving from a link elsewhere continues the same visit.
  std::string same_site = "Strict";
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // sent verbatim, one per name
  std::vector<ResponseCookie> cookies;
  // Why a 5xx happened (ApiError::log_detail): logged with the response
  // (routes.cc), never sent.
  std::string log_detail;
};

// A response header Pistache 0.0.5 will actually send: `addRaw()` headers are
// dropped by its writer, which writes only typed headers. Refuses CR and LF in
// the name or value (header injection) by throwing std::invalid_argument.
class FixedHeader : public Pistache::Http::Header::Header {
 public:
  FixedHeader(std::string name, std::string value);
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return 0; }
#endif

 private:
  std::string name_;
  std::string value_;
};

// JSON body with `Content-Type: application/json; charset=utf-8`, nosniff.
HttpResponse JsonResponse(int status, std::string body);
// HTML page with the Content-Security-Policy and the other page headers
// (platform.md A2.4); `language` fills Content-Language.
HttpResponse HtmlResponse(int status, std::string body, std::string_view language);
// {"error": {"code", "message", "parameter"?}} with the code's HTTP status.
HttpResponse ApiErrorResponse(const ApiError& error);

// Marks a public GET response cacheable for a minute.
void MarkPublicCacheable(HttpResponse& response);

// Marks a response for one agent only: `Cache-Control: no-store` (replacing
// any other Cache-Control) and `Vary` extended by Cookie and Authorization.
void MarkAgentPrivate(HttpResponse& response);

// A `303 See Other` to `location`, which the caller has checked is local.
HttpResponse SeeOther(const std::string& location);

// Sets header `name` to `value`, replacing an earlier value: Pistache sends
// only the first header of a name.
void SetHeader(HttpResponse& response, const std::string& name, std::string value);

// Writes `response` through Pistache, with `Connection: keep-alive` or
// `Connection: close` as `keep_alive` says (the edge closes the connection
// after a close). Throws std::invalid_argument for a
// header with CR or LF or a cookie with a separator in it, which would be a
// bug in the server. The promise settles when the response is written (or
// the write failed). `head_only` (a HEAD request): the same status and
// headers, Content-Length the body's, and no body.
Pistache::Async::Promise<ssize_t> Send(const HttpResponse& response, Pistache::Http::ResponseWriter& writer,
                                       bool keep_alive, bool head_only = false);

}  // namespace helpdex::server

#include "http_response.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <pistache/cookie.h>
#include <pistache/peer.h>

#include <nlohmann/json.hpp>

namespace helpdex::server {
namespace {

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// Cookie names and values here are fixed names and base64url or hex
// secrets; anything that could end the attribute list is a bug.
bool IsSafeCookieText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c > 0x20 && c < 0x7F && c != ';' && c != ',' && c != '"' && c != '\\';
  });
}

}  // namespace

FixedHeader::FixedHeader(std::string name, std::string value)
    : name_(std::move(name)), value_(std::move(value)) {
  if (HasLineBreak(name_) || HasLineBreak(value_)) {
    throw std::invalid_argument("header contains CR or LF");
  }
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json; charset=utf-8";
  response.body = std::move(body);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

HttpResponse HtmlResponse(int status, std::string body, std::string_view language) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  response.headers = {
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"},
      {"Content-Language", std::string(language)},
      // The page language may come from the helpdex_lang cookie as well.
      {"Vary", "Cookie, Accept-Language"},
  };
  return response;
}

HttpResponse ApiErrorResponse(const ApiError& error) {
  nlohmann::json detail = {{"code", WireName(error.code)}, {"message", error.message}};
  if (!error.parameter.empty()) detail["parameter"] = error.parameter;
  nlohmann::json body = {{"error", detail}};
  HttpResponse response = JsonResponse(HttpStatus(error.code),
                                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  response.log_detail = error.log_detail;
  return response;
}

void MarkPublicCacheable(HttpResponse& response) {
  response.headers.emplace_back("Cache-Control", "public, max-age=60");
}

void SetHeader(HttpResponse& response, const std::string& name, std::string value) {
  for (auto& [existing, existing_value] : response.headers) {
    if (existing == name) {
      existing_value = std::move(value);
      return;
    }
  }
  response.headers.emplace_back(name, std::move(value));
}

void MarkAgentPrivate(HttpResponse& response) {
  SetHeader(response, "Cache-Control", "no-store");
  std::string vary = "Cookie, Authorization";
  for (const auto& [name, value] : response.headers) {
    if (name == "Vary") vary = value + ", " + vary;
  }
  SetHeader(response, "Vary", std::move(vary));
}

HttpResponse SeeOther(const std::string& location) {
  HttpResponse response;
  response.status = 303;
  response.headers = {{"Location", location}, {"X-Content-Type-Options", "nosniff"}};
  return response;
}

// GCC 12 -O2 reports a -Wrestrict false positive inside Pistache's inline
// Cookie constructor (a std::string copy), not in our code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
namespace {

// The head of the response `writer` would send for a body of `body_bytes`
// (status line, its headers and cookies as Pistache writes them, the GET's
// Content-Length), written straight to the connection: Pistache's writer
// always writes its body and a Content-Length of that body.
Pistache::Async::Promise<ssize_t> SendHeadOnly(int status, size_t body_bytes, Pistache::Http::ResponseWriter& writer) {
  std::ostringstream head;
  const auto code = static_cast<Pistache::Http::Code>(status);
  head << Pistache::Http::Version::Http11 << ' ' << status << ' ' << code << "\r\n";
  for (const auto& header : writer.headers().list()) {
    head << header->name() << ": ";
    header->write(head);
    head << "\r\n";
  }
  for (const auto& cookie : writer.cookies()) head << "Set-Cookie: " << cookie << "\r\n";
  head << "Content-Length: " << body_bytes << "\r\n\r\n";
  std::shared_ptr<Pistache::Tcp::Peer> peer = writer.getPeer();
  if (!peer) return Pistache::Async::Promise<ssize_t>::rejected(std::runtime_error("the client has gone"));
  peer->setIdle(true);  // as Pistache's own send does
  const std::string bytes = head.str();
  return peer->send(Pistache::RawBuffer(bytes, bytes.size()));
}

}  // namespace

Pistache::Async::Promise<ssize_t> Send(const HttpResponse& response, Pistache::Http::ResponseWriter& writer,
                                       bool keep_alive, bool head_only) {
  using Pistache::Http::Code;
  using Pistache::Http::ConnectionControl;
  using Pistache::Http::Mime::MediaType;
  // Pistache echoes the request's Connection header, or says Close without
  // one (even to HTTP/1.1, whose default is to keep the connection).
  writer.headers().remove<Pistache::Http::Header::Connection>();
  writer.headers().add<Pistache::Http::Header::Connection>(keep_alive ? ConnectionControl::KeepAlive
                                                                       : ConnectionControl::Close);
  for (const auto& [name, value] : response.headers) {
    writer.headers().add(std::make_shared<FixedHeader>(name, value));
  }
  for (const ResponseCookie& spec : response.cookies) {
    if (!IsSafeCookieText(spec.name) || !IsSafeCookieText(spec.value)) {
      throw std::invalid_argument("cookie contains a separator");
    }
    Pistache::Http::Cookie cookie(spec.name, spec.value);
    cookie.path = "/";
    cookie.maxAge = spec.max_age_seconds;
    cookie.secure = spec.secure;
    cookie.httpOnly = true;
    cookie.ext["SameSite"] = spec.same_site == "Lax" ? "Lax" : "Strict";
    writer.cookies().add(cookie);
  }
  if (head_only) {
    writer.setMime(MediaType::fromString(response.content_type));
    return SendHeadOnly(response.status, response.body.size(), writer);
  }
  return writer.send(static_cast<Code>(response.status), response.body,
                     MediaType::fromString(response.content_type));
}
#pragma GCC diagnostic pop

}  // namespace helpdex::server

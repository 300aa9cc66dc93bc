#include "http_response.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace helpdex::server {
namespace {

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
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
      {"Vary", "Accept-Language"},
  };
  return response;
}

HttpResponse ApiErrorResponse(const ApiError& error) {
  nlohmann::json detail = {{"code", WireName(error.code)}, {"message", error.message}};
  if (!error.parameter.empty()) detail["parameter"] = error.parameter;
  nlohmann::json body = {{"error", detail}};
  return JsonResponse(HttpStatus(error.code),
                      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void MarkPublicCacheable(HttpResponse& response) {
  response.headers.emplace_back("Cache-Control", "public, max-age=60");
}

void Send(const HttpResponse& response, Pistache::Http::ResponseWriter& writer) {
  using Pistache::Http::Code;
  using Pistache::Http::Mime::MediaType;
  for (const auto& [name, value] : response.headers) {
    writer.headers().add(std::make_shared<FixedHeader>(name, value));
  }
  writer.send(static_cast<Code>(response.status), response.body,
              MediaType::fromString(response.content_type));
}

}  // namespace helpdex::server

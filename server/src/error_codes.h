// File: error_codes.h
// The one table of error codes the server sends: code -> wire name -> HTTP
// status (conventions.md 2.7). API errors render it as
//   {"error": {"code": "query_too_long", "message": "...", "parameter": "q"}}
// and pages render it through templates/error.html.
#pragma once

#include <string>
#include <string_view>

#include "helpdex/search/error.h"

// HELPDEX_ERROR(enumerator, wire name, HTTP status, generic message)
#define HELPDEX_SERVER_ERRORS(HELPDEX_ERROR)                                           \
  HELPDEX_ERROR(kInvalidParameter, "invalid_parameter", 400, "A parameter is invalid.") \
  HELPDEX_ERROR(kQueryTooLong, "query_too_long", 400, "The query is too long.")         \
  HELPDEX_ERROR(kUnauthorized, "unauthorized", 401, "Credentials are missing or wrong.") \
  HELPDEX_ERROR(kForbidden, "forbidden", 403, "This request is not allowed.")            \
  HELPDEX_ERROR(kConflict, "conflict", 409, "This already exists.")                      \
  HELPDEX_ERROR(kRateLimited, "rate_limited", 429, "Too many attempts. Try again later.") \
  HELPDEX_ERROR(kNotFound, "not_found", 404, "Nothing was found at this address.")      \
  HELPDEX_ERROR(kInternal, "internal", 500, "Something went wrong on our side.")        \
  HELPDEX_ERROR(kIndexUnavailable, "index_unavailable", 503,                           \
                "Search is unavailable right now. Try again in a moment.")

namespace helpdex::server {

enum class ApiErrorCode {
#define HELPDEX_ENUMERATOR(name, wire, status, message) name,
  HELPDEX_SERVER_ERRORS(HELPDEX_ENUMERATOR)
#undef HELPDEX_ENUMERATOR
};

// "invalid_parameter", ...
std::string_view WireName(ApiErrorCode code);
// 400, 404, ...
int HttpStatus(ApiErrorCode code);
// A fixed sentence for a person, used when the detailed message must not be
// shown (internal errors) and as the page text.
std::string_view GenericMessage(ApiErrorCode code);

// The wire code for an error from the libraries.
ApiErrorCode ApiErrorCodeFor(ErrorCode code);

// An error as the server sends it. `parameter` is set for parameter errors.
struct ApiError {
  ApiErrorCode code = ApiErrorCode::kInternal;
  std::string message;
  std::string parameter;
};

// Converts a library error. The library's message is kept for 4xx codes (it
// names the parameter and the limit) and replaced by the generic sentence for
// 5xx codes, whose details belong in the log only.
ApiError ToApiError(const Error& error);

inline ApiError InvalidParameter(std::string parameter, std::string message) {
  return ApiError{ApiErrorCode::kInvalidParameter, std::move(message), std::move(parameter)};
}

}  // namespace helpdex::server

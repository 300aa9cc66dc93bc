// File: error_codes.h
// What the server adds to the one table of error codes
// (helpdex/search/error.h, which holds the codes and their wire names): the
// HTTP status of each code and a generic sentence (conventions.md 2.7). API
// errors render as
//   {"error": {"code": "query_too_long", "message": "...", "parameter": "q"}}
// and pages render them through templates/error.html.
#pragma once

#include <string>
#include <string_view>

#include "helpdex/search/error.h"

// HELPDEX_HTTP_ERROR(ErrorCode enumerator, HTTP status, generic message)
#define HELPDEX_HTTP_ERRORS(HELPDEX_HTTP_ERROR)                                         \
  HELPDEX_HTTP_ERROR(kInvalidInput, 400, "A parameter is invalid.")                     \
  HELPDEX_HTTP_ERROR(kQueryTooLong, 400, "The query is too long.")                      \
  HELPDEX_HTTP_ERROR(kUnauthorized, 401, "Credentials are missing or wrong.")           \
  HELPDEX_HTTP_ERROR(kForbidden, 403, "This request is not allowed.")                   \
  HELPDEX_HTTP_ERROR(kConflict, 409, "This already exists.")                            \
  HELPDEX_HTTP_ERROR(kRateLimited, 429, "Too many attempts. Try again later.")          \
  HELPDEX_HTTP_ERROR(kNotFound, 404, "Nothing was found at this address.")              \
  HELPDEX_HTTP_ERROR(kInternal, 500, "Something went wrong on our side.")               \
  HELPDEX_HTTP_ERROR(kIndexUnavailable, 503,                                            \
                     "Search is unavailable right now. Try again in a moment.")

namespace helpdex::server {

// 400, 404, ... (the wire name is helpdex::WireName(code))
int HttpStatus(ErrorCode code);
// A fixed sentence for a person, used when the detailed message must not be
// shown (internal errors) and as the page text.
std::string_view GenericMessage(ErrorCode code);

// An error as the server sends it. `parameter` is set for parameter errors.
struct ApiError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string parameter;
  // For 5xx: what really went wrong and where (the library error), for the
  // log line of the response, never for the client.
  std::string log_detail;
};

// Converts a library error. The library's message is kept for 4xx codes (it
// names the parameter and the limit) and replaced by the generic sentence for
// 5xx codes, whose details belong in the log only (ApiError::log_detail).
ApiError ToApiError(const Error& error);

inline ApiError InvalidParameter(std::string parameter, std::string message) {
  return ApiError{ErrorCode::kInvalidInput, std::move(message), std::move(parameter)};
}

}  // namespace helpdex::server

#include "helpdex/search/error.h"

namespace helpdex {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return "invalid_parameter";
    case ErrorCode::kQueryTooLong: return "query_too_long";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kUnauthorized: return "unauthorized";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kIndexUnavailable: return "index_unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  if (where.empty()) return message;
  return where + ": " + message;
}

}  // namespace helpdex

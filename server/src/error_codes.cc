#include "error_codes.h"

namespace helpdex::server {

std::string_view WireName(ApiErrorCode code) {
  switch (code) {
#define HELPDEX_CASE(name, wire, status, message) \
  case ApiErrorCode::name:                        \
    return wire;
    HELPDEX_SERVER_ERRORS(HELPDEX_CASE)
#undef HELPDEX_CASE
  }
  return "internal";
}

int HttpStatus(ApiErrorCode code) {
  switch (code) {
#define HELPDEX_CASE(name, wire, status, message) \
  case ApiErrorCode::name:                        \
    return status;
    HELPDEX_SERVER_ERRORS(HELPDEX_CASE)
#undef HELPDEX_CASE
  }
  return 500;
}

std::string_view GenericMessage(ApiErrorCode code) {
  switch (code) {
#define HELPDEX_CASE(name, wire, status, message) \
  case ApiErrorCode::name:                        \
    return message;
    HELPDEX_SERVER_ERRORS(HELPDEX_CASE)
#undef HELPDEX_CASE
  }
  return "Something went wrong on our side.";
}

ApiErrorCode ApiErrorCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return ApiErrorCode::kInvalidParameter;
    case ErrorCode::kQueryTooLong:
      return ApiErrorCode::kQueryTooLong;
    case ErrorCode::kNotFound:
      return ApiErrorCode::kNotFound;
    case ErrorCode::kUnauthorized:
      return ApiErrorCode::kUnauthorized;
    case ErrorCode::kForbidden:
      return ApiErrorCode::kForbidden;
    case ErrorCode::kConflict:
      return ApiErrorCode::kConflict;
    case ErrorCode::kRateLimited:
      return ApiErrorCode::kRateLimited;
    case ErrorCode::kIndexUnavailable:
      return ApiErrorCode::kIndexUnavailable;
    case ErrorCode::kInternal:
      return ApiErrorCode::kInternal;
  }
  return ApiErrorCode::kInternal;
}

ApiError ToApiError(const Error& error) {
  ApiError api_error;
  api_error.code = ApiErrorCodeFor(error.code);
  if (HttpStatus(api_error.code) >= 500) {
    api_error.message = std::string(GenericMessage(api_error.code));
    return api_error;
  }
  api_error.message = error.message.empty() ? std::string(GenericMessage(api_error.code))
                                            : error.message;
  bool about_a_parameter = api_error.code == ApiErrorCode::kInvalidParameter ||
                           api_error.code == ApiErrorCode::kQueryTooLong;
  if (about_a_parameter) api_error.parameter = error.where;
  return api_error;
}

}  // namespace helpdex::server

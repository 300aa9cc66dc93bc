#include "error_codes.h"

namespace helpdex::server {

int HttpStatus(ErrorCode code) {
  switch (code) {
#define HELPDEX_CASE(name, status, message) \
  case ErrorCode::name:                     \
    return status;
    HELPDEX_HTTP_ERRORS(HELPDEX_CASE)
#undef HELPDEX_CASE
  }
  return 500;
}

std::string_view GenericMessage(ErrorCode code) {
  switch (code) {
#define HELPDEX_CASE(name, status, message) \
  case ErrorCode::name:                     \
    return message;
    HELPDEX_HTTP_ERRORS(HELPDEX_CASE)
#undef HELPDEX_CASE
  }
  return "Something went wrong on our side.";
}

ApiError ToApiError(const Error& error) {
  ApiError api_error;
  api_error.code = error.code;
  if (HttpStatus(api_error.code) >= 500) {
    api_error.message = std::string(GenericMessage(api_error.code));
    api_error.log_detail = error.ToString();
    return api_error;
  }
  api_error.message = error.message.empty() ? std::string(GenericMessage(api_error.code))
                                            : error.message;
  bool about_a_parameter = api_error.code == ErrorCode::kInvalidInput ||
                           api_error.code == ErrorCode::kQueryTooLong;
  if (about_a_parameter) api_error.parameter = error.where;
  return api_error;
}

}  // namespace helpdex::server

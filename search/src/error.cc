#include "helpdex/search/error.h"

namespace helpdex {

std::string_view WireName(ErrorCode code) {
  switch (code) {
#define HELPDEX_CASE(name, wire) \
  case ErrorCode::name:          \
    return wire;
    HELPDEX_ERROR_CODES(HELPDEX_CASE)
#undef HELPDEX_CASE
  }
  return "internal";
}

std::string Error::ToString() const {
  if (where.empty()) return message;
  return where + ": " + message;
}

}  // namespace helpdex

// File: error.h
// Result<T> and Error: how every helpdex library reports an expected failure.
// An Error says what went wrong (a sentence for a person) and where (a file and
// line, a parameter, a front-matter field). Exceptions never cross a library
// boundary; they are caught inside and turned into an Error.
//
//   Result<Article> article = ParseArticle(path, bytes);
//   if (!article.ok()) std::cerr << article.error().ToString() << "\n";
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace helpdex {

// The one table of error codes: the enumerator and its wire name, the JSON
// `error.code` of the HTTP API (design.md), which never changes. The server
// adds an HTTP status per code (server/src/error_codes.h).
//
// HELPDEX_ERROR(enumerator, wire name)
#define HELPDEX_ERROR_CODES(HELPDEX_ERROR)                                                            \
  HELPDEX_ERROR(kInvalidInput, "invalid_parameter")   /* bad content, bad parameter; the caller can fix it */ \
  HELPDEX_ERROR(kQueryTooLong, "query_too_long")      /* a query over the byte limit */                  \
  HELPDEX_ERROR(kNotFound, "not_found")               /* no such article or document */                  \
  HELPDEX_ERROR(kUnauthorized, "unauthorized")        /* missing or wrong credentials */                 \
  HELPDEX_ERROR(kForbidden, "forbidden")              /* credentials fine, request not allowed (CSRF, origin) */ \
  HELPDEX_ERROR(kConflict, "conflict")                /* the thing already exists (an agent name) */     \
  HELPDEX_ERROR(kRateLimited, "rate_limited")         /* too many attempts; try again later */           \
  HELPDEX_ERROR(kIndexUnavailable, "index_unavailable") /* the index cannot be opened or read right now */ \
  HELPDEX_ERROR(kInternal, "internal")                /* a bug or an unexpected library failure */

enum class ErrorCode {
#define HELPDEX_ENUMERATOR(name, wire) name,
  HELPDEX_ERROR_CODES(HELPDEX_ENUMERATOR)
#undef HELPDEX_ENUMERATOR
};

// The code's wire name ("invalid_parameter" for kInvalidInput).
std::string_view WireName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // a sentence for a person, no library exception text
  std::string where;    // "content/tr/site-slow.md:4", "q", "front matter field 'lang'"

  // "where: message", or just the message when `where` is empty.
  std::string ToString() const;
};

// A value or an Error. GCC 12 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Error error) : state_(std::move(error)) {}      // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const Error& error() const { return std::get<Error>(state_); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace helpdex

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
#include <utility>
#include <variant>

namespace helpdex {

enum class ErrorCode {
  kInvalidInput,      // bad content, bad parameter; the caller can fix it
  kQueryTooLong,      // a query over the byte limit
  kNotFound,          // no such article or document
  kUnauthorized,      // missing or wrong credentials
  kForbidden,         // credentials are fine but the request is not allowed (CSRF, origin)
  kConflict,          // the thing already exists (an agent name)
  kRateLimited,       // too many attempts; try again later
  kIndexUnavailable,  // the index cannot be opened or read right now
  kInternal,          // a bug or an unexpected library failure
};

// Stable snake_case name of a code, as used on the wire ("invalid_parameter").
std::string_view ErrorCodeName(ErrorCode code);

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

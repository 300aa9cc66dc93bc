// File: text.h
// The byte-level text helpers that every library needs and none should copy:
// trimming, UTF-8 validation, percent-encoding and hex. No ICU and no locale
// (std::isalnum and std::isspace would depend on it): the same bytes in give
// the same bytes out, in the indexer, the searcher, the stores and the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace helpdex::search {

// ASCII whitespace: what std::isspace accepts in the "C" locale.
inline constexpr std::string_view kAsciiWhitespace = " \t\n\r\f\v";
// The optional whitespace around HTTP header and parameter values
// (RFC 9110 section 5.6.3: spaces and horizontal tabs only).
inline constexpr std::string_view kHttpWhitespace = " \t";

// `text` without leading and trailing characters from `whitespace`: a view
// into `text`, so copy it before `text` goes away.
std::string_view Trim(std::string_view text, std::string_view whitespace = kAsciiWhitespace);

// True for well-formed UTF-8 (no overlongs, surrogates or code points past
// U+10FFFF). NUL is valid UTF-8: callers that refuse it check for it.
bool IsValidUtf8(std::string_view text);

// What PercentDecode() makes of '+': itself (RFC 3986), or a space, as in
// application/x-www-form-urlencoded bodies and the query strings browsers send.
enum class Plus { kLiteral, kSpace };

// Decodes %XX escapes (hex digits in either case). nullopt for a malformed
// escape ("%4", "%zz"). The result may hold any bytes, NUL and invalid UTF-8
// included: checking them is the caller's job, because only it can say where.
std::optional<std::string> PercentDecode(std::string_view encoded, Plus plus);

// Percent-encodes every byte but RFC 3986's unreserved characters
// (A-Z a-z 0-9 - _ . ~), with upper-case hex digits: safe as a query value
// and as a path segment ("a b/ç" -> "a%20b%2F%C3%A7").
std::string PercentEncode(std::string_view text);

// Each byte as two lower-case hex digits ("\x01\xab" -> "01ab"): tokens and
// digests in cookies, URLs and SQLite.
std::string HexEncode(std::string_view bytes);

}  // namespace helpdex::search

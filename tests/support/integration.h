// Test helpers shared by the integration tests (the real server over HTTP).
#pragma once

#include <stdlib.h>

#include <cctype>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>

namespace helpdex::testing {

// Percent-encodes everything but RFC 3986 unreserved characters, for query
// values sent with cpp-httplib's own URL encoding switched off.
inline std::string Encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return encoded;
}

// An application/x-www-form-urlencoded body of these fields, in order.
inline std::string FormBody(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += Encode(name) + "=" + Encode(value);
  }
  return body;
}

// The value a response's Set-Cookie gives cookie `name` ("" when none), and
// the whole header line in `line` when given.
inline std::string SetCookieValue(const httplib::Response& response, const std::string& name,
                                  std::string* line = nullptr) {
  auto [begin, end] = response.headers.equal_range("Set-Cookie");
  for (auto it = begin; it != end; ++it) {
    const std::string& value = it->second;
    if (value.rfind(name + "=", 0) != 0) continue;
    if (line != nullptr) *line = value;
    const size_t start = name.size() + 1;
    return value.substr(start, value.find(';') - start);
  }
  return "";
}

// A new empty directory under the system temp directory; the caller removes it.
inline std::filesystem::path MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  return std::filesystem::path(made);
}

}  // namespace helpdex::testing

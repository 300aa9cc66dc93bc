// Test helpers shared by the integration tests (the real server over HTTP).
#pragma once

#include <stdlib.h>

#include <cctype>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

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

// A new empty directory under the system temp directory; the caller removes it.
inline std::filesystem::path MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  return std::filesystem::path(made);
}

}  // namespace helpdex::testing

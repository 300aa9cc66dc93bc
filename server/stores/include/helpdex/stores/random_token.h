// Random tokens for cookies and forms (visit ids, sign-in form tokens).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace helpdex::stores {

// `bytes` bytes from OpenSSL's CSPRNG as lower-case hex (2 × bytes digits);
// nullopt when the generator fails.
std::optional<std::string> RandomHex(size_t bytes);

}  // namespace helpdex::stores

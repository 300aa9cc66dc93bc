#include "helpdex/stores/random_token.h"

#include <openssl/rand.h>

#include <vector>

#include "helpdex/search/text.h"

namespace helpdex::stores {

std::optional<std::string> RandomHex(size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) return std::nullopt;
  return search::HexEncode(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
}

}  // namespace helpdex::stores

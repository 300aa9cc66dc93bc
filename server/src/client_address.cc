#include "helpdex/server/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace helpdex::server {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool Trusted(std::string_view address, const std::vector<std::string>& trusted_proxies) {
  return std::find(trusted_proxies.begin(), trusted_proxies.end(), address) != trusted_proxies.end();
}

}  // namespace

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  if (!Trusted(peer, trusted_proxies) || Trim(forwarded_for).empty()) return std::string(peer);
  std::vector<std::string_view> entries;
  for (size_t start = 0; start <= forwarded_for.size();) {
    const size_t comma = std::min(forwarded_for.find(',', start), forwarded_for.size());
    const std::string_view entry = Trim(forwarded_for.substr(start, comma - start));
    if (!entry.empty()) entries.push_back(entry);
    start = comma + 1;
  }
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (!Trusted(*it, trusted_proxies)) return std::string(*it);
  }
  return entries.empty() ? std::string(peer) : std::string(entries.front());
}

std::string AddressRange(std::string_view address) {
  const std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    const auto* b = reinterpret_cast<const unsigned char*>(&v4.s_addr);
    char range[32];
    std::snprintf(range, sizeof range, "%u.%u.%u.0/24", b[0], b[1], b[2]);
    return range;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return "";
  const unsigned char* b = v6.s6_addr;
  static constexpr std::array<unsigned char, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), b)) {
    char range[32];
    std::snprintf(range, sizeof range, "%u.%u.%u.0/24", b[12], b[13], b[14]);
    return range;
  }
  char range[48];
  std::snprintf(range, sizeof range, "%x:%x:%x::/48", (b[0] << 8) | b[1], (b[2] << 8) | b[3], (b[4] << 8) | b[5]);
  return range;
}

}  // namespace helpdex::server

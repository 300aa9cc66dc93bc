// File: client_address.h
// Who a request comes from, for the limits that are per client (sign-in
// attempts, analytics votes): the peer's address, or behind a reverse proxy
// the operator trusts (`serve --trusted-proxy ADDR`), the address that proxy
// says it forwarded for. A client can write any X-Forwarded-For header; only
// the entries a trusted proxy appended are believed.
//
//   ClientAddress("10.0.0.2", "198.51.100.7, 10.0.0.2", {"10.0.0.2"}) == "198.51.100.7"
//   AddressRange("198.51.100.7") == "198.51.100.0/24"
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace helpdex::server {

// `peer` when it is not in `trusted_proxies` (or no X-Forwarded-For came);
// else the rightmost X-Forwarded-For entry that is not a trusted proxy (the
// leftmost when every entry is one). Entries are trimmed; a port or brackets
// around IPv6 are not expected (proxies write bare addresses).
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

// The address range one household, office or attacker's machine usually has:
// an IPv4 address's /24 ("198.51.100.0/24"), an IPv6 address's /48
// ("2001:db8:1::/48", an IPv4-mapped IPv6 address as IPv4); "" when `address`
// is neither.
std::string AddressRange(std::string_view address);

}  // namespace helpdex::server

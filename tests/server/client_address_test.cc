// Unit tests for helpdex/server/client_address.h: whom a request comes from
// behind (or not behind) a trusted reverse proxy, and the range that bounds
// per-client limits.
#include "helpdex/server/client_address.h"

#include <gtest/gtest.h>

namespace helpdex::server {
namespace {

TEST(ClientAddressTest, WithoutATrustedProxyThePeerIsTheClientWhateverTheHeaderSays) {
  EXPECT_EQ(ClientAddress("198.51.100.7", "", {}), "198.51.100.7");
  // Anyone can send X-Forwarded-For: from an untrusted peer it is ignored.
  EXPECT_EQ(ClientAddress("198.51.100.7", "203.0.113.9", {}), "198.51.100.7");
  EXPECT_EQ(ClientAddress("198.51.100.7", "203.0.113.9", {"10.0.0.2"}), "198.51.100.7");
}

TEST(ClientAddressTest, BehindATrustedProxyTheRightmostUntrustedEntryIsTheClient) {
  const std::vector<std::string> proxies{"10.0.0.2", "10.0.0.3"};
  EXPECT_EQ(ClientAddress("10.0.0.2", "198.51.100.7", proxies), "198.51.100.7");
  // A client's own forged entry stays on the left: the proxy's appended one counts.
  EXPECT_EQ(ClientAddress("10.0.0.2", "1.2.3.4, 198.51.100.7", proxies), "198.51.100.7");
  // Through two trusted proxies.
  EXPECT_EQ(ClientAddress("10.0.0.2", "198.51.100.7 , 10.0.0.3", proxies), "198.51.100.7");
  // Only proxies named: the leftmost; no header: the proxy itself.
  EXPECT_EQ(ClientAddress("10.0.0.2", "10.0.0.3", proxies), "10.0.0.3");
  EXPECT_EQ(ClientAddress("10.0.0.2", " ", proxies), "10.0.0.2");
}

TEST(ClientAddressTest, RangesAreSlash24AndSlash48) {
  EXPECT_EQ(AddressRange("198.51.100.7"), "198.51.100.0/24");
  EXPECT_EQ(AddressRange("198.51.100.250"), "198.51.100.0/24");
  EXPECT_EQ(AddressRange("127.0.0.1"), "127.0.0.0/24");
  EXPECT_EQ(AddressRange("2001:db8:1:2::7"), "2001:db8:1::/48");
  EXPECT_EQ(AddressRange("2001:db8:1:ffff::1"), "2001:db8:1::/48");
  EXPECT_EQ(AddressRange("::ffff:198.51.100.7"), "198.51.100.0/24");
  EXPECT_EQ(AddressRange("not an address"), "");
  EXPECT_EQ(AddressRange(""), "");
}

}  // namespace
}  // namespace helpdex::server

// Unit tests for helpdex/search/error.h: the wire names of the error codes are
// the JSON `error.code` strings of the HTTP API (design.md) and never change.
#include "helpdex/search/error.h"

#include <gtest/gtest.h>

namespace helpdex {
namespace {

TEST(ErrorCodeTest, WireNamesAreTheApiCodes) {
  EXPECT_EQ(WireName(ErrorCode::kInvalidInput), "invalid_parameter");
  EXPECT_EQ(WireName(ErrorCode::kQueryTooLong), "query_too_long");
  EXPECT_EQ(WireName(ErrorCode::kNotFound), "not_found");
  EXPECT_EQ(WireName(ErrorCode::kUnauthorized), "unauthorized");
  EXPECT_EQ(WireName(ErrorCode::kForbidden), "forbidden");
  EXPECT_EQ(WireName(ErrorCode::kConflict), "conflict");
  EXPECT_EQ(WireName(ErrorCode::kRateLimited), "rate_limited");
  EXPECT_EQ(WireName(ErrorCode::kIndexUnavailable), "index_unavailable");
  EXPECT_EQ(WireName(ErrorCode::kInternal), "internal");
}

TEST(ErrorCodeTest, ToStringPutsWhereFirst) {
  EXPECT_EQ((Error{ErrorCode::kInvalidInput, "unknown language 'tk'", "content/tr/a.md:4"}).ToString(),
            "content/tr/a.md:4: unknown language 'tk'");
  EXPECT_EQ((Error{ErrorCode::kInternal, "boom", ""}).ToString(), "boom");
}

}  // namespace
}  // namespace helpdex

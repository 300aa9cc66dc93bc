// A test suite whose tests share one expensive set-up (an index built once
// in SetUpTestSuite) and all fail when it fails. gtest turns an ASSERT or an
// exception in SetUpTestSuite into "[  SKIPPED ]" for every test, and ctest
// (gtest_discover_tests' SKIP_REGULAR_EXPRESSION) counts a skip as a pass;
// CMake 3.25 cannot take that expression back (ctest appends to the list).
//
//   class GapReportTest : public SharedSetUpTest<GapReportTest> {
//    public:
//     // "" when everything is ready, else what went wrong; may throw.
//     static std::string BuildSharedState() { ...; return ""; }
//   };
#pragma once

#include <exception>
#include <string>

#include <gtest/gtest.h>

namespace helpdex {

template <class Suite>
class SharedSetUpTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    try {
      set_up_error_ = Suite::BuildSharedState();
    } catch (const std::exception& e) {
      set_up_error_ = e.what();
    }
  }

 protected:
  void SetUp() override {
    if (!set_up_error_.empty()) GTEST_FAIL() << "the suite's set-up failed: " << set_up_error_;
  }

 private:
  inline static std::string set_up_error_;
};

}  // namespace helpdex

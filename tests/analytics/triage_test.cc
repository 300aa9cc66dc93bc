// The writers' triage of the gap report: the store (DATA/triage.db, SQLite in
// a temporary folder) and the rule that decides when a dismissed or done
// topic comes back (analytics/triage.h).
#include "helpdex/analytics/triage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "helpdex/analytics/gap_format.h"
#include "helpdex/stores/gap_triage.h"

namespace helpdex::analytics {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int64_t kNow = 1796313600000;  // 2026-12-03

class TriageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("helpdex-triage-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static SearchGap Gap(const std::string& query, int visits) {
    SearchGap gap;
    gap.query = query;
    gap.visits = visits;
    return gap;
  }

  fs::path dir_;
};

TEST_F(TriageTest, TheStoreKeepsTriageAcrossOpensAndUndoesIt) {
  {
    auto store = stores::GapTriageStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    ASSERT_TRUE((*store)->Set({.kind = "search", .key = "reset password", .state = stores::TriageState::kDismissed,
                               .visits = 12, .at_ms = kNow, .agent = "kari"})
                    .ok());
    ASSERT_TRUE((*store)->Set({.kind = "search", .key = "vpn", .state = stores::TriageState::kDone, .visits = 4,
                               .at_ms = kNow - 1, .agent = "ole"})
                    .ok());
    // Triaged again: the row is replaced, not doubled.
    ASSERT_TRUE((*store)->Set({.kind = "search", .key = "vpn", .state = stores::TriageState::kDismissed, .visits = 5,
                               .at_ms = kNow - 2, .agent = "ole"})
                    .ok());
  }
  auto reader = stores::GapTriageStore::OpenReadOnly(dir_.string());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  auto entries = (*reader)->All();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].key, "reset password");
  EXPECT_EQ((*entries)[0].agent, "kari");
  EXPECT_EQ((*entries)[0].visits, 12);
  EXPECT_EQ((*entries)[1].key, "vpn");
  EXPECT_EQ((*entries)[1].state, stores::TriageState::kDismissed);
  EXPECT_EQ((*entries)[1].visits, 5);
  // The command line never writes.
  EXPECT_FALSE((*reader)->Set({.kind = "search", .key = "x"}).ok());

  auto store = stores::GapTriageStore::Open(dir_.string());
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(*(*store)->Clear("search", "vpn"));
  EXPECT_FALSE(*(*store)->Clear("search", "vpn"));
  EXPECT_EQ((*store)->All()->size(), 1u);
}

TEST_F(TriageTest, AReadOnlyStoreWithoutAFileIsEmptyAndCreatesNothing) {
  auto reader = stores::GapTriageStore::OpenReadOnly(dir_.string());
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_TRUE((*reader)->All()->empty());
  EXPECT_FALSE(fs::exists(dir_ / "triage.db"));
}

TEST_F(TriageTest, TheStoreRefusesAnEmptyOrOversizedKeyNamingIt) {
  auto store = stores::GapTriageStore::Open(dir_.string());
  ASSERT_TRUE(store.ok());
  Result<bool> empty = (*store)->Set({.kind = "search", .key = ""});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(empty.error().where, "key");
  EXPECT_FALSE((*store)->Set({.kind = "search", .key = std::string(2000, 'a')}).ok());
  EXPECT_FALSE((*store)->Set({.kind = "search", .key = "\xC0\xAF"}).ok());
}

TEST_F(TriageTest, ATriagedTopicStaysHiddenUntilItsVisitsGrowOrItExpires) {
  GapReport report;
  report.searches = {Gap("Reset Password", 12), Gap("vpn drops", 9), Gap("export csv", 7), Gap("dark mode", 3)};
  const std::vector<stores::TriageEntry> entries = {
      // Hidden: as many visits as when dismissed (the key is the folded wording).
      {.kind = "search", .key = "reset password", .state = stores::TriageState::kDismissed, .visits = 12,
       .at_ms = kNow - kDayMs, .agent = "kari"},
      // Back: more visits than when it was marked done.
      {.kind = "search", .key = "vpn drops", .state = stores::TriageState::kDone, .visits = 5, .at_ms = kNow - kDayMs},
      // Back: dismissed more than kTriageExpiryDays ago.
      {.kind = "search", .key = "export csv", .state = stores::TriageState::kDismissed, .visits = 30,
       .at_ms = kNow - (kTriageExpiryDays + 1) * kDayMs},
      // Another kind is not a search topic.
      {.kind = "ticket", .key = "dark mode", .visits = 99, .at_ms = kNow},
  };
  ApplyTriage(report, entries, kNow);
  ASSERT_EQ(report.searches.size(), 3u);
  EXPECT_EQ(report.searches[0].query, "vpn drops");
  EXPECT_EQ(report.searches[1].query, "export csv");
  EXPECT_EQ(report.searches[2].query, "dark mode");
  ASSERT_EQ(report.hidden_by_triage.size(), 1u);
  EXPECT_EQ(report.hidden_by_triage[0].query, "Reset Password");
  EXPECT_EQ(report.hidden_by_triage[0].triage.agent, "kari");
  EXPECT_EQ(report.returned_after_triage, (std::vector<std::string>{"vpn drops", "export csv"}));

  // The JSON keeps every field it had and adds the triage.
  const std::string json = GapReportJson(report);
  EXPECT_NE(json.find("\"triage_key\":\"vpn drops\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"hidden\":[{"), std::string::npos) << json;
  EXPECT_NE(json.find("\"state\":\"dismissed\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"expected_tickets\""), std::string::npos) << json;
}

}  // namespace
}  // namespace helpdex::analytics

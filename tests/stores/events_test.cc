// EventStore and ContactStore against real SQLite files in a temporary
// folder: what is stored (redacted, collapsed, capped), what survives a stop,
// and when a search becomes a completion for everyone.
#include "helpdex/stores/events.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "helpdex/stores/contact.h"

namespace helpdex::stores {
namespace {

namespace fs = std::filesystem;

// Distinct, valid visit ids that a test can name: Visit(1) is always the same.
std::string Visit(int n) {
  std::string suffix = std::to_string(n);
  return std::string(32 - suffix.size(), 'a') + suffix;
}

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("helpdex-events-test-" + std::to_string(::getpid()) + "-" + test_name);
    fs::remove_all(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<EventStore> Open(EventStoreOptions options = {}) {
    Result<std::unique_ptr<EventStore>> store = EventStore::Open(dir_.string(), options);
    if (!store.ok()) {
      ADD_FAILURE() << store.error().ToString();
      return nullptr;
    }
    return std::move(store).value();
  }

  std::vector<StoredEvent> ReadAll(EventStore& store, std::optional<EventType> type = std::nullopt) {
    store.Flush();
    Result<std::vector<StoredEvent>> events = store.Read(type);
    EXPECT_TRUE(events.ok()) << events.error().ToString();
    return events.ok() ? *events : std::vector<StoredEvent>{};
  }

  fs::path dir_;
};

// A full disk (here: events.db bounded to 64 KiB, which SQLite refuses to grow
// past exactly as it refuses a full disk) loses events, but never silently:
// every lost event is counted and reported with SQLite's reason.
TEST_F(EventStoreTest, AFullFileCountsAndReportsEveryLostEvent) {
  std::mutex mutex;
  std::vector<EventWriteFailure> failures;
  EventStoreOptions options;
  options.max_file_bytes = 64 * 1024;
  options.on_write_failure = [&](const EventWriteFailure& failure) {
    std::lock_guard lock(mutex);
    failures.push_back(failure);
  };
  std::unique_ptr<EventStore> store = Open(options);
  const std::string long_query(900, 'q');
  constexpr int kEvents = 400;  // 360 KB of queries: far past the bound
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_TRUE(store->Record({.type = EventType::kSearch, .visit = Visit(i), .query = long_query + std::to_string(i)}));
  }
  store->Flush();
  const EventStoreStats stats = store->stats();
  EXPECT_EQ(stats.recorded, static_cast<uint64_t>(kEvents));
  EXPECT_GT(stats.written, 0u);
  EXPECT_GT(stats.failed, 0u);
  EXPECT_EQ(stats.written + stats.failed, static_cast<uint64_t>(kEvents)) << "every event is stored or counted";
  uint64_t reported = 0;
  {
    std::lock_guard lock(mutex);
    ASSERT_FALSE(failures.empty());
    for (const EventWriteFailure& failure : failures) {
      reported += failure.events_lost;
      EXPECT_NE(failure.error.find("full"), std::string::npos) << failure.error;
    }
  }
  EXPECT_EQ(reported, stats.failed);
  // What was stored can be read.
  Result<std::vector<StoredEvent>> stored = store->Read(EventType::kSearch);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), stats.written);
}

// Garbage in the middle of events.db is found when the store opens (PRAGMA
// quick_check), for the server and for the command line, with the repair.
TEST_F(EventStoreTest, ADamagedFileIsRefusedAtOpenNamingTheRepair) {
  {
    std::unique_ptr<EventStore> store = Open();
    for (int i = 0; i < 3000; ++i) {
      store->Record({.type = EventType::kSearch, .visit = Visit(i % 100), .query = "reset password " + std::to_string(i)});
      if (i % 500 == 499) store->Flush();
    }
    store->Flush();
  }
  const fs::path file = dir_ / "events.db";
  ASSERT_FALSE(fs::exists(dir_ / "events.db-wal") && fs::file_size(dir_ / "events.db-wal") > 0)
      << "the last connection checkpoints the log into the file";
  const uintmax_t size = fs::file_size(file);
  ASSERT_GT(size, 8u * 4096u);
  {
    std::fstream damage(file, std::ios::in | std::ios::out | std::ios::binary);
    damage.seekp(static_cast<std::streamoff>((size / 4096 / 2) * 4096));
    const std::string garbage(4096, '\x5a');
    damage.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  Result<std::unique_ptr<EventStore>> reopened = EventStore::Open(dir_.string());
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.error().message.find("damaged"), std::string::npos) << reopened.error().ToString();
  EXPECT_NE(reopened.error().message.find("mv " + file.string()), std::string::npos) << reopened.error().ToString();
  EXPECT_EQ(reopened.error().where, file.string());
  Result<std::unique_ptr<EventLog>> log = EventLog::Open(dir_.string());
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.error().message.find("damaged"), std::string::npos) << log.error().ToString();

  // The documented repair: move it aside, start again with an empty store.
  fs::rename(file, dir_ / "events.db.damaged");
  EXPECT_TRUE(EventStore::Open(dir_.string()).ok());
}

TEST(VisitIdTest, NewIdsAreValidAndDistinct) {
  const std::string a = NewVisitId();
  const std::string b = NewVisitId();
  EXPECT_TRUE(IsValidVisitId(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(IsValidVisitId(""));
  EXPECT_FALSE(IsValidVisitId("not-a-visit"));
  EXPECT_FALSE(IsValidVisitId(a + "0"));
  EXPECT_FALSE(IsValidVisitId("ABCDEF0123456789ABCDEF0123456789"));  // upper case is not ours
}

TEST(CrawlerTest, KnownRobotsAreRecognisedAndBrowsersAreNot) {
  for (const char* robot : {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                            "Mozilla/5.0 (compatible; bingbot/2.0)", "facebookexternalhit/1.1",
                            "Mozilla/5.0 (compatible; YandexBot/3.0)", "Slurp", "python-requests/2.31",
                            "Wget/1.21", "UptimeRobot/2.0"}) {
    EXPECT_TRUE(IsKnownCrawler(robot)) << robot;
  }
  for (const char* person : {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0",
                             "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1", ""}) {
    EXPECT_FALSE(IsKnownCrawler(person)) << person;
  }
}

TEST(EventTypeTest, NamesRoundTrip) {
  for (EventType type : {EventType::kSearch, EventType::kSuggestShown, EventType::kSuggestOpened,
                         EventType::kAnswered, EventType::kResultClicked, EventType::kContactSubmitted}) {
    EXPECT_EQ(ParseEventType(EventTypeName(type)), type);
  }
  EXPECT_FALSE(ParseEventType("SEARCH"));
}

TEST_F(EventStoreTest, RecordsEventsWithTheirFields) {
  auto store = Open();
  ASSERT_TRUE(store);
  const std::string visit = Visit(1);
  EXPECT_TRUE(store->Record({.type = EventType::kSearch, .visit = visit, .query = "reset password",
                             .language = "en", .shown = {"en-a", "en-b"}, .results = 2}));
  EXPECT_TRUE(store->Record({.type = EventType::kAnswered, .visit = visit, .query = "reset password",
                             .language = "en", .article = "en-a"}));
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.type, EventType::kSearch);
  EXPECT_EQ(events[0].event.query, "reset password");
  EXPECT_EQ(events[0].event.shown, (std::vector<std::string>{"en-a", "en-b"}));
  EXPECT_EQ(events[0].event.results, 2);
  EXPECT_GT(events[0].event.at_ms, 0);
  EXPECT_EQ(events[1].event.type, EventType::kAnswered);
  EXPECT_EQ(events[1].event.article, "en-a");
  EXPECT_EQ(ReadAll(*store, EventType::kAnswered).size(), 1u);
}

TEST_F(EventStoreTest, RefusesEventsWithoutAValidVisit) {
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->Record({.type = EventType::kSearch, .visit = "", .query = "x"}));
  EXPECT_FALSE(store->Record({.type = EventType::kSearch, .visit = "'; DROP TABLE events; --", .query = "x"}));
  EXPECT_TRUE(ReadAll(*store).empty());
}

TEST_F(EventStoreTest, QueriesAreRedactedBeforeTheyAreStored) {
  auto store = Open();
  ASSERT_TRUE(store);
  store->Record({.type = EventType::kSearch, .visit = Visit(1),
                 .query = "refund to kari.nordmann@example.no card 4111 1111 1111 1111", .language = "nb"});
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.query.find("example.no"), std::string::npos) << events[0].event.query;
  EXPECT_EQ(events[0].event.query.find("4111"), std::string::npos) << events[0].event.query;
  EXPECT_NE(events[0].event.query.find("[email]"), std::string::npos) << events[0].event.query;
  EXPECT_NE(events[0].event.query.find("refund"), std::string::npos);
}

TEST_F(EventStoreTest, KeystrokesOfOneSearchBecomeOneEvent) {
  auto store = Open();
  ASSERT_TRUE(store);
  const std::string visit = Visit(1);
  for (const char* typed : {"res", "rese", "reset my pas", "reset my pasw", "reset my passw", "reset my password"}) {
    store->Record({.type = EventType::kSuggestShown, .visit = visit, .query = typed, .language = "en",
                   .shown = {"en-reset"}});
  }
  // Another search of the same visit, and the same keystrokes from another visit.
  store->Record({.type = EventType::kSuggestShown, .visit = visit, .query = "invoice address", .language = "en"});
  store->Record({.type = EventType::kSuggestShown, .visit = Visit(2), .query = "reset", .language = "en"});
  std::vector<StoredEvent> events = ReadAll(*store, EventType::kSuggestShown);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.query, "reset my password");  // the last state of the search
  EXPECT_EQ(events[1].event.query, "invoice address");
  EXPECT_EQ(events[2].event.query, "reset");
}

TEST_F(EventStoreTest, KeystrokesFarApartAreSeparateSearches) {
  auto store = Open({.intent_window = std::chrono::milliseconds(1000)});
  ASSERT_TRUE(store);
  const std::string visit = Visit(1);
  // Recent times: older raw events would expire (keep_events).
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  store->Record({.type = EventType::kSuggestShown, .visit = visit, .query = "reset", .at_ms = now - 10000});
  store->Record({.type = EventType::kSuggestShown, .visit = visit, .query = "reset password", .at_ms = now - 5000});
  EXPECT_EQ(ReadAll(*store).size(), 2u);
}

TEST_F(EventStoreTest, AFloodFromOneVisitIsCapped) {
  auto store = Open({.max_events_per_visit_per_minute = 50});
  ASSERT_TRUE(store);
  const std::string flood = Visit(1);
  for (int i = 0; i < 2000; ++i) {
    store->Record({.type = EventType::kSearch, .visit = flood, .query = "free money " + std::to_string(i)});
  }
  store->Record({.type = EventType::kSearch, .visit = Visit(2), .query = "a real question"});
  std::vector<StoredEvent> events = ReadAll(*store);
  EXPECT_EQ(events.size(), 51u);  // 50 from the flood, and the other visit's search
  EXPECT_EQ(events.back().event.query, "a real question");
  EXPECT_EQ(store->stats().rate_limited, 1950u);
}

TEST_F(EventStoreTest, AStopWritesEverythingQueued) {
  {
    auto store = Open({.flush_interval = std::chrono::milliseconds(60000)});
    ASSERT_TRUE(store);
    for (int i = 0; i < 100; ++i) {
      store->Record({.type = EventType::kSearch, .visit = Visit(i), .query = "q" + std::to_string(i)});
    }
  }  // the destructor, as on SIGTERM
  auto reopened = Open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(ReadAll(*reopened).size(), 100u);
}

TEST_F(EventStoreTest, RawEventsExpireButAnsweredSearchesStay) {
  auto store = Open({.past_search_min_visits = 1, .keep_events = std::chrono::hours(24)});
  ASSERT_TRUE(store);
  constexpr int64_t kDay = 24 * 60 * 60 * 1000;
  const int64_t now = 1800000000000;
  store->Record({.type = EventType::kSearch, .visit = Visit(1), .query = "old answered search", .language = "en",
                 .at_ms = now - 3 * kDay});
  store->Record({.type = EventType::kAnswered, .visit = Visit(1), .query = "old answered search", .language = "en",
                 .article = "en-a", .at_ms = now - 3 * kDay});
  store->Record({.type = EventType::kSearch, .visit = Visit(2), .query = "recent", .at_ms = now - kDay / 2});
  store->Flush();
  Result<int64_t> deleted = store->ExpireEvents(now);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.query, "recent");
  store.reset();
  auto reopened = Open({.past_search_min_visits = 1, .keep_events = std::chrono::hours(24)});
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->past_searches()->Complete("old", Language::kEnglish, 5),
            std::vector<std::string>{"old answered search"});
}

// The issue-14 bug: `helpdex events|messages|gaps` opened the server's
// store with its defaults and deleted all but 90 days of a server that keeps
// ten years. The read-only log keeps every event and reads by type, time and visit.
TEST_F(EventStoreTest, TheReadOnlyLogKeepsEveryEventTheServerKeeps) {
  constexpr int64_t kDay = 24 * 60 * 60 * 1000;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  {
    auto store = Open({.keep_events = std::chrono::hours(24 * 3650)});
    ASSERT_TRUE(store);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(store->Record({.type = EventType::kSearch, .visit = Visit(i), .query = "old search " + std::to_string(i),
                                 .at_ms = now - 200 * kDay}));
    }
    ASSERT_TRUE(store->Record({.type = EventType::kResultClicked, .visit = Visit(1), .query = "old search 1",
                               .article = "en-a", .at_ms = now - 200 * kDay + 1000}));
    ASSERT_TRUE(store->Record({.type = EventType::kSearch, .visit = Visit(9), .query = "new", .at_ms = now - kDay}));
  }
  for (int reading = 0; reading < 2; ++reading) {  // reading twice deletes nothing either
    Result<std::unique_ptr<EventLog>> log = EventLog::Open(dir_.string());
    ASSERT_TRUE(log.ok()) << log.error().ToString();
    Result<std::vector<StoredEvent>> all = (*log)->Read();
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 7u);
    Result<std::vector<StoredEvent>> searches = (*log)->Read({.type = EventType::kSearch});
    ASSERT_TRUE(searches.ok());
    EXPECT_EQ(searches->size(), 6u);
    Result<std::vector<StoredEvent>> recent = (*log)->Read({.since_ms = now - 2 * kDay});
    ASSERT_TRUE(recent.ok());
    ASSERT_EQ(recent->size(), 1u);
    EXPECT_EQ((*recent)[0].event.query, "new");
    Result<std::vector<StoredEvent>> visit = (*log)->Read({.visit = Visit(1)});
    ASSERT_TRUE(visit.ok());
    ASSERT_EQ(visit->size(), 2u);
    EXPECT_EQ((*visit)[1].event.type, EventType::kResultClicked);
  }
}

TEST_F(EventStoreTest, TheReadOnlyLogOfANewDataFolderIsEmptyAndCreatesNothing) {
  Result<std::unique_ptr<EventLog>> log = EventLog::Open(dir_.string());
  ASSERT_TRUE(log.ok()) << log.error().ToString();
  Result<std::vector<StoredEvent>> all = (*log)->Read();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
  EXPECT_FALSE(fs::exists(dir_ / "events.db"));
}

TEST_F(EventStoreTest, TheDatabaseIsPrivate) {
  auto store = Open();
  ASSERT_TRUE(store);
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "events.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST_F(EventStoreTest, ASearchBecomesACompletionAfterEnoughDistinctVisits) {
  auto store = Open({.past_search_min_visits = 3});
  ASSERT_TRUE(store);
  auto answered = [&](int visit, const char* query) {
    // The server records the search; the page's script reports the answer.
    // Explicit times: on reopening, the latest wording is the one offered.
    store->Record({.type = EventType::kSearch, .visit = Visit(visit), .query = query, .language = "en",
                   .at_ms = 1800000000000 + visit});
    store->Record({.type = EventType::kAnswered, .visit = Visit(visit), .query = query, .language = "en",
                   .article = "en-reset", .at_ms = 1800000000000 + visit});
    store->Flush();
  };
  auto completions = [&] { return store->past_searches()->Complete("forgot", Language::kEnglish, 5); };
  // One visit, however often, is one visit.
  for (int i = 0; i < 10; ++i) answered(1, "forgot my password");
  answered(2, "Forgot  my password");  // the same search, typed differently
  EXPECT_TRUE(completions().empty());
  answered(3, "forgot my password");
  EXPECT_EQ(completions(), std::vector<std::string>{"forgot my password"});
  // Searches without an answer never count.
  for (int i = 10; i < 15; ++i) {
    store->Record({.type = EventType::kSearch, .visit = Visit(i), .query = "forgot username", .language = "en"});
  }
  store->Flush();
  EXPECT_EQ(completions().size(), 1u);
  // Redacted text never becomes a completion, however many visits.
  for (int i = 20; i < 25; ++i) answered(i, "forgot password kari@example.no");
  EXPECT_EQ(completions().size(), 1u);

  store.reset();
  auto reopened = Open({.past_search_min_visits = 3});
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->past_searches()->Complete("forgot", Language::kEnglish, 5),
            std::vector<std::string>{"forgot my password"});
}

// Answers are reported by the page's script (POST /api/events), so a client
// can claim any text: forged answers for a search the server never recorded
// for that visit make no completion, however many visits claim it.
TEST_F(EventStoreTest, AnswersToSearchesTheServerNeverSawMakeNoCompletion) {
  auto store = Open({.past_search_min_visits = 3});
  ASSERT_TRUE(store);
  for (int visit = 1; visit <= 10; ++visit) {
    store->Record({.type = EventType::kSuggestOpened, .visit = Visit(visit), .query = "email your password",
                   .language = "en", .article = "en-reset"});
    // A search the server did record, but by another visit, or with other words.
    store->Record({.type = EventType::kSearch, .visit = Visit(visit + 100), .query = "email your password",
                   .language = "en"});
    store->Record({.type = EventType::kSearch, .visit = Visit(visit), .query = "reset", .language = "en"});
  }
  store->Flush();
  EXPECT_TRUE(store->past_searches()->Complete("email", Language::kEnglish, 5).empty());
  // As-you-type suggestions the server recorded count like searches.
  for (int visit = 1; visit <= 3; ++visit) {
    store->Record({.type = EventType::kSuggestShown, .visit = Visit(visit), .query = "email settings",
                   .language = "en"});
    store->Record({.type = EventType::kSuggestOpened, .visit = Visit(visit), .query = "email settings",
                   .language = "en", .article = "en-mail"});
  }
  store->Flush();
  EXPECT_EQ(store->past_searches()->Complete("email", Language::kEnglish, 5),
            std::vector<std::string>{"email settings"});
}

// Visit ids are free to make: votes are bounded per address range. Three
// visits from one network count once; from three networks they make the
// completion; a range votes for at most max_votes_per_range_per_day searches.
TEST_F(EventStoreTest, VisitsFromOneAddressRangeCountOnce) {
  auto store = Open({.past_search_min_visits = 3, .max_votes_per_range_per_day = 2});
  ASSERT_TRUE(store);
  auto answered = [&](int visit, const std::string& query, const std::string& range) {
    store->Record({.type = EventType::kSearch, .visit = Visit(visit), .query = query, .language = "en"});
    store->Record({.type = EventType::kAnswered, .visit = Visit(visit), .query = query, .language = "en",
                   .article = "en-reset", .client_range = range});
    store->Flush();
  };
  auto completions = [&](const char* prefix) { return store->past_searches()->Complete(prefix, Language::kEnglish, 5); };
  for (int visit = 1; visit <= 5; ++visit) answered(visit, "email your password", "198.51.100.0/24");
  EXPECT_TRUE(completions("email").empty());
  answered(6, "email your password", "203.0.113.0/24");
  answered(7, "email your password", "2001:db8:1::/48");
  EXPECT_EQ(completions("email"), std::vector<std::string>{"email your password"});
  // 198.51.100.0/24 has voted once today; one more search, then its votes are spent.
  answered(8, "reset my login", "198.51.100.0/24");
  answered(9, "refund my order", "198.51.100.0/24");
  for (int visit = 10; visit <= 11; ++visit) {
    answered(visit, "reset my login", "192.0.2." + std::to_string(visit) + ".0/24");
    answered(visit + 10, "refund my order", "192.0.2." + std::to_string(visit) + ".0/24");
  }
  EXPECT_EQ(completions("reset"), std::vector<std::string>{"reset my login"});
  EXPECT_TRUE(completions("refund").empty()) << "the third vote of one range in a day does not count";
}

// The per-range bound is kept in events.db: a restart (or a crash a forger
// provokes) does not give every range a fresh day. Yesterday's votes do not count.
TEST_F(EventStoreTest, TodaysVotesPerRangeSurviveARestart) {
  const EventStoreOptions options{.past_search_min_visits = 3, .max_votes_per_range_per_day = 2};
  auto store = Open(options);
  ASSERT_TRUE(store);
  const int64_t yesterday = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(24))
                                .count();
  auto answered = [&](int visit, const std::string& query, const std::string& range, int64_t at_ms = 0) {
    store->Record({.type = EventType::kSearch, .visit = Visit(visit), .query = query, .language = "en", .at_ms = at_ms});
    store->Record({.type = EventType::kAnswered, .visit = Visit(visit), .query = query, .language = "en",
                   .article = "en-reset", .at_ms = at_ms, .client_range = range});
    store->Flush();
  };
  const std::string spent = "198.51.100.0/24", rested = "203.0.113.0/24";
  answered(1, "pay by invoice", rested, yesterday);
  answered(2, "close my account", rested, yesterday);
  answered(3, "reset my login", spent);
  answered(4, "refund my order", spent);
  store.reset();

  store = Open(options);
  ASSERT_TRUE(store);
  auto completions = [&](const char* prefix) { return store->past_searches()->Complete(prefix, Language::kEnglish, 5); };
  answered(5, "change my plan", spent);
  answered(6, "change my plan", "192.0.2.0/24");
  answered(7, "change my plan", "2001:db8:1::/48");
  EXPECT_TRUE(completions("change").empty()) << "198.51.100.0/24 spent its two votes before the restart";
  answered(8, "change my plan", rested);
  EXPECT_EQ(completions("change"), std::vector<std::string>{"change my plan"})
      << "203.0.113.0/24's votes were yesterday's";
}

// Issue 17: several servers behind a load balancer each keep their own
// events.db; one log over all of them merges their events, oldest first, and
// a visit that moved between servers is still one visit.
TEST_F(EventStoreTest, OneLogReadsTheStoresOfSeveralServers) {
  const fs::path first = dir_ / "server-1", second = dir_ / "server-2", empty = dir_ / "server-3";
  fs::create_directories(empty);
  // An hour ago: within what the stores keep.
  const int64_t start = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(1))
                            .count();
  {
    auto one = EventStore::Open(first.string()).value();
    auto two = EventStore::Open(second.string()).value();
    one->Record({.type = EventType::kSearch, .visit = Visit(1), .query = "reset password", .language = "en",
                 .at_ms = start + 1000});
    two->Record({.type = EventType::kSearch, .visit = Visit(1), .query = "reset my password", .language = "en",
                 .at_ms = start + 2000});
    one->Record({.type = EventType::kSearch, .visit = Visit(2), .query = "faktura", .language = "nb",
                 .at_ms = start + 3000});
    two->Record({.type = EventType::kContactSubmitted, .visit = Visit(1), .language = "en", .at_ms = start + 4000});
  }
  Result<std::unique_ptr<EventLog>> log =
      EventLog::Open(std::vector<std::string>{first.string(), second.string(), empty.string()});
  ASSERT_TRUE(log.ok()) << log.error().ToString();
  Result<std::vector<StoredEvent>> all = (*log)->Read({.since_ms = start});
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 4u);
  std::vector<int64_t> times;
  for (const StoredEvent& stored : *all) times.push_back(stored.event.at_ms);
  EXPECT_EQ(times, (std::vector<int64_t>{start + 1000, start + 2000, start + 3000, start + 4000}));
  // What the visit searched before writing, on either server.
  EXPECT_EQ(SearchesBefore(*all, Visit(1), start + 4000),
            (std::vector<std::string>{"reset password", "reset my password"}));
  // The limit applies to the merge: the oldest two of all.
  Result<std::vector<StoredEvent>> two_oldest = (*log)->Read({.since_ms = start, .limit = 2});
  ASSERT_TRUE(two_oldest.ok());
  ASSERT_EQ(two_oldest->size(), 2u);
  EXPECT_EQ((*two_oldest)[1].event.query, "reset my password");
  EXPECT_FALSE(EventLog::Open(std::vector<std::string>{}).ok());
}

class ContactStoreTest : public EventStoreTest {
 protected:
  std::unique_ptr<ContactStore> OpenContact() {
    Result<std::unique_ptr<ContactStore>> store = ContactStore::Open(dir_.string());
    if (!store.ok()) {
      ADD_FAILURE() << store.error().ToString();
      return nullptr;
    }
    return std::move(store).value();
  }
};

TEST(ContactValidationTest, RequiresSubjectAndDescription) {
  std::vector<FieldError> errors =
      ValidateContactMessage({.email = "ayse@example.com.tr", .subject = "  ", .description = ""});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "subject");
  EXPECT_EQ(errors[0].message_key, "contact_error_subject_missing");
  EXPECT_EQ(errors[1].field, "description");
  EXPECT_TRUE(ValidateContactMessage({.email = "ayse@example.com.tr",
                                      .subject = "Kart reddedildi",
                                      .description = "Ödeme yapamıyorum."})
                  .empty());
}

TEST(ContactValidationTest, LengthsCountCharactersNotBytes) {
  // 200 Greek letters are 400 bytes and still a valid subject.
  std::string subject;
  for (int i = 0; i < 200; ++i) subject += "λ";
  EXPECT_TRUE(ValidateContactMessage({.email = "eleni@example.gr", .subject = subject, .description = "x"}).empty());
  std::vector<FieldError> errors =
      ValidateContactMessage({.email = "eleni@example.gr", .subject = subject + "λ", .description = "x"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message_key, "contact_error_subject_too_long");
}

// Without an address nobody can answer: the e-mail is required, and checked.
TEST(ContactValidationTest, RequiresAndChecksTheEmail) {
  std::vector<FieldError> missing = ValidateContactMessage({.email = "", .subject = "a", .description = "b"});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].field, "email");
  EXPECT_EQ(missing[0].message_key, "contact_error_email_missing");
  EXPECT_TRUE(ValidateContactMessage({.email = "kari@example.no", .subject = "a", .description = "b"}).empty());
  for (const char* bad : {"kari", "kari@", "@example.no", "kari@example", "kari@exa mple.no",
                          "kari@example.no\r\nBcc: x@y.z", "<kari@example.no>", "a@b@c.no"}) {
    std::vector<FieldError> errors = ValidateContactMessage({.email = bad, .subject = "a", .description = "b"});
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].field, "email");
  }
}

TEST(ContactValidationTest, RefusesInvalidUtf8) {
  std::vector<FieldError> errors =
      ValidateContactMessage({.email = "kari@example.no", .subject = "a\xff", .description = "b"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message_key, "contact_error_invalid_text");
}

TEST_F(ContactStoreTest, SavesMessagesAsWrittenAndListsNewestFirst) {
  auto store = OpenContact();
  ASSERT_TRUE(store);
  const std::string visit = Visit(1);
  Result<int64_t> first = store->Save({.visit = visit, .language = "cs", .email = "jan@example.cz",
                                       .subject = "Platba neprošla", .description = "Karta byla zamítnuta."});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  Result<int64_t> second = store->Save({.visit = visit, .language = "cs", .subject = "Druhá", .description = "x"});
  ASSERT_TRUE(second.ok());
  Result<std::vector<StoredContactMessage>> messages = store->List();
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].id, *second);
  EXPECT_EQ((*messages)[1].message.subject, "Platba neprošla");
  EXPECT_EQ((*messages)[1].message.email, "jan@example.cz");
  EXPECT_EQ((*messages)[1].message.description, "Karta byla zamítnuta.");
  Result<int64_t> count = store->CountFromVisitSince(visit, 0);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "contact.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST(SearchesBeforeTest, AContactMessageGetsItsVisitsEarlierSearchesOnce) {
  auto at = [](EventType type, const std::string& visit, const std::string& query, int64_t ms) {
    return StoredEvent{0, Event{.type = type, .visit = visit, .query = query, .at_ms = ms}};
  };
  const std::string mine(32, 'a'), other(32, 'b');
  const std::vector<StoredEvent> events = {
      at(EventType::kSuggestShown, mine, "transfer dom", 1000),
      at(EventType::kSearch, mine, "transfer domain", 2000),
      at(EventType::kSearch, mine, "transfer domain", 2500),          // a reload
      at(EventType::kSearch, other, "reset password", 2600),          // another visit
      at(EventType::kResultClicked, mine, "transfer domain", 2700),   // not a search
      at(EventType::kContactSubmitted, mine, "Transfer", 3000),
      at(EventType::kSearch, mine, "after the message", 4000),
  };
  EXPECT_EQ(SearchesBefore(events, mine, 3000), (std::vector<std::string>{"transfer dom", "transfer domain"}));
  EXPECT_TRUE(SearchesBefore(events, std::string(32, 'c'), 3000).empty());
}

}  // namespace
}  // namespace helpdex::stores

// "Did this help?" answers: ParseFeedback's checks, and feedback events in a
// real EventStore (SQLite in a temporary folder): every field round-trips,
// the comment is redacted before it reaches the file, answers are never
// collapsed, and a database of the previous schema (version 1) is upgraded in
// place without losing its events.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "helpdex/stores/events.h"
#include "helpdex/stores/feedback.h"

namespace helpdex::stores {
namespace {

namespace fs = std::filesystem;

std::string Visit(int n) {
  std::string suffix = std::to_string(n);
  return std::string(32 - suffix.size(), 'a') + suffix;
}

TEST(ParseFeedbackTest, AcceptsYesAndNoWithTheirReasons) {
  Result<FeedbackAnswer> yes = ParseFeedback("1", "", "");
  ASSERT_TRUE(yes.ok());
  EXPECT_TRUE(yes->helpful);
  Result<FeedbackAnswer> no = ParseFeedback("0", "didnt_answer", "  It stops at step 3\n");
  ASSERT_TRUE(no.ok());
  EXPECT_FALSE(no->helpful);
  EXPECT_EQ(no->reason, "didnt_answer");
  EXPECT_EQ(no->comment, "It stops at step 3");
  EXPECT_EQ(ParseFeedback("0", "not_related", "")->reason, "not_related");
}

TEST(ParseFeedbackTest, AcceptsTheReasonsAskedAfterANo) {
  for (const char* reason : {"outdated", "didnt_answer", "hard_to_follow", "not_related", "other"}) {
    Result<FeedbackAnswer> no = ParseFeedback("0", reason, "");
    ASSERT_TRUE(no.ok()) << reason;
    EXPECT_EQ(no->reason, reason);
  }
}

TEST(MostViewedTest, CountsDistinctVisitsPerArticleInTheLanguage) {
  std::vector<StoredEvent> events;
  auto view = [&events](const std::string& visit, const std::string& article, const std::string& lang) {
    events.push_back(StoredEvent{0, Event{.type = EventType::kArticleViewed, .visit = visit, .language = lang,
                                          .article = article}});
  };
  view(Visit(1), "en-a", "en");
  view(Visit(1), "en-a", "en");  // the same visit again: once
  view(Visit(1), "en-b", "en");
  view(Visit(2), "en-b", "en");
  view(Visit(3), "en-b", "en");
  view(Visit(2), "en-c", "en");
  view(Visit(4), "nb-a", "nb");
  view(Visit(4), "nb-a", "nb");
  // Other events about an article are not views.
  events.push_back(StoredEvent{0, Event{.type = EventType::kResultClicked, .visit = Visit(5), .language = "en",
                                        .article = "en-c"}});
  std::vector<ArticleViews> most = MostViewed(events, "en", 10);
  ASSERT_EQ(most.size(), 3u);
  EXPECT_EQ(most[0].article, "en-b");
  EXPECT_EQ(most[0].visits, 3u);
  EXPECT_EQ(most[1].article, "en-a");  // a tie with en-c: by id
  EXPECT_EQ(most[1].visits, 1u);
  EXPECT_EQ(most[2].article, "en-c");
  EXPECT_EQ(MostViewed(events, "en", 1).size(), 1u);
  ASSERT_EQ(MostViewed(events, "nb", 10).size(), 1u);
  EXPECT_EQ(MostViewed(events, "nb", 10)[0].visits, 1u);
  EXPECT_TRUE(MostViewed(events, "tr", 10).empty());
}

TEST(ParseFeedbackTest, AYesDropsAReasonTickedBeforehand) {
  Result<FeedbackAnswer> yes = ParseFeedback("1", "not_related", "thanks");
  ASSERT_TRUE(yes.ok());
  EXPECT_EQ(yes->reason, "");
  EXPECT_EQ(yes->comment, "thanks");
}

TEST(ParseFeedbackTest, RefusesWhatTheFormCannotSend) {
  for (const char* helpful : {"", "2", "yes", "true", "-1", "1 "}) {
    Result<FeedbackAnswer> answer = ParseFeedback(helpful, "", "");
    ASSERT_FALSE(answer.ok()) << helpful;
    EXPECT_EQ(answer.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(answer.error().where, "helpful");
  }
  EXPECT_EQ(ParseFeedback("0", "outdated ", "").error().where, "reason");
  EXPECT_EQ(ParseFeedback("0", "bogus", "").error().where, "reason");
  EXPECT_EQ(ParseFeedback("0", "", "caf\xC3").error().where, "comment");
  // 1000 characters (here 2 bytes each) are fine; one more is not.
  std::string greek;
  for (int i = 0; i < 1000; ++i) greek += "α";
  EXPECT_TRUE(ParseFeedback("0", "", greek).ok());
  EXPECT_EQ(ParseFeedback("0", "", greek + "β").error().where, "comment");
}

class FeedbackEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("helpdex-feedback-test-" + std::to_string(::getpid()) + "-" + test_name);
    fs::remove_all(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<EventStore> Open() {
    Result<std::unique_ptr<EventStore>> store = EventStore::Open(dir_.string());
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

  // Every byte SQLite wrote (database and WAL), to prove what never reached the disk.
  std::string FileBytes() {
    std::string bytes;
    for (const char* name : {"events.db", "events.db-wal"}) {
      std::ifstream file(dir_ / name, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

  static Event Feedback(int visit, int helpful, std::string reason = "", std::string comment = "") {
    return Event{.type = EventType::kFeedback,
                 .visit = Visit(visit),
                 .language = "nb",
                 .article = "nb-email-setup",
                 .helpful = helpful,
                 .reason = std::move(reason),
                 .comment = std::move(comment),
                 .revision = "3f9a0c"};
  }

  fs::path dir_;
};

TEST(FeedbackTypeTest, HasItsName) {
  EXPECT_EQ(EventTypeName(EventType::kFeedback), "feedback");
  EXPECT_EQ(ParseEventType("feedback"), EventType::kFeedback);
}

TEST_F(FeedbackEventsTest, AFeedbackEventRoundTripsWithItsFields) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Record(Feedback(1, 0, "didnt_answer", "Step 3 is missing")));
  ASSERT_TRUE(store->Record({.type = EventType::kSearch, .visit = Visit(1), .query = "e-post"}));
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 2u);
  const Event& feedback = events[0].event;
  EXPECT_EQ(feedback.type, EventType::kFeedback);
  EXPECT_EQ(feedback.visit, Visit(1));
  EXPECT_EQ(feedback.article, "nb-email-setup");
  EXPECT_EQ(feedback.language, "nb");
  EXPECT_EQ(feedback.helpful, 0);
  EXPECT_EQ(feedback.reason, "didnt_answer");
  EXPECT_EQ(feedback.comment, "Step 3 is missing");
  EXPECT_EQ(feedback.revision, "3f9a0c");
  // Other events are not feedback.
  EXPECT_EQ(events[1].event.helpful, -1);
  EXPECT_EQ(events[1].event.comment, "");
  EXPECT_EQ(ReadAll(*store, EventType::kFeedback).size(), 1u);
}

TEST_F(FeedbackEventsTest, CommentsAreRedactedBeforeTheyAreStored) {
  auto store = Open();
  ASSERT_TRUE(store);
  store->Record(Feedback(1, 0, "", "Skriv til kari.nordmann@example.no eller ring meg på 912 34 567, takk"));
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 1u);
  const std::string& comment = events[0].event.comment;
  EXPECT_EQ(comment.find("example.no"), std::string::npos) << comment;
  EXPECT_EQ(comment.find("912"), std::string::npos) << comment;
  EXPECT_NE(comment.find("[email]"), std::string::npos) << comment;
  EXPECT_NE(comment.find("[phone]"), std::string::npos) << comment;
  EXPECT_NE(comment.find("takk"), std::string::npos) << comment;
  store.reset();  // checkpoints and closes
  const std::string bytes = FileBytes();
  EXPECT_EQ(bytes.find("kari.nordmann"), std::string::npos);
  EXPECT_EQ(bytes.find("912 34 567"), std::string::npos);
}

TEST_F(FeedbackEventsTest, ALongCommentIsRedactedWholeThenCut) {
  auto store = Open();
  ASSERT_TRUE(store);
  // The address straddles the 1000th character: cutting first would leave
  // half of it unrecognised.
  std::string comment(990, 'x');
  comment += " kari.nordmann@example.no " + std::string(200, 'y');
  store->Record(Feedback(1, 0, "", comment));
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.comment.find("kari"), std::string::npos);
  EXPECT_LE(events[0].event.comment.size(), 1000u);
}

TEST_F(FeedbackEventsTest, EveryAnswerIsStoredChangesOfMindIncluded) {
  auto store = Open();
  ASSERT_TRUE(store);
  store->Record(Feedback(1, 1));
  store->Record(Feedback(1, 1));  // a double click: stored; readers count the visit once
  store->Record(Feedback(1, 0, "not_related"));
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.helpful, 1);
  EXPECT_EQ(events[1].event.helpful, 1);
  EXPECT_EQ(events[2].event.helpful, 0);
  EXPECT_EQ(events[2].event.reason, "not_related");
}

// A database written by the previous release (schema version 1): its rows
// survive the upgrade, read as "not feedback", and new feedback can be added.
TEST_F(FeedbackEventsTest, ADatabaseOfSchemaVersionOneIsUpgraded) {
  fs::create_directories(dir_);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "events.db").c_str(), &raw), SQLITE_OK);
    const char* version_one = R"sql(
CREATE TABLE events (
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, visit TEXT NOT NULL,
  query TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT '', article TEXT NOT NULL DEFAULT '',
  shown TEXT NOT NULL DEFAULT '', results INTEGER NOT NULL DEFAULT -1, filters TEXT NOT NULL DEFAULT '');
CREATE INDEX events_by_type ON events(type, at);
CREATE INDEX events_by_visit ON events(visit, at);
CREATE TABLE answered_searches (
  query_key TEXT NOT NULL, lang TEXT NOT NULL, visit TEXT NOT NULL, query TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (query_key, lang, visit)) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(raw, version_one, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    const std::string insert = "INSERT INTO events(at, type, visit, query, lang, article, results) VALUES (" +
                               std::to_string(sqlite3_int64{4102444800000}) + ", 'search', '" + Visit(7) +
                               "', 'old search', 'en', '', 3)";
    ASSERT_EQ(sqlite3_exec(raw, insert.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_close(raw);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  store->Record(Feedback(1, 1));
  std::vector<StoredEvent> events = ReadAll(*store);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.query, "old search");
  EXPECT_EQ(events[0].event.results, 3);
  EXPECT_EQ(events[0].event.helpful, -1);
  EXPECT_EQ(events[0].event.revision, "");
  EXPECT_EQ(events[1].event.type, EventType::kFeedback);
  EXPECT_EQ(events[1].event.helpful, 1);
  EXPECT_EQ(events[1].event.revision, "3f9a0c");
  store.reset();
  // Opening again does not migrate twice.
  auto reopened = Open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(ReadAll(*reopened).size(), 2u);
}

}  // namespace
}  // namespace helpdex::stores

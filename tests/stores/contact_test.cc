// The contact store as the inbox uses it (SQLite in a temporary folder): the
// e-mail is required, statuses change and filter, a store of the previous
// schema (version 1, before the inbox) opens with its messages open, a
// message's visit is joined with what the visit searched and opened before
// writing; and the forwarder (forwarder.h) with local fakes: a script that
// writes its stdin to a file, and a loopback cpp-httplib server as webhook.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "helpdex/stores/contact.h"
#include "helpdex/stores/events.h"
#include "helpdex/stores/forwarder.h"

namespace helpdex::stores {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

ContactMessage Message(const std::string& subject, const std::string& email = "kari@example.no") {
  return ContactMessage{.visit = std::string(32, 'a'),
                        .language = "nb",
                        .email = email,
                        .subject = subject,
                        .description = "Betalingen gikk ikke gjennom."};
}

bool HasError(const std::vector<FieldError>& errors, const std::string& field, const std::string& key) {
  for (const FieldError& error : errors) {
    if (error.field == field && error.message_key == key) return true;
  }
  return false;
}

class ContactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("helpdex-contact-test-" + std::to_string(::getpid()) + "-" + test_name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::shared_ptr<ContactStore> Open() {
    Result<std::unique_ptr<ContactStore>> store = ContactStore::Open(dir_.string());
    if (!store.ok()) {
      ADD_FAILURE() << store.error().ToString();
      return nullptr;
    }
    return std::move(*store);
  }

  fs::path dir_;
};

TEST(ValidateContactMessageTest, AnEmailAddressIsRequired) {
  EXPECT_TRUE(ValidateContactMessage(Message("Kortet ble avvist")).empty());
  for (const char* missing : {"", "   "}) {
    EXPECT_TRUE(HasError(ValidateContactMessage(Message("Kortet", missing)), "email", "contact_error_email_missing"))
        << "'" << missing << "'";
  }
  for (const char* invalid : {"kari@", "kari", "kari@example", "a b@example.no", "kari@example.no\r\nBcc: x@y.z"}) {
    EXPECT_TRUE(HasError(ValidateContactMessage(Message("Kortet", invalid)), "email", "contact_error_email_invalid"))
        << invalid;
  }
}

TEST_F(ContactStoreTest, NewMessagesAreOpenAndTheirStatusChanges) {
  std::shared_ptr<ContactStore> store = Open();
  ASSERT_TRUE(store);
  Result<int64_t> first = store->Save(Message("First"));
  Result<int64_t> second = store->Save(Message("Second"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(RequestNumber(*second), "#" + std::to_string(*second));

  Result<StoredContactMessage> stored = store->Get(*first);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, MessageStatus::kOpen);
  EXPECT_EQ(stored->status_at_ms, 0);
  EXPECT_EQ(stored->message.subject, "First");
  EXPECT_EQ(stored->forward, ForwardState::kNone);

  Result<StoredContactMessage> answered = store->SetStatus(*first, MessageStatus::kAnswered);
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ(answered->status, MessageStatus::kAnswered);
  EXPECT_GT(answered->status_at_ms, 0);

  Result<std::vector<StoredContactMessage>> open = store->List({.status = MessageStatus::kOpen});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].message.subject, "Second");
  Result<std::vector<StoredContactMessage>> all = store->List(MessageFilter{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].message.subject, "Second") << "newest first";
  Result<std::vector<StoredContactMessage>> second_page = store->List({.limit = 1, .offset = 1});
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->size(), 1u);
  EXPECT_EQ((*second_page)[0].message.subject, "First");

  Result<std::map<MessageStatus, int64_t>> counts = store->CountByStatus();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)[MessageStatus::kOpen], 1);
  EXPECT_EQ((*counts)[MessageStatus::kAnswered], 1);
  EXPECT_EQ((*counts)[MessageStatus::kClosed], 0);

  EXPECT_EQ(store->SetStatus(9999, MessageStatus::kClosed).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->Get(9999).error().code, ErrorCode::kNotFound);
}

TEST(MessageStatusTest, NamesRoundTripAndNothingElseParses) {
  for (MessageStatus status : kAllMessageStatuses) {
    EXPECT_EQ(ParseMessageStatus(MessageStatusName(status)), status);
  }
  for (const char* bad : {"", "Open", "done", "open "}) EXPECT_FALSE(ParseMessageStatus(bad)) << bad;
}

// A contact.db written before the inbox (schema version 1): it opens, its
// messages keep their text and are open, and new ones can be added.
TEST_F(ContactStoreTest, AStoreOfSchemaVersionOneIsUpgraded) {
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "contact.db").c_str(), &raw), SQLITE_OK);
    const char* version_one = R"sql(
CREATE TABLE messages (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, visit TEXT NOT NULL, lang TEXT NOT NULL,
  email TEXT NOT NULL, subject TEXT NOT NULL, description TEXT NOT NULL);
CREATE INDEX messages_by_visit ON messages(visit, at);
INSERT INTO messages(at, visit, lang, email, subject, description)
  VALUES (1764800000000, 'v', 'tr', '', 'Eski mesaj', 'Adres olmadan');
PRAGMA user_version = 1;
)sql";
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(raw, version_one, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_close(raw);
  }
  std::shared_ptr<ContactStore> store = Open();
  ASSERT_TRUE(store);
  Result<std::vector<StoredContactMessage>> messages = store->List(MessageFilter{});
  ASSERT_TRUE(messages.ok()) << messages.error().ToString();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].message.subject, "Eski mesaj");
  EXPECT_EQ((*messages)[0].message.email, "");
  EXPECT_EQ((*messages)[0].status, MessageStatus::kOpen);
  ASSERT_TRUE(store->Save(Message("Yeni")).ok());
  EXPECT_TRUE(store->SetStatus((*messages)[0].id, MessageStatus::kClosed).ok());
}

TEST(VisitTrailTest, TheVisitsSearchesAndOpenedArticlesBeforeTheMessage) {
  const std::string visit(32, 'b');
  const std::string other(32, 'c');
  auto event = [](EventType type, const std::string& visit, const std::string& query, const std::string& article,
                  int64_t at) {
    return StoredEvent{0, Event{.type = type, .visit = visit, .query = query, .article = article, .at_ms = at}};
  };
  std::vector<StoredEvent> events = {
      event(EventType::kSuggestShown, visit, "kort avvist", "", 100),
      event(EventType::kSearch, visit, "kort avvist", "", 110),
      event(EventType::kResultClicked, visit, "kort avvist", "nb-card-declined", 120),
      event(EventType::kSearch, other, "someone else", "", 130),
      event(EventType::kAnswered, other, "x", "en-other", 140),
      event(EventType::kSuggestOpened, visit, "betaling", "nb-payment", 150),
      event(EventType::kResultClicked, visit, "kort", "nb-card-declined", 160),
      event(EventType::kArticleViewed, visit, "", "nb-invoices", 170),  // an article page opened directly
      event(EventType::kSearch, visit, "after writing", "", 500),
      event(EventType::kArticleViewed, visit, "", "nb-after", 510),
  };
  VisitTrail trail = VisitTrailBefore(events, visit, 400);
  EXPECT_EQ(trail.searches, (std::vector<std::string>{"kort avvist"}));
  EXPECT_EQ(trail.articles, (std::vector<std::string>{"nb-card-declined", "nb-payment", "nb-invoices"}));
}

// --- forwarding ---------------------------------------------------------

TEST(SplitCommandTest, SplitsLikeAShellForSimpleWords) {
  EXPECT_EQ(*SplitCommand("/usr/sbin/sendmail -t -i"), (std::vector<std::string>{"/usr/sbin/sendmail", "-t", "-i"}));
  EXPECT_EQ(*SplitCommand("sh -c 'cat > \"/tmp/a b\"'"),
            (std::vector<std::string>{"sh", "-c", "cat > \"/tmp/a b\""}));
  EXPECT_EQ(SplitCommand("sh -c 'open").error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(SplitCommand("   ").error().code, ErrorCode::kInvalidInput);
}

TEST(ForwardEmailTest, IsAnEmailWithTheRequestNumberAndTheCustomerToReplyTo) {
  StoredContactMessage stored{.id = 42, .message = Message("Kortet ble avvist")};
  stored.message.at_ms = 1764800000000;
  stored.message.description = "Linje én\r\n.\r\nLinje tre";
  ForwardOptions options{.to = "support@example.com"};
  const std::string mail = ForwardEmail(stored, options);
  EXPECT_THAT(mail, HasSubstr("To: support@example.com\n"));
  EXPECT_THAT(mail, HasSubstr("Reply-To: kari@example.no\n"));
  EXPECT_THAT(mail, HasSubstr("Subject: [#42] Kortet ble avvist\n"));
  EXPECT_THAT(mail, HasSubstr("Date: Wed, 03 Dec 2025 22:13:20 +0000\n"));
  EXPECT_THAT(mail, HasSubstr("Content-Type: text/plain; charset=UTF-8\n"));
  EXPECT_THAT(mail, HasSubstr("\n\nRequest #42"));
  // A lone "." would end the message for a sendmail run without -i.
  EXPECT_THAT(mail, HasSubstr("Linje én\n. \nLinje tre\n"));
  EXPECT_THAT(mail, Not(HasSubstr("\r")));

  // A subject cannot add headers, and non-ASCII is encoded (RFC 2047).
  stored.message.subject = "Ödeme\r\nBcc: victim@example.org";
  const std::string encoded = ForwardEmail(stored, options);
  EXPECT_THAT(encoded, HasSubstr("Subject: =?UTF-8?B?"));
  EXPECT_THAT(encoded, Not(HasSubstr("\nBcc:")));
}

class ForwarderTest : public ContactStoreTest {
 protected:
  // A fake sendmail: writes its stdin to `path` (appending a separator line).
  std::vector<std::string> FakeSendmail(const fs::path& path) {
    return {"/bin/sh", "-c", "cat >> '" + path.string() + "'; echo '--end--' >> '" + path.string() + "'"};
  }
  static std::string ReadFile(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(ForwarderTest, ACommandGetsEachNewMessageAsAnEmail) {
  std::shared_ptr<ContactStore> store = Open();
  ASSERT_TRUE(store);
  store->set_forward_new_messages(true);
  const fs::path mailbox = dir_ / "mailbox.txt";
  Result<std::unique_ptr<MessageForwarder>> forwarder = MessageForwarder::Start(
      store, {.command = FakeSendmail(mailbox), .to = "desk@example.com", .poll_interval = std::chrono::seconds(60)});
  ASSERT_TRUE(forwarder.ok()) << forwarder.error().ToString();
  Result<int64_t> id = store->Save(Message("Kortet ble avvist"));
  ASSERT_TRUE(id.ok());
  (*forwarder)->Notify();
  (*forwarder)->WaitIdle();
  const std::string mail = ReadFile(mailbox);
  EXPECT_THAT(mail, HasSubstr("To: desk@example.com\n"));
  EXPECT_THAT(mail, HasSubstr("Reply-To: kari@example.no\n"));
  EXPECT_THAT(mail, HasSubstr("Subject: [#" + std::to_string(*id) + "] Kortet ble avvist"));
  EXPECT_THAT(mail, HasSubstr("Betalingen gikk ikke gjennom."));
  Result<StoredContactMessage> stored = store->Get(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->forward, ForwardState::kForwarded);
  EXPECT_EQ(stored->forward_attempts, 1);
  EXPECT_EQ((*forwarder)->stats().forwarded, 1u);
  // Sent once: another pass does not send it again.
  (*forwarder)->WaitIdle();
  EXPECT_EQ(ReadFile(mailbox).find("--end--"), ReadFile(mailbox).rfind("--end--"));
}

TEST_F(ForwarderTest, AFailingCommandIsRetriedThenTheMessageIsMarkedFailedWithTheReason) {
  std::shared_ptr<ContactStore> store = Open();
  ASSERT_TRUE(store);
  store->set_forward_new_messages(true);
  std::mutex mutex;
  std::vector<ForwardFailure> failures;
  ForwardOptions options{.command = {"/bin/sh", "-c", "cat > /dev/null; echo 'mail server down' >&2; exit 75"},
                         .to = "desk@example.com",
                         .max_attempts = 3,
                         .first_retry = std::chrono::milliseconds(1),
                         .poll_interval = std::chrono::milliseconds(5)};
  options.on_failure = [&](const ForwardFailure& failure) {
    std::lock_guard lock(mutex);
    failures.push_back(failure);
  };
  Result<std::unique_ptr<MessageForwarder>> forwarder = MessageForwarder::Start(store, options);
  ASSERT_TRUE(forwarder.ok());
  Result<int64_t> id = store->Save(Message("Kortet"));
  ASSERT_TRUE(id.ok());
  // Wait (bounded) until the forwarder gives up; no timing is asserted.
  for (int i = 0; i < 400 && (*forwarder)->stats().gave_up == 0; ++i) {
    (*forwarder)->Notify();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Result<StoredContactMessage> stored = store->Get(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->forward, ForwardState::kFailed);
  EXPECT_EQ(stored->forward_attempts, 3);
  EXPECT_THAT(stored->forward_detail, HasSubstr("exited with status 75"));
  EXPECT_THAT(stored->forward_detail, HasSubstr("mail server down"));
  ForwarderStats stats = (*forwarder)->stats();
  EXPECT_EQ(stats.failed_attempts, 3u);
  EXPECT_EQ(stats.gave_up, 1u);
  EXPECT_EQ(stats.forwarded, 0u);
  std::lock_guard lock(mutex);
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_FALSE(failures[0].final);
  EXPECT_TRUE(failures[2].final);
  EXPECT_EQ(failures[2].id, *id);
}

TEST_F(ForwarderTest, AWebhookReceivesTheMessageAsJson) {
  httplib::Server receiver;
  std::mutex mutex;
  std::vector<std::string> bodies;
  int answers_left_failing = 1;  // the first call fails: the message is retried
  receiver.Post("/hook", [&](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex);
    if (answers_left_failing-- > 0) {
      response.status = 503;
      return;
    }
    bodies.push_back(request.body);
    response.status = 204;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { receiver.listen_after_bind(); });

  std::shared_ptr<ContactStore> store = Open();
  ASSERT_TRUE(store);
  store->set_forward_new_messages(true);
  Result<std::unique_ptr<MessageForwarder>> forwarder =
      MessageForwarder::Start(store, {.webhook = "http://127.0.0.1:" + std::to_string(port) + "/hook",
                                      .first_retry = std::chrono::milliseconds(1),
                                      .poll_interval = std::chrono::milliseconds(5)});
  ASSERT_TRUE(forwarder.ok()) << forwarder.error().ToString();
  Result<int64_t> id = store->Save(Message("Kortet ble avvist"));
  ASSERT_TRUE(id.ok());
  for (int i = 0; i < 400 && (*forwarder)->stats().forwarded == 0; ++i) {
    (*forwarder)->Notify();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  receiver.stop();
  serving.join();

  std::lock_guard lock(mutex);
  ASSERT_EQ(bodies.size(), 1u);
  nlohmann::json json = nlohmann::json::parse(bodies[0]);
  EXPECT_EQ(json["id"], *id);
  EXPECT_EQ(json["subject"], "Kortet ble avvist");
  EXPECT_EQ(json["email"], "kari@example.no");
  EXPECT_EQ(json["lang"], "nb");
  EXPECT_EQ(json["status"], "open");
  EXPECT_EQ(json["request"], "#" + std::to_string(*id));
  EXPECT_TRUE(json["created"].is_string());
  Result<StoredContactMessage> stored = store->Get(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->forward, ForwardState::kForwarded);
  EXPECT_EQ(stored->forward_attempts, 2);
  EXPECT_EQ((*forwarder)->stats().failed_attempts, 1u);
}

TEST_F(ForwarderTest, BadOptionsAreRefusedNamingTheOption) {
  std::shared_ptr<ContactStore> store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(MessageForwarder::Start(store, {.command = {"sendmail"}}).error().where, "--forward-to");
  EXPECT_EQ(MessageForwarder::Start(store, {.webhook = "ftp://example.com/x"}).error().where, "--forward-webhook");
  EXPECT_EQ(MessageForwarder::Start(store, {}).error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace helpdex::stores

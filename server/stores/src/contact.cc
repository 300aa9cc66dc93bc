// The contact-form store (contact.h) in DATA/contact.db.
#include "helpdex/stores/contact.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>

#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"
#include "sqlite_db.h"

namespace helpdex::stores {
namespace {

using sqlite::Use;

constexpr char kStore[] = "contact store";

constexpr int kSchemaVersion = 2;
constexpr const char* kMigrations[kSchemaVersion] = {
    R"sql(
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,          -- milliseconds since the Unix epoch
  visit TEXT NOT NULL,
  lang TEXT NOT NULL,
  email TEXT NOT NULL,
  subject TEXT NOT NULL,
  description TEXT NOT NULL
);
CREATE INDEX messages_by_visit ON messages(visit, at);
PRAGMA user_version = 1;
)sql",
    // 2: the inbox (status) and forwarding. Messages of an older store are open.
    R"sql(
ALTER TABLE messages ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
  CHECK (status IN ('open', 'answered', 'closed'));
ALTER TABLE messages ADD COLUMN status_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN forward TEXT NOT NULL DEFAULT '';        -- '', pending, forwarded, failed
ALTER TABLE messages ADD COLUMN forward_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN forward_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN forward_done INTEGER NOT NULL DEFAULT 0;  -- bitmask of targets reached
ALTER TABLE messages ADD COLUMN forward_next INTEGER NOT NULL DEFAULT 0;  -- pending: not before (ms)
CREATE INDEX messages_by_status ON messages(status, id);
CREATE INDEX messages_forward_due ON messages(forward, forward_next);
PRAGMA user_version = 2;
)sql",
};

#define HELPDEX_MESSAGE_COLUMNS \
  "id, at, visit, lang, email, subject, description, status, status_at, forward, forward_detail, " \
  "forward_attempts, forward_done, forward_next"

enum Sql : int {
  kInsert,
  kCountVisit,
  kList,
  kListStatus,
  kCountStatus,
  kGet,
  kSetStatus,
  kDueForwards,
  kRecordForward,
  kSqlCount
};
constexpr const char* kSql[kSqlCount] = {
    "INSERT INTO messages(at, visit, lang, email, subject, description, forward) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "SELECT count(*) FROM messages WHERE visit = ?1 AND at >= ?2",
    "SELECT " HELPDEX_MESSAGE_COLUMNS " FROM messages ORDER BY id DESC LIMIT ?1 OFFSET ?2",
    "SELECT " HELPDEX_MESSAGE_COLUMNS " FROM messages WHERE status = ?3 ORDER BY id DESC LIMIT ?1 OFFSET ?2",
    "SELECT status, count(*) FROM messages GROUP BY status",
    "SELECT " HELPDEX_MESSAGE_COLUMNS " FROM messages WHERE id = ?1",
    "UPDATE messages SET status = ?2, status_at = ?3 WHERE id = ?1",
    "SELECT " HELPDEX_MESSAGE_COLUMNS " FROM messages WHERE forward = 'pending' AND forward_next <= ?1 "
    "ORDER BY id LIMIT ?2",
    "UPDATE messages SET forward = ?2, forward_attempts = ?3, forward_done = ?4, forward_detail = ?5, "
    "forward_next = ?6 WHERE id = ?1",
};
#undef HELPDEX_MESSAGE_COLUMNS

ForwardState ParseForwardState(std::string_view name) {
  if (name == "pending") return ForwardState::kPending;
  if (name == "forwarded") return ForwardState::kForwarded;
  if (name == "failed") return ForwardState::kFailed;
  return ForwardState::kNone;
}

// A row of the columns above.
StoredContactMessage ReadMessage(const Use& row) {
  StoredContactMessage stored;
  stored.id = row.Int(0);
  stored.message = ContactMessage{row.Text(2), row.Text(3), row.Text(4), row.Text(5), row.Text(6), row.Int(1)};
  stored.status = ParseMessageStatus(row.Text(7)).value_or(MessageStatus::kOpen);
  stored.status_at_ms = row.Int(8);
  stored.forward = ParseForwardState(row.Text(9));
  stored.forward_detail = row.Text(10);
  stored.forward_attempts = static_cast<int>(row.Int(11));
  stored.forward_done = static_cast<int>(row.Int(12));
  stored.forward_next_ms = row.Int(13);
  return stored;
}

bool IsBlank(std::string_view text) { return text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos; }

// A plausible address, not RFC 5322: one '@', something before it, a dot in
// the domain, no whitespace, quotes or angle brackets (which would only ever
// be a typo or an attempt to smuggle headers into a mail tool).
bool LooksLikeEmail(std::string_view email) {
  if (email.size() > kMaxContactEmailBytes) return false;
  const size_t at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain.back() == '.') return false;
  for (unsigned char c : email) {
    if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == ',' || c == ';' || c == '\\' || c == 0x7F) return false;
  }
  return true;
}

void CheckText(std::string_view field, std::string_view text, size_t max_characters,
               std::vector<FieldError>& errors) {
  if (!search::IsValidUtf8(text)) {
    errors.push_back({std::string(field), "contact_error_invalid_text"});
  } else if (IsBlank(text)) {
    errors.push_back({std::string(field), "contact_error_" + std::string(field) + "_missing"});
  } else if (search::CountCodePoints(text) > max_characters) {
    errors.push_back({std::string(field), "contact_error_" + std::string(field) + "_too_long"});
  }
}

}  // namespace

std::vector<FieldError> ValidateContactMessage(const ContactMessage& message) {
  std::vector<FieldError> errors;
  CheckText("subject", message.subject, kMaxContactSubjectCharacters, errors);
  CheckText("description", message.description, kMaxContactDescriptionCharacters, errors);
  if (IsBlank(message.email)) {
    errors.push_back({"email", "contact_error_email_missing"});
  } else if (!LooksLikeEmail(message.email)) {
    errors.push_back({"email", "contact_error_email_invalid"});
  }
  return errors;
}

std::string_view MessageStatusName(MessageStatus status) {
  switch (status) {
    case MessageStatus::kOpen: return "open";
    case MessageStatus::kAnswered: return "answered";
    case MessageStatus::kClosed: return "closed";
  }
  return "open";
}

std::optional<MessageStatus> ParseMessageStatus(std::string_view name) {
  for (MessageStatus status : kAllMessageStatuses) {
    if (MessageStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::string_view ForwardStateName(ForwardState state) {
  switch (state) {
    case ForwardState::kNone: return "";
    case ForwardState::kPending: return "pending";
    case ForwardState::kForwarded: return "forwarded";
    case ForwardState::kFailed: return "failed";
  }
  return "";
}

std::string RequestNumber(int64_t id) { return "#" + std::to_string(id); }

struct ContactStore::Impl {
  std::string path;
  std::mutex mutex;
  sqlite::DatabaseHandle db;
  std::array<sqlite::StatementHandle, kSqlCount> statements;
  std::atomic<bool> forward_new{false};

  Use Statement(Sql sql) { return Use(statements[sql].get()); }
  Error SqlError(const std::string& doing) const {
    return Error{ErrorCode::kInternal, std::string(kStore) + ": " + doing + ": " + sqlite3_errmsg(db.get()), path};
  }
};

ContactStore::ContactStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContactStore::~ContactStore() = default;

Result<std::unique_ptr<ContactStore>> ContactStore::Open(const std::string& data_dir) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->path = (std::filesystem::path(data_dir) / "contact.db").string();
    Result<sqlite::DatabaseHandle> db = sqlite::OpenDatabase(data_dir, "contact.db", kStore, kMigrations);
    if (!db.ok()) return db.error();
    impl->db = std::move(*db);
    if (std::optional<Error> error = sqlite::PrepareAll(impl->db.get(), kSql, impl->statements, kStore, impl->path)) {
      return *error;
    }
    return std::unique_ptr<ContactStore>(new ContactStore(std::move(impl)));
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "contact store: unexpected failure while opening", data_dir};
  }
}

Result<int64_t> ContactStore::Save(ContactMessage message) {
  Impl& s = *impl_;
  if (message.at_ms == 0) message.at_ms = sqlite::NowMilliseconds();
  std::lock_guard lock(s.mutex);
  Use insert = s.Statement(kInsert);
  insert.Bind(1, message.at_ms)
      .Bind(2, message.visit)
      .Bind(3, message.language)
      .Bind(4, message.email)
      .Bind(5, message.subject)
      .Bind(6, message.description)
      .Bind(7, ForwardStateName(s.forward_new ? ForwardState::kPending : ForwardState::kNone));
  if (insert.Step() != SQLITE_DONE) return s.SqlError("saving a message");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(s.db.get()));
}

Result<int64_t> ContactStore::CountFromVisitSince(const std::string& visit, int64_t since_ms) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  Use count = s.Statement(kCountVisit);
  count.Bind(1, visit).Bind(2, since_ms);
  if (count.Step() != SQLITE_ROW) return s.SqlError("counting messages");
  return count.Int(0);
}

Result<bool> ContactStore::IsFlooding(const std::string& visit, const FloodPolicy& policy) {
  Result<int64_t> recent = CountFromVisitSince(visit, sqlite::NowMilliseconds() - policy.window_ms);
  if (!recent.ok()) return recent.error();
  return *recent >= policy.max_messages;
}

void ContactStore::set_forward_new_messages(bool forward) { impl_->forward_new = forward; }

namespace {

// Every row of a bound statement of message columns.
Result<std::vector<StoredContactMessage>> ReadAll(Use& rows, const std::function<Error()>& failed) {
  std::vector<StoredContactMessage> messages;
  int rc;
  while ((rc = rows.Step()) == SQLITE_ROW) messages.push_back(ReadMessage(rows));
  if (rc != SQLITE_DONE) return failed();
  return messages;
}

int64_t Bounded(size_t value) { return static_cast<int64_t>(std::min<size_t>(value, 1000000)); }

}  // namespace

Result<std::vector<StoredContactMessage>> ContactStore::List(size_t limit) {
  return List(MessageFilter{.limit = limit});
}

Result<std::vector<StoredContactMessage>> ContactStore::List(const MessageFilter& filter) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  Use list = s.Statement(filter.status ? kListStatus : kList);
  list.Bind(1, Bounded(filter.limit)).Bind(2, Bounded(filter.offset));
  if (filter.status) list.Bind(3, MessageStatusName(*filter.status));
  return ReadAll(list, [&] { return s.SqlError("listing messages"); });
}

Result<std::map<MessageStatus, int64_t>> ContactStore::CountByStatus() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  std::map<MessageStatus, int64_t> counts;
  for (MessageStatus status : kAllMessageStatuses) counts[status] = 0;
  Use count = s.Statement(kCountStatus);
  int rc;
  while ((rc = count.Step()) == SQLITE_ROW) {
    if (std::optional<MessageStatus> status = ParseMessageStatus(count.Text(0))) counts[*status] = count.Int(1);
  }
  if (rc != SQLITE_DONE) return s.SqlError("counting messages by status");
  return counts;
}

Result<StoredContactMessage> ContactStore::Get(int64_t id) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  Use get = s.Statement(kGet);
  get.Bind(1, id);
  const int rc = get.Step();
  if (rc == SQLITE_ROW) return ReadMessage(get);
  if (rc == SQLITE_DONE) return Error{ErrorCode::kNotFound, "no message with this id", "id"};
  return s.SqlError("reading a message");
}

Result<StoredContactMessage> ContactStore::SetStatus(int64_t id, MessageStatus status) {
  {
    Impl& s = *impl_;
    std::lock_guard lock(s.mutex);
    Use update = s.Statement(kSetStatus);
    update.Bind(1, id).Bind(2, MessageStatusName(status)).Bind(3, sqlite::NowMilliseconds());
    if (update.Step() != SQLITE_DONE) return s.SqlError("changing a message's status");
    if (sqlite3_changes(s.db.get()) == 0) return Error{ErrorCode::kNotFound, "no message with this id", "id"};
  }
  return Get(id);
}

Result<std::vector<StoredContactMessage>> ContactStore::DueForwards(int64_t now_ms, size_t limit) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  Use due = s.Statement(kDueForwards);
  due.Bind(1, now_ms).Bind(2, Bounded(limit));
  return ReadAll(due, [&] { return s.SqlError("listing messages to forward"); });
}

Result<bool> ContactStore::RecordForwardAttempt(int64_t id, ForwardState state, int attempts, int done,
                                                const std::string& detail, int64_t next_ms) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  Use update = s.Statement(kRecordForward);
  update.Bind(1, id)
      .Bind(2, ForwardStateName(state))
      .Bind(3, static_cast<int64_t>(attempts))
      .Bind(4, static_cast<int64_t>(done))
      .Bind(5, detail)
      .Bind(6, next_ms);
  if (update.Step() != SQLITE_DONE) return s.SqlError("recording a forwarding attempt");
  return sqlite3_changes(s.db.get()) > 0;
}

}  // namespace helpdex::stores

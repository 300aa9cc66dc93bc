// The contact-form store (contact.h) in DATA/contact.db.
#include "helpdex/stores/contact.h"

#include <array>
#include <filesystem>
#include <mutex>

#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"
#include "sqlite_db.h"

namespace helpdex::stores {
namespace {

using sqlite::Use;

constexpr char kStore[] = "contact store";

constexpr int kSchemaVersion = 1;
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
};

enum Sql : int { kInsert, kCountVisit, kList, kSqlCount };
constexpr const char* kSql[kSqlCount] = {
    "INSERT INTO messages(at, visit, lang, email, subject, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "SELECT count(*) FROM messages WHERE visit = ?1 AND at >= ?2",
    "SELECT id, at, visit, lang, email, subject, description FROM messages ORDER BY id DESC LIMIT ?1",
};

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
  if (!message.email.empty() && !LooksLikeEmail(message.email)) {
    errors.push_back({"email", "contact_error_email_invalid"});
  }
  return errors;
}

struct ContactStore::Impl {
  std::string path;
  std::mutex mutex;
  sqlite::DatabaseHandle db;
  std::array<sqlite::StatementHandle, kSqlCount> statements;

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
      .Bind(6, message.description);
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

Result<std::vector<StoredContactMessage>> ContactStore::List(size_t limit) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  Use list = s.Statement(kList);
  list.Bind(1, static_cast<int64_t>(std::min<size_t>(limit, 1000000)));
  std::vector<StoredContactMessage> messages;
  int rc;
  while ((rc = list.Step()) == SQLITE_ROW) {
    StoredContactMessage stored;
    stored.id = list.Int(0);
    stored.message = ContactMessage{list.Text(2), list.Text(3), list.Text(4), list.Text(5), list.Text(6),
                                    list.Int(1)};
    messages.push_back(std::move(stored));
  }
  if (rc != SQLITE_DONE) return s.SqlError("listing messages");
  return messages;
}

}  // namespace helpdex::stores

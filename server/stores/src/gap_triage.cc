// The gap report's triage (gap_triage.h) in DATA/triage.db.
#include "helpdex/stores/gap_triage.h"

#include <array>
#include <exception>
#include <filesystem>
#include <mutex>

#include "helpdex/search/text.h"
#include "sqlite_db.h"

namespace helpdex::stores {
namespace {

using sqlite::Use;

constexpr char kStore[] = "triage store";
constexpr char kFile[] = "triage.db";

constexpr int kSchemaVersion = 1;
constexpr const char* kMigrations[kSchemaVersion] = {
    R"sql(
-- One row per triaged gap; a gap triaged again replaces its row.
CREATE TABLE gap_triage (
  kind TEXT NOT NULL,           -- "search"
  key TEXT NOT NULL,            -- analytics::TriageKey of the gap
  state TEXT NOT NULL,          -- "dismissed" or "done"
  visits INTEGER NOT NULL,      -- the gap's distinct visits when triaged
  at INTEGER NOT NULL,          -- milliseconds since the Unix epoch
  agent TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql",
};

enum Sql : int { kUpsert, kDelete, kList, kSqlCount };
constexpr const char* kSql[kSqlCount] = {
    "INSERT INTO gap_triage(kind, key, state, visits, at, agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT(kind, key) DO UPDATE SET state = excluded.state, visits = excluded.visits, at = excluded.at, "
    "agent = excluded.agent",
    "DELETE FROM gap_triage WHERE kind = ?1 AND key = ?2",
    "SELECT kind, key, state, visits, at, agent FROM gap_triage ORDER BY at DESC, key",
};

}  // namespace

std::string_view TriageStateName(TriageState state) {
  return state == TriageState::kDone ? "done" : "dismissed";
}

std::optional<TriageState> ParseTriageState(std::string_view name) {
  if (name == "dismissed") return TriageState::kDismissed;
  if (name == "done") return TriageState::kDone;
  return std::nullopt;
}

struct GapTriageStore::Impl {
  std::string path;
  mutable std::mutex mutex;
  sqlite::DatabaseHandle db;  // empty: a read-only store over a file not written yet
  std::array<sqlite::StatementHandle, kSqlCount> statements;

  Use Statement(Sql sql) const { return Use(statements[sql].get()); }
  Error SqlError(const std::string& doing) const {
    return Error{ErrorCode::kInternal,
                 std::string(kStore) + ": " + doing + ": " + (db ? sqlite3_errmsg(db.get()) : "no database"), path};
  }
};

GapTriageStore::GapTriageStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GapTriageStore::~GapTriageStore() = default;

Result<std::unique_ptr<GapTriageStore>> GapTriageStore::Open(const std::string& data_dir) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->path = (std::filesystem::path(data_dir) / kFile).string();
    Result<sqlite::DatabaseHandle> db = sqlite::OpenDatabase(data_dir, kFile, kStore, kMigrations);
    if (!db.ok()) return db.error();
    impl->db = std::move(*db);
    if (std::optional<Error> error = sqlite::PrepareAll(impl->db.get(), kSql, impl->statements, kStore, impl->path)) {
      return *error;
    }
    return std::unique_ptr<GapTriageStore>(new GapTriageStore(std::move(impl)));
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "triage store: unexpected failure while opening", data_dir};
  }
}

Result<std::unique_ptr<GapTriageStore>> GapTriageStore::OpenReadOnly(const std::string& data_dir) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->path = (std::filesystem::path(data_dir) / kFile).string();
    Result<sqlite::DatabaseHandle> db = sqlite::OpenDatabaseReadOnly(data_dir, kFile, kStore, kSchemaVersion);
    if (!db.ok()) return db.error();
    impl->db = std::move(*db);
    if (impl->db) {
      // Only the listing is prepared: the others would write.
      sqlite3_stmt* list = nullptr;
      if (sqlite3_prepare_v3(impl->db.get(), kSql[kList], -1, SQLITE_PREPARE_PERSISTENT, &list, nullptr) !=
          SQLITE_OK) {
        return impl->SqlError("preparing the listing");
      }
      impl->statements[kList].reset(list);
    }
    return std::unique_ptr<GapTriageStore>(new GapTriageStore(std::move(impl)));
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "triage store: unexpected failure while opening", data_dir};
  }
}

Result<bool> GapTriageStore::Set(TriageEntry entry) {
  Impl& s = *impl_;
  if (entry.key.empty() || entry.key.size() > kMaxTriageKeyBytes || !search::IsValidUtf8(entry.key)) {
    return Error{ErrorCode::kInvalidInput,
                 "the key must be 1 to " + std::to_string(kMaxTriageKeyBytes) + " bytes of UTF-8", "key"};
  }
  if (entry.at_ms == 0) entry.at_ms = sqlite::NowMilliseconds();
  std::lock_guard lock(s.mutex);
  if (!s.db || !s.statements[kUpsert]) return s.SqlError("recording a triage (read-only)");
  Use upsert = s.Statement(kUpsert);
  upsert.Bind(1, entry.kind)
      .Bind(2, entry.key)
      .Bind(3, TriageStateName(entry.state))
      .Bind(4, entry.visits)
      .Bind(5, entry.at_ms)
      .Bind(6, entry.agent);
  if (upsert.Step() != SQLITE_DONE) return s.SqlError("recording a triage");
  return true;
}

Result<bool> GapTriageStore::Clear(std::string_view kind, std::string_view key) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  if (!s.db || !s.statements[kDelete]) return s.SqlError("clearing a triage (read-only)");
  Use remove = s.Statement(kDelete);
  remove.Bind(1, kind).Bind(2, key);
  if (remove.Step() != SQLITE_DONE) return s.SqlError("clearing a triage");
  return sqlite3_changes(s.db.get()) > 0;
}

Result<std::vector<TriageEntry>> GapTriageStore::All() const {
  const Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  std::vector<TriageEntry> entries;
  if (!s.db) return entries;
  Use list = s.Statement(kList);
  int rc;
  while ((rc = list.Step()) == SQLITE_ROW) {
    TriageEntry entry;
    entry.kind = list.Text(0);
    entry.key = list.Text(1);
    entry.state = ParseTriageState(list.Text(2)).value_or(TriageState::kDismissed);
    entry.visits = list.Int(3);
    entry.at_ms = list.Int(4);
    entry.agent = list.Text(5);
    entries.push_back(std::move(entry));
  }
  if (rc != SQLITE_DONE) return s.SqlError("listing triage");
  return entries;
}

}  // namespace helpdex::stores

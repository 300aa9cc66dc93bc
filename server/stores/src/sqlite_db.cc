#include "sqlite_db.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace helpdex::stores::sqlite {
namespace {

// Creates the database file readable by its owner only, before SQLite opens
// it. An existing file is left as it is.
void CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
}

Error SqlError(sqlite3* db, std::string_view store, const std::string& doing, const std::string& path) {
  return Error{ErrorCode::kInternal, std::string(store) + ": " + doing + ": " + sqlite3_errmsg(db), path};
}

// Opens `path` with `flags` (never through a symlink; one connection shared
// by threads), extended result codes and a 5 s busy timeout.
Result<DatabaseHandle> OpenHandle(const std::string& path, int flags, std::string_view store) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX, nullptr);
  DatabaseHandle db(raw);  // sqlite3_open_v2 allocates a handle even when it fails
  if (opened != SQLITE_OK) {
    return Error{ErrorCode::kInternal,
                 std::string(store) + ": cannot open: " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(opened)),
                 path};
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// The database's user_version (the schema version the migrations set), or
// -1 when it cannot be read.
int SchemaVersion(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, "PRAGMA user_version", -1, 0, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return -1;
  }
  StatementHandle statement(raw);
  return sqlite3_step(statement.get()) == SQLITE_ROW ? sqlite3_column_int(statement.get(), 0) : -1;
}

// Brings the schema up to migrations.size() inside one write transaction, so
// two processes opening a new store at once cannot both create it.
std::optional<Error> Migrate(sqlite3* db, std::string_view store, std::span<const char* const> migrations,
                             const std::string& path) {
  if (!ExecuteScript(db, "BEGIN IMMEDIATE")) return SqlError(db, store, "starting the schema check", path);
  const int version = SchemaVersion(db);
  if (version < 0) {
    Error error = SqlError(db, store, "reading the schema version", path);
    ExecuteScript(db, "ROLLBACK");
    return error;
  }
  const int latest = static_cast<int>(migrations.size());
  if (version > latest) {
    ExecuteScript(db, "ROLLBACK");
    return Error{ErrorCode::kInternal,
                 std::string(store) + ": the database has schema version " + std::to_string(version) +
                     ", newer than this helpdex understands (" + std::to_string(latest) + ")",
                 path};
  }
  for (int from = version; from < latest; ++from) {
    if (!ExecuteScript(db, migrations[static_cast<size_t>(from)])) {
      Error error = SqlError(db, store, "upgrading the schema to version " + std::to_string(from + 1), path);
      ExecuteScript(db, "ROLLBACK");
      return error;
    }
  }
  if (!ExecuteScript(db, "COMMIT")) {
    Error error = SqlError(db, store, "saving the schema", path);
    ExecuteScript(db, "ROLLBACK");
    return error;
  }
  return std::nullopt;
}

// PRAGMA quick_check: SQLite's O(N) check of every page's structure (not of
// index contents against tables), run when a store opens so that damage shows
// at start, naming the file and the repair, not as failures hours later.
std::optional<Error> CheckIntegrity(sqlite3* db, std::string_view store, const std::string& path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA quick_check(5)", -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqlError(db, store, "checking the file (PRAGMA quick_check)", path);
  }
  StatementHandle check(raw);
  std::string findings;
  int rc;
  while ((rc = sqlite3_step(check.get())) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(check.get(), 0);
    const std::string line = text == nullptr ? "" : reinterpret_cast<const char*>(text);
    if (line == "ok") continue;
    if (!findings.empty()) findings += "; ";
    findings += line;
  }
  if (rc != SQLITE_DONE && findings.empty()) findings = sqlite3_errmsg(db);
  if (findings.empty()) return std::nullopt;
  return Error{ErrorCode::kInternal,
               std::string(store) + ": the file is damaged (PRAGMA quick_check: " + findings +
                   "). Move it aside (mv " + path + " " + path + ".damaged, with its -wal and -shm files) and "
                   "start again: an empty one is created",
               path};
}

}  // namespace

bool ExecuteScript(sqlite3* db, const char* sql) {
  const char* rest = sql;
  while (rest != nullptr && *rest != '\0') {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(db, rest, -1, 0, &raw, &tail) != SQLITE_OK) {
      sqlite3_finalize(raw);
      return false;
    }
    StatementHandle statement(raw);
    rest = tail;
    if (!statement) continue;  // only whitespace or comments were left
    int rc;
    while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return false;
  }
  return true;
}

Result<DatabaseHandle> OpenDatabase(const std::string& data_dir, const std::string& file_name,
                                    std::string_view store, std::span<const char* const> migrations) {
  if (data_dir.empty()) {
    return Error{ErrorCode::kInvalidInput, std::string(store) + ": no data folder given", "data"};
  }
  const std::string path = (std::filesystem::path(data_dir) / file_name).string();
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return Error{ErrorCode::kInternal, std::string(store) + ": cannot create the data folder: " + ec.message(),
                 data_dir};
  }
  CreatePrivateFile(path);

  Result<DatabaseHandle> db = OpenHandle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, store);
  if (!db.ok()) return db.error();
  sqlite3* raw = db->get();
  // Refuse SQL that could corrupt the file even if it somehow got through.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  // WAL lets the CLI read and write while the server does; NORMAL is durable
  // across application crashes in WAL mode.
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
                             "PRAGMA trusted_schema = OFF", "PRAGMA foreign_keys = ON"}) {
    if (!ExecuteScript(raw, pragma)) {
      // A file that is not a database at all fails here ("file is not a database").
      Error error = SqlError(raw, store, std::string("running ") + pragma, path);
      error.message += ". If the file is damaged, move it aside (mv " + path + " " + path +
                       ".damaged) and start again: an empty one is created";
      return error;
    }
  }
  if (std::optional<Error> error = CheckIntegrity(raw, store, path)) return *error;
  if (std::optional<Error> error = Migrate(raw, store, migrations, path)) return *error;
  return db;
}

Result<DatabaseHandle> OpenDatabaseReadOnly(const std::string& data_dir, const std::string& file_name,
                                            std::string_view store, int schema_version) {
  if (data_dir.empty()) {
    return Error{ErrorCode::kInvalidInput, std::string(store) + ": no data folder given", "data"};
  }
  const std::string path = (std::filesystem::path(data_dir) / file_name).string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return DatabaseHandle();
  Result<DatabaseHandle> db = OpenHandle(path, SQLITE_OPEN_READONLY, store);
  if (!db.ok()) return db.error();
  sqlite3* raw = db->get();
  if (!ExecuteScript(raw, "PRAGMA trusted_schema = OFF")) return SqlError(raw, store, "setting trusted_schema", path);
  if (std::optional<Error> error = CheckIntegrity(raw, store, path)) return *error;
  const int version = SchemaVersion(raw);
  if (version < 0) return SqlError(raw, store, "reading the schema version", path);
  if (version != schema_version) {
    return Error{ErrorCode::kInternal,
                 std::string(store) + ": the database has schema version " + std::to_string(version) +
                     ", this helpdex reads version " + std::to_string(schema_version) +
                     (version < schema_version ? " (start `helpdex serve` once to upgrade it)" : ""),
                 path};
  }
  return db;
}

std::optional<Error> PrepareAll(sqlite3* db, std::span<const char* const> sql, std::span<StatementHandle> out,
                                std::string_view store, const std::string& path) {
  for (size_t i = 0; i < sql.size() && i < out.size(); ++i) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
      sqlite3_finalize(statement);
      return SqlError(db, store, "preparing statements", path);
    }
    out[i].reset(statement);
  }
  return std::nullopt;
}

int64_t NowMilliseconds() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace helpdex::stores::sqlite

// SQLite plumbing shared by the stores in DATA/ (agents.db, events.db,
// contact.db): opening a private file with the same safety settings, schema
// migrations by user_version, and one-use wrappers over prepared statements.
// Data only ever reaches SQLite through bind calls.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "helpdex/search/error.h"

namespace helpdex::stores::sqlite {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// One use of a prepared statement: bind, step, read columns; the destructor
// resets it and drops the bindings so that no data lingers between uses.
class Use {
 public:
  explicit Use(sqlite3_stmt* statement) : statement_(statement) {}
  ~Use() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  Use& Bind(int index, std::string_view text) {
    // An empty string_view may have a null data(), which SQLite would bind as NULL.
    const char* data = text.empty() ? "" : text.data();
    Remember(sqlite3_bind_text64(statement_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  Use& Bind(int index, int64_t value) {
    Remember(sqlite3_bind_int64(statement_, index, value));
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code (a failed bind comes first).
  int Step() { return bind_error_ != SQLITE_OK ? bind_error_ : sqlite3_step(statement_); }

  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    if (text == nullptr) return "";
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
  }
  int64_t Int(int column) const { return sqlite3_column_int64(statement_, column); }

 private:
  void Remember(int rc) {
    if (bind_error_ == SQLITE_OK) bind_error_ = rc;
  }
  sqlite3_stmt* statement_;
  int bind_error_ = SQLITE_OK;
};

// Runs every statement of a constant script, in order.
bool ExecuteScript(sqlite3* db, const char* sql);

// Opens DATA_DIR/FILE_NAME, created readable by its owner only (SQLite gives
// the -wal and -shm files the same mode), refusing a symlink, with WAL,
// synchronous NORMAL, trusted_schema OFF, foreign keys and the defensive flag,
// checks the file (PRAGMA quick_check: a damaged file is an error naming it
// and the repair), then brings the schema up to migrations.size() inside one write
// transaction: migrations[v] takes user_version v to v+1 and ends by setting
// it. `store` names the store in errors ("agent store").
Result<DatabaseHandle> OpenDatabase(const std::string& data_dir, const std::string& file_name,
                                    std::string_view store, std::span<const char* const> migrations);

// Opens an existing DATA_DIR/FILE_NAME read-only, for reports and the
// command line: nothing is created, migrated or written, so a reader never
// changes what the server keeps. An empty handle when the file does not exist
// yet (nothing recorded); an error when its schema version is not
// `schema_version` (older: the server upgrades it on its next start).
Result<DatabaseHandle> OpenDatabaseReadOnly(const std::string& data_dir, const std::string& file_name,
                                            std::string_view store, int schema_version);

// Prepares each of `sql` into `out` (same order) for repeated use.
std::optional<Error> PrepareAll(sqlite3* db, std::span<const char* const> sql, std::span<StatementHandle> out,
                                std::string_view store, const std::string& path);

int64_t NowMilliseconds();

}  // namespace helpdex::stores::sqlite

// File: gap_triage.h
// Writers' triage of the gap report (/gaps): a gap dismissed ("not worth an
// article") or marked done ("article written") is kept in DATA/triage.db, so
// the next report leaves it out until it comes back (analytics::ApplyTriage
// defines when: more visits than when it was triaged, or kTriageExpiry later).
//
//   auto store = GapTriageStore::Open("var/data");
//   (*store)->Set({.kind = "search", .key = "reset password", .state = TriageState::kDismissed,
//                  .visits = 12, .agent = "kari"});
//   Result<std::vector<TriageEntry>> entries = (*store)->All();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/error.h"

namespace helpdex::stores {

enum class TriageState { kDismissed, kDone };

// "dismissed" or "done".
std::string_view TriageStateName(TriageState state);
std::optional<TriageState> ParseTriageState(std::string_view name);

struct TriageEntry {
  std::string kind;        // what was triaged: "search" (a failing-search topic)
  std::string key;         // which one: analytics::TriageKey() of the gap, at most kMaxTriageKeyBytes
  TriageState state = TriageState::kDismissed;
  int64_t visits = 0;      // the gap's distinct visits when it was triaged
  int64_t at_ms = 0;       // when (ms since the epoch); 0 = now
  std::string agent;       // who
};

inline constexpr size_t kMaxTriageKeyBytes = 1000;

class GapTriageStore {
 public:
  // DATA/triage.db, created (owner-only) when missing. kInternal naming the
  // file when SQLite fails.
  static Result<std::unique_ptr<GapTriageStore>> Open(const std::string& data_dir);
  // Read-only, for `helpdex gaps`: nothing is created or written; a store
  // with no entries when the server never wrote the file.
  static Result<std::unique_ptr<GapTriageStore>> OpenReadOnly(const std::string& data_dir);
  ~GapTriageStore();
  GapTriageStore(const GapTriageStore&) = delete;
  GapTriageStore& operator=(const GapTriageStore&) = delete;

  // Records (or replaces) the triage of (kind, key). kInvalidInput naming
  // "key" when the key is empty, too long or not UTF-8; kInternal on SQLite
  // failure (and on a read-only store).
  Result<bool> Set(TriageEntry entry);
  // Undoes a triage; false when there was none.
  Result<bool> Clear(std::string_view kind, std::string_view key);
  // Every entry, the newest first.
  Result<std::vector<TriageEntry>> All() const;

 private:
  struct Impl;
  explicit GapTriageStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace helpdex::stores

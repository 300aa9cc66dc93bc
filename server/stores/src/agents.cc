// Agent accounts, API tokens and sign-in sessions in DATA/agents.db.
//
// Secrets are never stored: passwords as argon2id encoded strings, API tokens
// and session cookie values as SHA-256 hex. Every statement is a constant
// string prepared once; data only ever reaches SQLite through bind calls.
// One connection, serialized by `mutex`; the password KDF runs outside the
// mutex so that a sign-in does not stall every other request for ~50 ms.
#include "helpdex/stores/agents.h"

#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"

#include "sqlite_db.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>

namespace helpdex::stores {
namespace {

using sqlite::DatabaseHandle;
using sqlite::NowMilliseconds;
using sqlite::StatementHandle;
using sqlite::Use;

// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane. The encoded
// string records these, so raising them later keeps old hashes verifiable.
constexpr uint32_t kArgonPasses = 2;
constexpr uint32_t kArgonMemoryKiB = 19456;
constexpr uint32_t kArgonLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kArgonHashBytes = 32;

constexpr size_t kMinPasswordCharacters = 12;
// Bounds the KDF input an account can be created with; far above any passphrase.
constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kGeneratedPasswordLength = 20;
// No 0/O/o, 1/l/I: generated passwords get read aloud and typed from paper.
constexpr std::string_view kPasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

constexpr size_t kSecretBytes = 32;
// A prefix makes leaked tokens findable by secret scanners and grep.
constexpr std::string_view kTokenPrefix = "hdx_";
// Our tokens and cookies are under 50 characters; anything much longer is not
// ours, and hashing it would only cost time.
constexpr size_t kMaxPresentedSecretBytes = 256;
// Client keys are peer addresses; the cap bounds what one row can hold.
constexpr size_t kMaxClientKeyBytes = 256;

constexpr char kUnauthorizedMessage[] = "wrong agent name or password";
constexpr char kRateLimitedMessage[] = "too many failed sign-ins; try again later";

// Schema history. kMigrations[v] takes a database from user_version v to v+1
// and ends by setting the new version, inside the caller's transaction.
constexpr int kSchemaVersion = 2;
constexpr const char* kMigrations[kSchemaVersion] = {
    R"sql(
CREATE TABLE agents (
  name TEXT PRIMARY KEY NOT NULL,
  password_hash TEXT NOT NULL,        -- argon2id encoded string (parameters, salt, hash)
  token_hash TEXT NOT NULL UNIQUE,    -- SHA-256 hex of the API token
  created TEXT NOT NULL,              -- ISO 8601 UTC
  last_sign_in TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY NOT NULL,  -- SHA-256 hex of the cookie value
  agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  expires INTEGER NOT NULL            -- milliseconds since the Unix epoch
);
CREATE INDEX sessions_by_agent ON sessions(agent);
CREATE INDEX sessions_by_expiry ON sessions(expires);
CREATE TABLE sign_in_failures (
  kind TEXT NOT NULL,                 -- 'name' or 'client'
  subject TEXT NOT NULL,              -- the agent name or the client key
  at INTEGER NOT NULL                 -- milliseconds since the Unix epoch
);
CREATE INDEX sign_in_failures_by_subject ON sign_in_failures(kind, subject, at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures(at);
PRAGMA user_version = 1;
)sql",
    // 2: sign-in limits per (name, client) pair with a growing wait instead of
    // per name (issue 16 #8: a name's failures from anywhere locked its agent
    // out). sign_in_failures keeps only the per-client rows.
    R"sql(
CREATE TABLE sign_in_pairs (
  name TEXT NOT NULL,                 -- the agent name tried
  client TEXT NOT NULL,               -- the client key (peer address)
  failures INTEGER NOT NULL,          -- failed sign-ins since the pair was last forgotten
  not_before INTEGER NOT NULL,        -- ms since the epoch; the pair is refused before it (0: no wait)
  forget_at INTEGER NOT NULL,         -- ms since the epoch; the row is pruned from then on
  PRIMARY KEY (name, client)
) WITHOUT ROWID;
CREATE INDEX sign_in_pairs_by_expiry ON sign_in_pairs(forget_at);
DELETE FROM sign_in_failures WHERE kind = 'name';
PRAGMA user_version = 2;
)sql",
};

// The prepared statements, one per operation.
enum Sql : int {
  kBegin,
  kCommit,
  kRollback,
  kAgentExists,
  kInsertAgent,
  kListAgents,
  kDeleteAgent,
  kFindToken,
  kFindPasswordHash,
  kSetLastSignIn,
  kCountFailures,
  kInsertFailure,
  kDeleteFailureRow,
  kPruneFailures,
  kNthNewestFailure,
  kFindPair,
  kSavePair,
  kDeletePair,
  kPrunePairs,
  kInsertSession,
  kFindSession,
  kDeleteSession,
  kPruneSessions,
  kSqlCount,
};

constexpr const char* kSql[kSqlCount] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SELECT 1 FROM agents WHERE name = ?1",
    "INSERT INTO agents(name, password_hash, token_hash, created, last_sign_in) VALUES (?1, ?2, ?3, ?4, '')",
    "SELECT name, created, last_sign_in FROM agents ORDER BY name",
    "DELETE FROM agents WHERE name = ?1",
    "SELECT name, token_hash FROM agents WHERE token_hash = ?1",
    "SELECT password_hash FROM agents WHERE name = ?1",
    "UPDATE agents SET last_sign_in = ?2 WHERE name = ?1",
    "SELECT count(*) FROM sign_in_failures WHERE kind = ?1 AND subject = ?2 AND at > ?3",
    "INSERT INTO sign_in_failures(kind, subject, at) VALUES (?1, ?2, ?3)",
    "DELETE FROM sign_in_failures WHERE rowid = ?1",
    "DELETE FROM sign_in_failures WHERE at <= ?1",
    // The time of the (?4+1)-th newest failure: when it leaves the window, the
    // count falls below the limit.
    "SELECT at FROM sign_in_failures WHERE kind = ?1 AND subject = ?2 AND at > ?3 ORDER BY at DESC LIMIT 1 OFFSET ?4",
    "SELECT failures, not_before FROM sign_in_pairs WHERE name = ?1 AND client = ?2",
    "INSERT INTO sign_in_pairs(name, client, failures, not_before, forget_at) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(name, client) DO UPDATE SET failures = excluded.failures, not_before = excluded.not_before, "
    "forget_at = excluded.forget_at",
    "DELETE FROM sign_in_pairs WHERE name = ?1 AND client = ?2",
    "DELETE FROM sign_in_pairs WHERE forget_at <= ?1",
    "INSERT INTO sessions(id_hash, agent, csrf_token, expires) VALUES (?1, ?2, ?3, ?4)",
    // The join is a second line of defence should a session outlive its agent
    // (a connection without foreign_keys=ON deleting the agent).
    "SELECT s.id_hash, s.agent, s.csrf_token, s.expires FROM sessions s JOIN agents a ON a.name = s.agent "
    "WHERE s.id_hash = ?1",
    "DELETE FROM sessions WHERE id_hash = ?1",
    "DELETE FROM sessions WHERE expires <= ?1",
};

std::string IsoUtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text, length);
}

bool RandomBytes(unsigned char* out, size_t count) { return RAND_bytes(out, static_cast<int>(count)) == 1; }

std::string Hex(const unsigned char* bytes, size_t count) {
  return search::HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), count));
}

// RFC 4648 section 5 without padding: safe in headers, cookies and URLs.
std::string Base64Url(const unsigned char* bytes, size_t count) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  text.reserve((count * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= count; i += 3) {
    const uint32_t group = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    text += kAlphabet[(group >> 18) & 63];
    text += kAlphabet[(group >> 12) & 63];
    text += kAlphabet[(group >> 6) & 63];
    text += kAlphabet[group & 63];
  }
  if (count - i == 1) {
    const uint32_t group = uint32_t{bytes[i]} << 16;
    text += kAlphabet[(group >> 18) & 63];
    text += kAlphabet[(group >> 12) & 63];
  } else if (count - i == 2) {
    const uint32_t group = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8);
    text += kAlphabet[(group >> 18) & 63];
    text += kAlphabet[(group >> 12) & 63];
    text += kAlphabet[(group >> 6) & 63];
  }
  return text;
}

// SHA-256 as 64 hex digits, or "" if OpenSSL fails (callers treat that as no match).
std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) return "";
  return Hex(digest, length);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.empty() || a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// 32 random bytes, base64url, after `prefix`; nullopt if the RNG fails.
std::optional<std::string> NewSecret(std::string_view prefix) {
  std::array<unsigned char, kSecretBytes> bytes{};
  if (!RandomBytes(bytes.data(), bytes.size())) return std::nullopt;
  std::string secret(prefix);
  secret += Base64Url(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return secret;
}

std::optional<std::string> NewCsrfToken() {
  std::array<unsigned char, kSecretBytes> bytes{};
  if (!RandomBytes(bytes.data(), bytes.size())) return std::nullopt;
  return Hex(bytes.data(), bytes.size());
}

// Rejection sampling: bytes at or above the largest multiple of the alphabet
// size are drawn again, so every character is equally likely.
std::optional<std::string> GeneratePassword() {
  constexpr unsigned kAlphabetSize = kPasswordAlphabet.size();
  constexpr unsigned kLimit = 256 - 256 % kAlphabetSize;
  std::string password;
  std::array<unsigned char, 64> bytes{};
  while (password.size() < kGeneratedPasswordLength) {
    if (!RandomBytes(bytes.data(), bytes.size())) return std::nullopt;
    for (unsigned char byte : bytes) {
      if (byte >= kLimit) continue;
      password += kPasswordAlphabet[byte % kAlphabetSize];
      if (password.size() == kGeneratedPasswordLength) break;
    }
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return password;
}

// An argon2id encoded string, or nullopt if the RNG or the KDF fails.
std::optional<std::string> HashPassword(std::string_view password) {
  std::array<unsigned char, kSaltBytes> salt{};
  if (!RandomBytes(salt.data(), salt.size())) return std::nullopt;
  std::string encoded(
      argon2_encodedlen(kArgonPasses, kArgonMemoryKiB, kArgonLanes, kSaltBytes, kArgonHashBytes, Argon2_id), '\0');
  const char* data = password.empty() ? "" : password.data();
  if (argon2id_hash_encoded(kArgonPasses, kArgonMemoryKiB, kArgonLanes, data, password.size(), salt.data(), salt.size(),
                            kArgonHashBytes, encoded.data(), encoded.size()) != ARGON2_OK) {
    return std::nullopt;
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

// ARGON2_OK, ARGON2_VERIFY_MISMATCH, or another argon2 error code.
int VerifyPassword(const std::string& encoded, std::string_view password) {
  const char* data = password.empty() ? "" : password.data();
  return argon2id_verify(encoded.c_str(), data, password.size());
}

}  // namespace

bool IsValidAgentName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

struct AgentStore::Impl {
  std::string path;
  AgentStoreOptions options;
  std::mutex mutex;
  // Declared before the statements so that they are finalized first.
  DatabaseHandle db;
  std::array<StatementHandle, kSqlCount> statements;

  // Verified against when the name is unknown, so that an unknown name costs
  // the same KDF time as a wrong password. Made on first need.
  std::once_flag dummy_hash_once;
  std::string dummy_hash;

  Error SqlError(const std::string& doing) const {
    return Error{ErrorCode::kInternal, "agent store: " + doing + ": " + sqlite3_errmsg(db.get()), path};
  }
  Error Failure(const std::string& what) const { return Error{ErrorCode::kInternal, "agent store: " + what, path}; }

  Use Statement(Sql sql) { return Use(statements[sql].get()); }

  // Milliseconds since the Unix epoch by the configured clock.
  int64_t Now() const {
    if (!options.clock) return NowMilliseconds();
    return std::chrono::duration_cast<std::chrono::milliseconds>(options.clock().time_since_epoch()).count();
  }

  // The wait a pair's next attempt gets after its `beyond`-th limited failure
  // (1 = the last free one): first_delay doubled per further failure, at most
  // max_delay.
  int64_t PairDelay(int64_t beyond) const {
    const int64_t first = std::chrono::duration_cast<std::chrono::milliseconds>(options.first_delay).count();
    const int64_t cap = std::chrono::duration_cast<std::chrono::milliseconds>(options.max_delay).count();
    if (beyond <= 0 || first <= 0) return 0;
    int64_t delay = first;
    for (int64_t i = 1; i < beyond && delay < cap; ++i) delay *= 2;
    return std::min(delay, cap);
  }

  // Runs a statement that returns no rows.
  bool Run(Sql sql) { return Statement(sql).Step() == SQLITE_DONE; }
  void Rollback() { Run(kRollback); }

  const std::string& DummyHash() {
    std::call_once(dummy_hash_once, [this] {
      std::optional<std::string> password = GeneratePassword();
      if (!password) return;
      if (std::optional<std::string> hash = HashPassword(*password)) dummy_hash = std::move(*hash);
    });
    return dummy_hash;
  }

  // Failures of `kind`/`subject` after `since`, or -1 on an SQLite error.
  int64_t CountFailures(std::string_view kind, std::string_view subject, int64_t since) {
    Use count = Statement(kCountFailures);
    count.Bind(1, kind).Bind(2, subject).Bind(3, since);
    if (count.Step() != SQLITE_ROW) return -1;
    return count.Int(0);
  }

  // The rowid of the new failure row, or -1 on an SQLite error.
  int64_t RecordFailure(std::string_view kind, std::string_view subject, int64_t at) {
    Use insert = Statement(kInsertFailure);
    insert.Bind(1, kind).Bind(2, subject).Bind(3, at);
    if (insert.Step() != SQLITE_DONE) return -1;
    return sqlite3_last_insert_rowid(db.get());
  }
};

AgentStore::AgentStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AgentStore::~AgentStore() = default;

Result<std::unique_ptr<AgentStore>> AgentStore::Open(const std::string& data_dir, AgentStoreOptions options) {
  try {
    if (data_dir.empty()) {
      return Error{ErrorCode::kInvalidInput, "agent store: no data folder given", "data"};
    }
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->path = (std::filesystem::path(data_dir) / "agents.db").string();
    Result<sqlite::DatabaseHandle> db = sqlite::OpenDatabase(data_dir, "agents.db", "agent store", kMigrations);
    if (!db.ok()) return db.error();
    impl->db = std::move(*db);
    if (std::optional<Error> error =
            sqlite::PrepareAll(impl->db.get(), kSql, impl->statements, "agent store", impl->path)) {
      return *error;
    }
    return std::unique_ptr<AgentStore>(new AgentStore(std::move(impl)));
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "agent store: unexpected failure while opening", data_dir};
  }
}

Result<AgentCredentials> AgentStore::AddAgent(const std::string& name, std::optional<std::string> password) {
  Impl& s = *impl_;
  try {
    if (!IsValidAgentName(name)) {
      return Error{ErrorCode::kInvalidInput,
                   "an agent name is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '@' and '-'", "name"};
    }
    AgentCredentials credentials{name, "", std::nullopt};
    if (password) {
      if (search::CountCodePoints(*password) < kMinPasswordCharacters) {
        return Error{ErrorCode::kInvalidInput,
                     "a password needs at least " + std::to_string(kMinPasswordCharacters) + " characters", "password"};
      }
      if (password->size() > kMaxPasswordBytes) {
        return Error{ErrorCode::kInvalidInput,
                     "a password can have at most " + std::to_string(kMaxPasswordBytes) + " bytes", "password"};
      }
    } else {
      password = GeneratePassword();
      if (!password) return s.Failure("the random number generator failed");
      credentials.password = password;
    }
    const Error conflict{ErrorCode::kConflict, "an agent with this name already exists", "name"};
    {
      // Checked before the KDF so that a duplicate is refused at once; the
      // primary key still decides a race with another process.
      std::lock_guard lock(s.mutex);
      Use exists = s.Statement(kAgentExists);
      exists.Bind(1, name);
      const int rc = exists.Step();
      if (rc == SQLITE_ROW) return conflict;
      if (rc != SQLITE_DONE) return s.SqlError("looking up an agent");
    }
    std::optional<std::string> password_hash = HashPassword(*password);
    if (!password_hash) return s.Failure("hashing the password failed");
    std::optional<std::string> token = NewSecret(kTokenPrefix);
    if (!token) return s.Failure("the random number generator failed");
    const std::string token_hash = Sha256Hex(*token);
    if (token_hash.empty()) return s.Failure("hashing the token failed");

    std::lock_guard lock(s.mutex);
    Use insert = s.Statement(kInsertAgent);
    insert.Bind(1, name).Bind(2, *password_hash).Bind(3, token_hash).Bind(4, IsoUtcNow());
    const int rc = insert.Step();
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) return conflict;
    if (rc != SQLITE_DONE) return s.SqlError("adding an agent");
    credentials.token = std::move(*token);
    return credentials;
  } catch (const std::exception&) {
    return s.Failure("unexpected failure while adding an agent");
  }
}

Result<std::vector<AgentInfo>> AgentStore::ListAgents() {
  Impl& s = *impl_;
  try {
    std::lock_guard lock(s.mutex);
    std::vector<AgentInfo> agents;
    Use list = s.Statement(kListAgents);
    int rc;
    while ((rc = list.Step()) == SQLITE_ROW) agents.push_back(AgentInfo{list.Text(0), list.Text(1), list.Text(2)});
    if (rc != SQLITE_DONE) return s.SqlError("listing agents");
    return agents;
  } catch (const std::exception&) {
    return s.Failure("unexpected failure while listing agents");
  }
}

Result<bool> AgentStore::RemoveAgent(const std::string& name) {
  Impl& s = *impl_;
  try {
    std::lock_guard lock(s.mutex);
    Use remove = s.Statement(kDeleteAgent);
    remove.Bind(1, name);
    if (remove.Step() != SQLITE_DONE) return s.SqlError("removing an agent");
    // Sessions go by ON DELETE CASCADE; the token was a column of the row.
    if (sqlite3_changes(s.db.get()) == 0) {
      return Error{ErrorCode::kNotFound, "there is no agent with this name", "name"};
    }
    return true;
  } catch (const std::exception&) {
    return s.Failure("unexpected failure while removing an agent");
  }
}

std::optional<std::string> AgentStore::AuthenticateToken(std::string_view token) {
  Impl& s = *impl_;
  try {
    if (token.empty() || token.size() > kMaxPresentedSecretBytes) return std::nullopt;
    const std::string token_hash = Sha256Hex(token);
    if (token_hash.empty()) return std::nullopt;
    std::lock_guard lock(s.mutex);
    Use find = s.Statement(kFindToken);
    find.Bind(1, token_hash);
    if (find.Step() != SQLITE_ROW) return std::nullopt;
    if (!ConstantTimeEquals(find.Text(1), token_hash)) return std::nullopt;
    return find.Text(0);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Result<NewSession> AgentStore::SignIn(std::string_view name, std::string_view password, std::string_view client_key,
                                     std::chrono::seconds* retry_after) {
  Impl& s = *impl_;
  try {
    const Error unauthorized{ErrorCode::kUnauthorized, kUnauthorizedMessage, ""};
    const Error rate_limited{ErrorCode::kRateLimited, kRateLimitedMessage, ""};
    const int64_t now = s.Now();
    const int64_t window = std::chrono::duration_cast<std::chrono::milliseconds>(s.options.failure_window).count();
    const int64_t window_start = now - window;
    // A name that cannot exist has no account to protect; not keying on it
    // keeps junk names out of the table (the client limit still applies).
    const bool limit_pair = IsValidAgentName(name);
    const std::string_view client = client_key.substr(0, kMaxClientKeyBytes);

    std::string stored_hash;
    int64_t client_failure_row = -1;
    {
      std::lock_guard lock(s.mutex);
      // Both tables stay bounded: rows go once they can no longer refuse anyone.
      {
        Use prune = s.Statement(kPruneFailures);
        prune.Bind(1, window_start);
        if (prune.Step() != SQLITE_DONE) return s.SqlError("pruning old sign-in failures");
      }
      {
        Use prune = s.Statement(kPrunePairs);
        prune.Bind(1, now);
        if (prune.Step() != SQLITE_DONE) return s.SqlError("pruning old sign-in failures");
      }

      // The latest moment a limit refuses this attempt until; 0 if none does.
      int64_t refused_until = 0;
      int64_t pair_failures = 0;
      if (limit_pair) {
        Use find = s.Statement(kFindPair);
        find.Bind(1, name).Bind(2, client);
        const int rc = find.Step();
        if (rc == SQLITE_ROW) {
          pair_failures = find.Int(0);
          if (find.Int(1) > now) refused_until = std::max(refused_until, find.Int(1));
        } else if (rc != SQLITE_DONE) {
          return s.SqlError("reading sign-in failures");
        }
      }
      if (!client.empty()) {
        const int64_t failures = s.CountFailures("client", client, window_start);
        if (failures < 0) return s.SqlError("counting sign-in failures");
        if (failures >= s.options.max_client_failures) {
          // Refused until the failure that keeps the count at the limit ages out.
          Use nth = s.Statement(kNthNewestFailure);
          nth.Bind(1, std::string_view("client")).Bind(2, client).Bind(3, window_start);
          nth.Bind(4, static_cast<int64_t>(std::max(s.options.max_client_failures, 1) - 1));
          const int64_t at = nth.Step() == SQLITE_ROW ? nth.Int(0) : now;
          refused_until = std::max(refused_until, at + window);
        }
      }
      if (refused_until > now) {
        // Rounded up, so that a client coming back on time is not refused again.
        if (retry_after != nullptr) {
          *retry_after = std::chrono::seconds(std::max<int64_t>(1, (refused_until - now + 999) / 1000));
        }
        return rate_limited;
      }

      // Counted as failures before the KDF runs, so that parallel guesses
      // cannot all slip in under the limit; a success takes them back.
      if (limit_pair) {
        const int64_t failures = pair_failures + 1;
        const int64_t not_before =
            failures >= s.options.pair_free_failures
                ? now + s.PairDelay(failures - s.options.pair_free_failures + 1)
                : 0;
        Use save = s.Statement(kSavePair);
        save.Bind(1, name).Bind(2, client).Bind(3, failures).Bind(4, not_before);
        save.Bind(5, std::max(now, not_before) + window);
        if (save.Step() != SQLITE_DONE) return s.SqlError("recording a sign-in failure");
      }
      if (!client.empty()) {
        client_failure_row = s.RecordFailure("client", client, now);
        if (client_failure_row < 0) return s.SqlError("recording a sign-in failure");
      }
      if (limit_pair) {
        Use find = s.Statement(kFindPasswordHash);
        find.Bind(1, name);
        const int rc = find.Step();
        if (rc == SQLITE_ROW) {
          stored_hash = find.Text(0);
        } else if (rc != SQLITE_DONE) {
          return s.SqlError("looking up an agent");
        }
      }
    }

    // Outside the lock: the KDF takes tens of milliseconds.
    if (stored_hash.empty()) {
      VerifyPassword(s.DummyHash(), password);
      return unauthorized;
    }
    const int verified = VerifyPassword(stored_hash, password);
    if (verified == ARGON2_VERIFY_MISMATCH) return unauthorized;
    if (verified != ARGON2_OK) return s.Failure("the stored password hash cannot be checked");

    std::optional<std::string> cookie_value = NewSecret("");
    std::optional<std::string> csrf_token = NewCsrfToken();
    if (!cookie_value || !csrf_token) return s.Failure("the random number generator failed");
    const std::string id_hash = Sha256Hex(*cookie_value);
    if (id_hash.empty()) return s.Failure("hashing the session id failed");
    const int64_t expires =
        now + std::chrono::duration_cast<std::chrono::milliseconds>(s.options.session_lifetime).count();

    std::lock_guard lock(s.mutex);
    if (!s.Run(kBegin)) return s.SqlError("starting a sign-in");
    auto fail = [&](const std::string& doing) {
      Error error = s.SqlError(doing);
      s.Rollback();
      return error;
    };
    {
      Use update = s.Statement(kSetLastSignIn);
      update.Bind(1, name).Bind(2, IsoUtcNow());
      if (update.Step() != SQLITE_DONE) return fail("recording the sign-in");
    }
    {
      // This pair's failures only: other clients' attempts at the name stand.
      Use clear = s.Statement(kDeletePair);
      clear.Bind(1, name).Bind(2, client);
      if (clear.Step() != SQLITE_DONE) return fail("clearing sign-in failures");
    }
    if (client_failure_row >= 0) {
      Use forget = s.Statement(kDeleteFailureRow);
      forget.Bind(1, client_failure_row);
      if (forget.Step() != SQLITE_DONE) return fail("clearing sign-in failures");
    }
    {
      Use prune = s.Statement(kPruneSessions);
      prune.Bind(1, now);
      if (prune.Step() != SQLITE_DONE) return fail("removing expired sessions");
    }
    {
      Use insert = s.Statement(kInsertSession);
      insert.Bind(1, id_hash).Bind(2, name).Bind(3, *csrf_token).Bind(4, expires);
      const int rc = insert.Step();
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        // The agent was removed while its password was being checked.
        s.Rollback();
        return unauthorized;
      }
      if (rc != SQLITE_DONE) return fail("starting a session");
    }
    if (!s.Run(kCommit)) return fail("saving the sign-in");
    return NewSession{std::move(*cookie_value), std::move(*csrf_token)};
  } catch (const std::exception&) {
    return s.Failure("unexpected failure while signing in");
  }
}

std::optional<Session> AgentStore::FindSession(std::string_view cookie_value) {
  Impl& s = *impl_;
  try {
    if (cookie_value.empty() || cookie_value.size() > kMaxPresentedSecretBytes) return std::nullopt;
    const std::string id_hash = Sha256Hex(cookie_value);
    if (id_hash.empty()) return std::nullopt;
    std::lock_guard lock(s.mutex);
    Session session;
    {
      Use find = s.Statement(kFindSession);
      find.Bind(1, id_hash);
      if (find.Step() != SQLITE_ROW) return std::nullopt;
      if (!ConstantTimeEquals(find.Text(0), id_hash)) return std::nullopt;
      if (find.Int(3) > s.Now()) return Session{find.Text(1), find.Text(2)};
    }
    Use remove = s.Statement(kDeleteSession);
    remove.Bind(1, id_hash);
    remove.Step();  // best effort: an expired row is never returned anyway
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void AgentStore::SignOut(std::string_view cookie_value) {
  Impl& s = *impl_;
  try {
    if (cookie_value.empty() || cookie_value.size() > kMaxPresentedSecretBytes) return;
    const std::string id_hash = Sha256Hex(cookie_value);
    if (id_hash.empty()) return;
    std::lock_guard lock(s.mutex);
    Use remove = s.Statement(kDeleteSession);
    remove.Bind(1, id_hash);
    remove.Step();
  } catch (const std::exception&) {
    // Nothing to report to: the cookie is cleared by the caller either way.
  }
}

bool AgentStore::CsrfTokenMatches(const Session& session, std::string_view submitted) {
  return ConstantTimeEquals(session.csrf_token, submitted);
}

}  // namespace helpdex::stores

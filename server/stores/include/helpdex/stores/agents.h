// File: agents.h
// Agent accounts, API tokens and sign-in sessions, in SQLite (DATA/agents.db).
// Passwords are hashed with argon2id; API tokens and session ids are 32 random
// bytes, stored only as SHA-256 hashes and compared in constant time; failed
// sign-ins are limited per (agent name, client) pair, with a growing wait, and
// per client across names, but never per name alone: someone who knows a name
// cannot keep its agent out from another address. Used by the server
// (sign-in, Bearer tokens, CSRF) and by `helpdex agent add|list|remove`.
//
//   Result<std::unique_ptr<AgentStore>> store = AgentStore::Open("var/data");
//   Result<AgentCredentials> agent = (*store)->AddAgent("kari", std::nullopt);
//   std::optional<std::string> name = (*store)->AuthenticateToken(agent->token);
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/error.h"

namespace helpdex::stores {

// Agent names: 1-64 characters of [A-Za-z0-9._@-].
bool IsValidAgentName(std::string_view name);

struct AgentCredentials {
  std::string name;
  std::string token;                    // shown once; only its hash is stored
  std::optional<std::string> password;  // set when AddAgent generated it
};

struct AgentInfo {
  std::string name;
  std::string created;       // ISO 8601 UTC
  std::string last_sign_in;  // ISO 8601 UTC, "" if never
};

// A signed-in browser session.
struct Session {
  std::string agent;
  std::string csrf_token;  // the synchronizer token for this session's forms
};

struct NewSession {
  std::string cookie_value;  // goes into the session cookie; only its hash is stored
  std::string csrf_token;
};

struct AgentStoreOptions {
  std::chrono::seconds session_lifetime{std::chrono::hours(12)};
  // Per (name, client) pair: after `pair_free_failures` failed sign-ins the
  // pair's next attempt is refused for `first_delay`, and each further
  // failure doubles the wait, at most `max_delay` (1 s, 2 s, 4 s ... 15 min).
  // A pair's failures are forgotten on a success, or `failure_window` after
  // its last failure or the end of its wait, whichever is later.
  int pair_free_failures = 5;
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay{std::chrono::minutes(15)};
  // Per client across all names (password spraying): at most this many
  // failures in `failure_window`, then refused until the oldest ages out.
  int max_client_failures = 20;
  std::chrono::seconds failure_window{std::chrono::minutes(15)};
  // The store's clock for sessions and sign-in limits; empty = the system
  // clock. Tests inject one to step over waits without sleeping.
  std::function<std::chrono::system_clock::time_point()> clock;
};

// Thread-safe (one SQLite connection, serialized inside).
class AgentStore {
 public:
  // Opens or creates DATA_DIR/agents.db (WAL, prepared statements only).
  static Result<std::unique_ptr<AgentStore>> Open(const std::string& data_dir, AgentStoreOptions options = {});
  ~AgentStore();

  // kInvalidInput (where "name") for a bad name or a password under 12
  // characters, kConflict if the name exists. Without a password, one is
  // generated and returned.
  Result<AgentCredentials> AddAgent(const std::string& name, std::optional<std::string> password);
  Result<std::vector<AgentInfo>> ListAgents();
  // kNotFound if there is no such agent. Its token and sessions go with it.
  Result<bool> RemoveAgent(const std::string& name);

  // The agent a Bearer token belongs to.
  std::optional<std::string> AuthenticateToken(std::string_view token);

  // kUnauthorized for a wrong name or password (the same message for both).
  // kRateLimited, even when the password is right, while this (name,
  // client_key) pair waits after too many failures or this client has failed
  // too often across names (`client_key`: the peer address); then
  // `*retry_after` (when given) is set to the wait left, at least 1 s. A
  // refused attempt is not counted and does not lengthen the wait. Another
  // client's sign-in for the same name is never held up by this one's.
  Result<NewSession> SignIn(std::string_view name, std::string_view password, std::string_view client_key,
                            std::chrono::seconds* retry_after = nullptr);
  // The live session of a cookie value; expired ones are gone.
  std::optional<Session> FindSession(std::string_view cookie_value);
  void SignOut(std::string_view cookie_value);

  // Constant-time check of a submitted CSRF token against the session's.
  static bool CsrfTokenMatches(const Session& session, std::string_view submitted);

 private:
  struct Impl;
  explicit AgentStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace helpdex::stores

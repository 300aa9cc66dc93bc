// File: agents.h
// Agent accounts, API tokens and sign-in sessions, in SQLite (DATA/agents.db).
// Passwords are hashed with argon2id; API tokens and session ids are 32 random
// bytes, stored only as SHA-256 hashes and compared in constant time; failed
// sign-ins are rate-limited per agent name and per client. Used by the server
// (sign-in, Bearer tokens, CSRF) and by `helpdex agent add|list|remove`.
//
//   Result<std::unique_ptr<AgentStore>> store = AgentStore::Open("var/data");
//   Result<AgentCredentials> agent = (*store)->AddAgent("kari", std::nullopt);
//   std::optional<std::string> name = (*store)->AuthenticateToken(agent->token);
#pragma once

#include <chrono>
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
  int max_failures = 5;                               // per name and per client in `failure_window`
  std::chrono::seconds failure_window{std::chrono::minutes(15)};
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

  // kUnauthorized for a wrong name or password (the same message for both),
  // kRateLimited after too many failures for this name or this client
  // (`client_key`: the peer address), even when the password is right.
  Result<NewSession> SignIn(std::string_view name, std::string_view password, std::string_view client_key);
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

// File: server.h
// The HTTP server: a thin Pistache adapter over helpdex::search. Start here.
//
//   ServerOptions options{.index_dir = "var/index", .data_dir = "var/data", .port = 0};
//   Result<std::unique_ptr<Server>> server = Server::Start(options);
//   uint16_t port = (*server)->port();   // the bound port (options.port 0 = any free one)
//   (*server)->Shutdown();
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "helpdex/search/error.h"
#include "helpdex/search/searcher.h"
#include "helpdex/stores/agents.h"
#include "helpdex/stores/events.h"
#include "helpdex/stores/forwarder.h"

namespace helpdex::server {

struct ServerOptions {
  std::string index_dir;             // published index (helpdex index --index)
  std::string data_dir;              // SQLite stores; created if missing
  std::string templates_dir;         // "" = the templates/ of the source tree
  std::string address = "0.0.0.0";   // "127.0.0.1" for loopback only
  uint16_t port = 8080;              // 0 = any free port
  int threads = 2;                   // Pistache worker threads
  // Open client connections at most; beyond it the oldest idle one is closed
  // (or the new one refused with 503). 0: from the open-files limit, which
  // Start() raises to its hard limit (at most 65,536), less a reserve of
  // 64 + 1/8 of it for the index, the stores and the server itself.
  size_t max_connections = 0;
  // Recent /api/search, /search, /api/suggest responses kept per index and
  // kind (search::Index::Search); 0 turns the cache off.
  size_t response_cache = search::Index::kDefaultResponseCacheEntries;
  // Always mark agent cookies Secure. Pistache serves plain HTTP, so a request
  // counts as TLS only when a proxy says `X-Forwarded-Proto: https`; set this
  // when every client reaches the server through HTTPS.
  bool secure_cookies = false;
  // Reverse proxies (their addresses, as the server sees them) whose
  // X-Forwarded-For names the client, for the per-client limits: sign-in
  // attempts and analytics votes (client_address.h). Empty: the peer address.
  std::vector<std::string> trusted_proxies;
  // Where the public site is reached, e.g. "https://help.example.com": the
  // absolute URLs of /sitemap.xml and the Sitemap line of /robots.txt.
  // Empty: /sitemap.xml answers 404 (the Host header is the client's to
  // choose, so it never makes URLs that crawlers and caches keep) and
  // /robots.txt names no sitemap. Checked by Start() (NormalizeBaseUrl).
  std::string base_url;
  // The event store's limits (queue, per-visit cap, the distinct visits
  // before a search becomes a completion for everyone).
  stores::EventStoreOptions events;
  // The agent store's sign-in limits (per name and address with a growing
  // wait, per address across names). Leave session_lifetime at its default:
  // the session cookie's Max-Age is that default too.
  stores::AgentStoreOptions agents;
  // Forwarding of new contact messages (README "Forwarding messages"): on
  // when forward.command or forward.webhook is set; needs a data directory.
  stores::ForwardOptions forward;
  // Shutdown() waits this long at most for the requests in flight to be
  // answered and written before it closes the connections.
  std::chrono::milliseconds drain_timeout = std::chrono::seconds(10);
  // For tests only (tests/README.md): "hold_request" holds every /api/search
  // request until Shutdown() begins (HELPDEX_FAILPOINT for `helpdex serve`).
  std::set<std::string> failpoints;
};

class Server {
 public:
  // Opens the public index (public database only), the agent index (public +
  // agent databases; if it cannot be opened the agent routes answer 503 and
  // the public site still works), DATA_DIR/agents.db, events.db and
  // contact.db (none without a data directory), loads templates and
  // starts serving on background threads. kIndexUnavailable / kInvalidInput
  // on failure.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options);

  virtual ~Server() = default;
  virtual uint16_t port() const = 0;
  // Stops gracefully: /readyz answers 503 "draining" at once, the requests
  // in flight are answered and written (every request is still served while
  // they are, for at most ServerOptions::drain_timeout), then the
  // connections close and the threads are joined; logs one line
  // {"event":"shutdown","drained":true|false,"in_flight":N}. Idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace helpdex::server

#include "helpdex/server/server.h"

#include <csignal>
#include <filesystem>
#include <mutex>

#include <pistache/endpoint.h>
#include <pistache/router.h>

#include "helpdex/search/spelling.h"
#include "helpdex/stores/agents.h"
#include "helpdex/stores/contact.h"
#include "helpdex/stores/events.h"
#include "helpdex/server/sitemap.h"
#include "edge_handler.h"
#include "routes.h"

namespace helpdex::server {
namespace {

// Pistache limits (platform.md A2.3, B2 #7). The edge (edge_handler.h) frames
// every request first with these limits (framing::FramingLimits: 8 KiB
// request line, 32 KiB of headers, 64 KiB of body: the contact form's 5,000
// characters of Cyrillic or Greek are up to 30 KB once percent-encoded), so
// that Pistache's parser only ever sees a complete request that fits its
// buffer: it reserve()d a declared Content-Length before any limit and sent
// e.what() as a 500. Timeouts: Pistache measures a request from the edge's
// reset of its parser, at the first byte and again when the head is
// complete, against the smaller of the header and body timeouts while the
// edge holds the bytes; so the head and then the body each get 5 s.
constexpr size_t kMaxRequestBytes = 64 * 1024;
constexpr size_t kMaxHeadBytes = 32 * 1024;
constexpr auto kHeaderTimeout = std::chrono::seconds(5);
constexpr auto kBodyTimeout = std::chrono::seconds(10);
constexpr auto kKeepaliveTimeout = std::chrono::seconds(30);

class PistacheServer : public Server {
 public:
  PistacheServer(std::unique_ptr<Routes> routes, std::chrono::milliseconds drain_timeout)
      : routes_(std::move(routes)), drain_timeout_(drain_timeout) {}
  ~PistacheServer() override { Shutdown(); }

  // Binds and starts the worker threads. Pistache reports bind failures by
  // throwing; they become an Error naming the address.
  Result<bool> Listen(const ServerOptions& options) {
    try {
      Pistache::Address address(options.address, Pistache::Port(options.port));
      endpoint_ = std::make_unique<Pistache::Http::Endpoint>(address);
      EdgeOptions edge;
      edge.limits.max_head_bytes = kMaxHeadBytes;
      edge.limits.max_body_bytes = kMaxRequestBytes;
      edge.max_connections = ConnectionCapFromFileLimit(options.max_connections);
      endpoint_->init(Pistache::Http::Endpoint::options()
                          .threads(std::max(1, options.threads))
                          .flags(Pistache::Tcp::Options::ReuseAddr)
                          // A framed request, normalised, always fits.
                          .maxRequestSize(kMaxHeadBytes + kMaxRequestBytes + 1024)
                          .headerTimeout(kHeaderTimeout)
                          .bodyTimeout(kBodyTimeout)
                          .keepaliveTimeout(kKeepaliveTimeout));
      routes_->AddTo(router_);
      // Every worker copies the router: routes are final.
      endpoint_->setHandler(MakeEdgeHandler(router_, routes_->metrics(), edge, &edge_control_));
      LogLine({{"level", "info"}, {"event", "listening"}, {"max_connections", edge.max_connections}});
      endpoint_->serveThreaded();
      port_ = static_cast<uint16_t>(endpoint_->getPort());
    } catch (const std::exception& error) {
      endpoint_.reset();
      return Error{ErrorCode::kInvalidInput,
                   std::string("cannot listen: ") + error.what(),
                   options.address + ":" + std::to_string(options.port)};
    }
    return true;
  }

  uint16_t port() const override { return port_; }

  void Shutdown() override {
    std::call_once(shutdown_once_, [this] {
      if (!endpoint_) return;
      // Pistache's shutdown() closes every connection at once, resetting the
      // requests in flight: let them finish first (bounded).
      routes_->BeginDrain();
      const bool drained = routes_->WaitUntilIdle(std::chrono::steady_clock::now() + drain_timeout_);
      LogLine({{"level", drained ? "info" : "error"},
               {"event", "shutdown"},
               {"drained", drained},
               {"in_flight", routes_->in_flight()}});
      if (edge_control_) edge_control_->Stopping();
      endpoint_->shutdown();
    });
  }

 private:
  std::unique_ptr<Routes> routes_;  // outlives endpoint_, whose threads call it
  std::chrono::milliseconds drain_timeout_;
  Pistache::Rest::Router router_;
  std::shared_ptr<EdgeControl> edge_control_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  uint16_t port_ = 0;
  std::once_flag shutdown_once_;
};

AgentAuth TrustingProxies(AgentAuth auth, const std::vector<std::string>& proxies) {
  auth.set_trusted_proxies(proxies);
  return auth;
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  // A client that disconnects mid-response must not kill the process: send()
  // uses MSG_NOSIGNAL but sendfile() cannot (platform.md A2.3).
  std::signal(SIGPIPE, SIG_IGN);
  // A wrong --base-url stops the start before anything is opened.
  std::string base_url;
  if (!options.base_url.empty()) {
    Result<std::string> normalized = NormalizeBaseUrl(options.base_url);
    if (!normalized.ok()) return normalized.error();
    base_url = *normalized;
  }

  // "Did you mean" needs each language's Hunspell dictionary: a missing one
  // stops the start, naming its package (never a silent fallback).
  if (std::optional<Error> missing = search::CheckSpellingDictionaries()) return *missing;

  std::string templates_dir =
      options.templates_dir.empty() ? HELPDEX_DEFAULT_TEMPLATES_DIR : options.templates_dir;
  Result<Translations> translations =
      Translations::Load((std::filesystem::path(templates_dir) / "i18n.json").string());
  if (!translations.ok()) return translations.error();
  Result<TemplateSet> templates = TemplateSet::Load(templates_dir);
  if (!templates.ok()) return templates.error();
  Result<StaticAssets> assets = StaticAssets::Load(templates_dir);
  if (!assets.ok()) return assets.error();

  if (!options.data_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.data_dir, error);
    if (error) {
      return Error{ErrorCode::kInvalidInput, "cannot create the data directory: " + error.message(),
                   options.data_dir};
    }
  }

  // Without a data directory nobody can sign in: the agent routes answer
  // 401 / the sign-in page, and the public site works as before.
  std::shared_ptr<stores::AgentStore> agents;
  if (!options.data_dir.empty()) {
    Result<std::unique_ptr<stores::AgentStore>> store = stores::AgentStore::Open(options.data_dir, options.agents);
    if (!store.ok()) return store.error();
    agents = std::move(*store);
  }

  // Events and contact messages are kept only with a data directory.
  std::shared_ptr<stores::EventStore> events;
  std::shared_ptr<stores::EventLog> event_log;  // reports read through it (read-only)
  std::shared_ptr<stores::ContactStore> contact;
  if (!options.data_dir.empty()) {
    stores::EventStoreOptions event_options = options.events;
    event_options.on_write_failure = [](const stores::EventWriteFailure& failure) {
      LogLine({{"level", "error"},
               {"event", "events_write_failed"},
               {"what", failure.what},
               {"error", failure.error},
               {"events_lost", failure.events_lost}});
    };
    // Analytics are not worth an outage: with events.db unusable (damaged,
    // unreadable) the help centre serves search without them, and says so
    // in the log at start and in /metrics (helpdex_analytics_available 0).
    Result<std::unique_ptr<stores::EventStore>> event_store = stores::EventStore::Open(options.data_dir, event_options);
    Result<std::unique_ptr<stores::EventLog>> log =
        event_store.ok() ? stores::EventLog::Open(options.data_dir) : Result<std::unique_ptr<stores::EventLog>>(event_store.error());
    if (event_store.ok() && log.ok()) {
      events = std::move(*event_store);
      event_log = std::move(*log);
    } else {
      const Error& error = event_store.ok() ? log.error() : event_store.error();
      LogLine({{"level", "error"},
               {"event", "analytics_unavailable"},
               {"error", error.ToString()},
               {"consequence", "serving search without analytics: no events, gap reports or learned completions"},
               {"repair", "stop the server, move " + (std::filesystem::path(options.data_dir) / "events.db").string() +
                              " (and its -wal and -shm files) aside, start again: a new store is created"}});
    }
    Result<std::unique_ptr<stores::ContactStore>> contact_store = stores::ContactStore::Open(options.data_dir);
    if (!contact_store.ok()) return contact_store.error();
    contact = std::move(*contact_store);
  }
  std::shared_ptr<stores::MessageForwarder> forwarder;
  if (!options.forward.command.empty() || !options.forward.webhook.empty()) {
    stores::ForwardOptions forward = options.forward;
    forward.on_failure = [](const stores::ForwardFailure& failure) {
      LogLine({{"level", "error"},
               {"event", "message_forward_failed"},
               {"message", failure.id},
               {"attempt", failure.attempt},
               {"final", failure.final},
               {"reason", failure.reason}});
    };
    if (contact) contact->set_forward_new_messages(true);
    Result<std::unique_ptr<stores::MessageForwarder>> started = stores::MessageForwarder::Start(contact, forward);
    if (!started.ok()) return started.error();
    forwarder = std::move(*started);
  }

  // Public routes get an Index over the public database only (design.md:
  // nothing agent-only may be reachable through them); the agent routes get
  // their own Index over both databases.
  Result<std::shared_ptr<search::Index>> index =
      search::Index::Open(options.index_dir, search::Viewer::Public());
  if (!index.ok()) return index.error();
  (*index)->set_response_cache_entries(options.response_cache);
  std::shared_ptr<search::Index> agent_index;
  Result<std::shared_ptr<search::Index>> opened_agent_index =
      search::Index::Open(options.index_dir, search::Viewer::Agent());
  if (opened_agent_index.ok()) {
    agent_index = std::move(*opened_agent_index);
    agent_index->set_response_cache_entries(options.response_cache);
  } else {
    // The public site still serves; agent routes answer 503 index_unavailable.
    LogLine({{"level", "error"},
             {"event", "agent_index_unavailable"},
             {"error", opened_agent_index.error().ToString()}});
  }

  auto routes = std::make_unique<Routes>(
      std::move(*index), std::move(agent_index), TrustingProxies(AgentAuth(std::move(agents), options.secure_cookies), options.trusted_proxies),
      PageRenderer(std::move(*translations), std::move(*templates)), std::move(*assets), std::move(events),
      std::move(event_log), std::move(contact));
  routes->set_failpoints(options.failpoints);
  routes->set_base_url(base_url);
  routes->set_forwarder(std::move(forwarder));
  if (!options.data_dir.empty()) {
    Result<std::unique_ptr<stores::GapTriageStore>> triage = stores::GapTriageStore::Open(options.data_dir);
    if (!triage.ok()) return triage.error();
    routes->set_gap_triage(std::move(*triage));
  }
  auto server = std::make_unique<PistacheServer>(std::move(routes), options.drain_timeout);
  Result<bool> listening = server->Listen(options);
  if (!listening.ok()) return listening.error();
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace helpdex::server

#include "edge_handler.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <list>
#include <string>
#include <vector>

#include <pistache/peer.h>
#include <pistache/transport.h>

#include "routes.h"

namespace helpdex::server {
namespace {

namespace Http = Pistache::Http;
namespace Tcp = Pistache::Tcp;
using Clock = std::chrono::steady_clock;

constexpr const char* kConnectionKey = "helpdex.edge";

struct Shared : EdgeControl {
  Shared(Metrics& metrics_in, EdgeOptions options_in) : metrics(metrics_in), options(options_in) {}
  void Stopping() override { stopping = true; }

  Metrics& metrics;
  const EdgeOptions options;
  std::atomic<size_t> open{0};
  std::atomic<bool> stopping{false};
};

// One client connection, stored in its Peer's data: it dies with the Peer,
// whichever way Pistache drops it (a client close, a timeout, a shutdown).
struct Connection {
  explicit Connection(std::shared_ptr<Shared> shared_in)
      : shared(std::move(shared_in)), framer(shared->options.limits) {
    shared->metrics.SetOpenConnections(++shared->open);
  }
  ~Connection() {
    shared->metrics.SetOpenConnections(--shared->open);
    if (closing || disconnected || shared->stopping) return;
    // Pistache's timer closed it without telling the handler. It answers 408
    // when a request had started or none came at all, and closes silently an
    // idle keep-alive connection.
    if (framer.phase() != framing::Phase::kIdle || requests == 0) {
      shared->metrics.CountRejected("request_timeout", 408);
      LogLine({{"level", "warning"}, {"event", "request_rejected"}, {"reason", "request_timeout"},
               {"status", 408}, {"buffered_bytes", framer.buffered()}});
    }
  }

  std::shared_ptr<Shared> shared;
  framing::RequestFramer framer;
  std::weak_ptr<Tcp::Peer> peer;
  Clock::time_point last_active = Clock::now();
  uint64_t requests = 0;           // handed to Pistache
  size_t unwritten_bytes = 0;      // responses queued and not yet written (TrackResponse)
  bool keep_alive = true;          // of the request being answered
  bool head = false;               // the request being answered is a HEAD (routed as its GET)
  bool routed = false;             // Pistache's parser accepted the request handed to it
  bool closing = false;            // closing: nothing more is read or answered
  bool disconnected = false;       // the client closed it
};

std::shared_ptr<Connection> ConnectionOf(const std::shared_ptr<Tcp::Peer>& peer) {
  if (!peer) return nullptr;
  return std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionKey));
}

// Pistache's request parser and router, fed by EdgeHandler one whole request
// at a time. Its own copy of the router per worker.
class RoutingHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(RoutingHandler)
  explicit RoutingHandler(const Pistache::Rest::Router& router) : router_(router) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter response) override {
    if (std::shared_ptr<Connection> connection = ConnectionOf(response.getPeer())) connection->routed = true;
    router_.route(request, std::move(response));
  }

 private:
  Pistache::Rest::Router router_;
};

class EdgeHandler : public Http::Handler, public std::enable_shared_from_this<EdgeHandler> {
 public:
  HTTP_PROTOTYPE(EdgeHandler)

  EdgeHandler(std::shared_ptr<Shared> shared, const Pistache::Rest::Router& router)
      : shared_(std::move(shared)), inner_(std::make_shared<RoutingHandler>(router)) {}
  // Each worker's transport clones the handler: a fresh inner handler too.
  EdgeHandler(const EdgeHandler& other)
      : Http::Handler(other),
        std::enable_shared_from_this<EdgeHandler>(),
        shared_(other.shared_),
        inner_(std::make_shared<RoutingHandler>(*other.inner_)) {}

  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    AttachInner();
    Inner().onConnection(peer);  // Pistache's parser for this peer (its timeouts read it)
    auto connection = std::make_shared<Connection>(shared_);
    connection->peer = peer;
    peer->putData(kConnectionKey, connection);
    if (shared_->open > shared_->options.max_connections) MakeRoom(peer, connection);
    connections_.push_back(connection);
  }

  // Requests go to the inner handler's onRequest; nothing calls this one.
  void onRequest(const Http::Request&, Http::ResponseWriter response) override {
    response.send(Http::Code::Internal_Server_Error);
  }

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    if (std::shared_ptr<Connection> connection = ConnectionOf(peer)) connection->disconnected = true;
  }

  void onInput(const char* buffer, size_t length, const std::shared_ptr<Tcp::Peer>& peer) override {
    std::shared_ptr<Connection> connection = ConnectionOf(peer);
    if (!connection || connection->closing) return;  // never parse what follows a refusal
    connection->last_active = Clock::now();
    const framing::Phase before = connection->framer.phase();
    std::vector<framing::FramedRequest> requests;
    std::optional<framing::FramingError> error =
        connection->framer.Feed(std::string_view(buffer, length), requests);
    for (framing::FramedRequest& request : requests) {
      if (connection->unwritten_bytes > kMaxUnwrittenBytes) {
        const framing::FramingError unread{429, "rate_limited", "pipeline_unread",
                                           "Too many answers are waiting to be read; read them before sending more.",
                                           "connection"};
        const std::string response = framing::ErrorResponse(unread);
        Refuse(peer, *connection, unread.reason, unread.status, unread.message, unread.where, &response);
        return;
      }
      connection->routed = false;
      connection->keep_alive = request.keep_alive;
      connection->head = request.method == "HEAD";
      if (connection->head) {
        // Every GET route answers HEAD too (RFC 9110 9.3.2): Pistache routes
        // it as its GET, and Send() writes the GET's head without the body.
        request.bytes.replace(0, std::string_view("HEAD").size(), "GET");
      }
      ++connection->requests;
      Inner().onInput(request.bytes.data(), request.bytes.size(), peer);
      if (!connection->routed) {
        // Pistache's parser refused what the framer accepted; it has
        // answered by itself. Nothing after it can be trusted.
        Http::Handler::getParser(peer)->reset();
        Refuse(peer, *connection, "parser_refused", 400, "Pistache's parser refused a framed request",
               "request", nullptr);
        return;
      }
      if (!request.keep_alive) {
        Close(peer, connection);
        return;
      }
    }
    if (error) {
      const std::string response = framing::ErrorResponse(*error);
      Refuse(peer, *connection, error->reason, error->status, error->message, error->where, &response);
      return;
    }
    if (connection->framer.TakeContinue()) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      peer->send(Pistache::RawBuffer(kContinue, kContinue.size()));
    }
    const framing::Phase after = connection->framer.phase();
    if (after != framing::Phase::kIdle && (after != before || !requests.empty())) {
      // A request (or its body) has started: Pistache's header timeout, which
      // it measures from its parser's last reset, counts from now.
      Http::Handler::getParser(peer)->reset();
      peer->setIdle(false);
    }
  }

 private:
  Tcp::Handler& Inner() { return *inner_; }

  // Pistache gives the transport to the handler it was built with only: the
  // inner handler gets it through the same public Transport::init(), and this
  // handler is put back as the transport's handler at once.
  void AttachInner() {
    if (inner_attached_) return;
    inner_->setMaxRequestSize(getMaxRequestSize());
    inner_->setMaxResponseSize(getMaxResponseSize());
    Tcp::Transport* worker = transport();
    std::shared_ptr<EdgeHandler> self = shared_from_this();
    worker->init(inner_);
    worker->init(self);
    inner_attached_ = true;
  }

  // Writes `response` (if any), then closes; counts and logs the refusal.
  void Refuse(const std::shared_ptr<Tcp::Peer>& peer, Connection& connection, const std::string& reason,
              int status, const std::string& message, const std::string& where, const std::string* response) {
    shared_->metrics.CountRejected(reason, status);
    LogLine({{"level", "warning"}, {"event", "request_rejected"}, {"reason", reason}, {"status", status},
             {"where", where}, {"message", message}, {"requests_before", connection.requests}});
    if (response) peer->send(Pistache::RawBuffer(*response, response->size()));
    Close(peer, ConnectionOf(peer));
  }

  // Closes the connection once everything queued for it has been written: an
  // empty write queued last, then shutdown(), which Pistache sees as the end
  // of the stream and cleans up as a disconnection.
  static void Close(const std::shared_ptr<Tcp::Peer>& peer, const std::shared_ptr<Connection>& connection) {
    if (!connection || connection->closing) return;
    connection->closing = true;
    std::weak_ptr<Tcp::Peer> weak = peer;
    peer->send(Pistache::RawBuffer(std::string(), 0))
        .then(
            [weak, connection](ssize_t) {
              std::shared_ptr<Tcp::Peer> alive = weak.lock();
              if (alive && !connection->disconnected) ::shutdown(alive->fd(), SHUT_RDWR);
            },
            [](std::exception_ptr) {});
  }

  // Over the cap: close this worker's connection that has been idle longest
  // (no request in progress), else refuse the new one with 503.
  void MakeRoom(const std::shared_ptr<Tcp::Peer>& peer, const std::shared_ptr<Connection>& connection) {
    std::shared_ptr<Connection> oldest;
    std::shared_ptr<Tcp::Peer> oldest_peer;
    for (auto it = connections_.begin(); it != connections_.end();) {
      std::shared_ptr<Connection> candidate = it->lock();
      std::shared_ptr<Tcp::Peer> candidate_peer = candidate ? candidate->peer.lock() : nullptr;
      if (!candidate_peer) {
        it = connections_.erase(it);
        continue;
      }
      ++it;
      if (candidate->closing || candidate->framer.phase() != framing::Phase::kIdle) continue;
      if (!oldest || candidate->last_active < oldest->last_active) {
        oldest = std::move(candidate);
        oldest_peer = std::move(candidate_peer);
      }
    }
    if (oldest) {
      shared_->metrics.CountShedConnection("idle");
      LogLine({{"level", "warning"}, {"event", "connection_shed"}, {"kind", "idle"},
               {"open", shared_->open.load()}, {"cap", shared_->options.max_connections}});
      Close(oldest_peer, oldest);
      return;
    }
    shared_->metrics.CountShedConnection("refused");
    LogLine({{"level", "warning"}, {"event", "connection_shed"}, {"kind", "refused"},
             {"open", shared_->open.load()}, {"cap", shared_->options.max_connections}});
    const std::string response = framing::TooManyConnectionsResponse();
    peer->send(Pistache::RawBuffer(response, response.size()));
    Close(peer, connection);
  }

  std::shared_ptr<Shared> shared_;
  std::shared_ptr<RoutingHandler> inner_;
  bool inner_attached_ = false;
  std::list<std::weak_ptr<Connection>> connections_;  // this worker's, oldest first
};

}  // namespace

std::shared_ptr<Http::Handler> MakeEdgeHandler(const Pistache::Rest::Router& router, Metrics& metrics,
                                               const EdgeOptions& options,
                                               std::shared_ptr<EdgeControl>* control) {
  auto shared = std::make_shared<Shared>(metrics, options);
  if (control) *control = shared;
  return std::make_shared<EdgeHandler>(std::move(shared), router);
}

bool KeepsAlive(const Http::ResponseWriter& writer) {
  std::shared_ptr<Connection> connection = ConnectionOf(writer.getPeer());
  return connection && connection->keep_alive && !connection->closing;
}

bool AnswersHead(const Http::ResponseWriter& writer) {
  std::shared_ptr<Connection> connection = ConnectionOf(writer.getPeer());
  return connection && connection->head;
}

void TrackResponse(const Http::ResponseWriter& writer, size_t bytes, Pistache::Async::Promise<ssize_t> sent,
                   std::function<void()> settled) {
  std::shared_ptr<Connection> connection = ConnectionOf(writer.getPeer());
  if (connection) connection->unwritten_bytes += bytes;
  auto written = [connection, bytes, settled = std::move(settled)] {
    if (connection) connection->unwritten_bytes -= std::min(bytes, connection->unwritten_bytes);
    if (settled) settled();
  };
  sent.then([written](ssize_t) { written(); }, [written](std::exception_ptr) { written(); });
}

size_t ConnectionCapFromFileLimit(size_t configured) {
  constexpr rlim_t kWanted = 65536;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return configured ? configured : 512;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < kWanted && limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = std::min(limit.rlim_max, kWanted);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const size_t files = limit.rlim_cur == RLIM_INFINITY ? kWanted : static_cast<size_t>(limit.rlim_cur);
  // Index files, SQLite, epoll and timer descriptors, and connections
  // accepted before the shedding catches up.
  const size_t reserve = 64 + files / 8;
  size_t cap = files > reserve + 16 ? files - reserve : 16;
  if (configured) cap = std::min(cap, configured);
  return cap;
}

}  // namespace helpdex::server

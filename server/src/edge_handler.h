// File: edge_handler.h
// The HTTP edge: a Pistache handler in front of Pistache's own request
// parser. Every byte a client sends goes through framing::RequestFramer
// first; Pistache's parser then gets one complete, validated request at a
// time (which is also how pipelined requests are answered, in order). After a
// refused request or a response to `Connection: close`, the connection is
// closed once what was queued has been written, and the bytes after the
// refused request are never parsed. It also caps the open connections below
// the file-descriptor limit, shedding this worker's oldest idle connection
// when a new one would go over. Everything refused is counted in Metrics and
// logged.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include <pistache/http.h>
#include <pistache/router.h>

#include "helpdex/framing/request_framer.h"
#include "metrics.h"

namespace helpdex::server {

struct EdgeOptions {
  framing::FramingLimits limits;
  size_t max_connections = 512;  // open connections over all workers
};

// The handler for Http::Endpoint::setHandler(). Every worker gets its own copy
// of `router`. `metrics` must outlive the endpoint.
class EdgeControl;
std::shared_ptr<Pistache::Http::Handler> MakeEdgeHandler(const Pistache::Rest::Router& router, Metrics& metrics,
                                                         const EdgeOptions& options,
                                                         std::shared_ptr<EdgeControl>* control);

// Shared by every worker's handler: call Stopping() before the endpoint shuts
// down, so that connections dropped by the shutdown are not logged as timeouts.
class EdgeControl {
 public:
  virtual ~EdgeControl() = default;
  virtual void Stopping() = 0;
};

// Whether the connection of the request `writer` answers stays open after the
// response: HTTP/1.1 unless the request said `Connection: close`, HTTP/1.0
// only with `Connection: keep-alive`.
bool KeepsAlive(const Pistache::Http::ResponseWriter& writer);

// Whether the request `writer` answers came as HEAD: the edge routes it as
// the GET of the same target, and the response is sent without its body.
bool AnswersHead(const Pistache::Http::ResponseWriter& writer);

// Counts `bytes` of response as unwritten on the connection of `writer` until
// `sent` settles. A client that pipelines requests without reading the
// answers gets 429 and is closed once more than kMaxUnwrittenBytes are queued
// for it, instead of the server queueing responses without bound.
inline constexpr size_t kMaxUnwrittenBytes = 1024 * 1024;
// `settled` (may be empty) is called once `sent` settles, written or failed.
void TrackResponse(const Pistache::Http::ResponseWriter& writer, size_t bytes, Pistache::Async::Promise<ssize_t> sent,
                   std::function<void()> settled = {});

// The open-files limit raised to its hard limit (at most 65,536), and the
// connection cap it leaves room for: the limit less a reserve for index,
// database and epoll descriptors; `configured` (0 = none) lowers it.
size_t ConnectionCapFromFileLimit(size_t configured);

}  // namespace helpdex::server

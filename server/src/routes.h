// File: routes.h
// The route table and the handlers: parse, call search/, render. Every handler
// is wrapped once (Wrap in routes.cc): an escaped exception becomes a logged
// 500 with a generic body, and every response is counted and logged as one
// JSON line on stderr (route, status, milliseconds; never query text).
#pragma once

#include <memory>
#include <string>

#include <pistache/router.h>

#include "helpdex/search/searcher.h"
#include "http_response.h"
#include "metrics.h"
#include "pages.h"
#include "templates.h"

namespace helpdex::server {

class Routes {
 public:
  Routes(std::shared_ptr<search::Index> index, PageRenderer pages, StaticAssets assets);

  // Adds every route and the not-found handler. Call before router.handler(),
  // which copies the router.
  void AddTo(Pistache::Rest::Router& router);

 private:
  using Handler = HttpResponse (Routes::*)(const Pistache::Rest::Request&);

  Pistache::Rest::Route::Handler Wrap(const char* route_name, bool api, Handler handler);

  HttpResponse Healthz(const Pistache::Rest::Request& request);
  HttpResponse Readyz(const Pistache::Rest::Request& request);
  HttpResponse MetricsText(const Pistache::Rest::Request& request);
  HttpResponse ApiSearch(const Pistache::Rest::Request& request);
  HttpResponse HomePage(const Pistache::Rest::Request& request);
  HttpResponse SearchPage(const Pistache::Rest::Request& request);
  HttpResponse ArticlePage(const Pistache::Rest::Request& request);
  HttpResponse StaticFile(const Pistache::Rest::Request& request);
  HttpResponse NotFound(const Pistache::Rest::Request& request);

  // Runs a search (an empty query gives an empty response without touching
  // the index).
  Result<search::SearchResponse> RunSearch(const search::SearchRequest& request);
  HttpResponse ErrorPage(const ApiError& error, Language ui);
  // The generic 500, as JSON for the API and as a page otherwise. Never throws.
  HttpResponse InternalErrorResponse(bool api);
  // The interface language of a page: ui=, lang=, Accept-Language, English.
  Language PageLanguage(const Pistache::Rest::Request& request);

  std::shared_ptr<search::Index> index_;
  PageRenderer pages_;
  StaticAssets assets_;
  Metrics metrics_;
};

}  // namespace helpdex::server

// File: pages.h
// Builds the view of each HTML page (home, search results, article, error)
// from search/ types and renders it through the templates. Links are built
// here, in one place, so every link keeps the interface language (`ui=`) and
// the filters the page was reached with.
//
// Page language: `ui=`, then `lang=`, then Accept-Language, then English
// (see routes.cc). On /search, `lang=` also filters results; the "search in
// all languages" link drops `lang=` and keeps `ui=`.
#pragma once

#include <map>
#include <string>

#include <mstch/mstch.hpp>

#include "error_codes.h"
#include "helpdex/search/searcher.h"
#include "i18n.h"
#include "templates.h"

namespace helpdex::server {

// What a search page shows: the request as parsed and, unless the query was
// empty, the searcher's response.
struct SearchPageInput {
  Language ui = Language::kEnglish;
  const search::SearchRequest* request = nullptr;
  const search::SearchResponse* response = nullptr;  // nullptr: empty query
};

// Immutable after construction; thread-safe.
class PageRenderer {
 public:
  PageRenderer(Translations translations, TemplateSet templates);

  std::string Home(Language ui) const;
  std::string SearchResults(const SearchPageInput& input) const;
  std::string ArticlePage(const search::Article& article, Language ui) const;
  // The error page for `error` (templates/error.html), in the UI language.
  std::string ErrorPage(const ApiError& error, Language ui) const;

 private:
  // The context every page shares: <html lang>, strings, title, search box.
  mstch::map BaseContext(Language ui, const std::string& title) const;

  Translations translations_;
  TemplateSet templates_;
  std::map<Language, mstch::map> strings_;  // {{t.key}} per language
};

// The URL of a search page; `ui` is kept in every link so the interface
// language does not change when a filter does.
struct SearchLink {
  std::string query;
  std::optional<Language> language;
  std::vector<std::string> tags;
  std::string type;
  int page = 1;
  Language ui = Language::kEnglish;
};
std::string SearchUrl(const SearchLink& link);

}  // namespace helpdex::server

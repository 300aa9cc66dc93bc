// File: templates.h
// The HTML templates (mstch, i.e. Mustache) and the static assets, both read
// once at startup from the templates directory and kept in memory. Nothing is
// ever read from disk per request, so no request path can name a file.
//
//   Result<TemplateSet> pages = TemplateSet::Load("templates");
//   std::string html = pages->Render("error", context);
#pragma once

#include <map>
#include <optional>
#include <string>

#include <mstch/mstch.hpp>

#include "helpdex/search/error.h"

namespace helpdex::server {

class TemplateSet {
 public:
  // Reads the page templates (home, search, article, error and the agent
  // pages: NAME.html) and the partials (partials/NAME.html, used as
  // {{> NAME}}). kInvalidInput naming the file when one is missing.
  static Result<TemplateSet> Load(const std::string& dir);

  // Renders a page template. {{x}} is HTML-escaped by mstch; {{{x}}} is raw
  // and is used only for HTML the index produced (article body, snippets).
  std::string Render(const std::string& page, const mstch::node& context) const;

 private:
  std::map<std::string, std::string> pages_;
  std::map<std::string, std::string> partials_;
};

struct StaticAsset {
  std::string body;
  std::string content_type;
  std::string etag;  // quoted, from a hash of the body
};

// A fixed whitelist of files under DIR/static, served by exact name only.
class StaticAssets {
 public:
  // kInvalidInput naming the file when a whitelisted file is missing.
  static Result<StaticAssets> Load(const std::string& dir);

  // The asset called exactly `name` ("style.css"), or nullptr.
  const StaticAsset* Find(std::string_view name) const;

 private:
  std::map<std::string, StaticAsset, std::less<>> assets_;
};

}  // namespace helpdex::server

// File: sitemap.h
// What search engines read: /sitemap.xml (every public article, with its
// translations as hreflang alternates) and /robots.txt, both from the help
// centre's configured base URL (`helpdex serve --base-url`), never from a
// request's Host header, which a client chooses.
//
//   Result<std::string> base = NormalizeBaseUrl("https://help.example.com/");
//   // *base == "https://help.example.com"
//   std::string xml = SitemapXml(searcher->Documents("article").value(), *base);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/document.h"
#include "helpdex/search/error.h"

namespace helpdex::server {

// The sitemap protocol's limit of URLs in one file; more are left out (and
// the caller logs it).
inline constexpr size_t kMaxSitemapUrls = 50000;

// `url` as the origin (and optional path prefix) the site is reached at:
// http or https, a host name or address, an optional port and path, no user,
// query or fragment; scheme and host lower-cased, no trailing slash.
// kInvalidInput (where "--base-url") otherwise.
Result<std::string> NormalizeBaseUrl(std::string_view url);

// The sitemap of `articles` (public ones only: any other record is skipped),
// at absolute URLs under `base_url` (as NormalizeBaseUrl gives it). An
// article with translations lists every version, itself included, as
// <xhtml:link rel="alternate" hreflang="LL">. At most kMaxSitemapUrls URLs.
std::string SitemapXml(const std::vector<search::DocumentRecord>& articles, std::string_view base_url);

// robots.txt: everything public may be crawled; the agent console, the
// writers' report and the agent API may not. Names the sitemap when
// `base_url` is not empty.
std::string RobotsTxt(std::string_view base_url);

}  // namespace helpdex::server

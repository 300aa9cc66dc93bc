#include "helpdex/server/sitemap.h"

#include <cctype>
#include <map>

#include "helpdex/search/schema.h"

namespace helpdex::server {
namespace {

bool IsHostCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
}

bool IsPathCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' || c == '~' ||
         c == '/';
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

Error BadBaseUrl(const std::string& why) {
  return Error{ErrorCode::kInvalidInput,
               "the base URL must look like https://help.example.com (" + why + ")", "--base-url"};
}

std::string Alternates(const std::vector<const search::DocumentRecord*>& versions, std::string_view base_url) {
  std::string links;
  for (const search::DocumentRecord* version : versions) {
    links += "    <xhtml:link rel=\"alternate\" hreflang=\"" + std::string(LanguageCode(version->language)) +
             "\" href=\"" + search::EscapeHtml(std::string(base_url) + search::ArticleUrl(*version)) + "\"/>\n";
  }
  return links;
}

}  // namespace

Result<std::string> NormalizeBaseUrl(std::string_view url) {
  std::string_view rest = url;
  std::string scheme;
  for (std::string_view candidate : {"https://", "http://"}) {
    if (Lower(rest.substr(0, candidate.size())) == candidate) {
      scheme = std::string(candidate);
      rest.remove_prefix(candidate.size());
      break;
    }
  }
  if (scheme.empty()) return BadBaseUrl("it must start with https:// or http://");
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {
    // An IPv6 address, possibly followed by :port after the bracket.
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || close < 2) return BadBaseUrl("bad IPv6 address");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return BadBaseUrl("unexpected text after the address");
    has_port = !after.empty();
    port = has_port ? after.substr(1) : std::string_view();
    for (char c : host.substr(1, host.size() - 2)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.') return BadBaseUrl("bad IPv6 address");
    }
  } else {
    if (const size_t colon = authority.find(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      has_port = true;
    }
    if (host.empty()) return BadBaseUrl("no host name");
    for (char c : host) {
      if (!IsHostCharacter(c)) return BadBaseUrl("the host name may hold letters, digits, '-' and '.' only");
    }
  }
  if (has_port && port.empty()) return BadBaseUrl("empty port");
  if (port.size() > 5) return BadBaseUrl("bad port");
  for (char c : port) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return BadBaseUrl("bad port");
  }
  for (char c : path) {
    if (!IsPathCharacter(c)) return BadBaseUrl("no query, fragment or special characters in the path");
  }
  std::string normalized = scheme + Lower(host) + (port.empty() ? "" : ":" + std::string(port)) + std::string(path);
  while (normalized.ends_with('/')) normalized.pop_back();
  return normalized;
}

std::string SitemapXml(const std::vector<search::DocumentRecord>& articles, std::string_view base_url) {
  // The versions of each article, by translation key (an article without one
  // stands alone).
  std::map<std::string, std::vector<const search::DocumentRecord*>> versions;
  std::vector<const search::DocumentRecord*> listed;
  for (const search::DocumentRecord& article : articles) {
    if (article.type != search::schema::kTypeArticle || article.audience != search::schema::kAudiencePublic) {
      continue;  // defence in depth: the caller lists a public index
    }
    if (listed.size() == kMaxSitemapUrls) break;
    listed.push_back(&article);
    if (!article.translation_key.empty()) versions[article.translation_key].push_back(&article);
  }
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
      "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
  for (const search::DocumentRecord* article : listed) {
    xml += "  <url>\n    <loc>" + search::EscapeHtml(std::string(base_url) + search::ArticleUrl(*article)) +
           "</loc>\n";
    if (!article->translation_key.empty()) {
      const std::vector<const search::DocumentRecord*>& group = versions[article->translation_key];
      if (group.size() > 1) xml += Alternates(group, base_url);
    }
    xml += "  </url>\n";
  }
  xml += "</urlset>\n";
  return xml;
}

std::string RobotsTxt(std::string_view base_url) {
  std::string robots =
      "# helpdex: public pages may be crawled; agent and writer pages may not.\n"
      "User-agent: *\n"
      "Disallow: /agent\n"
      "Disallow: /gaps\n"
      "Disallow: /api/agent\n"
      "Disallow: /api/gaps\n"
      "Allow: /\n";
  if (!base_url.empty()) robots += "\nSitemap: " + std::string(base_url) + "/sitemap.xml\n";
  return robots;
}

}  // namespace helpdex::server

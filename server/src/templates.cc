#include "templates.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace helpdex::server {
namespace {

constexpr const char* kPageNames[] = {"home",        "search",       "article",      "error",
                                     "agent_login", "agent",        "agent_ticket", "agent_article", "contact",
                                     "gaps",        "agent_messages", "agent_message"};
constexpr const char* kPartialNames[] = {"header",       "footer",       "search_form", "agent_header",
                                         "agent_answer", "copy_buttons", "facets",       "pagination", "suggest_labels",
                                         "gaps_article", "category_cards", "contact_block",
                                         "agent_ticket_thread"};

struct AssetSpec {
  const char* name;
  const char* content_type;
};
constexpr AssetSpec kAssetWhitelist[] = {
    {"style.css", "text/css; charset=utf-8"},
    {"favicon.svg", "image/svg+xml"},
    // The agent console's copy buttons and answer-language picker; pages
    // carry no inline script (CSP), only <script src>.
    {"agent.js", "text/javascript; charset=utf-8"},
    // The search box's as-you-type suggestions (an ARIA combobox); the form
    // works as a plain GET form without it.
    {"suggest.js", "text/javascript; charset=utf-8"},
    // "Did this help?" answered in place; the article's form posts without it.
    {"feedback.js", "text/javascript; charset=utf-8"},
};

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

Error MissingFile(const std::filesystem::path& path) {
  return Error{ErrorCode::kInvalidInput, "cannot read this template file", path.string()};
}

}  // namespace

Result<TemplateSet> TemplateSet::Load(const std::string& dir) {
  TemplateSet set;
  std::filesystem::path root(dir);
  for (const char* name : kPageNames) {
    std::filesystem::path path = root / (std::string(name) + ".html");
    std::optional<std::string> text = ReadFile(path);
    if (!text) return MissingFile(path);
    set.pages_[name] = std::move(*text);
  }
  for (const char* name : kPartialNames) {
    std::filesystem::path path = root / "partials" / (std::string(name) + ".html");
    std::optional<std::string> text = ReadFile(path);
    if (!text) return MissingFile(path);
    set.partials_[name] = std::move(*text);
  }
  return set;
}

std::string TemplateSet::Render(const std::string& page, const mstch::node& context) const {
  return mstch::render(pages_.at(page), context, partials_);
}

Result<StaticAssets> StaticAssets::Load(const std::string& dir) {
  StaticAssets assets;
  for (const AssetSpec& spec : kAssetWhitelist) {
    std::filesystem::path path = std::filesystem::path(dir) / "static" / spec.name;
    std::optional<std::string> body = ReadFile(path);
    if (!body) return MissingFile(path);
    StaticAsset asset;
    asset.etag = "\"" + std::to_string(std::hash<std::string>{}(*body)) + "\"";
    asset.body = std::move(*body);
    asset.content_type = spec.content_type;
    assets.assets_.emplace(spec.name, std::move(asset));
  }
  return assets;
}

const StaticAsset* StaticAssets::Find(std::string_view name) const {
  auto found = assets_.find(name);
  return found == assets_.end() ? nullptr : &found->second;
}

}  // namespace helpdex::server

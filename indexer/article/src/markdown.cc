// Markdown to safe HTML with heading anchors, plus the plain text of each
// section, in one cmark parse.
#include <cmark.h>

#include <map>
#include <memory>

#include "helpdex/indexer/article.h"
#include "helpdex/search/analysis.h"

namespace helpdex::indexer {
namespace {

// cmark 0.30 is safe by default: raw HTML is omitted and javascript:/data:
// links are emptied. CMARK_OPT_UNSAFE must never be added here.
constexpr int kCmarkOptions = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;

struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};
struct CharDeleter {
  void operator()(char* text) const { free(text); }  // cmark allocates with malloc
};

bool EndsBlock(cmark_node_type type) {
  switch (type) {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
    case CMARK_NODE_ITEM:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_BLOCK_QUOTE:
      return true;
    default:
      return false;
  }
}

// The visible text under `node`; blocks end with a newline. Collects link
// destinations into `links` when given.
std::string PlainText(cmark_node* node, std::vector<std::string>* links) {
  std::string text;
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(node));
  cmark_event_type event;
  while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    cmark_node* current = cmark_iter_get_node(iter.get());
    const cmark_node_type type = cmark_node_get_type(current);
    if (event == CMARK_EVENT_ENTER) {
      switch (type) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_CODE_BLOCK:
          if (const char* literal = cmark_node_get_literal(current)) text += literal;
          break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
          text += ' ';
          break;
        case CMARK_NODE_LINK:
          if (links != nullptr) {
            if (const char* url = cmark_node_get_url(current)) links->push_back(url);
          }
          break;
        default:
          break;
      }
    }
    // Leaf blocks (code blocks) only get ENTER events.
    if ((event == CMARK_EVENT_EXIT || type == CMARK_NODE_CODE_BLOCK) && EndsBlock(type)) {
      if (!text.empty() && text.back() != '\n') text += '\n';
    }
  }
  return text;
}

// "Check what is slow" -> "check-what-is-slow"; letters of any script are kept
// (lower-cased), everything else becomes a single '-'.
std::string AnchorFor(const std::string& heading) {
  const std::string folded = search::NormalizeText(heading);
  std::string anchor;
  for (unsigned char c : folded) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    if (keep) {
      anchor += static_cast<char>(c);
    } else if (!anchor.empty() && anchor.back() != '-') {
      anchor += '-';
    }
  }
  while (!anchor.empty() && anchor.back() == '-') anchor.pop_back();
  if (anchor.size() > 80) {
    // Cut at a character boundary, never inside a UTF-8 sequence.
    size_t cut = 80;
    while (cut > 0 && (static_cast<unsigned char>(anchor[cut]) & 0xC0) == 0x80) --cut;
    anchor.resize(cut);
  }
  return anchor.empty() ? "section" : anchor;
}

std::string RenderNode(cmark_node* node) {
  std::unique_ptr<char, CharDeleter> html(cmark_render_html(node, kCmarkOptions));
  return html ? std::string(html.get()) : std::string();
}

}  // namespace

RenderedMarkdown RenderMarkdown(std::string_view markdown) {
  RenderedMarkdown rendered;
  std::unique_ptr<cmark_node, NodeDeleter> document(
      cmark_parse_document(markdown.data(), markdown.size(), kCmarkOptions));
  rendered.sections.push_back(search::Section{});
  std::map<std::string, int> anchors_used;

  for (cmark_node* block = cmark_node_first_child(document.get()); block != nullptr;
       block = cmark_node_next(block)) {
    std::string html = RenderNode(block);
    if (cmark_node_get_type(block) == CMARK_NODE_HEADING) {
      search::Section section;
      section.title = PlainText(block, nullptr);
      while (!section.title.empty() && section.title.back() == '\n') section.title.pop_back();
      std::string anchor = AnchorFor(section.title);
      if (int uses = anchors_used[anchor]++; uses > 0) anchor.append("-").append(std::to_string(uses + 1));
      section.anchor = anchor;
      // "<h2>" -> "<h2 id=\"anchor\">"; the anchor is [a-z0-9-] or letters, safe in an attribute.
      if (html.size() > 4 && html.compare(0, 2, "<h") == 0) {
        html.insert(3, " id=\"" + anchor + "\"");
      }
      rendered.sections.push_back(std::move(section));
    } else {
      rendered.sections.back().text += PlainText(block, &rendered.links);
    }
    rendered.html += html;
  }
  // Drop an empty introduction (articles that start with a heading).
  if (rendered.sections.front().text.empty() && rendered.sections.size() > 1) {
    rendered.sections.erase(rendered.sections.begin());
  }
  return rendered;
}

}  // namespace helpdex::indexer

// Markdown to safe HTML with heading anchors, plus the plain text of each
// section, in one cmark-gfm parse. cmark-gfm is the only Markdown library in
// helpdex: it exports the same symbol names as plain cmark (cmark_parse_document,
// cmark_node_free, ...) with other struct layouts, so the two can never be
// linked into one program.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <set>

#include "helpdex/indexer/article.h"
#include "helpdex/search/analysis.h"

namespace helpdex::indexer {
namespace {

// cmark-gfm is safe by default: raw HTML is omitted and javascript:/data:
// links are emptied. CMARK_OPT_UNSAFE must never be added here. One tilde is
// not a strikethrough ("~5 minutes"), two are.
constexpr int kCmarkOptions = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;

// The extensions articles get (tagfilter only matters with unsafe HTML;
// tasklist and footnotes are not part of the content format).
constexpr const char* kArticleExtensions[] = {"table", "strikethrough", "autolink"};

// Ids the article page gives its own elements (templates/article.html and
// its partials): a heading with such a text gets "-2", never a duplicate id.
constexpr const char* kPageIds[] = {"main", "answer-heading", "toc-heading", "feedback", "feedback-heading",
                                    "feedback-status", "feedback-comment", "feedback-comment-hint", "search-q",
                                    "search-q-suggest", "search-q-suggest-grid", "search-q-suggest-status"};

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};
struct CharDeleter {
  void operator()(char* text) const { free(text); }  // cmark-gfm allocates with malloc
};

bool TypeIs(cmark_node* node, const char* name) { return std::strcmp(cmark_node_get_type_string(node), name) == 0; }

bool EndsBlock(cmark_node* node) {
  switch (cmark_node_get_type(node)) {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
    case CMARK_NODE_ITEM:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_BLOCK_QUOTE:
      return true;
    default:
      // A table row ("table_row", or "table_header" for the first) ends a line.
      return TypeIs(node, "table_row") || TypeIs(node, "table_header");
  }
}

// The visible text under `node`; blocks end with a newline, table cells with
// a space. Collects link destinations into `links` when given.
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
    if (event == CMARK_EVENT_EXIT && TypeIs(current, "table_cell") && !text.empty() && text.back() != ' ') {
      text += ' ';
    }
    // Leaf blocks (code blocks) only get ENTER events.
    if ((event == CMARK_EVENT_EXIT || type == CMARK_NODE_CODE_BLOCK) && EndsBlock(current)) {
      while (!text.empty() && text.back() == ' ') text.pop_back();
      if (!text.empty() && text.back() != '\n') text += '\n';
    }
  }
  return text;
}

std::string RenderNode(cmark_node* node, cmark_llist* extensions) {
  std::unique_ptr<char, CharDeleter> html(cmark_render_html(node, kCmarkOptions, extensions));
  return html ? std::string(html.get()) : std::string();
}

// Gives each heading a unique id: the page's own ids and earlier headings'
// are taken, so "Setup", "Setup", "Setup 2" get setup, setup-2, setup-2-2.
class AnchorBook {
 public:
  AnchorBook() : used_(std::begin(kPageIds), std::end(kPageIds)) {}

  std::string Claim(std::string_view heading) {
    const std::string base = AnchorFor(heading);
    std::string anchor = base;
    for (int n = 2; used_.count(anchor) != 0; ++n) anchor = base + "-" + std::to_string(n);
    used_.insert(anchor);
    return anchor;
  }

 private:
  std::set<std::string> used_;
};

// "<h2>Text</h2>\n" -> "<h2 id="a">Text <a class="heading-anchor" ...></a></h2>\n".
// The anchor is letters, digits and '-', safe in an attribute. The link's
// accessible name is the heading's text (aria-labelledby); its visible "#"
// is hidden from screen readers.
std::string WithAnchor(std::string html, const std::string& anchor, int level) {
  if (html.size() < 9 || html.compare(0, 2, "<h") != 0) return html;
  if (level == 2 || level == 3) {
    const size_t close = html.rfind("</h");
    if (close != std::string::npos) {
      html.insert(close, " <a class=\"heading-anchor\" href=\"#" + anchor + "\" aria-labelledby=\"" + anchor +
                             "\"><span aria-hidden=\"true\">#</span></a>");
    }
  }
  html.insert(3, " id=\"" + anchor + "\"");
  return html;
}

// A table scrolls inside its own box, so a wide one never widens a phone's
// page. The box is focusable so that keyboard users can scroll it, and takes
// its name from the section's heading.
std::string InScrollBox(const std::string& table_html, const std::string& section_anchor) {
  std::string open = "<div class=\"table-scroll\"";
  if (!section_anchor.empty()) {
    open += " role=\"region\" tabindex=\"0\" aria-labelledby=\"" + section_anchor + "\"";
  }
  return open + ">\n" + table_html + "</div>\n";
}

enum class Flavor { kArticle, kCommonMark };

std::unique_ptr<cmark_parser, ParserDeleter> NewParser(Flavor flavor) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(kCmarkOptions));
  if (flavor == Flavor::kArticle) {
    for (const char* name : kArticleExtensions) {
      // Registered above; a missing one would be a broken libcmark-gfm-extensions.
      if (cmark_syntax_extension* extension = cmark_find_syntax_extension(name)) {
        cmark_parser_attach_syntax_extension(parser.get(), extension);
      }
    }
  }
  return parser;
}

RenderedMarkdown Render(std::string_view markdown, Flavor flavor) {
  std::unique_ptr<cmark_parser, ParserDeleter> parser = NewParser(flavor);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> document(cmark_parser_finish(parser.get()));
  cmark_llist* extensions = cmark_parser_get_syntax_extensions(parser.get());

  RenderedMarkdown rendered;
  rendered.sections.push_back(search::Section{});
  AnchorBook anchors;
  for (cmark_node* block = cmark_node_first_child(document.get()); block != nullptr;
       block = cmark_node_next(block)) {
    std::string html = RenderNode(block, extensions);
    if (cmark_node_get_type(block) == CMARK_NODE_HEADING) {
      search::Section section;
      section.title = PlainText(block, nullptr);
      while (!section.title.empty() && section.title.back() == '\n') section.title.pop_back();
      section.level = cmark_node_get_heading_level(block);
      section.anchor = anchors.Claim(section.title);
      html = WithAnchor(std::move(html), section.anchor, section.level);
      rendered.sections.push_back(std::move(section));
    } else {
      if (TypeIs(block, "table")) html = InScrollBox(html, rendered.sections.back().anchor);
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

// The cells of a line if it can be a table's delimiter row: the cells of its
// longest tail made of '|', '-', ':', spaces and tabs (what a delimiter row
// is made of, whatever block quote or list marker comes before it) that
// hold a '-'. Counts a leading list marker "- " as one more cell, which
// errs on the safe side. 0 when the tail has no '|' (a rule, a list item).
bool CanBeInDelimiterRow(char c) { return c == '|' || c == '-' || c == ':' || c == ' ' || c == '\t'; }

size_t DelimiterCells(std::string_view line) {
  size_t start = line.size();
  while (start > 0 && CanBeInDelimiterRow(line[start - 1])) --start;
  const std::string_view tail = line.substr(start);
  if (tail.find('|') == std::string_view::npos) return 0;
  size_t cells = 0;
  bool dash_in_cell = false;
  for (char c : tail) {
    if (c == '|') {
      cells += dash_in_cell;
      dash_in_cell = false;
    } else if (c == '-') {
      dash_in_cell = true;
    }
  }
  return cells + dash_in_cell;
}

bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

Error LimitError(size_t line, std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), std::to_string(line)};
}

}  // namespace

std::string AnchorFor(std::string_view heading) {
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
    while (!anchor.empty() && anchor.back() == '-') anchor.pop_back();
  }
  return anchor.empty() ? "section" : anchor;
}

Result<CheckedMarkdown> CheckArticleMarkdown(std::string_view markdown) {
  if (markdown.size() > kMaxArticleBytes) {
    return Error{ErrorCode::kInvalidInput,
                 "the Markdown is " + std::to_string(markdown.size()) + " bytes; the limit is " +
                     std::to_string(kMaxArticleBytes),
                 ""};
  }
  size_t cells = 0;
  size_t table_columns = 0;   // of the table being counted; 0 outside tables
  size_t table_line = 0;      // its delimiter row's line
  size_t line_number = 0;
  for (size_t start = 0; start < markdown.size();) {
    size_t end = markdown.find('\n', start);
    if (end == std::string_view::npos) end = markdown.size();
    const std::string_view line = markdown.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (IsBlank(line)) {
      table_columns = 0;
      continue;
    }
    if (const size_t columns = DelimiterCells(line); columns > 0) {
      if (columns > kMaxTableColumns) {
        return LimitError(line_number, "a table has " + std::to_string(columns) + " columns; the limit is " +
                                           std::to_string(kMaxTableColumns));
      }
      // The header row above and this row are cells too.
      cells += 2 * columns;
      table_columns = columns;
      table_line = line_number;
    } else {
      cells += table_columns;  // a line that can be a row of the open table
    }
    if (cells > kMaxTableCells) {
      return LimitError(table_line, "the tables have more than " + std::to_string(kMaxTableCells) +
                                        " cells in all (columns times rows); split or shorten them");
    }
  }
  return CheckedMarkdown(markdown);
}

RenderedMarkdown RenderArticleMarkdown(const CheckedMarkdown& markdown) {
  return Render(markdown.text(), Flavor::kArticle);
}

RenderedMarkdown RenderMarkdown(std::string_view markdown) { return Render(markdown, Flavor::kCommonMark); }

}  // namespace helpdex::indexer

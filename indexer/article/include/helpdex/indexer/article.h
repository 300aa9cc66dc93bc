// File: article.h
// Parsing one article file: YAML front matter (yaml-cpp) and Markdown body
// (cmark-gfm, safe mode, with tables) into a search::DocumentRecord. Errors name the file and
// line: "content/tr/slow.md:3: front matter field 'lang': unknown language 'tk'".
//
//   Result<search::DocumentRecord> record = ParseArticle("content/en/a.md", bytes);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/document.h"
#include "helpdex/search/error.h"

namespace helpdex::indexer {

// Limits on what reaches cmark-gfm 0.29.0.gfm.6 (Debian 12), whose table
// extension costs time and memory per table cell: every row is padded to the
// delimiter row's number of cells, so a 14 KB table of 4000 columns became
// 40 MB of HTML in 17 s, and 64 KiB of one-character rows under a 20-column
// header 7 MB in 1.8 s (../shared/platform.md A3.3). The limits bound the
// cells before anything is parsed: 64 KiB a file, 20 columns a table, 2000
// cells a file (columns times the lines that can be rows). An article is
// 2-5 KB.
inline constexpr size_t kMaxArticleBytes = 64 * 1024;
inline constexpr size_t kMaxTableColumns = 20;
inline constexpr size_t kMaxTableCells = 2000;

struct FrontMatterSplit {
  std::string yaml;      // the text between the --- lines
  std::string body;      // the Markdown after the closing ---
  int body_first_line;   // 1-based line number of the body's first line
};

// Splits "---\n<yaml>\n---\n<body>". Accepts a UTF-8 BOM and CRLF line ends.
// kInvalidInput naming `path` and the line when there is no front matter or it
// is not closed.
Result<FrontMatterSplit> SplitFrontMatter(std::string_view path, std::string_view bytes);

struct RenderedMarkdown {
  std::string html;                         // safe HTML; headings carry id="anchor"
  std::vector<search::Section> sections;    // text split at headings, with their levels
  std::vector<std::string> links;           // link destinations, for broken-link reports
};

// Article Markdown that has passed the limits above. Only CheckArticleMarkdown()
// makes one, so no text reaches the table extension unchecked.
class CheckedMarkdown {
 public:
  std::string_view text() const { return text_; }

 private:
  friend Result<CheckedMarkdown> CheckArticleMarkdown(std::string_view markdown);
  explicit CheckedMarkdown(std::string_view text) : text_(text) {}
  std::string_view text_;  // not owned: the caller's Markdown
};

// Checks the limits on one article's Markdown with a single pass over its
// lines, without parsing it: at most kMaxArticleBytes; no delimiter row
// ("|---|:--:|") with more than kMaxTableColumns cells; at most
// kMaxTableCells cells in all its tables, counting each table as its columns
// times the lines up to the next blank line. kInvalidInput whose `where` is
// the 1-based line in `markdown` ("" for the size), and whose message says
// which limit.
Result<CheckedMarkdown> CheckArticleMarkdown(std::string_view markdown);

// Renders checked article Markdown with cmark-gfm and its table,
// strikethrough (~~two tildes~~) and autolink extensions, in safe mode (raw
// HTML omitted, javascript:/data: links emptied). Headings get unique ids
// (AnchorFor) and an anchor link; a top-level table is wrapped in
// <div class="table-scroll"> so that a wide table scrolls on its own.
RenderedMarkdown RenderArticleMarkdown(const CheckedMarkdown& markdown);

// Renders Markdown as CommonMark only (cmark-gfm without extensions: no
// tables, so no per-cell cost), in safe mode: for text whose size is bounded
// elsewhere and which is not an article file (`helpdex index --docs` lines).
// Ticket and customer text is never given to either renderer (design.md:
// escape it as plain text).
RenderedMarkdown RenderMarkdown(std::string_view markdown);

// A heading's id: the heading's text folded as search folds text
// (search::NormalizeText: NFKC and case folding, so "ı" is "i" and a final
// "ς" is "σ") with the letters and digits of every script kept as they are
// ("Проверьте скорость" -> "проверьте-скорость", "Sunucu ayarları" ->
// "sunucu-ayarlari"), any other run of characters becoming one "-", at most
// 80 bytes; "section" when nothing is left. Not transliterated: a Greek or
// Russian id stays readable in the address bar, and the ids are the ones
// indexes before cmark-gfm gave, so links to sections keep working.
std::string AnchorFor(std::string_view heading);
struct CategoryFiles;  // categories.h

// Parses and validates a whole article file (see content/README.md for the
// fields). Checks that need the whole knowledge base (duplicate id or slug)
// happen in BuildIndex. With `categories`, the article's `category` must be
// one of its language's (categories.h ApplyCategory), whose title and places
// the record then carries; without, only the key is read.
Result<search::DocumentRecord> ParseArticle(std::string_view path, std::string_view bytes,
                                            const CategoryFiles* categories = nullptr);

// A new article for a writer to start from (the gap report's drafts): the
// front-matter fields of design.md and a Markdown body.
struct ArticleDraft {
  std::string id;
  std::string title;
  Language language = Language::kEnglish;
  std::string slug;                 // [a-z0-9-]+; made from the title when empty
  std::vector<std::string> tags;
  std::string translation_key;      // the slug when empty
  std::string answer;               // the short vetted answer, plain text
  std::string body;                 // Markdown
  std::string draft_note;           // kept as the unknown field `draft` (where it came from)
};

// The article file: "---\n<YAML front matter>\n---\n\n<body>". The front
// matter is written by yaml-cpp, so any title or answer text is quoted as
// YAML needs; ParseArticle() reads the file back. `reviewed` is left out:
// nobody has reviewed a draft.
std::string WriteArticle(const ArticleDraft& draft);

// A slug from any text: lower-case ASCII letters and digits joined by "-",
// at most `max_words` words; "" when the text has no ASCII letter or digit.
std::string SlugFrom(std::string_view text, size_t max_words = 6);

// Longest slug an article may have, in bytes.
inline constexpr size_t kMaxSlugBytes = 100;

// True for a valid article slug: words of lower-case a-z and 0-9 joined by
// single hyphens, 1 to kMaxSlugBytes bytes ("reset-password-2").
bool IsValidSlug(std::string_view slug);

// The slug of a document that has an id and no slug of its own (`helpdex
// index --docs`). An id that already is a valid slug is its own slug, so its
// URL never moves. Any other id gets a readable part (the id transliterated
// to ASCII, lower-case letters and digits joined by "-", at most 80 bytes;
// "doc" when nothing is left), then "-" and 10 hex digits of a hash of the
// whole id: ids that differ only in case, punctuation, non-Latin letters or
// beyond the 80th byte get different slugs, and the same id always gets the
// same slug ("Q201_R7" -> "q201-r7-0a3e683522", "Сброс пароля" ->
// "sbros-parola-219089cfcd", "Επαναφορά κωδικού" -> "epanaphora-kodikou-
// 94e0a4b441"). Transliteration costs about 10 µs for an id that is not
// ASCII. Thread-safe.
std::string SlugForId(std::string_view id);

}  // namespace helpdex::indexer

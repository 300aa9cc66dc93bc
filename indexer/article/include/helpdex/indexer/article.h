// File: article.h
// Parsing one article file: YAML front matter (yaml-cpp) and Markdown body
// (cmark, safe mode) into a search::DocumentRecord. Errors name the file and
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

inline constexpr size_t kMaxArticleBytes = 1 << 20;  // 1 MiB per file

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
  std::vector<search::Section> sections;    // text split at headings
  std::vector<std::string> links;           // link destinations, for broken-link reports
};

// Renders Markdown with cmark (raw HTML and javascript:/data: links dropped).
RenderedMarkdown RenderMarkdown(std::string_view markdown);

// Parses and validates a whole article file (see content/README.md for the
// fields). Checks that need the whole knowledge base (duplicate id or slug)
// happen in BuildIndex.
Result<search::DocumentRecord> ParseArticle(std::string_view path, std::string_view bytes);

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

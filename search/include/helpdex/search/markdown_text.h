// File: markdown_text.h
// The visible text of light Markdown, for text that must never be rendered:
// agents' ticket messages (platform.md A3.3: ticket text is never given to a
// Markdown renderer, and helpdex links only cmark-gfm, whose extensions are
// polynomial time on hostile input). The result is plain text, to be escaped
// like any other; nothing here can make a link, a tag or a script.
//
//   MarkdownToPlainText("**Open** [Billing](https://x.example/b)")
//   // "Open Billing (https://x.example/b)"
#pragma once

#include <string>
#include <string_view>

namespace helpdex::search {

// Removes Markdown markup and keeps the words, line by line, in one pass
// (linear time: every lookahead is bounded):
// - headings' "#", block quotes' ">", code fences and thematic breaks go;
//   bullets ("-", "*", "+") become "• ", numbered items stay;
// - emphasis ("**", "__", "*", "_" at a word's edge, "~~") and code
//   backticks go; a backslash escape keeps its character;
// - [text](url) becomes "text (url)", ![alt](url) "alt", <https://url> "https://url".
// Line breaks are kept; anything else (HTML tags too) stays as text.
std::string MarkdownToPlainText(std::string_view markdown);

}  // namespace helpdex::search

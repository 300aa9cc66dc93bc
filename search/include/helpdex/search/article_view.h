// File: article_view.h
// What an article page shows beside its body, derived from the record the
// indexer stored: the table of contents and the meta description.
//
//   std::vector<Section> toc = TableOfContents(record);   // empty: no TOC
//   std::string description = MetaDescription(record);    // escape it
#pragma once

#include <string>
#include <vector>

#include "helpdex/search/document.h"

namespace helpdex::search {

// Sections (level-2 headings) an article needs before it gets a table of
// contents.
inline constexpr size_t kMinTocSections = 3;

// The article's "##" sections (anchor and title) in order when it has at
// least kMinTocSections of them, else none. The levels are in the record as
// ReadDocumentRecord() reads it (the article page's), not in the display
// slots; records indexed before schema-5 have none, so no table of contents.
std::vector<Section> TableOfContents(const DisplayRecord& record);

// The longest a meta description is, in characters (what search engines show).
inline constexpr size_t kMetaDescriptionChars = 155;

// The text for <meta name="description">: the answer as plain text when the
// article has one, else the body's first text; white space collapsed, at
// most kMetaDescriptionChars characters, cut after a whole word with "…".
// Plain text: the caller escapes it.
std::string MetaDescription(const DisplayRecord& record);

}  // namespace helpdex::search

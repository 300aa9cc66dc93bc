// File: categories.h
// The help centre's categories: content/categories/<lang>.yaml lists, per
// language and in display order, each category's key (what an article's
// `category` front-matter field names), title, optional description and
// optionally the slugs of its articles in display order (content/README.md).
// Errors name the file and line: "content/categories/nb.yaml:7: ...".
//
//   CategoryFiles files = ReadCategoryFiles("content");
//   Result<search::DocumentRecord> record = ParseArticle(path, bytes, &files);
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/document.h"
#include "helpdex/search/error.h"
#include "helpdex/search/language.h"

namespace helpdex::indexer {

struct CategoryDefinition {
  std::string key;                    // [a-z0-9-]+, shared by every language's file
  std::string title;                  // in the file's language
  std::string description;            // may be empty
  std::vector<std::string> articles;  // slugs in display order (may be empty)
  int line = 0;                       // where the category starts in its file
};

// One language's categories, in display order.
struct CategoryList {
  Language language = Language::kEnglish;
  std::string path;  // as given, for errors
  std::vector<CategoryDefinition> categories;
};

// Parses one categories file (YAML: a list of mappings with `key`, `title`,
// `description`, `articles`). kInvalidInput naming `path:line` for invalid
// YAML or UTF-8, a missing or empty title, a key that is not [a-z0-9-]+, a
// key defined twice, an unknown field, or a slug listed twice.
Result<CategoryList> ParseCategories(std::string_view path, std::string_view bytes, Language language);

struct CategoryFiles {
  std::map<Language, CategoryList> languages;
  std::vector<Error> errors;  // one per bad file (file:line)
  std::set<Language> broken;  // languages whose file has an error: their articles' categories are refused
  std::string hash;           // of every file's name and bytes: articles are analysed again when it changes
};

// Reads every content/categories/<lang>.yaml (a file named after anything
// else than a language is an error). No folder: no categories.
CategoryFiles ReadCategoryFiles(const std::filesystem::path& content_dir);

// Gives `record` its category's title, description and places from `files`
// when its `category` is set. kInvalidInput at `where` (the article's
// category line) when the article's language has no such category, or when
// the categories file lists the article's slug under another category.
// Without a categories file for the language every category is refused.
Result<bool> ApplyCategory(search::DocumentRecord& record, const CategoryFiles& files, const std::string& where);

}  // namespace helpdex::indexer

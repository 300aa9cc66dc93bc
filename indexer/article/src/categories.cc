// content/categories/<lang>.yaml (categories.h).
#include "helpdex/indexer/categories.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "helpdex/indexer/article.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/text.h"

namespace helpdex::indexer {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxCategoriesFileBytes = 1 << 20;
constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxDescriptionBytes = 1000;

Error At(std::string_view path, int line, std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), std::string(path) + ":" + std::to_string(line)};
}

int LineOf(const YAML::Node& node, int fallback) { return node.Mark().line >= 0 ? node.Mark().line + 1 : fallback; }

// A scalar field of a category; "" when absent.
Result<std::string> ScalarField(std::string_view path, const YAML::Node& item, const char* key, int line) {
  const YAML::Node node = item[key];
  if (!node || node.IsNull()) return std::string();
  if (!node.IsScalar()) return At(path, LineOf(node, line), std::string("'") + key + "' must be a single value");
  return node.Scalar();
}

Result<CategoryDefinition> ParseCategory(std::string_view path, const YAML::Node& item) {
  CategoryDefinition category;
  category.line = LineOf(item, 1);
  if (!item.IsMap()) {
    return At(path, category.line, "each category is a mapping with 'key', 'title' and optionally 'description' and 'articles'");
  }
  for (const auto& field : item) {
    const std::string name = field.first.Scalar();
    if (name != "key" && name != "title" && name != "description" && name != "articles") {
      return At(path, LineOf(field.first, category.line),
                "unknown field '" + name + "' (a category has key, title, description and articles)");
    }
  }
  Result<std::string> key = ScalarField(path, item, "key", category.line);
  if (!key.ok()) return key.error();
  if (key->empty()) return At(path, category.line, "the category has no 'key'");
  if (!IsValidSlug(*key)) {
    return At(path, LineOf(item["key"], category.line),
              "category key '" + *key + "' must be lower-case a-z, 0-9 and single hyphens");
  }
  category.key = *key;
  Result<std::string> title = ScalarField(path, item, "title", category.line);
  if (!title.ok()) return title.error();
  if (search::Trim(*title).empty()) return At(path, category.line, "category '" + category.key + "' has no 'title'");
  if (title->size() > kMaxTitleBytes) {
    return At(path, LineOf(item["title"], category.line), "the title is longer than 200 bytes");
  }
  category.title = std::string(search::Trim(*title));
  Result<std::string> description = ScalarField(path, item, "description", category.line);
  if (!description.ok()) return description.error();
  if (description->size() > kMaxDescriptionBytes) {
    return At(path, LineOf(item["description"], category.line), "the description is longer than 1000 bytes");
  }
  category.description = std::string(search::Trim(*description));
  const YAML::Node articles = item["articles"];
  if (articles && !articles.IsNull()) {
    if (!articles.IsSequence()) return At(path, LineOf(articles, category.line), "'articles' must be a list of slugs");
    for (const YAML::Node& slug : articles) {
      if (!slug.IsScalar() || !IsValidSlug(slug.Scalar())) {
        return At(path, LineOf(slug, category.line),
                  "'articles' lists article slugs (lower-case a-z, 0-9 and single hyphens)");
      }
      category.articles.push_back(slug.Scalar());
    }
  }
  return category;
}

}  // namespace

Result<CategoryList> ParseCategories(std::string_view path, std::string_view bytes, Language language) {
  if (bytes.size() > kMaxCategoriesFileBytes) return At(path, 1, "the file is larger than 1 MiB");
  if (!search::IsValidUtf8(bytes) || bytes.find('\0') != std::string_view::npos) {
    return At(path, 1, "the file is not valid UTF-8 text");
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(bytes));
  } catch (const YAML::Exception& e) {
    return At(path, 1 + std::max(0, e.mark.line), "not valid YAML: " + e.msg);
  }
  CategoryList list;
  list.language = language;
  list.path = std::string(path);
  if (!root || root.IsNull()) return list;  // an empty file: no categories
  if (!root.IsSequence()) return At(path, 1, "the file must be a YAML list of categories ('- key: ...')");
  std::map<std::string, int> keys;   // key -> line
  std::map<std::string, int> slugs;  // slug -> line of its category
  for (const YAML::Node& item : root) {
    Result<CategoryDefinition> category = ParseCategory(path, item);
    if (!category.ok()) return category.error();
    if (auto [it, added] = keys.emplace(category->key, category->line); !added) {
      return At(path, category->line,
                "category '" + category->key + "' is defined twice (first at line " + std::to_string(it->second) + ")");
    }
    for (const std::string& slug : category->articles) {
      if (auto [it, added] = slugs.emplace(slug, category->line); !added) {
        return At(path, category->line,
                  "article '" + slug + "' is listed twice (first in the category at line " +
                      std::to_string(it->second) + ")");
      }
    }
    list.categories.push_back(std::move(category).value());
  }
  return list;
}

CategoryFiles ReadCategoryFiles(const fs::path& content_dir) {
  CategoryFiles out;
  const fs::path folder = content_dir / "categories";
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::string all_bytes;
  for (const fs::path& file : files) {
    const std::string code = file.stem().string();
    std::optional<Language> language = ParseLanguage(code);
    if (!language || code != LanguageCode(*language)) {
      out.errors.push_back(At(file.string(), 1,
                              "a categories file is named after its language (" +
                                  std::string(SupportedLanguageList()) + "), not '" + code + "'"));
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in && !in.eof()) {
      out.errors.push_back(At(file.string(), 1, "cannot read the file"));
      continue;
    }
    const std::string bytes = buffer.str();
    all_bytes += file.filename().string() + '\n' + bytes + '\n';
    Result<CategoryList> list = ParseCategories(file.string(), bytes, *language);
    if (!list.ok()) {
      out.broken.insert(*language);
      out.errors.push_back(list.error());
      continue;
    }
    out.languages[*language] = std::move(list).value();
  }
  out.hash = search::schema::SourceHash(all_bytes);
  return out;
}

Result<bool> ApplyCategory(search::DocumentRecord& record, const CategoryFiles& files, const std::string& where) {
  const std::string lang(LanguageCode(record.language));
  auto language = files.languages.find(record.language);
  // Where the slug is listed, if anywhere.
  if (language != files.languages.end()) {
    for (const CategoryDefinition& category : language->second.categories) {
      auto listed = std::find(category.articles.begin(), category.articles.end(), record.slug);
      if (listed != category.articles.end() && category.key != record.category && record.audience == "public") {
        return Error{ErrorCode::kInvalidInput,
                     "category '" + record.category + "', but " + language->second.path + ":" +
                         std::to_string(category.line) + " lists this article under '" + category.key + "'",
                     where};
      }
    }
  }
  if (record.category.empty()) return false;
  if (files.broken.count(record.language) != 0) {
    return Error{ErrorCode::kInvalidInput,
                 "category '" + record.category + "' cannot be checked: categories/" + lang + ".yaml has an error",
                 where};
  }
  if (language == files.languages.end()) {
    return Error{ErrorCode::kInvalidInput,
                 "category '" + record.category + "' is not defined: there is no categories/" + lang + ".yaml",
                 where};
  }
  const std::vector<CategoryDefinition>& categories = language->second.categories;
  for (size_t rank = 0; rank < categories.size(); ++rank) {
    const CategoryDefinition& category = categories[rank];
    if (category.key != record.category) continue;
    record.category_title = category.title;
    record.category_description = category.description;
    record.category_rank = static_cast<int>(rank);
    auto listed = std::find(category.articles.begin(), category.articles.end(), record.slug);
    record.category_article_rank =
        listed == category.articles.end() ? -1 : static_cast<int>(listed - category.articles.begin());
    return true;
  }
  return Error{ErrorCode::kInvalidInput,
               "category '" + record.category + "' is not defined in " + language->second.path, where};
}

}  // namespace helpdex::indexer

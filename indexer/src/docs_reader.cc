#include "docs_reader.h"

#include <nlohmann/json.hpp>

#include "schema_version.h"

#include "helpdex/indexer/article.h"
#include "helpdex/indexer/lines.h"
#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/text.h"

namespace helpdex::indexer {
namespace {

using nlohmann::json;

std::string IdOf(const json& doc) {
  if (!doc.contains("id")) return "";
  if (doc["id"].is_string()) return doc["id"].get<std::string>();
  if (doc["id"].is_number()) return doc["id"].dump();
  return "";
}

}  // namespace

Result<search::DocumentRecord> ParseDocsLine(const DocsLine& line) {
  json doc = json::parse(line.text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Error{ErrorCode::kInvalidInput, "not a JSON object", line.where};
  search::DocumentRecord record;
  record.id = IdOf(doc);
  const std::string lang = doc.value("lang", "");
  std::optional<Language> language = ParseLanguage(lang);
  if (!language) {
    return Error{ErrorCode::kInvalidInput,
                 "field 'lang': unknown language '" + lang + "' (expected one of " +
                     std::string(SupportedLanguageList()) + ")",
                 line.where};
  }
  record.language = *language;
  record.title = doc.value("title", "");
  if (record.title.empty()) record.title = record.id;
  record.slug = SlugForId(record.id);
  record.translation_key = record.id;
  record.answer = doc.value("answer", "");
  if (doc.contains("tags") && doc["tags"].is_array()) {
    for (const json& tag : doc["tags"]) {
      if (tag.is_string()) record.tags.push_back(tag.get<std::string>());
    }
  }
  const std::string text = doc.value("text", "");
  record.html = RenderMarkdown(text).html;
  record.sections.push_back(search::Section{"", "", text});
  record.source_path = line.source_key;
  record.source_hash = line.hash;
  return record;
}

Result<int> ReadDocsFile(const std::string& path, const std::function<void(const DocsLine&)>& on_line,
                         const std::function<void(Error)>& on_error) {
  int lines = 0;
  Result<int> read = ForEachLine(path, [&](int line_number, const std::string& text) -> std::optional<Error> {
    DocsLine line{path + ":" + std::to_string(line_number), "", "", text};
    if (!search::IsValidUtf8(line.text)) {
      on_error(Error{ErrorCode::kInvalidInput, "the line is not valid UTF-8", line.where});
      return std::nullopt;
    }
    // Only the id is read here; the rest is parsed when the line changed.
    json doc = json::parse(line.text, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) {
      on_error(Error{ErrorCode::kInvalidInput, "not a JSON object", line.where});
      return std::nullopt;
    }
    const std::string id = IdOf(doc);
    if (id.empty()) {
      on_error(Error{ErrorCode::kInvalidInput, "missing field 'id'", line.where});
      return std::nullopt;
    }
    line.source_key = "docs:" + id;
    // The schema version too: a document written by an older schema is
    // analysed again even when its line is unchanged.
    line.hash = search::schema::SourceHash(line.text + '\n' + kSchemaVersion);
    on_line(line);
    ++lines;
    return std::nullopt;
  });
  if (!read.ok()) return read.error();
  return lines;
}

}  // namespace helpdex::indexer

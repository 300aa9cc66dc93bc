#include "docs_reader.h"

#include <zlib.h>

#include <nlohmann/json.hpp>

#include "helpdex/indexer/article.h"
#include "helpdex/search/analysis.h"

namespace helpdex::indexer {
namespace {

using nlohmann::json;

std::string SlugFromId(const std::string& id) {
  std::string slug;
  for (unsigned char c : id) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug += static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      slug += static_cast<char>(c - 'A' + 'a');
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 100) slug.resize(100);
  return slug.empty() ? "doc" : slug;
}

std::string HashHex(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

Result<search::DocumentRecord> RecordFromLine(const std::string& where, const std::string& line) {
  json doc = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Error{ErrorCode::kInvalidInput, "not a JSON object", where};
  if (!doc.contains("id") || !(doc["id"].is_string() || doc["id"].is_number())) {
    return Error{ErrorCode::kInvalidInput, "missing field 'id'", where};
  }
  search::DocumentRecord record;
  record.id = doc["id"].is_string() ? doc["id"].get<std::string>() : doc["id"].dump();
  const std::string lang = doc.value("lang", "");
  std::optional<Language> language = ParseLanguage(lang);
  if (!language) {
    return Error{ErrorCode::kInvalidInput,
                 "field 'lang': unknown language '" + lang + "' (expected one of " +
                     std::string(SupportedLanguageList()) + ")",
                 where};
  }
  record.language = *language;
  record.title = doc.value("title", "");
  if (record.title.empty()) record.title = record.id;
  record.slug = SlugFromId(record.id);
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
  return record;
}

}  // namespace

Result<int> ReadDocsFile(const std::string& path,
                         const std::function<void(search::DocumentRecord, const std::string&)>& on_record,
                         const std::function<void(Error)>& on_error) {
  // gzopen reads plain files transparently too.
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Error{ErrorCode::kInvalidInput, "cannot open the documents file", path};
  gzbuffer(file, 1 << 17);
  std::string line;
  int line_number = 0;
  int records = 0;
  char buffer[1 << 16];
  auto flush_line = [&]() {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;
    const std::string where = path + ":" + std::to_string(line_number);
    if (!search::IsValidUtf8(line)) {
      on_error(Error{ErrorCode::kInvalidInput, "the line is not valid UTF-8", where});
      return;
    }
    Result<search::DocumentRecord> record = RecordFromLine(where, line);
    if (!record.ok()) {
      on_error(record.error());
      return;
    }
    record->source_path = "docs:" + record->id;
    const std::string hash = HashHex(line);
    record->source_hash = hash;
    on_record(std::move(record).value(), hash);
    ++records;
  };
  int read = 0;
  while ((read = gzread(file, buffer, sizeof buffer)) > 0) {
    for (int i = 0; i < read; ++i) {
      if (buffer[i] == '\n') {
        flush_line();
        line.clear();
      } else {
        line += buffer[i];
      }
    }
  }
  const bool failed = read < 0;
  gzclose(file);
  if (!line.empty()) flush_line();
  if (failed) return Error{ErrorCode::kInvalidInput, "the documents file is corrupt (gzip error)", path};
  return records;
}

}  // namespace helpdex::indexer

#include "dataset.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>

#include "helpdex/indexer/lines.h"
#include "helpdex/search/language.h"
#include "helpdex/search/searcher.h"

namespace helpdex::eval {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using indexer::ForEachLine;

std::string Where(const fs::path& path, int line_number) { return path.string() + ":" + std::to_string(line_number); }

Result<json> ParseObject(const std::string& line, const std::string& where) {
  try {
    json object = json::parse(line);
    if (!object.is_object()) return Error{ErrorCode::kInvalidInput, "expected a JSON object", where};
    return object;
  } catch (const json::parse_error& e) {
    return Error{ErrorCode::kInvalidInput, "not valid JSON (at byte " + std::to_string(e.byte) + ")", where};
  }
}

// A string field; ids may also be numbers, written as in the file.
Result<std::string> StringField(const json& object, const char* name, bool required, const std::string& where) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) {
    if (!required) return std::string();
    return Error{ErrorCode::kInvalidInput, std::string("missing field '") + name + "'", where};
  }
  if (found->is_string()) return found->get<std::string>();
  if (found->is_number_integer()) return found->dump();
  return Error{ErrorCode::kInvalidInput, std::string("field '") + name + "' must be a string", where};
}

// "no" and "nn" become "nb", so that query and document languages compare equal.
std::string NormalizedLanguage(const std::string& lang) {
  std::optional<Language> language = ParseLanguage(lang);
  return language ? std::string(LanguageCode(*language)) : lang;
}

// Cuts at a UTF-8 character boundary.
std::string TruncateUtf8(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

// Remembers the line of each id, to reject a second occurrence.
class DuplicateIdCheck {
 public:
  std::optional<Error> Add(const std::string& id, int line_number, const std::string& where) {
    auto [found, inserted] = first_line_.emplace(id, line_number);
    if (inserted) return std::nullopt;
    return Error{ErrorCode::kInvalidInput,
                 "duplicate id '" + id + "' (first on line " + std::to_string(found->second) + ")", where};
  }

 private:
  std::map<std::string, int> first_line_;
};

Result<std::vector<EvalDocument>> ReadDocuments(const fs::path& path) {
  std::vector<EvalDocument> documents;
  DuplicateIdCheck ids;
  Result<int> read = ForEachLine(path, [&](int line_number, const std::string& line) -> std::optional<Error> {
    const std::string where = Where(path, line_number);
    Result<json> object = ParseObject(line, where);
    if (!object.ok()) return object.error();
    EvalDocument document;
    for (auto [field, target, required] : {std::tuple{"id", &document.id, true}, {"lang", &document.lang, true},
                                           {"title", &document.title, false}, {"text", &document.text, false}}) {
      Result<std::string> value = StringField(*object, field, required, where);
      if (!value.ok()) return value.error();
      *target = std::move(value).value();
    }
    if (std::optional<Error> duplicate = ids.Add(document.id, line_number, where)) return duplicate;
    document.lang = NormalizedLanguage(document.lang);
    documents.push_back(std::move(document));
    return std::nullopt;
  });
  if (!read.ok()) return read.error();
  return documents;
}

struct QueryLine {
  std::string id;
  std::string lang;
  std::string text;
};

Result<std::vector<QueryLine>> ReadQueries(const fs::path& path) {
  std::vector<QueryLine> queries;
  DuplicateIdCheck ids;
  Result<int> read = ForEachLine(path, [&](int line_number, const std::string& line) -> std::optional<Error> {
    const std::string where = Where(path, line_number);
    Result<json> object = ParseObject(line, where);
    if (!object.ok()) return object.error();
    QueryLine query;
    for (auto [field, target] : {std::pair{"id", &query.id}, {"lang", &query.lang}, {"text", &query.text}}) {
      Result<std::string> value = StringField(*object, field, /*required=*/true, where);
      if (!value.ok()) return value.error();
      *target = std::move(value).value();
    }
    if (std::optional<Error> duplicate = ids.Add(query.id, line_number, where)) return duplicate;
    queries.push_back(std::move(query));
    return std::nullopt;
  });
  if (!read.ok()) return read.error();
  return queries;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (size_t tab = line.find('\t'); tab != std::string_view::npos; tab = line.find('\t', start)) {
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  fields.push_back(line.substr(start));
  return fields;
}

std::optional<int> ParseGrade(std::string_view text) {
  int grade = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), grade);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return grade;
}

// query id -> judgments. A pair judged twice keeps its higher grade.
Result<std::map<std::string, Judgments>> ReadQrels(const fs::path& path) {
  std::map<std::string, Judgments> qrels;
  Result<int> read = ForEachLine(path, [&](int line_number, const std::string& line) -> std::optional<Error> {
    const std::vector<std::string_view> fields = SplitTabs(line);
    std::optional<int> grade = fields.size() == 3 ? ParseGrade(fields[2]) : std::nullopt;
    if (!grade || fields[0].empty() || fields[1].empty()) {
      return Error{ErrorCode::kInvalidInput, "expected query_id<TAB>doc_id<TAB>grade (an integer)",
                   Where(path, line_number)};
    }
    int& stored = qrels[std::string(fields[0])].try_emplace(std::string(fields[1]), *grade).first->second;
    stored = std::max(stored, *grade);
    return std::nullopt;
  });
  if (!read.ok()) return read.error();
  return qrels;
}

bool HasRelevant(const Judgments& judgments) {
  for (const auto& [doc_id, grade] : judgments) {
    if (grade > 0) return true;
  }
  return false;
}

std::string DatasetName(const fs::path& dir) {
  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(dir, ec);
  if (ec) absolute = dir.lexically_normal();
  if (absolute.filename().empty()) absolute = absolute.parent_path();
  return absolute.filename().string();
}

// Keeps the queries that can be scored, counting and noting the others.
void SelectJudgedQueries(const std::vector<QueryLine>& lines, const std::map<std::string, Judgments>& qrels,
                         Dataset& dataset) {
  static const Judgments kNoJudgments;
  int truncated = 0;
  for (const QueryLine& line : lines) {
    auto judged = qrels.find(line.id);
    const Judgments& judgments = judged == qrels.end() ? kNoJudgments : judged->second;
    if (!HasRelevant(judgments)) {
      ++dataset.skipped_without_relevant;
      continue;
    }
    std::optional<Language> language = ParseLanguage(line.lang);
    if (!language) {
      ++dataset.skipped_unsupported_language;
      continue;
    }
    // The product rejects longer queries; both engines get the same cut text.
    std::string text = TruncateUtf8(line.text, search::kMaxQueryBytes);
    truncated += text.size() < line.text.size();
    dataset.queries.push_back({line.id, std::string(LanguageCode(*language)), std::move(text), judgments});
  }
  if (dataset.skipped_unsupported_language > 0) {
    dataset.notes.push_back(std::to_string(dataset.skipped_unsupported_language) +
                            " judged queries skipped: their language is not one helpdex analyses (" +
                            std::string(SupportedLanguageList()) + ")");
  }
  if (truncated > 0) {
    dataset.notes.push_back(std::to_string(truncated) + " queries cut to " + std::to_string(search::kMaxQueryBytes) +
                            " bytes, the longest query helpdex accepts");
  }
}

void NoteUnknownQueryIds(const std::vector<QueryLine>& lines, const std::map<std::string, Judgments>& qrels,
                         Dataset& dataset) {
  std::set<std::string_view> query_ids;
  for (const QueryLine& line : lines) query_ids.insert(line.id);
  int unknown = 0;
  for (const auto& [query_id, judgments] : qrels) unknown += !query_ids.count(query_id);
  if (unknown > 0) {
    dataset.notes.push_back(std::to_string(unknown) + " query ids in " + kQrelsFile + " are not in " + kQueriesFile +
                            "; their judgments are ignored");
  }
}

// The error for a data set none of whose queries can be scored; nullopt when
// some can.
std::optional<Error> NothingToScore(const std::string& dir_name, const Dataset& dataset) {
  if (!dataset.queries.empty()) return std::nullopt;
  std::string message = dir_name + " has no judged queries";
  if (dataset.skipped_unsupported_language > 0) {
    message += " in a language helpdex analyses (" + std::string(SupportedLanguageList()) + ")";
  }
  return Error{ErrorCode::kInvalidInput, message, ""};
}

}  // namespace

Result<Dataset> ReadDataset(const std::string& dir_name) {
  const fs::path dir(dir_name);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{ErrorCode::kInvalidInput, "no such data set folder", dir_name};
  if (!fs::exists(dir / kQueriesFile, ec)) return *NothingToScore(dir_name, Dataset{});

  Dataset dataset;
  dataset.name = DatasetName(dir);
  dataset.docs_path = (dir / kDocsFile).string();
  Result<std::vector<EvalDocument>> documents = ReadDocuments(dataset.docs_path);
  if (!documents.ok()) return documents.error();
  dataset.documents = std::move(documents).value();
  Result<std::vector<QueryLine>> queries = ReadQueries(dir / kQueriesFile);
  if (!queries.ok()) return queries.error();
  Result<std::map<std::string, Judgments>> qrels = ReadQrels(dir / kQrelsFile);
  if (!qrels.ok()) return qrels.error();

  SelectJudgedQueries(*queries, *qrels, dataset);
  NoteUnknownQueryIds(*queries, *qrels, dataset);
  if (std::optional<Error> error = NothingToScore(dir_name, dataset)) return *error;
  return dataset;
}

}  // namespace helpdex::eval

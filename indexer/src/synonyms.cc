#include "synonyms.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/text.h"

namespace helpdex::indexer {
namespace {

namespace fs = std::filesystem;

// Spaces, tabs and the '\r' of CRLF files around a line or a term.
constexpr std::string_view kLineSpace = " \t\r";

void ReadOneFile(const fs::path& file, Language language, SynonymFiles& out, std::string& all_bytes) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  all_bytes += file.filename().string() + '\n' + bytes;
  std::istringstream lines(bytes);
  int line_number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_number;
    const std::string where = file.string() + ":" + std::to_string(line_number);
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (search::Trim(line, kLineSpace).empty()) continue;
    if (!search::IsValidUtf8(line)) {
      out.errors.push_back(Error{ErrorCode::kInvalidInput, "the line is not valid UTF-8", where});
      continue;
    }
    search::SynonymGroup group{language, {}};
    std::istringstream terms(line);
    for (std::string term; std::getline(terms, term, ',');) {
      if (!search::Trim(term, kLineSpace).empty()) group.terms.emplace_back(search::Trim(term, kLineSpace));
    }
    if (group.terms.size() < 2) {
      out.errors.push_back(
          Error{ErrorCode::kInvalidInput, "a synonym group needs at least two terms, separated by commas", where});
      continue;
    }
    out.groups.push_back(std::move(group));
  }
}

}  // namespace

SynonymFiles ReadSynonymFiles(const fs::path& content_dir) {
  SynonymFiles out;
  const fs::path folder = content_dir / "synonyms";
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::string all_bytes;
  for (const fs::path& file : files) {
    const std::string code = file.stem().string();
    std::optional<Language> language = ParseLanguage(code);
    if (!language || code != LanguageCode(*language)) {
      out.errors.push_back(Error{ErrorCode::kInvalidInput,
                                 "a synonym file is named after its language (" +
                                     std::string(SupportedLanguageList()) + "), not '" + code + "'",
                                 file.string() + ":1"});
      continue;
    }
    ReadOneFile(file, *language, out, all_bytes);
  }
  out.hash = search::schema::SourceHash(all_bytes);
  return out;
}

}  // namespace helpdex::indexer

// helpdex itself as an evaluated engine: the real indexer into a temporary
// index directory, the real Searcher over it, as a public visitor sees it.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>

#include "engine.h"
#include "temp_dir.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/indexer/lines.h"
#include "helpdex/search/searcher.h"

namespace helpdex::eval {
namespace {

namespace fs = std::filesystem;

void NoteIndexingProblems(const indexer::IndexReport& report, size_t dataset_documents,
                          std::vector<std::string>& notes) {
  if (report.failed > 0) {
    notes.push_back("helpdex could not index " + std::to_string(report.failed) +
                    " documents; the first: " + report.errors.front().ToString());
  }
  if (static_cast<size_t>(report.public_documents) != dataset_documents) {
    notes.push_back("the helpdex index holds " + std::to_string(report.public_documents) + " of the " +
                    std::to_string(dataset_documents) + " documents");
  }
}

// The id of a docs line, as the indexer reads it (a string, or a number as
// written); "" when the line is not an object with an id.
std::string DocsLineId(const std::string& line) {
  const nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("id")) return "";
  if (doc["id"].is_string()) return doc["id"].get<std::string>();
  if (doc["id"].is_number()) return doc["id"].dump();
  return "";
}

// Copies the lines of `docs_path` whose id is not in `left_out` to `out_path`
// (JSON Lines, not gzipped), byte for byte.
Result<int> CopyDocsWithout(const std::string& docs_path, const std::set<std::string>& left_out,
                            const fs::path& out_path) {
  std::ofstream out(out_path, std::ios::binary);
  if (!out) return Error{ErrorCode::kInternal, "cannot write the documents to index", out_path.string()};
  int kept = 0;
  Result<int> read = indexer::ForEachLine(docs_path, [&](int, const std::string& line) -> std::optional<Error> {
    if (left_out.count(DocsLineId(line)) > 0) return std::nullopt;
    out << line << '\n';
    ++kept;
    return std::nullopt;
  });
  if (!read.ok()) return read.error();
  out.close();
  if (!out) return Error{ErrorCode::kInternal, "cannot write the documents to index", out_path.string()};
  return kept;
}

// One temporary index serves both ranking (Engine) and suggestions
// (SuggestEngine); a run uses only one of them.
class HelpdexEngine : public LearningEngine, public SuggestEngine, public IndexEngine {
 public:
  static Result<std::unique_ptr<HelpdexEngine>> Start(const Dataset& dataset, std::vector<std::string>& notes,
                                                      const std::set<std::string>& left_out = {}) {
    Result<std::unique_ptr<TempDir>> dir = TempDir::Create("helpdex-eval-", "a temporary directory for the index");
    if (!dir.ok()) return dir.error();
    const std::string index_dir = ((*dir)->path() / "index").string();
    std::string docs_path = dataset.docs_path;
    size_t expected_documents = dataset.documents.size();
    if (!left_out.empty()) {
      docs_path = ((*dir)->path() / "docs.jsonl").string();
      Result<int> kept = CopyDocsWithout(dataset.docs_path, left_out, docs_path);
      if (!kept.ok()) return kept.error();
      expected_documents = static_cast<size_t>(*kept);
    }

    const auto start = std::chrono::steady_clock::now();
    Result<indexer::IndexReport> report = indexer::BuildIndex({.docs_files = {docs_path}, .index_dir = index_dir});
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (!report.ok()) return report.error();
    NoteIndexingProblems(*report, expected_documents, notes);

    Result<std::shared_ptr<search::Index>> index = search::Index::Open(index_dir, search::Viewer::Public());
    if (!index.ok()) return index.error();
    // One snapshot for the whole run: nothing re-indexes while we measure.
    Result<std::shared_ptr<search::Searcher>> searcher = (*index)->AcquireSearcher();
    if (!searcher.ok()) return searcher.error();
    auto engine = std::unique_ptr<HelpdexEngine>(
        new HelpdexEngine(std::move(dir).value(), *index, *searcher, elapsed.count()));
    engine->docs_path_ = docs_path;
    engine->index_dir_ = index_dir;
    return engine;
  }

  const std::string& index_dir() const override { return index_dir_; }

  Result<int> Relearn(const std::map<std::string, std::vector<std::string>>& learned) override {
    indexer::IndexOptions options{.docs_files = {docs_path_}, .index_dir = index_dir_};
    options.learned = learned;
    Result<indexer::IndexReport> report = indexer::BuildIndex(options);
    if (!report.ok()) return report.error();
    Result<std::shared_ptr<search::Index>> index = search::Index::Open(index_dir_, search::Viewer::Public());
    if (!index.ok()) return index.error();
    Result<std::shared_ptr<search::Searcher>> searcher = (*index)->AcquireSearcher();
    if (!searcher.ok()) return searcher.error();
    searcher_ = *searcher;
    index_ = *index;
    return report->learned_articles;
  }

  std::string name() const override { return "helpdex"; }
  double index_seconds() const override { return index_seconds_; }
  search::Index& index() override { return *index_; }

  // The Searcher pages at most kMaxPageSize results at a time, so a deep
  // ranking takes several pages; a short page means there are no more.
  Result<std::vector<std::string>> Rank(const JudgedQuery& query, int depth) override {
    std::vector<std::string> ids;
    const int page_size = std::min(depth, search::kMaxPageSize);
    for (int page = 1; static_cast<int>(ids.size()) < depth && page <= search::kMaxPage; ++page) {
      Result<search::SearchResponse> response = searcher_->Search(
          {.query = query.text, .language = ParseLanguage(query.lang), .page = page, .page_size = page_size});
      if (!response.ok()) return response.error();
      for (const search::SearchResult& result : response->results) ids.push_back(result.id);
      if (static_cast<int>(response->results.size()) < page_size) break;
    }
    if (static_cast<int>(ids.size()) > depth) ids.resize(depth);
    return ids;
  }

  Result<std::vector<std::string>> AnswerIds(const std::string& text, const std::string& lang,
                                             size_t max_answers) override {
    // Completions are left at the default count, as the search box asks for
    // them in the same call: the measured latency is that of a real request.
    Result<search::SuggestResponse> response =
        searcher_->Suggest({.text = text, .language = ParseLanguage(lang), .max_answers = max_answers});
    if (!response.ok()) return response.error();
    std::vector<std::string> ids;
    for (const search::AnswerCard& card : response->answers) {
      // The cards beyond the ones asked for would not be shown.
      if (ids.size() == max_answers) break;
      ids.push_back(card.id);
    }
    return ids;
  }

 private:
  HelpdexEngine(std::unique_ptr<TempDir> dir, std::shared_ptr<search::Index> index,
                std::shared_ptr<search::Searcher> searcher, double index_seconds)
      : dir_(std::move(dir)), index_(std::move(index)), searcher_(std::move(searcher)), index_seconds_(index_seconds) {}

  // Declared first so that it is destroyed last, after the index is closed.
  std::unique_ptr<TempDir> dir_;
  std::shared_ptr<search::Index> index_;
  std::shared_ptr<search::Searcher> searcher_;
  double index_seconds_;
  std::string docs_path_;
  std::string index_dir_;
};

}  // namespace

Result<std::unique_ptr<IndexEngine>> StartHelpdexIndexEngine(const Dataset& dataset,
                                                             const std::set<std::string>& left_out,
                                                             std::vector<std::string>& notes) {
  Result<std::unique_ptr<HelpdexEngine>> engine = HelpdexEngine::Start(dataset, notes, left_out);
  if (!engine.ok()) return engine.error();
  return std::unique_ptr<IndexEngine>(std::move(engine).value());
}

Result<std::unique_ptr<Engine>> StartHelpdexEngine(const Dataset& dataset, std::vector<std::string>& notes) {
  Result<std::unique_ptr<HelpdexEngine>> engine = HelpdexEngine::Start(dataset, notes);
  if (!engine.ok()) return engine.error();
  return std::unique_ptr<Engine>(std::move(engine).value());
}

Result<std::unique_ptr<LearningEngine>> StartHelpdexLearningEngine(const Dataset& dataset,
                                                                   std::vector<std::string>& notes) {
  Result<std::unique_ptr<HelpdexEngine>> engine = HelpdexEngine::Start(dataset, notes);
  if (!engine.ok()) return engine.error();
  return std::unique_ptr<LearningEngine>(std::move(engine).value());
}

Result<std::unique_ptr<SuggestEngine>> StartHelpdexSuggestEngine(const Dataset& dataset,
                                                                 std::vector<std::string>& notes) {
  Result<std::unique_ptr<HelpdexEngine>> engine = HelpdexEngine::Start(dataset, notes);
  if (!engine.ok()) return engine.error();
  return std::unique_ptr<SuggestEngine>(std::move(engine).value());
}

}  // namespace helpdex::eval

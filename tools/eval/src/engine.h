// The engines that `helpdex eval` compares: each indexes the data set's
// documents once, then returns the top documents of a query. Private to
// helpdex::eval.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dataset.h"
#include "helpdex/search/error.h"
#include "helpdex/search/searcher.h"

namespace helpdex::eval {

class Engine {
 public:
  virtual ~Engine() = default;

  // "helpdex", "sqlite-fts5".
  virtual std::string name() const = 0;

  // Wall time the engine took to index every document, in seconds.
  virtual double index_seconds() const = 0;

  // The ids of the best `depth` documents in the query's language, best first.
  virtual Result<std::vector<std::string>> Rank(const JudgedQuery& query, int depth) = 0;
};

// helpdex's as-you-type suggestions (Searcher::Suggest), for `helpdex eval
// --suggest`.
class SuggestEngine {
 public:
  virtual ~SuggestEngine() = default;

  // Wall time the engine took to index every document, in seconds.
  virtual double index_seconds() const = 0;

  // The ids of the answer cards for `text` typed so far in the language
  // `lang` (a code helpdex analyses), at most `max_answers`, best first.
  virtual Result<std::vector<std::string>> AnswerIds(const std::string& text, const std::string& lang,
                                                     size_t max_answers) = 0;
};

// The temporary helpdex index itself, for evaluations that read it through
// the server's code (`helpdex eval --gaps` hands it to BuildGapReport).
class IndexEngine {
 public:
  virtual ~IndexEngine() = default;

  // Wall time the engine took to index every document, in seconds.
  virtual double index_seconds() const = 0;

  // The public index (Viewer::Public()).
  virtual search::Index& index() = 0;
};

// The temporary helpdex index, indexed again with phrasings learned from
// customers (`helpdex eval --learn-from` and `--learn-share`).
class LearningEngine : public Engine {
 public:
  // The index directory: learning checks the articles against its published
  // public ones (server::OpenPublicArticles).
  virtual const std::string& index_dir() const = 0;

  // Indexes the same documents again with `learned` (article id -> phrasings);
  // only the articles whose learned phrasings changed are written. Rank() reads
  // the new generation from then on. The number of articles written with
  // learned phrasings.
  virtual Result<int> Relearn(const std::map<std::string, std::vector<std::string>>& learned) = 0;
};

// Scores `engine` on `queries`: the means overall and per language, and the latency.
Result<EngineReport> Evaluate(Engine& engine, const std::vector<JudgedQuery>& queries);

// Indexes `dataset.docs_path` with helpdex's own indexer into a temporary
// directory that lives as long as the engine. Documents the indexer rejects are
// added to `notes`.
Result<std::unique_ptr<Engine>> StartHelpdexEngine(const Dataset& dataset, std::vector<std::string>& notes);

// The same temporary helpdex index as StartHelpdexEngine(), answering
// suggestions.
Result<std::unique_ptr<SuggestEngine>> StartHelpdexSuggestEngine(const Dataset& dataset,
                                                                 std::vector<std::string>& notes);

// The same temporary helpdex index as StartHelpdexEngine(), without the
// documents whose ids are in `left_out`: the other lines of the docs file are
// copied byte for byte, so they are indexed exactly as `helpdex eval` indexes them.
Result<std::unique_ptr<IndexEngine>> StartHelpdexIndexEngine(const Dataset& dataset,
                                                             const std::set<std::string>& left_out,
                                                             std::vector<std::string>& notes);

// The same temporary helpdex index as StartHelpdexEngine(), able to learn.
Result<std::unique_ptr<LearningEngine>> StartHelpdexLearningEngine(const Dataset& dataset,
                                                                   std::vector<std::string>& notes);

// Indexes `dataset.documents` into an in-memory SQLite FTS5 table.
Result<std::unique_ptr<Engine>> StartSqliteFts5Engine(const Dataset& dataset);

}  // namespace helpdex::eval

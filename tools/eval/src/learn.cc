// RunLearnEvaluation(): learning from customers, measured. Judged queries are
// replayed as the searches and clicks of several visits through the real
// event store, the real learning store learns from those events, the data
// set's documents are indexed again with what was learned, and queries that
// were not learned from are scored with and without it.
#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>

#include "dataset.h"
#include "engine.h"
#include "temp_dir.h"
#include "helpdex/eval/eval.h"
#include "helpdex/stores/events.h"
#include "helpdex/stores/learned.h"

namespace helpdex::eval {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kVisitSpacingMs = 60 * 1000;
constexpr int64_t kClickAfterMs = 20 * 1000;
// Events are flushed every this many queries, so the store's queue never fills.
constexpr size_t kFlushEveryQueries = 500;

std::string ShareText(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", share);
  return text;
}

// FNV-1a 64 of the query id, as a number in [0, 1): the same query is on the
// same side of a share on every run and machine.
double StableFraction(const std::string& id) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : id) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return static_cast<double>(hash % 1000000) / 1000000.0;
}

std::optional<Error> CheckOptions(const LearnOptions& options) {
  const bool from = !options.learn_from_dir.empty();
  const bool share = options.learn_share != 0;
  if (from == share) {
    return Error{ErrorCode::kInvalidInput, "give one of --learn-from DIR and --learn-share F", "--learn-share"};
  }
  if (share && (!std::isfinite(options.learn_share) || options.learn_share <= 0 || options.learn_share >= 1)) {
    return Error{ErrorCode::kInvalidInput,
                 "must be a share between 0 and 1, both excluded (got " + ShareText(options.learn_share) + ")",
                 "--learn-share"};
  }
  return std::nullopt;
}

// The document a customer who searched `query` opens: its best-graded
// relevant document (the first by id among equals); "" when none.
std::string ClickedDocument(const JudgedQuery& query) {
  std::string best;
  int best_grade = 0;
  for (const auto& [doc_id, grade] : query.judgments) {
    if (grade > best_grade) {
      best = doc_id;
      best_grade = grade;
    }
  }
  return best;
}

// 32 hex digits, distinct per (query, visit): a valid visit id.
std::string ReplayVisitId(size_t query_index, int visit) {
  char id[33];
  std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(query_index + 1),
                static_cast<unsigned long long>(visit + 1));
  return id;
}

// Each query: kLearnVisitsPerQuery visits that search it (the server records
// the search) and then click its relevant document. Returns the queries replayed.
Result<int> Replay(const std::vector<JudgedQuery>& queries, stores::EventStore& events, int64_t start_ms) {
  int replayed = 0;
  for (size_t i = 0; i < queries.size(); ++i) {
    const JudgedQuery& query = queries[i];
    const std::string article = ClickedDocument(query);
    if (article.empty()) continue;
    ++replayed;
    for (int visit = 0; visit < kLearnVisitsPerQuery; ++visit) {
      const int64_t at = start_ms + static_cast<int64_t>(i * kLearnVisitsPerQuery + visit) * kVisitSpacingMs;
      const std::string visit_id = ReplayVisitId(i, visit);
      const bool searched = events.Record({.type = stores::EventType::kSearch,
                                           .visit = visit_id,
                                           .query = query.text,
                                           .language = query.lang,
                                           .at_ms = at});
      const bool clicked = events.Record({.type = stores::EventType::kResultClicked,
                                          .visit = visit_id,
                                          .query = query.text,
                                          .language = query.lang,
                                          .article = article,
                                          .at_ms = at + kClickAfterMs});
      if (!searched || !clicked) {
        return Error{ErrorCode::kInternal, "the event store dropped a replayed event", "query " + query.id};
      }
    }
    if (i % kFlushEveryQueries == kFlushEveryQueries - 1) events.Flush();
  }
  events.Flush();
  return replayed;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<EvalReport> Run(const LearnOptions& options) {
  if (std::optional<Error> invalid = CheckOptions(options)) return *invalid;
  Result<Dataset> dataset = ReadDataset(options.dataset_dir);
  if (!dataset.ok()) return dataset.error();

  std::vector<JudgedQuery> learn_from;
  std::vector<JudgedQuery> scored;
  std::string learned_from;
  if (!options.learn_from_dir.empty()) {
    Result<Dataset> source = ReadDataset(options.learn_from_dir);
    if (!source.ok()) return source.error();
    learn_from = std::move(source->queries);
    scored = dataset->queries;
    learned_from = source->name;
  } else {
    for (const JudgedQuery& query : dataset->queries) {
      (StableFraction(query.id) < options.learn_share ? learn_from : scored).push_back(query);
    }
    learned_from = "share " + ShareText(options.learn_share) + " of " + dataset->name;
  }
  if (scored.empty()) {
    return Error{ErrorCode::kInvalidInput, "no query is left to score after learning", "--learn-share"};
  }

  EvalReport report{.dataset = dataset->name,
                    .documents = static_cast<int>(dataset->documents.size()),
                    .queries = static_cast<int>(scored.size()),
                    .skipped_unsupported_language = dataset->skipped_unsupported_language,
                    .skipped_without_relevant = dataset->skipped_without_relevant,
                    .notes = dataset->notes};
  report.learned_from = learned_from;

  Result<std::unique_ptr<LearningEngine>> engine = StartHelpdexLearningEngine(*dataset, report.notes);
  if (!engine.ok()) return engine.error();
  Result<EngineReport> without = Evaluate(**engine, scored);
  if (!without.ok()) return without.error();
  report.without_learning = std::move(without).value();

  Result<std::unique_ptr<TempDir>> data = TempDir::Create("helpdex-eval-learn-", "a temporary data folder");
  if (!data.ok()) return data.error();
  int64_t now_ms = NowMs();
  const int64_t replay_ms = static_cast<int64_t>(learn_from.size()) * kLearnVisitsPerQuery * kVisitSpacingMs;
  {
    Result<std::unique_ptr<stores::EventStore>> events = stores::EventStore::Open((*data)->path().string());
    if (!events.ok()) return events.error();
    Result<int> replayed = Replay(learn_from, **events, now_ms - replay_ms - kVisitSpacingMs);
    if (!replayed.ok()) return replayed.error();
    report.learned_from_queries = *replayed;

    Result<std::unique_ptr<stores::LearnedStore>> store = stores::LearnedStore::Open((*data)->path().string());
    if (!store.ok()) return store.error();
    Result<stores::PublicArticles> public_articles = stores::OpenPublicArticles((*engine)->index_dir());
    if (!public_articles.ok()) return public_articles.error();
    (*events)->Flush();
    Result<std::unique_ptr<stores::EventLog>> log = stores::EventLog::Open((*data)->path().string());
    if (!log.ok()) return log.error();
    Result<stores::LearnReport> learned = (*store)->Learn(**log, *public_articles, now_ms);
    if (!learned.ok()) return learned.error();
    report.learned = static_cast<int>(learned->learned);
    if (learned->not_learnable > 0) {
      report.notes.push_back(std::to_string(learned->not_learnable / kLearnVisitsPerQuery) +
                             " replayed queries are not learnable (over 200 bytes or 20 words, numbers, ids, "
                             "redacted text, stop words only)");
    }
    Result<std::map<std::string, std::vector<std::string>>> phrasings = (*store)->PhrasingsByArticle();
    if (!phrasings.ok()) return phrasings.error();
    Result<int> articles = (*engine)->Relearn(*phrasings);
    if (!articles.ok()) return articles.error();
    report.learned_articles = *articles;
  }

  Result<EngineReport> helpdex = Evaluate(**engine, scored);
  if (!helpdex.ok()) return helpdex.error();
  report.helpdex = std::move(helpdex).value();
  report.helpdex.index_seconds = (*engine)->index_seconds();

  Result<std::unique_ptr<Engine>> fts5 = StartSqliteFts5Engine(*dataset);
  if (!fts5.ok()) return fts5.error();
  Result<EngineReport> fts5_report = Evaluate(**fts5, scored);
  if (!fts5_report.ok()) return fts5_report.error();
  report.peers.push_back(std::move(fts5_report).value());
  return report;
}

}  // namespace

Result<EvalReport> RunLearnEvaluation(const LearnOptions& options) {
  try {
    return Run(options);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("learning evaluation failed: ") + e.what(), options.dataset_dir};
  }
}

}  // namespace helpdex::eval

// File: learned.h
// Learning from customers: when at least k distinct visits searched a wording
// and then opened, clicked or "answered" an article, that article learns the
// wording, so the next customer who says it the same way finds it. The
// phrasings live in DATA/learned.db; `helpdex index --data DATA` hands them to
// the indexer (IndexOptions::learned), which adds them to public articles as
// search::schema::kLearned terms, and the query's learned reading looks for
// them (search/src/text_query.cc).
//
// Poisoning is bounded: a vote counts only when the server itself recorded
// the visit's search of the same wording (a `search` or `suggest_shown`
// event, not a POSTed claim) within kSearchWindow before the answer, one
// vote per visit; an article keeps at most max_per_article phrasings; a
// phrasing that no visit confirmed for `expire_after` drops out; a removed
// phrasing is blocked for good. Only public articles learn, and never a
// redacted wording, one of only stop words, or one with numbers or ids.
//
//   auto store = LearnedStore::Open("var/data");
//   auto check = PublicArticleCheck::Open("var/index");
//   (*store)->Learn(*events, *check);
//   indexer::IndexOptions options{...};
//   options.learned = *(*store)->PhrasingsByArticle();
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/error.h"
#include "helpdex/search/language.h"

namespace helpdex::stores {

class EventLog;
struct StoredEvent;

struct LearnedOptions {
  int min_visits = 3;              // distinct visits before a wording is learned (k)
  size_t max_per_article = 20;     // phrasings an article keeps (the most visited, then the latest)
  std::chrono::hours expire_after{24 * 180};  // a phrasing not confirmed for this long drops out
  // The answer must come this soon after the visit's own recorded search of
  // the same wording.
  std::chrono::minutes search_window{30};
};

struct LearnedPhrasing {
  int64_t id = 0;             // for `helpdex learned --remove ID`
  std::string article;        // the article's id
  std::string language;       // the language the customers searched in
  std::string phrasing;       // the latest wording (redacted by the event store, so never personal data)
  int64_t visits = 0;         // distinct visits that confirmed it (within expire_after)
  int64_t first_seen_ms = 0;  // the first confirming answer (ms since the epoch)
  int64_t last_seen_ms = 0;   // the latest
};

struct LearnReport {
  int64_t answers = 0;          // opened / clicked / answered events with a wording read
  int64_t votes = 0;            // ... that the visit's own recorded search backs (one per visit kept)
  int64_t unbacked = 0;         // ... without such a search: not counted
  int64_t not_learnable = 0;    // ... whose wording may not be learned (IsLearnablePhrasing)
  int64_t learned = 0;          // phrasings learned now (public articles, not blocked, capped)
  int64_t not_public = 0;       // wordings with k visits for an article that is not a public article
};

// Whether `phrasing` (as stored: redacted) may be learned in `language`: at
// most 200 bytes and 20 words, no redaction placeholder ("[email]"), at least
// one word that is not a stop word, no number of 4 digits or more, and no
// id-like word (12+ characters with a digit, or 6+ digits).
bool IsLearnablePhrasing(std::string_view phrasing, Language language);

// Whether an article id is a public article of the published index.
using PublicArticles = std::function<bool(const std::string& article_id)>;

// The public articles of INDEX_DIR's published generation (its public stub),
// looked up by unique-id term. kNotFound when nothing is published yet.
Result<PublicArticles> OpenPublicArticles(const std::string& index_dir);

class LearnedStore {
 public:
  // Opens (creating) DATA_DIR/learned.db.
  static Result<std::unique_ptr<LearnedStore>> Open(const std::string& data_dir, LearnedOptions options = {});
  ~LearnedStore();
  LearnedStore(const LearnedStore&) = delete;
  LearnedStore& operator=(const LearnedStore&) = delete;

  // Counts the votes in `events` (any order; the event store's rows) and
  // brings the learned phrasings up to date at `now_ms` (0 = now): learns
  // those with k visits whose article `is_public` says is a public article,
  // drops expired ones and the ones of articles that are no longer public,
  // and applies the per-article cap. One transaction. Votes are kept (up to
  // expire_after) beyond the event store's own retention.
  Result<LearnReport> Learn(const std::vector<StoredEvent>& events, const PublicArticles& is_public,
                            int64_t now_ms = 0);
  // The same over every event `events` holds.
  Result<LearnReport> Learn(const EventLog& events, const PublicArticles& is_public, int64_t now_ms = 0);

  // Every learned phrasing, by article, most visited first.
  Result<std::vector<LearnedPhrasing>> List();

  // Drops phrasing `id` and blocks its wording for its article for good, so
  // that the same (or new) events never learn it again. False when there is no
  // such id.
  Result<bool> Remove(int64_t id);

  // Article id -> phrasings, most visited first: IndexOptions::learned.
  Result<std::map<std::string, std::vector<std::string>>> PhrasingsByArticle();

 private:
  struct Impl;
  explicit LearnedStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace helpdex::stores

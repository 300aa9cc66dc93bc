// The event store (events.h): a bounded queue, one writer thread, batched
// transactions in DATA/events.db.
#include "helpdex/stores/events.h"


#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <set>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "helpdex/indexer/redaction.h"
#include "helpdex/search/analysis.h"
#include "helpdex/stores/random_token.h"
#include "helpdex/search/language.h"
#include "sqlite_db.h"

namespace helpdex::stores {
namespace {

using sqlite::Use;

constexpr char kStore[] = "event store";
constexpr size_t kBatchSize = 512;           // events written per transaction at most
constexpr size_t kMaxQueryBytes = 1000;      // what is kept of a pasted paragraph
constexpr size_t kMaxArticleBytes = 200;
constexpr size_t kMaxCommentCharacters = 1000;  // feedback.h's limit, applied again after redaction
constexpr size_t kMaxCommentBytes = 8000;       // what is redacted at most (1000 four-byte characters and more)
constexpr size_t kMaxRevisionBytes = 100;
constexpr size_t kMaxShownIds = 20;
constexpr size_t kVisitIdBytes = 16;
// Visits remembered by the writer (rate limit, keystroke collapsing); older
// ones are forgotten first when there are more.
constexpr size_t kMaxTrackedVisits = 50000;

constexpr int kSchemaVersion = 3;
constexpr const char* kMigrations[kSchemaVersion] = {
    R"sql(
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,                -- milliseconds since the Unix epoch
  type TEXT NOT NULL,                 -- EventTypeName()
  visit TEXT NOT NULL,                -- random visit id from the visit cookie
  query TEXT NOT NULL DEFAULT '',     -- redacted
  lang TEXT NOT NULL DEFAULT '',
  article TEXT NOT NULL DEFAULT '',
  shown TEXT NOT NULL DEFAULT '',     -- ids shown, space-separated
  results INTEGER NOT NULL DEFAULT -1,
  filters TEXT NOT NULL DEFAULT ''    -- a search's filters: "lang=nb tag=billing type=article"
);
CREATE INDEX events_by_type ON events(type, at);
CREATE INDEX events_by_visit ON events(visit, at);
-- One row per (search, language, visit) that led to an answer: distinct
-- visits decide when a search becomes a completion for everyone.
CREATE TABLE answered_searches (
  query_key TEXT NOT NULL,            -- folded (NFKC + case fold, spaces collapsed)
  lang TEXT NOT NULL,
  visit TEXT NOT NULL,
  query TEXT NOT NULL,                -- as typed, redacted
  at INTEGER NOT NULL,
  PRIMARY KEY (query_key, lang, visit)
) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql",
    // 2: "did this help?" answers (EventType::kFeedback). Existing rows get
    // the defaults, which mean "not feedback".
    R"sql(
ALTER TABLE events ADD COLUMN helpful INTEGER NOT NULL DEFAULT -1;  -- 1 yes, 0 no, -1 not feedback
ALTER TABLE events ADD COLUMN reason TEXT NOT NULL DEFAULT '';      -- "not_related", "didnt_answer"
ALTER TABLE events ADD COLUMN comment TEXT NOT NULL DEFAULT '';     -- redacted
ALTER TABLE events ADD COLUMN revision TEXT NOT NULL DEFAULT '';    -- the article's source hash
PRAGMA user_version = 2;
)sql",
    // 3: the address range (IPv4 /24, IPv6 /48) behind each answer that
    // counted, so that the per-range daily vote bound survives a restart. Kept
    // for the day only: the hourly expiry blanks older ones.
    R"sql(
ALTER TABLE answered_searches ADD COLUMN client_range TEXT NOT NULL DEFAULT '';
PRAGMA user_version = 3;
)sql",
};

enum Sql : int {
  kBegin,
  kCommit,
  kRollback,
  kInsertEvent,
  kUpdateSuggestion,
  kInsertAnswered,
  kCountAnswered,
  kLoadAnswered,
  kLoadVotesSince,
  kForgetRangesBefore,
  kRecordedSearch,
  kRead,
  kExpire,
  kSqlCount,
};

constexpr const char* kSql[kSqlCount] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT INTO events(at, type, visit, query, lang, article, shown, results, filters, helpful, reason, comment, "
    "revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    "UPDATE events SET at = ?2, query = ?3, shown = ?4 WHERE id = ?1",
    "INSERT OR IGNORE INTO answered_searches(query_key, lang, visit, query, at, client_range) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "SELECT count(*) FROM answered_searches WHERE query_key = ?1 AND lang = ?2",
    // SQLite takes the bare column from the max(at) row: the latest wording.
    "SELECT query, lang, max(at) FROM answered_searches GROUP BY query_key, lang HAVING count(*) >= ?1",
    // kLoadVotesSince: today's votes, to restore the per-range bound at start.
    "SELECT DISTINCT query_key, lang, client_range FROM answered_searches WHERE at >= ?1 AND client_range != ''",
    // kForgetRangesBefore: a range is kept for its day only.
    "UPDATE answered_searches SET client_range = '' WHERE at < ?1 AND client_range != ''",
    // kRecordedSearch: a search or suggestion the server itself recorded for
    // this visit, with this (redacted) text, at or before the answer.
    "SELECT 1 FROM events WHERE visit = ?1 AND at <= ?3 AND type IN ('search', 'suggest_shown') AND query = ?2 "
    "LIMIT 1",
    // kRead, shared with EventLog: every filter optional ('' / 0 for none), oldest first.
    "SELECT id, at, type, visit, query, lang, article, shown, results, filters, helpful, reason, comment, revision "
    "FROM events WHERE (?2 = '' OR type = ?2) AND at >= ?3 AND (?4 = '' OR visit = ?4) ORDER BY id LIMIT ?1",
    "DELETE FROM events WHERE at < ?1",
};

constexpr std::array<std::pair<EventType, std::string_view>, 8> kTypeNames = {{
    {EventType::kSearch, "search"},
    {EventType::kSuggestShown, "suggest_shown"},
    {EventType::kSuggestOpened, "suggest_opened"},
    {EventType::kAnswered, "answered"},
    {EventType::kResultClicked, "result_clicked"},
    {EventType::kContactSubmitted, "contact_submitted"},
    {EventType::kFeedback, "feedback"},
    {EventType::kArticleViewed, "article_viewed"},
}};

// Cuts `text` to at most `characters` code points.
std::string CutCharacters(std::string text, size_t characters) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (seen++ == characters) {
      text.resize(i);
      break;
    }
  }
  return text;
}


std::string JoinIds(const std::vector<std::string>& ids) {
  std::string joined;
  for (size_t i = 0; i < ids.size() && i < kMaxShownIds; ++i) {
    if (!joined.empty()) joined.push_back(' ');
    joined += search::CutUtf8(ids[i], kMaxArticleBytes);
  }
  return joined;
}

std::vector<std::string> SplitIds(const std::string& joined) {
  std::vector<std::string> ids;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find(' ', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) ids.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return ids;
}

// True when two queries of one visit are keystrokes of the same search: one
// extends the other, or they share most of the shorter one (a typo fixed).
bool SameIntent(std::string_view previous, std::string_view next) {
  const size_t shorter = std::min(previous.size(), next.size());
  size_t common = 0;
  while (common < shorter && previous[common] == next[common]) ++common;
  return common == shorter || (common >= 3 && common * 2 >= shorter);
}

// Binds an EventFilter to a kRead statement.
void BindFilter(Use& read, const EventFilter& filter) {
  read.Bind(1, static_cast<int64_t>(std::min<size_t>(filter.limit, INT64_MAX)))
      .Bind(2, filter.type ? EventTypeName(*filter.type) : std::string_view())
      .Bind(3, filter.since_ms)
      .Bind(4, filter.visit);
}

// The rows of a kRead statement.
Result<std::vector<StoredEvent>> ReadRows(sqlite::Use& read, sqlite3* db, const std::string& path) {
  std::vector<StoredEvent> events;
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    StoredEvent stored;
    stored.id = read.Int(0);
    stored.event.at_ms = read.Int(1);
    stored.event.type = ParseEventType(read.Text(2)).value_or(EventType::kSearch);
    stored.event.visit = read.Text(3);
    stored.event.query = read.Text(4);
    stored.event.language = read.Text(5);
    stored.event.article = read.Text(6);
    stored.event.shown = SplitIds(read.Text(7));
    stored.event.results = read.Int(8);
    stored.event.filters = read.Text(9);
    stored.event.helpful = static_cast<int>(read.Int(10));
    stored.event.reason = read.Text(11);
    stored.event.comment = read.Text(12);
    stored.event.revision = read.Text(13);
    events.push_back(std::move(stored));
  }
  if (rc != SQLITE_DONE) {
    return Error{ErrorCode::kInternal, std::string("event store: reading events: ") + sqlite3_errmsg(db), path};
  }
  return events;
}

}  // namespace

std::string_view EventTypeName(EventType type) {
  for (const auto& [each, name] : kTypeNames) {
    if (each == type) return name;
  }
  return "unknown";
}

std::optional<EventType> ParseEventType(std::string_view name) {
  for (const auto& [type, each] : kTypeNames) {
    if (each == name) return type;
  }
  return std::nullopt;
}

std::string NewVisitId() { return RandomHex(kVisitIdBytes).value_or(""); }

bool IsValidVisitId(std::string_view id) {
  return id.size() == kVisitIdBytes * 2 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<ArticleViews> MostViewed(const std::vector<StoredEvent>& events, std::string_view language,
                                     size_t limit) {
  std::map<std::string, std::set<std::string_view>> visits;  // article -> the visits that opened it
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    if (event.type != EventType::kArticleViewed || event.language != language || event.article.empty()) continue;
    visits[event.article].insert(event.visit);
  }
  std::vector<ArticleViews> views;
  views.reserve(visits.size());
  for (const auto& [article, seen] : visits) views.push_back(ArticleViews{article, seen.size()});
  // Stable after the map's id order: equal counts stay by id.
  std::stable_sort(views.begin(), views.end(),
                   [](const ArticleViews& a, const ArticleViews& b) { return a.visits > b.visits; });
  if (views.size() > limit) views.resize(limit);
  return views;
}

std::vector<std::string> SearchesBefore(const std::vector<StoredEvent>& events, const std::string& visit,
                                        int64_t before_ms) {
  std::vector<std::string> searches;
  std::set<std::string> seen;
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    if (event.visit != visit || event.at_ms > before_ms || event.query.empty()) continue;
    if (event.type != EventType::kSearch && event.type != EventType::kSuggestShown) continue;
    if (seen.insert(event.query).second) searches.push_back(event.query);
  }
  return searches;
}

VisitTrail VisitTrailBefore(const std::vector<StoredEvent>& events, const std::string& visit, int64_t before_ms) {
  VisitTrail trail;
  trail.searches = SearchesBefore(events, visit, before_ms);
  std::set<std::string> seen;
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    if (event.visit != visit || event.at_ms > before_ms || event.article.empty()) continue;
    const bool opened = event.type == EventType::kSuggestOpened || event.type == EventType::kAnswered ||
                        event.type == EventType::kResultClicked || event.type == EventType::kFeedback ||
                        event.type == EventType::kArticleViewed;
    if (opened && seen.insert(event.article).second) trail.articles.push_back(event.article);
  }
  return trail;
}

bool IsKnownCrawler(std::string_view user_agent) {
  static constexpr std::string_view kMarks[] = {"bot",        "crawl",       "spider",      "slurp",
                                                 "facebookexternalhit", "preview", "monitor", "pingdom",
                                                 "uptime",     "scrapy",      "python-requests", "wget"};
  std::string lower(user_agent);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::any_of(std::begin(kMarks), std::end(kMarks),
                     [&](std::string_view mark) { return lower.find(mark) != std::string::npos; });
}

struct EventStore::Impl {
  EventStoreOptions options;
  std::string path;

  // The connection and its statements: the writer's, and Read()'s under db_mutex.
  std::mutex db_mutex;
  sqlite::DatabaseHandle db;
  std::array<sqlite::StatementHandle, kSqlCount> statements;

  std::mutex queue_mutex;
  std::condition_variable wake;     // the writer: work, a flush or the stop
  std::condition_variable written;  // Flush(): a batch is done
  std::deque<Event> queue;
  uint64_t queued_total = 0;        // events ever queued
  uint64_t handled_total = 0;       // events ever taken care of (written or refused)
  bool flush_wanted = false;
  bool stopping = false;
  std::thread writer;

  std::atomic<uint64_t> recorded{0}, rows{0}, dropped{0}, rate_limited{0}, failed{0};
  uint64_t unrecorded_answers = 0;  // the writer's: answers to searches the server never saw
  // The writer's per-day votes by address range (past_search_min_visits).
  int64_t votes_day = -1;
  std::unordered_map<std::string, size_t> votes_per_range;        // range -> votes today
  std::unordered_set<std::string> voted;                          // query key, language, range

  static constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

  // Whether `event`'s range may vote for `key` today (and records the vote).
  bool RangeMayVote(const Event& event, const std::string& key) {
    if (event.client_range.empty()) return true;
    return CountVote(event.at_ms / kDayMs, key, event.language, event.client_range);
  }

  bool CountVote(int64_t day, const std::string& key, const std::string& language, const std::string& range) {
    if (day != votes_day) {
      votes_day = day;
      votes_per_range.clear();
      voted.clear();
    }
    size_t& votes = votes_per_range[range];
    if (votes >= options.max_votes_per_range_per_day) return false;
    if (!voted.insert(key + '\n' + language + '\n' + range).second) return false;
    ++votes;
    return true;
  }

  // Today's votes as stored, so that a restart does not give every range a
  // fresh day's bound.
  void LoadTodaysVotes(int64_t now_ms) {
    std::lock_guard db_lock(db_mutex);
    const int64_t day = now_ms / kDayMs;
    Use load = Statement(kLoadVotesSince);
    load.Bind(1, day * kDayMs);
    while (load.Step() == SQLITE_ROW) CountVote(day, load.Text(0), load.Text(1), load.Text(2));
  }
  int64_t next_expiry_ms = 0;  // the writer's next hourly expiry

  indexer::Redactor redactor;
  std::shared_ptr<search::PastSearches> past = std::make_shared<search::PastSearches>();

  // The writer's memory of each recent visit.
  struct Visit {
    int64_t minute_start = 0;
    size_t in_minute = 0;
    int64_t suggestion_row = 0;  // the row of the visit's current as-you-type search
    int64_t suggestion_at = 0;
    std::string suggestion_query;
    int64_t last_seen = 0;
  };
  std::unordered_map<std::string, Visit> visits;

  Use Statement(Sql sql) { return Use(statements[sql].get()); }
  bool Run(Sql sql) { return Statement(sql).Step() == SQLITE_DONE; }

  void WriterLoop() {
    std::unique_lock lock(queue_mutex);
    while (true) {
      wake.wait_for(lock, options.flush_interval,
                    [&] { return stopping || flush_wanted || queue.size() >= kBatchSize; });
      if (queue.empty()) {
        flush_wanted = false;
        written.notify_all();
        if (stopping) return;
        continue;
      }
      std::vector<Event> batch;
      while (!queue.empty() && batch.size() < kBatchSize) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      if (queue.empty()) flush_wanted = false;
      lock.unlock();
      WriteBatch(batch);
      lock.lock();
      handled_total += batch.size();
      written.notify_all();
    }
  }

  // Counts and reports `lost` events that SQLite refused while `what`, for
  // `reason` (SQLite's message at the time).
  void Fail(const char* what, uint64_t lost, const std::string& reason) {
    if (lost == 0) return;
    failed += lost;
    if (options.on_write_failure) {
      try {
        options.on_write_failure(EventWriteFailure{what, reason, lost});
      } catch (...) {
        // A failing report must not stop the writer.
      }
    }
  }

  void WriteBatch(std::vector<Event>& batch) {
    std::lock_guard db_lock(db_mutex);
    if (!Run(kBegin)) {
      Fail("starting a transaction", batch.size(), sqlite3_errmsg(db.get()));
      return;
    }
    uint64_t stored = 0;  // rows of this batch's transaction, kept only if it commits
    std::string reason;   // why the last write failed
    for (size_t i = 0; i < batch.size(); ++i) {
      WriteResult result = WriteResult::kFailed;
      try {
        result = Write(batch[i]);
      } catch (const std::exception&) {
        // One odd event must not take the batch with it.
      }
      if (result == WriteResult::kStored) ++stored;
      if (result != WriteResult::kFailed) continue;
      reason = sqlite3_errmsg(db.get());
      Fail("writing an event", 1, reason);
      if (sqlite3_get_autocommit(db.get()) != 0) {
        // SQLite rolled the transaction back (a full disk does): the rows
        // written before are gone, and the rest needs a transaction again.
        Fail("writing an event (the transaction was rolled back)", stored, reason);
        stored = 0;
        if (!Run(kBegin)) {
          Fail("starting a transaction", batch.size() - i - 1, sqlite3_errmsg(db.get()));
          return;
        }
      }
    }
    if (Run(kCommit)) {
      rows += stored;
    } else {
      Fail("committing a batch", stored, reason.empty() ? sqlite3_errmsg(db.get()) : reason);
      Run(kRollback);
      // Rows inserted in the batch are gone: the next keystroke gets a new one.
      for (auto& [id, visit] : visits) visit.suggestion_row = 0;
    }
    ForgetOldVisits();
    const int64_t now = sqlite::NowMilliseconds();
    if (now >= next_expiry_ms) {
      Expire(now);
      next_expiry_ms = now + 60 * 60 * 1000;
    }
  }

  // Call with db_mutex held. -1 on an SQLite error.
  int64_t Expire(int64_t now_ms) {
    const int64_t keep = std::chrono::duration_cast<std::chrono::milliseconds>(options.keep_events).count();
    {
      Use forget = Statement(kForgetRangesBefore);
      forget.Bind(1, now_ms / kDayMs * kDayMs);
      if (forget.Step() != SQLITE_DONE) return -1;
    }
    Use expire = Statement(kExpire);
    expire.Bind(1, now_ms - keep);
    if (expire.Step() != SQLITE_DONE) return -1;
    return sqlite3_changes(db.get());
  }

  enum class WriteResult { kStored, kSkipped, kFailed };

  WriteResult Write(Event& event) {
    Visit& visit = visits[event.visit];
    visit.last_seen = event.at_ms;
    if (event.at_ms - visit.minute_start >= 60000) {
      visit.minute_start = event.at_ms;
      visit.in_minute = 0;
    }
    if (++visit.in_minute > options.max_events_per_visit_per_minute) {
      ++rate_limited;
      return WriteResult::kSkipped;
    }
    const std::string query = Redact(event.query, event.language, kMaxQueryBytes);
    // Redacted whole, then cut: cutting first could leave half an address
    // that the patterns no longer recognise.
    const std::string comment = CutCharacters(Redact(event.comment, event.language, kMaxCommentBytes),
                                              kMaxCommentCharacters);
    const std::string shown = JoinIds(event.shown);
    if (event.type == EventType::kSuggestShown && visit.suggestion_row != 0 &&
        event.at_ms - visit.suggestion_at <= options.intent_window.count() &&
        SameIntent(visit.suggestion_query, query)) {
      Use update = Statement(kUpdateSuggestion);
      update.Bind(1, visit.suggestion_row).Bind(2, event.at_ms).Bind(3, query).Bind(4, shown);
      if (update.Step() != SQLITE_DONE) return WriteResult::kFailed;
      visit.suggestion_at = event.at_ms;
      visit.suggestion_query = query;
      return WriteResult::kStored;
    }
    Use insert = Statement(kInsertEvent);
    insert.Bind(1, event.at_ms)
        .Bind(2, EventTypeName(event.type))
        .Bind(3, event.visit)
        .Bind(4, query)
        .Bind(5, event.language)
        .Bind(6, search::CutUtf8(event.article, kMaxArticleBytes))
        .Bind(7, shown)
        .Bind(8, event.results)
        .Bind(9, search::CutUtf8(event.filters, kMaxQueryBytes))
        .Bind(10, static_cast<int64_t>(event.type == EventType::kFeedback ? event.helpful : -1))
        .Bind(11, search::CutUtf8(event.reason, kMaxArticleBytes))
        .Bind(12, comment)
        .Bind(13, search::CutUtf8(event.revision, kMaxRevisionBytes));
    if (insert.Step() != SQLITE_DONE) return WriteResult::kFailed;
    if (event.type == EventType::kSuggestShown) {
      visit.suggestion_row = sqlite3_last_insert_rowid(db.get());
      visit.suggestion_at = event.at_ms;
      visit.suggestion_query = query;
    }
    const bool answered = event.type == EventType::kSuggestOpened || event.type == EventType::kAnswered ||
                          event.type == EventType::kResultClicked;
    if (answered && !query.empty()) CountAnsweredSearch(event, query);
    return WriteResult::kStored;
  }

  // Queries and comments are redacted like tickets (indexer/redaction.h)
  // and bounded.
  std::string Redact(const std::string& raw, const std::string& language_code, size_t max_bytes) {
    if (raw.empty()) return "";
    std::string text = search::CutUtf8(search::SanitizeUtf8(raw), max_bytes);
    indexer::RedactionContext context;
    if (std::optional<Language> language = ParseLanguage(language_code)) {
      context.region = indexer::RegionForLanguage(*language);
    }
    return search::CollapseWhitespace(redactor.Redact(text, context, nullptr));
  }

  // One more visit found its answer with `query`; at the threshold it becomes
  // a completion. Redacted text (placeholders) never does.
  void CountAnsweredSearch(const Event& event, const std::string& query) {
    std::optional<Language> language = ParseLanguage(event.language);
    if (!language || query.size() > search::PastSearches::kMaxSearchBytes) return;
    if (query.find('[') != std::string::npos) return;
    const std::string key = search::CollapseWhitespace(search::NormalizeText(query));
    // The page's script reports answers (POST /api/events), so anyone can
    // claim one; the search must be one the server itself recorded for the
    // visit, or three forged visits would make any phrase a completion.
    {
      Use recorded = Statement(kRecordedSearch);
      recorded.Bind(1, event.visit).Bind(2, query).Bind(3, event.at_ms);
      if (recorded.Step() != SQLITE_ROW) {
        ++unrecorded_answers;
        return;
      }
    }
    if (!RangeMayVote(event, key)) return;
    {
      Use insert = Statement(kInsertAnswered);
      insert.Bind(1, key).Bind(2, event.language).Bind(3, event.visit).Bind(4, query).Bind(5, event.at_ms)
          .Bind(6, event.client_range);
      if (insert.Step() != SQLITE_DONE) return;
      if (sqlite3_changes(db.get()) == 0) return;  // this visit had already counted
    }
    Use count = Statement(kCountAnswered);
    count.Bind(1, key).Bind(2, event.language);
    if (count.Step() == SQLITE_ROW && count.Int(0) >= options.past_search_min_visits) past->Add(query, *language);
  }

  void LoadPastSearches() {
    std::lock_guard db_lock(db_mutex);
    Use load = Statement(kLoadAnswered);
    load.Bind(1, static_cast<int64_t>(options.past_search_min_visits));
    while (load.Step() == SQLITE_ROW) {
      if (std::optional<Language> language = ParseLanguage(load.Text(1))) past->Add(load.Text(0), *language);
    }
  }

  void ForgetOldVisits() {
    if (visits.size() <= kMaxTrackedVisits) return;
    std::vector<int64_t> seen;
    seen.reserve(visits.size());
    for (const auto& [id, visit] : visits) seen.push_back(visit.last_seen);
    auto middle = seen.begin() + static_cast<std::ptrdiff_t>(seen.size() / 2);
    std::nth_element(seen.begin(), middle, seen.end());
    const int64_t cutoff = *middle;
    std::erase_if(visits, [&](const auto& entry) { return entry.second.last_seen < cutoff; });
  }
};

EventStore::EventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->writer = std::thread([impl = impl_.get()] { impl->WriterLoop(); });
}

EventStore::~EventStore() {
  {
    std::lock_guard lock(impl_->queue_mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& data_dir, EventStoreOptions options) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->path = (std::filesystem::path(data_dir) / "events.db").string();
    Result<sqlite::DatabaseHandle> db = sqlite::OpenDatabase(data_dir, "events.db", kStore, kMigrations);
    if (!db.ok()) return db.error();
    impl->db = std::move(*db);
    if (std::optional<Error> error = sqlite::PrepareAll(impl->db.get(), kSql, impl->statements, kStore, impl->path)) {
      return *error;
    }
    if (options.max_file_bytes > 0) {
      // SQLite refuses pages beyond the bound with SQLITE_FULL, as on a full disk.
      sqlite3_stmt* raw = nullptr;
      int64_t page_size = 0;
      if (sqlite3_prepare_v2(impl->db.get(), "PRAGMA page_size", -1, &raw, nullptr) == SQLITE_OK &&
          sqlite3_step(raw) == SQLITE_ROW) {
        page_size = sqlite3_column_int64(raw, 0);
      }
      sqlite3_finalize(raw);
      const std::string bound =
          "PRAGMA max_page_count = " +
          std::to_string(std::max<uint64_t>(options.max_file_bytes / static_cast<uint64_t>(std::max<int64_t>(page_size, 512)), 1));
      if (page_size <= 0 || !sqlite::ExecuteScript(impl->db.get(), bound.c_str())) {
        return Error{ErrorCode::kInternal, "event store: cannot bound the file size", impl->path};
      }
    }
    impl->LoadPastSearches();
    impl->LoadTodaysVotes(sqlite::NowMilliseconds());
    {
      std::lock_guard db_lock(impl->db_mutex);
      impl->Expire(sqlite::NowMilliseconds());
    }
    return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "event store: unexpected failure while opening", data_dir};
  }
}

bool EventStore::Record(Event event) {
  if (!IsValidVisitId(event.visit)) return false;
  if (event.at_ms == 0) event.at_ms = sqlite::NowMilliseconds();
  bool full_batch = false;
  {
    std::lock_guard lock(impl_->queue_mutex);
    if (impl_->stopping || impl_->queue.size() >= impl_->options.queue_capacity) {
      ++impl_->dropped;
      return false;
    }
    impl_->queue.push_back(std::move(event));
    ++impl_->queued_total;
    full_batch = impl_->queue.size() >= kBatchSize;
  }
  ++impl_->recorded;
  if (full_batch) impl_->wake.notify_one();
  return true;
}

void EventStore::Flush() {
  std::unique_lock lock(impl_->queue_mutex);
  const uint64_t target = impl_->queued_total;
  impl_->flush_wanted = true;
  impl_->wake.notify_one();
  impl_->written.wait(lock, [&] { return impl_->handled_total >= target; });
}

Result<std::vector<StoredEvent>> EventStore::Read(std::optional<EventType> type, size_t limit) {
  Impl& s = *impl_;
  std::lock_guard db_lock(s.db_mutex);
  Use read = s.Statement(kRead);
  BindFilter(read, {.type = type, .limit = limit});
  return ReadRows(read, s.db.get(), s.path);
}

struct EventLog::Impl {
  struct Source {
    std::string path;
    sqlite::DatabaseHandle db;     // null: no events.db there yet
    sqlite::StatementHandle read;  // kSql[kRead]
  };
  mutable std::mutex mutex;
  std::vector<Source> sources;  // one per data directory, in the order given
};

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLog::~EventLog() = default;

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& data_dir) {
  return Open(std::vector<std::string>{data_dir});
}

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::vector<std::string>& data_dirs) {
  if (data_dirs.empty()) return Error{ErrorCode::kInvalidInput, "event log: no data directory given", "--data"};
  auto impl = std::make_unique<Impl>();
  for (const std::string& data_dir : data_dirs) {
    Impl::Source source;
    source.path = (std::filesystem::path(data_dir) / "events.db").string();
    Result<sqlite::DatabaseHandle> db = sqlite::OpenDatabaseReadOnly(data_dir, "events.db", kStore, kSchemaVersion);
    if (!db.ok()) return db.error();
    source.db = std::move(*db);
    if (source.db) {
      const char* sql[] = {kSql[kRead]};
      if (std::optional<Error> error = sqlite::PrepareAll(source.db.get(), sql, {&source.read, 1}, kStore, source.path)) {
        return *error;
      }
    }
    impl->sources.push_back(std::move(source));
  }
  return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
}

Result<std::vector<StoredEvent>> EventLog::Read(const EventFilter& filter) const {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  std::vector<StoredEvent> events;
  for (Impl::Source& source : s.sources) {
    if (!source.db) continue;
    Use read(source.read.get());
    BindFilter(read, filter);
    Result<std::vector<StoredEvent>> rows = ReadRows(read, source.db.get(), source.path);
    if (!rows.ok()) return rows.error();
    events.insert(events.end(), std::make_move_iterator(rows->begin()), std::make_move_iterator(rows->end()));
  }
  if (s.sources.size() > 1) {
    // Each store's rows are oldest first; merged, the oldest of all first
    // (equal times keep the order of the directories). Each store gave at
    // most `limit`, so the first `limit` of the merge are the oldest overall.
    std::stable_sort(events.begin(), events.end(),
                     [](const StoredEvent& a, const StoredEvent& b) { return a.event.at_ms < b.event.at_ms; });
    if (events.size() > filter.limit) events.resize(filter.limit);
  }
  return events;
}

Result<int64_t> EventStore::ExpireEvents(int64_t now_ms) {
  Impl& s = *impl_;
  std::lock_guard db_lock(s.db_mutex);
  const int64_t deleted = s.Expire(now_ms != 0 ? now_ms : sqlite::NowMilliseconds());
  if (deleted < 0) {
    return Error{ErrorCode::kInternal, std::string("event store: expiring events: ") + sqlite3_errmsg(s.db.get()),
                 s.path};
  }
  return deleted;
}

std::shared_ptr<const search::PastSearches> EventStore::past_searches() const { return impl_->past; }

EventStoreStats EventStore::stats() const {
  EventStoreStats stats{impl_->recorded.load(), impl_->rows.load(), impl_->dropped.load(),
                        impl_->rate_limited.load(), impl_->failed.load(), 0};
  std::lock_guard lock(impl_->queue_mutex);
  stats.queued = impl_->queue.size();
  return stats;
}

}  // namespace helpdex::stores

// File: events.h
// What happens on the help centre, for the deflection figures and the gap
// reports: searches, suggestions shown, opened and "answered", results
// clicked, contact-form submissions and "did this help?" answers, each with an
// anonymous visit id, in SQLite (DATA/events.db).
//
// Record() never waits for the disk: events go to a bounded queue that one
// writer thread empties in batches (one transaction per batch), so a burst of
// searches never slows search down. The destructor and Flush() write
// everything queued, so a clean stop (SIGTERM) loses nothing.
//
// Before anything is stored, the writer redacts queries and feedback comments
// like tickets (e-mail, phone, card, ...), caps what one visit may write per minute, and
// collapses the keystrokes of one as-you-type search into one event.
//
//   Result<std::unique_ptr<EventStore>> store = EventStore::Open("var/data");
//   (*store)->Record({.type = EventType::kAnswered, .visit = id, .query = "reset pass", .article = "en-reset"});
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/error.h"
#include "helpdex/search/past_searches.h"

namespace helpdex::stores {

enum class EventType {
  kSearch,            // a search (results page or API): query, results, shown
  kSuggestShown,      // answer cards shown while typing: query, shown
  kSuggestOpened,     // an answer card's article opened: query, article
  kAnswered,          // "This answered my question": query, article
  kResultClicked,     // a search result opened: query, article
  kContactSubmitted,  // the contact form sent: query (the subject)
  kFeedback,          // "did this help?" on an article: article, language, revision, helpful, reason, comment
  kArticleViewed,     // an article page opened (from anywhere): article, language (the home page's "most read")
};

// "search", "suggest_shown", "suggest_opened", "answered", "result_clicked",
// "contact_submitted", "feedback", "article_viewed".
std::string_view EventTypeName(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);

struct Event {
  EventType type = EventType::kSearch;
  std::string visit;               // anonymous visit id (random, from the visit cookie)
  std::string query;               // as typed; stored redacted
  std::string language;            // "en", ... or ""
  std::string article;             // the article id opened, answered or clicked
  std::vector<std::string> shown;  // ids shown (searches, suggestions)
  int64_t results = -1;            // number of results of a search
  std::string filters;             // a search's filters, "lang=nb tag=billing type=article"; "" for none
  int64_t at_ms = 0;               // milliseconds since the Unix epoch; 0 = when recorded
  // kFeedback only. Every answer is stored, repeats and changes of mind
  // included (never collapsed): readers count a visit once per article and
  // take its latest answer.
  int helpful = -1;                // 1 yes, 0 no, -1 not feedback
  std::string reason;              // for a no: feedback.h's reasons ("outdated", "didnt_answer", ...) or ""
  std::string comment;             // stored redacted, at most 1000 characters
  std::string revision;            // the article's DocumentRecord::source_hash when answered
  // The client's address range ("198.51.100.0/24", server/client_address.h)
  // for answers: bounds how much one range can vote for completions. Stored
  // with the answer that counted until the end of its day (UTC), so that the
  // bound survives a restart, then blanked. "" = not bounded
  // (events recorded by tools rather than by the server).
  std::string client_range;
};

struct StoredEvent {
  int64_t id = 0;
  Event event;
};

// A write the store could not make (SQLite refused it: disk full, I/O error,
// a damaged file): the events it lost, for the server's log.
struct EventWriteFailure {
  std::string what;          // "inserting an event", "committing a batch", ...
  std::string error;         // SQLite's message ("database or disk is full")
  uint64_t events_lost = 0;  // events of this failure that are not stored
};

struct EventStoreOptions {
  size_t queue_capacity = 20000;                    // events waiting; more are dropped and counted
  std::chrono::milliseconds flush_interval{200};    // the longest an event waits to be written
  size_t max_events_per_visit_per_minute = 120;     // a flood from one visit is not written
  // A search becomes a completion for everyone after this many distinct
  // visits typed it and then found their answer (platform.md B2 #10). Only
  // a search the server itself recorded for the visit (a search or an
  // as-you-type suggestion with the same text) counts: answers are reported
  // by the page's script, so a client could claim any text.
  int past_search_min_visits = 3;
  // Per address range and day (UTC): one vote per search, and at most this
  // many votes in all, so that visits from one machine or network count as
  // one however many visit ids they make (today's are reloaded at Open()).
  size_t max_votes_per_range_per_day = 20;
  // Keystrokes of one visit within this time that extend (or shorten) the
  // previous suggestion query are one search intent: the stored row is updated.
  std::chrono::milliseconds intent_window{30000};
  // Raw events older than this are deleted (at open, then hourly); the
  // aggregate that feeds completions (answered searches) stays.
  std::chrono::hours keep_events{24 * 90};
  // The most events.db may grow to (0: no bound but the disk). Beyond it
  // writes fail like on a full disk: counted, reported, the server goes on.
  uint64_t max_file_bytes = 0;
  // Called by the writer thread for every failed write (keep it short; it
  // must not call back into the store). Failures are counted whether or not
  // it is set.
  std::function<void(const EventWriteFailure&)> on_write_failure;
};

struct EventStoreStats {
  uint64_t recorded = 0;      // accepted by Record()
  uint64_t written = 0;       // rows inserted or updated
  uint64_t dropped = 0;       // queue full
  uint64_t rate_limited = 0;  // over a visit's per-minute cap
  uint64_t failed = 0;        // lost because SQLite refused the write (EventWriteFailure)
  uint64_t queued = 0;        // waiting to be written now
};

class EventStore {
 public:
  // Opens (creating) DATA_DIR/events.db and starts the writer thread; loads
  // the past searches that already reached past_search_min_visits.
  static Result<std::unique_ptr<EventStore>> Open(const std::string& data_dir, EventStoreOptions options = {});
  // Writes everything queued, then stops the writer.
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Queues `event` without touching the disk. False when it was dropped
  // (queue full, or no visit id). Thread-safe.
  bool Record(Event event);

  // Returns once every event recorded before the call has been written.
  void Flush();

  // Deletes raw events older than options.keep_events before `now_ms` (0 =
  // now); the number deleted. Runs by itself at open and hourly.
  Result<int64_t> ExpireEvents(int64_t now_ms = 0);

  // Stored events, oldest first (all types when `type` is nullopt), at most `limit`.
  Result<std::vector<StoredEvent>> Read(std::optional<EventType> type = std::nullopt, size_t limit = 100000);

  // Searches that led to an answer for enough distinct visits (see options);
  // kept current by the writer. For SuggestRequest::past_searches.
  std::shared_ptr<const search::PastSearches> past_searches() const;

  EventStoreStats stats() const;

 private:
  struct Impl;
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Which stored events a reader wants. Oldest first (by id), at most `limit`.
struct EventFilter {
  std::optional<EventType> type;  // all types when nullopt
  int64_t since_ms = 0;           // only events at or after this time (0: from the oldest kept)
  std::string visit;              // only this visit's events ("" for all visits)
  size_t limit = 100000;
};

// A read-only view of DATA/events.db, for reports and the command line
// (`helpdex events`, `messages`, `gaps`, `learned`): it opens the file
// read-only and never creates or migrates it, starts no writer and expires
// nothing, so reading keeps every event the server keeps (whatever its
// --keep-events-days). It sees what the server has written (WAL): at most
// EventStoreOptions::flush_interval behind. Thread-safe.
//
//   Result<std::unique_ptr<EventLog>> log = EventLog::Open("var/data");
//   Result<std::vector<StoredEvent>> searches = (*log)->Read({.type = EventType::kSearch, .since_ms = t});
class EventLog {
 public:
  // An empty log when DATA_DIR/events.db does not exist yet (nothing has been
  // recorded); an error naming the file when it cannot be read or has another
  // schema version (an older one is upgraded by the server's next start).
  static Result<std::unique_ptr<EventLog>> Open(const std::string& data_dir);
  // One log over several data directories: the servers of one installation
  // behind a load balancer, each with its own events.db. Read() merges their
  // events, oldest first (a visit that moved between servers is one visit:
  // visit ids are random). StoredEvent::id is then the row id in its own
  // store. kInvalidInput for an empty list.
  static Result<std::unique_ptr<EventLog>> Open(const std::vector<std::string>& data_dirs);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  Result<std::vector<StoredEvent>> Read(const EventFilter& filter = {}) const;

 private:
  struct Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What one visit searched for before `before_ms` (searches, and answers
// shown while typing), oldest first, each wording once: the searches that
// came before a contact-form message. `events` may hold any visits'.
std::vector<std::string> SearchesBefore(const std::vector<StoredEvent>& events, const std::string& visit,
                                        int64_t before_ms);

// What one visit did before `before_ms`: its searches (as SearchesBefore)
// and the articles it opened (an article page, an answer card, a result,
// "this answered my question", "did this help?"), oldest first, each once. The inbox shows it
// beside a contact message.
struct VisitTrail {
  std::vector<std::string> searches;
  std::vector<std::string> articles;  // article ids
};
VisitTrail VisitTrailBefore(const std::vector<StoredEvent>& events, const std::string& visit, int64_t before_ms);
// How many distinct visits opened an article.
struct ArticleViews {
  std::string article;  // the article id
  size_t visits = 0;
};

// The articles in `language` ("en", ...) that most visits opened
// (EventType::kArticleViewed among `events`; a visit counts once per
// article), most first, ties by id, at most `limit`. The home page's "most
// read": the caller keeps the public ones.
std::vector<ArticleViews> MostViewed(const std::vector<StoredEvent>& events, std::string_view language,
                                     size_t limit);

// A random visit id (32 hex digits), or "" if the random number generator fails.
std::string NewVisitId();
// True for a value NewVisitId() could have made: what a visit cookie must hold.
bool IsValidVisitId(std::string_view id);

// True when a User-Agent names a crawler, a link previewer or a monitoring
// robot (case-insensitive: "bot", "crawl", "spider", "slurp", ...): such a
// client gets no visit, so it never writes the report.
bool IsKnownCrawler(std::string_view user_agent);

}  // namespace helpdex::stores

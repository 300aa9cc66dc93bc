// The learned-phrasings store (learned.h): votes from the event store's
// searches and answers, the phrasings they teach, and the blocklist, in
// DATA/learned.db.
#include "helpdex/stores/learned.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <xapian.h>

#include "helpdex/search/analysis.h"
#include "helpdex/search/document.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/text.h"
#include "helpdex/search/xapian_error.h"
#include "helpdex/stores/events.h"
#include "sqlite_db.h"

namespace helpdex::stores {
namespace {

using sqlite::Use;

constexpr char kStore[] = "learned store";
constexpr size_t kMaxPhrasingBytes = 200;
constexpr size_t kMaxPhrasingWords = 20;
constexpr size_t kMaxArticleBytes = 200;

constexpr int kSchemaVersion = 1;
constexpr const char* kMigrations[kSchemaVersion] = {
    R"sql(
-- One row per (article, language, wording, visit): a visit that searched the
-- wording (recorded by the server) and then opened, clicked or answered the
-- article. Kept up to LearnedOptions::expire_after, beyond the raw events.
CREATE TABLE learned_votes (
  article TEXT NOT NULL,
  lang TEXT NOT NULL,
  query_key TEXT NOT NULL,            -- folded (NFKC + case fold, spaces collapsed)
  visit TEXT NOT NULL,
  query TEXT NOT NULL,                -- as typed, redacted by the event store
  at INTEGER NOT NULL,                -- the visit's latest such answer, ms since the epoch
  PRIMARY KEY (article, lang, query_key, visit)
) WITHOUT ROWID;
-- Wordings that reached min_visits for a public article: what the index adds.
CREATE TABLE learned (
  id INTEGER PRIMARY KEY,
  article TEXT NOT NULL,
  lang TEXT NOT NULL,
  query_key TEXT NOT NULL,
  phrasing TEXT NOT NULL,             -- the latest wording
  visits INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  UNIQUE (article, lang, query_key)
);
-- Removed by hand (`helpdex learned --remove`): never learned again.
CREATE TABLE learned_blocked (
  article TEXT NOT NULL,
  lang TEXT NOT NULL,
  query_key TEXT NOT NULL,
  phrasing TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (article, lang, query_key)
) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql",
};

enum Sql : int {
  kBegin,
  kCommit,
  kRollback,
  kUpsertVote,
  kExpireVotes,
  kCandidates,
  kIsBlocked,
  kUpsertLearned,
  kDeleteLearnedKey,
  kExpireLearned,
  kAllLearned,
  kDeleteLearned,
  kGetLearned,
  kBlock,
  kSqlCount,
};

constexpr const char* kSql[kSqlCount] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT INTO learned_votes(article, lang, query_key, visit, query, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT(article, lang, query_key, visit) DO UPDATE SET "
    "query = CASE WHEN excluded.at >= at THEN excluded.query ELSE query END, at = max(at, excluded.at)",
    "DELETE FROM learned_votes WHERE at < ?1",
    "SELECT g.article, g.lang, g.query_key, count(*), min(g.at), max(g.at), "
    "(SELECT v.query FROM learned_votes v WHERE v.article = g.article AND v.lang = g.lang "
    "AND v.query_key = g.query_key ORDER BY v.at DESC LIMIT 1) "
    "FROM learned_votes g GROUP BY g.article, g.lang, g.query_key HAVING count(*) >= ?1",
    "SELECT 1 FROM learned_blocked WHERE article = ?1 AND lang = ?2 AND query_key = ?3",
    "INSERT INTO learned(article, lang, query_key, phrasing, visits, first_seen, last_seen) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(article, lang, query_key) DO UPDATE SET "
    "phrasing = excluded.phrasing, visits = excluded.visits, first_seen = min(first_seen, excluded.first_seen), "
    "last_seen = max(last_seen, excluded.last_seen)",
    "DELETE FROM learned WHERE article = ?1 AND lang = ?2 AND query_key = ?3",
    "DELETE FROM learned WHERE last_seen < ?1",
    "SELECT id, article, lang, phrasing, visits, first_seen, last_seen FROM learned "
    "ORDER BY article, visits DESC, last_seen DESC, id",
    "DELETE FROM learned WHERE id = ?1",
    "SELECT article, lang, query_key, phrasing FROM learned WHERE id = ?1",
    "INSERT OR REPLACE INTO learned_blocked(article, lang, query_key, phrasing, at) VALUES (?1, ?2, ?3, ?4, ?5)",
};

std::string FoldKey(std::string_view query) { return search::CollapseWhitespace(search::NormalizeText(query)); }

// Runs of letters and digits of normalised text, as search/ splits words.
std::vector<std::string> SplitWords(std::string_view normalized) {
  std::vector<std::string> words;
  std::string current;
  for (unsigned char c : normalized) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      current += static_cast<char>(c);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

// Numbers of 4 digits or more (order, account, ticket numbers) and id-like
// words are never learned: they are one customer's, not a way of asking.
bool LooksLikeIdOrNumber(const std::string& word) {
  const auto digits = std::count_if(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits == 0) return false;
  if (static_cast<size_t>(digits) == word.size() && digits >= 4) return true;
  return digits >= 6 || search::CountCodePoints(word) >= 12;
}

bool IsAnswer(EventType type) {
  return type == EventType::kSuggestOpened || type == EventType::kResultClicked || type == EventType::kAnswered;
}

bool IsRecordedSearch(EventType type) { return type == EventType::kSearch || type == EventType::kSuggestShown; }

}  // namespace

bool IsLearnablePhrasing(std::string_view phrasing, Language language) {
  if (phrasing.empty() || phrasing.size() > kMaxPhrasingBytes || !search::IsValidUtf8(phrasing)) return false;
  // The event store replaces personal data with placeholders ("[email]").
  if (phrasing.find_first_of("[]") != std::string_view::npos) return false;
  const std::vector<std::string> words = SplitWords(search::AnalyzerFor(language).Normalize(phrasing));
  if (words.empty() || words.size() > kMaxPhrasingWords) return false;
  if (std::any_of(words.begin(), words.end(), LooksLikeIdOrNumber)) return false;
  return !search::LearnedTerms(phrasing, language).empty();
}

Result<PublicArticles> OpenPublicArticles(const std::string& index_dir) {
  const std::filesystem::path stub = search::PublicStubPath(index_dir);
  std::error_code ec;
  if (!std::filesystem::exists(stub, ec)) {
    return Error{ErrorCode::kNotFound, "no published index yet", stub.string()};
  }
  try {
    auto db = std::make_shared<Xapian::Database>(stub.string());
    // The public database holds public articles only (and no tickets).
    return PublicArticles([db](const std::string& article_id) {
      return !article_id.empty() &&
             db->term_exists(search::UniqueIdTerm(search::schema::kTypeArticle, article_id));
    });
  } catch (const Xapian::Error& e) {
    return search::FromXapian(e, "opening the public index", stub.string());
  }
}

struct LearnedStore::Impl {
  LearnedOptions options;
  std::string path;
  sqlite::DatabaseHandle db;
  std::array<sqlite::StatementHandle, kSqlCount> statements;

  Use Statement(Sql sql) { return Use(statements[sql].get()); }
  bool Run(Sql sql) { return Statement(sql).Step() == SQLITE_DONE; }

  Error SqlError(const std::string& doing) const {
    return Error{ErrorCode::kInternal, std::string(kStore) + ": " + doing + ": " + sqlite3_errmsg(db.get()), path};
  }

  // The votes of `events`: an answer with a wording counts when the same
  // visit's search of that wording was recorded by the server before it.
  std::optional<Error> CountVotes(const std::vector<StoredEvent>& events, LearnReport& report) {
    // visit -> wording key -> when the server recorded its search, and in which language.
    struct Searched {
      int64_t at = 0;
      std::string language;
    };
    std::unordered_map<std::string, std::map<std::string, std::vector<Searched>>> searches;
    for (const StoredEvent& stored : events) {
      const Event& event = stored.event;
      if (IsRecordedSearch(event.type) && !event.query.empty()) {
        searches[event.visit][FoldKey(event.query)].push_back({event.at_ms, event.language});
      }
    }
    const int64_t window = std::chrono::duration_cast<std::chrono::milliseconds>(options.search_window).count();
    for (const StoredEvent& stored : events) {
      const Event& event = stored.event;
      if (!IsAnswer(event.type) || event.query.empty() || event.article.empty()) continue;
      ++report.answers;
      const std::string key = FoldKey(event.query);
      const Searched* backing = nullptr;
      if (auto visit = searches.find(event.visit); visit != searches.end()) {
        if (auto found = visit->second.find(key); found != visit->second.end()) {
          for (const Searched& searched : found->second) {
            if (searched.at <= event.at_ms && event.at_ms - searched.at <= window) backing = &searched;
          }
        }
      }
      if (backing == nullptr) {
        ++report.unbacked;
        continue;
      }
      // The answer's language (a click: the article's; a POSTed answer: the
      // page's), else the language the search was recorded in.
      std::string language_code = event.language;
      std::optional<Language> language = ParseLanguage(language_code);
      if (!language) {
        language_code = backing->language;
        language = ParseLanguage(language_code);
      }
      if (!language || event.article.size() > kMaxArticleBytes || !IsLearnablePhrasing(event.query, *language)) {
        ++report.not_learnable;
        continue;
      }
      Use vote = Statement(kUpsertVote);
      vote.Bind(1, event.article).Bind(2, language_code).Bind(3, key).Bind(4, event.visit).Bind(5, event.query)
          .Bind(6, event.at_ms);
      if (vote.Step() != SQLITE_DONE) return SqlError("counting a vote");
      ++report.votes;
    }
    return std::nullopt;
  }

  bool IsBlocked(const std::string& article, const std::string& lang, const std::string& key) {
    Use blocked = Statement(kIsBlocked);
    blocked.Bind(1, article).Bind(2, lang).Bind(3, key);
    return blocked.Step() == SQLITE_ROW;
  }

  std::optional<Error> Promote(const PublicArticles& is_public, int64_t now_ms, LearnReport& report) {
    const int64_t expire = std::chrono::duration_cast<std::chrono::milliseconds>(options.expire_after).count();
    {
      Use expire_votes = Statement(kExpireVotes);
      expire_votes.Bind(1, now_ms - expire);
      if (expire_votes.Step() != SQLITE_DONE) return SqlError("expiring votes");
    }
    struct Candidate {
      std::string article, lang, key, phrasing;
      int64_t visits, first, last;
    };
    std::vector<Candidate> candidates;
    {
      Use read = Statement(kCandidates);
      read.Bind(1, static_cast<int64_t>(std::max(1, options.min_visits)));
      int rc;
      while ((rc = read.Step()) == SQLITE_ROW) {
        candidates.push_back(
            {read.Text(0), read.Text(1), read.Text(2), read.Text(6), read.Int(3), read.Int(4), read.Int(5)});
      }
      if (rc != SQLITE_DONE) return SqlError("reading the votes");
    }
    for (const Candidate& candidate : candidates) {
      if (IsBlocked(candidate.article, candidate.lang, candidate.key)) continue;
      if (!is_public || !is_public(candidate.article)) {
        ++report.not_public;
        Use drop = Statement(kDeleteLearnedKey);
        drop.Bind(1, candidate.article).Bind(2, candidate.lang).Bind(3, candidate.key);
        if (drop.Step() != SQLITE_DONE) return SqlError("dropping a phrasing");
        continue;
      }
      Use upsert = Statement(kUpsertLearned);
      upsert.Bind(1, candidate.article).Bind(2, candidate.lang).Bind(3, candidate.key).Bind(4, candidate.phrasing)
          .Bind(5, candidate.visits).Bind(6, candidate.first).Bind(7, candidate.last);
      if (upsert.Step() != SQLITE_DONE) return SqlError("learning a phrasing");
    }
    {
      Use expire_learned = Statement(kExpireLearned);
      expire_learned.Bind(1, now_ms - expire);
      if (expire_learned.Step() != SQLITE_DONE) return SqlError("expiring phrasings");
    }
    // Articles that are no longer public forget; each keeps its best few.
    Result<std::vector<LearnedPhrasing>> all = ReadAll();
    if (!all.ok()) return all.error();
    std::map<std::string, size_t> kept;
    for (const LearnedPhrasing& phrasing : *all) {
      const bool keep = is_public && is_public(phrasing.article) && kept[phrasing.article] < options.max_per_article;
      if (keep) {
        ++kept[phrasing.article];
        ++report.learned;
        continue;
      }
      Use drop = Statement(kDeleteLearned);
      drop.Bind(1, phrasing.id);
      if (drop.Step() != SQLITE_DONE) return SqlError("dropping a phrasing");
    }
    return std::nullopt;
  }

  Result<std::vector<LearnedPhrasing>> ReadAll() {
    Use read = Statement(kAllLearned);
    std::vector<LearnedPhrasing> phrasings;
    int rc;
    while ((rc = read.Step()) == SQLITE_ROW) {
      phrasings.push_back({read.Int(0), read.Text(1), read.Text(2), read.Text(3), read.Int(4), read.Int(5),
                           read.Int(6)});
    }
    if (rc != SQLITE_DONE) return SqlError("reading the phrasings");
    return phrasings;
  }
};

LearnedStore::LearnedStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LearnedStore::~LearnedStore() = default;

Result<std::unique_ptr<LearnedStore>> LearnedStore::Open(const std::string& data_dir, LearnedOptions options) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->path = (std::filesystem::path(data_dir) / "learned.db").string();
    Result<sqlite::DatabaseHandle> db = sqlite::OpenDatabase(data_dir, "learned.db", kStore, kMigrations);
    if (!db.ok()) return db.error();
    impl->db = std::move(*db);
    if (std::optional<Error> error = sqlite::PrepareAll(impl->db.get(), kSql, impl->statements, kStore, impl->path)) {
      return *error;
    }
    return std::unique_ptr<LearnedStore>(new LearnedStore(std::move(impl)));
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "learned store: unexpected failure while opening", data_dir};
  }
}

Result<LearnReport> LearnedStore::Learn(const std::vector<StoredEvent>& events, const PublicArticles& is_public,
                                        int64_t now_ms) {
  Impl& s = *impl_;
  if (now_ms == 0) now_ms = sqlite::NowMilliseconds();
  if (!s.Run(kBegin)) return s.SqlError("starting a transaction");
  LearnReport report;
  std::optional<Error> error = s.CountVotes(events, report);
  if (!error) error = s.Promote(is_public, now_ms, report);
  if (error || !s.Run(kCommit)) {
    s.Run(kRollback);
    return error ? *error : s.SqlError("committing");
  }
  return report;
}

Result<LearnReport> LearnedStore::Learn(const EventLog& events, const PublicArticles& is_public, int64_t now_ms) {
  std::vector<StoredEvent> all;
  for (EventType type : {EventType::kSearch, EventType::kSuggestShown, EventType::kSuggestOpened,
                         EventType::kResultClicked, EventType::kAnswered}) {
    Result<std::vector<StoredEvent>> read = events.Read({.type = type, .limit = SIZE_MAX});
    if (!read.ok()) return read.error();
    all.insert(all.end(), std::make_move_iterator(read->begin()), std::make_move_iterator(read->end()));
  }
  return Learn(all, is_public, now_ms);
}

Result<std::vector<LearnedPhrasing>> LearnedStore::List() { return impl_->ReadAll(); }

Result<bool> LearnedStore::Remove(int64_t id) {
  Impl& s = *impl_;
  if (!s.Run(kBegin)) return s.SqlError("starting a transaction");
  auto fail = [&](const std::string& doing) -> Result<bool> {
    Error error = s.SqlError(doing);
    s.Run(kRollback);
    return error;
  };
  std::string article, lang, key, phrasing;
  {
    Use get = s.Statement(kGetLearned);
    get.Bind(1, id);
    const int rc = get.Step();
    if (rc == SQLITE_DONE) {
      s.Run(kRollback);
      return false;
    }
    if (rc != SQLITE_ROW) return fail("reading the phrasing");
    article = get.Text(0);
    lang = get.Text(1);
    key = get.Text(2);
    phrasing = get.Text(3);
  }
  {
    Use block = s.Statement(kBlock);
    block.Bind(1, article).Bind(2, lang).Bind(3, key).Bind(4, phrasing).Bind(5, sqlite::NowMilliseconds());
    if (block.Step() != SQLITE_DONE) return fail("blocking the phrasing");
  }
  {
    Use drop = s.Statement(kDeleteLearned);
    drop.Bind(1, id);
    if (drop.Step() != SQLITE_DONE) return fail("removing the phrasing");
  }
  if (!s.Run(kCommit)) return fail("committing");
  return true;
}

Result<std::map<std::string, std::vector<std::string>>> LearnedStore::PhrasingsByArticle() {
  Result<std::vector<LearnedPhrasing>> all = impl_->ReadAll();
  if (!all.ok()) return all.error();
  std::map<std::string, std::vector<std::string>> by_article;
  for (const LearnedPhrasing& phrasing : *all) {
    std::vector<std::string>& phrasings = by_article[phrasing.article];
    if (phrasings.size() < impl_->options.max_per_article) phrasings.push_back(phrasing.phrasing);
  }
  return by_article;
}

}  // namespace helpdex::stores

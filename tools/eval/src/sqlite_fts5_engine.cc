// The yardstick: SQLite FTS5 with its standard unicode61 tokenizer and BM25
// ranking, on the same documents and queries as helpdex. Written as someone
// who wants FTS5 to do well would: one transaction for the inserts, segments
// merged before querying, prepared statements reused for every query.
#include <sqlite3.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <chrono>
#include <set>

#include "engine.h"

namespace helpdex::eval {
namespace {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

constexpr char kCreateTable[] =
    "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, lang UNINDEXED, title, text, "
    "tokenize = 'unicode61 remove_diacritics 2')";
constexpr char kInsert[] = "INSERT INTO docs(id, lang, title, text) VALUES (?1, ?2, ?3, ?4)";
// Merges the segments written by the inserts into one b-tree, as one would
// before serving a read-only index.
constexpr char kOptimize[] = "INSERT INTO docs(docs) VALUES ('optimize')";
// bm25() is smaller for better matches; rowid makes ties reproducible.
constexpr char kSearch[] =
    "SELECT id FROM docs WHERE docs MATCH ?1 AND lang = ?2 ORDER BY bm25(docs), rowid LIMIT ?3";

Error SqliteError(sqlite3* db, const std::string& doing) {
  return Error{ErrorCode::kInternal, "SQLite FTS5: " + doing + ": " + sqlite3_errmsg(db), ""};
}

Result<Statement> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
    sqlite3_finalize(statement);
    return SqliteError(db, "preparing a statement");
  }
  return Statement(statement);
}

// Runs a statement that returns no rows.
Result<bool> Execute(sqlite3* db, const char* sql) {
  Result<Statement> statement = Prepare(db, sql);
  if (!statement.ok()) return statement.error();
  if (sqlite3_step(statement->get()) != SQLITE_DONE) return SqliteError(db, std::string("running ") + sql);
  return true;
}

void BindText(sqlite3_stmt* statement, int index, const std::string& text) {
  // SQLITE_STATIC: the string outlives the step that reads it.
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

// unicode61 treats letters, numbers and private-use characters as parts of
// words; combining marks stay inside the word they accent.
bool IsWordCharacter(UChar32 c) {
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_CO_MASK | U_GC_MN_MASK | U_GC_MC_MASK)) != 0;
}

// The words of a query: runs of word characters, each once (compared case-folded).
std::vector<std::string> QueryWords(const std::string& text) {
  std::vector<std::string> words;
  std::set<std::string> seen;
  std::string word;
  auto finish_word = [&]() {
    std::string folded;
    icu::UnicodeString::fromUTF8(word).foldCase().toUTF8String(folded);
    if (!word.empty() && seen.insert(folded).second) words.push_back(word);
    word.clear();
  };
  const int32_t length = static_cast<int32_t>(text.size());
  for (int32_t offset = 0; offset < length;) {
    const int32_t start = offset;
    UChar32 c = 0;
    U8_NEXT(text.data(), offset, length, c);
    if (c >= 0 && IsWordCharacter(c)) {
      word.append(text, start, offset - start);
    } else {
      finish_word();
    }
  }
  finish_word();
  return words;
}

// An FTS5 string: double quotes around, and a double quote inside doubled.
std::string QuoteFts5String(const std::string& word) {
  std::string quoted = "\"";
  for (char c : word) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// "word1" OR "word2" ...: any word may match, and BM25 ranks the documents
// matching more and rarer words higher. Empty when the query has no word.
std::string Fts5OrQuery(const std::string& text) {
  std::string expression;
  for (const std::string& word : QueryWords(text)) {
    if (!expression.empty()) expression += " OR ";
    expression += QuoteFts5String(word);
  }
  return expression;
}

class SqliteFts5Engine : public Engine {
 public:
  static Result<std::unique_ptr<Engine>> Start(const Dataset& dataset) {
    const auto start = std::chrono::steady_clock::now();
    sqlite3* raw_db = nullptr;
    const int opened = sqlite3_open_v2(":memory:", &raw_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    DatabaseHandle db(raw_db);
    if (opened != SQLITE_OK) return SqliteError(db.get(), "opening an in-memory database");
    Result<bool> indexed = IndexDocuments(db.get(), dataset.documents);
    if (!indexed.ok()) return indexed.error();
    Result<Statement> search = Prepare(db.get(), kSearch);
    if (!search.ok()) return search.error();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return std::unique_ptr<Engine>(new SqliteFts5Engine(std::move(db), std::move(search).value(), elapsed.count()));
  }

  std::string name() const override { return "sqlite-fts5"; }
  double index_seconds() const override { return index_seconds_; }

  Result<std::vector<std::string>> Rank(const JudgedQuery& query, int depth) override {
    std::vector<std::string> ids;
    const std::string expression = Fts5OrQuery(query.text);
    if (expression.empty()) return ids;  // MATCH '' is a syntax error, and nothing would match anyway
    sqlite3_stmt* statement = search_.get();
    sqlite3_reset(statement);
    BindText(statement, 1, expression);
    BindText(statement, 2, query.lang);
    sqlite3_bind_int(statement, 3, depth);
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
      ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
                       static_cast<size_t>(sqlite3_column_bytes(statement, 0)));
    }
    sqlite3_reset(statement);
    if (step != SQLITE_DONE) return SqliteError(db_.get(), "searching for query " + query.id);
    return ids;
  }

 private:
  SqliteFts5Engine(DatabaseHandle db, Statement search, double index_seconds)
      : db_(std::move(db)), search_(std::move(search)), index_seconds_(index_seconds) {}

  static Result<bool> IndexDocuments(sqlite3* db, const std::vector<EvalDocument>& documents) {
    Result<bool> created = Execute(db, kCreateTable);
    if (!created.ok()) return created;
    Result<Statement> insert = Prepare(db, kInsert);
    if (!insert.ok()) return insert.error();
    Result<bool> began = Execute(db, "BEGIN");
    if (!began.ok()) return began;
    for (const EvalDocument& document : documents) {
      sqlite3_stmt* statement = insert->get();
      BindText(statement, 1, document.id);
      BindText(statement, 2, document.lang);
      BindText(statement, 3, document.title);
      BindText(statement, 4, document.text);
      if (sqlite3_step(statement) != SQLITE_DONE) return SqliteError(db, "inserting document " + document.id);
      sqlite3_reset(statement);
    }
    Result<bool> committed = Execute(db, "COMMIT");
    if (!committed.ok()) return committed;
    return Execute(db, kOptimize);
  }

  // Declared first so that it is closed after the statement is finalized.
  DatabaseHandle db_;
  Statement search_;
  double index_seconds_;
};

}  // namespace

Result<std::unique_ptr<Engine>> StartSqliteFts5Engine(const Dataset& dataset) {
  return SqliteFts5Engine::Start(dataset);
}

}  // namespace helpdex::eval

// Builds a new index generation beside the live one and publishes it by
// renaming stub files (see helpdex/search/index_layout.h).
#include "helpdex/indexer/indexer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "docs_reader.h"
#include "schema_version.h"
#include "synonyms.h"
#include "ticket_record.h"
#include "helpdex/indexer/article.h"
#include "helpdex/search/document.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/xapian_error.h"

namespace helpdex::indexer {
namespace {

namespace fs = std::filesystem;
namespace schema = search::schema;

// Database metadata: the hash of the synonym files the synonyms came from.
constexpr const char* kSynonymsHashKey = "helpdex:synonyms-hash";

// Docs lines analysed ahead of the writer (see ReadDocsFileAhead).
constexpr size_t kDocsLinesAhead = 64;

// Holds an exclusive lock on DIR/.lock for the indexer's lifetime, so two
// `helpdex index` runs cannot publish over each other.
class IndexLock {
 public:
  static Result<IndexLock> Acquire(const fs::path& dir) {
    const fs::path path = dir / ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Error{ErrorCode::kInvalidInput, "cannot create the lock file", path.string()};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return Error{ErrorCode::kInvalidInput, "another `helpdex index` is writing this index", dir.string()};
    }
    return IndexLock(fd);
  }
  IndexLock(IndexLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  IndexLock& operator=(IndexLock&&) = delete;
  ~IndexLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit IndexLock(int fd) : fd_(fd) {}
  int fd_;
};

std::vector<long> ListGenerations(const fs::path& dir) {
  static const std::regex kGeneration(R"(gen-(\d+))");
  std::vector<long> generations;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && std::regex_match(name, match, kGeneration)) {
      generations.push_back(std::stol(match[1].str()));
    }
  }
  std::sort(generations.begin(), generations.end());
  return generations;
}

// Article files under `content_dir`, sorted; README.md files document the
// folder and are not articles.
std::vector<fs::path> ListArticleFiles(const fs::path& content_dir) {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(content_dir, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->path().extension() != ".md") continue;
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "readme.md") continue;
    files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<std::string> ReadFile(const fs::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  bytes = buffer.str();
  if (bytes.size() > limit) bytes.resize(limit + 1);  // ParseArticle reports the size
  return bytes;
}

void WriteFileAtomically(const fs::path& path, const std::string& contents) {
  const fs::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << contents;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temp.string());
  }
  // fsync so the rename never publishes an empty stub after a crash.
  if (int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(temp, path);
}

// What the previous generation holds for one source (file or docs line).
struct ExistingDocument {
  bool in_public = true;
  Xapian::docid docid = 0;
  std::string hash;
  std::string type;
  std::string id;
  std::string slug;
  std::string lang;
  std::string learned;  // search::LearnedSignature() of its learned phrasings ("" for none)
  bool seen = false;  // still present in the sources of this run
};

// A docs line as the reader thread hands it to the writer: a line that could
// not be read (error), or the line with its record and document when it
// changed since the published generation (record unset: it looked unchanged).
struct AnalysedDocsLine {
  std::optional<Error> error;
  DocsLine line;
  std::optional<Result<search::DocumentRecord>> record;
  std::optional<Xapian::Document> document;
  std::optional<std::string> build_error;  // Xapian refused to build the document
};

// Builds generation N+1 as a copy of generation N plus changes: unchanged
// sources cost a hash, changed ones are re-analysed and replaced, vanished
// ones are deleted. Without a previous generation it starts empty.
class GenerationBuilder {
 public:
  GenerationBuilder(const fs::path& gen_dir, IndexReport& report,
                    const std::map<std::string, std::vector<std::string>>& learned, int flush_threshold)
      : public_db_((gen_dir / "public").string(), Xapian::DB_CREATE_OR_OPEN),
        agent_db_((gen_dir / "agent").string(), Xapian::DB_CREATE_OR_OPEN),
        report_(report),
        learned_(learned),
        flush_threshold_(flush_threshold) {
    LoadExisting(public_db_, true);
    LoadExisting(agent_db_, false);
  }

  void AddArticleFile(const fs::path& file, const std::string& display_path, const std::string& source_key) {
    std::optional<std::string> bytes = ReadFile(file, kMaxArticleBytes);
    if (!bytes) {
      Fail(Error{ErrorCode::kInvalidInput, "cannot read the file", display_path}, source_key);
      return;
    }
    // The schema version is part of the hash: documents built by an older
    // schema (say, without completion terms) are analysed again once.
    const std::string hash = schema::SourceHash(*bytes + '\n' + kSchemaVersion);
    if (KeepIfUnchanged(source_key, hash, display_path)) return;
    Result<search::DocumentRecord> record = ParseArticle(display_path, *bytes);
    if (!record.ok()) {
      Fail(record.error(), source_key);
      return;
    }
    record->source_path = source_key;
    record->source_hash = hash;
    Put(std::move(record).value(), display_path + ":1");  // the front matter
  }

  void AddDocsLine(const DocsLine& line) {
    if (KeepIfUnchanged(line.source_key, line.hash, line.where)) return;
    Result<search::DocumentRecord> record = ParseDocsLine(line);
    if (!record.ok()) {
      Fail(record.error(), line.source_key);
      return;
    }
    Put(std::move(record).value(), line.where);
  }

  // Whether the published version of `source_key` has this hash. Safe to call
  // from the reader thread while the writer adds documents: the hashes of the
  // previous generation are read-only after construction.
  bool LooksUnchanged(const std::string& source_key, const std::string& hash) const {
    auto it = existing_.find(source_key);
    return it != existing_.end() && it->second.hash == hash && SameLearned(it->second);
  }

  // The learned phrasings `record` gets: public articles only. Read-only
  // after construction, so the reader thread may call it too.
  void SetLearned(search::DocumentRecord& record) const {
    record.learned.clear();
    if (record.type != schema::kTypeArticle || record.audience != schema::kAudiencePublic) return;
    record.learned = LearnedFor(record.id);
  }

  // A docs line analysed on the reader thread: the same steps as AddDocsLine,
  // with the record and document already built.
  void AddAnalysedDocsLine(AnalysedDocsLine& analysed) {
    const DocsLine& line = analysed.line;
    if (KeepIfUnchanged(line.source_key, line.hash, line.where)) return;
    if (!analysed.record) {
      AddDocsLine(line);  // not analysed ahead (looked unchanged)
      return;
    }
    if (!analysed.record->ok()) {
      Fail(analysed.record->error(), line.source_key);
      return;
    }
    Put(std::move(*analysed.record).value(), line.where, std::move(analysed.document),
        std::move(analysed.build_error));
  }

  // Tickets that are not solved or closed are counted and left out; one that
  // was indexed before (and has been reopened) leaves the index.
  void AddTicket(const Ticket& ticket, const Redactor& redactor) {
    if (!IsResolved(ticket)) {
      ++report_.tickets_skipped;
      return;
    }
    const std::string source_key = TicketSourceKey(ticket);
    if (KeepIfUnchanged(source_key, TicketHash(ticket), ticket.where)) return;
    Result<search::DocumentRecord> record = TicketToRecord(ticket, redactor, &report_.redactions);
    if (!record.ok()) {
      Fail(record.error(), source_key);
      return;
    }
    Put(std::move(record).value(), ticket.where);
  }

  // Keeps the published documents whose source key starts with `prefix` and
  // that no source of this run has claimed.
  void KeepUnseen(std::string_view prefix) {
    for (auto& [source, existing] : existing_) {
      if (existing.seen || !source.starts_with(prefix)) continue;
      existing.seen = true;
      if (!Admit(existing.type, existing.id, existing.lang, existing.slug, source)) Delete(existing);
    }
  }

  void RecordError(Error error) {
    ++report_.failed;
    report_.errors.push_back(std::move(error));
  }

  // Deletes the documents whose source is gone, then commits.
  void Finish() {
    for (auto& [source, existing] : existing_) {
      if (existing.seen) continue;
      Delete(existing);
      ++report_.removed;
    }
    spellings_.ApplyTo(public_db_);
    public_db_.commit();
    agent_db_.commit();
    report_.public_documents = static_cast<int>(public_db_.get_doccount());
    report_.agent_documents = static_cast<int>(agent_db_.get_doccount());
  }

  // Synonyms live in the public database (agent search reads it too).
  void SetSynonyms(const SynonymFiles& synonyms) {
    for (const Error& error : synonyms.errors) RecordError(error);
    if (public_db_.get_metadata(kSynonymsHashKey) == synonyms.hash) return;
    search::ReplaceSynonyms(public_db_, synonyms.groups);
    public_db_.set_metadata(kSynonymsHashKey, synonyms.hash);
    synonyms_changed_ = true;
  }

  bool changed() const { return report_.indexed > 0 || report_.removed > 0 || synonyms_changed_; }

 private:
  void LoadExisting(Xapian::WritableDatabase& db, bool is_public) {
    const std::string prefix(schema::kSourcePath);
    for (auto term = db.allterms_begin(prefix); term != db.allterms_end(prefix); ++term) {
      Xapian::PostingIterator posting = db.postlist_begin(*term);
      if (posting == db.postlist_end(*term)) continue;
      Xapian::Document doc = db.get_document(*posting);
      existing_[(*term).substr(prefix.size())] = ExistingDocument{
          is_public, *posting, doc.get_value(schema::kSlotSourceHash), doc.get_value(schema::kSlotType),
          doc.get_value(schema::kSlotId), doc.get_value(schema::kSlotSlug), doc.get_value(schema::kSlotLanguage),
          doc.get_value(schema::kSlotLearned), false};
    }
  }

  const std::vector<std::string>& LearnedFor(const std::string& id) const {
    static const std::vector<std::string> kNone;
    auto it = learned_.find(id);
    return it == learned_.end() ? kNone : it->second;
  }

  // Whether a published document carries the learned phrasings it should
  // have now (none, unless it is a public article that learned some).
  bool SameLearned(const ExistingDocument& existing) const {
    const bool learns = existing.in_public && existing.type == schema::kTypeArticle;
    return existing.learned == (learns ? search::LearnedSignature(LearnedFor(existing.id)) : "");
  }

  // The published document of `source_key`, unless a source met earlier in
  // this run claimed it already: then this source repeats a key (a docs id
  // twice in a file), is refused as a duplicate, and must leave the earlier
  // source's document alone.
  ExistingDocument* Unclaimed(const std::string& source_key) {
    auto it = existing_.find(source_key);
    return it == existing_.end() || it->second.seen ? nullptr : &it->second;
  }

  bool KeepIfUnchanged(const std::string& source_key, const std::string& hash, const std::string& where) {
    ExistingDocument* existing = Unclaimed(source_key);
    if (existing == nullptr || existing->hash != hash || !SameLearned(*existing)) return false;
    existing->seen = true;
    if (Admit(existing->type, existing->id, existing->lang, existing->slug, where)) {
      ++report_.reused;
    } else {
      Delete(*existing);  // it now clashes with a document met earlier in this run
    }
    return true;
  }

  void Fail(Error error, const std::string& source_key) {
    // Nothing already published is lost: the last good version stays.
    if (ExistingDocument* existing = Unclaimed(source_key)) {
      existing->seen = true;
      if (Admit(existing->type, existing->id, existing->lang, existing->slug, error.where)) {
        error.message += " (the previously published version stays online)";
      } else {
        Delete(*existing);
      }
    }
    RecordError(std::move(error));
  }

  // `built` is BuildDocument(record) when it was made ahead (on the reader
  // thread), `build_error` what Xapian said if that failed.
  void Put(search::DocumentRecord record, const std::string& where, std::optional<Xapian::Document> built = {},
           std::optional<std::string> build_error = {}) {
    ExistingDocument* existing = Unclaimed(record.source_path);
    if (existing != nullptr) {
      existing->seen = true;
      Delete(*existing);
    }
    if (!Admit(record.type, record.id, std::string(LanguageCode(record.language)), record.slug, where)) return;
    if (!built) SetLearned(record);  // a document built ahead got them on the reader thread
    try {
      if (build_error) throw Xapian::InvalidArgumentError(*build_error);
      const Xapian::Document doc = built ? std::move(*built) : search::BuildDocument(record);
      if (record.audience == schema::kAudiencePublic) {
        public_db_.add_document(doc);
        Changed(public_db_, public_changes_);
        // Only public words may reach the spelling dictionary (design.md).
        spellings_.Add(doc);
      } else {
        agent_db_.add_document(doc);
        Changed(agent_db_, agent_changes_);
      }
    } catch (const Xapian::InvalidArgumentError& e) {
      // One document Xapian refuses (a term over its limits) fails alone.
      ids_.erase(IdKey(record.type, record.id));
      slugs_.erase(std::string(LanguageCode(record.language)) + "/" + record.slug);
      RecordError(Error{ErrorCode::kInvalidInput, "Xapian refused the document: " + e.get_msg(), where});
      return;
    }
    ++report_.indexed;
    if (!record.learned.empty()) ++report_.learned_articles;
  }

  void Delete(ExistingDocument& existing) {
    if (existing.docid == 0) return;
    if (existing.in_public) {
      spellings_.Remove(public_db_.get_document(existing.docid));
      public_db_.delete_document(existing.docid);
      Changed(public_db_, public_changes_);
    } else {
      agent_db_.delete_document(existing.docid);
      Changed(agent_db_, agent_changes_);
    }
    existing.docid = 0;
  }

  // Commits `db` every flush_threshold_ changes (IndexOptions::flush_threshold).
  void Changed(Xapian::WritableDatabase& db, int& changes) {
    if (flush_threshold_ <= 0 || ++changes < flush_threshold_) return;
    db.commit();
    changes = 0;
  }

  // Articles and tickets have separate id spaces.
  static std::string IdKey(const std::string& type, const std::string& id) {
    return type == schema::kTypeTicket ? "ticket:" + id : id;
  }

  // Rejects a duplicate id, or a duplicate slug within one language.
  bool Admit(const std::string& type, const std::string& id, const std::string& lang, const std::string& slug,
             const std::string& where) {
    if (auto [it, inserted] = ids_.emplace(IdKey(type, id), where); !inserted) {
      RecordError(Error{ErrorCode::kInvalidInput,
                        "duplicate " + (type == schema::kTypeTicket ? std::string("ticket ") : std::string()) +
                            "id '" + id + "' (already used by " + it->second + ")",
                        where});
      return false;
    }
    if (slug.empty()) return true;  // tickets have no page of their own
    if (auto [it, inserted] = slugs_.emplace(lang + "/" + slug, where); !inserted) {
      ids_.erase(IdKey(type, id));
      RecordError(Error{ErrorCode::kInvalidInput,
                        "duplicate slug '" + slug + "' in language " + lang + " (already used by " + it->second + ")",
                        where});
      return false;
    }
    return true;
  }

  Xapian::WritableDatabase public_db_;
  Xapian::WritableDatabase agent_db_;
  IndexReport& report_;
  std::map<std::string, ExistingDocument> existing_;  // source key -> document of the previous generation
  std::map<std::string, std::string> ids_;            // id -> where it was first seen
  std::map<std::string, std::string> slugs_;          // lang/slug -> where
  const std::map<std::string, std::vector<std::string>>& learned_;  // article id -> learned phrasings
  bool synonyms_changed_ = false;
  // The spelling changes of the whole run, public database only, written once
  // by Finish(): each write of a word's trigram lists recompresses them, and
  // writing them every 2,000 documents rewrote the common ones dozens of
  // times (tools/bench/README.md, "Issue 15: indexing").
  search::SpellingBatch spellings_;
  int flush_threshold_;     // IndexOptions::flush_threshold
  int public_changes_ = 0;  // documents added or deleted since the last commit
  int agent_changes_ = 0;
};

// Hands analysed docs lines from the reader thread to the writer, in order,
// at most kDocsLinesAhead at a time.
class AnalysedQueue {
 public:
  // False when the writer gave up (the reader then stops).
  bool Push(AnalysedDocsLine item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < kDocsLinesAhead || cancelled_; });
    if (cancelled_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  // The reader's last word: how the file read, or the exception it stopped on.
  void Close(std::optional<Result<int>> read, std::exception_ptr failure) {
    std::lock_guard lock(mutex_);
    read_ = std::move(read);
    failure_ = failure;
    closed_ = true;
    not_empty_.notify_one();
  }
  // The next item, or nullopt once the reader is done and everything was taken.
  std::optional<AnalysedDocsLine> Pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    AnalysedDocsLine item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }
  void Cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    not_full_.notify_all();
  }
  // After the reader finished.
  std::optional<Result<int>>& read() { return read_; }
  std::exception_ptr failure() const { return failure_; }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<AnalysedDocsLine> items_;
  bool closed_ = false;
  bool cancelled_ = false;
  std::optional<Result<int>> read_;
  std::exception_ptr failure_;
};

struct ReaderCancelled {};

// Reads a docs file on a second thread that also parses each changed line and
// builds its Xapian document (JSON, Markdown, ICU and stemming: about a third
// of the work), while this thread writes the documents in file order. Errors
// are reported in the same order as when reading and writing in turn.
void ReadDocsFileAhead(const std::string& path, GenerationBuilder& builder) {
  AnalysedQueue queue;
  std::thread reader([&] {
    std::optional<Result<int>> read;
    std::exception_ptr failure;
    try {
      read = ReadDocsFile(
          path,
          [&](const DocsLine& line) {
            AnalysedDocsLine item;
            item.line = line;
            if (!builder.LooksUnchanged(line.source_key, line.hash)) {
              item.record = ParseDocsLine(line);
              if (item.record->ok()) {
                builder.SetLearned(**item.record);
                try {
                  item.document = search::BuildDocument(**item.record);
                } catch (const Xapian::InvalidArgumentError& e) {
                  item.build_error = e.get_msg();
                }
              }
            }
            if (!queue.Push(std::move(item))) throw ReaderCancelled{};
          },
          [&](Error error) {
            AnalysedDocsLine item;
            item.error = std::move(error);
            if (!queue.Push(std::move(item))) throw ReaderCancelled{};
          });
    } catch (const ReaderCancelled&) {
    } catch (...) {
      failure = std::current_exception();
    }
    queue.Close(std::move(read), failure);
  });
  try {
    while (std::optional<AnalysedDocsLine> item = queue.Pop()) {
      if (item->error) {
        builder.RecordError(std::move(*item->error));
      } else {
        builder.AddAnalysedDocsLine(*item);
      }
    }
  } catch (...) {
    queue.Cancel();
    reader.join();
    throw;
  }
  reader.join();
  if (queue.failure()) std::rethrow_exception(queue.failure());
  if (queue.read() && !queue.read()->ok()) builder.RecordError(queue.read()->error());
}

void Publish(const fs::path& dir, long generation) {
  const std::string gen = search::GenerationDirName(generation);
  // The agent stub first: an agent reader may briefly see the new generation
  // while public readers still see the old one, never the reverse.
  WriteFileAtomically(search::AgentStubPath(dir), "auto " + gen + "/public\nauto " + gen + "/agent\n");
  WriteFileAtomically(search::PublicStubPath(dir), "auto " + gen + "/public\n");
}

void RemoveOldGenerations(const fs::path& dir, long live, int keep) {
  std::vector<long> generations = ListGenerations(dir);
  int kept = 0;
  for (auto it = generations.rbegin(); it != generations.rend(); ++it) {
    if (*it > live) {
      continue;  // cannot happen while we hold the lock; leave it alone
    }
    if (kept++ < keep) continue;
    std::error_code ec;
    fs::remove_all(dir / search::GenerationDirName(*it), ec);
  }
}

}  // namespace

Result<IndexReport> BuildIndex(const IndexOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const fs::path dir = options.index_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{ErrorCode::kInvalidInput, "cannot create the index directory: " + ec.message(), dir.string()};
  Result<IndexLock> lock = IndexLock::Acquire(dir);
  if (!lock.ok()) return lock.error();

  if (!options.content_dir.empty() && !fs::is_directory(options.content_dir)) {
    return Error{ErrorCode::kInvalidInput, "the content directory does not exist", options.content_dir};
  }

  IndexReport report;
  const std::optional<long> live = search::ReadStubGeneration(search::PublicStubPath(dir));

  // Leftovers of a failed run (newer than the live generation) are discarded.
  for (long generation : ListGenerations(dir)) {
    if (!live || generation > *live) fs::remove_all(dir / search::GenerationDirName(generation), ec);
  }
  const long generation = (live ? *live : 0) + 1;
  const fs::path gen_dir = dir / search::GenerationDirName(generation);

  bool changed = true;
  try {
    fs::create_directories(gen_dir);
    if (live && !options.full_rebuild) {
      // The live generation is never written to: the new one starts as a copy.
      fs::copy(dir / search::GenerationDirName(*live), gen_dir, fs::copy_options::recursive);
    }
    GenerationBuilder builder(gen_dir, report, options.learned, options.flush_threshold);
    if (!options.content_dir.empty()) {
      const fs::path content(options.content_dir);
      for (const fs::path& file : ListArticleFiles(content)) {
        builder.AddArticleFile(file, file.string(), fs::relative(file, content).generic_string());
      }
      builder.SetSynonyms(ReadSynonymFiles(content));
    }
    if (!options.tickets_files.empty()) {
      const Redactor redactor;
      for (const std::string& tickets : options.tickets_files) {
        Result<int> read = ReadTicketsFile(
            tickets, [&](const Ticket& ticket) { builder.AddTicket(ticket, redactor); },
            [&](Error error) { builder.RecordError(std::move(error)); });
        if (!read.ok()) {
          // Which tickets came from an unreadable export is unknown: keep
          // every published ticket rather than delete some by mistake.
          builder.KeepUnseen("ticket:");
          builder.RecordError(read.error());
        }
      }
    }
    for (const std::string& docs : options.docs_files) ReadDocsFileAhead(docs, builder);
    builder.Finish();
    changed = builder.changed() || !live || options.full_rebuild;
  } catch (const Xapian::Error& e) {
    fs::remove_all(gen_dir, ec);
    return search::FromXapian(e, "writing the new generation", gen_dir.string(), ErrorCode::kInternal);
  } catch (const std::exception& e) {
    fs::remove_all(gen_dir, ec);
    return Error{ErrorCode::kInternal, std::string("writing the new generation failed: ") + e.what(), gen_dir.string()};
  }

  if (!changed) {
    // Nothing to publish: the live generation already is this content.
    fs::remove_all(gen_dir, ec);
    report.generation = *live;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  }
  if (options.failpoints.count("before_swap") != 0) {
    return Error{ErrorCode::kInternal, "failpoint before_swap: the new generation was not published", gen_dir.string()};
  }
  try {
    Publish(dir, generation);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("publishing failed: ") + e.what(), dir.string()};
  }
  RemoveOldGenerations(dir, generation, std::max(2, options.keep_generations));
  report.generation = generation;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace helpdex::indexer

// Builds a new index generation beside the live one (spread over shards with
// IndexOptions::shards) and publishes it by one rename of the DIR/current
// link (see helpdex/search/index_layout.h).
#include "helpdex/indexer/indexer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include "docs_reader.h"
#include "schema_version.h"
#include "helpdex/indexer/categories.h"
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

// Thrown when IndexOptions::cancel is set: BuildIndex removes the half-built
// generation and reports the interruption.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("interrupted") {}
};

// Xapian's glass backend refuses longer terms (MAX_SAFE_TERM_LENGTH), and
// when it does, it cancels every change since the last commit, not only the
// document's: such documents must be caught before they are written.
constexpr size_t kMaxTermBytes = 245;

// Holds an exclusive lock on DIR/.lock for the indexer's lifetime, so two
// `helpdex index` runs cannot publish over each other.
class IndexLock {
 public:
  static Result<IndexLock> Acquire(const fs::path& dir) {
    const fs::path path = dir / ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
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

void Fsync(const fs::path& path, int flags) {
  if (int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// fsyncs every file of the database folder `dir`, the folder and its parent
// (which got it by a rename): the merged public database must be on disk
// before a stub names its generation, whether or not Xapian's compactor
// syncs what it writes.
void SyncDatabaseFolder(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) Fsync(entry.path(), 0);
  }
  Fsync(dir, O_DIRECTORY);
  Fsync(dir.parent_path(), O_DIRECTORY);
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

// A docs line on its way through the DocsPipeline: a line that could not be
// read (error), or the line with its record and document when it changed
// since the published generation (record unset: it looked unchanged).
struct AnalysedDocsLine {
  std::optional<Error> error;
  DocsLine line;
  std::optional<Result<search::DocumentRecord>> record;
  std::optional<Xapian::Document> document;
  std::optional<std::string> build_error;  // why the document cannot be written
};

// An admitted public document that a DocsPipeline worker writes into a part
// database, with the docid it has in the final public database.
struct PartDocument {
  Xapian::docid docid = 0;
  Xapian::Document document;
};

// A part database: documents with consecutive docids from first_docid on,
// merged into the public database by GenerationBuilder::Finish().
struct PartDatabase {
  Xapian::docid first_docid = 0;
  fs::path path;
  // Of a sharded run: shard K's documents of the part at shard_paths[K - 1]
  // (empty when the batch had none for it), under the same docids.
  std::vector<fs::path> shard_paths;
};

// Merges the databases at `parts` (docid ranges rising, not overlapping) into
// the closed database at `target` by Xapian's compactor, which streams each
// table once in key order, so their posting lists are merged without the
// per-commit B-tree updates of a single writer. The docids stay as the parts
// were given them (DBCOMPACT_NO_RENUMBER). The parts are removed.
void MergeIntoDatabase(const fs::path& target, const std::vector<fs::path>& parts) {
  const fs::path merged = target.string() + ".merged";
  Xapian::Database sources(target.string());
  for (const fs::path& part : parts) sources.add_database(Xapian::Database(part.string()));
  sources.compact(merged.string(), Xapian::DBCOMPACT_NO_RENUMBER);
  sources.close();
  fs::remove_all(target);
  for (const fs::path& part : parts) fs::remove_all(part);
  fs::rename(merged, target);
  SyncDatabaseFolder(target);
}

// User metadata of a shard database written by ShardMirror: its docids are
// the unsharded working copy's. An incremental run mirrors its changes into
// a copy of the live shards only when every one says so; shards written
// otherwise (by an older helpdex) mean analysing every document again.
constexpr const char* kShardDocidsKey = "helpdex.docids";
constexpr const char* kShardDocidsUnsharded = "unsharded";

// The shards of a sharded generation, written beside its unsharded working
// copy (gen-N/{public,agent}) as each document is written there, under the
// same docid: docid d of gen-N/public is docid d of the one shard that holds
// it. So a document changed by an incremental run touches its own shard
// only, a full run writes the shards with the parts (no copy afterwards:
// copying 20,000 documents out of a finished database took ~5 ms each,
// tools/bench/README.md "Shards"), and the unsharded order of any shard's
// documents is their docid order. The working copy keeps only what the
// indexer reads back (WorkingCopyOf).
class ShardMirror {
 public:
  ShardMirror(const fs::path& gen_dir, int shards) : gen_dir_(gen_dir), shards_(shards) {
    for (int shard = 1; shard <= shards; ++shard) {
      const fs::path folder = gen_dir / search::ShardDirName(shard);
      fs::create_directories(folder);
      public_.emplace_back((folder / "public").string(), Xapian::DB_CREATE_OR_OPEN);
      agent_.emplace_back((folder / "agent").string(), Xapian::DB_CREATE_OR_OPEN);
    }
  }

  int shards() const { return shards_; }

  // What the working copy of a sharded generation keeps of `doc`: what the
  // next run reads (LoadExisting's source term and values, the spelling
  // words with their wdf for SpellingBatch::Remove, the completion terms and
  // values for WriteLexicons), without positions, data, section texts or the
  // other prefixed terms, which only the shards hold: writing every document
  // whole twice made a sharded run twice as long as an unsharded one.
  static Xapian::Document WorkingCopyOf(const Xapian::Document& doc) {
    Xapian::Document copy;
    for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
      const std::string& name = *term;
      const bool prefixed = !name.empty() && name[0] >= 'A' && name[0] <= 'Z';
      if (prefixed && !name.starts_with(schema::kSourcePath) && !name.starts_with(schema::kCompletion)) continue;
      copy.add_term(name, term.get_wdf());
    }
    for (auto value = doc.values_begin(); value != doc.values_end(); ++value) {
      if (value.get_valueno() != schema::kSlotSectionText) copy.add_value(value.get_valueno(), *value);
    }
    return copy;
  }

  static int ShardOfDocument(const Xapian::Document& doc, int shards) {
    return search::ShardOf(search::ShardKey(doc.get_value(schema::kSlotType), doc.get_value(schema::kSlotId)), shards);
  }

  void Put(bool is_public, Xapian::docid docid, const Xapian::Document& doc) {
    // replace_document() of a docid the database lacks adds it under it.
    Database(is_public, ShardOfDocument(doc, shards_)).replace_document(docid, doc);
  }

  void Delete(bool is_public, Xapian::docid docid, const std::string& type, const std::string& id) {
    Database(is_public, search::ShardOf(search::ShardKey(type, id), shards_)).delete_document(docid);
  }

  // Commits every shard, marked as holding the working copy's docids.
  void Commit() {
    for (auto* databases : {&public_, &agent_}) {
      for (Xapian::WritableDatabase& db : *databases) {
        // Set once: a shard this run did not change keeps its revision.
        if (db.get_metadata(kShardDocidsKey) != kShardDocidsUnsharded) {
          db.set_metadata(kShardDocidsKey, kShardDocidsUnsharded);
        }
        db.commit();
      }
    }
  }

  // Merges shard K's part databases into its public database, as
  // GenerationBuilder::MergeParts does for the working copy. `parts` sorted
  // by first docid; Commit() first.
  void MergeParts(const std::vector<PartDatabase>& parts) {
    for (int shard = 1; shard <= shards_; ++shard) {
      public_[static_cast<size_t>(shard - 1)].close();
      std::vector<fs::path> paths;
      for (const PartDatabase& part : parts) {
        const fs::path& path = part.shard_paths.at(static_cast<size_t>(shard - 1));
        if (!path.empty()) paths.push_back(path);
      }
      MergeIntoDatabase(gen_dir_ / search::ShardDirName(shard) / "public", paths);
    }
  }

  // Whether generation folder `gen_dir`'s shards were written by a
  // ShardMirror over `shards` shards (so a copy can be mirrored into).
  static bool Mirrored(const fs::path& gen_dir, int shards) {
    try {
      for (int shard = 1; shard <= shards; ++shard) {
        for (const char* view : {"public", "agent"}) {
          const Xapian::Database db((gen_dir / search::ShardDirName(shard) / view).string());
          if (db.get_metadata(kShardDocidsKey) != kShardDocidsUnsharded) return false;
        }
      }
    } catch (const Xapian::Error&) {
      return false;
    }
    return true;
  }

 private:
  Xapian::WritableDatabase& Database(bool is_public, int shard) {
    return (is_public ? public_ : agent_)[static_cast<size_t>(shard - 1)];
  }

  fs::path gen_dir_;
  int shards_;
  std::vector<Xapian::WritableDatabase> public_;
  std::vector<Xapian::WritableDatabase> agent_;
};

// Why Xapian would refuse `doc`, if it would: a term over kMaxTermBytes.
std::optional<std::string> UnwritableBecause(const Xapian::Document& doc) {
  for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
    if ((*term).size() > kMaxTermBytes) {
      return "Term too long (> " + std::to_string(kMaxTermBytes) + "): " + (*term).substr(0, 64) + "...";
    }
  }
  return std::nullopt;
}

// Reports IndexOptions::progress: documents done, and the share of the
// --docs input read (its bytes against the files' sizes). Documents are
// admitted by one thread at a time but --docs lines are read on another, so
// the counters are atomic and the callback is called under a mutex.
class ProgressTracker {
 public:
  ProgressTracker(const search::ProgressCallback& callback, const std::vector<std::string>& docs_files)
      : callback_(callback) {
    if (!callback_) return;
    for (const std::string& file : docs_files) bytes_total_ += UncompressedSize(file);
  }

  void DocumentDone() {
    if (!callback_) return;
    const long done = ++done_;
    search::Progress progress;
    progress.done = done;
    if (bytes_total_ > 0) {
      progress.fraction = static_cast<double>(bytes_read_.load()) / static_cast<double>(bytes_total_);
    }
    std::lock_guard lock(mutex_);
    callback_(progress);
  }

  void BytesRead(uint64_t bytes) {
    if (callback_) bytes_read_ += bytes;
  }

 private:
  // A plain file's size; a gzip file's uncompressed size from its trailer
  // (ISIZE: the size modulo 2^32 of the last member, exact for the usual
  // single-member file under 4 GiB; only an estimate of progress anyway).
  static uint64_t UncompressedSize(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    unsigned char magic[2] = {0, 0};
    if (!in.read(reinterpret_cast<char*>(magic), 2)) return 0;
    std::error_code ec;
    const uint64_t size = fs::file_size(file, ec);
    if (ec) return 0;
    if (magic[0] != 0x1f || magic[1] != 0x8b || size < 18) return size;
    unsigned char trailer[4];
    in.seekg(static_cast<std::streamoff>(size - 4));
    if (!in.read(reinterpret_cast<char*>(trailer), 4)) return 0;
    return uint64_t{trailer[0]} | uint64_t{trailer[1]} << 8 | uint64_t{trailer[2]} << 16 | uint64_t{trailer[3]} << 24;
  }

  const search::ProgressCallback& callback_;
  uint64_t bytes_total_ = 0;
  std::atomic<long> done_{0};
  std::atomic<uint64_t> bytes_read_{0};
  std::mutex mutex_;
};

// Builds generation N+1 as a copy of generation N plus changes: unchanged
// sources cost a hash, changed ones are re-analysed and replaced, vanished
// ones are deleted. Without a previous generation it starts empty.
class GenerationBuilder {
 public:
  // `mirror_shards` > 0: every change is mirrored into gen_dir's shards too
  // (ShardMirror), which are empty or a mirrored copy of the live ones.
  GenerationBuilder(const fs::path& gen_dir, IndexReport& report,
                    const std::map<std::string, std::vector<std::string>>& learned, int flush_threshold,
                    int mirror_shards)
      : gen_dir_(gen_dir),
        public_db_((gen_dir / "public").string(), Xapian::DB_CREATE_OR_OPEN),
        agent_db_((gen_dir / "agent").string(), Xapian::DB_CREATE_OR_OPEN),
        report_(report),
        learned_(learned),
        flush_threshold_(flush_threshold),
        public_was_empty_(public_db_.get_lastdocid() == 0) {
    LoadExisting(public_db_, true);
    LoadExisting(agent_db_, false);
    if (mirror_shards > 0) shards_.emplace(gen_dir, mirror_shards);
  }

  // Told of every document done; may stay unset.
  void SetProgress(ProgressTracker* progress) { progress_ = progress; }

  // The number of shards a DocsPipeline splits each part over (0: none).
  int MirroredShards() const { return shards_ ? shards_->shards() : 0; }

  // Whether --docs documents go into part databases written in parallel and
  // merged at the end (true when the public database started empty: a first
  // or --full run). An incremental run writes its few changed documents into
  // the copy of the live generation in order instead, which costs no merge.
  bool WritesParts() const { return public_was_empty_; }

  // Where the part database of batch `sequence` is written: in the new
  // generation's folder, so that a failed run leaves nothing elsewhere.
  fs::path PartPath(long sequence) const {
    char name[32];
    std::snprintf(name, sizeof name, "public.part-%06ld", sequence);
    return gen_dir_ / name;
  }

  // The part databases the DocsPipeline wrote, and the spelling changes of
  // their documents. Called once, after the pipeline's workers are done.
  void AddParts(std::vector<PartDatabase> parts, const search::SpellingBatch& spellings) {
    parts_.insert(parts_.end(), std::make_move_iterator(parts.begin()), std::make_move_iterator(parts.end()));
    spellings_.Add(spellings);
  }

  // The content's categories (categories.h): read before the articles, whose
  // hashes include theirs, so that a changed category title rewrites them.
  void SetCategories(CategoryFiles categories) {
    for (const Error& error : categories.errors) RecordError(error);
    categories_ = std::move(categories);
  }

  void AddArticleFile(const fs::path& file, const std::string& display_path, const std::string& source_key) {
    std::optional<std::string> bytes = ReadFile(file, kMaxArticleBytes);
    if (!bytes) {
      Fail(Error{ErrorCode::kInvalidInput, "cannot read the file", display_path}, source_key);
      return;
    }
    // The schema version is part of the hash: documents built by an older
    // schema (say, without completion terms) are analysed again once.
    const std::string hash = schema::SourceHash(*bytes + '\n' + kSchemaVersion + '\n' + categories_.hash);
    if (KeepIfUnchanged(source_key, hash, display_path)) return;
    Result<search::DocumentRecord> record = ParseArticle(display_path, *bytes, &categories_);
    if (!record.ok()) {
      Fail(record.error(), source_key);
      return;
    }
    record->source_path = source_key;
    record->source_hash = hash;
    Put(std::move(record).value(), display_path + ":1");  // the front matter
  }

  // `part`: see AddAnalysedDocsLine.
  void AddDocsLine(const DocsLine& line, std::vector<PartDocument>* part = nullptr) {
    if (KeepIfUnchanged(line.source_key, line.hash, line.where)) return;
    Result<search::DocumentRecord> record = ParseDocsLine(line);
    if (!record.ok()) {
      Fail(record.error(), line.source_key);
      return;
    }
    Put(std::move(record).value(), line.where, {}, {}, part);
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

  // A docs line analysed by a DocsPipeline worker: the same steps as
  // AddDocsLine, with the record and document already built. With `part`,
  // an admitted public document is not written but given its docid and
  // appended to `part`, for the worker to write (see WritesParts()).
  void AddAnalysedDocsLine(AnalysedDocsLine& analysed, std::vector<PartDocument>* part) {
    const DocsLine& line = analysed.line;
    if (KeepIfUnchanged(line.source_key, line.hash, line.where)) return;
    if (!analysed.record) {
      AddDocsLine(line, part);  // not analysed ahead (looked unchanged)
      return;
    }
    if (!analysed.record->ok()) {
      Fail(analysed.record->error(), line.source_key);
      return;
    }
    Put(std::move(*analysed.record).value(), line.where, std::move(analysed.document),
        std::move(analysed.build_error), part);
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
    if (progress_ != nullptr) progress_->DocumentDone();
    report_.errors.push_back(std::move(error));
  }

  // Deletes the documents whose source is gone, writes the spelling changes,
  // commits, and merges the part databases into the public one.
  void Finish() {
    for (auto& [source, existing] : existing_) {
      if (existing.seen) continue;
      Delete(existing);
      ++report_.removed;
    }
    spellings_.ApplyTo(public_db_);
    public_db_.commit();
    agent_db_.commit();
    std::sort(parts_.begin(), parts_.end(),
              [](const PartDatabase& a, const PartDatabase& b) { return a.first_docid < b.first_docid; });
    if (shards_) {
      shards_->Commit();
      if (!parts_.empty()) shards_->MergeParts(parts_);
    }
    report_.agent_documents = static_cast<int>(agent_db_.get_doccount());
    if (parts_.empty()) {
      report_.public_documents = static_cast<int>(public_db_.get_doccount());
      return;
    }
    MergeParts();
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
      if (progress_ != nullptr) progress_->DocumentDone();
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

  // One database out of the public one and the parts (MergeIntoDatabase):
  // the docids stay as the parts were given them, i.e. as one writer adding
  // every document in file order would have made them.
  void MergeParts() {
    const fs::path public_path = gen_dir_ / "public";
    public_db_.close();
    std::vector<fs::path> paths;
    for (const PartDatabase& part : parts_) paths.push_back(part.path);  // sorted by Finish()
    MergeIntoDatabase(public_path, paths);
    parts_.clear();
    report_.public_documents = static_cast<int>(Xapian::Database(public_path.string()).get_doccount());
  }

  // `built` is BuildDocument(record) when it was made ahead (by a pipeline
  // worker), `build_error` why it cannot be written if so. With `part`, a
  // public document is handed over for a part database (AddAnalysedDocsLine).
  void Put(search::DocumentRecord record, const std::string& where, std::optional<Xapian::Document> built = {},
           std::optional<std::string> build_error = {}, std::vector<PartDocument>* part = nullptr) {
    ExistingDocument* existing = Unclaimed(record.source_path);
    if (existing != nullptr) {
      existing->seen = true;
      Delete(*existing);
    }
    if (!Admit(record.type, record.id, std::string(LanguageCode(record.language)), record.slug, where)) return;
    if (!built) SetLearned(record);  // a document built ahead got them on the worker
    try {
      if (build_error) throw Xapian::InvalidArgumentError(*build_error);
      Xapian::Document doc = built ? std::move(*built) : search::BuildDocument(record);
      if (!built) {
        if (std::optional<std::string> unwritable = UnwritableBecause(doc)) {
          throw Xapian::InvalidArgumentError(*unwritable);
        }
      }
      if (part != nullptr && record.audience == schema::kAudiencePublic) {
        // Nothing but the parts adds to the public database from the first
        // --docs document on, so its docids continue from its last one.
        if (next_part_docid_ == 0) next_part_docid_ = public_db_.get_lastdocid();
        part->push_back(PartDocument{++next_part_docid_, std::move(doc)});
      } else if (record.audience == schema::kAudiencePublic) {
        const Xapian::docid docid = public_db_.add_document(shards_ ? ShardMirror::WorkingCopyOf(doc) : doc);
        if (shards_) shards_->Put(true, docid, doc);
        Changed(public_db_, public_changes_);
        // Only public words may reach the spelling dictionary (design.md).
        spellings_.Add(doc);
      } else {
        const Xapian::docid docid = agent_db_.add_document(shards_ ? ShardMirror::WorkingCopyOf(doc) : doc);
        if (shards_) shards_->Put(false, docid, doc);
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
    if (progress_ != nullptr) progress_->DocumentDone();
  }

  void Delete(ExistingDocument& existing) {
    if (existing.docid == 0) return;
    if (shards_) shards_->Delete(existing.in_public, existing.docid, existing.type, existing.id);
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

  fs::path gen_dir_;
  Xapian::WritableDatabase public_db_;
  Xapian::WritableDatabase agent_db_;
  IndexReport& report_;
  std::map<std::string, ExistingDocument> existing_;  // source key -> document of the previous generation
  std::map<std::string, std::string> ids_;            // id -> where it was first seen
  std::map<std::string, std::string> slugs_;          // lang/slug -> where
  const std::map<std::string, std::vector<std::string>>& learned_;  // article id -> learned phrasings
  bool synonyms_changed_ = false;
  CategoryFiles categories_;
  // The spelling changes of the whole run, public database only, written once
  // by Finish(): each write of a word's trigram lists recompresses them, and
  // writing them every 2,000 documents rewrote the common ones dozens of
  // times (tools/bench/README.md, "Issue 15: indexing").
  search::SpellingBatch spellings_;
  int flush_threshold_;     // IndexOptions::flush_threshold
  int public_changes_ = 0;  // documents added or deleted since the last commit
  int agent_changes_ = 0;
  bool public_was_empty_;   // see WritesParts()
  Xapian::docid next_part_docid_ = 0;  // the last docid given to a part document
  std::vector<PartDatabase> parts_;    // written by the DocsPipeline
  std::optional<ShardMirror> shards_;  // a sharded generation's shards
  ProgressTracker* progress_ = nullptr;  // IndexOptions::progress, when set
};

// A run of consecutive lines of a docs file: what a DocsPipeline worker
// analyses, has admitted and writes as a whole. `sequence` numbers the
// batches of a run in file order.
struct DocsBatch {
  long sequence = 0;
  std::vector<AnalysedDocsLine> lines;
};

struct PipelineCancelled {};

// Indexes --docs files on every core. The calling thread reads the lines
// (gzip, the id, the hash) into batches of `batch_lines`; each of `threads`
// workers takes the next batch and
//   1. parses and analyses its changed lines (JSON, Markdown, ICU, stemming:
//      BuildDocument), in parallel with the other workers;
//   2. waits for its turn, batches being admitted in file order, and admits
//      its lines through the GenerationBuilder (duplicate ids and slugs,
//      unchanged documents reused, errors reported in file order, docids
//      given out in file order), exactly as a single thread would;
//   3. writes the admitted documents, in parallel again, into a part
//      database of their own that Finish() merges (GenerationBuilder::
//      WritesParts()), or, in an incremental run, into the public database
//      during its turn.
// Before, one thread analysed and one wrote: the writer was the bottleneck
// and the other core sat idle 40% of the time.
class DocsPipeline {
 public:
  DocsPipeline(GenerationBuilder& builder, int threads, size_t batch_lines, const std::atomic<bool>* cancel,
               ProgressTracker* progress)
      : builder_(builder), batch_lines_(batch_lines), cancel_(cancel), progress_(progress) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  DocsPipeline(const DocsPipeline&) = delete;
  DocsPipeline& operator=(const DocsPipeline&) = delete;
  ~DocsPipeline() {
    Cancel();
    for (std::thread& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

  // Reads one docs file into the pipeline. A file that cannot be read to its
  // end is reported after its lines, as before.
  void Read(const std::string& path) {
    DocsBatch batch;
    const auto add = [&](AnalysedDocsLine item) {
      batch.lines.push_back(std::move(item));
      if (batch.lines.size() < batch_lines_) return;
      Push(std::move(batch));
      batch = DocsBatch{};
    };
    Result<int> read = ReadDocsFile(
        path,
        [&](const DocsLine& line) {
          if (cancel_ != nullptr && cancel_->load()) throw Cancelled();
          progress_->BytesRead(line.text.size() + 1);  // the line and its end of line
          AnalysedDocsLine item;
          item.line = line;
          add(std::move(item));
        },
        [&](Error error) {
          AnalysedDocsLine item;
          item.error = std::move(error);
          add(std::move(item));
        });
    if (!read.ok()) {
      AnalysedDocsLine item;
      item.error = read.error();
      batch.lines.push_back(std::move(item));
    }
    if (!batch.lines.empty()) Push(std::move(batch));
  }

  // Waits until every batch is admitted and written, then hands the parts
  // and their spelling changes to the builder. Rethrows what stopped a worker.
  void Finish() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    batch_ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    if (failure_) std::rethrow_exception(failure_);
    builder_.AddParts(std::move(parts_), spellings_);
  }

 private:
  void Push(DocsBatch batch) {
    std::unique_lock lock(mutex_);
    // At most one batch waiting per worker: memory stays bounded.
    batch_taken_.wait(lock, [&] { return queue_.size() < workers_.size() || cancelled_; });
    if (cancelled_) throw PipelineCancelled{};  // BuildIndex then rethrows the worker's failure
    batch.sequence = next_sequence_++;
    queue_.push_back(std::move(batch));
    batch_ready_.notify_one();
  }

  std::optional<DocsBatch> Pop() {
    std::unique_lock lock(mutex_);
    batch_ready_.wait(lock, [&] { return !queue_.empty() || closed_ || cancelled_; });
    if (cancelled_ || queue_.empty()) return std::nullopt;
    DocsBatch batch = std::move(queue_.front());
    queue_.pop_front();
    batch_taken_.notify_one();
    return batch;
  }

  void Cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    batch_ready_.notify_all();
    batch_taken_.notify_all();
    turn_.notify_all();
  }

  void Work() {
    search::SpellingBatch spellings;  // of the documents this worker wrote into parts
    std::vector<PartDatabase> parts;
    try {
      while (std::optional<DocsBatch> batch = Pop()) {
        Analyse(*batch);
        std::vector<PartDocument> part;
        {
          std::unique_lock lock(mutex_);
          turn_.wait(lock, [&] { return next_turn_ == batch->sequence || cancelled_; });
          if (cancelled_) return;
          // The builder is used by one worker at a time, in file order.
          for (AnalysedDocsLine& item : batch->lines) {
            if (item.error) {
              builder_.RecordError(std::move(*item.error));
            } else {
              builder_.AddAnalysedDocsLine(item, builder_.WritesParts() ? &part : nullptr);
            }
          }
          ++next_turn_;
        }
        turn_.notify_all();
        if (!part.empty()) parts.push_back(WritePart(batch->sequence, part, spellings));
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        if (!failure_) failure_ = std::current_exception();
      }
      Cancel();
      return;
    }
    std::lock_guard lock(mutex_);
    spellings_.Add(spellings);
    std::move(parts.begin(), parts.end(), std::back_inserter(parts_));
  }

  // Step 1: what can be done before the batch's turn. Reads only what the
  // builder does not change during a run (LooksUnchanged, SetLearned).
  void Analyse(DocsBatch& batch) const {
    for (AnalysedDocsLine& item : batch.lines) {
      if (item.error || builder_.LooksUnchanged(item.line.source_key, item.line.hash)) continue;
      item.record = ParseDocsLine(item.line);
      if (!item.record->ok()) continue;
      builder_.SetLearned(**item.record);
      try {
        item.document = search::BuildDocument(**item.record);
        item.build_error = UnwritableBecause(*item.document);
      } catch (const Xapian::InvalidArgumentError& e) {
        item.build_error = e.get_msg();
      }
    }
  }

  // Step 3: one part database with the batch's admitted public documents.
  PartDatabase WritePart(long sequence, std::vector<PartDocument>& documents, search::SpellingBatch& spellings) {
    PartDatabase part{documents.front().docid, builder_.PartPath(sequence), {}};
    Xapian::WritableDatabase db(part.path.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    // Of a sharded run, each shard's documents of the batch too (ShardMirror).
    const int shards = builder_.MirroredShards();
    std::vector<std::optional<Xapian::WritableDatabase>> shard_parts(static_cast<size_t>(shards));
    part.shard_paths.resize(static_cast<size_t>(shards));
    for (PartDocument& document : documents) {
      // replace_document() with a docid above the database's last one adds
      // the document under that docid.
      db.replace_document(document.docid,
                          shards > 0 ? ShardMirror::WorkingCopyOf(document.document) : document.document);
      if (shards > 0) {
        const size_t shard = static_cast<size_t>(ShardMirror::ShardOfDocument(document.document, shards) - 1);
        if (!shard_parts[shard]) {
          part.shard_paths[shard] = part.path.string() + "." + search::ShardDirName(static_cast<int>(shard) + 1);
          shard_parts[shard].emplace(part.shard_paths[shard].string(), Xapian::DB_CREATE_OR_OVERWRITE);
        }
        shard_parts[shard]->replace_document(document.docid, document.document);
      }
      // Only public words may reach the spelling dictionary (design.md).
      spellings.Add(document.document);
    }
    db.commit();
    db.close();
    for (std::optional<Xapian::WritableDatabase>& shard_part : shard_parts) {
      if (!shard_part) continue;
      shard_part->commit();
      shard_part->close();
    }
    return part;
  }

  GenerationBuilder& builder_;
  const size_t batch_lines_;
  const std::atomic<bool>* cancel_;  // IndexOptions::cancel
  ProgressTracker* progress_;         // never null
  std::vector<std::thread> workers_;
  std::mutex mutex_;  // everything below, and the builder during a turn
  std::condition_variable batch_ready_;
  std::condition_variable batch_taken_;
  std::condition_variable turn_;
  std::deque<DocsBatch> queue_;
  long next_sequence_ = 0;
  long next_turn_ = 0;  // the batch whose lines are admitted next
  bool closed_ = false;  // no more batches will come
  bool cancelled_ = false;
  std::exception_ptr failure_;
  search::SpellingBatch spellings_;
  std::vector<PartDatabase> parts_;
};

int WorkerThreads(const IndexOptions& options) {
  if (options.threads > 0) return options.threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Dies here when the failpoint "kill_at:STEP" is set (IndexOptions::failpoints).
void Step(const std::set<std::string>& failpoints, const char* step) {
  if (!failpoints.empty() && failpoints.count(std::string("kill_at:") + step) != 0) ::raise(SIGKILL);
}

[[noreturn]] void ThrowErrno(const std::string& what, const fs::path& path, int error) {
  throw std::system_error(error, std::generic_category(), what + " " + path.string());
}

// fsyncs `path` (a file, or a folder with O_DIRECTORY); throws on failure
// (an fsync that fails may have lost the data: the run must not publish).
void FsyncOrThrow(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) ThrowErrno("cannot open", path, errno);
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    ThrowErrno("cannot fsync", path, error);
  }
  ::close(fd);
}

// Writes a new file (mode 0600) with `contents`, not yet fsynced.
void WriteNewFile(const fs::path& path, const std::string& contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) ThrowErrno("cannot create", path, errno);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      ThrowErrno("cannot write", path, error);
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) ThrowErrno("cannot write", path, errno);
}

// Makes `link` a symbolic link to `target` with one rename(2) of a fresh link.
void ReplaceWithSymlink(const fs::path& link, const std::string& target) {
  const fs::path temp = link.string() + ".tmp";
  ::unlink(temp.c_str());
  if (::symlink(target.c_str(), temp.c_str()) != 0) ThrowErrno("cannot create the link", temp, errno);
  if (::rename(temp.c_str(), link.c_str()) != 0) ThrowErrno("cannot rename onto", link, errno);
}

// Whether `link` is already the symbolic link `target`.
bool IsLinkTo(const fs::path& link, const std::string& target) {
  char buffer[256];
  const ssize_t length = ::readlink(link.c_str(), buffer, sizeof buffer);
  return length > 0 && std::string(buffer, static_cast<size_t>(length)) == target;
}

// fsyncs every file and folder of `dir` and `dir` itself: a generation is
// wholly on disk before a view can name it (Xapian syncs what it commits,
// not the files copied from the live generation and never changed).
void SyncTree(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_symlink()) continue;
    if (entry.is_regular_file()) FsyncOrThrow(entry.path(), 0);
    if (entry.is_directory()) FsyncOrThrow(entry.path(), O_DIRECTORY);
  }
  FsyncOrThrow(dir, O_DIRECTORY);
}

// Gives the agent database's neighbours nothing: folders 0700, files 0600
// (the copy of the live generation and Xapian's files follow the umask).
void MakePrivate(const fs::path& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_symlink()) continue;
    const fs::perms mode = entry.is_directory() ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write;
    fs::permissions(entry.path(), mode, fs::perm_options::replace, ec);
    if (ec) throw fs::filesystem_error("cannot restrict the permissions of", entry.path(), ec);
  }
}

uint64_t TreeBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) bytes += it->file_size(ec);
  }
  return bytes;
}

std::string Mebibytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

// Free space for an unprivileged writer on the file system holding `dir`.
std::optional<uint64_t> FreeBytes(const fs::path& dir) {
  struct statvfs info {};
  if (::statvfs(dir.c_str(), &info) != 0) return std::nullopt;
  return static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
}

// Copies `source`'s spelling dictionary and synonyms into `lexicon`
// (add_spelling sums the frequencies of several sources, as a multi-database
// reader does).
void CopySpellingAndSynonyms(const Xapian::Database& source, Xapian::WritableDatabase& lexicon) {
  for (auto word = source.spellings_begin(); word != source.spellings_end(); ++word) {
    lexicon.add_spelling(*word, word.get_termfreq());
  }
  for (auto key = source.synonym_keys_begin(); key != source.synonym_keys_end(); ++key) {
    for (auto synonym = source.synonyms_begin(*key); synonym != source.synonyms_end(*key); ++synonym) {
      lexicon.add_synonym(*key, *synonym);
    }
  }
}

// The completion terms of each document of `db` that has any, by docid,
// read from the posting lists of those (few) terms rather than from every
// document's term list.
std::map<Xapian::docid, std::vector<std::string>> CompletionTermsByDocid(const Xapian::Database& db) {
  std::map<Xapian::docid, std::vector<std::string>> terms;
  const std::string prefix(schema::kCompletion);
  for (auto term = db.allterms_begin(prefix); term != db.allterms_end(prefix); ++term) {
    for (auto posting = db.postlist_begin(*term); posting != db.postlist_end(*term); ++posting) {
      terms[*posting].push_back(*term);
    }
  }
  return terms;
}

// A lexicon's entry for document `docid` of `db`: its completion terms and
// its values but the section texts (read for snippets only, from the shards:
// they were two thirds of a lexicon's size).
Xapian::Document LexiconEntry(const Xapian::Database& db, Xapian::docid docid, const std::vector<std::string>& terms) {
  Xapian::Document entry;
  for (const std::string& term : terms) entry.add_boolean_term(term);
  const Xapian::Document doc = db.get_document(docid);
  for (auto value = doc.values_begin(); value != doc.values_end(); ++value) {
    if (value.get_valueno() == schema::kSlotSectionText) continue;
    entry.add_value(value.get_valueno(), *value);
  }
  return entry;
}

// gen_dir/lexicon/{public,agent}: each view's spelling and synonyms, and one
// document per article with completion terms (LexiconEntry: what search's
// CompletionIndex and ReadDisplayRecord read), in the order the unsharded
// view holds them (index_layout.h): the agent view's is public docid 1,
// agent docid 1, public docid 2... (Xapian interleaves the docids of a
// database's parts), the public view's is its own. Both in one pass.
// Their user metadata says which generation and how many shards they belong
// to (search::kLexiconGenerationKey, kLexiconShardsKey): a replica machine
// reads them from a copy of the live lexicon to know what to copy next
// (tools/replicate).
void WriteLexicons(const fs::path& gen_dir, long generation, int shards) {
  const fs::path folder = gen_dir / "lexicon";
  fs::create_directories(folder);
  Xapian::WritableDatabase public_lexicon((folder / "public").string(), Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::WritableDatabase agent_lexicon((folder / "agent").string(), Xapian::DB_CREATE_OR_OVERWRITE);
  const Xapian::Database public_db((gen_dir / "public").string());
  const Xapian::Database agent_db((gen_dir / "agent").string());
  CopySpellingAndSynonyms(public_db, public_lexicon);
  CopySpellingAndSynonyms(public_db, agent_lexicon);
  CopySpellingAndSynonyms(agent_db, agent_lexicon);
  const auto public_terms = CompletionTermsByDocid(public_db);
  const auto agent_terms = CompletionTermsByDocid(agent_db);
  auto in_public = public_terms.begin();
  auto in_agent = agent_terms.begin();
  while (in_public != public_terms.end() || in_agent != agent_terms.end()) {
    // At equal docids the public database's document comes first.
    if (in_agent == agent_terms.end() || (in_public != public_terms.end() && in_public->first <= in_agent->first)) {
      const Xapian::Document entry = LexiconEntry(public_db, in_public->first, in_public->second);
      public_lexicon.add_document(entry);
      agent_lexicon.add_document(entry);
      ++in_public;
    } else {
      agent_lexicon.add_document(LexiconEntry(agent_db, in_agent->first, in_agent->second));
      ++in_agent;
    }
  }
  for (Xapian::WritableDatabase* lexicon : {&public_lexicon, &agent_lexicon}) {
    lexicon->set_metadata(search::kLexiconGenerationKey, std::to_string(generation));
    lexicon->set_metadata(search::kLexiconShardsKey, std::to_string(shards));
    lexicon->commit();
    lexicon->close();
  }
}

// Writes `contents` into a new file beside `path`, fsyncs it (dying first at
// `step` when the failpoint asks) and renames it onto `path`: a stub a reader
// may be reading is never truncated.
void PublishStub(const fs::path& path, const std::string& contents, const std::set<std::string>& failpoints,
                 const char* step) {
  const fs::path temp = path.string() + ".tmp";
  WriteNewFile(temp, contents);
  Step(failpoints, step);
  FsyncOrThrow(temp, 0);
  fs::rename(temp, path);
}

// A folder of views (0700), made if missing.
void MakeViewsFolder(const fs::path& folder) {
  fs::create_directories(folder);
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace);
}

// gen-N/views/shards/K/{public,agent} and gen-N/views/lexicon/{public,agent}:
// each names its database relative to the folder of its stable path
// (DIR/shards/K, DIR/lexicon), which is what a reader opens.
void PublishShardStubs(const fs::path& views, const std::string& gen, int shards,
                       const std::set<std::string>& failpoints) {
  MakeViewsFolder(views / "shards");
  for (int shard = 1; shard <= shards; ++shard) {
    const fs::path folder = views / "shards" / std::to_string(shard);
    MakeViewsFolder(folder);
    for (const char* view : {"public", "agent"}) {
      PublishStub(folder / view, "auto ../../" + gen + "/" + search::ShardDirName(shard) + "/" + view + "\n",
                  failpoints, "sync_shard_stub");
    }
  }
  MakeViewsFolder(views / "lexicon");
  for (const char* view : {"public", "agent"}) {
    PublishStub(views / "lexicon" / view, "auto ../" + gen + "/lexicon/" + view + "\n", failpoints,
                "sync_lexicon_stub");
  }
  // views/generation -> .. (gen-N itself): DIR/current/generation/shard-K/public
  // names the live generation's databases by a path without "..", which
  // xapian-replicate-server refuses; tools/replicate copies through it.
  if (!IsLinkTo(views / search::kLiveGenerationLink, "..")) ReplaceWithSymlink(views / search::kLiveGenerationLink, "..");
  Step(failpoints, "sync_shard_views_dirs");
  for (int shard = 1; shard <= shards; ++shard) FsyncOrThrow(views / "shards" / std::to_string(shard), O_DIRECTORY);
  FsyncOrThrow(views / "shards", O_DIRECTORY);
  FsyncOrThrow(views / "lexicon", O_DIRECTORY);
}

// The view stubs' contents: "auto gen-N/public" (+ agent), or for a sharded
// generation every shard's public database (+ then every shard's agent one).
std::string ViewStubContents(const std::string& gen, int shards, bool agent_view) {
  if (shards == 0) return "auto " + gen + "/public\n" + (agent_view ? "auto " + gen + "/agent\n" : "");
  std::string contents;
  for (const char* view : {"public", "agent"}) {
    if (std::string_view(view) == "agent" && !agent_view) break;
    for (int shard = 1; shard <= shards; ++shard) {
      contents += "auto " + gen + "/" + search::ShardDirName(shard) + "/" + view + "\n";
    }
  }
  return contents;
}

// DIR/shards/K/{public,agent} -> ../../current/shards/K/{view} and
// DIR/lexicon/{public,agent} -> ../current/lexicon/{view}, each made once
// (a later generation with as many shards finds them in place).
void LinkShardPaths(const fs::path& dir, int shards, const std::set<std::string>& failpoints) {
  bool linked = false;
  for (int shard = 1; shard <= shards; ++shard) {
    const fs::path folder = dir / "shards" / std::to_string(shard);
    for (const char* view : {"public", "agent"}) {
      const std::string target = "../../current/shards/" + std::to_string(shard) + "/" + view;
      if (IsLinkTo(folder / view, target)) continue;
      MakeViewsFolder(dir / "shards");  // 0700 like every folder of the index
      MakeViewsFolder(folder);
      ReplaceWithSymlink(folder / view, target);
      linked = true;
    }
  }
  if (linked) {
    Step(failpoints, "sync_shard_links");
    for (int shard = 1; shard <= shards; ++shard) FsyncOrThrow(dir / "shards" / std::to_string(shard), O_DIRECTORY);
    FsyncOrThrow(dir / "shards", O_DIRECTORY);
    FsyncOrThrow(dir, O_DIRECTORY);
  }
  linked = false;
  for (const char* view : {"public", "agent"}) {
    const std::string target = std::string("../current/lexicon/") + view;
    if (IsLinkTo(dir / "lexicon" / view, target)) continue;
    MakeViewsFolder(dir / "lexicon");
    ReplaceWithSymlink(dir / "lexicon" / view, target);
    linked = true;
  }
  if (linked) {
    Step(failpoints, "sync_lexicon_links");
    FsyncOrThrow(dir / "lexicon", O_DIRECTORY);
    FsyncOrThrow(dir, O_DIRECTORY);
  }
}

}  // namespace

// The first database a view of the generation would name that is not there
// ("shard-2/agent"), or nullopt. A sharded generation needs its shards and
// lexicons only (a replica's copy has no unsharded working copy).
static std::optional<std::string> MissingDatabase(const fs::path& dir, long generation) {
  const fs::path gen_dir = dir / search::GenerationDirName(generation);
  std::vector<std::string> needed;
  if (const int shards = search::GenerationShardCount(dir, generation); shards > 0) {
    for (int shard = 1; shard <= shards; ++shard) {
      for (const char* view : {"public", "agent"}) needed.push_back("shard-" + std::to_string(shard) + "/" + view);
    }
    needed.insert(needed.end(), {"lexicon/public", "lexicon/agent"});
  } else {
    needed = {"public", "agent"};
  }
  for (const std::string& name : needed) {
    if (!fs::is_directory(gen_dir / name)) return name;
  }
  return std::nullopt;
}

Result<bool> PublishGeneration(const fs::path& dir, long generation, const std::set<std::string>& failpoints) {
  const std::string gen = search::GenerationDirName(generation);
  const fs::path gen_dir = dir / gen;
  const fs::path views = dir / search::GenerationViewsName(generation);
  try {
    if (std::optional<std::string> missing = MissingDatabase(dir, generation)) {
      return Error{ErrorCode::kInternal, "the generation to publish has no database " + *missing, gen_dir.string()};
    }
    // The stubs name the databases relative to DIR: Xapian resolves a stub's
    // paths against the folder of the path it opened (DIR/public), not
    // against the link's target.
    fs::create_directory(views);
    fs::permissions(views, fs::perms::owner_all, fs::perm_options::replace);
    // Each stub by rename: republishing a generation (the first run on an
    // older-layout index republishes the live one) never truncates a stub a
    // reader may be reading.
    const int shards = search::GenerationShardCount(dir, generation);
    PublishStub(views / "public", ViewStubContents(gen, shards, false), failpoints, "sync_public_stub");
    PublishStub(views / "agent", ViewStubContents(gen, shards, true), failpoints, "sync_agent_stub");
    if (shards > 0) PublishShardStubs(views, gen, shards, failpoints);
    Step(failpoints, "sync_views_dir");
    FsyncOrThrow(views, O_DIRECTORY);
    Step(failpoints, "sync_generation_dir");
    FsyncOrThrow(gen_dir, O_DIRECTORY);
    Step(failpoints, "sync_index_dir");
    FsyncOrThrow(dir, O_DIRECTORY);

    // The views become links through DIR/current, once per index. On a
    // fresh index before DIR/current exists (both dangle until the rename
    // below, so neither names a generation before the other); on an
    // older-layout index after it, public first: until the agent view is a
    // link it may name a newer generation than the public one (the older
    // layout's order), never an older one.
    const auto link_views = [&] {
      if (!IsLinkTo(search::PublicStubPath(dir), "current/public")) {
        ReplaceWithSymlink(search::PublicStubPath(dir), "current/public");
        Step(failpoints, "sync_public_view");
        FsyncOrThrow(dir, O_DIRECTORY);
      }
      if (!IsLinkTo(search::AgentStubPath(dir), "current/agent")) {
        ReplaceWithSymlink(search::AgentStubPath(dir), "current/agent");
        Step(failpoints, "sync_agent_view");
        FsyncOrThrow(dir, O_DIRECTORY);
      }
    };
    std::error_code ec;
    const bool fresh = !fs::exists(fs::symlink_status(search::PublicStubPath(dir), ec)) &&
                       !fs::exists(fs::symlink_status(search::AgentStubPath(dir), ec));
    // The stable shard and lexicon paths go through DIR/current too, so they
    // can be made before the rename: until it they name what DIR/current
    // names (the live generation's shard K, or nothing).
    if (shards > 0) LinkShardPaths(dir, shards, failpoints);
    if (fresh) link_views();

    // The commit point: one rename(2) switches both views, every shard and
    // every lexicon.
    ReplaceWithSymlink(search::CurrentLinkPath(dir), search::GenerationViewsName(generation));
    Step(failpoints, "sync_current_link");
    FsyncOrThrow(dir, O_DIRECTORY);
    link_views();
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("publishing generation ") + std::to_string(generation) +
                                           " failed: " + e.what(),
                 dir.string()};
  }
  Step(failpoints, "after_publish");
  return true;
}

namespace {

// Removes all but the newest `keep` generations up to `live`; never one a
// view names (`named`), never one newer than `live`.
void RemoveOldGenerations(const fs::path& dir, long live, int keep, const std::set<long>& named) {
  std::vector<long> generations = ListGenerations(dir);
  int kept = 0;
  for (auto it = generations.rbegin(); it != generations.rend(); ++it) {
    if (*it > live || named.count(*it) != 0) {
      if (*it == live) ++kept;
      continue;
    }
    if (kept++ < keep) continue;
    std::error_code ec;
    fs::remove_all(dir / search::GenerationDirName(*it), ec);
  }
}

// The generations DIR/current and the two views name now.
std::set<long> NamedGenerations(const fs::path& dir) {
  std::set<long> named;
  for (std::optional<long> generation :
       {search::ReadCurrentGeneration(dir), search::ReadStubGeneration(search::PublicStubPath(dir)),
        search::ReadStubGeneration(search::AgentStubPath(dir))}) {
    if (generation) named.insert(*generation);
  }
  return named;
}

void ThrowIfCancelled(const IndexOptions& options) {
  if (options.cancel != nullptr && options.cancel->load()) throw Cancelled();
}

bool IsDiskFullErrno(int error) { return error == ENOSPC || error == EDQUOT; }

// Whether a failed write looks like a full disk: the error says so, or the
// file system holding `dir` has (almost) nothing left, which is what some
// failures that read "Input/output error" really are.
bool LooksLikeDiskFull(std::optional<int> error, const fs::path& dir) {
  if (error && IsDiskFullErrno(*error)) return true;
  constexpr uint64_t kAlmostNothing = 1024 * 1024;
  std::optional<uint64_t> free = FreeBytes(dir);
  return free && *free < kAlmostNothing;
}

// "the disk holding the index is full (N MiB free): a generation of this
// index needs at least M MiB (...)". `free`: measured when the write failed,
// before the half-built generation was removed; `written`: what the failed
// run had written; `live_bytes`: the live generation's size (0 when none).
Error DiskFullError(const fs::path& dir, std::optional<uint64_t> free, uint64_t written, uint64_t live_bytes,
                    const std::string& cause) {
  std::string message = "the disk holding the index is full";
  if (free) message += " (" + Mebibytes(*free) + " free)";
  if (live_bytes > 0) {
    message += ": a generation of this index needs at least " + Mebibytes(std::max(written, live_bytes)) +
               " (the live one is " + Mebibytes(live_bytes) + " and an incremental run copies it first)";
    message += "; free space or give another --index, then run again. The live generation is untouched";
  } else {
    message += ": a generation of this index needs more than " + Mebibytes(written) +
               " (what this run had written when the disk filled); free space or give another --index, "
               "then run again. Nothing was published";
  }
  if (!cause.empty()) message += " [" + cause + "]";
  return Error{ErrorCode::kInternal, message, dir.string()};
}

// Xapian's error text without the path it repeats ("Error writing block 41
// (No space left on device)").
std::string XapianCause(const Xapian::Error& e) {
  std::string cause = e.get_type() + std::string(": ") + e.get_msg();
  if (const char* text = e.get_error_string(); text != nullptr && *text != '\0') {
    cause += std::string(" (") + text + ")";
  }
  return cause;
}

// Xapian reports an errno only as its strerror() text.
std::optional<int> XapianErrno(const Xapian::Error& e) {
  const char* text = e.get_error_string();
  if (text == nullptr) return std::nullopt;
  for (int error : {ENOSPC, EDQUOT, EIO}) {
    if (std::strcmp(text, std::strerror(error)) == 0) return error;
  }
  return std::nullopt;
}

}  // namespace

Result<IndexReport> BuildIndex(const IndexOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const fs::path dir = options.index_dir;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    // The agent database holds internal articles and redacted tickets: the
    // index is its owner's only (design.md; issue 16).
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return Error{ErrorCode::kInvalidInput, std::string("cannot create the index directory: ") + std::strerror(errno),
                   dir.string()};
    }
  }
  if (!fs::is_directory(dir, ec)) {
    return Error{ErrorCode::kInvalidInput, "the index directory is not a directory", dir.string()};
  }
  Result<IndexLock> lock = IndexLock::Acquire(dir);
  if (!lock.ok()) return lock.error();

  if (options.shards < 0) {
    return Error{ErrorCode::kInvalidInput, "the number of shards must be 1 or more", "--shards"};
  }
  if (!options.content_dir.empty() && !fs::is_directory(options.content_dir)) {
    return Error{ErrorCode::kInvalidInput, "the content directory does not exist", options.content_dir};
  }

  IndexReport report;
  // The live generation is the one DIR/current names; an index of the older
  // layout (plain stub files) trusts its public stub, as before.
  std::optional<long> live = search::ReadCurrentGeneration(dir);
  if (!live) live = search::ReadStubGeneration(search::PublicStubPath(dir));
  if (live && !fs::is_directory(dir / search::GenerationDirName(*live) / "public")) {
    return Error{ErrorCode::kInvalidInput,
                 "the published generation " + search::GenerationDirName(*live) +
                     " is missing (run with --full into an empty --index to start again)",
                 dir.string()};
  }
  // What the views name before this run touches anything: none of these is
  // ever removed or rebuilt by it (an older-layout index's agent stub may
  // name a newer generation than its public one).
  const std::set<long> named = NamedGenerations(dir);
  // Both views through DIR/current before anything else: an older-layout
  // index's views become links to the live generation, each view naming a
  // complete generation throughout (PublishGeneration).
  if (live && (search::ReadCurrentGeneration(dir) != live || !IsLinkTo(search::PublicStubPath(dir), "current/public") ||
               !IsLinkTo(search::AgentStubPath(dir), "current/agent"))) {
    Result<bool> converted = PublishGeneration(dir, *live, options.failpoints);
    if (!converted.ok()) return converted.error();
    report.notes.push_back("the views now follow one link, " + search::CurrentLinkPath(dir).string() + " -> " +
                           search::GenerationViewsName(*live));
  }

  // The new number is above the live generation and every generation a view
  // named: a generation a reader may have seen is never rebuilt under its
  // number. Folders newer than the live one that no view names are what
  // interrupted runs left (never published): they go.
  long highest = live.value_or(0);
  for (long generation : ListGenerations(dir)) {
    if (named.count(generation) != 0 || (live && generation <= *live)) {
      highest = std::max(highest, generation);
      continue;
    }
    const fs::path leftover = dir / search::GenerationDirName(generation);
    const uint64_t bytes = TreeBytes(leftover);
    fs::remove_all(leftover, ec);
    report.notes.push_back("removed " + leftover.string() + " (" + Mebibytes(bytes) +
                           "), the half-built generation of an interrupted run");
  }
  for (long generation : named) highest = std::max(highest, generation);
  const long generation = highest + 1;
  const fs::path gen_dir = dir / search::GenerationDirName(generation);
  const fs::path live_dir = live ? dir / search::GenerationDirName(*live) : fs::path();
  const uint64_t live_bytes = live ? TreeBytes(live_dir) : 0;

  // A sharded generation's working copy keeps only what the next run reads
  // (ShardMirror::WorkingCopyOf), so a run with another number of shards
  // than the live generation's, or over shards an older helpdex wrote,
  // analyses every document again: re-sharding is re-indexing.
  const int live_shards = live ? search::GenerationShardCount(dir, *live) : 0;
  bool full_rebuild = options.full_rebuild;
  if (live && !full_rebuild) {
    if (live_shards != options.shards) {
      full_rebuild = true;
      report.notes.push_back("the live generation has " +
                             (live_shards == 0 ? std::string("no shards") : std::to_string(live_shards) + " shards") +
                             ": every document was analysed again");
    } else if (live_shards > 0 && !ShardMirror::Mirrored(live_dir, live_shards)) {
      full_rebuild = true;
      report.notes.push_back("the live generation's shards were written by an older helpdex: every document was "
                             "analysed again");
    }
  }

  // An incremental run starts with a copy of the live generation: without
  // room for it, say so before writing anything.
  if (live && !full_rebuild) {
    if (std::optional<uint64_t> free = FreeBytes(dir); free && *free < live_bytes) {
      return DiskFullError(dir, free, 0, live_bytes, "");
    }
  }

  bool changed = true;
  // The run failed: the half-built generation goes, and a full disk is said so.
  const auto fail = [&](std::optional<int> error, const std::string& cause, Error otherwise) -> Error {
    const uint64_t written = TreeBytes(gen_dir);
    const std::optional<uint64_t> free = FreeBytes(dir);
    const bool disk_full = LooksLikeDiskFull(error, dir);
    fs::remove_all(gen_dir, ec);
    if (disk_full) return DiskFullError(dir, free, written, live_bytes, cause);
    return otherwise;
  };
  try {
    if (::mkdir(gen_dir.c_str(), 0700) != 0) ThrowErrno("cannot create", gen_dir, errno);
    if (live && !full_rebuild) {
      // The live generation is never written to: the new one starts as a
      // copy of its databases (not of its views, which name it): the
      // working copy and, of a sharded one, the shards.
      std::vector<std::string> databases = {"public", "agent"};
      for (int shard = 1; shard <= options.shards; ++shard) {
        for (const char* view : {"public", "agent"}) databases.push_back(search::ShardDirName(shard) + "/" + view);
      }
      for (const std::string& database : databases) {
        if (fs::exists(live_dir / database)) {
          fs::create_directories((gen_dir / database).parent_path());
          fs::copy(live_dir / database, gen_dir / database, fs::copy_options::recursive);
        }
      }
    }
    GenerationBuilder builder(gen_dir, report, options.learned, options.flush_threshold, options.shards);
    ProgressTracker progress(options.progress, options.docs_files);
    builder.SetProgress(&progress);
    if (options.failpoints.count("sigterm") != 0) {
      // As if an operator sent SIGTERM now: whoever handles it (helpdex
      // index's InterruptWatch) sets `cancel`, which the run then honours.
      ::kill(::getpid(), SIGTERM);  // to the process: raise() would aim at this thread only
      for (int waited = 0; waited < 10000 && !(options.cancel != nullptr && options.cancel->load()); ++waited) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    if (!options.content_dir.empty()) {
      const fs::path content(options.content_dir);
      builder.SetCategories(ReadCategoryFiles(content));
      for (const fs::path& file : ListArticleFiles(content)) {
        ThrowIfCancelled(options);
        builder.AddArticleFile(file, file.string(), fs::relative(file, content).generic_string());
      }
      builder.SetSynonyms(ReadSynonymFiles(content));
    }
    if (!options.tickets_files.empty()) {
      const Redactor redactor;
      for (const std::string& tickets : options.tickets_files) {
        Result<int> read = ReadTicketsFile(
            tickets,
            [&](const Ticket& ticket) {
              ThrowIfCancelled(options);
              builder.AddTicket(ticket, redactor);
            },
            [&](Error error) { builder.RecordError(std::move(error)); });
        if (!read.ok()) {
          // Which tickets came from an unreadable export is unknown: keep
          // every published ticket rather than delete some by mistake.
          builder.KeepUnseen("ticket:");
          builder.RecordError(read.error());
        }
      }
    }
    if (!options.docs_files.empty()) {
      DocsPipeline pipeline(builder, WorkerThreads(options), static_cast<size_t>(std::max(1, options.docs_batch_lines)),
                            options.cancel, &progress);
      try {
        for (const std::string& docs : options.docs_files) pipeline.Read(docs);
      } catch (const PipelineCancelled&) {
        // A worker failed: Finish() rethrows its exception.
      }
      pipeline.Finish();
    }
    ThrowIfCancelled(options);
    if (options.failpoints.count("disk_full") != 0) {
      throw Xapian::DatabaseError("Error writing block 41", ENOSPC);
    }
    builder.Finish();
    // Another number of shards than the live generation's is a new layout
    // to publish even when no document changed.
    changed = builder.changed() || !live || full_rebuild;
    if (changed && options.shards > 0) {
      WriteLexicons(gen_dir, generation, options.shards);
    }
    if (changed) {
      MakePrivate(gen_dir);
      SyncTree(gen_dir);
    }
  } catch (const Cancelled&) {
    fs::remove_all(gen_dir, ec);
    return Error{ErrorCode::kInternal,
                 "interrupted: the half-built " + search::GenerationDirName(generation) + " was removed" +
                     (live ? "; " + search::GenerationDirName(*live) + " stays published" : std::string()),
                 dir.string()};
  } catch (const Xapian::Error& e) {
    return fail(XapianErrno(e), XapianCause(e),
                search::FromXapian(e, "writing the new generation", gen_dir.string(), ErrorCode::kInternal));
  } catch (const std::system_error& e) {
    return fail(e.code().value(), e.what(),
                Error{ErrorCode::kInternal, std::string("writing the new generation failed: ") + e.what(),
                      gen_dir.string()});
  } catch (const std::exception& e) {
    return fail(std::nullopt, e.what(),
                Error{ErrorCode::kInternal, std::string("writing the new generation failed: ") + e.what(),
                      gen_dir.string()});
  }

  if (!changed) {
    // Nothing to publish: the live generation already is this content.
    fs::remove_all(gen_dir, ec);
    report.generation = *live;
    report.shards = search::GenerationShardCount(dir, *live);
    report.generation_bytes = live_bytes;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  }
  if (options.failpoints.count("before_swap") != 0) {
    return Error{ErrorCode::kInternal, "failpoint before_swap: the new generation was not published", gen_dir.string()};
  }
  Result<bool> published = PublishGeneration(dir, generation, options.failpoints);
  if (!published.ok()) {
    Error error = published.error();
    if (LooksLikeDiskFull(std::nullopt, dir)) {
      error = DiskFullError(dir, FreeBytes(dir), TreeBytes(gen_dir), live_bytes, error.message);
    }
    return error;
  }
  RemoveOldGenerations(dir, generation, std::max(2, options.keep_generations), NamedGenerations(dir));
  report.generation = generation;
  report.shards = options.shards;
  report.generation_bytes = TreeBytes(gen_dir);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

Result<long> PublishCopiedGeneration(const fs::path& dir, long generation, int keep_generations) {
  Result<IndexLock> lock = IndexLock::Acquire(dir);
  if (!lock.ok()) return lock.error();
  if (search::GenerationShardCount(dir, generation) == 0) {
    return Error{ErrorCode::kInvalidInput, "not a sharded generation (no shard-K folders)",
                 (dir / search::GenerationDirName(generation)).string()};
  }
  if (std::optional<long> live = search::ReadCurrentGeneration(dir); live && *live > generation) {
    return Error{ErrorCode::kInvalidInput,
                 "older than the live generation " + std::to_string(*live) + ": not published",
                 (dir / search::GenerationDirName(generation)).string()};
  }
  try {
    for (const bool agent : {false, true}) {
      const fs::path lexicon = dir / search::GenerationDirName(generation) / "lexicon" / (agent ? "agent" : "public");
      const std::string recorded = Xapian::Database(lexicon.string()).get_metadata(search::kLexiconGenerationKey);
      if (recorded != std::to_string(generation)) {
        return Error{ErrorCode::kInvalidInput,
                     "the lexicon belongs to generation \"" + recorded + "\", not " + std::to_string(generation),
                     lexicon.string()};
      }
    }
  } catch (const Xapian::Error& error) {
    return Error{ErrorCode::kInvalidInput, "cannot read the lexicon: " + error.get_description(),
                 (dir / search::GenerationDirName(generation) / "lexicon").string()};
  }
  Result<bool> published = PublishGeneration(dir, generation);
  if (!published.ok()) return published.error();
  RemoveOldGenerations(dir, generation, std::max(2, keep_generations), NamedGenerations(dir));
  return generation;
}

}  // namespace helpdex::indexer

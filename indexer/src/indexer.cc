// Builds a new index generation beside the live one and publishes it by
// renaming stub files (see helpdex/search/index_layout.h).
#include "helpdex/indexer/indexer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "docs_reader.h"
#include "helpdex/indexer/article.h"
#include "helpdex/search/document.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"

namespace helpdex::indexer {
namespace {

namespace fs = std::filesystem;
namespace schema = search::schema;

std::string HashHex(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

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

// The previous generation's documents, by source, for reuse.
class PreviousGeneration {
 public:
  void Open(const fs::path& dir, long generation) {
    const fs::path gen_dir = dir / search::GenerationDirName(generation);
    try {
      public_ = Xapian::Database((gen_dir / "public").string());
      agent_ = Xapian::Database((gen_dir / "agent").string());
      open_ = true;
    } catch (const Xapian::Error&) {
      open_ = false;  // unreadable: everything is re-analysed
    }
  }

  // The document built from `source_path` last time, if its hash is unchanged
  // (or any hash when `hash` is empty).
  std::optional<Xapian::Document> Find(const std::string& source_path, const std::string& hash) {
    if (!open_) return std::nullopt;
    const std::string term = schema::Term(schema::kSourcePath, source_path);
    for (Xapian::Database* db : {&public_, &agent_}) {
      Xapian::PostingIterator posting = db->postlist_begin(term);
      if (posting == db->postlist_end(term)) continue;
      Xapian::Document doc = db->get_document(*posting);
      if (hash.empty() || doc.get_value(schema::kSlotSourceHash) == hash) return doc;
    }
    return std::nullopt;
  }

  // Every source path of the previous generation, to count removals.
  std::set<std::string> SourcePaths() {
    std::set<std::string> paths;
    if (!open_) return paths;
    const std::string prefix(schema::kSourcePath);
    for (Xapian::Database* db : {&public_, &agent_}) {
      for (auto term = db->allterms_begin(prefix); term != db->allterms_end(prefix); ++term) {
        paths.insert((*term).substr(prefix.size()));
      }
    }
    return paths;
  }

 private:
  bool open_ = false;
  Xapian::Database public_;
  Xapian::Database agent_;
};

class GenerationBuilder {
 public:
  GenerationBuilder(const fs::path& gen_dir, PreviousGeneration& previous, IndexReport& report)
      : public_db_((gen_dir / "public").string(), Xapian::DB_CREATE_OR_OVERWRITE),
        agent_db_((gen_dir / "agent").string(), Xapian::DB_CREATE_OR_OVERWRITE),
        previous_(previous),
        report_(report) {}

  void AddArticleFile(const fs::path& file, const std::string& display_path, const std::string& source_key) {
    std::optional<std::string> bytes = ReadFile(file, kMaxArticleBytes);
    if (!bytes) {
      Fail(Error{ErrorCode::kInvalidInput, "cannot read the file", display_path}, source_key);
      return;
    }
    const std::string hash = HashHex(*bytes);
    if (std::optional<Xapian::Document> unchanged = previous_.Find(source_key, hash)) {
      Result<search::DocumentRecord> record = search::ReadDocumentRecord(*unchanged);
      if (record.ok() && Admit(*record, display_path, 1)) {
        Store(*unchanged, record->audience);
        ++report_.reused;
        return;
      }
      if (record.ok()) return;  // a duplicate: Admit reported it
    }
    Result<search::DocumentRecord> record = ParseArticle(display_path, *bytes);
    if (!record.ok()) {
      Fail(record.error(), source_key);
      return;
    }
    record->source_path = source_key;
    record->source_hash = hash;
    AddRecord(std::move(record).value(), display_path);
  }

  void AddRecord(search::DocumentRecord record, const std::string& display_path) {
    if (!Admit(record, display_path, 2)) return;
    if (std::optional<Xapian::Document> unchanged = previous_.Find(record.source_path, record.source_hash)) {
      Store(*unchanged, record.audience);
      ++report_.reused;
      return;
    }
    Store(search::BuildDocument(record), record.audience);
    ++report_.indexed;
  }

  void Fail(Error error, const std::string& source_key) {
    ++report_.failed;
    // Nothing already published is lost: keep the last good version.
    if (std::optional<Xapian::Document> last_good = previous_.Find(source_key, "")) {
      Result<search::DocumentRecord> record = search::ReadDocumentRecord(*last_good);
      if (record.ok() && Admit(*record, error.where, 1)) {
        Store(*last_good, record->audience);
        error.message += " (the previously published version stays online)";
      }
    }
    report_.errors.push_back(std::move(error));
  }

  void Commit() {
    public_db_.commit();
    agent_db_.commit();
    report_.public_documents = static_cast<int>(public_db_.get_doccount());
    report_.agent_documents = static_cast<int>(agent_db_.get_doccount());
  }

  const std::set<std::string>& source_paths() const { return source_paths_; }

 private:
  // Rejects a duplicate id, or a duplicate slug within one language.
  bool Admit(const search::DocumentRecord& record, const std::string& display_path, int line) {
    const std::string where = display_path.find(':') == std::string::npos && line > 0
                                  ? display_path + ":" + std::to_string(line)
                                  : display_path;
    if (auto [it, inserted] = ids_.emplace(record.id, display_path); !inserted) {
      ++report_.failed;
      report_.errors.push_back(Error{ErrorCode::kInvalidInput,
                                     "duplicate id '" + record.id + "' (already used by " + it->second + ")", where});
      return false;
    }
    const std::string slug_key = std::string(LanguageCode(record.language)) + "/" + record.slug;
    if (auto [it, inserted] = slugs_.emplace(slug_key, display_path); !inserted) {
      ids_.erase(record.id);
      ++report_.failed;
      report_.errors.push_back(Error{ErrorCode::kInvalidInput,
                                     "duplicate slug '" + record.slug + "' in language " +
                                         std::string(LanguageCode(record.language)) + " (already used by " +
                                         it->second + ")",
                                     where});
      return false;
    }
    source_paths_.insert(record.source_path);
    return true;
  }

  void Store(const Xapian::Document& doc, const std::string& audience) {
    if (audience == schema::kAudiencePublic) {
      public_db_.add_document(doc);
      // Only public words may reach the spelling dictionary (design.md).
      search::AddSpellings(public_db_, doc);
    } else {
      agent_db_.add_document(doc);
    }
  }

  Xapian::WritableDatabase public_db_;
  Xapian::WritableDatabase agent_db_;
  PreviousGeneration& previous_;
  IndexReport& report_;
  std::map<std::string, std::string> ids_;    // id -> file that used it
  std::map<std::string, std::string> slugs_;  // lang/slug -> file
  std::set<std::string> source_paths_;
};

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

bool FailpointSet(const char* name) {
  const char* value = std::getenv("HELPDEX_FAILPOINT");
  return value != nullptr && std::string_view(value) == name;
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
  PreviousGeneration previous;
  if (live && !options.full_rebuild) previous.Open(dir, *live);

  // Leftovers of a failed run (newer than the live generation) are discarded.
  const std::vector<long> existing = ListGenerations(dir);
  for (long generation : existing) {
    if (!live || generation > *live) fs::remove_all(dir / search::GenerationDirName(generation), ec);
  }
  const long generation = (live ? *live : 0) + 1;
  const fs::path gen_dir = dir / search::GenerationDirName(generation);

  try {
    fs::create_directories(gen_dir);
    GenerationBuilder builder(gen_dir, previous, report);
    if (!options.content_dir.empty()) {
      const fs::path content(options.content_dir);
      for (const fs::path& file : ListArticleFiles(content)) {
        builder.AddArticleFile(file, file.string(), fs::relative(file, content).generic_string());
      }
    }
    for (const std::string& docs : options.docs_files) {
      Result<int> read = ReadDocsFile(
          docs, [&](search::DocumentRecord record, const std::string&) { builder.AddRecord(std::move(record), docs); },
          [&](Error error) {
            ++report.failed;
            report.errors.push_back(std::move(error));
          });
      if (!read.ok()) {
        ++report.failed;
        report.errors.push_back(read.error());
      }
    }
    builder.Commit();
    for (const std::string& path : previous.SourcePaths()) {
      if (!builder.source_paths().count(path)) ++report.removed;
    }
  } catch (const Xapian::Error& e) {
    fs::remove_all(gen_dir, ec);
    return Error{ErrorCode::kInternal, "writing the new generation failed: " + e.get_msg(), gen_dir.string()};
  } catch (const std::exception& e) {
    fs::remove_all(gen_dir, ec);
    return Error{ErrorCode::kInternal, std::string("writing the new generation failed: ") + e.what(), gen_dir.string()};
  }

  if (FailpointSet("before_swap")) {
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

// File: indexer.h
// Building and publishing an index: start here. BuildIndex() reads the content
// directory (Markdown articles with YAML front matter), builds a complete new
// generation beside the live one and swaps the stubs (see
// helpdex/search/index_layout.h). Unchanged files are copied from the live
// generation without being parsed again; deleted files disappear.
//
//   IndexOptions options{.content_dir = "content", .index_dir = "var/index"};
//   Result<IndexReport> report = BuildIndex(options);
//   if (report.ok() && report->failed > 0) { /* print report->errors */ }
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "helpdex/indexer/redaction.h"
#include "helpdex/search/error.h"
#include "helpdex/search/progress.h"

namespace helpdex::indexer {

struct IndexOptions {
  std::string content_dir;               // articles: **/*.md; may be empty
  std::vector<std::string> docs_files;   // evaluation-format JSON Lines (.gz or not)
  std::string index_dir;                 // the published index directory
  bool full_rebuild = false;             // re-analyse every file, ignore the live generation
  int keep_generations = 3;              // old generations kept for readers still using them
  // Resolved-ticket exports (see tickets.h), redacted into the agent database.
  // A ticket no longer in any of them (or no longer solved) leaves the index.
  std::vector<std::string> tickets_files;
  // Learned from customers (`helpdex index --data DIR`, server/learned.h):
  // article id -> the searches customers made before it answered them. Added
  // to public articles only, as search::schema::kLearned terms; an article
  // whose learned phrasings changed is analysed again even if its file did not.
  std::map<std::string, std::vector<std::string>> learned;
  // Each database of the new generation is committed every this many changed
  // documents. Xapian buffers changes in sorted maps whose every update costs a
  // lookup among all the terms buffered so far, so smaller batches index
  // faster: tools/bench/load measured the indexer's CPU time on 10,000 of its
  // documents at 34 s with 10,000 (Xapian's own XAPIAN_FLUSH_THRESHOLD
  // default), 29 s with 2,000 and 1,000, 25 s with 500 (and peak RSS 376,
  // 138, 86 and 59 MiB). 0 leaves it to Xapian.
  int flush_threshold = 1000;
  // Threads that parse, analyse and write --docs documents (0: one per core).
  // In a first or --full run each writes its own part databases, merged at
  // the end; the result is the same index whatever the number.
  int threads = 0;
  // Lines of a --docs file a thread takes at a time: it analyses them, has
  // them admitted in file order, and writes them as one part database. Also
  // bounds memory: each thread holds this many analysed documents (tens of
  // KB each). tools/bench/README.md ("Issue 15: indexing") has the figures.
  int docs_batch_lines = 1000;
  // Shards the generation is spread over (`helpdex index --shards N`): 0
  // keeps the unsharded layout; N >= 1 writes gen-N/shard-K/{public,agent}
  // (K = 1..N, each document in shard search::ShardOf(its id)) and the
  // lexicons, and the views list the shards (search/index_layout.h). A run
  // with another number than the live generation's publishes a new
  // generation even when no document changed (re-sharding is re-indexing).
  int shards = 0;
  // Failpoints, for tests: BuildIndex fails on purpose where one is named.
  //   "before_swap": the new generation is built and committed, not published.
  //   "kill_at:STEP": the process SIGKILLs itself at STEP, one of
  //     kPublishSteps (a crash at each fsync of a publish).
  //   "disk_full": the first commit of the new generation fails as a full
  //     disk does (Xapian's "Error writing block" with ENOSPC).
  //   "sigterm": the process sends itself SIGTERM once the new generation's
  //     databases are open, and waits (10 s at most) for `cancel` to be set.
  std::set<std::string> failpoints;
  // Set (by a signal handler's thread, say) to stop the run: BuildIndex then
  // removes the half-built generation and returns kInternal "interrupted";
  // the live generation stays published. Checked between documents.
  const std::atomic<bool>* cancel = nullptr;
  // Told of each document done (analysed, reused or failed), from the thread
  // that admitted it, one call at a time. Progress::done counts documents;
  // Progress::fraction is the share of the --docs input read so far (bytes,
  // the uncompressed size of a .gz from its trailer), -1 without --docs.
  // Nothing is printed by the library; empty: no reports.
  search::ProgressCallback progress;
};

struct IndexReport {
  int indexed = 0;   // documents analysed in this run
  int reused = 0;    // unchanged documents copied from the previous generation
  int removed = 0;   // documents of the previous generation whose source is gone
  int failed = 0;    // files (or records) that could not be indexed
  int public_documents = 0;
  int agent_documents = 0;
  int tickets_skipped = 0;      // tickets read but not solved or closed
  int learned_articles = 0;     // public articles written in this run with learned phrasings
  RedactionCounts redactions;   // personal data removed from the tickets analysed in this run
  long generation = 0;  // the generation now live
  int shards = 0;       // its shards (0: unsharded)
  uint64_t generation_bytes = 0;  // its size on disk (both databases)
  double seconds = 0;
  std::vector<Error> errors;  // one per failed file, with file:line
  // What the run did besides indexing, for the operator ("removed gen-000043
  // (3.1 MiB), the half-built generation of an interrupted run").
  std::vector<std::string> notes;
};

// The steps of PublishGeneration: each is a point where the process may die
// (power cut, SIGKILL) and a failpoint "kill_at:STEP" can put it. Every step
// but "after_publish" is just before an fsync. The two view steps happen only
// when a view is not yet a link: on a fresh index before the current link, on
// an older-layout index after it.
// The shard and lexicon steps happen only for a sharded generation, and the
// two link steps among them only when a link is not yet made (the first
// sharded publish of DIR, or one with more shards than before).
inline constexpr const char* kPublishSteps[] = {
    "sync_public_stub",       // gen-N/views/public written
    "sync_agent_stub",        // gen-N/views/agent written
    "sync_shard_stub",        // gen-N/views/shards/K/{public,agent} written (each)
    "sync_lexicon_stub",      // gen-N/views/lexicon/{public,agent} written (each)
    "sync_shard_views_dirs",  // gen-N/views/shards/K, gen-N/views/shards, gen-N/views/lexicon
    "sync_views_dir",         // gen-N/views
    "sync_generation_dir",    // gen-N (holds views/)
    "sync_index_dir",         // DIR (holds gen-N): gen-N is complete on disk
    "sync_shard_links",       // DIR/shards/K/{public,agent} made links (dangling until current has them)
    "sync_lexicon_links",     // DIR/lexicon/{public,agent} made links
    "sync_public_view",     // DIR/public made the link current/public
    "sync_agent_view",      // DIR/agent made the link current/agent
    "sync_current_link",    // DIR/current renamed to gen-N/views: THE commit point
    "after_publish",        // published, old generations not yet removed
};

// Publishes generation `generation` of the index directory `index_dir`,
// whose folder DIR/gen-N must hold the complete, committed and fsynced
// databases public/ and agent/ (BuildIndex's job). The caller holds DIR/.lock.
//
// Steps: writes and fsyncs DIR/gen-N/views/{public,agent} (the stub files
// naming gen-N's databases, each written beside and renamed into place), and
// for a sharded generation (one with gen-N/shard-K folders) the stubs
// gen-N/views/shards/K/{public,agent} and gen-N/views/lexicon/{public,agent};
// fsyncs gen-N and DIR; makes the stable links DIR/shards/K/{public,agent}
// and DIR/lexicon/{public,agent} through DIR/current if they are not yet
// (before the rename: until it they name the live generation's shards, or
// nothing); then points DIR/current at gen-N/views with one
// rename(2) of a new symbolic link and fsyncs DIR. DIR/public and DIR/agent
// are made the links current/public and current/agent if they are not yet:
// on a fresh index before the rename (they dangle until it), on an index of
// the older layout (plain stub files) after it.
//
// Guarantee: whenever the process or the machine stops, DIR/public and
// DIR/agent name one and the same complete generation (or, on a fresh index,
// both none), the old one before the rename of DIR/current and the new one
// after it. The one exception is the first publish on an older-layout index,
// while its plain stubs are replaced by links one by one: each view names a
// complete generation throughout, and the agent view never an older one than
// the public view. Nothing of an earlier generation is modified.
// Republishing the generation DIR/current names is harmless (BuildIndex does
// it to convert an older layout). Readers (search::Index) notice a new
// generation by re-reading their view (index_layout.h).
//
// Errors: kInternal naming the file when a write, fsync or rename fails
// (then the views name what they named before, or the new generation if the
// failure came after the rename of DIR/current). `failpoints`: see
// IndexOptions::failpoints ("kill_at:STEP").
//
// Every shard and lexicon of a sharded generation resolves through the one
// DIR/current link, so the guarantee above holds for DIR/shards/K/* and
// DIR/lexicon/* too: all shards switch generation with the one rename.
// A link DIR/shards/K/* for a K the new generation does not have (fewer
// shards than before) dangles after the rename: a reader of it fails to open.
Result<bool> PublishGeneration(const std::filesystem::path& index_dir, long generation,
                               const std::set<std::string>& failpoints = {});

// Publishes a sharded generation copied into DIR from the indexing machine
// (tools/replicate: each gen-N/shard-K/{public,agent} and
// gen-N/lexicon/{public,agent} a database or a xapian-replicate copy of one;
// no unsharded working copy). Takes DIR/.lock as BuildIndex does, checks
// that both lexicons say they belong to generation N (their
// search::kLexiconGenerationKey metadata) and that N is not older than the
// live generation, publishes with PublishGeneration() (the same one rename),
// then removes all but the newest `keep_generations`. Returns N.
// kInvalidInput naming the folder when a check fails; then nothing changed.
Result<long> PublishCopiedGeneration(const std::filesystem::path& index_dir, long generation,
                                     int keep_generations = 3);

// Builds and publishes a new generation. Per-file problems are reported in
// IndexReport::errors and never stop the run; the Result is an Error only when
// nothing could be published (index directory unwritable, another indexer holds
// the lock, every source unreadable, a full disk), and then the live generation
// is untouched and the half-built one removed. A full disk is said so, with
// the space free and the space a generation needs (about the live one's size,
// which an incremental run copies first).
//
// Generations: the new one is numbered above the live one and every
// generation a view names, and built in a folder no view names (a crashed
// run's leftovers, newer than the live generation and named by no view, are
// removed first and listed in IndexReport::notes); the generation
// folders are created 0700 and their files made 0600 (the agent database
// holds internal articles and redacted tickets), DIR itself 0700 when this
// run creates it. With IndexOptions::shards, the generation is built
// unsharded as ever (gen-N/public and gen-N/agent stay, the working copy the
// next run starts from), then spread over its shards and its lexicons
// written; an incremental run re-analyses only what changed but rewrites
// every shard. Published with PublishGeneration(); then all but the newest
// IndexOptions::keep_generations are removed.
Result<IndexReport> BuildIndex(const IndexOptions& options);

}  // namespace helpdex::indexer

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

#include <map>
#include <set>
#include <string>
#include <vector>

#include "helpdex/indexer/redaction.h"
#include "helpdex/search/error.h"

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
  // Failpoints, for tests: BuildIndex fails on purpose where one is named.
  // "before_swap": the new generation is built and committed, not published.
  std::set<std::string> failpoints;
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
  double seconds = 0;
  std::vector<Error> errors;  // one per failed file, with file:line
};

// Builds and publishes a new generation. Per-file problems are reported in
// IndexReport::errors and never stop the run; the Result is an Error only when
// nothing could be published (index directory unwritable, another indexer holds
// the lock, every source unreadable), and then the live generation is untouched.
Result<IndexReport> BuildIndex(const IndexOptions& options);

}  // namespace helpdex::indexer

// Reading an evaluation data set (design.md, "Evaluation data"):
// docs.jsonl.gz, queries.jsonl.gz and qrels.tsv, with every malformed line
// reported as file:line. Private to helpdex::eval.
#pragma once

#include <string>
#include <vector>

#include "helpdex/eval/eval.h"
#include "helpdex/search/error.h"

namespace helpdex::eval {

inline constexpr char kDocsFile[] = "docs.jsonl.gz";
inline constexpr char kQueriesFile[] = "queries.jsonl.gz";
inline constexpr char kQrelsFile[] = "qrels.tsv";

struct EvalDocument {
  std::string id;
  std::string lang;   // normalised code ("nb" for "no") when helpdex knows it, else as written
  std::string title;  // may be empty
  std::string text;
};

// A query that will be scored: it has at least one relevant judgment and its
// language is one helpdex analyses.
struct JudgedQuery {
  std::string id;
  std::string lang;  // normalised code: "en", "nb", ...
  std::string text;  // at most search::kMaxQueryBytes bytes
  Judgments judgments;
};

struct Dataset {
  std::string name;
  std::string docs_path;
  std::vector<EvalDocument> documents;
  std::vector<JudgedQuery> queries;
  int skipped_unsupported_language = 0;
  int skipped_without_relevant = 0;
  std::vector<std::string> notes;
};

// Reads the three files of `dir`. kInvalidInput with `where` = "file:line" for
// a malformed line, = the file for a missing or unreadable one, and
// "DIR has no judged queries" when there is no queries file or no query with a
// relevant judgment.
Result<Dataset> ReadDataset(const std::string& dir);

}  // namespace helpdex::eval

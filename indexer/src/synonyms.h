// Writers' synonym files: content/synonyms/<lang>.txt, one group per line.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "helpdex/search/document.h"
#include "helpdex/search/error.h"

namespace helpdex::indexer {

struct SynonymFiles {
  std::vector<search::SynonymGroup> groups;
  std::vector<Error> errors;  // file:line for each bad line or file name
  std::string hash;           // of every file's bytes: a change must be published
};

// Reads every content/synonyms/*.txt. A line is a comma-separated group of
// words or phrases; '#' starts a comment. Missing folder: no groups.
SynonymFiles ReadSynonymFiles(const std::filesystem::path& content_dir);

}  // namespace helpdex::indexer

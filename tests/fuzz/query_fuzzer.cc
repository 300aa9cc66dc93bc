// Fuzz target: any bytes as a search query against a small real index. The
// searcher must answer or refuse with a named parameter, never crash or throw.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "helpdex/indexer/indexer.h"
#include "helpdex/search/analysis.h"
#include "helpdex/search/searcher.h"

namespace {

std::shared_ptr<helpdex::search::Index> TinyIndex() {
  std::string root = (std::filesystem::temp_directory_path() / "helpdex-fuzz-XXXXXX").string();
  if (::mkdtemp(root.data()) == nullptr) std::abort();
  const std::filesystem::path content = std::filesystem::path(root) / "content";
  std::filesystem::create_directories(content);
  std::ofstream(content / "a.md") << "---\nid: a\ntitle: Password reset\nlang: en\n---\nReset your password.\n";
  std::ofstream(content / "b.md") << "---\nid: b\ntitle: Glemt passord\nlang: nb\n---\nTilbakestill passordet.\n";
  if (!helpdex::indexer::BuildIndex({.content_dir = content.string(), .index_dir = root + "/index"}).ok()) std::abort();
  auto index = helpdex::search::Index::Open(root + "/index", helpdex::search::Viewer::Public());
  if (!index.ok()) std::abort();
  return *index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::shared_ptr<helpdex::search::Index> index = TinyIndex();
  const std::string query(reinterpret_cast<const char*>(data), size);
  helpdex::search::DetectLanguage(query);
  helpdex::search::NormalizeText(query);
  auto searcher = index->AcquireSearcher();
  for (std::optional<helpdex::Language> language : {std::optional<helpdex::Language>(), std::optional(helpdex::Language::kTurkish)}) {
    auto response = (*searcher)->Search({.query = query, .language = language});
    if (!response.ok() && response.error().where != "q") std::abort();
  }
  return 0;
}

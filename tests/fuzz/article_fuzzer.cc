// Fuzz target: one article file (front matter + Markdown) through the parser.
// It must return a record or an error naming the file and line, never crash,
// and never let raw HTML through to the rendered page.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "helpdex/indexer/article.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  helpdex::Result<helpdex::search::DocumentRecord> record = helpdex::indexer::ParseArticle("fuzz.md", bytes);
  if (record.ok()) {
    if (record->html.find("<script") != std::string::npos) std::abort();
  } else if (record.error().where.rfind("fuzz.md:", 0) != 0) {
    std::abort();  // every error names the file and a line
  }
  return 0;
}

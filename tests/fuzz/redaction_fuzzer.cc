// Fuzz target: ticket text through the redactor. It must never crash, never
// turn valid UTF-8 into invalid UTF-8, and be idempotent: redacting redacted
// text changes nothing (placeholders are never redacted again, and nothing a
// pass leaves behind is personal data for a later run).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "helpdex/indexer/redaction.h"
#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const helpdex::indexer::Redactor redactor;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  helpdex::indexer::RedactionContext context;
  context.region = size > 0 && data[0] % 2 == 0 ? "NO" : "TR";
  context.names = {"Kari Nordmann", "Ayşe Yılmaz"};
  const std::string once = redactor.Redact(text, context, nullptr);
  if (helpdex::search::IsValidUtf8(text) && !helpdex::search::IsValidUtf8(once)) std::abort();
  if (redactor.Redact(once, context, nullptr) != once) std::abort();
  return 0;
}

// Fuzz target: any bytes as a query string (the first value of each name, as
// Pistache keeps it), as a form body and as an Accept-Language header, through
// params.h. Every parser must return a value or an error naming a parameter,
// never crash; whatever it accepts is valid UTF-8 without NUL; and
// search::PercentEncode() must round-trip through search::PercentDecode().
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "helpdex/search/text.h"
#include "helpdex/server/params.h"

namespace {

// The still-encoded value of the first "name=" pair of `query`, or nullopt.
std::optional<std::string> FirstValue(std::string_view query, std::string_view name) {
  while (true) {
    const size_t end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    const size_t equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      return std::string(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    }
    if (end == std::string_view::npos) return std::nullopt;
    query.remove_prefix(end + 1);
  }
}

void CheckText(std::string_view text) {
  if (!helpdex::search::IsValidUtf8(text) || text.find('\0') != std::string_view::npos) std::abort();
}

template <typename T>
void CheckError(const helpdex::Result<T>& result) {
  if (!result.ok() && result.error().where.empty()) std::abort();  // every error names its parameter
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace helpdex;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const server::RawParameterSource source = [bytes](std::string_view name) { return FirstValue(bytes, name); };

  Result<search::SearchRequest> request = server::ParseSearchRequest(source);
  CheckError(request);
  if (request.ok()) {
    CheckText(request->query);
    for (const std::string& tag : request->tags) CheckText(tag);
  }
  Result<server::SuggestParameters> suggest = server::ParseSuggestRequest(source);
  CheckError(suggest);
  if (suggest.ok()) {
    CheckText(suggest->request.text);
    if (suggest->request.text.size() > search::kMaxQueryBytes) std::abort();
  }
  Result<server::GapParameters> gaps = server::ParseGapRequest(source);
  CheckError(gaps);
  if (gaps.ok() && gaps->min_visits && (*gaps->min_visits < 1 || *gaps->min_visits > server::kMaxGapMinVisits)) {
    std::abort();
  }

  Result<server::FormFields> form = server::ParseFormBody(bytes);
  CheckError(form);
  if (form.ok()) {
    if (form->size() > server::kMaxFormFields) std::abort();
    for (const auto& [name, value] : *form) {
      CheckText(name);
      CheckText(value);
    }
  }

  server::PreferredLanguage(bytes);

  const std::string encoded = search::PercentEncode(bytes);
  if (search::PercentDecode(encoded, search::Plus::kSpace) != bytes) std::abort();
  if (search::PercentDecode(encoded, search::Plus::kLiteral) != bytes) std::abort();
  return 0;
}

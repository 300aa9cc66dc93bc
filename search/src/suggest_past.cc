// Completions from past searches (PastSearches), merged into a Suggest
// response after the title and heading completions.
#include <xapian.h>

#include "helpdex/search/analysis.h"
#include "helpdex/search/past_searches.h"
#include "suggest.h"

namespace helpdex::search {
namespace {

// Past searches looked at per request before the vocabulary check.
constexpr size_t kPastCandidates = 12;

// True when every word of `text` is an (unstemmed, unprefixed) term of `db`:
// for a public viewer the public database only, so a past search is offered
// only when the help centre itself contains each of its words.
bool AllWordsIndexed(const Xapian::Database& db, const Analyzer& analyzer, std::string_view text) {
  const std::string normalized = analyzer.Normalize(text);
  std::string word;
  bool any = false;
  auto flush = [&]() {
    if (word.empty()) return true;
    any = true;
    const bool known = db.term_exists(word);
    word.clear();
    return known;
  };
  for (Xapian::Utf8Iterator it(normalized); it != Xapian::Utf8Iterator(); ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(word, *it);
    } else if (!flush()) {
      return false;
    }
  }
  return flush() && any;
}

// Case-insensitive equality, for dropping a past search a title already gave.
bool SameText(std::string_view a, std::string_view b) { return NormalizeText(a) == NormalizeText(b); }

}  // namespace

void AddPastSearches(const Xapian::Database& db, const SuggestRequest& request, SuggestResponse& response) {
  if (!request.past_searches || response.completions.size() >= request.max_completions) return;
  const Analyzer& analyzer = request.language ? AnalyzerFor(*request.language) : NeutralAnalyzer();
  for (const std::string& past : request.past_searches->Complete(request.text, request.language, kPastCandidates)) {
    if (response.completions.size() >= request.max_completions) break;
    if (SameText(past, request.text)) continue;  // nothing left to complete
    bool duplicate = false;
    for (const std::string& shown : response.completions) duplicate = duplicate || SameText(shown, past);
    if (duplicate || !AllWordsIndexed(db, analyzer, past)) continue;
    response.completions.push_back(past);
  }
}

}  // namespace helpdex::search

#include "helpdex/search/query_groups.h"

#include <algorithm>
#include <set>

#include <xapian.h>

#include "helpdex/search/analysis.h"

namespace helpdex::search {
namespace {

// A typo is tolerated in words of at least this many code points, as in Suggest.
constexpr size_t kMinTypoCodePoints = 5;

std::vector<unsigned> CodePoints(std::string_view text) {
  std::vector<unsigned> points;
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) points.push_back(*it);
  return points;
}

std::vector<std::string> Words(std::string_view normalized) {
  std::vector<std::string> words;
  std::string word;
  for (Xapian::Utf8Iterator it(normalized.data(), normalized.size()); it != Xapian::Utf8Iterator(); ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(word, *it);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// Stems one of which only adds an ending to the other: what a stemmer left
// of an inflection it does not know (Turkish verbs "sıfırlamak" / "sıfırla",
// Norwegian "domenet" / "domene" stemmed to "domen" / "dom").
constexpr size_t kMinStemPrefixCodePoints = 3;
constexpr size_t kMaxExtraEndingCodePoints = 4;

bool Close(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const std::vector<unsigned> x = CodePoints(a);
  const std::vector<unsigned> y = CodePoints(b);
  const std::vector<unsigned>& shorter = x.size() <= y.size() ? x : y;
  const std::vector<unsigned>& longer = x.size() <= y.size() ? y : x;
  if (shorter.size() >= kMinStemPrefixCodePoints && longer.size() - shorter.size() <= kMaxExtraEndingCodePoints &&
      std::equal(shorter.begin(), shorter.end(), longer.begin())) {
    return true;
  }
  if (shorter.size() < kMinTypoCodePoints) return false;
  return EditDistance(a, b, 1) <= 1;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b, size_t limit) {
  const std::vector<unsigned> x = CodePoints(a);
  const std::vector<unsigned> y = CodePoints(b);
  const size_t too_far = limit + 1;
  if ((x.size() > y.size() ? x.size() - y.size() : y.size() - x.size()) > limit) return too_far;
  // Optimal string alignment: the dynamic programme over three rows, with
  // adjacent transpositions ("domian") as one edit; stops once a whole row
  // is over the limit.
  std::vector<size_t> before(y.size() + 1), previous(y.size() + 1), current(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    current[0] = i;
    size_t best = current[0];
    for (size_t j = 1; j <= y.size(); ++j) {
      const size_t substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
      best = std::min(best, current[j]);
    }
    if (best > limit) return too_far;
    before.swap(previous);
    previous.swap(current);
  }
  return std::min(previous[y.size()], too_far);
}

std::vector<std::string> IntentTerms(std::string_view query, std::optional<Language> language) {
  if (!language) language = DetectLanguage(query);
  const Analyzer& analyzer = language ? AnalyzerFor(*language) : NeutralAnalyzer();
  const std::vector<std::string> words = Words(analyzer.Normalize(query));
  const Xapian::Stopper* stopper = analyzer.stopper();
  Xapian::Stem stem = analyzer.MakeStemmer();
  std::set<std::string> content, all;
  for (const std::string& word : words) {
    std::string stemmed = stem(word);
    if (stemmed.empty()) stemmed = word;
    all.insert(stemmed);
    if (stopper == nullptr || !(*stopper)(word)) content.insert(stemmed);
  }
  const std::set<std::string>& chosen = content.empty() ? all : content;
  return std::vector<std::string>(chosen.begin(), chosen.end());
}

bool SameIntent(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size() || a.empty()) return false;
  if (a == b) return true;
  // Greedy pairing: exact matches first, then one-edit matches. Queries are a
  // few words, so the quadratic pairing costs nothing.
  std::vector<bool> used(b.size(), false);
  std::vector<const std::string*> unmatched;
  for (const std::string& term : a) {
    auto found = std::find(b.begin(), b.end(), term);
    if (found != b.end() && !used[static_cast<size_t>(found - b.begin())]) {
      used[static_cast<size_t>(found - b.begin())] = true;
    } else {
      unmatched.push_back(&term);
    }
  }
  for (const std::string* term : unmatched) {
    bool paired = false;
    for (size_t j = 0; j < b.size() && !paired; ++j) {
      if (!used[j] && Close(*term, b[j])) used[j] = paired = true;
    }
    if (!paired) return false;
  }
  return true;
}

}  // namespace helpdex::search

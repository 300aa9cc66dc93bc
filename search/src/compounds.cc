#include "compounds.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <optional>

#include "helpdex/search/schema.h"

namespace helpdex::search {
namespace {

// Words shorter than this are neither split nor looked up inside compounds.
constexpr size_t kMinPartLetters = 4;
constexpr size_t kMinCompoundLetters = 8;
constexpr Xapian::termcount kMaxExpansion = 20;

std::u32string Decode(std::string_view text) {
  std::u32string out;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::string Encode(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) {
    char buffer[4];
    int32_t length = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(buffer), length, 4, static_cast<UChar32>(c), error);
    if (!error) out.append(buffer, static_cast<size_t>(length));
  }
  return out;
}

std::string Reversed(const std::string& word) {
  std::u32string letters = Decode(word);
  std::reverse(letters.begin(), letters.end());
  return Encode(letters);
}

// TermGenerator drops words over 64 bytes (base64 blobs, URLs); so do we, and
// so no term can exceed Xapian's 245-byte limit.
constexpr size_t kMaxWordBytes = 64;

bool IsContentWord(const std::string& word, const Xapian::Stopper* stopper) {
  return word.size() <= kMaxWordBytes && Decode(word).size() >= kMinPartLetters &&
         (stopper == nullptr || !(*stopper)(word));
}

// The stemmed terms of the split of `word` into two words the index knows that is best supported
// (the rarer part most frequent), allowing a linking s or e ("sikkerhetskopi").
std::optional<std::pair<std::string, std::string>> BestSplit(const Xapian::Database& db, const std::string& word,
                                                             Xapian::Stem& stem) {
  const std::u32string letters = Decode(word);
  if (letters.size() < kMinCompoundLetters) return std::nullopt;
  std::optional<std::pair<std::string, std::string>> best;
  Xapian::doccount best_support = 0;
  for (size_t cut = 3; cut + kMinPartLetters <= letters.size(); ++cut) {
    const std::string right = Encode(letters.substr(cut));
    const Xapian::doccount right_freq = db.get_termfreq(schema::StemmedTerm(stem, right));
    if (right_freq == 0) continue;
    std::u32string left = letters.substr(0, cut);
    for (int linked = 0; linked < 2; ++linked) {
      if (linked == 1) {
        if (left.size() < 4 || (left.back() != U's' && left.back() != U'e')) break;
        left.pop_back();
      }
      // The left part is matched by its stem ("nettside" in "nettsiden").
      const std::string left_term = schema::StemmedTerm(stem, Encode(left));
      const Xapian::doccount support = std::min(db.get_termfreq(left_term), right_freq);
      if (support > best_support) {
        best_support = support;
        best = std::make_pair(left_term, schema::StemmedTerm(stem, right));
      }
    }
  }
  return best;
}

}  // namespace

std::vector<std::string> Words(std::string_view normalized) {
  // Letters and digits of any script (Xapian's own word characters), so that
  // punctuation outside ASCII (« » “ ” — …) is not taken for a letter.
  std::vector<std::string> words;
  std::string current;
  for (Xapian::Utf8Iterator it(normalized.data(), normalized.size()); it != Xapian::Utf8Iterator(); ++it) {
    const unsigned code_point = *it;
    if (Xapian::Unicode::is_wordchar(code_point) && code_point != '_') {
      Xapian::Unicode::append_utf8(current, code_point);
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

void IndexReversedStems(Xapian::Document& doc, std::string_view normalized, Xapian::Stem& stem,
                        const Xapian::Stopper* stopper) {
  for (const std::string& word : Words(normalized)) {
    if (!IsContentWord(word, stopper)) continue;
    std::string term(schema::kReversedStem);
    term += Reversed(stem(word));
    doc.add_term(term);
  }
}

Xapian::Query CompoundQuery(const Xapian::Database& db, const std::vector<std::string>& words, Xapian::Stem& stem,
                            const Xapian::Stopper* stopper) {
  std::vector<Xapian::Query> parts;
  for (const std::string& word : words) {
    if (!IsContentWord(word, stopper)) continue;
    const std::string stemmed = stem(word);
    const std::string stemmed_term = schema::StemmedTerm(stem, word);
    // Compounds ending with the word ("e-postpassordet" for "passord") ...
    std::string reversed_term(schema::kReversedStem);
    reversed_term += Reversed(stemmed);
    parts.emplace_back(Xapian::Query::OP_WILDCARD, reversed_term,
                       kMaxExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    // ... and starting with it ("passordbytte").
    parts.emplace_back(Xapian::Query::OP_WILDCARD, stemmed_term, kMaxExpansion,
                       Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    // A compound the index lacks, by its parts ("nettsidehastighet").
    if (db.get_termfreq(stemmed_term) == 0) {
      if (auto split = BestSplit(db, word, stem)) {
        parts.emplace_back(Xapian::Query::OP_AND, Xapian::Query(split->first), Xapian::Query(split->second));
      }
    }
  }
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

}  // namespace helpdex::search

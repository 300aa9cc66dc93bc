#include "helpdex/search/schema.h"

#include <cstdint>
#include <cstdio>

namespace helpdex::search::schema {
namespace {

// Xapian rejects terms over 245 bytes; keep a margin for the prefix.
constexpr size_t kMaxTermValueBytes = 200;

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string Term(std::string_view prefix, std::string_view value) {
  std::string term(prefix);
  if (value.size() <= kMaxTermValueBytes) {
    term.append(value);
    return term;
  }
  // Keep a readable head and make the rest unique with a hash.
  term.append(value.substr(0, 64));
  term.append("#");
  term.append(SourceHash(value));
  return term;
}

std::string StemmedTerm(const Xapian::Stem& stem, const std::string& word) {
  std::string term(kStemmed);
  term += stem(word);
  return term;
}

std::string ListOrderKey(int category_rank, int article_rank, std::string_view id) {
  auto rank = [](int value) { return (value < 0 || value > 9999) ? 9999 : value; };
  char ranks[9];
  std::snprintf(ranks, sizeof ranks, "%04d%04d", rank(category_rank), rank(article_rank));
  return std::string(ranks) + std::string(id);
}

std::string SourceHash(std::string_view bytes) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a64(bytes)));
  return hex;
}

}  // namespace helpdex::search::schema

#include "text_query.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <vector>

#include "helpdex/search/document.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/searcher.h"
#include "compounds.h"

namespace helpdex::search {
namespace {

// Writers' synonyms (content/synonyms/) expand words and phrases of the query.
constexpr unsigned kSynonymFlags =
    Xapian::QueryParser::FLAG_AUTO_SYNONYMS | Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS;
// Weight of the title-only reading. helpdex eval, nDCG@10 without / with 0.3:
// stackfaq 0.728 / 0.748, semeval questions 0.514 / 0.515, xquad and norquad
// equal or up by up to 0.001 (0.5 cost norquad 0.005).
constexpr double kTitleReadingWeight = 0.3;
// Weight and window of the proximity reading (neighbouring query words close
// together). helpdex eval, nDCG@10 without / with (0.2, window 2): stackfaq
// 0.748 / 0.750, semeval questions 0.515 / 0.522, semeval comments 0.212 /
// 0.216, xquad en 0.971 / 0.972, norquad 0.956 / 0.957, xquad ru and tr -0.001.
constexpr double kProximityWeight = 0.2;
constexpr Xapian::termcount kProximityWindow = 2;
// Weight of compound matches (Norwegian), relative to the stemmed reading.
constexpr double kCompoundWeight = 0.3;
// Weight of the accentless reading, relative to the stemmed one. Measured
// with helpdex eval on every judged set (0.3, 0.5 and 0.75): 0.3 was best.
constexpr double kFoldedWeight = 0.3;
// Each pair of neighbouring content words, stemmed, found side by side in a
// document (a window of kProximityWindow positions): "password reset" ranks
// a text that says "password reset" above one that has the words apart.
Xapian::Query AdjacentPairs(const std::string& normalized, const Analyzer& analyzer, Xapian::Stem& stem) {
  if (stem.is_none()) return Xapian::Query();
  std::vector<Xapian::Query> terms;
  for (const std::string& word : Words(normalized)) {
    if (analyzer.stopper() != nullptr && (*analyzer.stopper())(word)) continue;
    terms.emplace_back(schema::StemmedTerm(stem, word));
  }
  std::vector<Xapian::Query> pairs;
  for (size_t i = 0; i + 1 < terms.size() && i + 1 < kMaxQueryTerms; ++i) {
    const Xapian::Query pair[] = {terms[i], terms[i + 1]};
    pairs.emplace_back(Xapian::Query::OP_NEAR, pair, pair + 2, kProximityWindow);
  }
  return Xapian::Query(Xapian::Query::OP_OR, pairs.begin(), pairs.end());
}

// Weight of the learned reading (LearnedReading), relative to the stemmed one.
// Chosen with helpdex eval --learn-share 0.5 (tools/bench/README.md).
constexpr double kLearnedWeight = 0.25;
// What customers searched before an article answered them (schema::kLearned,
// public articles only; server/learned.h): the query's content words stemmed
// in its language, OR-ed, so that "how do I get my money back" finds the
// article that k visits reached with those words even if it never says them.
// Empty when the language has no stemmer (learned terms are always stemmed).
Xapian::Query LearnedReading(const std::string& normalized, const Analyzer& analyzer, const Xapian::Stem& stem) {
  if (stem.is_none()) return Xapian::Query();
  const std::vector<std::string> terms = LearnedTerms(normalized, analyzer.stopper(), stem);
  if (terms.empty()) return Xapian::Query();
  const Xapian::Query learned(Xapian::Query::OP_OR, terms.begin(), terms.end());
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, learned, kLearnedWeight);
}

// `lexicon`: the database of the synonyms (TextQueryOptions::lexicon); the
// parser reads nothing else from it with the flags used here (no wildcards).
void ConfigureParser(const Xapian::Database& lexicon, Xapian::QueryParser& parser, const Analyzer& analyzer) {
  parser.set_database(lexicon);
  parser.set_default_op(Xapian::Query::OP_OR);
  parser.add_prefix("title", std::string(schema::kTitle));
  parser.set_stopper(analyzer.stopper());
}

Xapian::Query ParseLeniently(Xapian::QueryParser& parser, const std::string& text, unsigned flags) {
  try {
    return parser.parse_query(text, flags);
  } catch (const Xapian::QueryParserError&) {
    // Lenient, like Omega: retry with the syntax switched off.
    return parser.parse_query(text, flags & (Xapian::QueryParser::FLAG_SPELLING_CORRECTION | kSynonymFlags));
  }
}

}  // namespace

// Verbose questions (Bendersky & Croft, "Discovering key concepts in verbose
// queries", SIGIR 2008): a pasted question's concept words are its rarest
// ones, wherever they stand; the first words are often greetings and context
// ("Hi all, I have been living here for two years and ..."). So a question
// with more content words than the budget keeps the budget's rarest words
// (BM25 IDF over the index, every form the index has of them), in the order
// written so that neighbours stay neighbours. Words the index does not know
// go last: no document can match them in any reading. Stop words are left
// out, as the parser would drop them.
std::string KeyWords(const Xapian::Database& db, const std::string& normalized, const Xapian::Stopper* stopper,
                     Xapian::Stem& stem, size_t max_words) {
  const std::vector<std::string> words = Words(normalized);
  std::vector<std::string> content;
  for (const std::string& word : words) {
    if (stopper == nullptr || !(*stopper)(word)) content.push_back(word);
  }
  std::vector<std::string> distinct = content;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() <= max_words) return LimitTerms(normalized, stopper);
  const double documents = std::max<double>(db.get_doccount(), 1);
  std::vector<std::pair<double, std::string>> ranked;
  for (const std::string& word : distinct) {
    Xapian::doccount frequency = db.get_termfreq(word);
    if (!stem.is_none()) frequency = std::max(frequency, db.get_termfreq(schema::StemmedTerm(stem, word)));
    frequency = std::max(frequency, db.get_termfreq(std::string(schema::kFolded) + StripAccents(word)));
    const double idf = frequency == 0 ? -1.0 : std::log(1.0 + (documents - frequency + 0.5) / (frequency + 0.5));
    ranked.emplace_back(idf, word);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  ranked.resize(max_words);
  std::set<std::string> kept;
  for (const auto& entry : ranked) kept.insert(entry.second);
  std::string selected;
  for (const std::string& word : content) {
    if (kept.count(word) == 0) continue;
    if (!selected.empty()) selected += ' ';
    selected += word;
  }
  return selected;
}

// Keeps the words up to the kMaxQueryTerms-th one that is not a stop word:
// stop words are dropped by the parser anyway and must not use up the budget
// of a long pasted question.
std::string LimitTerms(const std::string& text, const Xapian::Stopper* stopper) {
  std::istringstream words(text);
  std::string word;
  std::string limited;
  size_t count = 0;
  while (count < kMaxQueryTerms && words >> word) {
    if (!limited.empty()) limited += ' ';
    limited += word;
    if (stopper == nullptr || !(*stopper)(word)) ++count;
  }
  return limited;
}

Xapian::Query TextQuery(const Xapian::Database& db, const std::string& normalized, const Analyzer& analyzer,
                        Xapian::Stem& stem, Xapian::QueryParser& parser, TextQueryOptions options) {
  // A separately weighted exact reading was measured too and only cost nDCG
  // (helpdex eval, all sets): ranking the typed form above other forms of the
  // same word does not help.
  // Normalisation lower-cases AND/OR/NOT, so only phrases and +/- remain as
  // syntax. Spelling correction reads the public database's dictionary only.
  const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_LOVEHATE;
  const unsigned spelling =
      options.spelling_correction ? static_cast<unsigned>(Xapian::QueryParser::FLAG_SPELLING_CORRECTION) : 0u;
  std::vector<Xapian::Query> readings;

  const Xapian::Database& lexicon = options.lexicon != nullptr ? *options.lexicon : db;
  ConfigureParser(lexicon, parser, analyzer);
  parser.set_stemmer(stem);
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  readings.push_back(ParseLeniently(parser, normalized, flags | kSynonymFlags | spelling));

  Xapian::QueryParser folded;
  ConfigureParser(lexicon, folded, analyzer);
  folded.add_prefix("", std::string(schema::kFolded));
  Xapian::Query accentless =
      options.accentless ? ParseLeniently(folded, StripAccents(normalized), flags) : Xapian::Query();
  if (!accentless.empty()) {
    readings.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, accentless, kFoldedWeight);
  }
  if (analyzer.splits_compounds()) {
    Xapian::Query compounds = CompoundQuery(db, Words(normalized), stem, analyzer.stopper());
    if (!compounds.empty()) {
      readings.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, compounds, kCompoundWeight);
    }
  }
  // The title again, on its own: a document whose title says what the query
  // says (an FAQ's question) ranks above one that only mentions the words.
  Xapian::QueryParser title;
  ConfigureParser(lexicon, title, analyzer);
  title.set_stemmer(stem);
  title.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  title.add_prefix("", std::string(schema::kTitle));
  Xapian::Query title_query = ParseLeniently(title, normalized, flags);
  if (!title_query.empty()) {
    readings.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, title_query, kTitleReadingWeight);
  }
  Xapian::Query proximity = options.proximity ? AdjacentPairs(normalized, analyzer, stem) : Xapian::Query();
  if (!proximity.empty()) readings.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, proximity, kProximityWeight);
  if (Xapian::Query learned = LearnedReading(normalized, analyzer, stem); !learned.empty()) readings.push_back(learned);
  return Xapian::Query(Xapian::Query::OP_OR, readings.begin(), readings.end());
}

}  // namespace helpdex::search

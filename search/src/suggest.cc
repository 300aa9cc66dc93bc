#include "suggest.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/spelling.h"
#include "helpdex/search/text.h"
#include "completion_index.h"
#include "compounds.h"
#include "record_views.h"
#include "portable_match.h"
#include "ranked_match.h"
#include "relevance_floor.h"
#include "text_query.h"

namespace helpdex::search {
namespace {

// Suggestions start at the third typed character: fewer match too much.
constexpr size_t kMinCodePoints = 3;
// More content words than this is a pasted paragraph, reduced to key terms.
constexpr size_t kLongTextWords = 8;
// Bounds on the work per keystroke, whatever the input (platform.md B2 #6).
constexpr size_t kMaxWordsConsidered = 200;   // words of a pasted paragraph looked up
// Key terms kept of a paragraph. helpdex eval --suggest, SemEval questions
// answered at the end: 10 terms OR-ed 0.673; read like a query (TextQuery)
// 0.789 with 20 terms, 0.798 with 32 and the accentless reading, which cost
// 4x the time per call on SemEval comments (13,543 documents).
constexpr size_t kMaxKeyTerms = 20;
constexpr Xapian::termcount kMaxExpansion = 30;  // terms a partial last word expands to
// Terms with the typed prefix looked at to choose them: a three-letter prefix
// on a large index starts thousands of words.
constexpr size_t kMaxPrefixScan = 5000;
constexpr size_t kMaxCompletionTerms = 50;    // completion terms looked at
constexpr size_t kCompletionSuffixes = 4;     // trailing word runs tried as completion prefixes
// Typo tolerance: words of this many letters or more, one edit.
constexpr size_t kMinTypoLetters = 5;
constexpr unsigned kMaxTypoEdits = 1;
constexpr size_t kCompletionBytes = 180;      // well under Xapian's 245-byte term limit
constexpr size_t kFallbackAnswerBytes = 200;
// Same weights as Search's readings (measured there).
constexpr double kFoldedWeight = 0.3;
constexpr double kTitleWeight = 0.3;
// Weight of the partial last word's readings against whole words: a prefix
// says less than a finished word. helpdex eval --suggest, mean typed fraction
// at 1.0 / 0.8 / 0.6: stackfaq 0.559 / - / 0.536, norquad 0.484 / 0.486 / 0.490;
// answered at half on norquad 0.655 / 0.650 / 0.631.
constexpr double kPrefixWeight = 0.8;

std::string JoinWords(const std::vector<std::string>& words, size_t from = 0) {
  std::string joined;
  for (size_t i = from; i < words.size(); ++i) {
    if (!joined.empty()) joined += ' ';
    joined += words[i];
  }
  return joined;
}

bool IsStopWord(const Analyzer& analyzer, const std::string& word) {
  return analyzer.stopper() != nullptr && (*analyzer.stopper())(word);
}

class Suggester {
 public:
  struct Found {
    std::string text;
    std::string key;
    bool in_page_language = false;
    bool title = false;
    Xapian::doccount freq = 0;
    size_t start = 0;  // first typed word the title starts with
    size_t order = 0;
  };

  Suggester(const Xapian::Database& db, const CompletionIndex& completions, const Viewer& viewer,
            const SuggestRequest& request, const Xapian::Database* lexicon, bool portable)
      : db_(db), lexicon_(lexicon), portable_(portable), completions_(completions), viewer_(viewer), request_(request) {}

  SuggestResponse Run() {
    SuggestResponse response;
    response.text = request_.text;
    const std::string trimmed(Trim(request_.text));
    if (CountCodePoints(trimmed) < kMinCodePoints) return response;

    const std::string normalized_raw = NormalizeText(trimmed);
    const std::vector<std::string> raw_words = Words(normalized_raw);
    // Content words: stop words of the page's language (or of none) do not make a text long.
    const Analyzer& page_analyzer = request_.language ? AnalyzerFor(*request_.language) : NeutralAnalyzer();
    size_t content = 0;
    for (size_t i = 0; i < raw_words.size() && i < kMaxWordsConsidered; ++i) {
      if (CountCodePoints(raw_words[i]) >= 3 && !IsStopWord(page_analyzer, raw_words[i])) ++content;
    }
    const bool long_text = content > kLongTextWords;

    // The page's language first; a pasted paragraph says what it is written in.
    std::optional<Language> language = request_.only_language ? request_.only_language : request_.language;
    if (!request_.only_language && (long_text || !language)) {
      if (std::optional<Language> detected = DetectLanguage(trimmed)) language = detected;
    }
    language_ = language;
    const Analyzer& analyzer = language ? AnalyzerFor(*language) : NeutralAnalyzer();
    stem_ = analyzer.MakeStemmer();
    const std::string normalized = analyzer.Normalize(trimmed);
    std::vector<std::string> words = Words(normalized);
    if (words.empty()) return response;
    // The last word is typed on only when nothing (space, punctuation) follows it.
    const std::string after = analyzer.Normalize(request_.text);
    const bool partial = !long_text && !after.empty() && after.ends_with(words.back());

    const Xapian::Query query = long_text ? KeyTermQuery(words, analyzer) : TypedQuery(words, partial, analyzer);
    const size_t max_answers = std::min(request_.max_answers, kMaxAnswerCards);
    const size_t max_completions = std::min(request_.max_completions, kMaxCompletions);
    if (!query.empty() && max_answers + max_completions > 0) {
      response.answers = Answers(query, std::max<size_t>(max_answers, 1));
    }
    if (!long_text) response.completions = PrefixCompletions(words, partial, max_completions);
    // Too few titles start with what is typed: the answers' titles complete it.
    for (const AnswerCard& card : response.answers) {
      if (response.completions.size() >= max_completions) break;
      if (!PageLanguage().empty() && card.lang != PageLanguage()) continue;
      const bool seen = std::any_of(response.completions.begin(), response.completions.end(),
                                    [&](const std::string& c) { return NormalizeText(c) == NormalizeText(card.title); });
      if (!seen) response.completions.push_back(card.title);
    }
    if (response.answers.size() > max_answers) response.answers.resize(max_answers);
    return response;
  }

 private:
  // A whole word as typed, or its spelling correction when it has five
  // letters or more and neither the index (in any form: "passwords" is no
  // typo) nor the dictionary of the text's language knows it; the correction
  // must be a word of that language (spelling.h: never "tofactor" on an
  // English page into the Norwegian "tofaktor").
  std::string Corrected(const std::string& word, const Analyzer& analyzer) {
    if (CountCodePoints(word) < kMinTypoLetters) return word;
    std::optional<std::string> corrected =
        CorrectedTerm(db_, request_.text, word, SpellingLanguageOf(analyzer), kMaxTypoEdits, lexicon_);
    return corrected ? *corrected : word;
  }

  // Whole words read as Search reads them (TextQuery: stemmed, accentless,
  // compounds, the title alone, neighbouring words side by side), with their
  // typos corrected; the last word, while typed on, is also a prefix.
  Xapian::Query TypedQuery(const std::vector<std::string>& words, bool partial, const Analyzer& analyzer) {
    const size_t count = std::min(words.size(), kMaxQueryTerms);
    const size_t first = words.size() - count;  // keep the last words: the last one is being typed
    std::vector<std::string> whole;
    for (size_t i = first; i < words.size(); ++i) {
      const bool last = i + 1 == words.size();
      if (last && partial) break;
      // Stop words of a text with other words are noise (QueryParser keeps
      // them when a text has nothing else, as "who was" has while typed on).
      if (words.size() > 1 && IsStopWord(analyzer, words[i])) continue;
      whole.push_back(Corrected(words[i], analyzer));
    }
    std::vector<Xapian::Query> readings;
    std::optional<Xapian::Query> prefix;
    if (partial) {
      const std::string& word = words.back();
      const bool known_prefix = db_.allterms_begin(word) != db_.allterms_end(word);
      if (!known_prefix) {
        // Not the start of any word: perhaps a typo in a finished word ("passwrod").
        whole.push_back(Corrected(word, analyzer));
      } else {
        prefix = PrefixQuery(word);
      }
    }
    floor_words_ = QueryCoverage::Of(db_, JoinWords(whole), analyzer, stem_, kMaxQueryTerms, request_.text, lexicon_);
    // The word being typed counts too, as the start of the words it may become.
    // (Not when it is already a whole stop word: "min", "my" say nothing.)
    if (prefix && !IsStopWord(analyzer, words.back())) floor_words_->AddPrefix(db_, prefix_completions_);
    if (!whole.empty()) {
      Xapian::QueryParser parser;
      Xapian::Query text =
          TextQuery(db_, JoinWords(whole), analyzer, stem_, parser, {.spelling_correction = false, .lexicon = lexicon_});
      if (!text.empty()) readings.push_back(text);
    }
    if (prefix) readings.push_back(*prefix);
    return Xapian::Query(Xapian::Query::OP_OR, readings.begin(), readings.end());
  }

  // A partial word: the words it starts (the most frequent kMaxExpansion
  // unstemmed ones, one synonym group), in titles too and without accents.
  // The expansions are the relevance floor's too (prefix_completions_).
  Xapian::Query PrefixQuery(const std::string& word) {
    const std::vector<std::string> plain = MostFrequentWithPrefix(word);
    const std::vector<std::string> folded = MostFrequentWithPrefix(std::string(schema::kFolded) + StripAccents(word));
    prefix_completions_ = plain;
    prefix_completions_.insert(prefix_completions_.end(), folded.begin(), folded.end());
    std::vector<Xapian::Query> readings;
    readings.push_back(Synonyms(plain));
    // The word may be finished already: its inflections too (like FLAG_PARTIAL).
    if (!stem_.is_none()) readings.emplace_back(schema::StemmedTerm(stem_, word));
    readings.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                          Synonyms(MostFrequentWithPrefix(std::string(schema::kTitle) + word)), kTitleWeight);
    readings.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Synonyms(folded), kFoldedWeight);
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                         Xapian::Query(Xapian::Query::OP_OR, readings.begin(), readings.end()), kPrefixWeight);
  }

  // The kMaxExpansion most frequent terms starting with `prefix` (ties: the
  // first in term order), what OP_WILDCARD with WILDCARD_LIMIT_MOST_FREQUENT
  // expands to, looking at no more than kMaxPrefixScan terms.
  std::vector<std::string> MostFrequentWithPrefix(const std::string& prefix) {
    std::vector<std::pair<Xapian::doccount, std::string>> found;
    size_t scanned = 0;
    for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix) && scanned < kMaxPrefixScan;
         ++it, ++scanned) {
      found.emplace_back(it.get_termfreq(), *it);
    }
    const size_t kept = std::min<size_t>(found.size(), kMaxExpansion);
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(kept), found.end(),
                      [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::vector<std::string> terms;
    for (size_t i = 0; i < kept; ++i) terms.push_back(std::move(found[i].second));
    return terms;
  }

  static Xapian::Query Synonyms(const std::vector<std::string>& terms) {
    return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
  }

  // A pasted paragraph: its key words (highest IDF in the index, repeated
  // words a little higher), kept in the order written, read as Search reads
  // a query (TextQuery) but without the proximity and accentless readings,
  // which cost the most time with this many words; BM25 rewards documents
  // with many of them.
  Xapian::Query KeyTermQuery(const std::vector<std::string>& words, const Analyzer& analyzer) {
    std::map<std::string, size_t> counts;  // term -> occurrences in the text
    std::vector<std::string> order;
    std::vector<std::string> term_of(words.size());  // each word's term ("" for none)
    for (size_t i = 0; i < words.size() && i < kMaxWordsConsidered; ++i) {
      const std::string& word = words[i];
      if (CountCodePoints(word) < 3 || IsStopWord(analyzer, word)) continue;
      std::string term = stem_.is_none() ? word : schema::StemmedTerm(stem_, word);
      if (counts.count(term) == 0 && db_.get_termfreq(term) == 0) {
        term = std::string(schema::kFolded) + StripAccents(word);  // typed without accents?
      }
      term_of[i] = term;
      if (counts[term]++ == 0) order.push_back(term);
    }
    const double documents = std::max<double>(db_.get_doccount(), 1);
    std::vector<std::pair<double, std::string>> ranked;
    for (const std::string& term : order) {
      const Xapian::doccount freq = db_.get_termfreq(term);
      if (freq == 0) continue;
      const double idf = std::log((documents + 1) / freq);
      ranked.emplace_back(idf * (1 + std::log(static_cast<double>(counts[term]))), term);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (ranked.size() > kMaxKeyTerms) ranked.resize(kMaxKeyTerms);
    std::set<std::string> kept;
    for (const auto& [score, term] : ranked) kept.insert(term);
    // The key words in the order written (each occurrence: neighbours stay neighbours).
    std::vector<std::string> key_words;
    for (size_t i = 0; i < term_of.size(); ++i) {
      if (!term_of[i].empty() && kept.count(term_of[i]) > 0) key_words.push_back(words[i]);
    }
    Xapian::QueryParser parser;
    floor_words_ = QueryCoverage::Of(db_, JoinWords(key_words), analyzer, stem_, kMaxKeyTerms, request_.text, lexicon_);
    return TextQuery(db_, LimitTerms(JoinWords(key_words), analyzer.stopper()), analyzer, stem_, parser,
                     {.spelling_correction = false, .proximity = false, .accentless = false, .lexicon = lexicon_});
  }

  // Answer cards are articles the viewer may see.
  Xapian::Query Visible() const {
    Xapian::Query visible(Xapian::Query::OP_AND, VisibleTo(viewer_),
                          Xapian::Query(schema::Term(schema::kType, schema::kTypeArticle)));
    if (!request_.only_language) return visible;
    return Xapian::Query(Xapian::Query::OP_AND, visible,
                         Xapian::Query(schema::Term(schema::kLanguage, LanguageCode(*request_.only_language))));
  }

  // The language cards and completions are preferred in: the text's own
  // when it clearly says one, else the page's.
  std::string PageLanguage() const {
    return language_ ? std::string(LanguageCode(*language_)) : std::string();
  }

  // The answer card of a document, or nullopt if its record cannot be read.
  std::optional<AnswerCard> Card(const Xapian::Document& doc, double score) {
    Result<DisplayRecord> record = ReadDisplayRecord(doc);
    if (!record.ok()) return std::nullopt;
    AnswerCard card;
    card.id = record->id;
    card.title = record->title;
    card.url = DocumentUrl(*record);
    card.lang = std::string(LanguageCode(record->language));
    card.score = score;
    std::string answer = AnswerText(*record);
    if (!answer.empty()) {
      card.answer = std::move(answer);
      card.answer_html = AnswerHtml(*record);
    } else {
      // No vetted answer: the opening text, so that a card always says something.
      card.answer = OpeningText(*record, kFallbackAnswerBytes);
      card.answer_html = EscapeHtml(card.answer);
    }
    return card;
  }

  // One card per article (translations collapse), the page's language first:
  // another language's card only after every card in it, and an article
  // found through another language's words shown in the page's language
  // when it has a version there.
  std::vector<AnswerCard> Answers(const Xapian::Query& query, size_t wanted) {
    const std::string page = PageLanguage();
    Xapian::Query visible(Xapian::Query::OP_FILTER, query, Visible());
    // The relevance floor over the finished words (a partial last word says
    // too little to judge by): an off-topic question gets no cards.
    std::optional<CoverageFloor> floor;
    if (floor_words_ && !floor_words_->empty()) {
      if (floor_words_->MayBeOffTopic()) {
        if (!AnyAnswers(db_, visible, *floor_words_, portable_)) return {};
      }
      if (floor_words_->RequiredShare() > 0) {
        visible = ApplyFloor(db_, visible, *floor_words_, floor_words_->RequiredShare(), portable_, floor);
      }
    }
    const RankedPage ranked = RankedMatch(db_, visible, 0, static_cast<Xapian::doccount>(wanted),
                                          {page, /*collapse=*/true, floor ? &*floor : nullptr, portable_});
    std::vector<AnswerCard> cards;
    for (const RankedHit& hit : ranked.hits) {
      Xapian::Document doc = hit.document;
      if (!page.empty() && doc.get_value(schema::kSlotLanguage) != page) {
        const Xapian::docid version = VersionIn(db_, viewer_, doc.get_value(schema::kSlotTranslationKey), page);
        if (version != 0) doc = db_.get_document(version);
      }
      std::optional<AnswerCard> card = Card(doc, hit.weight);
      if (card) cards.push_back(std::move(*card));
    }
    return cards;
  }

  // Titles and headings that start with the typed text, or with its last
  // words ("I forgot my passw" -> "Password reset"), from the kCompletion
  // terms; each shown as written, found through one of its documents.
  std::vector<std::string> PrefixCompletions(const std::vector<std::string>& words, bool partial, size_t wanted) {
    std::vector<Found> found;
    std::set<std::string> keys;
    size_t looked_at = 0;
    const std::string page = PageLanguage();
    // The whole text, then its last kCompletionSuffixes words, 3, 2 and 1.
    std::vector<size_t> starts{0};
    for (size_t run = std::min(kCompletionSuffixes, words.size() - 1); run > 0; --run) starts.push_back(words.size() - run);
    for (size_t from : starts) {
      if (looked_at >= kMaxCompletionTerms) break;
      const std::string typed = JoinWords(words, from);
      if (CountCodePoints(typed) < kMinCodePoints) break;
      // A finished last word must end a word of the title too.
      std::string prefix = CompletionTerm(typed);
      if (prefix.empty()) break;
      const std::string exact = prefix;
      if (!partial) prefix += ' ';
      std::vector<const CompletionIndex::Entry*> entries;
      if (!partial) {
        if (const CompletionIndex::Entry* whole = completions_.Find(exact)) {
          entries.push_back(whole);
          ++looked_at;
        }
      }
      completions_.ForEachWithPrefix(prefix, kMaxCompletionTerms - std::min(looked_at, kMaxCompletionTerms),
                                     [&](const CompletionIndex::Entry& entry) {
                                       entries.push_back(&entry);
                                       ++looked_at;
                                     });
      for (const CompletionIndex::Entry* entry : entries) {
        if (!keys.insert(entry->term).second) continue;
        const CompletionIndex::Variant& shown = CompletionIndex::ShownIn(*entry, page);
        found.push_back(Found{shown.text, entry->term, !page.empty() && shown.lang == page, shown.title, entry->freq,
                              from, found.size()});
      }
    }
    std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
      if (a.in_page_language != b.in_page_language) return a.in_page_language;
      if (a.start != b.start) return a.start < b.start;  // more of the typed text matched
      if (a.title != b.title) return a.title;
      if (a.freq != b.freq) return a.freq > b.freq;
      return a.order < b.order;
    });
    std::vector<std::string> completions;
    for (const Found& item : found) {
      if (completions.size() >= wanted) break;
      // A title in another language completes nothing the customer is typing.
      if (!page.empty() && !item.in_page_language) continue;
      completions.push_back(item.text);
    }
    return completions;
  }

  const Xapian::Database& db_;
  const Xapian::Database* lexicon_;  // spelling and synonyms; null: db_
  bool portable_;                    // db_ has remote shards
  const CompletionIndex& completions_;
  Viewer viewer_;
  const SuggestRequest& request_;
  Xapian::Stem stem_;
  std::optional<Language> language_;          // the text's analysis and preferred language
  std::optional<QueryCoverage> floor_words_;  // the finished words, for the relevance floor
  std::vector<std::string> prefix_completions_;  // what the partial last word expands to
};

}  // namespace

std::string CompletionTerm(std::string_view normalized) {
  const std::string words = JoinWords(Words(normalized));
  if (words.empty()) return "";
  return std::string(schema::kCompletion) + CutUtf8(words, kCompletionBytes);
}

Result<SuggestResponse> SuggestIn(const Xapian::Database& db, const CompletionIndex& completions, const Viewer& viewer,
                                  const SuggestRequest& request, const Xapian::Database* lexicon, bool portable) {
  // The same limits as Search: too long, invalid UTF-8.
  Result<SearchRequest> checked = NormalizeRequest(SearchRequest{.query = request.text});
  if (!checked.ok()) return checked.error();
  return Suggester(db, completions, viewer, request, lexicon, portable).Run();
}

}  // namespace helpdex::search

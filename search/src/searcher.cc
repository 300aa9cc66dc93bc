#include "helpdex/search/searcher.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <sstream>
#include <unordered_map>

#include "helpdex/search/analysis.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/spelling.h"
#include "helpdex/search/text.h"
#include "helpdex/search/xapian_error.h"
#include "completion_index.h"
#include "compounds.h"
#include "operator_stub.h"
#include "portable_match.h"
#include "ranked_match.h"
#include "record_views.h"
#include "response_cache.h"
#include "relevance_floor.h"
#include "suggest.h"
#include "text_query.h"

namespace helpdex::search {
namespace {

// The facet count's safety net (Enquire::set_time_limit): after this long
// Xapian stops checking matches beyond those the page needs, and the counts
// are of the matches examined so far. Xapian 1.4's limit only lifts
// check_at_least, which is what makes counting slow; a plain match ignores it.
constexpr double kFacetTimeLimit = 0.1;
constexpr size_t kSnippetBytes = 240;
// The text of a section MSet::snippet reads: it tokenises and stems all it is
// given, and a forum thread's one section can be 50 KB. Snippets were 21% of
// /api/search on 100,000 documents (tools/bench/README.md, issue 15). A
// match further in is shown from the section's start, its link still goes to
// the section.
constexpr size_t kSnippetScanBytes = 16 * 1024;
// "More like this": how many of a document's terms describe it, and how many
// related articles each agent-console result shows.
constexpr Xapian::termcount kRelatedTerms = 20;
constexpr size_t kRelatedPerResult = 3;
// How many of a ticket's distinctive terms its coverage by articles is read from.
constexpr Xapian::termcount kCoverageTerms = 20;
// ... and how many articles together may cover it.
constexpr Xapian::doccount kCoveringArticles = 1;

// Counts each '\n'-separated value of a slot: one document can carry several
// tags. Counts an article once, not once per translation (the results are one
// per article): a document whose translation key was seen before is skipped.
class MultiValueCountSpy : public Xapian::MatchSpy {
 public:
  MultiValueCountSpy(Xapian::valueno slot, bool per_article) : slot_(slot), per_article_(per_article) {}
  void operator()(const Xapian::Document& doc, double) override {
    if (per_article_) {
      const std::string key = doc.get_value(schema::kSlotTranslationKey);
      if (!key.empty() && !articles_.insert(key).second) return;
    }
    const std::string joined = doc.get_value(slot_);
    size_t start = 0;
    while (start < joined.size()) {
      size_t end = joined.find('\n', start);
      if (end == std::string::npos) end = joined.size();
      if (end > start) ++counts_[joined.substr(start, end - start)];
      start = end + 1;
    }
  }
  const std::map<std::string, size_t>& counts() const { return counts_; }

 private:
  Xapian::valueno slot_;
  bool per_article_;
  std::map<std::string, size_t> counts_;
  std::set<std::string> articles_;  // translation keys counted
};

std::map<std::string, size_t> SpyCounts(const Xapian::ValueCountMatchSpy& spy) {
  std::map<std::string, size_t> counts;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    if (!(*it).empty()) counts[*it] = it.get_termfreq();
  }
  return counts;
}

size_t CountMarks(const std::string& snippet) {
  size_t count = 0;
  for (size_t pos = snippet.find("<mark>"); pos != std::string::npos; pos = snippet.find("<mark>", pos + 6)) {
    ++count;
  }
  return count;
}

// The terms "more like this" may use: words (exact, or stemmed with the "Z"
// prefix) of three bytes or more that are not stop words or numbers.
class WordTerms : public Xapian::ExpandDecider {
 public:
  explicit WordTerms(const Xapian::Stopper* stopper) : stopper_(stopper) {}
  bool operator()(const std::string& term) const override {
    if (term.empty()) return false;
    // Exact words start with a lower-case or non-ASCII byte; stemmed ones with "Z".
    std::string_view word = term;
    if (term[0] == schema::kStemmed[0]) {
      word.remove_prefix(1);
    } else if (term[0] >= 'A' && term[0] <= 'Z') {
      return false;
    }
    if (word.size() < 3 || std::isdigit(static_cast<unsigned char>(word[0])) != 0) return false;
    return stopper_ == nullptr || !(*stopper_)(std::string(word));
  }

 private:
  const Xapian::Stopper* stopper_;
};

// True when the text has no letters or digits at all (punctuation, emoji,
// "*"): such a query looks for nothing, so it finds nothing.
bool HasNoWords(const std::string& normalized) { return Words(normalized).empty(); }


Xapian::Query FilterAnd(const Xapian::Query& query, const Xapian::Query& filter) {
  return Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
}

// The query's spelling correction (spelling.h), nullopt when it needs none:
// only words that neither the index (in any form) nor the dictionary of the
// query's language knows are corrected, never into another language, and
// the correction is in display spelling ("sıfırlama", not "sifirlama").
// What a lexicon database is (its UUID and revision): the same until its
// generation is replaced. "" when Xapian cannot say.
std::string LexiconSource(const Xapian::Database& lexicon) {
  try {
    return lexicon.get_uuid() + "@" + std::to_string(lexicon.get_revision());
  } catch (const Xapian::Error&) {
    return "";
  }
}

std::optional<std::vector<CorrectedWord>> DidYouMean(const Xapian::Database& db, const Xapian::Database& lexicon,
                                                     const std::string& typed, const Analyzer& analyzer) {
  return CorrectSpelling(db, typed, SpellingLanguageOf(analyzer), &lexicon);
}

// The spelling correction of a query: correcting looks every unknown query
// word up in the index's spelling dictionary (on a large index that was most
// of a search's work: tools/bench/load profiled it at 68% of /api/search on
// 100,000 documents) and may ask Hunspell. It depends only on the text, its
// analysis and the generation, and does not change the parsed query.
// nullopt: no correction.
using Correction = std::optional<std::vector<CorrectedWord>>;
using CorrectionCache = ResponseCache<Correction>;

// The facets and exact total of a query (SearchRequest::with_facets): the
// results page asks again for every page of the same query.
struct FacetCounts {
  std::map<std::string, std::map<std::string, size_t>> facets;
  size_t total = 0;
};
using FacetCache = ResponseCache<FacetCounts>;
// Entries of each of the two caches above.
constexpr size_t kWorkCacheEntries = 4096;

// Every field of a request that changes its response, as one cache key.
std::string CacheKey(const SearchRequest& request) {
  std::string key = "s\x1f" + request.query;
  auto add = [&key](std::string_view field) {
    key += '\x1f';
    key += field;
  };
  add(request.language ? LanguageCode(*request.language) : "-");
  add(request.query_language ? LanguageCode(*request.query_language) : "-");
  for (const std::string& tag : request.tags) add("t" + tag);
  add("c" + request.category);
  add(request.type);
  add(std::to_string(request.page) + "," + std::to_string(request.page_size));
  add(std::string(request.with_reply_material ? "r" : "-") + (request.with_facets ? "f" : "-") +
      (request.retry_with_correction ? "c" : "-"));
  return key;
}

std::string CacheKey(const SuggestRequest& request) {
  std::string key = "g\x1f" + request.text;
  key += '\x1f';
  key += request.language ? LanguageCode(*request.language) : "-";
  key += '\x1f';
  key += request.only_language ? LanguageCode(*request.only_language) : "-";
  key += '\x1f' + std::to_string(request.max_completions) + "," + std::to_string(request.max_answers);
  // The past searches it was made from: their set and its version.
  if (request.past_searches) {
    key += '\x1f' + std::to_string(reinterpret_cast<std::uintptr_t>(request.past_searches.get())) + "," +
           std::to_string(request.past_searches->version());
  }
  return key;
}

}  // namespace

Result<SearchRequest> NormalizeRequest(SearchRequest request) {
  if (request.query.size() > kMaxQueryBytes) {
    return Error{ErrorCode::kQueryTooLong,
                 "the query is " + std::to_string(request.query.size()) + " bytes; the limit is " +
                     std::to_string(kMaxQueryBytes),
                 "q"};
  }
  if (!IsValidUtf8(request.query) || request.query.find('\0') != std::string::npos) {
    return Error{ErrorCode::kInvalidInput, "the query is not valid UTF-8 text", "q"};
  }
  for (const std::string& tag : request.tags) {
    if (tag.size() > 100 || !IsValidUtf8(tag)) {
      return Error{ErrorCode::kInvalidInput, "a tag must be valid UTF-8 of at most 100 bytes", "tag"};
    }
  }
  if (!request.type.empty() && request.type != schema::kTypeArticle && request.type != schema::kTypeTicket) {
    return Error{ErrorCode::kInvalidInput, "type must be 'article' or 'ticket'", "type"};
  }
  if (request.category.size() > 100 || !IsValidUtf8(request.category)) {
    return Error{ErrorCode::kInvalidInput, "a category must be valid UTF-8 of at most 100 bytes", "category"};
  }
  request.page = std::clamp(request.page, 1, kMaxPage);
  request.page_size = std::clamp(request.page_size, 1, kMaxPageSize);
  return request;
}

// ---------------------------------------------------------------------------
// Searcher

struct Searcher::Impl {
  Xapian::Database db;
  // Spelling, synonyms and completions: `db` itself, except over remote
  // shards (an operator stub), which serve none of them: then the local
  // DIR/lexicon/<view> (Index::State::OpenOperatorStub).
  Xapian::Database lexicon;
  // Over an operator's stub: LexiconSource(lexicon), which the completions
  // are kept by while the epoch moves (GenerationCompletions::For).
  std::string lexicon_source;
  // `db` has remote sub-databases, which take no MatchDecider and no custom
  // MatchSpy: every match that needs one is portable (portable_match.h).
  bool portable = false;
  Viewer viewer;
  long generation = 0;
  // The Index's count of generations seen (Index::State::epoch): the key of
  // the shared caches, which a generation replaced under the same number
  // must not answer from.
  long epoch = 0;
  // A read failed with kIndexUnavailable: never back into the pool.
  bool broken = false;

  // `result`, noting a failed read (broken).
  template <class R>
  R Note(R result) {
    if (!result.ok() && result.error().code == ErrorCode::kIndexUnavailable) broken = true;
    return result;
  }
  std::string where;  // the generation's directory, for errors ("var/index/gen-000042")
  std::shared_ptr<CorrectionCache> corrections;  // shared by the Index's Searchers
  std::shared_ptr<FacetCache> facet_counts;      // likewise
  std::shared_ptr<GenerationCompletions> completions;  // likewise

  // The readings of the query (TextQuery, shared with Suggest).
  // `stem` is the analyzer's stemmer, made once per query (a libstemmer one
  // allocates); Xapian::Stem handles share it.
  // `corrected` receives the spelling correction of the query (nullopt = none).
  Xapian::Query ParseQuery(const std::string& text, const Analyzer& analyzer, Xapian::Stem& stem,
                           Xapian::QueryParser& parser, Correction& corrected) {
    Xapian::Query query = ReadText(text, analyzer, stem, parser);
    // A query seen before on this generation needs no dictionary lookups: its
    // correction is cached. The analyzers are static objects: their address
    // names the analysis. The text as typed is the key: the correction keeps
    // its spelling.
    const std::string correction_key = std::to_string(reinterpret_cast<std::uintptr_t>(&analyzer)) + '\n' + text;
    std::optional<Correction> known;
    if (corrections) known = corrections->Find(correction_key, epoch);
    if (known) {
      corrected = *known;
    } else {
      corrected = DidYouMean(db, lexicon, text, analyzer);
      if (corrections) corrections->Store(correction_key, epoch, corrected);
    }
    return query;
  }

  // The readings of `text` without its spelling correction (ParseQuery).
  Xapian::Query ReadText(const std::string& text, const Analyzer& analyzer, Xapian::Stem& stem,
                         Xapian::QueryParser& parser) {
    const std::string normalized = KeyWords(db, analyzer.Normalize(text), analyzer.stopper(), stem, kMaxQueryTerms);
    TextQueryOptions options;
    options.spelling_correction = false;  // DidYouMean corrects, word by word
    options.lexicon = &lexicon;
    return TextQuery(db, normalized, analyzer, stem, parser, options);
  }

  // The language the query is read in: the request's, else the one its text
  // says, else the page's; nullopt when none is known.
  static std::optional<Language> QueryLanguage(const SearchRequest& request) {
    std::optional<Language> query_language = request.language;
    if (!query_language) query_language = DetectLanguage(request.query);
    if (!query_language) query_language = request.query_language;
    return query_language;
  }

  // The query SearchOnce gives Xapian for `raw`, described by Xapian.
  Result<std::string> DescribeQuery(const SearchRequest& raw) {
    Result<SearchRequest> checked = NormalizeRequest(raw);
    if (!checked.ok()) return checked.error();
    const SearchRequest& request = *checked;
    const std::optional<Language> query_language = QueryLanguage(request);
    const Analyzer& analyzer = query_language ? AnalyzerFor(*query_language) : NeutralAnalyzer();
    const std::string normalized = analyzer.Normalize(request.query);
    const bool listing = CollapseWhitespace(normalized).empty();
    if (!listing && HasNoWords(normalized)) return Xapian::Query().get_description();
    Xapian::QueryParser parser;
    Xapian::Stem stemmer = analyzer.MakeStemmer();
    Xapian::Query text_query = ReadText(request.query, analyzer, stemmer, parser);
    if (text_query.empty() && !listing) return Xapian::Query().get_description();
    if (text_query.empty()) text_query = Xapian::Query::MatchAll;
    return FilterAnd(text_query, Filters(request)).get_description();
  }

  Xapian::Query Filters(const SearchRequest& request) const {
    std::vector<Xapian::Query> filters{VisibleTo(viewer)};
    if (request.language) {
      filters.emplace_back(schema::Term(schema::kLanguage, LanguageCode(*request.language)));
    }
    for (const std::string& tag : request.tags) filters.emplace_back(schema::Term(schema::kTag, tag));
    if (!request.category.empty()) filters.emplace_back(schema::Term(schema::kCategory, request.category));
    if (!request.type.empty()) filters.emplace_back(schema::Term(schema::kType, request.type));
    return Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
  }

  // The snippet of the section that matches the query best, and that section.
  std::pair<std::string, const Section*> BestSnippet(const Xapian::MSet& mset, const DisplayRecord& record,
                                                     const Xapian::Stem& stemmer, bool has_query) {
    const Section* best = nullptr;
    std::string best_snippet;
    size_t best_marks = 0;
    if (has_query) {
      for (const Section& section : record.sections) {
        std::string snippet = mset.snippet(CutUtf8(section.text, kSnippetScanBytes), kSnippetBytes, stemmer,
                                           Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                                               Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH,
                                           "<mark>", "</mark>", "…");
        const size_t marks = CountMarks(snippet);
        if (marks > best_marks) {
          best_marks = marks;
          best = &section;
          best_snippet = std::move(snippet);
        }
      }
    }
    if (best != nullptr) return {best_snippet, best};
    // Nothing in the body matched (a title-only match): show the opening text.
    const std::string opening = record.sections.empty() ? record.answer : record.sections.front().text;
    // Nothing to look for in it: its start is enough.
    return {mset.snippet(CutUtf8(opening, 4 * kSnippetBytes), kSnippetBytes, stemmer, 0, "<mark>", "</mark>", "…"),
            nullptr};
  }

  SearchResult MakeResult(const DisplayRecord& record, double weight, const Xapian::MSet& mset,
                          const Xapian::Stem& stemmer, bool has_query) {
    SearchResult result;
    result.id = record.id;
    result.type = record.type;
    result.title = record.title;
    result.lang = std::string(LanguageCode(record.language));
    result.url = DocumentUrl(record);
    result.score = weight;
    result.answer = record.answer;
    result.answer_text = AnswerText(record);
    result.answer_html = AnswerHtml(record);
    result.tags = record.tags;
    result.audience = record.audience;
    const DisplayRecord* snippet_source = &record;
    DisplayRecord ticket_parts;
    if (record.type == schema::kTypeTicket) {
      result.problem = record.problem;
      result.resolution = record.resolution;
      result.created = record.created;
      // Snippets come from the problem or the resolution, whichever matches.
      ticket_parts.sections = {Section{"problem", "", record.problem}, Section{"resolution", "", record.resolution}};
      snippet_source = &ticket_parts;
    }
    auto [snippet, section] = BestSnippet(mset, *snippet_source, stemmer, has_query);
    result.snippet = std::move(snippet);
    if (section != nullptr && !section->anchor.empty()) {
      result.url += "#" + section->anchor;
      result.section_title = section->title;
    }
    return result;
  }

  // The agent console's extras for one result: the answer in the article's
  // other languages, and related articles.
  void AddReplyMaterial(SearchResult& result, const DisplayRecord& record, Xapian::docid docid) {
    if (record.type == schema::kTypeTicket) {
      // The console shows the conversation collapsed: one data read per
      // ticket on the page, never on the public path.
      Result<DocumentRecord> whole = ReadDocumentRecord(db.get_document(docid));
      if (whole.ok()) {
        whole->problem = record.problem;
        whole->resolution = record.resolution;
        result.messages = TicketThread(*whole);
      }
    }
    if (!record.translation_key.empty()) {
      const Xapian::Query group(schema::Term(schema::kTranslationKey, record.translation_key));
      for (const DisplayRecord& other : FindDisplayRecords(group, 50)) {
        if (other.id == record.id || other.answer.empty()) continue;
        result.answers.push_back(TranslatedAnswer{
            std::string(LanguageCode(other.language)), other.title, DocumentUrl(other), other.answer,
            AnswerText(other), AnswerHtml(other)});
      }
    }
    result.related = Related(docid, record, kRelatedPerResult);
  }

  // "More like this": the document's most distinctive words (relevance-set
  // expansion over exact and stemmed terms, without stop words) OR-ed, among
  // articles in its language, without the document and its translations.
  std::vector<DocumentLink> Related(Xapian::docid docid, const DisplayRecord& record, size_t limit) {
    const Xapian::ESet eset = DistinctiveTerms(docid, record.language, kRelatedTerms);
    if (eset.empty()) return {};
    std::vector<Xapian::Query> terms;
    for (auto term = eset.begin(); term != eset.end(); ++term) terms.emplace_back(*term);
    Xapian::Query query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    // In the document's language: the agent replies from there, and the
    // translations of each related article are one click away.
    std::vector<Xapian::Query> filters{
        VisibleTo(viewer), Xapian::Query(schema::Term(schema::kType, schema::kTypeArticle)),
        Xapian::Query(schema::Term(schema::kLanguage, LanguageCode(record.language)))};
    Xapian::Query same_document(UniqueIdTerm(record.type, record.id));
    if (!record.translation_key.empty()) {
      same_document = Xapian::Query(Xapian::Query::OP_OR, same_document,
                                    Xapian::Query(schema::Term(schema::kTranslationKey, record.translation_key)));
    }
    query = Xapian::Query(Xapian::Query::OP_AND_NOT,
                          FilterAnd(query, Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end())),
                          same_document);
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_sort_by_relevance_then_value(schema::kSlotId, false);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    std::vector<DocumentLink> links;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Result<DisplayRecord> related = ReadDisplayRecord(it.get_document());
      if (!related.ok()) continue;
      links.push_back(LinkTo(*related));
    }
    return links;
  }

  // The docid of a visible document, or 0.
  Xapian::docid FindDocument(const std::string& type, const std::string& id) {
    Xapian::Enquire enquire(db);
    enquire.set_query(FilterAnd(Xapian::Query(UniqueIdTerm(type, id)),
                                Xapian::Query(Xapian::Query::OP_AND, VisibleTo(viewer),
                                              Xapian::Query(schema::Term(schema::kType, type)))));
    const Xapian::MSet mset = enquire.get_mset(0, 1);
    return mset.empty() ? 0 : *mset.begin();
  }

  Result<DocumentRecord> GetTicket(const std::string& id) {
    const Xapian::docid docid = viewer.agent ? FindDocument(std::string(schema::kTypeTicket), id) : 0;
    if (docid == 0) return Error{ErrorCode::kNotFound, "no ticket with this id", "id"};
    return ReadDocumentRecord(db.get_document(docid));
  }

  // The document's most distinctive words: relevance-set expansion over
  // exact and stemmed terms, without stop words, best first.
  Xapian::ESet DistinctiveTerms(Xapian::docid docid, Language language, Xapian::termcount count) {
    WordTerms decider(AnalyzerFor(language).stopper());
    Xapian::RSet rset;
    rset.add_document(docid);
    Xapian::Enquire enquire(db);
    return enquire.get_eset(count, rset, &decider);
  }

  Result<TicketCoverage> CoverTicket(const std::string& id) {
    const Xapian::docid docid = viewer.agent ? FindDocument(std::string(schema::kTypeTicket), id) : 0;
    if (docid == 0) return Error{ErrorCode::kNotFound, "no ticket with this id", "id"};
    Result<DisplayRecord> ticket = ReadDisplayRecord(db.get_document(docid));
    if (!ticket.ok()) return ticket.error();
    TicketCoverage coverage;
    coverage.ticket_id = id;
    const Xapian::ESet eset = DistinctiveTerms(docid, ticket->language, kCoverageTerms);
    if (eset.empty()) return coverage;
    std::unordered_map<std::string, double> weights;
    double total = 0;
    std::vector<Xapian::Query> terms;
    for (auto term = eset.begin(); term != eset.end(); ++term) {
      weights[*term] = term.get_weight();
      total += term.get_weight();
      terms.emplace_back(*term);
      if ((*term)[0] != schema::kStemmed[0]) coverage.key_terms.push_back(*term);
    }
    const Xapian::Query words(Xapian::Query::OP_OR, terms.begin(), terms.end());
    // What a customer could find: public articles, in the ticket's language
    // when there are any in it.
    const Xapian::Query public_articles(Xapian::Query::OP_AND, VisibleTo(Viewer::Public()),
                                        Xapian::Query(schema::Term(schema::kType, schema::kTypeArticle)));
    const Xapian::Query in_language(Xapian::Query::OP_AND, public_articles,
                                    Xapian::Query(schema::Term(schema::kLanguage, LanguageCode(ticket->language))));
    Xapian::Enquire enquire(db);
    enquire.set_sort_by_relevance_then_value(schema::kSlotId, false);
    enquire.set_query(FilterAnd(words, in_language));
    Xapian::MSet mset = enquire.get_mset(0, kCoveringArticles);
    if (mset.empty()) {
      enquire.set_query(FilterAnd(words, public_articles));
      mset = enquire.get_mset(0, kCoveringArticles);
    }
    if (mset.empty() || total <= 0) return coverage;
    // A problem is often answered by two articles together (a slow site
    // after adding a banner): the words the best few hold between them.
    std::set<std::string> covered;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      covered.insert(enquire.get_matching_terms_begin(it), enquire.get_matching_terms_end(it));
    }
    double matched = 0;
    for (const std::string& term : covered) matched += weights[term];
    coverage.coverage = matched / total;
    Result<DisplayRecord> article = ReadDisplayRecord(mset.begin().get_document());
    if (article.ok()) coverage.best_article = LinkTo(*article);
    return coverage;
  }

  Result<std::vector<DocumentLink>> RelatedArticles(const std::string& type, const std::string& id, size_t limit) {
    const Xapian::docid docid = FindDocument(type, id);
    if (docid == 0) return Error{ErrorCode::kNotFound, "no such document", "id"};
    Result<DisplayRecord> record = ReadDisplayRecord(db.get_document(docid));
    if (!record.ok()) return record.error();
    return Related(docid, *record, std::min<size_t>(limit, 20));
  }

  // A query that finds nothing is retried once: with its spelling correction
  // when it has one, else with the index's nearest words for the words the
  // index does not know ("septicemia" -> "septicemic"); the response says so.
  Result<SearchResponse> Search(const SearchRequest& raw) {
    Result<SearchResponse> typed = SearchOnce(raw);
    if (!typed.ok() || typed->total > 0 || !raw.retry_with_correction) return typed;
    SearchRequest corrected = raw;
    if (typed->did_you_mean) {
      corrected.query = *typed->did_you_mean;
    } else {
      std::optional<Language> language = raw.language;
      if (!language && !typed->query_lang.empty()) language = ParseLanguage(typed->query_lang);
      std::optional<std::vector<CorrectedWord>> nearest = NearestIndexedWords(db, raw.query, language, &lexicon);
      if (!nearest) return typed;
      corrected.query = JoinCorrectedWords(*nearest);
    }
    Result<SearchResponse> retried = SearchOnce(corrected);
    if (!retried.ok() || retried->total == 0) return typed;
    retried->query = typed->query;
    retried->did_you_mean = typed->did_you_mean;
    retried->did_you_mean_words = typed->did_you_mean_words;
    retried->showing_results_for = corrected.query;
    return retried;
  }

  Result<SearchResponse> SearchOnce(const SearchRequest& raw) {
    Result<SearchRequest> checked = NormalizeRequest(raw);
    if (!checked.ok()) return checked.error();
    const SearchRequest& request = *checked;
    const std::optional<Language> query_language = QueryLanguage(request);
    const Analyzer& analyzer = query_language ? AnalyzerFor(*query_language) : NeutralAnalyzer();

    SearchResponse response;
    response.query = request.query;
    response.page = request.page;
    response.page_size = request.page_size;
    if (query_language) response.query_lang = std::string(LanguageCode(*query_language));
    const std::string normalized = analyzer.Normalize(request.query);
    const bool listing = CollapseWhitespace(normalized).empty();  // no text: list what the filters select
    if (!listing && HasNoWords(normalized)) return response;

    Xapian::QueryParser parser;
    Xapian::Stem stemmer = analyzer.MakeStemmer();
    Correction corrected;
    Xapian::Query text_query = ParseQuery(request.query, analyzer, stemmer, parser, corrected);
    if (corrected) {
      response.did_you_mean = JoinCorrectedWords(*corrected);
      response.did_you_mean_words = *corrected;
    }
    const bool has_query = !text_query.empty();
    if (!has_query && !listing) return response;
    if (!has_query) text_query = Xapian::Query::MatchAll;
    Xapian::Query filtered = FilterAnd(text_query, Filters(request));
    if (!has_query) {
      const std::optional<Language> list_language = request.language ? request.language : request.query_language;
      if (list_language) return List(request, *list_language, filtered, stemmer, std::move(response));
    }

    // The relevance floor: documents that hold too little of the question
    // are not results, and a question no document holds enough of is
    // off-topic: no results at all (relevance_floor.h).
    std::optional<QueryCoverage> coverage;
    std::optional<CoverageFloor> floor;
    if (has_query) {
      coverage = QueryCoverage::Of(db, KeyWords(db, normalized, analyzer.stopper(), stemmer, kMaxQueryTerms), analyzer,
                                   stemmer, kMaxQueryTerms, request.query, &lexicon);
      if (!coverage->empty()) {
        if (coverage->MayBeOffTopic() && !AnyAnswers(db, filtered, *coverage, portable)) return response;
        // A verbose question has no floor (RequiredShare 0): no decider at all.
        if (coverage->RequiredShare() > 0) {
          filtered = ApplyFloor(db, filtered, *coverage, coverage->RequiredShare(), portable, floor);
        }
      }
    }

    // The query's language first (the page's, unless the text says another);
    // a filter by language makes every result the same language.
    const std::string preferred = request.language ? std::string() : response.query_lang;
    // One result per article: its translations collapse into the best-placed
    // version, the preferred language's. A listing without a language to
    // prefer lists every version.
    const bool collapsed = has_query || !preferred.empty();
    const Xapian::MatchDecider* decider = floor ? &*floor : nullptr;
    const Xapian::doccount first = static_cast<Xapian::doccount>((request.page - 1) * request.page_size);
    const RankedPage page = RankedMatch(db, filtered, first, static_cast<Xapian::doccount>(request.page_size),
                                        {preferred, collapsed, decider, portable});
    response.total = SmallTotal(filtered, collapsed, decider).value_or(page.estimated);
    if (request.with_facets) {
      const FacetCounts counts = CountFacets(filtered, collapsed, decider, floor ? coverage->RequiredShare() : 0);
      response.facets = counts.facets;
      response.total = counts.total;
      response.facets_counted = true;
    }
    for (const RankedHit& hit : page.hits) {
      Xapian::docid shown = hit.docid;
      Xapian::Document doc = hit.document;
      // Found through another language's words: show the version in the
      // preferred language when the article has one.
      if (!preferred.empty() && doc.get_value(schema::kSlotLanguage) != preferred) {
        if (Xapian::docid version = VersionIn(db, viewer, doc.get_value(schema::kSlotTranslationKey), preferred)) {
          shown = version;
          doc = db.get_document(version);
        }
      }
      // Snippets need the section texts; nothing here needs the body's HTML.
      Result<DisplayRecord> record = ReadDisplayRecord(doc, SectionTexts::kRead);
      if (!record.ok() || record->id.empty()) continue;
      SearchResult result = MakeResult(*record, hit.weight, page.msets[hit.mset], stemmer, has_query);
      result.other_language = !response.query_lang.empty() && result.lang != response.query_lang;
      result.translations = TranslationsOf(doc, shown);
      if (request.with_reply_material) AddReplyMaterial(result, *record, shown);
      response.results.push_back(std::move(result));
    }
    return response;
  }

  // A listing (no query text: a tag's or a category's articles) in one
  // language, in the category files' order (schema::kSlotListOrder). No
  // relevance and no translations to collapse: a plain sorted match, which
  // Xapian also runs over remote shards.
  Result<SearchResponse> List(const SearchRequest& request, Language language, const Xapian::Query& filters,
                              const Xapian::Stem& stemmer, SearchResponse response) {
    const Xapian::Query query =
        FilterAnd(filters, Xapian::Query(schema::Term(schema::kLanguage, LanguageCode(language))));
    response.query_lang = std::string(LanguageCode(language));
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_sort_by_value(schema::kSlotListOrder, false);
    const Xapian::doccount first = static_cast<Xapian::doccount>((request.page - 1) * request.page_size);
    const Xapian::MSet mset = enquire.get_mset(first, static_cast<Xapian::doccount>(request.page_size),
                                               std::min<Xapian::doccount>(db.get_doccount(), kMaxFacetDocuments));
    response.total = mset.get_matches_estimated();
    if (request.with_facets) {
      const FacetCounts counts = CountFacets(query, false, nullptr, 0);
      response.facets = counts.facets;
      response.total = counts.total;
      response.facets_counted = true;
    }
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const Xapian::Document doc = it.get_document();
      Result<DisplayRecord> record = ReadDisplayRecord(doc, SectionTexts::kRead);
      if (!record.ok() || record->id.empty()) continue;
      SearchResult result = MakeResult(*record, 0, mset, stemmer, false);
      result.translations = TranslationsOf(doc, *it);
      if (request.with_reply_material) AddReplyMaterial(result, *record, *it);
      response.results.push_back(std::move(result));
    }
    return response;
  }

  // Public articles in `language`, whoever the viewer.
  static Xapian::Query PublicArticlesIn(Language language) {
    const std::vector<Xapian::Query> filters{VisibleTo(Viewer::Public()),
                                             Xapian::Query(schema::Term(schema::kType, schema::kTypeArticle)),
                                             Xapian::Query(schema::Term(schema::kLanguage, LanguageCode(language)))};
    return Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
  }

  Result<std::vector<Category>> Categories(Language language, size_t max_articles) {
    std::vector<Xapian::Query> keys;
    const std::string prefix(schema::kCategory);
    for (auto term = db.allterms_begin(prefix); term != db.allterms_end(prefix); ++term) keys.emplace_back(*term);
    if (keys.empty()) return std::vector<Category>();
    // Public articles only, whoever asks: the help centre's own listing.
    const Xapian::Query filters = PublicArticlesIn(language);
    Xapian::Enquire enquire(db);
    enquire.set_query(FilterAnd(Xapian::Query(Xapian::Query::OP_OR, keys.begin(), keys.end()), filters));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_sort_by_value(schema::kSlotListOrder, false);
    constexpr Xapian::doccount kMaxListed = 5000;
    const Xapian::MSet mset = enquire.get_mset(0, kMaxListed);
    std::vector<Category> categories;
    std::map<std::string, size_t> position;  // key -> index in categories
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Result<DisplayRecord> record = ReadDisplayRecord(it.get_document());
      if (!record.ok() || record->category.empty() || record->audience != schema::kAudiencePublic) continue;
      auto [found, added] = position.emplace(record->category, categories.size());
      if (added) {
        categories.push_back(Category{record->category, record->category_title, record->category_description, {}, 0});
      }
      Category& category = categories[found->second];
      ++category.total;
      if (category.articles.size() < max_articles) category.articles.push_back(LinkTo(*record));
    }
    return categories;
  }

  Result<std::vector<DocumentLink>> PublicArticles(const std::vector<std::string>& ids, Language language) {
    std::vector<DocumentLink> links;
    for (const std::string& id : ids) {
      Xapian::Enquire enquire(db);
      enquire.set_query(FilterAnd(Xapian::Query(UniqueIdTerm(schema::kTypeArticle, id)), PublicArticlesIn(language)));
      const Xapian::MSet mset = enquire.get_mset(0, 1);
      if (mset.empty()) continue;
      Result<DisplayRecord> record = ReadDisplayRecord(mset.begin().get_document());
      if (record.ok() && record->audience == schema::kAudiencePublic) links.push_back(LinkTo(*record));
    }
    return links;
  }

  // Facet counts and the exact number of results (one per article when
  // `collapsed`) over the first kMaxFacetDocuments matches above the floor,
  // cached per query, floor and generation. Languages count every version
  // (each is what lang= would list); types and tags count articles, as the
  // results do.
  FacetCounts CountFacets(const Xapian::Query& query, bool collapsed, const Xapian::MatchDecider* floor,
                          double required_share) {
    const std::string key = query.get_description() + (collapsed ? "\n1\n" : "\n0\n") + std::to_string(required_share);
    if (facet_counts) {
      if (std::optional<FacetCounts> known = facet_counts->Find(key, epoch)) return *known;
    }
    if (portable) {
      const FacetCounts counts = CountFacetsPortably(query, collapsed, floor);
      if (facet_counts) facet_counts->Store(key, epoch, counts);
      return counts;
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());  // counting only: no ranking work
    enquire.set_time_limit(kFacetTimeLimit);
    if (collapsed) enquire.set_collapse_key(schema::kSlotTranslationKey);
    Xapian::ValueCountMatchSpy language_spy(schema::kSlotLanguage);
    MultiValueCountSpy type_spy(schema::kSlotType, collapsed);
    MultiValueCountSpy tag_spy(schema::kSlotTags, collapsed);
    enquire.add_matchspy(&language_spy);
    enquire.add_matchspy(&type_spy);
    enquire.add_matchspy(&tag_spy);
    const Xapian::doccount check_at_least = std::min<Xapian::doccount>(db.get_doccount(), kMaxFacetDocuments);
    const Xapian::MSet mset = enquire.get_mset(0, 0, check_at_least, nullptr, floor);
    FacetCounts counts;
    counts.facets["lang"] = SpyCounts(language_spy);
    counts.facets["type"] = type_spy.counts();
    counts.facets["tag"] = tag_spy.counts();
    counts.total = CollapsedTotal(enquire, mset, floor);
    if (facet_counts) facet_counts->Store(key, epoch, counts);
    return counts;
  }

  // CountFacets over remote shards: the spies (Xapian's remote backend takes
  // none of ours) counting the documents a portable match accepts, where
  // Xapian would call them (after the floor, before collapsing), over the
  // first kMaxFacetDocuments results. Exact wherever CountFacets is; beyond
  // that, the documents examined are the best-ranked ones rather than those
  // Xapian's time limit let it reach, and the total is an estimate.
  FacetCounts CountFacetsPortably(const Xapian::Query& query, bool collapsed, const Xapian::MatchDecider* floor) {
    Xapian::ValueCountMatchSpy language_spy(schema::kSlotLanguage);
    MultiValueCountSpy type_spy(schema::kSlotType, collapsed);
    MultiValueCountSpy tag_spy(schema::kSlotTags, collapsed);
    PortableMatchOptions options{.collapse = collapsed, .decider = floor, .unweighted = true};
    options.spy = [&](const Xapian::Document& doc) {
      language_spy(doc, 0);
      type_spy(doc, 0);
      tag_spy(doc, 0);
    };
    const AcceptedMatches matches = MatchPortably(db, query, kMaxFacetDocuments, options);
    FacetCounts counts;
    counts.facets["lang"] = SpyCounts(language_spy);
    counts.facets["type"] = type_spy.counts();
    counts.facets["tag"] = tag_spy.counts();
    counts.total = matches.estimated;
    return counts;
  }

  // The exact number of results when there are at most kExactTotalUpTo
  // (nullopt beyond): a results page must not say "3 results" for 2, and
  // Xapian's estimate of the two language passes counts an article once per
  // language. Boolean weights: Xapian stops at the bound, ranking nothing.
  std::optional<size_t> SmallTotal(const Xapian::Query& query, bool collapsed, const Xapian::MatchDecider* floor) {
    constexpr Xapian::doccount kExactTotalUpTo = 100;
    if (portable) {
      const AcceptedMatches matches =
          MatchPortably(db, query, kExactTotalUpTo, {.collapse = collapsed, .decider = floor, .unweighted = true});
      if (matches.hits.size() >= kExactTotalUpTo) return std::nullopt;
      return matches.hits.size();
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (collapsed) enquire.set_collapse_key(schema::kSlotTranslationKey);
    const Xapian::MSet mset = enquire.get_mset(0, kExactTotalUpTo, 0, nullptr, floor);
    if (mset.size() >= kExactTotalUpTo) return std::nullopt;
    return mset.size();
  }

  // The number of results once translations collapse. Xapian's estimate with
  // collapsing is interpolated between the bounds even when every match was
  // examined, so a short page of a small result set said "3 results" for 2.
  // Up to kMaxFacetDocuments matches (those the facets count anyway) the
  // collapsed matches are counted exactly; beyond, the estimate stands.
  size_t CollapsedTotal(Xapian::Enquire& enquire, const Xapian::MSet& mset, const Xapian::MatchDecider* floor) {
    if (mset.get_matches_lower_bound() == mset.get_matches_upper_bound()) return mset.get_matches_lower_bound();
    if (mset.get_matches_upper_bound() > kMaxFacetDocuments) return mset.get_matches_estimated();
    enquire.clear_matchspies();
    return enquire.get_mset(0, mset.get_matches_upper_bound(), 0, nullptr, floor).size();
  }

  // The other visible languages of the article `doc` (docid `self`), read
  // from value slots only: language, slug and audience.
  std::vector<Translation> TranslationsOf(const Xapian::Document& doc, Xapian::docid self) {
    const std::string key = doc.get_value(schema::kSlotTranslationKey);
    if (key.empty() || doc.get_value(schema::kSlotType) != schema::kTypeArticle) return {};
    Xapian::Enquire enquire(db);
    enquire.set_query(FilterAnd(Xapian::Query(schema::Term(schema::kTranslationKey, key)), VisibleTo(viewer)));
    enquire.set_sort_by_value(schema::kSlotLanguage, false);
    const Xapian::MSet mset = enquire.get_mset(0, 50);
    std::vector<Translation> translations;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (*it == self) continue;
      const Xapian::Document other = it.get_document();
      DocumentRecord link;
      link.type = std::string(schema::kTypeArticle);
      link.slug = other.get_value(schema::kSlotSlug);
      link.audience = other.get_value(schema::kSlotAudience);
      const std::string lang = other.get_value(schema::kSlotLanguage);
      std::optional<Language> language = ParseLanguage(lang);
      if (!language || link.slug.empty()) continue;
      link.language = *language;
      translations.push_back(Translation{lang, "", DocumentUrl(link)});
    }
    return translations;
  }

  // The visible documents matching `query` in id order, read by `read`
  // (ReadDocumentRecord or ReadDisplayRecord); unreadable ones left out.
  template <typename Read>
  auto FindRecords(const Xapian::Query& query, Xapian::doccount limit, Read read) {
    Xapian::Enquire enquire(db);
    enquire.set_query(FilterAnd(query, VisibleTo(viewer)));
    enquire.set_sort_by_value(schema::kSlotId, false);
    Xapian::MSet mset = enquire.get_mset(0, limit);
    std::vector<std::decay_t<decltype(read(Xapian::Document()).value())>> records;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      auto record = read(it.get_document());
      if (record.ok()) records.push_back(std::move(record).value());
    }
    return records;
  }

  std::vector<DocumentRecord> FindRecords(const Xapian::Query& query, Xapian::doccount limit) {
    return FindRecords(query, limit, [](const Xapian::Document& doc) { return ReadDocumentRecord(doc); });
  }

  std::vector<DisplayRecord> FindDisplayRecords(const Xapian::Query& query, Xapian::doccount limit) {
    return FindRecords(query, limit, [](const Xapian::Document& doc) { return ReadDisplayRecord(doc); });
  }

  Result<Article> GetArticle(const std::string& slug, std::optional<Language> language) {
    const Xapian::Query slug_query(schema::Term(schema::kSlug, slug));
    std::vector<DocumentRecord> matches = FindRecords(slug_query, 20);
    if (matches.empty()) return Error{ErrorCode::kNotFound, "no article with this address", "slug"};
    auto chosen = matches.begin();
    if (language) {
      auto in_language = std::find_if(matches.begin(), matches.end(),
                                      [&](const DocumentRecord& r) { return r.language == *language; });
      if (in_language != matches.end()) chosen = in_language;
    }
    Article article;
    article.record = std::move(*chosen);
    if (!article.record.translation_key.empty()) {
      const Xapian::Query group(schema::Term(schema::kTranslationKey, article.record.translation_key));
      for (const DisplayRecord& other : FindDisplayRecords(group, 50)) {
        if (other.id == article.record.id) continue;
        article.translations.push_back(
            Translation{std::string(LanguageCode(other.language)), other.title, DocumentUrl(other)});
      }
    }
    return article;
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  // A generation's own database holds its spelling, synonyms and completions.
  if (impl_->lexicon.size() == 0) impl_->lexicon = impl_->db;
}
Searcher::~Searcher() = default;

long Searcher::generation() const { return impl_->generation; }

Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
  return impl_->Note(GuardXapian("the search", impl_->where, [&] { return impl_->Search(request); }));
}

Result<std::string> Searcher::DescribeQuery(const SearchRequest& request) {
  return impl_->Note(GuardXapian("the query description", impl_->where, [&] { return impl_->DescribeQuery(request); }));
}

Result<Article> Searcher::GetArticle(const std::string& slug, std::optional<Language> language) {
  return impl_->Note(GuardXapian("the article lookup", impl_->where, [&] { return impl_->GetArticle(slug, language); }));
}

Result<SuggestResponse> Searcher::Suggest(const SuggestRequest& request) {
  return impl_->Note(GuardXapian("the suggestion", impl_->where, [&] {
    const std::shared_ptr<const CompletionIndex> titles =
        impl_->completions->For(impl_->epoch, impl_->lexicon_source, impl_->lexicon, impl_->viewer);
    Result<SuggestResponse> response =
        SuggestIn(impl_->db, *titles, impl_->viewer, request, &impl_->lexicon, impl_->portable);
    if (response.ok()) AddPastSearches(impl_->db, request, *response);
    return response;
  }));
}

Result<DocumentRecord> Searcher::GetTicket(const std::string& id) {
  return impl_->Note(GuardXapian("the ticket lookup", impl_->where, [&] { return impl_->GetTicket(id); }));
}

Result<std::vector<DocumentLink>> Searcher::RelatedArticles(const std::string& type, const std::string& id,
                                                            size_t limit) {
  return impl_->Note(GuardXapian("the related-articles lookup", impl_->where,
                     [&] { return impl_->RelatedArticles(type, id, limit); }));
}

DocumentLink LinkTo(const DisplayRecord& record) {
  return DocumentLink{record.id, record.type, record.title, DocumentUrl(record),
                      std::string(LanguageCode(record.language))};
}

Result<std::vector<DocumentRecord>> Searcher::Documents(const std::string& type, size_t limit) {
  return impl_->Note(GuardXapian("the document listing", impl_->where, [&]() -> Result<std::vector<DocumentRecord>> {
    return impl_->FindRecords(Xapian::Query(schema::Term(schema::kType, type)), static_cast<Xapian::doccount>(limit));
  }));
}

Result<std::vector<Category>> Searcher::Categories(Language language, size_t max_articles) {
  return impl_->Note(GuardXapian("the category listing", impl_->where,
                                 [&] { return impl_->Categories(language, max_articles); }));
}

Result<std::vector<DocumentLink>> Searcher::PublicArticles(const std::vector<std::string>& ids, Language language) {
  return impl_->Note(GuardXapian("the article lookup", impl_->where,
                                 [&] { return impl_->PublicArticles(ids, language); }));
}

Result<bool> Searcher::HasArticle(const std::string& id) {
  return impl_->Note(GuardXapian("the article lookup", impl_->where, [&]() -> Result<bool> {
    return impl_->FindDocument(std::string(schema::kTypeArticle), id) != 0;
  }));
}

Result<DocumentLink> Searcher::ArticleLink(const std::string& id) {
  return impl_->Note(GuardXapian("the article lookup", impl_->where, [&]() -> Result<DocumentLink> {
    const Xapian::docid docid = impl_->FindDocument(std::string(schema::kTypeArticle), id);
    if (docid == 0) return Error{ErrorCode::kNotFound, "no article with this id", "id"};
    Result<DisplayRecord> record = ReadDisplayRecord(impl_->db.get_document(docid));
    if (!record.ok()) return record.error();
    return LinkTo(*record);
  }));
}

Result<TicketCoverage> Searcher::CoverTicket(const std::string& id) {
  return impl_->Note(GuardXapian("the ticket coverage", impl_->where, [&] { return impl_->CoverTicket(id); }));
}

size_t Searcher::DocumentCount() {
  try {
    Xapian::Enquire enquire(impl_->db);
    enquire.set_query(FilterAnd(Xapian::Query::MatchAll, VisibleTo(impl_->viewer)));
    return enquire.get_mset(0, 0, impl_->db.get_doccount()).get_matches_estimated();
  } catch (const Xapian::Error&) {
    impl_->broken = true;
    return 0;
  }
}

// ---------------------------------------------------------------------------
// Index

struct Index::State {
  std::filesystem::path dir;
  Viewer viewer;
  std::chrono::milliseconds recheck;

  std::mutex mutex;
  long generation = 0;                                  // guarded by mutex
  ViewIdentity identity;                                // guarded by mutex; of `generation`
  long epoch = 0;                                       // guarded by mutex; +1 per identity seen
  std::chrono::steady_clock::time_point last_check;     // guarded by mutex
  bool check_now = false;                               // guarded by mutex; a read failed
  std::vector<std::unique_ptr<Searcher>> pool;          // guarded by mutex; all of `epoch`
  std::shared_ptr<CorrectionCache> corrections = std::make_shared<CorrectionCache>(kWorkCacheEntries);
  std::shared_ptr<FacetCache> facet_counts = std::make_shared<FacetCache>(kWorkCacheEntries);
  std::shared_ptr<GenerationCompletions> completions = std::make_shared<GenerationCompletions>();
  // Suggestions include past searches, which change between generations.
  static constexpr std::chrono::seconds kResponseMaxAge{60};
  ResponseCache<SearchResponse> searches{Index::kDefaultResponseCacheEntries, kResponseMaxAge};
  ResponseCache<SuggestResponse> suggestions{Index::kDefaultResponseCacheEntries, kResponseMaxAge};

  std::filesystem::path StubPath() const { return viewer.agent ? AgentStubPath(dir) : PublicStubPath(dir); }

  // ---- Operator stubs (remote shards; operator_stub.h) -------------------
  // DIR/<view> written by an operator to list shards, not a generation
  // stub: it has no generation number (0). Its identity is the stub file's;
  // a Searcher over it is renewed every remote.max_age (a new epoch: the
  // pool and the caches start afresh), since Xapian never re-reads a stub
  // and a remote connection stays on the generation it opened.
  RemoteShardOptions remote;
  bool operator_stub = false;                              // set once, by Index::Open
  std::chrono::steady_clock::time_point epoch_started;     // guarded by mutex; operator stubs only

  // The identity of an operator's stub at DIR/<view>, or nullopt.
  std::optional<ViewIdentity> OperatorStubIdentity() const {
    struct stat info {};
    if (::stat(StubPath().c_str(), &info) != 0) return std::nullopt;
    return ViewIdentity{0, info.st_dev, info.st_ino};
  }

  // A new epoch when the stub was replaced or the Searchers are max_age
  // old. Caller holds mutex.
  void RenewOperatorStubLocked(std::chrono::steady_clock::time_point now) {
    if (now - last_check >= recheck || check_now) {
      last_check = now;
      check_now = false;
      if (std::optional<ViewIdentity> seen = OperatorStubIdentity(); seen && !(*seen == identity)) {
        AdoptLocked(*seen);
        epoch_started = now;
      }
    }
    if (now - epoch_started >= remote.max_age) {
      ++epoch;
      pool.clear();
      epoch_started = now;
    }
  }

  std::filesystem::path LexiconPath() const { return dir / "lexicon" / (viewer.agent ? "agent" : "public"); }

  Result<std::unique_ptr<Searcher>> OpenOperatorStub(long gen_epoch) const {
    Result<OpenedShards> shards = search::OpenOperatorStub(StubPath(), LexiconPath(), remote);
    if (!shards.ok()) return shards.error();
    auto impl = std::make_unique<Searcher::Impl>();
    impl->db = shards->db;
    impl->lexicon = shards->lexicon;
    impl->lexicon_source = LexiconSource(impl->lexicon);
    impl->portable = shards->remote;
    impl->viewer = viewer;
    impl->epoch = gen_epoch;
    impl->where = shards->where;
    impl->corrections = corrections;
    impl->facet_counts = facet_counts;
    impl->completions = completions;
    return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
  }
  // ---- end of operator stubs -----------------------------------------------

  // Takes `seen` as the live generation if it is another one (number or
  // stub identity) and drops the pool. Caller holds mutex.
  void AdoptLocked(const ViewIdentity& seen) {
    if (seen == identity) return;
    identity = seen;
    generation = seen.generation;
    ++epoch;
    pool.clear();
  }

  // Re-reads the stub when the recheck interval has passed or a read failed.
  // Caller holds mutex.
  void RefreshLocked() {
    const auto now = std::chrono::steady_clock::now();
    if (operator_stub) return RenewOperatorStubLocked(now);
    if (generation != 0 && !check_now && now - last_check < recheck) return;
    last_check = now;
    check_now = false;
    if (std::optional<ViewIdentity> seen = ReadViewIdentity(StubPath())) AdoptLocked(*seen);
  }

  // The databases generation `gen`'s view names (every shard's, for a
  // sharded generation), read from the generation's own stub rather than
  // through DIR/current, which may name a newer generation by now.
  Xapian::Database OpenView(long gen) const {
    const std::vector<std::filesystem::path> paths = ViewDatabasePaths(dir, gen, viewer.agent);
    if (paths.empty()) {
      throw Xapian::DatabaseOpeningError("the view of generation " + std::to_string(gen) +
                                         " names no database the indexer writes");
    }
    Xapian::Database view;
    for (const std::filesystem::path& path : paths) view.add_database(Xapian::Database(path.string()));
    return view;
  }

  Result<std::unique_ptr<Searcher>> OpenGeneration(long gen, long gen_epoch) const {
    if (operator_stub) return OpenOperatorStub(gen_epoch);
    const std::filesystem::path gen_dir = dir / GenerationDirName(gen);
    return GuardXapian("opening generation " + std::to_string(gen), gen_dir.string(),
                       [&]() -> Result<std::unique_ptr<Searcher>> {
      auto impl = std::make_unique<Searcher::Impl>();
      impl->db = OpenView(gen);
      impl->lexicon = impl->db;
      if (std::optional<std::filesystem::path> lexicon = GenerationLexiconPath(dir, gen, viewer.agent)) {
        impl->lexicon = Xapian::Database(lexicon->string());
      }
      impl->viewer = viewer;
      impl->generation = gen;
      impl->epoch = gen_epoch;
      impl->where = gen_dir.string();
      impl->corrections = corrections;
      impl->facet_counts = facet_counts;
      impl->completions = completions;
      return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
    });
  }
};

Index::Index(std::shared_ptr<State> state) : state_(std::move(state)) {}
Index::~Index() = default;

Result<std::shared_ptr<Index>> Index::Open(const std::string& dir, Viewer viewer, std::chrono::milliseconds recheck) {
  return Open(dir, viewer, recheck, RemoteShardOptions{});
}

Result<std::shared_ptr<Index>> Index::Open(const std::string& dir, Viewer viewer, std::chrono::milliseconds recheck,
                                           const RemoteShardOptions& remote) {
  auto state = std::make_shared<State>();
  state->dir = dir;
  state->viewer = viewer;
  state->recheck = recheck;
  state->remote = remote;
  std::optional<ViewIdentity> live = ReadViewIdentity(state->StubPath());
  if (!live && LooksLikeOperatorStub(state->StubPath())) {
    // An operator's stub listing shards (operator_stub.h).
    state->operator_stub = true;
    state->epoch_started = std::chrono::steady_clock::now();
    live = state->OperatorStubIdentity();
  }
  if (!live) {
    return Error{ErrorCode::kIndexUnavailable,
                 "no published index here (run `helpdex index --index " + dir + "` first)", dir};
  }
  state->AdoptLocked(*live);
  state->last_check = std::chrono::steady_clock::now();
  Result<std::unique_ptr<Searcher>> probe = state->OpenGeneration(state->generation, state->epoch);
  if (probe.ok()) {
    state->pool.push_back(std::move(probe).value());
  } else if (!state->operator_stub || !OperatorStubUsable(state->StubPath(), state->LexiconPath())) {
    return probe.error();
  }
  // Else a remote shard is down or unreachable now: the same as one that
  // goes down later, so the Index opens (a server starts, its /readyz says
  // why it is not ready) and every search answers kIndexUnavailable naming
  // the shard until the next Searcher reaches it. A stub that cannot work
  // at all was refused above.
  return std::shared_ptr<Index>(new Index(std::move(state)));
}

long Index::generation() {
  std::lock_guard lock(state_->mutex);
  state_->RefreshLocked();
  return state_->generation;
}

namespace {

// `ask` on a Searcher of the live generation, through `cache`.
template <typename Response, typename Request, typename Ask>
Result<Response> AnswerCached(Index& index, ResponseCache<Response>& cache, const Request& request, long epoch,
                              std::shared_ptr<Searcher> searcher, Ask ask) {
  const std::string key = CacheKey(request);
  if (std::optional<Response> known = cache.Find(key, epoch)) return *known;
  Result<Response> response = ask(*searcher);
  if (response.ok()) cache.Store(key, epoch, *response);
  return response;
}

}  // namespace

Result<SearchResponse> Index::Search(const SearchRequest& request) {
  Result<std::shared_ptr<Searcher>> searcher = AcquireSearcher();
  if (!searcher.ok()) return searcher.error();
  const long epoch = (*searcher)->impl_->epoch;
  return AnswerCached(*this, state_->searches, request, epoch, *searcher,
                      [&](Searcher& s) { return s.Search(request); });
}

Result<SuggestResponse> Index::Suggest(const SuggestRequest& request) {
  Result<std::shared_ptr<Searcher>> searcher = AcquireSearcher();
  if (!searcher.ok()) return searcher.error();
  const long epoch = (*searcher)->impl_->epoch;
  return AnswerCached(*this, state_->suggestions, request, epoch, *searcher,
                      [&](Searcher& s) { return s.Suggest(request); });
}

Result<Index::Status> Index::Check() {
  Result<std::shared_ptr<Searcher>> searcher = AcquireSearcher();
  if (!searcher.ok()) return searcher.error();
  Searcher& reader = **searcher;
  return reader.impl_->Note(GuardXapian("reading generation " + std::to_string(reader.generation()),
                                        reader.impl_->where, [&]() -> Result<Status> {
    Xapian::Enquire enquire(reader.impl_->db);
    enquire.set_query(FilterAnd(Xapian::Query::MatchAll, VisibleTo(reader.impl_->viewer)));
    // No check_at_least: a probe every few seconds must not walk every
    // posting. The visibility filter is one term (or none), so the estimate
    // is its exact frequency.
    const Xapian::MSet matches = enquire.get_mset(0, 1);
    if (matches.size() > 0) matches.begin().get_document().get_data();  // reads a document too
    std::error_code ignored;
    const std::filesystem::file_time_type built = std::filesystem::last_write_time(reader.impl_->where, ignored);
    return Status{reader.generation(), matches.get_matches_estimated(), ignored ? std::filesystem::file_time_type{} : built};
  }));
}

void Index::set_response_cache_entries(size_t entries) {
  state_->searches.set_capacity(entries);
  state_->suggestions.set_capacity(entries);
}

Index::CacheCounts Index::response_cache_counts() {
  const auto [search_hits, search_misses] = state_->searches.counts();
  const auto [suggest_hits, suggest_misses] = state_->suggestions.counts();
  return CacheCounts{search_hits + suggest_hits, search_misses + suggest_misses};
}

Result<std::shared_ptr<Searcher>> Index::AcquireSearcher() {
  std::unique_ptr<Searcher> searcher;
  long generation = 0;
  long epoch = 0;
  {
    std::lock_guard lock(state_->mutex);
    state_->RefreshLocked();
    generation = state_->generation;
    epoch = state_->epoch;
    if (!state_->pool.empty()) {
      searcher = std::move(state_->pool.back());
      state_->pool.pop_back();
    }
  }
  if (!searcher) {
    Result<std::unique_ptr<Searcher>> opened = state_->OpenGeneration(generation, epoch);
    if (!opened.ok()) {
      // The generation may have been replaced (and removed) since we read
      // the stub: read it again and retry once with what it names now.
      std::optional<ViewIdentity> live = ReadViewIdentity(state_->StubPath());
      if (!live) return opened.error();
      {
        std::lock_guard lock(state_->mutex);
        if (live->generation == generation && state_->identity == *live) return opened.error();
        state_->AdoptLocked(*live);
        generation = state_->generation;
        epoch = state_->epoch;
      }
      opened = state_->OpenGeneration(generation, epoch);
      if (!opened.ok()) return opened.error();
    }
    searcher = std::move(opened).value();
  }
  // A released Searcher goes back to the pool if its generation is still
  // live and no read of it failed; a failed read makes the next
  // AcquireSearcher() read the stub at once. The deleter shares the state, so
  // a Searcher may outlive its Index.
  return std::shared_ptr<Searcher>(searcher.release(), [state = state_](Searcher* used) {
    std::unique_ptr<Searcher> owned(used);
    std::lock_guard lock(state->mutex);
    if (used->impl_->broken) {
      // Its siblings opened the same files: drop them too.
      if (used->impl_->epoch == state->epoch) state->pool.clear();
      state->check_now = true;
      return;
    }
    if (used->impl_->epoch == state->epoch && state->pool.size() < 64) {
      state->pool.push_back(std::move(owned));
    }
  });
}

}  // namespace helpdex::search

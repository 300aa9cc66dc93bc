// File: searcher.h
// Reading the index: start here. Index opens a published index directory
// (written by helpdex::indexer) and follows its generation swaps; a Searcher is
// a snapshot of one generation that answers searches and article lookups.
//
//   Result<std::shared_ptr<Index>> index = Index::Open(dir, Viewer::Public());
//   auto searcher = (*index)->AcquireSearcher();
//   Result<SearchResponse> response = searcher->Search(request);
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "helpdex/search/document.h"
#include "helpdex/search/error.h"
#include "helpdex/search/language.h"
#include "helpdex/search/past_searches.h"
#include "helpdex/search/spelling.h"

namespace helpdex::search {

// Limits applied before a query reaches Xapian (platform.md B2 #6).
inline constexpr size_t kMaxQueryBytes = 1024;   // longer: kQueryTooLong
inline constexpr size_t kMaxQueryTerms = 32;     // further words are dropped
inline constexpr int kMaxPageSize = 50;
inline constexpr int kMaxPage = 100;
// Facet counts are exact up to this many matches; beyond it Xapian counts the
// documents it examined (platform.md A1.3), which keeps large indexes fast.
inline constexpr unsigned kMaxFacetDocuments = 5000;

// Who is asking. The public viewer sees public articles only; an agent sees
// internal articles and tickets too. Applied inside the Searcher on every path.
struct Viewer {
  bool agent = false;
  static Viewer Public() { return Viewer{false}; }
  static Viewer Agent() { return Viewer{true}; }
};

struct SearchRequest {
  std::string query;                   // raw user text; bounded by kMaxQueryBytes
  std::optional<Language> language;    // only results in this language; also the query's analysis
  // The page's language (ui=), a preference and not a filter: the query is
  // analysed in it unless the text clearly says another language; results in
  // the query's language come first, one per article (translations collapse
  // into that language's version), others only after them and flagged.
  // Ignored when `language` is set.
  std::optional<Language> query_language;
  // AND of tag filters. With no query text, tags and a category make a
  // listing: in `language`, else in `query_language` (the page's), ordered
  // as the category files order articles (schema::kSlotListOrder), then id.
  std::vector<std::string> tags;
  // Only articles of this category (front matter `category`, a key such as
  // "billing"); "" for any.
  std::string category;
  std::string type;                    // "" (any), "article" or "ticket"
  int page = 1;                        // 1-based, 1..kMaxPage
  int page_size = 10;                  // 1..kMaxPageSize
  // For the agent console: each article's answer in every language it is
  // translated to, and for each result the articles related to it (for a
  // ticket: the articles that cover its problem). Costs a query per result.
  bool with_reply_material = false;
  // Count the facets (languages, tags, types over the matches, up to
  // kMaxFacetDocuments of them) and the exact total. Off unless shown:
  // counting examines thousands of matches, where the page itself needs only
  // the best few (Xapian prunes the rest). Cached per query, filters and
  // generation.
  bool with_facets = false;
  // When the query as typed finds nothing and its spelling correction finds
  // something, show the correction's results (showing_results_for). False:
  // the words exactly as typed ("search instead for ...").
  bool retry_with_correction = true;
};

// Another language's version of an article's vetted answer.
struct TranslatedAnswer {
  std::string lang;
  std::string title;
  std::string url;
  std::string answer;       // plain text or light Markdown, as the writer wrote it
  std::string answer_text;  // as plain text
  std::string answer_html;  // rendered, safe HTML
};

struct Translation {
  std::string lang;
  std::string title;
  std::string url;
};

// A link to a document, for "related articles".
struct DocumentLink {
  std::string id;
  std::string type;
  std::string title;
  std::string url;
  std::string lang;
};

// A category of the help centre in one language (content/categories/), with
// its public articles in the order the category file gives.
struct Category {
  std::string key;          // front matter `category`, shared by the languages
  std::string title;
  std::string description;  // may be empty
  std::vector<DocumentLink> articles;  // at most the limit asked for
  size_t total = 0;                    // its public articles in this language
};

// The link to a record: its id, type, title, DocumentUrl() and language code.
DocumentLink LinkTo(const DisplayRecord& record);

struct SearchResult {
  std::string id;
  std::string type;
  std::string title;
  std::string url;             // article page, with #anchor of the matched section
  std::string lang;
  std::string snippet;         // HTML: escaped text with <mark>…</mark>
  double score = 0;
  std::string section_title;   // heading of the matched section, "" for the intro
  std::string answer;          // vetted short answer as written (plain text or light Markdown)
  std::string answer_text;     // the same as plain text (for pasting into a plain-text reply)
  std::string answer_html;     // the same rendered to safe HTML (cmark, no raw HTML)
  std::vector<std::string> tags;
  std::string audience;
  // In another language than the page's (or the query's): shown only after
  // every result in that language, where it has no version of its own.
  bool other_language = false;
  // The article's other languages (one result per article: its translations
  // collapse into the version in the page's language).
  std::vector<Translation> translations;
  // Tickets (agent search only): the redacted problem and resolution.
  std::string problem;
  std::string resolution;
  std::string created;
  // Only with SearchRequest::with_reply_material.
  std::vector<TicketMessage> messages;    // a ticket's conversation (TicketThread())
  std::vector<TranslatedAnswer> answers;  // this article's answer in its other languages
  std::vector<DocumentLink> related;      // related articles ("more like this")
};

struct SearchResponse {
  std::string query;
  // Matches (one per article when translations collapse): exact when
  // with_facets counted them (up to kMaxFacetDocuments), else Xapian's estimate.
  size_t total = 0;
  int page = 1;
  int page_size = 10;
  std::vector<SearchResult> results;
  // facet name ("lang", "tag", "type") -> value -> count over all matches;
  // empty unless SearchRequest::with_facets.
  std::map<std::string, std::map<std::string, size_t>> facets;
  bool facets_counted = false;
  std::optional<std::string> did_you_mean;  // corrected query, from public vocabulary only
  // Set when the query as typed found nothing and the results shown are those
  // of did_you_mean instead (a typo-tolerant retry).
  std::optional<std::string> showing_results_for;
  std::string query_lang;  // language the query was analysed in ("" if unknown)
  // did_you_mean in pieces (its words and the text between them, in order),
  // the corrected words marked: for showing what changed. Empty without one.
  std::vector<CorrectedWord> did_you_mean_words;
};

// The language an agent's reply starts in when they did not choose one
// ("Reply in"): the results' language filter, else the language the query is
// clearly written in (CLD2), else the language of the first ticket among the
// results (the customer's conversation), else of the first result, else
// `fallback` (the agent's interface language). Never English just because
// the page is.
Language DefaultReplyLanguage(const SearchRequest& request, const SearchResponse& response, Language fallback);


// How well the public articles answer a resolved ticket (for the gap report).
struct TicketCoverage {
  std::string ticket_id;
  std::vector<std::string> key_terms;       // the ticket's most distinctive words (exact forms), best first
  std::optional<DocumentLink> best_article; // the public article closest to it (in its language when any)
  double coverage = 0;                      // share of the ticket's distinctive-term weight that article holds, 0..1
};

struct Article {
  DocumentRecord record;
  std::vector<Translation> translations;  // other languages, visible ones only
};

// As-you-type suggestions (/api/suggest): completions of what the customer is
// typing and answer cards, so that the answer shows before they finish.
inline constexpr size_t kMaxCompletions = 8;
inline constexpr size_t kMaxAnswerCards = 5;

struct SuggestRequest {
  std::string text;                       // what is typed so far; the last word may be partial
  // The page's language (ui=): the analysis unless the text clearly says
  // another language, and a preference, not a filter: cards and completions
  // in it come first, one card per article, others only after them.
  std::optional<Language> language;
  // lang=: only cards and completions in this language (also the analysis).
  std::optional<Language> only_language;
  size_t max_completions = 5;             // <= kMaxCompletions
  size_t max_answers = 3;                 // <= kMaxAnswerCards
  // Searches that earlier customers found their answer with, offered as
  // completions after titles and headings; none when null.
  std::shared_ptr<const PastSearches> past_searches;
};

struct AnswerCard {
  std::string id;
  std::string title;
  std::string url;
  std::string lang;
  std::string answer;       // the vetted answer as plain text
  std::string answer_html;  // the same, safe HTML
  double score = 0;
};

struct SuggestResponse {
  std::string text;
  std::vector<std::string> completions;  // whole suggested queries, best first (titles, headings, past searches)
  std::vector<AnswerCard> answers;       // best first
};

// Validates and bounds a request: kQueryTooLong (where "q") for an
// over-long query, kInvalidInput (where "q") for invalid UTF-8, and clamps
// page and page_size into range.
Result<SearchRequest> NormalizeRequest(SearchRequest request);

class Searcher;

// Shards over xapian-tcpsrv (README.md, "Shards over xapian-tcpsrv").
// DIR/public and DIR/agent may be an operator's stub files listing shards
// ("remote HOST:PORT", "remote :PROGRAM ARGS" or "auto PATH" lines, Xapian
// 1.4's stub syntax); they are searched as one index, with the same ids in
// the same order, totals and facets as a single index of the same documents
// (portable_match.h). Spelling, synonyms and completions, which Xapian's
// remote backend does not serve, come from the local DIR/lexicon/public or
// DIR/lexicon/agent, which a stub with remote lines must have. A public stub
// must list public shards only: nothing can tell a remote shard's audience.
struct RemoteShardOptions {
  // Connecting to a shard (Xapian::Remote::open's connect_timeout).
  std::chrono::milliseconds connect_timeout{2000};
  // Any one exchange with a shard; beyond it the request fails with
  // kIndexUnavailable naming the shard (Xapian's NetworkTimeoutError).
  std::chrono::milliseconds timeout{5000};
  // Searchers over an operator's stub are used for this long, then
  // reconnect: Xapian keeps a connection on the generation it opened, so new
  // connections are how a new generation behind the shards is seen. Each
  // renewal also starts the Index's caches (spelling, facets, responses,
  // completions) afresh.
  std::chrono::milliseconds max_age{5000};
};

// A published index directory. Thread-safe. Holds a pool of Searchers for the
// live generation and notices a swap (by checking the stub at most every
// `recheck` interval), after which new Searchers open the new generation.
// A generation is known by its number and by the identity of the stub file
// its view resolves to (search::ViewIdentity): when either changes, pooled
// Searchers are dropped, and so is a Searcher whose read failed
// (kIndexUnavailable: its files may have been replaced), which also makes the
// next AcquireSearcher() read the stub again at once.
class Index {
 public:
  // kIndexUnavailable when `dir` holds no published index. A public Index
  // never opens the agent database.
  static Result<std::shared_ptr<Index>> Open(
      const std::string& dir, Viewer viewer,
      std::chrono::milliseconds recheck = std::chrono::milliseconds(500));
  // The same, with the timeouts of remote shards (an operator's stub).
  static Result<std::shared_ptr<Index>> Open(const std::string& dir, Viewer viewer, std::chrono::milliseconds recheck,
                                             const RemoteShardOptions& remote);

  // A Searcher for the live generation. The Searcher returns to the pool when
  // released; one in use keeps seeing the generation it opened.
  Result<std::shared_ptr<Searcher>> AcquireSearcher();

  // Number of the live generation ("gen-000042" -> 42).
  long generation();

  // Whether the live generation can be read now (for /readyz): a Searcher of
  // it counts the documents the viewer may see. kIndexUnavailable naming the
  // generation when it cannot be opened or read.
  struct Status {
    long generation = 0;
    size_t documents = 0;
    // When the generation's folder was last written (its build finished):
    // for the index-age gauge. The epoch when it cannot be read.
    std::filesystem::file_time_type built{};
  };
  Result<Status> Check();

  // Search and Suggest on the live generation through a bounded cache of
  // recent responses: the same request (every field, the text exactly as
  // typed) on the same generation is answered from memory. A new generation
  // drops every entry; an entry also expires after a minute (suggestions
  // include past searches, which change between generations). Only
  // successful responses are kept. Customers repeat the same prefixes and
  // questions; tools/bench/README.md (issue 15) measures it on and off.
  Result<SearchResponse> Search(const SearchRequest& request);
  Result<SuggestResponse> Suggest(const SuggestRequest& request);
  // Entries kept per kind (kDefaultResponseCacheEntries); 0 turns it off.
  static constexpr size_t kDefaultResponseCacheEntries = 4096;
  void set_response_cache_entries(size_t entries);
  struct CacheCounts {
    uint64_t hits = 0;
    uint64_t misses = 0;
  };
  // Lookups of both kinds so far.
  CacheCounts response_cache_counts();

  ~Index();

 private:
  struct State;
  explicit Index(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

// A snapshot of one generation. Not thread-safe: one per request or thread.
class Searcher {
 public:
  ~Searcher();

  // Full-text search with filters, paging, snippets, facets and a spelling
  // suggestion. Never throws; kIndexUnavailable if the index cannot be read.
  Result<SearchResponse> Search(const SearchRequest& request);

  // The Xapian query Search runs for `request` (its readings of the text AND
  // the filters), as Xapian::Query::get_description() spells it, like Omega's
  // $querydescription. Without the spelling retry and the relevance floor
  // (a match decider, not part of the query). "Query()" when the text has no
  // words; the same limits as Search (kQueryTooLong, invalid UTF-8).
  Result<std::string> DescribeQuery(const SearchRequest& request);

  // The article with this slug, in `language` when several languages share the
  // slug (any language otherwise). kNotFound if there is none visible.
  Result<Article> GetArticle(const std::string& slug, std::optional<Language> language);

  // Suggestions for text typed so far: from the third character on; the last
  // word is a prefix (expanded over unstemmed words, bounded); a word of five
  // letters or more may have one typo; a pasted paragraph is reduced to its
  // key terms. Same limits as Search (kQueryTooLong, invalid UTF-8). Public
  // vocabulary only for a public viewer, like every other path.
  Result<SuggestResponse> Suggest(const SuggestRequest& request);

  // A ticket by its id. kNotFound for a public viewer (the public database
  // holds no tickets) and for an unknown id.
  Result<DocumentRecord> GetTicket(const std::string& id);

  // Articles like the document ("more like this": its most distinctive terms,
  // Xapian's relevance-set expansion), visible to the viewer, in the
  // document's language, best first, without the document itself and its
  // translations. `type` is "article" or
  // "ticket". kNotFound for an unknown (or invisible) document.
  Result<std::vector<DocumentLink>> RelatedArticles(const std::string& type, const std::string& id,
                                                     size_t limit = 5);

  // The categories of `language` that have public articles in it, in the
  // category file's order, each with its first `max_articles` public
  // articles. Never an internal article, whoever the viewer.
  Result<std::vector<Category>> Categories(Language language, size_t max_articles = 50);

  // Links to the public articles among `ids` that are in `language`, in the
  // order of `ids` (the most read, say); ids of other articles are left out.
  Result<std::vector<DocumentLink>> PublicArticles(const std::vector<std::string>& ids, Language language);

  // Whether an article with this id is visible to the viewer (a public viewer:
  // a public article). For reports a client makes about an article.
  Result<bool> HasArticle(const std::string& id);

  // The link to the article with this id (title, URL, language), for pages
  // that name articles by id (the inbox: what a visit opened). kNotFound when
  // it is not visible to the viewer.
  Result<DocumentLink> ArticleLink(const std::string& id);

  // The visible documents of one type ("article" or "ticket"), in id order,
  // at most `limit`. A public viewer lists public articles only.
  Result<std::vector<DocumentRecord>> Documents(const std::string& type, size_t limit = 100000);

  // How well public articles answer this ticket: its distinctive words
  // ("more like this") searched among public articles, and the share of their
  // weight the best one contains. kNotFound for a public viewer or an unknown id.
  Result<TicketCoverage> CoverTicket(const std::string& id);

  // Documents in this generation visible to the viewer.
  size_t DocumentCount();

  long generation() const;

 private:
  friend class Index;
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace helpdex::search

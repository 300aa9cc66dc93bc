// File: document.h
// DocumentRecord: one article or ticket as the indexer hands it to
// the index, and as the searcher reads it back from the document data.
// BuildDocument() applies the schema and the language's analysis, so the
// indexer never spells a prefix or a stemmer itself.
//
//   DocumentRecord record = ...;              // from indexer/
//   Xapian::Document doc = BuildDocument(record);
//   db.replace_document(schema::Term(schema::kUniqueId, record.id), doc);
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "helpdex/search/error.h"
#include "helpdex/search/language.h"

namespace helpdex::search {

// A part of an article under one heading. The first section (the text before
// the first heading) has an empty anchor.
struct Section {
  std::string anchor;  // "check-what-is-slow", unique within the article
  std::string title;   // the heading text, plain
  std::string text;    // the section's plain text, for snippets
  int level = 0;       // the heading's level (2 for ##); 0 for the introduction
};

// What a result, an answer card, a completion or a link shows of a document.
// BuildDocument() stores it apart from the body: the display fields in
// schema::kSlotDisplay (a few hundred bytes) and the section texts in
// schema::kSlotSectionText, so that ReadDisplayRecord() never parses the
// rendered HTML or the whole stored record.
struct DisplayRecord {
  std::string id;                        // front-matter id (a ticket's own id); unique per type
  std::string type = "article";          // "article" or "ticket"
  std::string title;                     // a ticket's subject
  Language language = Language::kEnglish;
  std::string slug;                      // [a-z0-9-]+, unique per language
  std::vector<std::string> tags;
  std::string audience = "public";       // "public" or "internal"
  std::string translation_key;           // shared by the translations of one article
  std::string reviewed;                  // ISO date, may be empty
  std::string answer;                    // vetted short answer as written (plain text or light Markdown)
  std::string answer_text;               // the answer as plain text ("" = answer is plain already)
  std::string answer_html;               // the answer rendered to safe HTML ("" = escape answer)
  // Body split at headings. ReadDisplayRecord() fills each section's text
  // only when asked to (SectionTexts::kRead); anchors and titles always.
  std::vector<Section> sections;
  // Tickets only (type "ticket", audience "internal"), already redacted; read
  // with the section texts.
  std::string problem;                   // what the customer wrote
  std::string resolution;                // what the agents answered
  std::string created;                   // ISO 8601
  // The article's category (front matter `category`, described by the
  // language's content/categories/<lang>.yaml): its key, shared by the
  // translations, and as that file gives it, its title, description, place
  // among the categories and the article's place in it (0-based; -1: none,
  // the article comes after the listed ones). "" when the article has none.
  std::string category;
  std::string category_title;
  std::string category_description;
  int category_rank = -1;
  int category_article_rank = -1;
  // The start of the body's first section text that is not empty (at most
  // kOpeningBytes), for cards without an answer: what OpeningText() cuts.
  // Filled when a record is read; BuildDocument derives it from `sections`.
  std::string opening;
};

// The most of the opening that the display slot keeps.
inline constexpr size_t kOpeningBytes = 1024;

// One message of a ticket's conversation, already redacted. No ticket text
// is ever rendered as Markdown (platform.md A3.3; the one Markdown library
// helpdex links is cmark-gfm, polynomial time on hostile tables), and pages
// show every message as escaped plain text. Agents write light Markdown,
// which would show as raw "**": their messages also keep the visible text
// (markdown_text.h, at index time), shown and copied "as text"; the message
// as written is what "Copy as Markdown" takes.
struct TicketMessage {
  std::string role;        // "customer" or "agent"
  std::string time;        // ISO 8601 as exported, may be empty
  std::string text;        // as written (an agent's: often Markdown)
  std::string text_plain;  // agent: MarkdownToPlainText(text) ("" = the same as text)
};

// Everything the indexer knows of a document, as stored in its data (the
// article page and the ticket view read it whole).
struct DocumentRecord : DisplayRecord {
  // Tickets: the conversation in order (empty for tickets indexed before
  // messages were kept; TicketThread() then rebuilds one from the problem
  // and the resolution).
  std::vector<TicketMessage> messages;
  std::string html;                      // the body rendered to safe HTML, with heading ids
  // Articles: the body's link destinations as written ("../nb/slug.md",
  // "/articles/slug?lang=en"), collected when the Markdown is rendered, for
  // the gap report's broken-link check (never scraped back out of `html`).
  std::vector<std::string> links;
  std::string source_path;               // file the record came from, for errors and updates
  std::string source_hash;               // hash of the source bytes (change detection)
  std::string extra_json = "{}";         // unknown front-matter fields, kept as JSON
  // Public articles only (BuildDocument ignores it elsewhere): searches that
  // customers made before this article answered them (server/learned.h),
  // indexed as schema::kLearned terms, at most kMaxLearnedPhrasings.
  std::vector<std::string> learned;
};

// Learned phrasings indexed per article at most (the learning store keeps as
// many; this is the index's own bound).
inline constexpr size_t kMaxLearnedPhrasings = 20;

// Builds the Xapian document: weighted free text (title, headings, answer,
// body) through AnalyzerFor(record.language), boolean terms, value slots and
// the stored data. Thread-safe.
Xapian::Document BuildDocument(const DocumentRecord& record);

// The schema::kLearned terms of one learned phrasing, analysed in `language`
// (normalised, stop words left out, stemmed): what BuildDocument adds for it
// and what a query's learned reading looks for. Each term once; empty when the
// phrasing has no word that is not a stop word.
std::vector<std::string> LearnedTerms(std::string_view phrasing, Language language);

// The same for already normalised text with a stemmer made by the caller (the
// query side, which has both already).
std::vector<std::string> LearnedTerms(std::string_view normalized, const Xapian::Stopper* stopper,
                                      const Xapian::Stem& stem);

// A short hash of a list of learned phrasings ("" for none), stored in
// schema::kSlotLearned: the indexer rewrites an unchanged article when its
// learned phrasings changed.
std::string LearnedSignature(const std::vector<std::string>& learned);

// The unique-id term of a record ("Q" + id for articles, "Qticket:" + id for
// tickets, so that the two id spaces never clash).
std::string UniqueIdTerm(std::string_view type, std::string_view id);

// Reads a record back from a document's data and its section texts.
// kInternal if the data is not a helpdex record.
Result<DocumentRecord> ReadDocumentRecord(const Xapian::Document& doc);

// Whether ReadDisplayRecord() reads the section texts (and a ticket's problem
// and resolution): snippets need them, cards, completions and links do not.
enum class SectionTexts { kSkip, kRead };

// Reads what a document shows from its display slots, never its data (a
// document indexed before the slots existed is read from its data instead).
// kInternal if neither holds a helpdex record.
Result<DisplayRecord> ReadDisplayRecord(const Xapian::Document& doc, SectionTexts texts = SectionTexts::kSkip);

// The opening of a document's body as a card shows it when there is no vetted
// answer: the first section text that is not empty, at most `max_bytes` (cut
// on a UTF-8 boundary, "…" added when cut), max_bytes < kOpeningBytes. From
// `opening` when it is filled (no section text is read), else `sections`.
std::string OpeningText(const DisplayRecord& record, size_t max_bytes);

// Adds the document's unprefixed words to `db`'s spelling dictionary. Only
// ever called on the public database (design.md: spelling must not leak).
void AddSpellings(Xapian::WritableDatabase& db, const Xapian::Document& doc);

// Undoes AddSpellings() for a document about to be deleted.
void RemoveSpellings(Xapian::WritableDatabase& db, const Xapian::Document& doc);

// AddSpellings() and RemoveSpellings() for many documents, summed per word and
// written by ApplyTo() with one add_spelling() or remove_spelling() per word.
// The dictionary ends up the same as with the per-document calls (frequencies
// add up; a word removed entirely has no frequency left either way), at a
// fraction of the cost: Xapian looks each call up in its pending changes.
class SpellingBatch {
 public:
  void Add(const Xapian::Document& doc);
  void Remove(const Xapian::Document& doc);
  // Adds another batch's pending changes to this one (batches summed on
  // several threads, written once).
  void Add(const SpellingBatch& other);
  size_t pending_words() const { return deltas_.size(); }
  // Writes the pending changes into `db` and clears them.
  void ApplyTo(Xapian::WritableDatabase& db);

 private:
  std::unordered_map<std::string, long long> deltas_;  // word -> net frequency change
};

// Words or phrases that mean the same to a customer, in one language
// ("login", "log in", "sign in"). Written by writers in content/synonyms/.
struct SynonymGroup {
  Language language = Language::kEnglish;
  std::vector<std::string> terms;
};

// Replaces every synonym of `db` with these groups, analysed like queries are:
// each term leads to the group's single words, unstemmed and stemmed. Xapian
// 1.4 can look up a phrase ("sign in") but can only expand to single words,
// so a group needs at least one single word to have an effect.
void ReplaceSynonyms(Xapian::WritableDatabase& db, const std::vector<SynonymGroup>& groups);

// A ticket's conversation: `messages`, or for a ticket indexed before they
// were kept, the problem as one customer message and the resolution as one
// agent message (no time, shown as plain text).
std::vector<TicketMessage> TicketThread(const DocumentRecord& record);

// The message an agent reuses: the last agent message of the thread, unless
// an earlier agent message is more than twice as long (threads often end with
// a short "glad it works, closing this"; the fix is the long answer before
// it), then the longest. nullptr when no agent wrote.
const TicketMessage* TicketResolution(const std::vector<TicketMessage>& thread);

// The first `max_lines` lines of `text` that are not blank, each cut at
// `max_line_bytes` on a UTF-8 boundary, "…" added where anything was cut.
std::string FirstLines(std::string_view text, size_t max_lines, size_t max_line_bytes);

// Text made safe inside HTML or XML text and attribute values: & < > " '
// become entities (&#39; for the apostrophe, valid in both).
std::string EscapeHtml(std::string_view text);

// URL of an article page: "/articles/SLUG?lang=LL".
std::string ArticleUrl(const DisplayRecord& record);

// Where a document is shown: public articles at ArticleUrl(), internal ones
// at "/agent/articles/SLUG?lang=LL", tickets at "/agent/tickets/ID".
std::string DocumentUrl(const DisplayRecord& record);

}  // namespace helpdex::search

// File: schema.h
// The index schema: term prefixes, value slots and the stored document, shared
// by the indexer and the searcher. It follows Omega's conventions
// (docs/termprefixes.rst) so that xapian-delve and quest can read our index.
// ARCHITECTURE.md has the same table; keep the two in step.
//
//   doc.add_boolean_term(std::string(schema::kLanguage) + "nb");
//   doc.add_value(schema::kSlotLanguage, "nb");
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

namespace helpdex::search::schema {

// Free-text prefixes (each field is also indexed unprefixed, weighted by
// repetition: see kWeight*).
inline constexpr std::string_view kTitle = "S";      // title words
inline constexpr std::string_view kHeading = "XH";   // section headings
inline constexpr std::string_view kAnswer = "XA";    // the vetted short answer
inline constexpr std::string_view kFolded = "XF";   // every word without accents (přihlášení -> XFprihlaseni)
inline constexpr std::string_view kProblem = "XPROB";    // a ticket's customer messages
inline constexpr std::string_view kResolution = "XRES";  // a ticket's agent messages
inline constexpr std::string_view kReversedStem = "XRZ";  // Norwegian stems backwards: finds compounds ending with a word
// Learned from customers (public articles only): the words of the searches that
// k distinct visits made before opening the article, stemmed in the article's
// language (XL<stem>); no positions. See document.h LearnedTerms().
inline constexpr std::string_view kLearned = "XL";
// Body words carry no prefix; stemmed forms get kStemmed in front (Xapian's default).
inline constexpr std::string_view kStemmed = "Z";

// Boolean prefixes.
inline constexpr std::string_view kUniqueId = "Q";          // Q<id>, hashed when long
inline constexpr std::string_view kLanguage = "L";          // Len Lnb Ltr Lcs Lru Lel
inline constexpr std::string_view kTag = "K";               // K<tag>, tag as written
inline constexpr std::string_view kType = "XTYPE";          // XTYPEarticle, XTYPEticket
inline constexpr std::string_view kAudience = "XAUD";       // XAUDpublic, XAUDinternal
inline constexpr std::string_view kSlug = "XSLUG";          // XSLUG<slug>
inline constexpr std::string_view kTranslationKey = "XTK";  // XTK<translation_key>
inline constexpr std::string_view kSourcePath = "XPATH";    // XPATH<path or hash>: change detection
inline constexpr std::string_view kCompletion = "XC";       // XC<normalised article title or heading>: suggest completions (articles only)
inline constexpr std::string_view kCategory = "XG";         // XG<category key>: an article's category (content/categories/); not "XC...", which completions enumerate

// Within-document frequency added per word of each field, so that a title
// word counts more than a body word in BM25 (Xapian 1.4 has no BM25F).
inline constexpr Xapian::termcount kWeightTitle = 5;
inline constexpr Xapian::termcount kWeightHeading = 3;
inline constexpr Xapian::termcount kWeightAnswer = 2;
inline constexpr Xapian::termcount kWeightBody = 1;

// Value slots.
inline constexpr Xapian::valueno kSlotReviewed = 0;        // ISO date, sortable
inline constexpr Xapian::valueno kSlotType = 1;            // "article" / "ticket"
inline constexpr Xapian::valueno kSlotTranslationKey = 2;  // translation group
inline constexpr Xapian::valueno kSlotLanguage = 3;        // "en", "nb", ... (facet)
inline constexpr Xapian::valueno kSlotTags = 4;            // tags joined by '\n' (facet)
inline constexpr Xapian::valueno kSlotSourceHash = 5;      // hash of the source bytes
inline constexpr Xapian::valueno kSlotId = 6;              // the document's own id (tie-break)
inline constexpr Xapian::valueno kSlotAudience = 7;        // "public" / "internal"
inline constexpr Xapian::valueno kSlotSlug = 8;            // article slug (duplicate checks on reuse)
inline constexpr Xapian::valueno kSlotCreated = 9;         // a ticket's creation time, ISO 8601
inline constexpr Xapian::valueno kSlotLearned = 10;        // LearnedSignature() of the learned phrasings (change detection)
// What results, cards and links show (document.h DisplayRecord), apart from
// the stored body: a length-prefixed encoding (display_slots.h), a few hundred
// bytes, read without parsing the data's JSON and HTML.
inline constexpr Xapian::valueno kSlotDisplay = 11;
// The section texts (a ticket's problem and resolution), for snippets.
inline constexpr Xapian::valueno kSlotSectionText = 12;
// The order of a listing (a tag or a category without a query): the
// category's place, the article's place in it (both 4 digits, 9999 when
// none) and the id. ListOrderKey() writes it.
inline constexpr Xapian::valueno kSlotListOrder = 13;

inline constexpr std::string_view kTypeArticle = "article";
inline constexpr std::string_view kTypeTicket = "ticket";
inline constexpr std::string_view kAudiencePublic = "public";
inline constexpr std::string_view kAudienceInternal = "internal";

// Boolean term helpers: Term(kLanguage, "nb") == "Lnb". Long values are
// hashed so that no term exceeds Xapian's 245-byte limit.
std::string Term(std::string_view prefix, std::string_view value);

// kStemmed + the stem of `word`: the stemmed term TermGenerator and
// QueryParser make, for code that builds such terms itself.
std::string StemmedTerm(const Xapian::Stem& stem, const std::string& word);

// kSlotListOrder's value: "CCCCAAAA<id>" (ranks 0-based, 9999 for none).
std::string ListOrderKey(int category_rank, int article_rank, std::string_view id);

// The hash stored in kSlotSourceHash: 16 hex digits of FNV-1a 64 over `bytes`.
// Equal hashes mean the source is unchanged and need not be analysed again.
std::string SourceHash(std::string_view bytes);

}  // namespace helpdex::search::schema

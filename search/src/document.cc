#include "helpdex/search/document.h"

#include <nlohmann/json.hpp>
#include <algorithm>
#include <sstream>

#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/text.h"
#include "compounds.h"
#include "display_slots.h"
#include "suggest.h"

namespace helpdex::search {
namespace {

using nlohmann::json;

std::string JoinLines(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) {
    if (!joined.empty()) joined += '\n';
    joined += item;
  }
  return joined;
}

json RecordToJson(const DocumentRecord& record) {
  json sections = json::array();
  for (const Section& section : record.sections) {
    // The texts are in schema::kSlotSectionText, read only for snippets.
    sections.push_back({{"anchor", section.anchor}, {"title", section.title}, {"level", section.level}});
  }
  json extra = json::parse(record.extra_json, nullptr, /*allow_exceptions=*/false);
  if (extra.is_discarded()) extra = json::object();
  json data = {
      {"id", record.id},
      {"type", record.type},
      {"title", record.title},
      {"lang", LanguageCode(record.language)},
      {"slug", record.slug},
      {"tags", record.tags},
      {"audience", record.audience},
      {"translation_key", record.translation_key},
      {"reviewed", record.reviewed},
      {"answer", record.answer},
      {"answer_text", record.answer_text},
      {"answer_html", record.answer_html},
      {"html", record.html},
      {"sections", sections},
      {"links", record.links},
      {"source_path", record.source_path},
      {"source_hash", record.source_hash},
      {"extra", extra},
      {"created", record.created},
  };
  if (!record.category.empty()) {
    data["category"] = {{"key", record.category},
                        {"title", record.category_title},
                        {"description", record.category_description},
                        {"rank", record.category_rank},
                        {"article_rank", record.category_article_rank}};
  }
  if (!record.messages.empty()) {
    json messages = json::array();
    for (const TicketMessage& message : record.messages) {
      messages.push_back({{"role", message.role},
                          {"time", message.time},
                          {"text", message.text},
                          {"text_plain", message.text_plain}});
    }
    data["messages"] = std::move(messages);
  }
  // Learned phrasings are kept only where they are indexed: public articles.
  if (!record.learned.empty() && record.type == schema::kTypeArticle &&
      record.audience == schema::kAudiencePublic) {
    std::vector<std::string> learned(record.learned.begin(),
                                     record.learned.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                  record.learned.size(), kMaxLearnedPhrasings)));
    data["learned"] = learned;
  }
  return data;
}

// Indexes `text` unprefixed with `weight` per word (so that ranking favours
// title and heading words), without accents under kFolded with the same
// weight, and once under `prefix` for field searches.
void IndexField(Xapian::TermGenerator& generator, const Analyzer& analyzer, std::string_view text,
                Xapian::termcount weight, std::string_view prefix) {
  if (text.empty()) return;
  const std::string normalized = analyzer.Normalize(text);
  generator.index_text(normalized, weight);
  generator.increase_termpos();
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
  generator.index_text_without_positions(StripAccents(normalized), weight, std::string(schema::kFolded));
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME_FULL_POS);
  if (analyzer.splits_compounds()) {
    Xapian::Stem stem = analyzer.MakeStemmer();
    Xapian::Document doc = generator.get_document();
    IndexReversedStems(doc, normalized, stem, analyzer.stopper());
  }
  if (!prefix.empty()) {
    generator.index_text(normalized, 1, std::string(prefix));
    generator.increase_termpos();
  }
}

}  // namespace

std::string UniqueIdTerm(std::string_view type, std::string_view id) {
  if (type == schema::kTypeTicket) return schema::Term(schema::kUniqueId, "ticket:" + std::string(id));
  return schema::Term(schema::kUniqueId, id);
}

std::string ArticleUrl(const DisplayRecord& record) {
  return "/articles/" + record.slug + "?lang=" + std::string(LanguageCode(record.language));
}

std::string DocumentUrl(const DisplayRecord& record) {
  // Ids from ticket exports may hold any text, so the id is percent-encoded.
  if (record.type == schema::kTypeTicket) return "/agent/tickets/" + PercentEncode(record.id);
  if (record.audience != schema::kAudiencePublic) return "/agent" + ArticleUrl(record);
  return ArticleUrl(record);
}

Xapian::Document BuildDocument(const DocumentRecord& record) {
  const Analyzer& analyzer = AnalyzerFor(record.language);
  Xapian::TermGenerator generator;
  generator.set_stemmer(analyzer.MakeStemmer());
  // Stemmed terms get positions too, for the query's proximity reading.
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME_FULL_POS);
  // Stop words keep their exact term (a query of only stop words still
  // matches) but get no stemmed or folded weight of their own.
  generator.set_stopper(analyzer.stopper());
  generator.set_stopper_strategy(Xapian::TermGenerator::STOP_STEMMED);

  Xapian::Document doc;
  generator.set_document(doc);
  IndexField(generator, analyzer, record.title, schema::kWeightTitle, schema::kTitle);
  IndexField(generator, analyzer, record.answer, schema::kWeightAnswer, schema::kAnswer);
  // A ticket's resolution is what an agent reuses: it weighs like an answer.
  IndexField(generator, analyzer, record.problem, schema::kWeightBody, schema::kProblem);
  IndexField(generator, analyzer, record.resolution, schema::kWeightAnswer, schema::kResolution);
  for (const Section& section : record.sections) {
    IndexField(generator, analyzer, section.title, schema::kWeightHeading, schema::kHeading);
    IndexField(generator, analyzer, section.text, schema::kWeightBody, "");
  }

  // Titles and headings as whole phrases, for as-you-type completions. Articles
  // only: a ticket's subject is a customer's words and never a suggestion.
  if (record.type == schema::kTypeArticle) {
    std::vector<std::string> phrases{record.title};
    for (const Section& section : record.sections) phrases.push_back(section.title);
    for (const std::string& phrase : phrases) {
      const std::string term = CompletionTerm(analyzer.Normalize(phrase));
      if (!term.empty()) doc.add_boolean_term(term);
    }
  }

  // What customers searched before this article answered them. Public
  // articles only: the agent database never learns (design.md visibility).
  const bool learns = record.type == schema::kTypeArticle && record.audience == schema::kAudiencePublic;
  if (learns && !record.learned.empty()) {
    Xapian::Stem stem = analyzer.MakeStemmer();
    const size_t count = std::min(record.learned.size(), kMaxLearnedPhrasings);
    for (size_t i = 0; i < count; ++i) {
      const std::string normalized = analyzer.Normalize(record.learned[i]);
      for (const std::string& term : LearnedTerms(normalized, analyzer.stopper(), stem)) doc.add_term(term, 1);
    }
    doc.add_value(schema::kSlotLearned, LearnedSignature(record.learned));
  }

  const std::string lang(LanguageCode(record.language));
  doc.add_boolean_term(UniqueIdTerm(record.type, record.id));
  doc.add_boolean_term(schema::Term(schema::kLanguage, lang));
  doc.add_boolean_term(schema::Term(schema::kType, record.type));
  doc.add_boolean_term(schema::Term(schema::kAudience, record.audience));
  if (!record.slug.empty()) doc.add_boolean_term(schema::Term(schema::kSlug, record.slug));
  if (!record.translation_key.empty()) {
    doc.add_boolean_term(schema::Term(schema::kTranslationKey, record.translation_key));
  }
  if (!record.source_path.empty()) {
    doc.add_boolean_term(schema::Term(schema::kSourcePath, record.source_path));
  }
  for (const std::string& tag : record.tags) doc.add_boolean_term(schema::Term(schema::kTag, tag));
  if (!record.category.empty()) doc.add_boolean_term(schema::Term(schema::kCategory, record.category));

  doc.add_value(schema::kSlotListOrder,
                schema::ListOrderKey(record.category.empty() ? -1 : record.category_rank,
                                     record.category.empty() ? -1 : record.category_article_rank, record.id));
  doc.add_value(schema::kSlotReviewed, record.reviewed);
  doc.add_value(schema::kSlotType, record.type);
  doc.add_value(schema::kSlotTranslationKey, record.translation_key);
  doc.add_value(schema::kSlotLanguage, lang);
  doc.add_value(schema::kSlotTags, JoinLines(record.tags));
  doc.add_value(schema::kSlotSourceHash, record.source_hash);
  doc.add_value(schema::kSlotId, record.id);
  doc.add_value(schema::kSlotAudience, record.audience);
  doc.add_value(schema::kSlotSlug, record.slug);
  if (!record.created.empty()) doc.add_value(schema::kSlotCreated, record.created);
  doc.add_value(schema::kSlotDisplay, EncodeDisplaySlot(record));
  doc.add_value(schema::kSlotSectionText, EncodeSectionTextSlot(record));

  doc.set_data(RecordToJson(record).dump(-1, ' ', false, json::error_handler_t::replace));
  return doc;
}

std::vector<std::string> LearnedTerms(std::string_view normalized, const Xapian::Stopper* stopper,
                                      const Xapian::Stem& stem) {
  std::vector<std::string> terms;
  for (const std::string& word : Words(normalized)) {
    if (word.size() > 64) continue;  // TermGenerator drops such words too
    if (stopper != nullptr && (*stopper)(word)) continue;
    std::string term(schema::kLearned);
    term += stem.is_none() ? word : stem(word);
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(std::move(term));
  }
  return terms;
}

std::vector<std::string> LearnedTerms(std::string_view phrasing, Language language) {
  const Analyzer& analyzer = AnalyzerFor(language);
  return LearnedTerms(analyzer.Normalize(phrasing), analyzer.stopper(), analyzer.MakeStemmer());
}

std::string LearnedSignature(const std::vector<std::string>& learned) {
  if (learned.empty()) return "";
  std::string joined;
  for (const std::string& phrasing : learned) {
    joined += phrasing;
    joined += '\n';
  }
  return schema::SourceHash(joined);
}

Result<DocumentRecord> ReadDocumentRecord(const Xapian::Document& doc) {
  json data = json::parse(doc.get_data(), nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) {
    return Error{ErrorCode::kInternal, "document data is not a helpdex record", ""};
  }
  DocumentRecord record;
  record.id = data.value("id", "");
  record.type = data.value("type", "article");
  record.title = data.value("title", "");
  record.language = ParseLanguage(data.value("lang", "en")).value_or(Language::kEnglish);
  record.slug = data.value("slug", "");
  if (data.contains("tags") && data["tags"].is_array()) {
    for (const json& tag : data["tags"]) {
      if (tag.is_string()) record.tags.push_back(tag.get<std::string>());
    }
  }
  record.audience = data.value("audience", "public");
  record.translation_key = data.value("translation_key", "");
  record.reviewed = data.value("reviewed", "");
  record.answer = data.value("answer", "");
  record.answer_text = data.value("answer_text", "");
  record.answer_html = data.value("answer_html", "");
  record.html = data.value("html", "");
  if (data.contains("sections") && data["sections"].is_array()) {
    for (const json& section : data["sections"]) {
      record.sections.push_back(Section{section.value("anchor", ""), section.value("title", ""),
                                        section.value("text", ""), section.value("level", 0)});
    }
  }
  if (data.contains("links") && data["links"].is_array()) {
    for (const json& link : data["links"]) {
      if (link.is_string()) record.links.push_back(link.get<std::string>());
    }
  }
  record.source_path = data.value("source_path", "");
  record.source_hash = data.value("source_hash", "");
  if (data.contains("extra")) record.extra_json = data["extra"].dump();
  record.created = data.value("created", "");
  if (data.contains("category") && data["category"].is_object()) {
    const json& category = data["category"];
    record.category = category.value("key", "");
    record.category_title = category.value("title", "");
    record.category_description = category.value("description", "");
    record.category_rank = category.value("rank", -1);
    record.category_article_rank = category.value("article_rank", -1);
  }
  // Indexed before the texts had a slot of their own: they are in the data.
  const std::string texts = doc.get_value(schema::kSlotSectionText);
  if (texts.empty()) {
    record.problem = data.value("problem", "");
    record.resolution = data.value("resolution", "");
  } else if (!DecodeSectionTextSlot(texts, record)) {
    return Error{ErrorCode::kInternal, "the section texts of document " + record.id + " are damaged",
                 "value slot " + std::to_string(schema::kSlotSectionText)};
  }
  record.opening = OpeningOf(record);
  if (data.contains("learned") && data["learned"].is_array()) {
    for (const json& phrasing : data["learned"]) {
      if (phrasing.is_string()) record.learned.push_back(phrasing.get<std::string>());
    }
  }
  if (data.contains("messages") && data["messages"].is_array()) {
    for (const json& message : data["messages"]) {
      if (!message.is_object()) continue;
      record.messages.push_back(TicketMessage{message.value("role", ""), message.value("time", ""),
                                              message.value("text", ""), message.value("text_plain", "")});
    }
  }
  return record;
}

std::vector<TicketMessage> TicketThread(const DocumentRecord& record) {
  if (!record.messages.empty()) return record.messages;
  std::vector<TicketMessage> thread;
  if (!record.problem.empty()) thread.push_back(TicketMessage{"customer", "", record.problem, ""});
  if (!record.resolution.empty()) thread.push_back(TicketMessage{"agent", "", record.resolution, ""});
  return thread;
}

const TicketMessage* TicketResolution(const std::vector<TicketMessage>& thread) {
  const TicketMessage* last = nullptr;
  const TicketMessage* longest = nullptr;
  for (const TicketMessage& message : thread) {
    if (message.role != "agent") continue;
    last = &message;
    if (longest == nullptr || message.text.size() >= longest->text.size()) longest = &message;
  }
  if (last != nullptr && longest->text.size() > 2 * last->text.size()) return longest;
  return last;
}

std::string FirstLines(std::string_view text, size_t max_lines, size_t max_line_bytes) {
  std::string out;
  size_t lines = 0;
  size_t start = 0;
  bool cut = false;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (lines == max_lines) {
      cut = true;
      break;
    }
    std::string kept = CutUtf8(line, max_line_bytes);
    if (kept.size() < line.size()) kept += "…";
    if (!out.empty()) out += '\n';
    out += kept;
    ++lines;
  }
  if (cut) out += "…";
  return out;
}

Result<DisplayRecord> ReadDisplayRecord(const Xapian::Document& doc, SectionTexts texts) {
  const std::string display = doc.get_value(schema::kSlotDisplay);
  if (display.empty()) {
    // Indexed before the display slots: everything is in the data.
    Result<DocumentRecord> whole = ReadDocumentRecord(doc);
    if (!whole.ok()) return whole.error();
    DisplayRecord record = std::move(static_cast<DisplayRecord&>(*whole));
    if (texts == SectionTexts::kSkip) {
      for (Section& section : record.sections) section.text.clear();
      record.problem.clear();
      record.resolution.clear();
    }
    return record;
  }
  DisplayRecord record;
  if (!DecodeDisplaySlot(display, record)) {
    return Error{ErrorCode::kInternal, "the display record of a document is damaged",
                 "value slot " + std::to_string(schema::kSlotDisplay)};
  }
  if (texts == SectionTexts::kRead && !DecodeSectionTextSlot(doc.get_value(schema::kSlotSectionText), record)) {
    return Error{ErrorCode::kInternal, "the section texts of document " + record.id + " are damaged",
                 "value slot " + std::to_string(schema::kSlotSectionText)};
  }
  return record;
}

std::string OpeningText(const DisplayRecord& record, size_t max_bytes) {
  const std::string opening = record.opening.empty() ? OpeningOf(record) : record.opening;
  std::string cut = CutUtf8(opening, max_bytes);
  if (cut.size() < opening.size()) cut += "…";
  return cut;
}

namespace {

// Calls `visit(word, wdf)` for each word of `doc` that belongs in the spelling
// dictionary. Prefixed terms start with an ASCII capital (S, Z, XH, Q...);
// normalised words never do, because normalisation folds case.
template <typename Visit>
void ForEachSpellingWord(const Xapian::Document& doc, Visit visit) {
  for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
    const std::string& word = *term;
    if (word.empty() || (word[0] >= 'A' && word[0] <= 'Z')) continue;
    if (word.size() < 3 || word.size() > 32) continue;
    visit(word, term.get_wdf());
  }
}

}  // namespace

void AddSpellings(Xapian::WritableDatabase& db, const Xapian::Document& doc) {
  ForEachSpellingWord(doc, [&](const std::string& word, Xapian::termcount wdf) { db.add_spelling(word, wdf); });
}

void ReplaceSynonyms(Xapian::WritableDatabase& db, const std::vector<SynonymGroup>& groups) {
  std::vector<std::string> old_keys;
  for (auto key = db.synonym_keys_begin(); key != db.synonym_keys_end(); ++key) old_keys.push_back(*key);
  for (const std::string& key : old_keys) db.clear_synonyms(key);

  for (const SynonymGroup& group : groups) {
    const Analyzer& analyzer = AnalyzerFor(group.language);
    Xapian::Stem stem = analyzer.MakeStemmer();
    std::vector<std::string> keys;   // every member, words joined by one space
    std::vector<std::string> words;  // the single-word members
    for (const std::string& term : group.terms) {
      std::istringstream split(analyzer.Normalize(term));
      std::string key;
      int count = 0;
      for (std::string word; split >> word; ++count) {
        if (!key.empty()) key += ' ';
        key += word;
      }
      if (key.empty()) continue;
      keys.push_back(key);
      if (count == 1) words.push_back(key);
    }
    for (const std::string& key : keys) {
      const bool single = key.find(' ') == std::string::npos;
      for (const std::string& word : words) {
        if (word == key) continue;
        db.add_synonym(key, word);
        if (single && !stem.is_none()) db.add_synonym(schema::StemmedTerm(stem, key), schema::StemmedTerm(stem, word));
      }
    }
  }
}

void RemoveSpellings(Xapian::WritableDatabase& db, const Xapian::Document& doc) {
  ForEachSpellingWord(doc, [&](const std::string& word, Xapian::termcount wdf) { db.remove_spelling(word, wdf); });
}

void SpellingBatch::Add(const Xapian::Document& doc) {
  ForEachSpellingWord(doc, [&](const std::string& word, Xapian::termcount wdf) { deltas_[word] += wdf; });
}

void SpellingBatch::Add(const SpellingBatch& other) {
  for (const auto& [word, delta] : other.deltas_) deltas_[word] += delta;
}

void SpellingBatch::Remove(const Xapian::Document& doc) {
  ForEachSpellingWord(doc, [&](const std::string& word, Xapian::termcount wdf) { deltas_[word] -= wdf; });
}

void SpellingBatch::ApplyTo(Xapian::WritableDatabase& db) {
  // Sorted, so that Xapian's own change buffers are filled in key order.
  std::vector<std::pair<std::string, long long>> sorted(deltas_.begin(), deltas_.end());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [word, delta] : sorted) {
    if (delta > 0) db.add_spelling(word, static_cast<Xapian::termcount>(delta));
    if (delta < 0) db.remove_spelling(word, static_cast<Xapian::termcount>(-delta));
  }
  deltas_.clear();
}

}  // namespace helpdex::search

#include "record_views.h"

#include "helpdex/search/schema.h"

namespace helpdex::search {

Xapian::Query VisibleTo(const Viewer& viewer) {
  if (viewer.agent) return Xapian::Query::MatchAll;
  return Xapian::Query(schema::Term(schema::kAudience, schema::kAudiencePublic));
}

Xapian::docid VersionIn(const Xapian::Database& db, const Viewer& viewer, const std::string& translation_key,
                        const std::string& language) {
  if (translation_key.empty()) return 0;
  const Xapian::Query filter(Xapian::Query::OP_AND, VisibleTo(viewer),
                             Xapian::Query(schema::Term(schema::kLanguage, language)));
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                  Xapian::Query(schema::Term(schema::kTranslationKey, translation_key)), filter));
  enquire.set_sort_by_value(schema::kSlotId, false);
  const Xapian::MSet mset = enquire.get_mset(0, 1);
  return mset.empty() ? 0 : *mset.begin();
}

std::string EscapeHtml(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string AnswerText(const DisplayRecord& record) {
  return record.answer_text.empty() ? record.answer : record.answer_text;
}

std::string AnswerHtml(const DisplayRecord& record) {
  return record.answer_html.empty() ? EscapeHtml(record.answer) : record.answer_html;
}

}  // namespace helpdex::search

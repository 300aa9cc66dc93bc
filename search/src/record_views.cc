#include "record_views.h"

#include "helpdex/search/schema.h"

namespace helpdex::search {

Xapian::Query VisibleTo(const Viewer& viewer) {
  if (viewer.agent) return Xapian::Query::MatchAll;
  return Xapian::Query(schema::Term(schema::kAudience, schema::kAudiencePublic));
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

std::string AnswerText(const DocumentRecord& record) {
  return record.answer_text.empty() ? record.answer : record.answer_text;
}

std::string AnswerHtml(const DocumentRecord& record) {
  return record.answer_html.empty() ? EscapeHtml(record.answer) : record.answer_html;
}

}  // namespace helpdex::search

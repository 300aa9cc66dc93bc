#include "ticket_record.h"

#include "schema_version.h"

#include "helpdex/search/analysis.h"
#include "helpdex/search/markdown_text.h"
#include "helpdex/search/schema.h"

namespace helpdex::indexer {
namespace {

std::string JoinMessages(const std::vector<search::TicketMessage>& messages, std::string_view role) {
  std::string joined;
  for (const search::TicketMessage& message : messages) {
    if (message.role != role || message.text.empty()) continue;
    if (!joined.empty()) joined += "\n\n";
    joined += message.text;
  }
  return joined;
}

// The requester's own addresses, in case a pattern missed an unusual form.
void RemoveRequesterEmails(const Ticket& ticket, std::string& text, RedactionCounts* counts) {
  for (const std::string& email : ticket.requester_emails) {
    if (email.size() < 3) continue;
    for (size_t pos = text.find(email); pos != std::string::npos; pos = text.find(email, pos)) {
      text.replace(pos, email.size(), "[email]");
      if (counts != nullptr) ++counts->by_kind["email"];
    }
  }
}

// The language the export gives, or CLD2's guess from the customer's words;
// English when neither knows (the unstemmed words still match any query).
Language TicketLanguage(const Ticket& ticket, const std::string& problem) {
  if (std::optional<Language> given = ParseLanguage(ticket.lang)) return *given;
  if (std::optional<Language> detected = search::DetectLanguage(ticket.subject + "\n" + problem)) {
    return *detected;
  }
  return Language::kEnglish;
}

}  // namespace

std::string TicketSourceKey(const Ticket& ticket) { return "ticket:" + ticket.id; }

std::string TicketHash(const Ticket& ticket) {
  return search::schema::SourceHash(ticket.hash + '\n' + kRedactionRulesVersion + '\n' + kTicketRecordVersion + '\n' +
                                    kSchemaVersion);
}

Result<search::DocumentRecord> TicketToRecord(const Ticket& ticket, const Redactor& redactor,
                                              RedactionCounts* counts) {
  std::vector<search::TicketMessage> raw;
  for (const TicketMessage& message : ticket.messages) {
    if (!message.text.empty()) raw.push_back(search::TicketMessage{message.role, message.time, message.text, ""});
  }
  if (ticket.subject.empty() && raw.empty()) {
    return Error{ErrorCode::kInvalidInput, "ticket '" + ticket.id + "' has no subject and no messages", ticket.where};
  }
  search::DocumentRecord record;
  record.id = ticket.id;
  record.type = std::string(search::schema::kTypeTicket);
  record.audience = std::string(search::schema::kAudienceInternal);
  record.language = TicketLanguage(ticket, JoinMessages(raw, "customer"));
  record.tags = ticket.tags;
  record.created = ticket.created;

  RedactionContext context;
  context.region = RegionForLanguage(record.language);
  context.names = ticket.requester_names;
  record.title = redactor.Redact(ticket.subject, context, counts);
  RemoveRequesterEmails(ticket, record.title, counts);
  // Each message is redacted on its own and the problem and resolution are
  // joined from the redacted messages, so the two can never differ.
  for (search::TicketMessage& message : raw) {
    message.text = redactor.Redact(message.text, context, counts);
    RemoveRequesterEmails(ticket, message.text, counts);
    if (message.role == "agent") {
      std::string plain = search::MarkdownToPlainText(message.text);
      if (plain != message.text) message.text_plain = std::move(plain);
    }
  }
  record.problem = JoinMessages(raw, "customer");
  record.resolution = JoinMessages(raw, "agent");
  record.messages = std::move(raw);
  if (record.title.empty()) record.title = ticket.id;
  record.source_path = TicketSourceKey(ticket);
  record.source_hash = TicketHash(ticket);
  return record;
}

}  // namespace helpdex::indexer

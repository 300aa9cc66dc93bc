#include "ticket_record.h"

#include "schema_version.h"

#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"

namespace helpdex::indexer {
namespace {

std::string JoinMessages(const Ticket& ticket, std::string_view role) {
  std::string joined;
  for (const TicketMessage& message : ticket.messages) {
    if (message.role != role || message.text.empty()) continue;
    if (!joined.empty()) joined += "\n\n";
    joined += message.text;
  }
  return joined;
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
  return search::schema::SourceHash(ticket.hash + '\n' + kRedactionRulesVersion + '\n' + kSchemaVersion);
}

Result<search::DocumentRecord> TicketToRecord(const Ticket& ticket, const Redactor& redactor,
                                              RedactionCounts* counts) {
  const std::string problem = JoinMessages(ticket, "customer");
  const std::string resolution = JoinMessages(ticket, "agent");
  if (ticket.subject.empty() && problem.empty() && resolution.empty()) {
    return Error{ErrorCode::kInvalidInput, "ticket '" + ticket.id + "' has no subject and no messages", ticket.where};
  }
  search::DocumentRecord record;
  record.id = ticket.id;
  record.type = std::string(search::schema::kTypeTicket);
  record.audience = std::string(search::schema::kAudienceInternal);
  record.language = TicketLanguage(ticket, problem);
  record.tags = ticket.tags;
  record.created = ticket.created;

  RedactionContext context;
  context.region = RegionForLanguage(record.language);
  context.names = ticket.requester_names;
  record.title = redactor.Redact(ticket.subject, context, counts);
  record.problem = redactor.Redact(problem, context, counts);
  record.resolution = redactor.Redact(resolution, context, counts);
  // The requester's own addresses, in case a pattern missed an unusual form.
  for (const std::string& email : ticket.requester_emails) {
    if (email.size() < 3) continue;
    for (std::string* text : {&record.title, &record.problem, &record.resolution}) {
      for (size_t pos = text->find(email); pos != std::string::npos; pos = text->find(email, pos)) {
        text->replace(pos, email.size(), "[email]");
        if (counts != nullptr) ++counts->by_kind["email"];
      }
    }
  }
  if (record.title.empty()) record.title = ticket.id;
  record.source_path = TicketSourceKey(ticket);
  record.source_hash = TicketHash(ticket);
  return record;
}

}  // namespace helpdex::indexer

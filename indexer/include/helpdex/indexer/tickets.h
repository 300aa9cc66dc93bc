// File: tickets.h
// Reading resolved support tickets from an export, in three formats:
//   - JSON Lines (.jsonl, .jsonl.gz, .ndjson): design.md's ticket schema,
//     {"id", "subject", "lang", "status", "tags", "created",
//      "messages": [{"role": "customer"|"agent", "time", "text"}]}
//     plus optional "requester": {"name", "email"}.
//   - CSV (.csv, RFC 4180, a header row): columns id, subject, status and at
//     least one of problem/resolution; optional lang, tags (separated by ',' or
//     ';' or '|'), created, requester_name, requester_email. Column names are
//     case-insensitive; unknown columns are ignored.
//   - A Zendesk-style export (.json): {"tickets": [{"id", "subject",
//     "description", "status", "tags", "created_at", "requester_id",
//     "comments": [{"author_id", "body", "created_at", "public"}]}],
//     "users": [{"id", "name", "email"}]}. A comment by the requester is the
//     customer's, any other public comment the agent's; private notes are skipped.
// A malformed line or record is reported with file:line (JSON Lines, CSV) or
// file#N (the N-th Zendesk ticket, 1-based) and the rest still reads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "helpdex/search/error.h"

namespace helpdex::indexer {

struct TicketMessage {
  std::string role;  // "customer" or "agent"
  std::string time;  // ISO 8601 as given, may be empty
  std::string text;
};

struct Ticket {
  std::string id;                // the export's id, as a string
  std::string subject;
  std::string lang;              // as given (may be empty or unsupported)
  std::string status;            // lower-cased: "solved", "closed", "open", ...
  std::vector<std::string> tags;
  std::string created;           // ISO 8601 as given
  std::vector<TicketMessage> messages;
  std::vector<std::string> requester_names;   // for redaction
  std::vector<std::string> requester_emails;  // for redaction
  std::string where;             // "file:line" or "file#N"
  std::string hash;              // schema::SourceHash of the record's raw bytes (change detection)
};

// Only solved and closed tickets are indexed (design.md).
bool IsResolved(const Ticket& ticket);

// Calls `on_ticket` for each well-formed record and `on_error` for each
// malformed one (a message naming the field). Returns the number of records
// read, or an Error when the file cannot be read or its format is unknown.
Result<int> ReadTicketsFile(const std::string& path, const std::function<void(Ticket)>& on_ticket,
                            const std::function<void(Error)>& on_error);

}  // namespace helpdex::indexer

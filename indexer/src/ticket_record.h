// Turns a ticket from an export into the record the index stores: redacted,
// with its language known, the customer's messages as the problem and the
// agents' as the resolution.
#pragma once

#include "helpdex/indexer/redaction.h"
#include "helpdex/indexer/tickets.h"
#include "helpdex/search/document.h"

namespace helpdex::indexer {

// Bumped whenever redaction rules change, so that every ticket is redacted
// again by the next `helpdex index` even when its export line is unchanged.
inline constexpr const char* kRedactionRulesVersion = "redaction-1";

// Bumped when what a ticket's record holds changes (ticket-messages-1: the
// conversation message by message, agent messages' visible text), so that every
// ticket is read again without re-analysing the articles.
inline constexpr const char* kTicketRecordVersion = "ticket-messages-1";

// "ticket:<id>": what identifies a ticket across runs.
std::string TicketSourceKey(const Ticket& ticket);

// The hash that decides whether a ticket must be analysed again: its raw
// record, the redaction rules and the schema (kSchemaVersion).
std::string TicketHash(const Ticket& ticket);

// kInvalidInput (where: the ticket's file:line) for a ticket without any text.
Result<search::DocumentRecord> TicketToRecord(const Ticket& ticket, const Redactor& redactor,
                                              RedactionCounts* counts);

}  // namespace helpdex::indexer

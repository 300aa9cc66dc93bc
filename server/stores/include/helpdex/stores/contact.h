// File: contact.h
// Messages sent with the contact form (/contact), in SQLite (DATA/contact.db,
// readable by its owner only): nothing a customer writes is lost, with or
// without JavaScript. What a customer writes here is meant for support, so it
// is kept as written (unlike search queries in the event store, which are
// redacted); it is agent-only data and never reaches a public response.
//
// Each message has a status for the agents' inbox (/agent/messages: open,
// answered, closed; new messages are open) and, when the server forwards new
// messages (forwarder.h), the state of that forwarding, so that a message
// that could not be forwarded says so instead of being lost silently.
//
//   Result<std::unique_ptr<ContactStore>> store = ContactStore::Open("var/data");
//   ContactMessage message{.subject = "Card declined", .description = "..."};
//   if (std::vector<FieldError> errors = ValidateContactMessage(message); errors.empty())
//     Result<int64_t> id = (*store)->Save(message);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/error.h"

namespace helpdex::stores {

inline constexpr size_t kMaxContactSubjectCharacters = 200;
inline constexpr size_t kMaxContactDescriptionCharacters = 5000;
inline constexpr size_t kMaxContactEmailBytes = 254;  // RFC 5321's path limit

struct ContactMessage {
  std::string visit;        // anonymous visit id, to join with the visit's searches
  std::string language;     // the page's language
  std::string email;        // where support answers; required (an older store may hold "")
  std::string subject;
  std::string description;
  int64_t at_ms = 0;        // 0 = when saved
};

// Where an agent is with a message.
enum class MessageStatus { kOpen, kAnswered, kClosed };
// "open", "answered", "closed".
std::string_view MessageStatusName(MessageStatus status);
// nullopt for anything else (case-sensitive, as the API documents).
std::optional<MessageStatus> ParseMessageStatus(std::string_view name);
inline constexpr MessageStatus kAllMessageStatuses[] = {MessageStatus::kOpen, MessageStatus::kAnswered,
                                                        MessageStatus::kClosed};

// Forwarding of a new message (forwarder.h): "" when the server did not
// forward it (no --forward-* was configured when it arrived).
enum class ForwardState { kNone, kPending, kForwarded, kFailed };
std::string_view ForwardStateName(ForwardState state);  // "", "pending", "forwarded", "failed"

struct StoredContactMessage {
  int64_t id = 0;
  ContactMessage message;
  MessageStatus status = MessageStatus::kOpen;
  int64_t status_at_ms = 0;      // when the status last changed (0: never)
  ForwardState forward = ForwardState::kNone;
  std::string forward_detail;    // why the last attempt failed, "" otherwise
  int forward_attempts = 0;      // attempts made so far
  int forward_done = 0;          // bitmask of the targets that took it (forwarder.h)
  int64_t forward_next_ms = 0;   // pending: not before this time
};

// The request number a customer quotes: "#1042" for message 1042.
std::string RequestNumber(int64_t id);

// Which messages List() returns: the newest first.
struct MessageFilter {
  std::optional<MessageStatus> status;  // all statuses when nullopt
  size_t limit = 100;
  size_t offset = 0;
};

// A problem with one form field: "subject", "description" or "email", and a
// message key of templates/i18n.json ("contact_error_subject_missing", ...).
struct FieldError {
  std::string field;
  std::string message_key;
};

// Subject, description and e-mail are required (not blank), within their
// lengths in characters (code points), valid UTF-8; the e-mail looks like one
// (local@domain.tld, no spaces, quotes or angle brackets): without it nobody
// could answer. Empty when valid.
std::vector<FieldError> ValidateContactMessage(const ContactMessage& message);

// How many messages one visit may send: more looks like a flood (a script
// or a stuck key), and the form asks to try again later.
struct FloodPolicy {
  int64_t max_messages = 5;
  int64_t window_ms = 10 * 60 * 1000;
};

class ContactStore {
 public:
  static Result<std::unique_ptr<ContactStore>> Open(const std::string& data_dir);
  ~ContactStore();
  ContactStore(const ContactStore&) = delete;
  ContactStore& operator=(const ContactStore&) = delete;

  // Saves a validated message before the customer is told it was sent; the
  // id of the new message (status open; forwarding pending when
  // set_forward_new_messages(true)). kInternal if SQLite fails.
  Result<int64_t> Save(ContactMessage message);
  // New messages are marked for the forwarder (pending) in the same write
  // that saves them, so a crash between the two cannot lose a forward.
  void set_forward_new_messages(bool forward);
  // Messages since `since_ms` sent within the same visit: the flood check.
  Result<int64_t> CountFromVisitSince(const std::string& visit, int64_t since_ms);
  // True when `visit` has sent policy.max_messages within the last
  // policy.window_ms: the next message is refused.
  Result<bool> IsFlooding(const std::string& visit, const FloodPolicy& policy = {});
  // The newest messages first, at most `limit`.
  Result<std::vector<StoredContactMessage>> List(size_t limit = 100);
  Result<std::vector<StoredContactMessage>> List(const MessageFilter& filter);
  // How many messages have each status (every status is in the map).
  Result<std::map<MessageStatus, int64_t>> CountByStatus();
  // One message; kNotFound for an unknown id.
  Result<StoredContactMessage> Get(int64_t id);
  // Sets a message's status (and when); kNotFound for an unknown id.
  Result<StoredContactMessage> SetStatus(int64_t id, MessageStatus status);

  // For the forwarder (forwarder.h): pending messages due at `now_ms`, oldest
  // first, at most `limit`; and the outcome of one attempt. `done` is the
  // bitmask of targets that have taken the message so far.
  Result<std::vector<StoredContactMessage>> DueForwards(int64_t now_ms, size_t limit = 20);
  Result<bool> RecordForwardAttempt(int64_t id, ForwardState state, int attempts, int done,
                                    const std::string& detail, int64_t next_ms);

 private:
  struct Impl;
  explicit ContactStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace helpdex::stores

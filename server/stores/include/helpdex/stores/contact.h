// File: contact.h
// Messages sent with the contact form (/contact), in SQLite (DATA/contact.db,
// readable by its owner only): nothing a customer writes is lost, with or
// without JavaScript. What a customer writes here is meant for support, so it
// is kept as written (unlike search queries in the event store, which are
// redacted); it is agent-only data and never reaches a public response.
//
//   Result<std::unique_ptr<ContactStore>> store = ContactStore::Open("var/data");
//   ContactMessage message{.subject = "Card declined", .description = "..."};
//   if (std::vector<FieldError> errors = ValidateContactMessage(message); errors.empty())
//     Result<int64_t> id = (*store)->Save(message);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "helpdex/search/error.h"

namespace helpdex::stores {

inline constexpr size_t kMaxContactSubjectCharacters = 200;
inline constexpr size_t kMaxContactDescriptionCharacters = 5000;
inline constexpr size_t kMaxContactEmailBytes = 254;  // RFC 5321's path limit

struct ContactMessage {
  std::string visit;        // anonymous visit id, to join with the visit's searches
  std::string language;     // the page's language
  std::string email;        // where support answers; may be empty
  std::string subject;
  std::string description;
  int64_t at_ms = 0;        // 0 = when saved
};

struct StoredContactMessage {
  int64_t id = 0;
  ContactMessage message;
};

// A problem with one form field: "subject", "description" or "email", and a
// message key of templates/i18n.json ("contact_error_subject_missing", ...).
struct FieldError {
  std::string field;
  std::string message_key;
};

// Subject and description are required (not blank), within their lengths in
// characters (code points), valid UTF-8; the e-mail, when given, looks like
// one (local@domain.tld, no spaces or angle brackets). Empty when valid.
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
  // id of the new message. kInternal if SQLite fails.
  Result<int64_t> Save(ContactMessage message);
  // Messages since `since_ms` sent within the same visit: the flood check.
  Result<int64_t> CountFromVisitSince(const std::string& visit, int64_t since_ms);
  // True when `visit` has sent policy.max_messages within the last
  // policy.window_ms: the next message is refused.
  Result<bool> IsFlooding(const std::string& visit, const FloodPolicy& policy = {});
  // The newest messages first, at most `limit`.
  Result<std::vector<StoredContactMessage>> List(size_t limit = 100);

 private:
  struct Impl;
  explicit ContactStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace helpdex::stores

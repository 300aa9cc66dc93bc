// File: forwarder.h
// Forwards each new contact message (contact.h) to where a support team
// already works: a command that reads an RFC 5322 e-mail on stdin (sendmail
// -t compatible: To, Reply-To the customer, Subject with the request number)
// and/or a webhook that receives the message as a JSON object (HTTP POST).
//
// A background worker does it, never the request that saved the message: the
// store marks a new message "pending" in the same write that saves it
// (ContactStore::set_forward_new_messages), the worker takes pending messages
// oldest first, and records on each message whether it was forwarded or why
// it failed. A failed attempt is retried later (bounded: max_attempts, with
// a doubling wait), then the message is marked "failed" with the reason.
// Nothing is lost silently: every failure is counted (stats()), reported
// (on_failure, the server logs it) and shown in the agents' inbox.
//
//   ForwardOptions options{.command = {"/usr/sbin/sendmail", "-t", "-i"}, .to = "support@example.com"};
//   Result<std::unique_ptr<MessageForwarder>> forwarder = MessageForwarder::Start(store, options);
//   (*forwarder)->Notify();  // after ContactStore::Save: forward it now
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/error.h"
#include "helpdex/stores/contact.h"

namespace helpdex::stores {

// The targets a message reaches, as a bitmask (StoredContactMessage::forward_done).
inline constexpr int kForwardCommand = 1;
inline constexpr int kForwardWebhook = 2;

// One failed attempt, for the server's log.
struct ForwardFailure {
  int64_t id = 0;          // the message
  std::string reason;      // "command: exited with status 75; webhook: HTTP 500"
  int attempt = 0;         // 1-based
  bool final = false;      // no more attempts: the message is now "failed"
};

struct ForwardOptions {
  // The command's argv (SplitCommand); run with execvp (no shell), the
  // e-mail on its stdin. Empty: no command.
  std::vector<std::string> command;
  std::string to;                                    // To: of the e-mail (required with a command)
  std::string from = "helpdex <helpdex@localhost>";  // From: of the e-mail
  // http://HOST[:PORT]/PATH or https://...; "" for none.
  std::string webhook;
  int max_attempts = 5;                              // then the message is "failed"
  std::chrono::milliseconds first_retry{std::chrono::seconds(30)};  // doubles after each failure
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};  // how often due retries are looked for
  std::chrono::seconds timeout{30};                  // one command run or webhook call, at most
  // Called on the worker thread for each failed attempt (keep it short).
  std::function<void(const ForwardFailure&)> on_failure;
};

struct ForwarderStats {
  uint64_t forwarded = 0;        // messages every target took
  uint64_t failed_attempts = 0;  // attempts that failed (each retried or given up)
  uint64_t gave_up = 0;          // messages marked "failed" after max_attempts
};

class MessageForwarder {
 public:
  // Checks the options (kInvalidInput naming the option: a command without
  // `to`, a webhook that is not an http(s) URL, neither target) and starts
  // the worker, which first takes what an earlier run left pending.
  static Result<std::unique_ptr<MessageForwarder>> Start(std::shared_ptr<ContactStore> store,
                                                         ForwardOptions options);
  // Stops the worker after the attempt in progress (what is left stays
  // pending in the store for the next start).
  ~MessageForwarder();
  MessageForwarder(const MessageForwarder&) = delete;
  MessageForwarder& operator=(const MessageForwarder&) = delete;

  // Wakes the worker: a new message is pending. Thread-safe, never blocks.
  void Notify();
  // Returns once the worker has made every attempt that was due when called
  // (for tests and a clean stop).
  void WaitIdle();
  ForwarderStats stats() const;

 private:
  struct Impl;
  explicit MessageForwarder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Splits a --forward-command into argv like a shell would for simple words:
// whitespace separates, '...' and "..." quote (no escapes, no variables).
// kInvalidInput for an unbalanced quote or an empty command.
Result<std::vector<std::string>> SplitCommand(std::string_view command);

// The e-mail the command reads: headers (From, To, Reply-To the customer,
// Subject "[#ID] subject" encoded per RFC 2047 when not ASCII, Date,
// Message-ID, MIME text/plain UTF-8), a blank line, then the message.
// Lines end in LF, as sendmail -t reads them.
std::string ForwardEmail(const StoredContactMessage& message, const ForwardOptions& options);
// The JSON object the webhook receives: the API's fields (id, created,
// subject, description, email, lang, status) and "request" ("#ID").
std::string ForwardJson(const StoredContactMessage& message);
// "2026-12-03T22:54:07Z" for a time in milliseconds since the Unix epoch.
std::string IsoUtc(int64_t ms);

}  // namespace helpdex::stores

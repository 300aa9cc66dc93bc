// The message forwarder (forwarder.h): a worker thread over the contact
// store's pending messages, a command run with execvp (no shell) and a
// webhook called with cpp-httplib.
#include "helpdex/stores/forwarder.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sqlite_db.h"

namespace helpdex::stores {
namespace {

constexpr size_t kMaxReasonBytes = 300;

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = uint8_t(bytes[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

// One header line's text: no line breaks or other control characters (a
// subject must not be able to add headers).
std::string HeaderSafe(std::string_view text) {
  std::string safe;
  for (unsigned char c : text) safe.push_back(c < 0x20 || c == 0x7F ? ' ' : static_cast<char>(c));
  return safe;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 2047 encoded words (UTF-8, base64) of at most 45 bytes each, never
// splitting a character, folded onto continuation lines.
std::string EncodedWords(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && end > start && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string HeaderText(std::string_view text) {
  std::string safe = HeaderSafe(text);
  return IsAscii(safe) ? safe : EncodedWords(safe);
}

// "Thu, 03 Dec 2026 22:54:07 +0000", in English whatever the locale (RFC 5322).
std::string MailDate(int64_t ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

// The message text with LF line ends; a line of a single "." gets a space,
// so that a sendmail run without -i does not end the message there.
std::string BodyText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  std::string safe;
  size_t line_start = 0;
  while (line_start <= out.size()) {
    size_t line_end = out.find('\n', line_start);
    if (line_end == std::string::npos) line_end = out.size();
    std::string_view line(out.data() + line_start, line_end - line_start);
    safe += line == "." ? ". " : std::string(line);
    if (line_end < out.size()) safe.push_back('\n');
    line_start = line_end + 1;
  }
  return safe;
}

std::string Shorten(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (text.size() > kMaxReasonBytes) text.resize(kMaxReasonBytes);
  return text;
}

// Runs argv with `input` on its stdin, its stdout discarded; "" when it
// exited with status 0, else why not (with the start of what it wrote to
// stderr). Killed after `timeout`.
std::string RunCommand(const std::vector<std::string>& argv, const std::string& input, std::chrono::seconds timeout) {
  int in[2];
  int err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return std::string("cannot create a pipe: ") + std::strerror(errno);
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return std::string("cannot create a pipe: ") + std::strerror(errno);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(in[0], 0);
    dup2(devnull >= 0 ? devnull : err[1], 1);
    dup2(err[1], 2);
    closefrom(3);
    execvp(args[0], args.data());
    static const char kFailed[] = "cannot run the command\n";
    (void)!write(2, kFailed, sizeof kFailed - 1);
    _exit(127);
  }
  close(in[0]);
  close(err[1]);
  if (pid < 0) {
    close(in[1]);
    close(err[0]);
    return std::string("cannot start the command: ") + std::strerror(errno);
  }
  // The message (at most a few tens of KB) fits the pipe's buffer; a child
  // that exits without reading it gives EPIPE (SIGPIPE is blocked here).
  size_t written = 0;
  while (written < input.size()) {
    const ssize_t n = write(in[1], input.data() + written, input.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  close(in[1]);
  std::string errors;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fd{err[0], POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char buffer[512];
    const ssize_t n = read(err[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (errors.size() < kMaxReasonBytes) errors.append(buffer, static_cast<size_t>(n));
  }
  close(err[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return "timed out after " + std::to_string(timeout.count()) + " s";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::string reason = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                         : "killed by signal " + std::to_string(WTERMSIG(status));
  if (!errors.empty()) reason += ": " + errors;
  return Shorten(reason);
}

struct WebhookUrl {
  std::string base;  // scheme://host[:port]
  std::string path;  // "/..." (with any query)
};

std::optional<WebhookUrl> ParseWebhook(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const size_t path_start = url.find('/', scheme_end + 3);
  WebhookUrl parsed{url.substr(0, path_start), path_start == std::string::npos ? "/" : url.substr(path_start)};
  if (parsed.base.size() <= scheme_end + 3) return std::nullopt;
  for (unsigned char c : url) {
    if (c <= ' ' || c == 0x7F) return std::nullopt;
  }
  return parsed;
}

// "" when the webhook answered 2xx, else why not.
std::string CallWebhook(const WebhookUrl& url, const std::string& json, std::chrono::seconds timeout) {
  httplib::Client client(url.base);
  if (!client.is_valid()) return "the webhook URL cannot be used";
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Result result = client.Post(url.path, json, "application/json");
  if (!result) return "cannot reach the webhook: " + httplib::to_string(result.error());
  if (result->status < 200 || result->status > 299) return "the webhook answered HTTP " + std::to_string(result->status);
  return "";
}

}  // namespace

std::string IsoUtc(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Result<std::vector<std::string>> SplitCommand(std::string_view command) {
  std::vector<std::string> argv;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : command) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word.push_back(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) argv.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (quote != 0) return Error{ErrorCode::kInvalidInput, "unbalanced quote", "--forward-command"};
  if (in_word) argv.push_back(std::move(word));
  if (argv.empty()) return Error{ErrorCode::kInvalidInput, "the command is empty", "--forward-command"};
  return argv;
}

std::string ForwardEmail(const StoredContactMessage& stored, const ForwardOptions& options) {
  const ContactMessage& message = stored.message;
  const std::string number = RequestNumber(stored.id);
  std::string mail;
  mail += "From: " + HeaderSafe(options.from) + "\n";
  mail += "To: " + HeaderSafe(options.to) + "\n";
  if (!message.email.empty()) mail += "Reply-To: " + HeaderSafe(message.email) + "\n";
  mail += "Subject: " + HeaderText("[" + number + "] " + message.subject) + "\n";
  mail += "Date: " + MailDate(message.at_ms) + "\n";
  mail += "Message-ID: <helpdex-message-" + std::to_string(stored.id) + "-" + std::to_string(message.at_ms) +
          "@helpdex.invalid>\n";
  mail += "X-Helpdex-Request: " + number + "\n";
  mail += "MIME-Version: 1.0\n";
  mail += "Content-Type: text/plain; charset=UTF-8\n";
  mail += "Content-Transfer-Encoding: 8bit\n";
  mail += "\n";
  mail += "Request " + number + " (" + HeaderSafe(message.language) + ", " + IsoUtc(message.at_ms) + ")\n";
  mail += "From: " + (message.email.empty() ? std::string("(no address)") : HeaderSafe(message.email)) + "\n";
  mail += "Subject: " + HeaderSafe(message.subject) + "\n\n";
  mail += BodyText(message.description);
  mail += "\n";
  return mail;
}

std::string ForwardJson(const StoredContactMessage& stored) {
  const ContactMessage& message = stored.message;
  nlohmann::ordered_json json = {{"id", stored.id},
                                 {"created", IsoUtc(message.at_ms)},
                                 {"subject", message.subject},
                                 {"description", message.description},
                                 {"email", message.email},
                                 {"lang", message.language},
                                 {"status", std::string(MessageStatusName(stored.status))},
                                 {"request", RequestNumber(stored.id)}};
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

struct MessageForwarder::Impl {
  std::shared_ptr<ContactStore> store;
  ForwardOptions options;
  std::optional<WebhookUrl> webhook;
  int required = 0;  // the targets bitmask every message must reach

  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable idle;
  bool stop = false;       // guarded by mutex
  uint64_t requested = 0;  // Notify()/WaitIdle() calls; guarded by mutex
  uint64_t served = 0;     // the `requested` value the last pass started at; guarded by mutex
  bool busy = false;       // guarded by mutex

  std::atomic<uint64_t> forwarded{0};
  std::atomic<uint64_t> failed_attempts{0};
  std::atomic<uint64_t> gave_up{0};
  std::thread worker;

  void Report(const ForwardFailure& failure) {
    if (options.on_failure) options.on_failure(failure);
  }

  void Attempt(const StoredContactMessage& message) {
    int done = message.forward_done;
    const int attempt = message.forward_attempts + 1;
    std::string reasons;
    if ((required & kForwardCommand) && !(done & kForwardCommand)) {
      std::string failed = RunCommand(options.command, ForwardEmail(message, options), options.timeout);
      if (failed.empty()) {
        done |= kForwardCommand;
      } else {
        reasons = "command: " + failed;
      }
    }
    if ((required & kForwardWebhook) && !(done & kForwardWebhook)) {
      std::string failed = CallWebhook(*webhook, ForwardJson(message), options.timeout);
      if (failed.empty()) {
        done |= kForwardWebhook;
      } else {
        reasons += (reasons.empty() ? "" : "; ") + std::string("webhook: ") + failed;
      }
    }
    const bool failed = (done & required) != required;
    const bool final = failed && attempt >= options.max_attempts;
    ForwardState state = ForwardState::kForwarded;
    int64_t next_ms = 0;
    if (failed) {
      state = final ? ForwardState::kFailed : ForwardState::kPending;
      const int64_t wait = options.first_retry.count() << std::min(attempt - 1, 20);
      next_ms = final ? 0 : sqlite::NowMilliseconds() + wait;
    }
    // Recorded and reported first, counted after: whoever sees a count sees
    // the store and the log agree.
    Result<bool> recorded = store->RecordForwardAttempt(message.id, state, attempt, done, reasons, next_ms);
    if (!recorded.ok()) Report({message.id, "recording the attempt: " + recorded.error().ToString(), attempt, false});
    if (!failed) {
      forwarded++;
      return;
    }
    Report({message.id, reasons, attempt, final});
    failed_attempts++;
    if (final) gave_up++;
  }

  // One pass over what is due now. Bounded: were the store to keep listing a
  // message whose attempt it cannot record, the worker would otherwise spin.
  void Pass() {
    constexpr int kMaxBatchesPerPass = 100;
    for (int batch = 0; batch < kMaxBatchesPerPass; ++batch) {
      Result<std::vector<StoredContactMessage>> due = store->DueForwards(sqlite::NowMilliseconds());
      if (!due.ok()) {
        Report({0, "listing pending messages: " + due.error().ToString(), 0, false});
        return;
      }
      if (due->empty()) return;
      for (const StoredContactMessage& message : *due) {
        Attempt(message);
        std::lock_guard lock(mutex);
        if (stop) return;
      }
    }
  }

  void Run() {
    // A closed pipe gives EPIPE to write(), not a signal that ends the process.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    std::unique_lock lock(mutex);
    while (!stop) {
      served = requested;
      busy = true;
      lock.unlock();
      Pass();
      lock.lock();
      busy = false;
      idle.notify_all();
      if (stop) break;
      wake.wait_for(lock, options.poll_interval, [this] { return stop || requested != served; });
    }
    busy = false;
    idle.notify_all();
  }
};

MessageForwarder::MessageForwarder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MessageForwarder::~MessageForwarder() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stop = true;
  }
  impl_->wake.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();
}

Result<std::unique_ptr<MessageForwarder>> MessageForwarder::Start(std::shared_ptr<ContactStore> store,
                                                                  ForwardOptions options) {
  if (!store) return Error{ErrorCode::kInvalidInput, "forwarding needs a data directory", "--data"};
  auto impl = std::make_unique<Impl>();
  if (!options.command.empty()) {
    if (options.to.empty()) {
      return Error{ErrorCode::kInvalidInput, "a forward command needs the address to send to", "--forward-to"};
    }
    impl->required |= kForwardCommand;
  }
  if (!options.webhook.empty()) {
    impl->webhook = ParseWebhook(options.webhook);
    if (!impl->webhook) {
      return Error{ErrorCode::kInvalidInput, "the webhook must be an http:// or https:// URL", "--forward-webhook"};
    }
    impl->required |= kForwardWebhook;
  }
  if (impl->required == 0) {
    return Error{ErrorCode::kInvalidInput, "give --forward-command or --forward-webhook", "--forward-command"};
  }
  if (options.max_attempts < 1) options.max_attempts = 1;
  impl->store = std::move(store);
  impl->options = std::move(options);
  Impl* raw = impl.get();
  impl->worker = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<MessageForwarder>(new MessageForwarder(std::move(impl)));
}

void MessageForwarder::Notify() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->requested++;
  }
  impl_->wake.notify_all();
}

void MessageForwarder::WaitIdle() {
  std::unique_lock lock(impl_->mutex);
  const uint64_t ticket = ++impl_->requested;
  impl_->wake.notify_all();
  // Done when a pass that started after this call has finished.
  impl_->idle.wait(lock, [&] { return impl_->stop || (impl_->served >= ticket && !impl_->busy); });
}

ForwarderStats MessageForwarder::stats() const {
  return ForwarderStats{impl_->forwarded.load(), impl_->failed_attempts.load(), impl_->gave_up.load()};
}

}  // namespace helpdex::stores

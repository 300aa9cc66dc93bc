#include "agent_auth.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "helpdex/search/text.h"
#include "helpdex/server/params.h"
#include "helpdex/stores/random_token.h"

namespace helpdex::server {
namespace {

// Far above any next= we build ourselves; a longer one is not ours.
constexpr size_t kMaxNextBytes = 2048;
constexpr size_t kLoginCsrfBytes = 32;

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Lowercase(a) == Lowercase(b);
}

std::string RawHeader(const Pistache::Http::Request& request, const char* name) {
  auto header = request.headers().tryGetRaw(name);
  return header ? header->value() : std::string();
}

// Drops the scheme's default port, so "example.org:443" and "example.org"
// compare equal for https.
std::string WithoutDefaultPort(std::string_view host, std::string_view scheme) {
  std::string_view port = scheme == "https" ? ":443" : ":80";
  if (host.size() > port.size() && host.ends_with(port)) host.remove_suffix(port.size());
  return Lowercase(host);
}

// Constant-time equality of two secrets (a length mismatch may return early:
// lengths are not secret).
bool SecretsEqual(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

AgentRequest ReadAgentRequest(const Pistache::Http::Request& request) {
  AgentRequest read;
  read.authorization = RawHeader(request, "Authorization");
  read.cookie = RawHeader(request, "Cookie");
  read.origin = RawHeader(request, "Origin");
  read.host = RawHeader(request, "Host");
  read.forwarded_proto = RawHeader(request, "X-Forwarded-Proto");
  read.sec_fetch_site = RawHeader(request, "Sec-Fetch-Site");
  read.csrf_header = RawHeader(request, kCsrfHeader);
  read.peer = request.address().host();
  read.forwarded_for = RawHeader(request, "X-Forwarded-For");
  return read;
}

AgentAuth::AgentAuth(std::shared_ptr<stores::AgentStore> store, bool secure_cookies)
    : store_(std::move(store)), secure_cookies_(secure_cookies) {}

std::optional<AuthenticatedAgent> AgentAuth::FromSessionCookie(const AgentRequest& request) const {
  if (store_ == nullptr) return std::nullopt;
  std::optional<std::string> cookie = CookieValue(request.cookie, kSessionCookie);
  if (!cookie || cookie->empty()) return std::nullopt;
  std::optional<stores::Session> session = store_->FindSession(*cookie);
  if (!session) return std::nullopt;
  return AuthenticatedAgent{session->agent, *session, std::move(*cookie)};
}

std::optional<AuthenticatedAgent> AgentAuth::ApiAgent(const AgentRequest& request) const {
  if (store_ == nullptr) return std::nullopt;
  if (!request.authorization.empty()) {
    std::optional<std::string> token = BearerToken(request.authorization);
    if (!token) return std::nullopt;
    std::optional<std::string> name = store_->AuthenticateToken(*token);
    if (!name) return std::nullopt;
    return AuthenticatedAgent{std::move(*name), std::nullopt, ""};
  }
  return FromSessionCookie(request);
}

std::optional<AuthenticatedAgent> AgentAuth::PageAgent(const AgentRequest& request) const {
  return FromSessionCookie(request);
}

Result<stores::NewSession> AgentAuth::SignIn(std::string_view name, std::string_view password,
                                     const AgentRequest& request, std::chrono::seconds* retry_after) const {
  // Without a data directory there are no agents: every name is wrong.
  if (store_ == nullptr) return Error{ErrorCode::kUnauthorized, "no agent store", ""};
  return store_->SignIn(name, password, ClientOf(request), retry_after);
}

void AgentAuth::SignOut(const AuthenticatedAgent& agent) const {
  if (store_ != nullptr && !agent.session_cookie.empty()) store_->SignOut(agent.session_cookie);
}

bool AgentAuth::SameOrigin(const AgentRequest& request) const {
  std::string fetch_site = Lowercase(search::Trim(request.sec_fetch_site, search::kHttpWhitespace));
  if (fetch_site == "cross-site" || fetch_site == "same-site") return false;
  if (request.origin.empty()) return true;  // older browsers and API clients; CSRF token still required
  return OriginMatchesHost(search::Trim(request.origin, search::kHttpWhitespace),
                           search::Trim(request.host, search::kHttpWhitespace));
}

bool AgentAuth::SessionCsrfMatches(const AuthenticatedAgent& agent, const AgentRequest& request,
                                   const std::optional<std::string>& form_token) const {
  if (!agent.session) return false;
  std::string_view submitted = form_token ? std::string_view(*form_token) : request.csrf_header;
  return !submitted.empty() && stores::AgentStore::CsrfTokenMatches(*agent.session, submitted);
}

bool AgentAuth::LoginCsrfMatches(const AgentRequest& request,
                                 const std::optional<std::string>& form_token) const {
  std::optional<std::string> cookie = CookieValue(request.cookie, kLoginCsrfCookie);
  return cookie && form_token && SecretsEqual(*cookie, *form_token);
}

bool AgentAuth::IsTls(const AgentRequest& request) const {
  if (secure_cookies_) return true;
  // A chain of proxies lists one value each; the first is the client's side.
  std::string_view first = request.forwarded_proto;
  first = search::Trim(first.substr(0, first.find(',')), search::kHttpWhitespace);
  return EqualsIgnoringCase(first, "https");
}

ResponseCookie AgentAuth::SessionCookie(const AgentRequest& request, std::string value) const {
  auto lifetime = stores::AgentStoreOptions{}.session_lifetime;  // the store is opened with the defaults
  return ResponseCookie{kSessionCookie, std::move(value), static_cast<int>(lifetime.count()),
                        IsTls(request)};
}

ResponseCookie AgentAuth::ExpiredSessionCookie(const AgentRequest& request) const {
  return ResponseCookie{kSessionCookie, "", 0, IsTls(request)};
}

ResponseCookie AgentAuth::LoginCsrfCookie(const AgentRequest& request, std::string value) const {
  return ResponseCookie{kLoginCsrfCookie, std::move(value),
                        static_cast<int>(kLoginCsrfLifetime.count()), IsTls(request)};
}

ResponseCookie AgentAuth::ExpiredLoginCsrfCookie(const AgentRequest& request) const {
  return ResponseCookie{kLoginCsrfCookie, "", 0, IsTls(request)};
}

std::optional<std::string> AgentAuth::NewLoginCsrfToken() { return stores::RandomHex(kLoginCsrfBytes); }

std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    size_t end = cookie_header.find(';');
    std::string_view pair = search::Trim(cookie_header.substr(0, end), search::kHttpWhitespace);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && search::Trim(pair.substr(0, equals), search::kHttpWhitespace) == name) {
      std::string_view value = search::Trim(pair.substr(equals + 1), search::kHttpWhitespace);
      // RFC 6265 allows a value in double quotes.
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
    if (end == std::string_view::npos) break;
    cookie_header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::optional<std::string> BearerToken(std::string_view authorization) {
  authorization = search::Trim(authorization, search::kHttpWhitespace);
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !EqualsIgnoringCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  std::string_view token = search::Trim(authorization.substr(kScheme.size()), search::kHttpWhitespace);
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

bool OriginMatchesHost(std::string_view origin, std::string_view host) {
  if (host.empty()) return false;
  for (std::string_view scheme : {"http", "https"}) {
    std::string prefix = std::string(scheme) + "://";
    if (origin.size() > prefix.size() && EqualsIgnoringCase(origin.substr(0, prefix.size()), prefix)) {
      return WithoutDefaultPort(origin.substr(prefix.size()), scheme) ==
             WithoutDefaultPort(host, scheme);
    }
  }
  return false;  // "null" (sandboxed or privacy-sensitive contexts) included
}

std::string SafeNextPath(std::string_view next) {
  const std::string kDefault = "/agent";
  if (next.empty() || next.size() > kMaxNextBytes || next.front() != '/') return kDefault;
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return kDefault;
  bool printable = std::all_of(next.begin(), next.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  if (!printable) return kDefault;
  return std::string(next);
}

std::string SafeHost(std::string_view host) {
  host = search::Trim(host, search::kHttpWhitespace);
  if (host.empty() || host.size() > 255) return "";
  bool safe = std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
  return safe ? std::string(host) : std::string();
}

}  // namespace helpdex::server

// File: agent_auth.h
// Who an agent request comes from, and whether a state-changing agent request
// may go ahead: in one place, so that no agent route can forget a check
// (platform.md B2 #11, #12, #13).
//
//   API routes   `Authorization: Bearer TOKEN`, or the session cookie; a
//                present Authorization header is the only credential looked at
//   pages        the session cookie `helpdex_session`
//   POST         the Origin (when sent) names this server, and a CSRF token:
//                the session's synchronizer token (form field `csrf` or header
//                `X-Helpdex-CSRF`), or for the sign-in form, which has no
//                session yet, a double-submit token (cookie
//                `helpdex_login_csrf` == form field `csrf`)
//
// Cookies are HttpOnly, SameSite=Strict, Path=/ and Secure when the request
// came through TLS (`X-Forwarded-Proto: https` from a proxy, as Pistache
// serves plain HTTP) or ServerOptions::secure_cookies says so. Secrets are
// never logged and never put in URLs.
//
//   AgentAuth auth(store, /*secure_cookies=*/false);
//   AgentRequest request = ReadAgentRequest(http);
//   std::optional<AuthenticatedAgent> agent = auth.ApiAgent(request);
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include <pistache/http.h>

#include "helpdex/server/client_address.h"
#include "helpdex/stores/agents.h"
#include "http_response.h"

namespace helpdex::server {

inline constexpr char kSessionCookie[] = "helpdex_session";
inline constexpr char kLoginCsrfCookie[] = "helpdex_login_csrf";
inline constexpr char kCsrfField[] = "csrf";
inline constexpr char kCsrfHeader[] = "X-Helpdex-CSRF";
// Long enough to type a password after a coffee; a stale form is simply
// shown again with a fresh token.
inline constexpr std::chrono::seconds kLoginCsrfLifetime = std::chrono::minutes(30);

// The parts of a request that authentication reads, copied out of Pistache so
// that the checks below are plain functions of strings. Empty when absent.
struct AgentRequest {
  std::string authorization;
  std::string cookie;
  std::string origin;
  std::string host;
  std::string forwarded_proto;  // X-Forwarded-Proto
  std::string sec_fetch_site;   // Sec-Fetch-Site
  std::string csrf_header;      // X-Helpdex-CSRF
  std::string peer;             // the peer's IP address
  std::string forwarded_for;    // X-Forwarded-For, believed only from a trusted proxy (client_address.h)
};

AgentRequest ReadAgentRequest(const Pistache::Http::Request& request);

struct AuthenticatedAgent {
  std::string name;
  // Set when the request came with a session cookie (pages always do).
  std::optional<stores::Session> session;
  std::string session_cookie;  // that cookie's value, to sign out
};

class AgentAuth {
 public:
  // `store` may be null (no data directory): then nobody is an agent.
  AgentAuth(std::shared_ptr<stores::AgentStore> store, bool secure_cookies);

  // The agent of an API request: the Bearer token when an Authorization
  // header is present (a wrong one is not rescued by a cookie), else the
  // session cookie.
  std::optional<AuthenticatedAgent> ApiAgent(const AgentRequest& request) const;
  // The agent of a page request: the session cookie only.
  std::optional<AuthenticatedAgent> PageAgent(const AgentRequest& request) const;

  // Reverse proxies whose X-Forwarded-For is believed (client_address.h).
  void set_trusted_proxies(std::vector<std::string> proxies) { trusted_proxies_ = std::move(proxies); }
  // The client of a request: the peer, or whom a trusted proxy forwarded for.
  std::string ClientOf(const AgentRequest& request) const {
    return ClientAddress(request.peer, request.forwarded_for, trusted_proxies_);
  }

  // AgentStore::SignIn, keyed on the client address (limits per name and
  // address, and per address). kUnauthorized when there is no store. With
  // kRateLimited, `*retry_after` says how long the wait is.
  Result<stores::NewSession> SignIn(std::string_view name, std::string_view password,
                            const AgentRequest& request, std::chrono::seconds* retry_after = nullptr) const;
  void SignOut(const AuthenticatedAgent& agent) const;

  // False for a POST from another site: an Origin header that does not name
  // this server (http(s)://Host), or Sec-Fetch-Site cross-site/same-site.
  bool SameOrigin(const AgentRequest& request) const;
  // The session's synchronizer token, from the form field or the header.
  bool SessionCsrfMatches(const AuthenticatedAgent& agent, const AgentRequest& request,
                          const std::optional<std::string>& form_token) const;
  // The double-submit check of the sign-in form, in constant time.
  bool LoginCsrfMatches(const AgentRequest& request,
                        const std::optional<std::string>& form_token) const;

  // Whether to mark cookies Secure and build https links.
  bool IsTls(const AgentRequest& request) const;

  ResponseCookie SessionCookie(const AgentRequest& request, std::string value) const;
  ResponseCookie ExpiredSessionCookie(const AgentRequest& request) const;
  ResponseCookie LoginCsrfCookie(const AgentRequest& request, std::string value) const;
  ResponseCookie ExpiredLoginCsrfCookie(const AgentRequest& request) const;

  // 32 random bytes as hex; nullopt if the random generator fails.
  static std::optional<std::string> NewLoginCsrfToken();

 private:
  std::optional<AuthenticatedAgent> FromSessionCookie(const AgentRequest& request) const;

  std::shared_ptr<stores::AgentStore> store_;
  bool secure_cookies_ = false;
  std::vector<std::string> trusted_proxies_;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"); the first one
// when repeated.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);
// The token of "Bearer TOKEN" (scheme case-insensitive); nullopt otherwise.
std::optional<std::string> BearerToken(std::string_view authorization);
// True when `origin` is http://HOST or https://HOST for the request's Host
// (case-insensitive; a default port on either side is ignored).
bool OriginMatchesHost(std::string_view origin, std::string_view host);
// `next` if it is a local path ("/..." but not "//..." or "/\..."), made of
// printable ASCII only (a browser drops tabs and newlines, so "/\t/evil"
// would become "//evil"); "/agent" otherwise (platform.md B2 #13).
std::string SafeNextPath(std::string_view next);
// A Host header value safe to put into a link (name or address, optional
// port); "" otherwise.
std::string SafeHost(std::string_view host);

}  // namespace helpdex::server

// File: pages.h
// Builds the view of each HTML page (home, search results, article, error;
// the agent pages in agent_pages.cc) from search/ types and renders it
// through the templates. Links are built here, in one place, so every link
// keeps the interface language (`ui=`) and the filters the page was reached
// with.
//
// Page language: `ui=`, then the visitor's chosen language (the helpdex_lang
// cookie), then `lang=`, then Accept-Language, then English (see routes.cc).
// On /search, `lang=` also filters results; the "search in all languages"
// link drops `lang=` and keeps `ui=`. The footer's language links open the
// same page in another language (SetLanguageLinks): an article's translation,
// the same search, the contact form; else that language's home page.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mstch/mstch.hpp>
#include <nlohmann/json.hpp>

#include "error_codes.h"
#include "helpdex/analytics/gaps.h"
#include "helpdex/stores/contact.h"
#include "helpdex/search/searcher.h"
#include "i18n.h"
#include "templates.h"

namespace helpdex::server {

// What every agent page shows in its header, and where its links go.
struct AgentPageContext {
  Language ui = Language::kEnglish;
  std::string agent_name;  // "" on the sign-in page (no account bar)
  std::string csrf_token;  // the session's token, for the sign-out form
  // "https://host" for the source links in copied answers (a customer opens
  // them from an e-mail); "" keeps them relative.
  std::string origin;
  // This page's address in another interface language.
  std::function<std::string(Language)> url_for_ui;
};

// The agent console: the request as parsed, the reply language and, unless
// the query was empty, the searcher's response (with reply material).
struct AgentSearchInput {
  AgentPageContext page;
  const search::SearchRequest* request = nullptr;
  const search::SearchResponse* response = nullptr;  // nullptr: empty query
  Language reply = Language::kEnglish;               // the answers shown
  std::optional<Language> requested_reply;           // reply= as given, kept in links
};

// The writers' gap report page, rendered from the report's structs.
struct GapsPageInput {
  AgentPageContext page;
  const analytics::GapReport* report = nullptr;  // nullptr: an empty report
  int min_visits = 3;  // as used for the report, kept in the page's links
};

// The agents' inbox (/agent/messages): one page of messages of a status.
struct AgentInboxInput {
  AgentPageContext page;
  std::optional<stores::MessageStatus> status;      // the filter; nullopt: all
  std::map<stores::MessageStatus, int64_t> counts;  // messages per status
  std::vector<stores::StoredContactMessage> messages;  // this page, newest first
  int page_number = 1;                              // 1-based
  bool has_next = false;
};

// One message (/agent/messages/ID) with what its visit did before writing
// and the articles that may answer it.
struct AgentMessageInput {
  AgentPageContext page;
  const stores::StoredContactMessage* message = nullptr;
  std::vector<std::string> searches;                // the visit's searches, oldest first
  std::vector<search::DocumentLink> opened;         // the articles it opened
  std::vector<search::AnswerCard> suggested;        // public articles for subject + description
  bool changed = false;                             // after a status change
};

struct AgentLoginInput {
  Language ui = Language::kEnglish;
  std::string next;        // a checked local path
  std::string name;        // echoed back after a failed attempt
  std::string csrf_token;  // the double-submit token, also set as a cookie
  std::string message_key; // i18n key of a notice ("" for none)
  long wait_seconds = 0;   // a sign-in refused for now: how long until the next may be tried
};

// What a search page shows: the request as parsed and, unless the query was
// empty, the searcher's response.
struct SearchPageInput {
  Language ui = Language::kEnglish;
  const search::SearchRequest* request = nullptr;
  const search::SearchResponse* response = nullptr;  // nullptr: empty query
  // A listing (no query, a tag or a category): its heading's title, the
  // category's own title when it has one ("" when not a listing).
  std::string listing_title;
  // Ways on when the results end: the categories and the most read articles
  // (no results), articles related to the page's first result (the last
  // page). Empty when there is nothing to offer.
  std::vector<search::Category> categories;
  std::vector<search::DocumentLink> most_read;
  std::vector<search::DocumentLink> related;
};

// The help centre's home page: the categories of the page's language with
// their articles, and the articles most read lately (none without events).
struct HomePageInput {
  Language ui = Language::kEnglish;
  std::vector<search::Category> categories;
  std::vector<search::DocumentLink> most_read;
};

// The contact form: empty, echoed back with its errors, or sent.
struct ContactPageInput {
  Language ui = Language::kEnglish;
  std::string csrf_token;             // the visit id (double-submit with the visit cookie)
  stores::ContactMessage message;             // what the customer wrote, echoed back
  std::vector<stores::FieldError> errors;     // one per field at most is shown
  std::string notice_key;             // i18n key of a form-level notice ("" for none)
  bool sent = false;                  // the thank-you page
  std::string request_number;         // "#1042" on the thank-you page ("" when not known)
};

// The "did this help?" form at the end of an article page.
struct ArticleFeedbackInput {
  // The visit id (double-submit with the visit cookie). "" for a client
  // without a visit (a crawler): the page then has no form.
  std::string csrf_token;
  bool thanks = false;  // after POST /articles/feedback: a thank-you instead of the form
  // After a "no" (?feedback=no): the reasons form, related articles and the
  // contact link instead of the question.
  bool asking_reason = false;
};

// What an article page shows besides the article: public articles like it,
// in its language.
struct ArticlePageExtras {
  std::vector<search::DocumentLink> related;
};

// Immutable after construction; thread-safe.
class PageRenderer {
 public:
  PageRenderer(Translations translations, TemplateSet templates);

  std::string Home(const HomePageInput& input) const;
  // An interface string (the OpenSearch description's text).
  const std::string& Translate(Language ui, const std::string& key) const;
  // The search engine's name in a browser's list: OpenSearch allows at most
  // 16 characters, so a longer translation is cut at a character boundary.
  std::string OpenSearchShortName(Language ui) const;
  std::string SearchResults(const SearchPageInput& input) const;
  std::string ArticlePage(const search::Article& article, Language ui,
                          const ArticleFeedbackInput& feedback = {}, const ArticlePageExtras& extras = {}) const;
  std::string ContactPage(const ContactPageInput& input) const;
  // The error page for `error` (templates/error.html), in the UI language.
  std::string ErrorPage(const ApiError& error, Language ui) const;

  // Agent pages (agent_pages.cc). Only ever rendered for a signed-in agent,
  // except the sign-in page.
  std::string AgentLogin(const AgentLoginInput& input) const;
  std::string AgentConsole(const AgentSearchInput& input) const;
  std::string AgentTicket(const AgentPageContext& page, const search::DocumentRecord& ticket,
                          const std::vector<search::DocumentLink>& related) const;
  std::string AgentArticle(const AgentPageContext& page, const search::Article& article,
                           const std::vector<search::DocumentLink>& related) const;
  // gaps_page.cc
  std::string GapsPage(const GapsPageInput& input) const;
  // The inbox (end of agent_pages.cc).
  std::string AgentInbox(const AgentInboxInput& input) const;
  std::string AgentMessage(const AgentMessageInput& input) const;

 private:
  // The context every page shares: <html lang>, strings, title, search box.
  mstch::map BaseContext(Language ui, const std::string& title) const;
  // The footer's interface-language links: `url_for(language)` is this page
  // in that language (BaseContext links to the home page).
  void SetLanguageLinks(mstch::map& context, Language ui,
                        const std::function<std::string(Language)>& url_for) const;
  std::string LoginMessage(const AgentLoginInput& input) const;
  // BaseContext plus the agent header (name, sign-out form) and footer links
  // that stay on the agent page.
  mstch::map AgentBaseContext(const AgentPageContext& page, const std::string& title) const;
  // Public article links for a template: {{title}}, {{url}}, {{lang}}.
  static mstch::array ArticleLinks(const std::vector<search::DocumentLink>& links);
  // Categories for a template, each linked to its listing, with its articles.
  // `language`: the listings' (the articles'); `ui`: the page's.
  mstch::array CategoryItems(const std::vector<search::Category>& categories, Language language, Language ui) const;
  // Links to documents for an agent ("related articles"), to the agent pages.
  mstch::array AgentLinks(const std::vector<search::DocumentLink>& links, Language ui) const;

  Translations translations_;
  TemplateSet templates_;
  std::map<Language, mstch::map> strings_;  // {{t.key}} per language
};

// The URL of a search page; `ui` is kept in every link so the interface
// language does not change when a filter does.
struct SearchLink {
  std::string query;
  std::optional<Language> language;
  std::vector<std::string> tags;
  std::string type;
  int page = 1;
  Language ui = Language::kEnglish;
  bool exact = false;  // exact=1: no automatic spelling retry
  std::string category;  // category=KEY
};
std::string SearchUrl(const SearchLink& link);
// The listing of a category's articles in `language`: /search?category=KEY.
std::string CategoryUrl(const std::string& key, Language language, Language ui);
// Where an agent opens a document (an article or ticket URL as search/ gives
// it): public articles on the agent's article page, with ui= kept.
std::string AgentDocumentUrl(const std::string& url, Language ui);
// The inbox's list (status=open|answered|closed|all) and one message, with ui=.
inline constexpr char kAllStatuses[] = "all";
std::string InboxUrl(std::optional<stores::MessageStatus> status, int page, Language ui);
std::string InboxMessageUrl(int64_t id, Language ui);
// The agent console's URL for the same filters; `reply` is kept when the
// agent chose one.
std::string AgentSearchUrl(const SearchLink& link, std::optional<Language> reply);

// Shared by the public search page and the agent console: facet links and
// page links, with URLs from `url_of`.
using SearchUrlBuilder = std::function<std::string(const SearchLink&)>;
SearchLink LinkFor(const search::SearchRequest& request, Language ui);
// `with_type`: the "Type" facet too (the agent console; on the public site
// everything is an article).
mstch::array FacetGroups(const search::SearchRequest& request,
                         const search::SearchResponse& response, Language ui,
                         const Translations& translations, const SearchUrlBuilder& url_of,
                         bool with_type = true);
// The number of the last results page (at most search::kMaxPage).
long LastPage(const search::SearchResponse& response);
// `url` with `ui=` added (before any #fragment): a link that keeps the
// interface language.
std::string LinkKeepingUi(const std::string& url, Language ui);
// A topic's (tag's) name in `ui`: the topic_TAG string, else the tag as written.
std::string TopicLabel(const Translations& translations, Language ui, const std::string& tag);
mstch::map Pagination(const search::SearchRequest& request, const search::SearchResponse& response,
                      Language ui, const SearchUrlBuilder& url_of);

}  // namespace helpdex::server

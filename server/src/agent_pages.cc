// The agent pages of PageRenderer (declared in pages.h): the sign-in page,
// the console, the ticket page and the agent's article page.
//
// A vetted answer is shown in the reply language when a translation exists,
// with its other languages beside it (hidden; agent.js switches between them,
// without JavaScript the page's reply= does). Each answer is also in two
// readonly textareas (plain text, Markdown with a source line) that the copy
// buttons read and that can be selected by hand without JavaScript.
#include <algorithm>

#include "helpdex/search/dates.h"
#include "helpdex/search/text.h"
#include "helpdex/stores/forwarder.h"
#include "pages.h"
#include "helpdex/server/params.h"

namespace helpdex::server {
namespace {

std::string Code(Language language) { return std::string(LanguageCode(language)); }

// Appends ui= to a local URL, before any #fragment.
std::string WithUi(const std::string& url, Language ui) {
  size_t hash = url.find('#');
  std::string base = url.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "ui=" + Code(ui) + fragment;
}

bool IsPublicArticleUrl(const std::string& url) { return url.starts_with("/articles/"); }

// Link text in Markdown: brackets and backslashes escaped, one line.
std::string MarkdownLinkText(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      escaped.push_back(' ');
      continue;
    }
    if (c == '\\' || c == '[' || c == ']') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

// A link destination that cannot end the Markdown link early.
std::string MarkdownLinkDestination(std::string_view url) {
  std::string safe;
  for (char c : url) {
    if (c == '(') {
      safe += "%28";
    } else if (c == ')') {
      safe += "%29";
    } else if (c == ' ') {
      safe += "%20";
    } else {
      safe.push_back(c);
    }
  }
  return safe;
}

// One language's version of a vetted answer.
struct AnswerVariant {
  std::string lang;
  std::string title;
  std::string url;
  std::string answer;       // as written (Markdown)
  std::string answer_text;  // "" = the answer is plain text already
  std::string answer_html;  // "" = show the answer escaped
};

// The Markdown to paste: the answer as written and, for a public article,
// where the customer can read more. Internal articles get no source line: the
// customer could not open it, and its address is not theirs to see.
std::string PastableMarkdown(const AnswerVariant& variant, const std::string& origin) {
  if (!IsPublicArticleUrl(variant.url)) return variant.answer;
  std::string url = variant.url.substr(0, variant.url.find('#'));
  return variant.answer + "\n\n[" + MarkdownLinkText(variant.title) + "](" +
         MarkdownLinkDestination(origin + url) + ")";
}

size_t LanguageOrder(const std::string& code) {
  std::optional<Language> language = ParseLanguage(code);
  if (!language) return kAllLanguages.size();
  return static_cast<size_t>(std::find(kAllLanguages.begin(), kAllLanguages.end(), *language) -
                             kAllLanguages.begin());
}

std::string LanguageName(const Translations& translations, const std::string& code) {
  std::optional<Language> language = ParseLanguage(code);
  return language ? translations.Get(*language, "language_name") : code;
}

// The answer block (templates/partials/agent_answer.html), or false when no
// version has an answer. `variants` starts with the document's own version;
// `id` makes element ids unique on the page.
mstch::node AnswerBlock(const std::string& id, std::vector<AnswerVariant> variants, Language reply,
                        const std::string& origin, const Translations& translations) {
  std::erase_if(variants, [](const AnswerVariant& variant) { return variant.answer.empty(); });
  if (variants.empty()) return false;
  // Shown: the reply language's version if there is one, else the
  // document's own (or, without an own answer, the first translation's).
  const std::string reply_code = Code(reply);
  bool has_reply_version = std::any_of(variants.begin(), variants.end(),
                                       [&](const AnswerVariant& variant) { return variant.lang == reply_code; });
  const std::string visible = has_reply_version ? reply_code : variants.front().lang;
  std::stable_sort(variants.begin(), variants.end(), [](const AnswerVariant& a, const AnswerVariant& b) {
    return LanguageOrder(a.lang) < LanguageOrder(b.lang);
  });

  mstch::array rendered;
  mstch::array options;
  for (const AnswerVariant& variant : variants) {
    std::string name = LanguageName(translations, variant.lang);
    rendered.push_back(mstch::map{
        {"lang", variant.lang},
        {"language_name", name},
        {"visible", variant.lang == visible},
        {"html", variant.answer_html},
        {"text", variant.answer_text.empty() ? variant.answer : variant.answer_text},
        {"markdown", PastableMarkdown(variant, origin)},
        {"id", id + "-" + variant.lang},
    });
    options.push_back(mstch::map{{"code", variant.lang}, {"name", name}, {"selected", variant.lang == visible}});
  }
  mstch::node picker = false;
  if (variants.size() > 1) picker = mstch::map{{"id", id + "-picker"}, {"options", options}};
  return mstch::map{{"variants", rendered}, {"picker", picker}, {"no_translation", !has_reply_version}};
}

// The badge of a result: Article, Internal article or Ticket.
std::string TypeLabel(const Translations& translations, Language ui, const std::string& type,
                      const std::string& audience) {
  if (type == "ticket") return translations.Get(ui, "type_ticket");
  if (audience != "public") return translations.Get(ui, "type_internal_article");
  return translations.Get(ui, "type_article");
}

std::string BadgeModifier(const std::string& type, const std::string& audience) {
  if (type == "ticket") return "badge--ticket";
  if (audience != "public") return "badge--internal";
  return "";
}

// Select options: every language, the current one selected; `any_label` adds
// an empty "any language" option first.
mstch::array LanguageOptions(const Translations& translations, std::optional<Language> selected,
                             const std::string* any_label) {
  mstch::array options;
  if (any_label != nullptr) {
    options.push_back(mstch::map{{"code", std::string()}, {"name", *any_label}, {"selected", !selected}});
  }
  for (Language language : kAllLanguages) {
    options.push_back(mstch::map{{"code", Code(language)},
                                 {"name", translations.Get(language, "language_name")},
                                 {"selected", selected == language}});
  }
  return options;
}

// A ticket's resolution and conversation (templates/partials/
// agent_ticket_thread.html). `id` makes element ids unique on the page;
// `open` shows the conversation unfolded (the ticket's own page).
mstch::map TicketView(const std::string& id, const std::vector<search::TicketMessage>& thread, Language ui,
                      bool open, const Translations& translations) {
  mstch::array messages;
  for (const search::TicketMessage& message : thread) {
    const bool by_agent = message.role == "agent";
    messages.push_back(mstch::map{
        {"role", std::string(by_agent ? "agent" : "customer")},
        {"role_label", translations.Get(ui, by_agent ? "agent_role_agent" : "agent_role_customer")},
        {"time", message.time},
        {"time_label", search::ReadableDate(message.time, ui)},
        // Escaped text either way; an agent's without its Markdown markup.
        {"text", by_agent && !message.text_plain.empty() ? message.text_plain : message.text},
    });
  }
  mstch::node resolution = false;
  if (const search::TicketMessage* last = search::TicketResolution(thread)) {
    const std::string& plain = last->text_plain.empty() ? last->text : last->text_plain;
    resolution = mstch::map{{"id", id + "-resolution"},
                            {"time", last->time},
                            {"time_label", search::ReadableDate(last->time, ui)},
                            {"first_lines", search::FirstLines(plain, 3, 240)},
                            {"text", plain},
                            {"markdown", last->text}};
  }
  return mstch::map{
      {"resolution", resolution},
      {"messages", messages},
      {"open", open},
      {"conversation_label",
       translations.Plural(ui, "agent_conversation_count", static_cast<long>(thread.size()))},
  };
}

}  // namespace

std::string InboxUrl(std::optional<stores::MessageStatus> status, int page, Language ui) {
  std::string url = "/agent/messages?status=";
  url += status ? std::string(stores::MessageStatusName(*status)) : std::string(kAllStatuses);
  if (page > 1) url += "&page=" + std::to_string(page);
  return url + "&ui=" + Code(ui);
}

std::string InboxMessageUrl(int64_t id, Language ui) {
  return "/agent/messages/" + std::to_string(id) + "?ui=" + Code(ui);
}

// Public articles open on the agent's article page too (it has the copy
// buttons); internal articles and tickets are already under /agent.
std::string AgentDocumentUrl(const std::string& url, Language ui) {
  return WithUi(IsPublicArticleUrl(url) ? "/agent" + url : url, ui);
}

std::string AgentSearchUrl(const SearchLink& link, std::optional<Language> reply) {
  std::string url = "/agent?q=" + search::PercentEncode(link.query);
  if (link.language) url += "&lang=" + Code(*link.language);
  if (!link.tags.empty()) url += "&tag=" + search::PercentEncode(JoinTags(link.tags));
  if (!link.type.empty()) url += "&type=" + search::PercentEncode(link.type);
  if (link.page > 1) url += "&page=" + std::to_string(link.page);
  if (reply) url += "&reply=" + Code(*reply);
  url += "&ui=" + Code(link.ui);
  return url;
}

mstch::map PageRenderer::AgentBaseContext(const AgentPageContext& page, const std::string& title) const {
  const std::string& console = translations_.Get(page.ui, "agent_console");
  mstch::map context = BaseContext(page.ui, title.empty() ? console : title + " · " + console);
  mstch::array interface_languages;
  for (Language language : kAllLanguages) {
    interface_languages.push_back(mstch::map{
        {"code", Code(language)},
        {"name", translations_.Get(language, "language_name")},
        {"url", page.url_for_ui ? page.url_for_ui(language) : "/agent?ui=" + Code(language)},
        {"current", language == page.ui}});
  }
  context["interface_languages"] = interface_languages;
  context["console_url"] = "/agent?ui=" + Code(page.ui);
  context["gaps_url"] = "/gaps?ui=" + Code(page.ui);
  context["inbox_url"] = InboxUrl(stores::MessageStatus::kOpen, 1, page.ui);
  // The footer's customer links ("Contact support") are not for agents.
  context["agent_page"] = true;
  if (page.agent_name.empty()) {
    context["agent"] = false;
  } else {
    context["agent"] = mstch::map{{"name", page.agent_name},
                                  {"csrf", page.csrf_token},
                                  {"sign_out_url", "/agent/logout?ui=" + Code(page.ui)}};
  }
  return context;
}

mstch::array PageRenderer::AgentLinks(const std::vector<search::DocumentLink>& links, Language ui) const {
  mstch::array items;
  for (const search::DocumentLink& link : links) {
    items.push_back(mstch::map{{"title", link.title},
                               {"url", AgentDocumentUrl(link.url, ui)},
                               {"lang", link.lang},
                               {"language_name", LanguageName(translations_, link.lang)}});
  }
  return items;
}

// The notice above the sign-in form. A refused sign-in says how long to wait,
// in seconds under two minutes and in whole minutes (rounded up) above.
std::string PageRenderer::LoginMessage(const AgentLoginInput& input) const {
  if (input.wait_seconds > 0) {
    if (input.wait_seconds < 120) return translations_.Plural(input.ui, "agent_rate_limited_seconds", input.wait_seconds);
    return translations_.Plural(input.ui, "agent_rate_limited_minutes", (input.wait_seconds + 59) / 60);
  }
  return input.message_key.empty() ? std::string() : translations_.Get(input.ui, input.message_key);
}

std::string PageRenderer::AgentLogin(const AgentLoginInput& input) const {
  AgentPageContext page{input.ui, "", "", "", [&input](Language language) {
                          return "/agent/login?next=" + search::PercentEncode(input.next) + "&ui=" + Code(language);
                        }};
  mstch::map context = AgentBaseContext(page, translations_.Get(input.ui, "agent_sign_in"));
  context["login"] = mstch::map{
      {"action", "/agent/login?ui=" + Code(input.ui)},
      {"csrf", input.csrf_token},
      {"next", input.next},
      {"name", input.name},
      {"message", LoginMessage(input)},
  };
  return templates_.Render("agent_login", context);
}

std::string PageRenderer::AgentConsole(const AgentSearchInput& input) const {
  const search::SearchRequest& request = *input.request;
  const Language ui = input.page.ui;
  mstch::map context = AgentBaseContext(input.page, request.query);
  context["query"] = request.query;
  const std::string& any_language = translations_.Get(ui, "agent_any_language");
  mstch::array types;
  for (const char* type : {"", "article", "ticket"}) {
    std::string label = *type == '\0' ? translations_.Get(ui, "agent_any_type")
                                      : translations_.Get(ui, std::string("type_") + type);
    types.push_back(mstch::map{{"value", std::string(type)}, {"label", label}, {"selected", request.type == type}});
  }
  context["form"] = mstch::map{
      {"languages", LanguageOptions(translations_, request.language, &any_language)},
      {"types", types},
      {"replies", LanguageOptions(translations_, input.reply, nullptr)},
      {"tag", JoinTags(request.tags)},
      {"ui", Code(ui)},
  };
  if (input.response == nullptr) {
    context["empty_query"] = true;
    return templates_.Render("agent", context);
  }

  const search::SearchResponse& response = *input.response;
  auto url_of = [&input](const SearchLink& link) { return AgentSearchUrl(link, input.requested_reply); };
  context["has_results"] = !response.results.empty();
  context["no_results"] = response.results.empty();
  context["results_count"] = translations_.Plural(ui, "results_count", static_cast<long>(response.total));
  mstch::array facet_groups = FacetGroups(request, response, ui, translations_, url_of);
  context["has_facets"] = !facet_groups.empty();
  context["facet_groups"] = std::move(facet_groups);
  context["pagination"] = Pagination(request, response, ui, url_of);
  if (response.showing_results_for) {
    context["showing_results_for"] =
        mstch::map{{"corrected", *response.showing_results_for}, {"typed", request.query}};
  } else if (response.did_you_mean && !response.did_you_mean->empty()) {
    SearchLink corrected = LinkFor(request, ui);
    corrected.query = *response.did_you_mean;
    context["did_you_mean"] = mstch::map{{"text", *response.did_you_mean}, {"url", url_of(corrected)}};
  }

  mstch::array results;
  for (size_t i = 0; i < response.results.size(); ++i) {
    const search::SearchResult& result = response.results[i];
    bool is_ticket = result.type == "ticket";
    mstch::node answer = false;
    if (!is_ticket) {
      std::vector<AnswerVariant> variants{{result.lang, result.title, result.url, result.answer,
                                           result.answer_text, result.answer_html}};
      for (const search::TranslatedAnswer& other : result.answers) {
        variants.push_back({other.lang, other.title, other.url, other.answer, other.answer_text,
                            other.answer_html});
      }
      answer = AnswerBlock("r" + std::to_string(i + 1), std::move(variants), input.reply,
                           input.page.origin, translations_);
    }
    results.push_back(mstch::map{
        {"title", result.title},
        {"url", AgentDocumentUrl(result.url, ui)},
        {"lang", result.lang},
        {"language_name", LanguageName(translations_, result.lang)},
        {"type_label", TypeLabel(translations_, ui, result.type, result.audience)},
        {"badge_modifier", BadgeModifier(result.type, result.audience)},
        {"other_language", result.other_language ? translations_.Get(ui, "other_language") : std::string()},
        {"section", result.section_title},
        {"snippet", result.snippet},
        {"is_ticket", is_ticket},
        {"problem", result.problem},
        {"resolution", result.resolution},
        {"created", result.created},
        {"created_label", search::ReadableDate(result.created, ui)},
        {"ticket_view", is_ticket ? mstch::node(TicketView("r" + std::to_string(i + 1), result.messages, ui,
                                                           /*open=*/false, translations_))
                                  : mstch::node(false)},
        {"answer", answer},
        {"related", AgentLinks(result.related, ui)},
        {"has_related", !result.related.empty()},
        {"related_heading", translations_.Get(ui, is_ticket ? "agent_covering_articles" : "related_articles")},
    });
  }
  context["results"] = std::move(results);
  return templates_.Render("agent", context);
}

std::string PageRenderer::AgentTicket(const AgentPageContext& page, const search::DocumentRecord& ticket,
                                      const std::vector<search::DocumentLink>& related) const {
  mstch::map context = AgentBaseContext(page, ticket.title);
  mstch::array tags;
  for (const std::string& tag : ticket.tags) tags.push_back(mstch::map{{"name", tag}});
  std::string lang = Code(ticket.language);
  context["ticket"] = mstch::map{
      {"id", ticket.id},
      {"title", ticket.title},
      {"lang", lang},
      {"language_name", LanguageName(translations_, lang)},
      {"tags", tags},
      {"has_tags", !ticket.tags.empty()},
      {"created", ticket.created},
      {"created_label", search::ReadableDate(ticket.created, page.ui)},
      {"ticket_view", TicketView("t", search::TicketThread(ticket), page.ui, /*open=*/true, translations_)},
  };
  context["related"] = AgentLinks(related, page.ui);
  context["has_related"] = !related.empty();
  return templates_.Render("agent_ticket", context);
}

std::string PageRenderer::AgentArticle(const AgentPageContext& page, const search::Article& article,
                                       const std::vector<search::DocumentLink>& related) const {
  const search::DocumentRecord& record = article.record;
  mstch::map context = AgentBaseContext(page, record.title);
  std::string lang = Code(record.language);
  std::string url = search::DocumentUrl(record);
  mstch::array tags;
  for (const std::string& tag : record.tags) tags.push_back(mstch::map{{"name", tag}});
  context["article"] = mstch::map{
      {"title", record.title},
      {"lang", lang},
      {"language_name", LanguageName(translations_, lang)},
      {"type_label", TypeLabel(translations_, page.ui, record.type, record.audience)},
      {"badge_modifier", BadgeModifier(record.type, record.audience)},
      {"html", record.html},
      {"reviewed", record.reviewed},
      {"reviewed_label", search::ReadableDate(record.reviewed, page.ui)},
      {"tags", tags},
      {"has_tags", !record.tags.empty()},
      {"public_url", IsPublicArticleUrl(url) ? url : std::string()},
  };
  context["answer"] = AnswerBlock(
      "a", {{lang, record.title, url, record.answer, record.answer_text, record.answer_html}},
      record.language, page.origin, translations_);
  mstch::array translations;
  for (const search::Translation& translation : article.translations) {
    translations.push_back(mstch::map{{"lang", translation.lang},
                                      {"language_name", LanguageName(translations_, translation.lang)},
                                      {"title", translation.title},
                                      {"url", AgentDocumentUrl(translation.url, page.ui)}});
  }
  context["translations"] = translations;
  context["has_translations"] = !article.translations.empty();
  context["related"] = AgentLinks(related, page.ui);
  context["has_related"] = !related.empty();
  return templates_.Render("agent_article", context);
}

// ---------------------------------------------------------------------------
// The inbox: /agent/messages and /agent/messages/ID.

namespace {

std::string StatusLabel(const Translations& translations, Language ui, stores::MessageStatus status) {
  return translations.Get(ui, "inbox_status_" + std::string(stores::MessageStatusName(status)));
}

// What the list and the page show of a message.
mstch::map MessageSummary(const Translations& translations, Language ui, const stores::StoredContactMessage& stored) {
  const stores::ContactMessage& message = stored.message;
  return mstch::map{
      {"id", std::to_string(stored.id)},
      {"number", stores::RequestNumber(stored.id)},
      {"url", InboxMessageUrl(stored.id, ui)},
      {"subject", message.subject},
      {"email", message.email},
      {"lang", message.language},
      {"language_name", LanguageName(translations, message.language)},
      {"created", search::ReadableDate(stores::IsoUtc(message.at_ms), ui)},  // as the console's tickets
      {"created_iso", stores::IsoUtc(message.at_ms)},
      {"status", std::string(stores::MessageStatusName(stored.status))},
      {"status_label", StatusLabel(translations, ui, stored.status)},
  };
}

}  // namespace

std::string PageRenderer::AgentInbox(const AgentInboxInput& input) const {
  const Language ui = input.page.ui;
  mstch::map context = AgentBaseContext(input.page, translations_.Get(ui, "inbox_title"));
  context["on_inbox"] = true;
  mstch::array filters;
  int64_t all = 0;
  for (stores::MessageStatus status : stores::kAllMessageStatuses) {
    const int64_t count = input.counts.count(status) ? input.counts.at(status) : 0;
    all += count;
    filters.push_back(mstch::map{{"label", StatusLabel(translations_, ui, status)},
                                 {"count", std::to_string(count)},
                                 {"url", InboxUrl(status, 1, ui)},
                                 {"current", input.status == status}});
  }
  filters.push_back(mstch::map{{"label", translations_.Get(ui, "inbox_status_all")},
                               {"count", std::to_string(all)},
                               {"url", InboxUrl(std::nullopt, 1, ui)},
                               {"current", !input.status}});
  context["filters"] = filters;
  mstch::array messages;
  for (const stores::StoredContactMessage& stored : input.messages) {
    messages.push_back(MessageSummary(translations_, ui, stored));
  }
  context["has_messages"] = !messages.empty();
  context["messages"] = messages;
  const bool paged = input.page_number > 1 || input.has_next;
  mstch::map pagination{{"show", paged}, {"pages", mstch::array{}}};
  if (input.page_number > 1) pagination["previous_url"] = InboxUrl(input.status, input.page_number - 1, ui);
  if (input.has_next) pagination["next_url"] = InboxUrl(input.status, input.page_number + 1, ui);
  if (paged) {
    mstch::array pages{mstch::map{{"number", std::to_string(input.page_number)}, {"current", true}}};
    pagination["pages"] = pages;
  }
  context["pagination"] = pagination;
  return templates_.Render("agent_messages", context);
}

std::string PageRenderer::AgentMessage(const AgentMessageInput& input) const {
  const Language ui = input.page.ui;
  const stores::StoredContactMessage& stored = *input.message;
  mstch::map context = AgentBaseContext(input.page, stores::RequestNumber(stored.id) + " " + stored.message.subject);
  context["on_inbox"] = true;
  context["back_url"] = InboxUrl(std::nullopt, 1, ui);  // "All messages"
  mstch::map message = MessageSummary(translations_, ui, stored);
  message["description"] = stored.message.description;
  if (!stored.message.email.empty()) {
    message["mailto"] = "mailto:" + search::PercentEncode(stored.message.email) + "?subject=" +
                        search::PercentEncode("Re: [" + stores::RequestNumber(stored.id) + "] " + stored.message.subject);
  }
  if (stored.forward != stores::ForwardState::kNone) {
    const std::string state(stores::ForwardStateName(stored.forward));
    message["forward"] = mstch::map{{"state", state},
                                    {"label", translations_.Get(ui, "inbox_forward_" + state)},
                                    {"detail", stored.forward_detail}};
  } else {
    message["forward"] = false;
  }
  context["message"] = message;
  context["changed"] = input.changed;
  context["csrf"] = input.page.csrf_token;
  context["status_action"] = "/agent/messages/" + std::to_string(stored.id) + "/status?ui=" + Code(ui);
  mstch::array statuses;
  for (stores::MessageStatus status : stores::kAllMessageStatuses) {
    statuses.push_back(mstch::map{{"value", std::string(stores::MessageStatusName(status))},
                                  {"label", StatusLabel(translations_, ui, status)},
                                  {"selected", status == stored.status}});
  }
  context["statuses"] = statuses;

  std::optional<Language> language = ParseLanguage(stored.message.language);
  mstch::array searches;
  for (const std::string& query : input.searches) {
    SearchLink link{.query = query, .ui = ui};
    searches.push_back(mstch::map{{"query", query}, {"url", AgentSearchUrl(link, language)}});
  }
  context["has_searches"] = !input.searches.empty();
  context["searches"] = searches;
  context["has_opened"] = !input.opened.empty();
  context["opened"] = AgentLinks(input.opened, ui);
  context["has_visit"] = !input.searches.empty() || !input.opened.empty();

  const Language reply = language.value_or(Language::kEnglish);
  mstch::array suggested;
  for (size_t i = 0; i < input.suggested.size(); ++i) {
    const search::AnswerCard& card = input.suggested[i];
    // The card's answer is plain text already; its HTML is the rendered one.
    mstch::node answer = AnswerBlock("s" + std::to_string(i + 1),
                                     {{card.lang, card.title, card.url, card.answer, card.answer, card.answer_html}},
                                     reply, input.page.origin, translations_);
    suggested.push_back(mstch::map{{"title", card.title},
                                   {"url", AgentDocumentUrl(card.url, ui)},
                                   {"lang", card.lang},
                                   {"language_name", LanguageName(translations_, card.lang)},
                                   {"answer", answer}});
  }
  context["has_suggested"] = !suggested.empty();
  context["suggested"] = suggested;
  return templates_.Render("agent_message", context);
}

}  // namespace helpdex::server

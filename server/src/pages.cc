#include "pages.h"

#include <algorithm>

#include "helpdex/search/article_view.h"
#include "helpdex/search/dates.h"
#include "helpdex/search/text.h"
#include "helpdex/stores/feedback.h"
#include "helpdex/server/params.h"

namespace helpdex::server {
namespace {

constexpr int kPageLinksAroundCurrent = 3;

std::string Code(Language language) { return std::string(LanguageCode(language)); }

// The article page's table of contents (articles with enough sections) and
// its meta description (mstch escapes both).
void AddArticleOutline(mstch::map& context, const search::DocumentRecord& record, const std::string& toc_heading) {
  mstch::array entries;
  for (const search::Section& section : search::TableOfContents(record)) {
    entries.push_back(mstch::map{{"anchor", section.anchor}, {"title", section.title}});
  }
  if (!entries.empty()) context["toc"] = mstch::map{{"heading", toc_heading}, {"entries", entries}};
  context["meta_description"] = search::MetaDescription(record);
}

// The corrected query in pieces for the template: {{text}} with {{changed}}
// set on each corrected word, which the page shows in <strong>.
mstch::array CorrectionPieces(const search::SearchResponse& response) {
  mstch::array pieces;
  for (const search::CorrectedWord& piece : response.did_you_mean_words) {
    pieces.push_back(mstch::map{{"text", piece.text}, {"changed", piece.changed}});
  }
  return pieces;
}

mstch::array HiddenInputs(std::initializer_list<std::pair<std::string, std::string>> fields) {
  mstch::array inputs;
  for (const auto& [name, value] : fields) {
    inputs.push_back(mstch::map{{"name", name}, {"value", value}});
  }
  return inputs;
}

}  // namespace

std::string LinkKeepingUi(const std::string& url, Language ui) {
  const size_t fragment = url.find('#');
  std::string path = url.substr(0, fragment);
  path += (path.find('?') == std::string::npos ? "?ui=" : "&ui=") + Code(ui);
  return fragment == std::string::npos ? path : path + url.substr(fragment);
}

std::string TopicLabel(const Translations& translations, Language ui, const std::string& tag) {
  const std::string* label = translations.Find(ui, "topic_" + tag);
  return label ? *label : tag;
}

namespace {

// Links that add or remove one facet value, with the value's count.
mstch::array FacetValues(const std::string& facet, const std::map<std::string, size_t>& counts,
                         const search::SearchRequest& request, Language ui,
                         const Translations& translations, const SearchUrlBuilder& url_of) {
  mstch::array values;
  for (const auto& [value, count] : counts) {
    SearchLink link = LinkFor(request, ui);
    bool active = false;
    std::string label = value;
    if (facet == "lang") {
      std::optional<Language> language = ParseLanguage(value);
      if (!language) continue;
      active = request.language == language;
      link.language = active ? std::nullopt : language;
      label = translations.Get(*language, "language_name");
    } else if (facet == "tag") {
      auto found = std::find(link.tags.begin(), link.tags.end(), value);
      active = found != link.tags.end();
      if (active) {
        link.tags.erase(found);
      } else {
        link.tags.push_back(value);
      }
      label = TopicLabel(translations, ui, value);
    } else if (facet == "type") {
      active = request.type == value;
      link.type = active ? "" : value;
      label = translations.Get(ui, "type_" + value);
    }
    values.push_back(mstch::map{{"label", label},
                                {"count", std::to_string(count)},
                                {"url", url_of(link)},
                                {"active", active},
                                {"value_lang", facet == "lang" ? value : std::string()}});
  }
  return values;
}

mstch::array ResultItems(const search::SearchResponse& response, const Translations& translations,
                         Language ui) {
  mstch::array items;
  for (const search::SearchResult& result : response.results) {
    // The result keeps the page's language (an article in another language
    // is shown with this interface).
    mstch::map item{{"title", result.title},     {"url", LinkKeepingUi(result.url, ui)},
                    {"snippet", result.snippet}, {"lang", result.lang},
                    {"section", result.section_title}, {"answer", result.answer}};
    if (std::optional<Language> language = ParseLanguage(result.lang)) {
      item["language_name"] = translations.Get(*language, "language_name");
    }
    if (result.type != "article") item["type_label"] = translations.Get(ui, "type_" + result.type);
    if (result.other_language) item["other_language"] = translations.Get(ui, "other_language");
    // One result per article: its other languages, each by its own name.
    mstch::array versions;
    for (const search::Translation& translation : result.translations) {
      std::optional<Language> language = ParseLanguage(translation.lang);
      if (!language) continue;
      versions.push_back(mstch::map{{"url", LinkKeepingUi(translation.url, ui)},
                                    {"lang", translation.lang},
                                    {"name", translations.Get(*language, "language_name")}});
    }
    if (!versions.empty()) {
      item["translations"] = std::move(versions);
      item["also_in"] = translations.Get(ui, "also_in");
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

SearchLink LinkFor(const search::SearchRequest& request, Language ui) {
  return SearchLink{request.query, request.language, request.tags, request.type, 1, ui,
                    !request.retry_with_correction, request.category};
}

mstch::array FacetGroups(const search::SearchRequest& request,
                         const search::SearchResponse& response, Language ui,
                         const Translations& translations, const SearchUrlBuilder& url_of, bool with_type) {
  mstch::array groups;
  for (const char* facet : {"lang", "type", "tag"}) {
    if (!with_type && std::string_view(facet) == "type") continue;
    auto found = response.facets.find(facet);
    if (found == response.facets.end() || found->second.empty()) continue;
    groups.push_back(mstch::map{
        {"label", translations.Get(ui, std::string("facet_") + facet)},
        {"values", FacetValues(facet, found->second, request, ui, translations, url_of)}});
  }
  return groups;
}

long LastPage(const search::SearchResponse& response) {
  const int size = std::max(1, response.page_size);
  const long pages = static_cast<long>((response.total + size - 1) / size);
  return std::min<long>(pages, search::kMaxPage);
}

mstch::map Pagination(const search::SearchRequest& request, const search::SearchResponse& response,
                      Language ui, const SearchUrlBuilder& url_of) {
  long pages = LastPage(response);
  int current = response.page;
  mstch::map pagination{{"show", pages > 1}};
  SearchLink link = LinkFor(request, ui);
  if (current > 1) {
    link.page = current - 1;
    pagination["previous_url"] = url_of(link);
  }
  if (current < pages) {
    link.page = current + 1;
    pagination["next_url"] = url_of(link);
  }
  mstch::array numbers;
  int first = std::max(1, current - kPageLinksAroundCurrent);
  int last = static_cast<int>(std::min<long>(pages, current + kPageLinksAroundCurrent));
  for (int page = first; page <= last; ++page) {
    link.page = page;
    numbers.push_back(mstch::map{
        {"number", std::to_string(page)}, {"url", url_of(link)}, {"current", page == current}});
  }
  pagination["pages"] = numbers;
  return pagination;
}

std::string SearchUrl(const SearchLink& link) {
  std::string url = "/search?q=" + search::PercentEncode(link.query);
  if (link.language) url += "&lang=" + Code(*link.language);
  if (!link.tags.empty()) url += "&tag=" + search::PercentEncode(JoinTags(link.tags));
  if (!link.category.empty()) url += "&category=" + search::PercentEncode(link.category);
  if (!link.type.empty()) url += "&type=" + search::PercentEncode(link.type);
  if (link.page > 1) url += "&page=" + std::to_string(link.page);
  if (link.exact) url += "&exact=1";
  url += "&ui=" + Code(link.ui);
  return url;
}

std::string CategoryUrl(const std::string& key, Language language, Language ui) {
  SearchLink link;
  link.language = language;
  link.ui = ui;
  link.category = key;
  return SearchUrl(link);
}

mstch::array PageRenderer::ArticleLinks(const std::vector<search::DocumentLink>& links) {
  mstch::array items;
  for (const search::DocumentLink& link : links) {
    items.push_back(mstch::map{{"title", link.title}, {"url", link.url}, {"lang", link.lang}});
  }
  return items;
}

mstch::array PageRenderer::CategoryItems(const std::vector<search::Category>& categories, Language language,
                                         Language ui) const {
  mstch::array items;
  for (const search::Category& category : categories) {
    const std::string url = CategoryUrl(category.key, language, ui);
    mstch::map item{{"key", category.key},
                    {"title", category.title},
                    {"description", category.description},
                    {"url", url},
                    {"articles", ArticleLinks(category.articles)},
                    {"has_articles", !category.articles.empty()}};
    // The listing has them all when the card shows only some.
    if (category.total > category.articles.size()) {
      item["more"] = mstch::map{
          {"url", url}, {"text", translations_.Plural(ui, "home_category_all", static_cast<long>(category.total))}};
    }
    items.push_back(std::move(item));
  }
  return items;
}

PageRenderer::PageRenderer(Translations translations, TemplateSet templates)
    : translations_(std::move(translations)), templates_(std::move(templates)) {
  for (Language language : kAllLanguages) {
    mstch::map strings;
    for (const auto& [key, text] : translations_.All(language)) strings[key] = text;
    strings_[language] = std::move(strings);
  }
}

void PageRenderer::SetLanguageLinks(mstch::map& context, Language ui,
                                    const std::function<std::string(Language)>& url_for) const {
  mstch::array interface_languages;
  for (Language language : kAllLanguages) {
    interface_languages.push_back(mstch::map{
        {"code", Code(language)},
        {"name", translations_.Get(language, "language_name")},
        {"url", url_for(language)},
        {"current", language == ui}});
  }
  context["interface_languages"] = std::move(interface_languages);
}

mstch::map PageRenderer::BaseContext(Language ui, const std::string& title) const {
  mstch::array interface_languages;
  for (Language language : kAllLanguages) {
    interface_languages.push_back(mstch::map{
        {"code", Code(language)},
        {"name", translations_.Get(language, "language_name")},
        {"url", "/?ui=" + Code(language)},
        {"current", language == ui}});
  }
  // The live region's "N answers" in this language, for every count the
  // suggestion box can show; the script picks one (plural rules stay here).
  mstch::array suggest_counts;
  for (size_t count = 1; count <= search::kMaxAnswerCards; ++count) {
    suggest_counts.push_back(mstch::map{
        {"n", std::to_string(count)},
        {"text", translations_.Plural(ui, "suggest_answers", static_cast<long>(count))}});
  }
  return mstch::map{
      {"lang", Code(ui)},
      {"t", strings_.at(ui)},
      {"suggest_counts", suggest_counts},
      {"title", title},
      {"query", std::string()},
      // The interface language is a hint for the query's analysis, not a
      // filter: a customer on an English page who types Norwegian still finds
      // the Norwegian article.
      {"hidden_inputs", HiddenInputs({{"ui", Code(ui)}})},
      {"interface_languages", interface_languages},
      {"alternates", mstch::array()},
  };
}

std::string PageRenderer::Home(const HomePageInput& input) const {
  // The title is the site's name alone (header.html adds it after any title).
  mstch::map context = BaseContext(input.ui, "");
  context["is_home"] = true;
  context["has_categories"] = !input.categories.empty();
  context["categories"] = CategoryItems(input.categories, input.ui, input.ui);
  context["has_most_read"] = !input.most_read.empty();
  context["most_read"] = ArticleLinks(input.most_read);
  return templates_.Render("home", context);
}

const std::string& PageRenderer::Translate(Language ui, const std::string& key) const {
  return translations_.Get(ui, key);
}

std::string PageRenderer::OpenSearchShortName(Language ui) const {
  constexpr size_t kMaxShortNameCharacters = 16;
  const std::string& name = translations_.Get(ui, "site_name");
  size_t characters = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    // A UTF-8 lead byte starts a character; continuation bytes are 10xxxxxx.
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80 &&
        ++characters > kMaxShortNameCharacters) {
      return name.substr(0, i);
    }
  }
  return name;
}

std::string PageRenderer::SearchResults(const SearchPageInput& input) const {
  const search::SearchRequest& request = *input.request;
  const std::string& results_title = translations_.Get(input.ui, "results_title");
  mstch::map context = BaseContext(
      input.ui, request.query.empty() ? results_title : request.query + " – " + results_title);
  context["query"] = request.query;
  // A new search from this page keeps the language filter, or searches all
  // languages again if the page did.
  context["hidden_inputs"] = request.language
                                 ? HiddenInputs({{"lang", Code(*request.language)}, {"ui", Code(input.ui)}})
                                 : HiddenInputs({{"ui", Code(input.ui)}});
  // The same search in another interface language.
  SetLanguageLinks(context, input.ui, [&request](Language language) {
    SearchLink link = LinkFor(request, language);
    link.page = request.page;
    return SearchUrl(link);
  });
  if (input.response == nullptr) {
    context["empty_query"] = true;
    return templates_.Render("search", context);
  }
  const search::SearchResponse& response = *input.response;
  if (!input.listing_title.empty()) {
    // A tag's or a category's articles: the heading says which.
    const bool category = !request.category.empty();
    std::string title = input.listing_title;
    if (!category) {  // tags by their names in the page's language, as on the chips
      title.clear();
      for (const std::string& tag : request.tags) {
        title += (title.empty() ? "" : ", ") + TopicLabel(translations_, input.ui, tag);
      }
    }
    context["listing"] = mstch::map{
        {"label", translations_.Get(input.ui, category ? "listing_category_label" : "listing_tag_label")},
        {"title", title}};
    context["title"] = title + " – " + results_title;
  }
  context["has_results"] = !response.results.empty();
  context["no_results"] = response.results.empty();
  // Ways on where the results end: never a dead end.
  context["has_categories"] = !input.categories.empty();
  context["categories"] = CategoryItems(input.categories, request.language.value_or(input.ui), input.ui);
  context["has_most_read"] = !input.most_read.empty();
  context["most_read"] = ArticleLinks(input.most_read);
  context["has_related"] = !input.related.empty();
  context["related"] = ArticleLinks(input.related);
  const int page_size = std::max(1, response.page_size);
  const bool last_page = !response.results.empty() &&
                         static_cast<size_t>(response.page) * static_cast<size_t>(page_size) >= response.total;
  context["end_of_results"] = last_page;
  context["results_count"] =
      translations_.Plural(input.ui, "results_count", static_cast<long>(response.total));
  context["results"] = ResultItems(response, translations_, input.ui);
  context["has_results"] = !response.results.empty();
  if (response.results.empty() && response.total > 0) {
    // Past the last page: say so and link to the first and the last page,
    // rather than "No articles found".
    const long pages = LastPage(response);
    SearchLink first = LinkFor(request, input.ui);
    SearchLink last = first;
    last.page = static_cast<int>(pages);
    context["no_results"] = false;
    context["beyond_results"] = mstch::map{
        {"first_url", SearchUrl(first)},
        {"last_url", SearchUrl(last)},
        {"last_number", std::to_string(pages)}};
  }
  // Everything on the public site is an article: no "Type" facet here (the
  // agent console keeps it).
  mstch::array facet_groups =
      FacetGroups(request, response, input.ui, translations_, SearchUrl, /*with_type=*/false);
  context["has_facets"] = !facet_groups.empty();
  context["facet_groups"] = std::move(facet_groups);
  context["pagination"] = context.count("beyond_results") != 0
                             ? mstch::map{{"show", false}}
                             : Pagination(request, response, input.ui, SearchUrl);
  if (request.language) {
    SearchLink all_languages = LinkFor(request, input.ui);
    all_languages.language.reset();
    context["all_languages_url"] = SearchUrl(all_languages);
  }
  if (response.showing_results_for) {
    // The typed query found nothing; these are the corrected query's results.
    SearchLink as_typed = LinkFor(request, input.ui);
    as_typed.exact = true;
    context["showing_results_for"] = mstch::map{{"corrected", *response.showing_results_for},
                                                {"typed", request.query},
                                                {"typed_url", SearchUrl(as_typed)}};
  } else if (response.did_you_mean && !response.did_you_mean->empty()) {
    SearchLink corrected = LinkFor(request, input.ui);
    corrected.query = *response.did_you_mean;
    context["did_you_mean"] = mstch::map{
        {"text", *response.did_you_mean}, {"words", CorrectionPieces(response)}, {"url", SearchUrl(corrected)}};
  }
  return templates_.Render("search", context);
}

std::string PageRenderer::ArticlePage(const search::Article& article, Language ui,
                                      const ArticleFeedbackInput& feedback, const ArticlePageExtras& extras) const {
  const search::DocumentRecord& record = article.record;
  mstch::map context = BaseContext(ui, record.title);
  std::string article_lang = Code(record.language);
  // Help Centre › Category › Article: the category links to its listing.
  mstch::map breadcrumb{{"home_url", "/?ui=" + Code(ui)}, {"title", record.title}};
  if (!record.category.empty() && !record.category_title.empty()) {
    breadcrumb["category"] = mstch::map{{"title", record.category_title},
                                        {"url", CategoryUrl(record.category, record.language, ui)}};
  }
  context["breadcrumb"] = breadcrumb;
  context["has_related"] = !extras.related.empty();
  context["related"] = ArticleLinks(extras.related);
  context["article"] = mstch::map{
      {"title", record.title},       {"lang", article_lang},
      {"html", record.html},         {"answer", record.answer},
      {"reviewed", record.reviewed}, {"has_answer", !record.answer.empty()},
      {"reviewed_text", search::LongDate(record.reviewed, ui)},
  };
  AddArticleOutline(context, record, translations_.Get(ui, "article_toc_heading"));
  mstch::array tags;
  for (const std::string& tag : record.tags) {
    SearchLink link{"", record.language, {tag}, "", 1, ui};
    tags.push_back(mstch::map{{"name", TopicLabel(translations_, ui, tag)}, {"url", SearchUrl(link)}});
  }
  context["tags"] = tags;
  context["has_tags"] = !record.tags.empty();

  mstch::array translations;
  mstch::array alternates{mstch::map{{"lang", article_lang}, {"url", search::ArticleUrl(record)}}};
  for (const search::Translation& translation : article.translations) {
    std::optional<Language> language = ParseLanguage(translation.lang);
    std::string name = language ? translations_.Get(*language, "language_name") : translation.lang;
    translations.push_back(mstch::map{{"lang", translation.lang},
                                      {"language_name", name},
                                      {"title", translation.title},
                                      {"url", LinkKeepingUi(translation.url, ui)}});
    alternates.push_back(mstch::map{{"lang", translation.lang}, {"url", translation.url}});
  }
  context["translations"] = translations;
  context["has_translations"] = !article.translations.empty();
  context["alternates"] = alternates;
  // The footer's languages open this article's translation in that language
  // (the home page in it where there is none), as the interface language.
  SetLanguageLinks(context, ui, [&article, &record](Language language) {
    if (language == record.language) return LinkKeepingUi(search::ArticleUrl(record), language);
    for (const search::Translation& translation : article.translations) {
      if (ParseLanguage(translation.lang) == language) return LinkKeepingUi(translation.url, language);
    }
    return "/?ui=" + Code(language);
  });
  if (feedback.thanks || !feedback.csrf_token.empty()) {
    // mstch escapes every {{value}}; the ids come from front matter.
    mstch::array reasons;
    for (std::string_view reason : stores::kFeedbackReasons) {
      reasons.push_back(mstch::map{{"value", std::string(reason)},
                                   {"label", translations_.Get(ui, "feedback_reason_" + std::string(reason))}});
    }
    context["feedback"] = mstch::map{{"thanks", feedback.thanks},
                                     {"asking_reason", feedback.asking_reason && !feedback.thanks},
                                     {"reasons", reasons},
                                     {"csrf", feedback.csrf_token},
                                     {"article_id", record.id},
                                     {"slug", record.slug},
                                     {"article_lang", article_lang},
                                     {"ui", Code(ui)}};
  }
  return templates_.Render("article", context);
}

std::string PageRenderer::ContactPage(const ContactPageInput& input) const {
  mstch::map context = BaseContext(input.ui, translations_.Get(input.ui, input.sent ? "contact_sent_title" : "contact_title"));
  context["sent"] = input.sent;
  if (!input.request_number.empty()) {
    std::string text = translations_.Get(input.ui, "contact_sent_number");
    const size_t at = text.find("{number}");
    context["request_number"] = input.request_number;
    // The sentence around the number, so that the number itself can be shown strong.
    context["request_number_before"] = at == std::string::npos ? text : text.substr(0, at);
    context["request_number_after"] = at == std::string::npos ? std::string() : text.substr(at + 8);
  }
  context["csrf"] = input.csrf_token;
  context["subject"] = input.message.subject;
  context["description"] = input.message.description;
  context["email"] = input.message.email;
  if (!input.notice_key.empty()) context["notice"] = translations_.Get(input.ui, input.notice_key);
  mstch::array errors;
  for (const stores::FieldError& error : input.errors) {
    const std::string& text = translations_.Get(input.ui, error.message_key);
    const std::string key = error.field + "_error";
    if (context.count(key) != 0) continue;  // the first problem of a field is enough
    context[key] = text;
    errors.push_back(mstch::map{{"field", error.field}, {"text", text}});
  }
  context["has_errors"] = !errors.empty();
  context["errors"] = std::move(errors);
  SetLanguageLinks(context, input.ui, [](Language language) { return "/contact?ui=" + Code(language); });
  return templates_.Render("contact", context);
}

std::string PageRenderer::ErrorPage(const ApiError& error, Language ui) const {
  std::string key(WireName(error.code));
  mstch::map context = BaseContext(ui, translations_.Get(ui, key + "_title"));
  context["error"] = mstch::map{{"code", key},
                                {"status", std::to_string(HttpStatus(error.code))},
                                {"title", translations_.Get(ui, key + "_title")},
                                {"text", translations_.Get(ui, key + "_text")},
                                {"parameter", error.parameter}};
  return templates_.Render("error", context);
}

}  // namespace helpdex::server

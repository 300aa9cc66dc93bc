// The writers' gap report page of PageRenderer (declared in pages.h), `/gaps`.
//
// Built from the report's JSON (GapReportToJson), not from its structs: the
// report grows section by section, and a key the page does not find reads as
// empty, so the page renders whatever the report has today. Every text goes
// through mustache's escaping {{ }}; the one exception is the trend charts,
// SVG built by SparklineSvg() (gap_format.h), which escapes what it embeds.
// No JavaScript: drafts are in readonly text areas a writer selects by hand.
#include <algorithm>
#include <string>

#include "helpdex/analytics/gap_format.h"
#include "helpdex/search/text.h"
#include "pages.h"
#include "helpdex/server/params.h"

namespace helpdex::server {
namespace {

using nlohmann::json;

// The funnel's article table is the top of a long tail.
constexpr size_t kFunnelArticleRows = 20;


// The array under `key`, or an empty one.
const json& ArrayAt(const json& object, const char* key) {
  static const json kEmpty = json::array();
  const json& value = analytics::ReportMember(object, key);
  return value.is_array() ? value : kEmpty;
}

std::string Text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) return analytics::DecimalText(value.get<double>());
  return "";
}

std::string Text(const json& object, const char* key) { return Text(analytics::ReportMember(object, key)); }

// A count for a table cell: "0" when absent, so columns stay aligned.
std::string Count(const json& object, const char* key) {
  std::string text = Text(analytics::ReportMember(object, key));
  return text.empty() ? "0" : text;
}

// Report URLs come from the index and the event store; only local paths
// become links (never "javascript:" or another site).
bool IsLocalPath(const std::string& url) {
  return url.starts_with("/") && !url.starts_with("//") && !url.starts_with("/\\");
}

class GapsView {
 public:
  GapsView(const Translations& translations, Language ui) : translations_(translations), ui_(ui) {}

  mstch::map Build(const json& report) const {
    mstch::map view;
    Section(view, "searches", Searches(ArrayAt(report, "searches")));
    Section(view, "tickets", Tickets(ArrayAt(report, "tickets")));
    Section(view, "translations", TranslationRows(ArrayAt(report, "translations")));
    Section(view, "review", Review(ArrayAt(report, "review")));
    const json& funnel = analytics::ReportMember(report, "funnel");
    Section(view, "funnel_languages", FunnelLanguages(analytics::ReportMember(funnel, "by_language")));
    Section(view, "funnel_articles", FunnelArticles(ArrayAt(funnel, "by_article")));
    Section(view, "zero_causes", ZeroCauses(analytics::ReportMember(report, "zero_causes")));
    view["searches_seen"] = Count(report, "searches_seen");
    return view;
  }

 private:
  const std::string& T(const std::string& key) const { return translations_.Get(ui_, key); }

  // rows under `name`, and has_`name` for the "nothing to report" line.
  static void Section(mstch::map& view, const std::string& name, mstch::array rows) {
    view["has_" + name] = !rows.empty();
    view[name] = std::move(rows);
  }

  std::string LanguageName(const std::string& code) const {
    std::optional<Language> language = ParseLanguage(code);
    return language ? translations_.Get(*language, "language_name") : code;
  }

  // A label from i18n.json for a value of the report ("stale", "missing"),
  // or the value itself when the report has a new one the page does not know.
  std::string Label(const std::string& prefix, const std::string& value) const {
    const std::string key = prefix + value;
    const std::string& text = T(key);
    return text == key ? value : text;
  }

  // {"en": 3, "cs": 1} -> [{code, name, count}]
  mstch::array Languages(const json& languages) const {
    mstch::array items;
    if (!languages.is_object()) return items;
    for (const auto& [code, count] : languages.items()) {
      items.push_back(mstch::map{{"code", code}, {"name", LanguageName(code)}, {"count", Text(count)}});
    }
    return items;
  }

  // {"id","title","url","lang"} -> a link on the agent's pages, or false.
  mstch::node Article(const json& article) const {
    if (!article.is_object()) return false;
    std::string url = Text(article, "url");
    std::string title = Text(article, "title");
    std::string lang = Text(article, "lang");
    return mstch::map{{"title", title.empty() ? Text(article, "id") : title},
                      {"url", IsLocalPath(url) ? AgentDocumentUrl(url, ui_) : std::string()},
                      {"lang", lang},
                      {"language_name", LanguageName(lang)},
                      {"reviewed", Text(article, "reviewed")}};
  }

  mstch::array Strings(const json& values) const {
    mstch::array items;
    if (!values.is_array()) return items;
    for (const json& value : values) {
      std::string text = Text(value);
      if (!text.empty()) items.push_back(mstch::map{{"text", text}});
    }
    return items;
  }

  std::vector<int> Trend(const json& values) const {
    std::vector<int> trend;
    if (!values.is_array()) return trend;
    for (const json& value : values) {
      trend.push_back(value.is_number() ? static_cast<int>(std::clamp(value.get<double>(), 0.0, 1e9)) : 0);
    }
    return trend;
  }

  mstch::array Searches(const json& searches) const {
    mstch::array rows;
    for (const json& gap : searches) {
      std::vector<int> trend = Trend(analytics::ReportMember(gap, "trend"));
      std::string description = T("gaps_trend_label");
      const std::string days = "{n}";
      if (size_t at = description.find(days); at != std::string::npos) {
        description.replace(at, days.size(), std::to_string(trend.size()));
      }
      mstch::array examples = Strings(analytics::ReportMember(gap, "examples"));
      rows.push_back(mstch::map{
          {"query", Text(gap, "query")},
          {"examples", examples},
          {"has_examples", !examples.empty()},
          {"visits", Count(gap, "visits")},
          {"no_results", Count(gap, "no_results_visits")},
          {"not_opened", Count(gap, "not_opened_visits")},
          {"contacted", Count(gap, "contact_visits")},
          {"languages", Languages(analytics::ReportMember(gap, "languages"))},
          // Built and escaped by SparklineSvg; rendered with {{{ }}}.
          {"trend_svg", trend.empty() ? std::string() : analytics::SparklineSvg(trend, description)},
          {"nearest", Article(analytics::ReportMember(gap, "nearest"))},
          {"expected_tickets", Count(gap, "expected_tickets")},
      });
    }
    return rows;
  }

  mstch::array TicketExamples(const json& examples) const {
    mstch::array items;
    if (!examples.is_array()) return items;
    for (const json& example : examples) {
      std::string id = Text(example, "id");
      if (id.empty()) continue;
      std::string lang = Text(example, "lang");
      items.push_back(mstch::map{{"id", id},
                                 {"subject", Text(example, "subject")},
                                 {"lang", lang},
                                 {"url", "/agent/tickets/" + search::PercentEncode(id) +
                                             "?ui=" + std::string(LanguageCode(ui_))}});
    }
    return items;
  }

  mstch::array Tickets(const json& topics) const {
    mstch::array rows;
    for (const json& topic : topics) {
      const json& draft = analytics::ReportMember(topic, "draft");
      mstch::node draft_view = false;
      if (!Text(draft, "markdown").empty()) {
        draft_view = mstch::map{{"path", Text(draft, "path")},
                                {"markdown", Text(draft, "markdown")},
                                {"id", "gaps-draft-" + std::to_string(rows.size() + 1)}};
      }
      mstch::array tags = Strings(analytics::ReportMember(topic, "tags"));
      rows.push_back(mstch::map{
          {"topic", Text(topic, "topic")},
          {"tags", tags},
          {"has_tags", !tags.empty()},
          {"tickets", Count(topic, "tickets")},
          {"languages", Languages(analytics::ReportMember(topic, "languages"))},
          {"examples", TicketExamples(analytics::ReportMember(topic, "examples"))},
          {"nearest", Article(analytics::ReportMember(topic, "nearest"))},
          {"expected_tickets", Count(topic, "expected_tickets")},
          {"draft", draft_view},
      });
    }
    return rows;
  }

  mstch::array TranslationRows(const json& translations) const {
    mstch::array rows;
    for (const json& translation : translations) {
      std::string lang = Text(translation, "lang");
      rows.push_back(mstch::map{
          {"kind", Label("gaps_kind_", Text(translation, "kind"))},
          {"lang", lang},
          {"language_name", LanguageName(lang)},
          {"source", Article(analytics::ReportMember(translation, "source"))},
          {"translation", Article(analytics::ReportMember(translation, "translation"))},
          {"visits", Count(translation, "visits")},
          {"expected_tickets", Count(translation, "expected_tickets")},
      });
    }
    return rows;
  }

  mstch::array Review(const json& articles) const {
    mstch::array rows;
    for (const json& article : articles) {
      mstch::array reasons;
      for (const json& reason : ArrayAt(article, "reasons")) {
        std::string value = Text(reason);
        if (!value.empty()) reasons.push_back(mstch::map{{"text", Label("gaps_reason_", value)}});
      }
      mstch::array broken = Strings(analytics::ReportMember(article, "broken_links"));
      rows.push_back(mstch::map{
          {"article", Article(article)},
          {"reviewed", Text(article, "reviewed")},
          {"reasons", reasons},
          {"helpful", Count(article, "helpful")},
          {"not_helpful", Count(article, "not_helpful")},
          {"contact_after", Count(article, "contact_after")},
          {"broken_links", broken},
          {"has_broken_links", !broken.empty()},
          {"expected_tickets", Count(article, "expected_tickets")},
      });
    }
    return rows;
  }

  static mstch::map FunnelCounts(const json& counts) {
    return mstch::map{{"shown", Count(counts, "shown")},
                      {"opened", Count(counts, "opened")},
                      {"answered", Count(counts, "answered")},
                      {"deflected", Count(counts, "deflected")}};
  }

  mstch::array FunnelLanguages(const json& by_language) const {
    mstch::array rows;
    if (!by_language.is_object()) return rows;
    for (const auto& [code, counts] : by_language.items()) {
      mstch::map row = FunnelCounts(counts);
      row["lang"] = code;
      row["language_name"] = LanguageName(code);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  mstch::array FunnelArticles(const json& by_article) const {
    mstch::array rows;
    for (const json& article : by_article) {
      if (rows.size() == kFunnelArticleRows) break;
      mstch::map row = FunnelCounts(article);
      row["article"] = Article(article);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  mstch::array ZeroCauses(const json& causes) const {
    mstch::array rows;
    if (!causes.is_object()) return rows;
    for (const auto& [cause, count] : causes.items()) {
      rows.push_back(mstch::map{{"cause", Label("gaps_cause_", cause)}, {"count", Text(count)}});
    }
    return rows;
  }

  const Translations& translations_;
  Language ui_;
};

}  // namespace

std::string PageRenderer::GapsPage(const GapsPageInput& input) const {
  const Language ui = input.page.ui;
  const std::string code(LanguageCode(ui));
  mstch::map context = AgentBaseContext(input.page, translations_.Get(ui, "gaps_title"));
  context["no_script"] = true;
  context["on_gaps"] = true;
  static const json kEmptyReport = json::object();
  context["report"] = GapsView(translations_, ui).Build(input.report ? *input.report : kEmptyReport);
  const std::string min_visits = std::to_string(input.min_visits);
  context["min_visits"] = min_visits;
  context["ui"] = code;
  context["csv_url"] = "/api/gaps?format=csv&min_visits=" + min_visits;
  context["json_url"] = "/api/gaps?min_visits=" + min_visits;
  return templates_.Render("gaps", context);
}

}  // namespace helpdex::server

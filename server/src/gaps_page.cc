// The writers' gap report page of PageRenderer (declared in pages.h), `/gaps`.
//
// Rendered from the report's structs (gaps.h), like the CSV and the JSON
// beside it (gap_format.h): a renamed field is a compile error, never an
// empty cell. Every text goes through mustache's escaping {{ }}; the one
// exception is the trend charts, SVG built by SparklineSvg() (gap_format.h),
// which escapes what it embeds. No JavaScript: drafts are in readonly text
// areas a writer selects by hand.
#include <algorithm>
#include <string>

#include "helpdex/analytics/gap_format.h"
#include "helpdex/analytics/triage.h"
#include "helpdex/search/dates.h"
#include "helpdex/search/text.h"
#include "pages.h"
#include "helpdex/server/params.h"

namespace helpdex::server {
namespace {

using analytics::DecimalText;

// The funnel's article table is the top of a long tail.
constexpr size_t kFunnelArticleRows = 20;

// Report URLs come from the index and the event store; only local paths
// become links (never "javascript:" or another site).
bool IsLocalPath(const std::string& url) {
  return url.starts_with("/") && !url.starts_with("//") && !url.starts_with("/\\");
}

class GapsView {
 public:
  GapsView(const Translations& translations, Language ui) : translations_(translations), ui_(ui) {}

  mstch::map Build(const analytics::GapReport& report) const {
    mstch::map view;
    Section(view, "searches", Searches(report.searches, report.returned_after_triage));
    Section(view, "hidden", Hidden(report.hidden_by_triage));
    view["hidden_heading"] = WithNumber(T("gaps_triage_hidden_heading"), report.hidden_by_triage.size());
    view["period"] = Period(report);
    view["visits_unit"] = WithNumber(T("gaps_unit_period"), static_cast<size_t>(std::max(report.window_days, 0)));
    view["has_window"] = report.window_days > 0;
    view["trend_unit"] = WithNumber(T("gaps_unit_trend"), static_cast<size_t>(std::max(report.trend_days, 0)));
    Section(view, "tickets", Tickets(report.tickets));
    Section(view, "translations", TranslationRows(report.translations));
    Section(view, "review", Review(report.review));
    Section(view, "funnel_languages", FunnelLanguages(report.funnel.by_language));
    Section(view, "funnel_articles", FunnelArticles(report.funnel.by_article));
    Section(view, "zero_causes", ZeroCauses(report.zero_causes));
    view["searches_seen"] = std::to_string(report.searches_seen);
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
  mstch::array Languages(const std::map<std::string, int>& languages) const {
    mstch::array items;
    for (const auto& [code, count] : languages) {
      items.push_back(mstch::map{{"code", code}, {"name", LanguageName(code)}, {"count", std::to_string(count)}});
    }
    return items;
  }

  // An article as a link on the agent's pages.
  mstch::node Article(const search::DocumentLink& article, const std::string& reviewed = "") const {
    return mstch::map{{"title", article.title.empty() ? article.id : article.title},
                      {"url", IsLocalPath(article.url) ? AgentDocumentUrl(article.url, ui_) : std::string()},
                      {"lang", article.lang},
                      {"language_name", LanguageName(article.lang)},
                      {"reviewed", reviewed}};
  }
  mstch::node Article(const std::optional<search::DocumentLink>& article, const std::string& reviewed = "") const {
    if (!article) return false;
    return Article(*article, reviewed);
  }

  static mstch::array Strings(const std::vector<std::string>& values) {
    mstch::array items;
    for (const std::string& text : values) {
      if (!text.empty()) items.push_back(mstch::map{{"text", text}});
    }
    return items;
  }

  // "{n}" in a label replaced by a number.
  static std::string WithNumber(std::string text, size_t number) {
    if (size_t at = text.find("{n}"); at != std::string::npos) text.replace(at, 3, std::to_string(number));
    return text;
  }

  // The report's period, in the page's language ("3 Sep 2026 – 2 Dec 2026").
  mstch::node Period(const analytics::GapReport& report) const {
    if (report.to_ms <= 0) return false;
    std::string text = report.from_ms > 0 ? T("gaps_period") : T("gaps_period_until");
    const auto date = [this](int64_t ms) { return search::ReadableDate(analytics::IsoTime(ms).substr(0, 10), ui_); };
    for (auto [placeholder, value] : {std::pair<std::string, std::string>{"{from}", date(report.from_ms)},
                                      {"{to}", date(report.to_ms)},
                                      {"{n}", std::to_string(report.window_days)}}) {
      if (size_t at = text.find(placeholder); at != std::string::npos) text.replace(at, placeholder.size(), value);
    }
    return mstch::map{{"text", text},
                      {"from", report.from_ms > 0 ? analytics::IsoTime(report.from_ms) : std::string()},
                      {"to", analytics::IsoTime(report.to_ms)},
                      {"note", WithNumber(T("gaps_period_note"), static_cast<size_t>(report.trend_days))}};
  }

  // The search a topic stands for, as customers run it: the public results
  // page in the language most of its visits searched in.
  static std::string SearchUrl(const analytics::SearchGap& gap) {
    std::string lang;
    int most = 0;
    for (const auto& [code, visits] : gap.languages) {
      if (visits > most) {
        most = visits;
        lang = code;
      }
    }
    std::string url = "/search?q=" + search::PercentEncode(gap.query);
    if (ParseLanguage(lang)) url += "&ui=" + lang;
    return url;
  }

  mstch::array Hidden(const std::vector<analytics::HiddenGap>& hidden) const {
    mstch::array rows;
    for (const analytics::HiddenGap& gap : hidden) {
      rows.push_back(mstch::map{
          {"query", gap.query},
          {"triage_key", gap.key},
          {"state", T(std::string("gaps_triage_state_") + std::string(stores::TriageStateName(gap.triage.state)))},
          {"by", gap.triage.agent},
          {"at", analytics::IsoTime(gap.triage.at_ms)},
          {"at_label", search::ReadableDate(analytics::IsoTime(gap.triage.at_ms), ui_)},
          {"visits_then", std::to_string(gap.triage.visits)},
          {"visits", std::to_string(gap.visits)},
      });
    }
    return rows;
  }

  mstch::array Searches(const std::vector<analytics::SearchGap>& searches,
                        const std::vector<std::string>& returned) const {
    mstch::array rows;
    for (const analytics::SearchGap& gap : searches) {
      const std::string key = analytics::TriageKey(gap);
      std::vector<int> trend;
      for (int day : gap.trend) trend.push_back(std::max(day, 0));
      std::string description = T("gaps_trend_label");
      const std::string days = "{n}";
      if (size_t at = description.find(days); at != std::string::npos) {
        description.replace(at, days.size(), std::to_string(trend.size()));
      }
      mstch::array examples = Strings(gap.examples);
      rows.push_back(mstch::map{
          {"query", gap.query},
          {"examples", examples},
          {"has_examples", !examples.empty()},
          {"visits", std::to_string(gap.visits)},
          {"no_results", std::to_string(gap.no_results_visits)},
          {"not_opened", std::to_string(gap.not_opened_visits)},
          {"contacted", std::to_string(gap.contact_visits)},
          {"languages", Languages(gap.languages)},
          // Built and escaped by SparklineSvg; rendered with {{{ }}}.
          {"trend_svg", trend.empty() ? std::string() : analytics::SparklineSvg(trend, description)},
          {"nearest", Article(gap.nearest)},
          {"expected_tickets", DecimalText(gap.expected_tickets)},
          {"search_url", SearchUrl(gap)},
          {"triage_key", key},
          {"visits_raw", std::to_string(gap.visits)},
          {"returned", std::find(returned.begin(), returned.end(), key) != returned.end()},
      });
    }
    return rows;
  }

  mstch::array TicketExamples(const std::vector<analytics::TicketExample>& examples) const {
    mstch::array items;
    for (const analytics::TicketExample& example : examples) {
      if (example.id.empty()) continue;
      items.push_back(mstch::map{{"id", example.id},
                                 {"subject", example.subject},
                                 {"lang", example.lang},
                                 {"url", "/agent/tickets/" + search::PercentEncode(example.id) + "?ui=" +
                                             std::string(LanguageCode(ui_))}});
    }
    return items;
  }

  mstch::array Tickets(const std::vector<analytics::TicketGap>& topics) const {
    mstch::array rows;
    for (const analytics::TicketGap& topic : topics) {
      mstch::node draft_view = false;
      if (!topic.draft_markdown.empty()) {
        draft_view = mstch::map{{"path", topic.draft_path},
                                {"markdown", topic.draft_markdown},
                                {"id", "gaps-draft-" + std::to_string(rows.size() + 1)}};
      }
      mstch::array tags = Strings(topic.tags);
      rows.push_back(mstch::map{
          {"topic", topic.topic},
          {"tags", tags},
          {"has_tags", !tags.empty()},
          {"tickets", std::to_string(topic.tickets)},
          {"languages", Languages(topic.languages)},
          {"examples", TicketExamples(topic.examples)},
          {"nearest", Article(topic.nearest)},
          {"expected_tickets", DecimalText(topic.expected_tickets)},
          {"draft", draft_view},
      });
    }
    return rows;
  }

  mstch::array TranslationRows(const std::vector<analytics::TranslationGap>& translations) const {
    mstch::array rows;
    for (const analytics::TranslationGap& translation : translations) {
      rows.push_back(mstch::map{
          {"kind", Label("gaps_kind_", translation.kind)},
          {"lang", translation.lang},
          {"language_name", LanguageName(translation.lang)},
          {"source", Article(translation.source, translation.source_reviewed)},
          {"translation", Article(translation.translation, translation.translation_reviewed)},
          {"visits", std::to_string(translation.visits)},
          {"expected_tickets", DecimalText(translation.expected_tickets)},
      });
    }
    return rows;
  }

  mstch::array Review(const std::vector<analytics::ReviewItem>& articles) const {
    mstch::array rows;
    for (const analytics::ReviewItem& item : articles) {
      mstch::array reasons;
      for (const std::string& reason : item.reasons) {
        if (!reason.empty()) reasons.push_back(mstch::map{{"text", Label("gaps_reason_", reason)}});
      }
      mstch::array broken = Strings(item.broken_links);
      rows.push_back(mstch::map{
          {"article", Article(item.article, item.reviewed)},
          {"reviewed", item.reviewed},
          {"reasons", reasons},
          {"helpful", std::to_string(item.helpful)},
          {"not_helpful", std::to_string(item.not_helpful)},
          {"contact_after", std::to_string(item.contact_after)},
          {"broken_links", broken},
          {"has_broken_links", !broken.empty()},
          {"expected_tickets", DecimalText(item.expected_tickets)},
      });
    }
    return rows;
  }

  static mstch::map FunnelCounts(const analytics::FunnelStep& step) {
    return mstch::map{{"shown", std::to_string(step.shown)},
                      {"opened", std::to_string(step.opened)},
                      {"answered", std::to_string(step.answered)},
                      {"deflected", std::to_string(step.deflected)}};
  }

  mstch::array FunnelLanguages(const std::map<std::string, analytics::FunnelStep>& by_language) const {
    mstch::array rows;
    for (const auto& [code, step] : by_language) {
      mstch::map row = FunnelCounts(step);
      row["lang"] = code;
      row["language_name"] = LanguageName(code);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  mstch::array FunnelArticles(const std::vector<analytics::ArticleFunnel>& by_article) const {
    mstch::array rows;
    for (const analytics::ArticleFunnel& article : by_article) {
      if (rows.size() == kFunnelArticleRows) break;
      mstch::map row = FunnelCounts(article.step);
      row["article"] = Article(article.article);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  mstch::array ZeroCauses(const std::map<std::string, int>& causes) const {
    mstch::array rows;
    for (const auto& [cause, count] : causes) {
      rows.push_back(mstch::map{{"cause", Label("gaps_cause_", cause)}, {"count", std::to_string(count)}});
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
  static const analytics::GapReport kEmptyReport;
  context["report"] = GapsView(translations_, ui).Build(input.report ? *input.report : kEmptyReport);
  const std::string min_visits = std::to_string(input.min_visits);
  context["min_visits"] = min_visits;
  context["ui"] = code;
  context["csv_url"] = "/api/gaps?format=csv&min_visits=" + min_visits;
  context["json_url"] = "/api/gaps?min_visits=" + min_visits;
  // The triage forms post with the session's CSRF token (agent_auth.h).
  context["triage_csrf"] = input.page.csrf_token;
  return templates_.Render("gaps", context);
}

}  // namespace helpdex::server

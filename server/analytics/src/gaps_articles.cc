// The gap report's article parts (gaps.h): missing and outdated
// translations weighted by demand, articles to review, and the deflection
// funnel. All counts are distinct visits, so one visit (or a bot) moves any
// figure by one at most.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "gaps_parts.h"

namespace helpdex::analytics {
namespace {

constexpr double kTranslationWeight = 0.5;  // a customer shown a foreign-language article may still give up
constexpr double kNotHelpfulWeight = 0.5;
constexpr double kBrokenLinkWeight = 0.2;
constexpr double kStaleWeight = 0.1;

std::string Code(Language language) { return std::string(LanguageCode(language)); }

int64_t WindowMs(std::chrono::minutes window) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
}

// For each visit, the times it wrote to support.
std::unordered_map<std::string, std::vector<int64_t>> ContactTimes(const std::vector<StoredEvent>& events) {
  std::unordered_map<std::string, std::vector<int64_t>> times;
  for (const StoredEvent& stored : events) {
    if (stored.event.type == EventType::kContactSubmitted) times[stored.event.visit].push_back(stored.event.at_ms);
  }
  return times;
}

bool ContactedWithin(const std::unordered_map<std::string, std::vector<int64_t>>& contacts, const Event& event,
                     int64_t window_ms) {
  auto found = contacts.find(event.visit);
  if (found == contacts.end()) return false;
  return std::any_of(found->second.begin(), found->second.end(),
                     [&](int64_t at) { return at >= event.at_ms && at - event.at_ms <= window_ms; });
}

// "2026-03-11" -> days since the Unix epoch; nullopt when not a date.
std::optional<int64_t> DaysSinceEpoch(const std::string& date) {
  std::tm parts{};
  if (date.size() < 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d", &parts.tm_year, &parts.tm_mon, &parts.tm_mday) != 3) {
    return std::nullopt;
  }
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&parts)) / (24 * 60 * 60);
}

class ArticleCatalog {
 public:
  explicit ArticleCatalog(const std::vector<search::DocumentRecord>& articles) : articles_(articles) {
    for (const search::DocumentRecord& article : articles_) {
      by_id_[article.id] = &article;
      slugs_.insert(Code(article.language) + '/' + article.slug);
      if (!article.translation_key.empty()) by_key_[article.translation_key].push_back(&article);
    }
  }
  const search::DocumentRecord* Find(const std::string& id) const {
    auto found = by_id_.find(id);
    return found == by_id_.end() ? nullptr : found->second;
  }
  bool HasSlug(const std::string& language, const std::string& slug) const {
    return slugs_.contains(language + '/' + slug);
  }
  const std::map<std::string, std::vector<const search::DocumentRecord*>>& by_key() const { return by_key_; }
  const std::vector<search::DocumentRecord>& all() const { return articles_; }

 private:
  const std::vector<search::DocumentRecord>& articles_;
  std::unordered_map<std::string, const search::DocumentRecord*> by_id_;
  std::set<std::string> slugs_;
  std::map<std::string, std::vector<const search::DocumentRecord*>> by_key_;
};

// --- Translations ----------------------------------------------------------

// Demand for a translation: visits searching in a language that were shown
// the article only in another one (translation key -> language -> visits).
using Demand = std::map<std::string, std::map<std::string, std::set<std::string>>>;

Demand ForeignDemand(const std::vector<StoredEvent>& events, const ArticleCatalog& catalog) {
  Demand demand;
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    if (event.type != EventType::kSearch && event.type != EventType::kSuggestShown) continue;
    if (event.language.empty()) continue;
    for (const std::string& id : event.shown) {
      const search::DocumentRecord* article = catalog.Find(id);
      if (article == nullptr || article->translation_key.empty() || Code(article->language) == event.language) continue;
      demand[article->translation_key][event.language].insert(event.visit);
    }
  }
  return demand;
}

// Visits that were shown the article itself (any language): its readership.
std::unordered_map<std::string, std::set<std::string>> Readers(const std::vector<StoredEvent>& events) {
  std::unordered_map<std::string, std::set<std::string>> readers;
  for (const StoredEvent& stored : events) {
    for (const std::string& id : stored.event.shown) readers[id].insert(stored.event.visit);
    if (!stored.event.article.empty()) readers[stored.event.article].insert(stored.event.visit);
  }
  return readers;
}

// The version the others translate: English when there is one, else the
// most recently reviewed.
const search::DocumentRecord* SourceOf(const std::vector<const search::DocumentRecord*>& versions) {
  for (const search::DocumentRecord* version : versions) {
    if (version->language == Language::kEnglish) return version;
  }
  return *std::max_element(versions.begin(), versions.end(),
                           [](const auto* a, const auto* b) { return a->reviewed < b->reviewed; });
}

std::vector<TranslationGap> Translations(const std::vector<StoredEvent>& events, const ArticleCatalog& catalog,
                                         const GapOptions& options) {
  const Demand demand = ForeignDemand(events, catalog);
  const auto readers = Readers(events);
  std::vector<TranslationGap> gaps;
  for (const auto& [key, versions] : catalog.by_key()) {
    const search::DocumentRecord* source = SourceOf(versions);
    std::set<std::string> present;
    for (const search::DocumentRecord* version : versions) present.insert(Code(version->language));
    auto wanted = demand.find(key);
    if (wanted != demand.end()) {
      for (const auto& [language, visits] : wanted->second) {
        if (present.contains(language) || static_cast<int>(visits.size()) < options.min_visits) continue;
        const int count = static_cast<int>(visits.size());
        gaps.push_back(TranslationGap{"missing", key, language, search::LinkTo(*source), source->reviewed, std::nullopt,
                                      "", count, kTranslationWeight * count});
      }
    }
    const std::optional<int64_t> source_day = DaysSinceEpoch(source->reviewed);
    for (const search::DocumentRecord* version : versions) {
      if (version == source || !source_day) continue;
      const std::optional<int64_t> day = DaysSinceEpoch(version->reviewed);
      if (day && *day >= *source_day) continue;
      auto read = readers.find(version->id);
      const int count = read == readers.end() ? 0 : static_cast<int>(read->second.size());
      gaps.push_back(TranslationGap{"outdated", key, Code(version->language), search::LinkTo(*source), source->reviewed,
                                    search::LinkTo(*version), version->reviewed, count, kTranslationWeight * count});
    }
  }
  std::stable_sort(gaps.begin(), gaps.end(), [](const TranslationGap& a, const TranslationGap& b) {
    return a.expected_tickets > b.expected_tickets;
  });
  return gaps;
}

// --- Review ----------------------------------------------------------------

// Internal links of an article that lead nowhere: "/articles/SLUG[?lang=LL]"
// and relative "[../LL/]SLUG.md" destinations (DocumentRecord::links, as the
// indexer collected them from the Markdown), looked up among the articles.
std::vector<std::string> BrokenLinks(const search::DocumentRecord& article, const ArticleCatalog& catalog) {
  std::vector<std::string> broken;
  for (const std::string& target : article.links) {
    std::string language = Code(article.language);
    std::string slug;
    std::string path = target.substr(0, target.find_first_of("?#"));
    if (path.starts_with("/articles/")) {
      slug = path.substr(10);
      const size_t lang = target.find("lang=");
      if (lang != std::string::npos) language = target.substr(lang + 5, 2);
    } else if (path.ends_with(".md") && path.find("://") == std::string::npos) {
      const size_t slash = path.rfind('/');
      slug = path.substr(slash == std::string::npos ? 0 : slash + 1);
      slug.resize(slug.size() - 3);
      if (slash != std::string::npos && slash >= 3 && path[slash - 3] == '/') language = path.substr(slash - 2, 2);
    } else {
      continue;
    }
    if (!catalog.HasSlug(language, slug)) broken.push_back(target);
  }
  return broken;
}

struct Votes {
  int helpful = 0;
  int not_helpful = 0;
};

// Each visit's last vote on each revision of each article.
std::unordered_map<std::string, std::map<std::string, Votes>> FeedbackByRevision(const std::vector<StoredEvent>& events) {
  std::map<std::tuple<std::string, std::string, std::string>, bool> last;  // (article, revision, visit) -> helpful
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    if (event.type != EventType::kFeedback || event.helpful < 0) continue;
    last[{event.article, event.revision, event.visit}] = event.helpful == 1;
  }
  std::unordered_map<std::string, std::map<std::string, Votes>> votes;
  for (const auto& [key, helpful] : last) {
    Votes& counted = votes[std::get<0>(key)][std::get<1>(key)];
    ++(helpful ? counted.helpful : counted.not_helpful);
  }
  return votes;
}

// Visits that opened the article (not "answered") and wrote to support soon after.
std::unordered_map<std::string, std::set<std::string>> ContactAfterReading(const std::vector<StoredEvent>& events,
                                                                          const GapOptions& options) {
  const auto contacts = ContactTimes(events);
  const int64_t window = WindowMs(options.outcome_window);
  std::unordered_map<std::string, std::set<std::string>> visits;
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    if ((event.type != EventType::kSuggestOpened && event.type != EventType::kResultClicked) || event.article.empty()) {
      continue;
    }
    if (ContactedWithin(contacts, event, window)) visits[event.article].insert(event.visit);
  }
  return visits;
}

std::vector<ReviewItem> Review(const std::vector<StoredEvent>& events, const ArticleCatalog& catalog,
                               const GapOptions& options, int64_t now_ms) {
  const auto votes = FeedbackByRevision(events);
  const auto contact_after = ContactAfterReading(events, options);
  const int64_t today = now_ms / (24LL * 60 * 60 * 1000);
  std::vector<ReviewItem> items;
  for (const search::DocumentRecord& article : catalog.all()) {
    ReviewItem item;
    item.article = search::LinkTo(article);
    item.reviewed = article.reviewed;
    const std::optional<int64_t> reviewed = DaysSinceEpoch(article.reviewed);
    if (!reviewed || today - *reviewed > options.review_after_days) item.reasons.push_back("stale");
    if (auto found = votes.find(article.id); found != votes.end()) {
      // The current revision against the earlier ones: a rising share of
      // "didn't help" after an edit, or a high one from enough visits.
      Votes current, before;
      for (const auto& [revision, counted] : found->second) {
        Votes& into = revision == article.source_hash ? current : before;
        into.helpful += counted.helpful;
        into.not_helpful += counted.not_helpful;
      }
      item.helpful = current.helpful;
      item.not_helpful = current.not_helpful;
      const int current_total = current.helpful + current.not_helpful;
      const int before_total = before.helpful + before.not_helpful;
      const double share = current_total == 0 ? 0 : static_cast<double>(current.not_helpful) / current_total;
      const double share_before = before_total == 0 ? 0 : static_cast<double>(before.not_helpful) / before_total;
      item.not_helpful_before = before.not_helpful;
      item.helpful_before = before.helpful;
      if (current.not_helpful >= options.min_visits && (share >= 0.5 || (before_total > 0 && share > share_before))) {
        item.reasons.push_back("didnt_help");
      }
    }
    if (auto found = contact_after.find(article.id); found != contact_after.end()) {
      item.contact_after = static_cast<int>(found->second.size());
      if (item.contact_after >= options.min_visits) item.reasons.push_back("contact_after");
    }
    item.broken_links = BrokenLinks(article, catalog);
    if (!item.broken_links.empty()) item.reasons.push_back("broken_links");
    if (item.reasons.empty()) continue;
    const bool stale = item.reasons.front() == "stale";
    const bool counts_contacts = item.contact_after >= options.min_visits;
    const bool counts_votes = std::find(item.reasons.begin(), item.reasons.end(), "didnt_help") != item.reasons.end();
    item.expected_tickets = (counts_contacts ? item.contact_after : 0) +
                            (counts_votes ? kNotHelpfulWeight * item.not_helpful : 0) +
                            kBrokenLinkWeight * static_cast<double>(item.broken_links.size()) +
                            (stale ? kStaleWeight : 0);
    items.push_back(std::move(item));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const ReviewItem& a, const ReviewItem& b) { return a.expected_tickets > b.expected_tickets; });
  return items;
}

// --- Funnel ----------------------------------------------------------------

struct FunnelVisits {
  std::set<std::string> shown, opened, answered, deflected;
  FunnelStep Counts() const {
    return FunnelStep{static_cast<int>(shown.size()), static_cast<int>(opened.size()),
                      static_cast<int>(answered.size()), static_cast<int>(deflected.size())};
  }
};

Funnel BuildFunnel(const std::vector<StoredEvent>& events, const ArticleCatalog& catalog, const GapOptions& options) {
  const auto contacts = ContactTimes(events);
  const int64_t window = WindowMs(options.outcome_window);
  std::map<std::string, FunnelVisits> by_language;
  std::map<std::string, FunnelVisits> by_article;
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    const std::string language = event.language.empty() ? "unknown" : event.language;
    if (event.type == EventType::kSuggestShown && !event.shown.empty()) {
      by_language[language].shown.insert(event.visit);
      for (const std::string& id : event.shown) by_article[id].shown.insert(event.visit);
      continue;
    }
    if (event.type != EventType::kSuggestOpened && event.type != EventType::kAnswered) continue;
    FunnelVisits& in_language = by_language[language];
    FunnelVisits& in_article = by_article[event.article];
    const auto step = event.type == EventType::kAnswered ? &FunnelVisits::answered : &FunnelVisits::opened;
    (in_language.*step).insert(event.visit);
    (in_article.*step).insert(event.visit);
    if (!ContactedWithin(contacts, event, window)) {
      in_language.deflected.insert(event.visit);
      in_article.deflected.insert(event.visit);
    }
  }
  Funnel funnel;
  for (const auto& [language, visits] : by_language) funnel.by_language[language] = visits.Counts();
  for (const auto& [id, visits] : by_article) {
    const search::DocumentRecord* article = catalog.Find(id);
    if (article == nullptr) continue;
    funnel.by_article.push_back(ArticleFunnel{search::LinkTo(*article), visits.Counts()});
  }
  std::stable_sort(funnel.by_article.begin(), funnel.by_article.end(),
                   [](const ArticleFunnel& a, const ArticleFunnel& b) { return a.step.shown > b.step.shown; });
  return funnel;
}

}  // namespace

ArticleGaps BuildArticleGaps(const std::vector<StoredEvent>& events, const std::vector<search::DocumentRecord>& articles,
                             const GapOptions& options, int64_t now_ms) {
  const ArticleCatalog catalog(articles);
  ArticleGaps gaps;
  gaps.translations = Translations(events, catalog, options);
  gaps.review = Review(events, catalog, options, now_ms);
  gaps.funnel = BuildFunnel(events, catalog, options);
  return gaps;
}

}  // namespace helpdex::analytics

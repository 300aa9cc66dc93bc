// What the help centre offers next, so that no page is a dead end (issue 18):
// the home page's categories and most read articles, a listing's heading,
// the ways on at the end of results, related articles on article pages, and
// the article views that "most read" counts.
#include <algorithm>
#include <chrono>

#include "helpdex/search/schema.h"
#include "routes.h"

namespace helpdex::server {
namespace {

// "Most read": distinct visits that opened an article in this many days.
constexpr int kMostReadDays = 30;
constexpr size_t kMostReadCount = 5;
// Events read at most per count (the oldest of the period first).
constexpr size_t kMostReadMaxEvents = 200000;
constexpr auto kMostReadRefresh = std::chrono::minutes(5);
// Articles a category card on the home page lists; the listing has them all.
constexpr size_t kHomeArticlesPerCategory = 6;
constexpr size_t kRelatedArticles = 5;
// Articles each category shows where a search found nothing.
constexpr size_t kNoResultsArticlesPerCategory = 3;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HomePageInput Routes::HomeContent(Language ui) {
  HomePageInput input{ui, {}, {}};
  // Without a readable index the home page is still the search box.
  Result<std::shared_ptr<search::Searcher>> searcher = index_->AcquireSearcher();
  if (!searcher.ok()) return input;
  input.categories = CategoriesFor(**searcher, ui, kHomeArticlesPerCategory);
  input.most_read = MostRead(**searcher, ui);
  return input;
}

std::vector<search::Category> Routes::CategoriesFor(search::Searcher& searcher, Language language,
                                                    size_t max_articles) {
  Result<std::vector<search::Category>> categories = searcher.Categories(language, max_articles);
  if (!categories.ok()) {
    LogLine({{"level", "error"}, {"event", "categories_failed"}, {"error", categories.error().ToString()}});
    return {};
  }
  return std::move(categories).value();
}

std::vector<search::DocumentLink> Routes::MostRead(search::Searcher& searcher, Language language) {
  if (!events_ || !event_log_) return {};
  const uint64_t written = events_->stats().written;
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(most_read_mutex_);
    auto cached = most_read_.find(language);
    const bool fresh = cached != most_read_.end() &&
                       (now - cached->second.counted_at < kMostReadRefresh) &&
                       (!cached->second.article_ids.empty() || cached->second.events_written == written);
    if (fresh) ids = cached->second.article_ids;
  }
  if (ids.empty()) {
    constexpr int64_t kDayMs = 24LL * 3600 * 1000;
    Result<std::vector<stores::StoredEvent>> views = event_log_->Read(
        stores::EventFilter{.type = stores::EventType::kArticleViewed,
                            .since_ms = NowMs() - kMostReadDays * kDayMs,
                            .limit = kMostReadMaxEvents});
    if (!views.ok()) {
      LogLine({{"level", "error"}, {"event", "most_read_failed"}, {"error", views.error().ToString()}});
      return {};
    }
    // More than asked for: some may be internal or gone from the index.
    for (const stores::ArticleViews& article :
         stores::MostViewed(*views, LanguageCode(language), 4 * kMostReadCount)) {
      ids.push_back(article.article);
    }
    std::lock_guard<std::mutex> lock(most_read_mutex_);
    most_read_[language] = MostReadCounts{now, written, ids};
  }
  // Public articles of this language only, checked against the live index.
  Result<std::vector<search::DocumentLink>> links = searcher.PublicArticles(ids, language);
  if (!links.ok()) return {};
  if (links->size() > kMostReadCount) links->resize(kMostReadCount);
  return std::move(links).value();
}

void Routes::RecordArticleView(const std::string& visit, const search::DocumentRecord& article) {
  if (!events_ || visit.empty()) return;
  RecordEvent(stores::Event{.type = stores::EventType::kArticleViewed,
                            .visit = visit,
                            .language = std::string(LanguageCode(article.language)),
                            .article = article.id});
}

std::vector<search::DocumentLink> Routes::RelatedTo(search::Searcher& searcher,
                                                    const search::DocumentRecord& article) {
  // The public index holds public articles only, and RelatedArticles keeps to
  // the article's language.
  Result<std::vector<search::DocumentLink>> related =
      searcher.RelatedArticles(std::string(search::schema::kTypeArticle), article.id, kRelatedArticles);
  if (!related.ok()) return {};
  return std::move(related).value();
}

void Routes::AddWaysOn(const search::SearchRequest& request, const search::SearchResponse& response,
                       SearchPageInput& input) {
  Result<std::shared_ptr<search::Searcher>> searcher = index_->AcquireSearcher();
  if (!searcher.ok()) return;
  const Language language = request.language.value_or(input.ui);
  const bool listing = IsBlank(request.query);
  if (listing && !request.category.empty()) {
    input.listing_title = request.category;
    for (const search::Category& category : CategoriesFor(**searcher, language, 0)) {
      if (category.key == request.category) input.listing_title = category.title;
    }
  } else if (listing) {
    input.listing_title = JoinTags(request.tags);
  }
  if (response.results.empty()) {
    input.categories = CategoriesFor(**searcher, language, kNoResultsArticlesPerCategory);
    input.most_read = MostRead(**searcher, language);
    return;
  }
  const int page_size = std::max(1, response.page_size);
  const bool last_page = static_cast<size_t>(response.page) * static_cast<size_t>(page_size) >= response.total;
  const search::SearchResult& first = response.results.front();
  if (!last_page || first.type != search::schema::kTypeArticle) return;
  Result<std::vector<search::DocumentLink>> related =
      (*searcher)->RelatedArticles(first.type, first.id, kRelatedArticles + response.results.size());
  if (!related.ok()) return;
  for (search::DocumentLink& link : *related) {
    const bool shown = std::any_of(response.results.begin(), response.results.end(),
                                   [&](const search::SearchResult& result) { return result.id == link.id; });
    if (!shown && input.related.size() < kRelatedArticles) input.related.push_back(std::move(link));
  }
}

}  // namespace helpdex::server

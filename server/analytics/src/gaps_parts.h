// The parts of the gap report (gaps.h) built apart from the searches part,
// each in its own file: gaps_tickets.cc, gaps_articles.cc.
#pragma once

#include <numeric>
#include <vector>

#include "helpdex/search/searcher.h"
#include "helpdex/analytics/gaps.h"

namespace helpdex::analytics {

// The gap report reads the stores' events throughout.
using stores::Event;
using stores::EventType;
using stores::StoredEvent;


// Disjoint sets (path halving) for grouping: failing searches into topics,
// unanswered tickets into topics.
class UnionFind {
 public:
  explicit UnionFind(size_t size) : parent_(size) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t Find(size_t item) {
    while (parent_[item] != item) item = parent_[item] = parent_[parent_[item]];
    return item;
  }
  void Join(size_t a, size_t b) { parent_[Find(a)] = Find(b); }

 private:
  std::vector<size_t> parent_;
};

// Resolved tickets (from `agent`) that the public `articles` do not answer,
// grouped by topic, largest first, each with a draft article.
Result<std::vector<TicketGap>> BuildTicketGaps(search::Searcher& agent,
                                               const std::vector<search::DocumentRecord>& articles,
                                               const GapOptions& options);

struct ArticleGaps {
  std::vector<TranslationGap> translations;
  std::vector<ReviewItem> review;
  Funnel funnel;
};

// Translations, articles to review and the funnel, from the events and the
// public `articles`.
ArticleGaps BuildArticleGaps(const std::vector<StoredEvent>& events, const std::vector<search::DocumentRecord>& articles,
                             const GapOptions& options, int64_t now_ms);

}  // namespace helpdex::analytics

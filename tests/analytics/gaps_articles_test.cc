// The gap report's article parts over scripted events and a small real index:
// missing translations by demand (from k visits), outdated translations,
// the review reasons (stale, "didn't help" after an edit, contact after
// reading, broken links) and the funnel, all in distinct visits.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../support/shared_set_up.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/analytics/gaps.h"

namespace helpdex::analytics {
namespace {

using helpdex::testing::TempKb;

constexpr int64_t kNow = 1795392000000;  // 2026-11-23T00:00:00Z
constexpr int64_t kMinute = 60 * 1000;

std::string Visit(int n) {
  std::string suffix = std::to_string(n);
  return std::string(32 - suffix.size(), 'c') + suffix;
}

std::string Reviewed(std::string article, const std::string& date) {
  const std::string from = "reviewed: 2026-10-01";
  article.replace(article.find(from), from.size(), "reviewed: " + date);
  return article;
}

class ArticleGapsTest : public SharedSetUpTest<ArticleGapsTest> {
 protected:
  friend class SharedSetUpTest<ArticleGapsTest>;
  // SharedSetUpTest: "" when the index is built, else what went wrong.
  static std::string BuildSharedState() {
    kb_ = new TempKb();
    kb_->Write("en/billing.md", TempKb::Article("en-billing", "en", "billing", "Invoices and payments",
                                                "Pay by card. See also [DNS](/articles/dns?lang=en) and "
                                                "[the old page](/articles/no-such-page) and [mail](email.md).\n",
                                                "public", "[billing]", "billing"));
    kb_->Write("nb/billing.md", Reviewed(TempKb::Article("nb-billing", "nb", "faktura", "Fakturaer og betaling",
                                                         "Betal med kort.\n", "public", "[billing]", "billing"),
                                         "2026-03-01"));
    kb_->Write("en/dns.md", Reviewed(TempKb::Article("en-dns", "en", "dns", "Connect your domain",
                                                     "Point the A record to our server.\n", "public", "[dns]",
                                                     "dns"),
                                     "2024-01-01"));
    auto built = indexer::BuildIndex({.content_dir = kb_->content().string(), .index_dir = kb_->index().string()});
    return built.ok() ? "" : built.error().ToString();
  }
  static void TearDownTestSuite() { delete kb_; }

  void Add(int visit, stores::Event event) {
    event.visit = Visit(visit);
    events_.push_back(stores::StoredEvent{static_cast<int64_t>(events_.size()) + 1, std::move(event)});
  }

  GapReport Report() {
    auto index = search::Index::Open(kb_->index().string(), search::Viewer::Public());
    EXPECT_TRUE(index.ok());
    Result<GapReport> report = BuildGapReport(events_, **index, GapOptions{.now_ms = kNow});
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : GapReport{};
  }

  static std::string Revision(const std::string& id) {
    auto index = search::Index::Open(kb_->index().string(), search::Viewer::Public());
    auto searcher = (*index)->AcquireSearcher();
    Result<std::vector<search::DocumentRecord>> articles = (*searcher)->Documents("article");
    if (!articles.ok()) return "";
    for (const search::DocumentRecord& article : *articles) {
      if (article.id == id) return article.source_hash;
    }
    return "";
  }

  static const ReviewItem* ReviewOf(const GapReport& report, const std::string& id) {
    auto found = std::find_if(report.review.begin(), report.review.end(),
                              [&](const ReviewItem& item) { return item.article.id == id; });
    return found == report.review.end() ? nullptr : &*found;
  }

  static bool Has(const ReviewItem* item, const std::string& reason) {
    return item != nullptr && std::find(item->reasons.begin(), item->reasons.end(), reason) != item->reasons.end();
  }

  static TempKb* kb_;
  std::vector<stores::StoredEvent> events_;
};

TempKb* ArticleGapsTest::kb_ = nullptr;

TEST_F(ArticleGapsTest, AMissingTranslationNeedsDemandFromKVisits) {
  // Norwegian customers shown the English-only DNS article: two visits are
  // not enough, the third makes it a gap.
  for (int visit = 1; visit <= 2; ++visit) {
    Add(visit, {.type = stores::EventType::kSearch, .query = "domene dns", .language = "nb", .shown = {"en-dns"},
                .results = 1, .at_ms = kNow - 60 * kMinute});
  }
  auto missing = [](const GapReport& report) {
    return std::count_if(report.translations.begin(), report.translations.end(),
                         [](const TranslationGap& gap) { return gap.kind == "missing"; });
  };
  EXPECT_EQ(missing(Report()), 0);
  // The same visit again changes nothing.
  Add(1, {.type = stores::EventType::kSearch, .query = "domene dns", .language = "nb", .shown = {"en-dns"}, .results = 1,
          .at_ms = kNow - 50 * kMinute});
  EXPECT_EQ(missing(Report()), 0);
  Add(3, {.type = stores::EventType::kSuggestShown, .query = "dns", .language = "nb", .shown = {"en-dns"},
          .at_ms = kNow - 40 * kMinute});
  GapReport report = Report();
  ASSERT_EQ(missing(report), 1);
  const TranslationGap& gap = *std::find_if(report.translations.begin(), report.translations.end(),
                                            [](const TranslationGap& g) { return g.kind == "missing"; });
  EXPECT_EQ(gap.translation_key, "dns");
  EXPECT_EQ(gap.lang, "nb");
  EXPECT_EQ(gap.visits, 3);
  EXPECT_EQ(gap.source.id, "en-dns");
  EXPECT_FALSE(gap.translation.has_value());
}

TEST_F(ArticleGapsTest, ATranslationReviewedBeforeItsSourceIsOutdated) {
  GapReport report = Report();
  auto outdated = std::find_if(report.translations.begin(), report.translations.end(),
                               [](const TranslationGap& gap) { return gap.kind == "outdated"; });
  ASSERT_NE(outdated, report.translations.end());
  EXPECT_EQ(outdated->lang, "nb");
  EXPECT_EQ(outdated->source.id, "en-billing");
  ASSERT_TRUE(outdated->translation.has_value());
  EXPECT_EQ(outdated->translation->id, "nb-billing");
  EXPECT_EQ(outdated->translation_reviewed, "2026-03-01");
}

TEST_F(ArticleGapsTest, StaleArticlesAndBrokenInternalLinksAreToReview) {
  GapReport report = Report();
  EXPECT_TRUE(Has(ReviewOf(report, "en-dns"), "stale"));        // 2024-01-01
  EXPECT_FALSE(Has(ReviewOf(report, "en-billing"), "stale"));   // 2026-10-01
  const ReviewItem* billing = ReviewOf(report, "en-billing");
  ASSERT_TRUE(Has(billing, "broken_links"));
  // /articles/dns?lang=en exists; the other page and email.md do not.
  EXPECT_EQ(billing->broken_links, (std::vector<std::string>{"/articles/no-such-page", "email.md"}));
}

TEST_F(ArticleGapsTest, DidntHelpCountsVisitsOnTheCurrentRevisionAgainstEarlierOnes) {
  const std::string current = Revision("en-billing");
  ASSERT_FALSE(current.empty());
  auto vote = [&](int visit, int helpful, const std::string& revision) {
    Add(visit, {.type = stores::EventType::kFeedback, .language = "en", .article = "en-billing", .at_ms = kNow - kMinute,
                .helpful = helpful, .revision = revision});
  };
  // Before the edit: 4 of 5 helpful. Since: 2 visits said no (one of them twice).
  for (int visit = 1; visit <= 4; ++visit) vote(visit, 1, "older-revision");
  vote(5, 0, "older-revision");
  vote(6, 0, current);
  vote(6, 0, current);
  vote(7, 0, current);
  EXPECT_FALSE(Has(ReviewOf(Report(), "en-billing"), "didnt_help"));  // 2 visits < k
  vote(8, 0, current);
  GapReport report = Report();
  const ReviewItem* billing = ReviewOf(report, "en-billing");
  ASSERT_TRUE(Has(billing, "didnt_help"));
  EXPECT_EQ(billing->not_helpful, 3);
  EXPECT_EQ(billing->helpful_before, 4);
  EXPECT_EQ(billing->not_helpful_before, 1);
  // A visit that changes its mind counts with its last answer.
  vote(8, 1, current);
  EXPECT_FALSE(Has(ReviewOf(Report(), "en-billing"), "didnt_help"));
}

TEST_F(ArticleGapsTest, ContactSoonAfterReadingFlagsTheArticleAndSpoilsTheFunnel) {
  for (int visit = 1; visit <= 3; ++visit) {
    const int64_t at = kNow - 100 * kMinute + visit;
    Add(visit, {.type = stores::EventType::kSuggestShown, .query = "pay", .language = "en", .shown = {"en-billing"},
                .at_ms = at});
    Add(visit, {.type = stores::EventType::kSuggestOpened, .query = "pay", .language = "en", .article = "en-billing",
                .at_ms = at + kMinute});
    Add(visit, {.type = stores::EventType::kContactSubmitted, .query = "still stuck", .language = "en",
                .at_ms = at + 10 * kMinute});
  }
  // Answered, and a contact only 40 minutes later: deflected.
  Add(4, {.type = stores::EventType::kSuggestShown, .query = "pay", .language = "en", .shown = {"en-billing"},
          .at_ms = kNow - 90 * kMinute});
  Add(4, {.type = stores::EventType::kAnswered, .query = "pay", .language = "en", .article = "en-billing",
          .at_ms = kNow - 89 * kMinute});
  Add(4, {.type = stores::EventType::kContactSubmitted, .query = "other", .language = "en", .at_ms = kNow - 49 * kMinute});
  GapReport report = Report();
  const ReviewItem* billing = ReviewOf(report, "en-billing");
  ASSERT_TRUE(Has(billing, "contact_after"));
  EXPECT_EQ(billing->contact_after, 3);
  const FunnelStep& english = report.funnel.by_language.at("en");
  EXPECT_EQ(english.shown, 4);
  EXPECT_EQ(english.opened, 3);
  EXPECT_EQ(english.answered, 1);
  EXPECT_EQ(english.deflected, 1);
  ASSERT_EQ(report.funnel.by_article.size(), 1u);
  EXPECT_EQ(report.funnel.by_article[0].article.id, "en-billing");
  EXPECT_EQ(report.funnel.by_article[0].step.shown, 4);
}

}  // namespace
}  // namespace helpdex::analytics

// Categories (content/categories/<lang>.yaml and the `category` front-matter
// field, helpdex/indexer/categories.h) and the listings built on them
// (Searcher::Categories, tag and category listings without a query,
// Searcher::PublicArticles), over a small index built by the real indexer.
#include "helpdex/indexer/categories.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "../support/shared_set_up.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/article.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {
namespace {

using helpdex::testing::TempKb;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An article with a category line after its tags.
std::string ArticleIn(const std::string& category, const std::string& id, const std::string& lang,
                      const std::string& slug, const std::string& title, const std::string& audience = "public",
                      const std::string& tags = "[general]", const std::string& key = "") {
  std::string text = TempKb::Article(id, lang, slug, title, "Body of " + title + ".\n", audience, tags, key);
  if (!category.empty()) {
    const size_t after_tags = text.find('\n', text.find("\ntags:") + 1);
    text.insert(after_tags + 1, "category: " + category + "\n");
  }
  return text;
}

// --- Parsing the categories file ------------------------------------------

TEST(ParseCategoriesTest, ReadsCategoriesInFileOrder) {
  Result<indexer::CategoryList> list = indexer::ParseCategories("content/categories/en.yaml",
                                                                "# comment\n"
                                                                "- key: billing\n"
                                                                "  title: \"Billing\"\n"
                                                                "  description: Invoices and payments.\n"
                                                                "  articles: [invoices, refunds]\n"
                                                                "- key: account\n"
                                                                "  title: Account & sign-in\n",
                                                                Language::kEnglish);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list->categories.size(), 2u);
  EXPECT_EQ(list->categories[0].key, "billing");
  EXPECT_EQ(list->categories[0].title, "Billing");
  EXPECT_EQ(list->categories[0].description, "Invoices and payments.");
  EXPECT_THAT(list->categories[0].articles, ElementsAre("invoices", "refunds"));
  EXPECT_EQ(list->categories[0].line, 2);
  EXPECT_EQ(list->categories[1].title, "Account & sign-in");
  EXPECT_TRUE(list->categories[1].articles.empty());
  EXPECT_EQ(list->categories[1].line, 6);
}

struct BadFile {
  const char* yaml;
  const char* where;    // file:line the error must name
  const char* message;  // part of the message
};

TEST(ParseCategoriesTest, ErrorsNameTheFileAndLine) {
  const BadFile cases[] = {
      {"- key: a\n  title: A\n- key: a\n  title: Again\n", "c/en.yaml:3", "defined twice (first at line 1)"},
      {"- key: a\n  description: no title\n", "c/en.yaml:1", "has no 'title'"},
      {"- key: Bad Key\n  title: T\n", "c/en.yaml:1", "must be lower-case"},
      {"- key: a\n  title: T\n  colour: red\n", "c/en.yaml:3", "unknown field 'colour'"},
      {"- key: a\n  title: T\n  articles: [x]\n- key: b\n  title: U\n  articles: [x]\n", "c/en.yaml:4",
       "'x' is listed twice"},
      {"- key: a\n  title: T\n  articles: nope\n", "c/en.yaml:3", "list of slugs"},
      {"key: a\ntitle: T\n", "c/en.yaml:1", "YAML list"},
      {"- key: a\n  title: [unclosed\n", "c/en.yaml:", "not valid YAML"},
      {"- title: T\n", "c/en.yaml:1", "has no 'key'"},
  };
  for (const BadFile& bad : cases) {
    Result<indexer::CategoryList> list = indexer::ParseCategories("c/en.yaml", bad.yaml, Language::kEnglish);
    ASSERT_FALSE(list.ok()) << bad.yaml;
    EXPECT_EQ(list.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(list.error().where, HasSubstr(bad.where)) << bad.yaml;
    EXPECT_THAT(list.error().message, HasSubstr(bad.message)) << bad.yaml;
  }
}

TEST(ParseCategoriesTest, AnArticleTakesItsCategoryTitleAndPlaces) {
  TempKb kb;
  kb.Write("categories/en.yaml",
           "- key: account\n  title: Account\n- key: billing\n  title: Billing\n  articles: [refunds, invoices]\n");
  const indexer::CategoryFiles files = indexer::ReadCategoryFiles(kb.content());
  ASSERT_TRUE(files.errors.empty());
  Result<DocumentRecord> record = indexer::ParseArticle(
      "content/en/invoices.md", ArticleIn("billing", "en-invoices", "en", "invoices", "Invoices"), &files);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->category, "billing");
  EXPECT_EQ(record->category_title, "Billing");
  EXPECT_EQ(record->category_rank, 1);
  EXPECT_EQ(record->category_article_rank, 1);
}

TEST(ParseCategoriesTest, AnUnknownCategoryIsAnErrorAtTheArticlesLine) {
  TempKb kb;
  kb.Write("categories/en.yaml", "- key: billing\n  title: Billing\n  articles: [invoices]\n");
  const indexer::CategoryFiles files = indexer::ReadCategoryFiles(kb.content());
  Result<DocumentRecord> unknown = indexer::ParseArticle(
      "content/en/x.md", ArticleIn("biling", "en-x", "en", "x", "X"), &files);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().where, "content/en/x.md:7");  // the line of `category:`
  EXPECT_THAT(unknown.error().message, HasSubstr("'biling' is not defined"));
  // Listed under billing but says account.
  Result<DocumentRecord> elsewhere = indexer::ParseArticle(
      "content/en/invoices.md", ArticleIn("account", "en-invoices", "en", "invoices", "Invoices"), &files);
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_THAT(elsewhere.error().message, HasSubstr("under 'billing'"));
  // No file for the language at all.
  Result<DocumentRecord> no_file = indexer::ParseArticle(
      "content/nb/y.md", ArticleIn("billing", "nb-y", "nb", "y", "Y"), &files);
  ASSERT_FALSE(no_file.ok());
  EXPECT_THAT(no_file.error().message, HasSubstr("no categories/nb.yaml"));
  // A key that is not a key.
  Result<DocumentRecord> bad_key = indexer::ParseArticle(
      "content/en/z.md", ArticleIn("Not A Key", "en-z", "en", "z", "Z"), &files);
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.error().where, "content/en/z.md:7");
}

TEST(ParseCategoriesTest, AFileNamedAfterNoLanguageIsAnError) {
  TempKb kb;
  kb.Write("categories/english.yaml", "- key: a\n  title: A\n");
  const indexer::CategoryFiles files = indexer::ReadCategoryFiles(kb.content());
  ASSERT_EQ(files.errors.size(), 1u);
  EXPECT_THAT(files.errors[0].where, HasSubstr("english.yaml:1"));
}

// --- Listings over an index -----------------------------------------------

class CategoryListingTest : public SharedSetUpTest<CategoryListingTest> {
 protected:
  friend class SharedSetUpTest<CategoryListingTest>;
  static std::string BuildSharedState() {
    kb_ = new TempKb();
    kb_->Write("categories/en.yaml",
               "- key: website\n  title: Your website\n  articles: [website-slow, website-down]\n"
               "- key: billing\n  title: Billing\n  description: Invoices.\n"
               "- key: empty\n  title: Nothing here\n");
    kb_->Write("categories/nb.yaml", "- key: website\n  title: Nettsiden din\n");
    kb_->Write("en/down.md", ArticleIn("website", "en-down", "en", "website-down", "My website is down", "public",
                                       "[hosting]"));
    kb_->Write("en/slow.md", ArticleIn("website", "en-slow", "en", "website-slow", "My website is slow", "public",
                                       "[hosting, performance]", "slow"));
    kb_->Write("en/extra.md", ArticleIn("website", "en-a-extra", "en", "website-extra", "Unlisted website article",
                                        "public", "[hosting]"));
    kb_->Write("en/invoices.md", ArticleIn("billing", "en-invoices", "en", "invoices", "Invoices", "public",
                                           "[billing]"));
    kb_->Write("en/nocategory.md", ArticleIn("", "en-loose", "en", "loose", "No category", "public", "[hosting]"));
    kb_->Write("internal/runbook.md", ArticleIn("website", "int-runbook", "en", "runbook",
                                                "Internal website runbook", "internal", "[hosting]"));
    kb_->Write("nb/slow.md", ArticleIn("website", "nb-slow", "nb", "nettsiden-er-treg", "Nettsiden er treg",
                                       "public", "[hosting]", "slow"));
    Result<indexer::IndexReport> report =
        indexer::BuildIndex({.content_dir = kb_->content().string(), .index_dir = kb_->index().string()});
    if (!report.ok()) return report.error().ToString();
    if (report->failed != 0) return report->errors.front().ToString();
    return "";
  }
  static void TearDownTestSuite() { delete kb_; }

  static std::shared_ptr<Searcher> SearcherFor(Viewer viewer) {
    auto index = Index::Open(kb_->index().string(), viewer);
    EXPECT_TRUE(index.ok());
    auto searcher = (*index)->AcquireSearcher();
    EXPECT_TRUE(searcher.ok());
    return *searcher;
  }

  static std::vector<std::string> Ids(const SearchResponse& response) {
    std::vector<std::string> ids;
    for (const SearchResult& result : response.results) ids.push_back(result.id);
    return ids;
  }

  static TempKb* kb_;
};

TempKb* CategoryListingTest::kb_ = nullptr;

TEST_F(CategoryListingTest, CategoriesComeInFileOrderWithTheirPublicArticles) {
  Result<std::vector<Category>> categories = SearcherFor(Viewer::Public())->Categories(Language::kEnglish);
  ASSERT_TRUE(categories.ok()) << categories.error().ToString();
  ASSERT_EQ(categories->size(), 2u);  // "empty" has no article: not listed
  const Category& website = (*categories)[0];
  EXPECT_EQ(website.key, "website");
  EXPECT_EQ(website.title, "Your website");
  std::vector<std::string> ids;
  for (const DocumentLink& link : website.articles) ids.push_back(link.id);
  // The file's order first, then the unlisted one.
  EXPECT_THAT(ids, ElementsAre("en-slow", "en-down", "en-a-extra"));
  EXPECT_EQ(website.articles[0].url, "/articles/website-slow?lang=en");
  EXPECT_EQ((*categories)[1].key, "billing");
  EXPECT_EQ((*categories)[1].description, "Invoices.");
}

TEST_F(CategoryListingTest, AnAgentsCategoryListingHasNoInternalArticle) {
  Result<std::vector<Category>> categories = SearcherFor(Viewer::Agent())->Categories(Language::kEnglish);
  ASSERT_TRUE(categories.ok());
  for (const Category& category : *categories) {
    for (const DocumentLink& link : category.articles) EXPECT_NE(link.id, "int-runbook");
    if (category.key == "website") EXPECT_EQ(category.total, 3u);
  }
}

TEST_F(CategoryListingTest, CategoriesAreThoseOfTheLanguage) {
  Result<std::vector<Category>> categories = SearcherFor(Viewer::Public())->Categories(Language::kNorwegian, 1);
  ASSERT_TRUE(categories.ok());
  ASSERT_EQ(categories->size(), 1u);
  EXPECT_EQ((*categories)[0].title, "Nettsiden din");
  ASSERT_EQ((*categories)[0].articles.size(), 1u);
  EXPECT_EQ((*categories)[0].articles[0].id, "nb-slow");
  EXPECT_TRUE(SearcherFor(Viewer::Public())->Categories(Language::kTurkish)->empty());
}

TEST_F(CategoryListingTest, ATagWithoutAQueryListsItsArticlesInThePagesLanguage) {
  SearchRequest request{.query_language = Language::kEnglish, .tags = {"hosting"}, .page_size = 10};
  // English only (not nb-slow), public only (not the runbook), in the
  // category files' order, then id; articles without a category last.
  Result<SearchResponse> public_listing = SearcherFor(Viewer::Public())->Search(request);
  ASSERT_TRUE(public_listing.ok());
  EXPECT_THAT(Ids(*public_listing), ElementsAre("en-slow", "en-down", "en-a-extra", "en-loose"));
  EXPECT_EQ(public_listing->total, 4u);
  EXPECT_FALSE(public_listing->results[0].snippet.empty());
}

TEST_F(CategoryListingTest, ListingsArePaginated) {
  SearchRequest request{.query_language = Language::kEnglish, .tags = {"hosting"}, .page = 2, .page_size = 3};
  Result<SearchResponse> response = SearcherFor(Viewer::Public())->Search(request);
  ASSERT_TRUE(response.ok());
  EXPECT_THAT(Ids(*response), ElementsAre("en-loose"));
  EXPECT_EQ(response->total, 4u);
}

TEST_F(CategoryListingTest, ACategoryWithoutAQueryListsItsArticles) {
  SearchRequest request{.language = Language::kEnglish, .category = "website"};
  Result<SearchResponse> response = SearcherFor(Viewer::Public())->Search(request);
  ASSERT_TRUE(response.ok());
  EXPECT_THAT(Ids(*response), ElementsAre("en-slow", "en-down", "en-a-extra"));
  SearchRequest norwegian{.query_language = Language::kNorwegian, .category = "website"};
  EXPECT_THAT(Ids(*SearcherFor(Viewer::Public())->Search(norwegian)), ElementsAre("nb-slow"));
  // A category also narrows a query.
  SearchRequest query{.query = "website", .language = Language::kEnglish, .category = "website"};
  for (const std::string& id : Ids(*SearcherFor(Viewer::Public())->Search(query))) EXPECT_NE(id, "en-loose");
}

TEST_F(CategoryListingTest, PublicArticlesKeepsPublicOnesOfTheLanguageInOrder) {
  Result<std::vector<DocumentLink>> links = SearcherFor(Viewer::Agent())->PublicArticles(
      {"en-invoices", "int-runbook", "nb-slow", "no-such-id", "en-down"}, Language::kEnglish);
  ASSERT_TRUE(links.ok());
  std::vector<std::string> ids;
  for (const DocumentLink& link : *links) ids.push_back(link.id);
  EXPECT_THAT(ids, ElementsAre("en-invoices", "en-down"));
}

TEST_F(CategoryListingTest, AnArticleRecordCarriesItsCategory) {
  Result<Article> article = SearcherFor(Viewer::Public())->GetArticle("invoices", Language::kEnglish);
  ASSERT_TRUE(article.ok());
  EXPECT_EQ(article->record.category, "billing");
  EXPECT_EQ(article->record.category_title, "Billing");
}

}  // namespace
}  // namespace helpdex::search

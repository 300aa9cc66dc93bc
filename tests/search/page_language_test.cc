// The customer's own language and the relevance floor, on the sample help
// centre (content/, the one tools/run serves): results in the page's language
// first and one per article, answer cards and completions likewise, and
// off-topic questions in six languages answered with nothing rather than noise.
#include <gtest/gtest.h>

#include <set>

#include "../support/content_index.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {
namespace {

using helpdex::testing::ContentIndex;

class PageLanguageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { content_ = new ContentIndex(); }
  static void TearDownTestSuite() { delete content_; }
  void SetUp() override { ASSERT_TRUE(content_->ok()) << "content/ could not be indexed"; }

  static SearchResponse Search(const std::string& query, std::optional<Language> page) {
    auto searcher = content_->index().AcquireSearcher();
    EXPECT_TRUE(searcher.ok());
    Result<SearchResponse> response = (*searcher)->Search({.query = query, .query_language = page});
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    return response.ok() ? *response : SearchResponse{};
  }

  static SuggestResponse Suggest(const std::string& text, std::optional<Language> page) {
    auto searcher = content_->index().AcquireSearcher();
    EXPECT_TRUE(searcher.ok());
    Result<SuggestResponse> response = (*searcher)->Suggest({.text = text, .language = page});
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    return response.ok() ? *response : SuggestResponse{};
  }

  static std::string Ids(const SearchResponse& response) {
    std::string ids;
    for (const SearchResult& result : response.results) ids += result.id + " ";
    return ids;
  }

  static ContentIndex* content_;
};

ContentIndex* PageLanguageTest::content_ = nullptr;

TEST_F(PageLanguageTest, BannerOnTheEnglishPageIsTheEnglishArticleOnce) {
  SearchResponse response = Search("banner", Language::kEnglish);
  ASSERT_FALSE(response.results.empty());
  EXPECT_EQ(response.results[0].id, "en-banner") << Ids(response);
  EXPECT_FALSE(response.results[0].other_language);
  size_t banners = 0;
  for (const SearchResult& result : response.results) banners += result.id.ends_with("-banner") ? 1 : 0;
  EXPECT_EQ(banners, 1u) << "one entry per article: " << Ids(response);
  // Its other languages are listed on the result.
  std::set<std::string> languages;
  for (const Translation& translation : response.results[0].translations) languages.insert(translation.lang);
  EXPECT_EQ(languages, (std::set<std::string>{"nb", "tr", "cs", "ru", "el"}));
}

TEST_F(PageLanguageTest, ProductWordsShowThePageLanguageFirst) {
  for (const char* query : {"dns", "ssl", "https", "2fa", "email", "php"}) {
    for (Language page : {Language::kEnglish, Language::kCzech, Language::kTurkish}) {
      SearchResponse response = Search(query, page);
      if (std::string(query) == "php" && response.results.empty()) continue;  // no article says php
      ASSERT_FALSE(response.results.empty()) << query << " on the " << LanguageCode(page) << " page";
      EXPECT_EQ(response.results[0].lang, LanguageCode(page)) << query << ": " << Ids(response);
      // Every result in the page's language comes before any other.
      bool other_seen = false;
      for (const SearchResult& result : response.results) {
        if (result.other_language) other_seen = true;
        else EXPECT_FALSE(other_seen) << query << ": " << Ids(response);
      }
      std::set<std::string> keys;
      for (const SearchResult& result : response.results) {
        const std::string key = result.id.substr(result.id.find('-') + 1);
        EXPECT_TRUE(keys.insert(key).second) << "a translation repeated: " << Ids(response);
      }
    }
  }
}

TEST_F(PageLanguageTest, TheQueryLanguageWinsWhenTheTextSaysIt) {
  // A Russian question on the English page: Russian answers.
  SearchResponse response = Search("сброс пароля", Language::kEnglish);
  ASSERT_FALSE(response.results.empty());
  EXPECT_EQ(response.results[0].id, "ru-password-reset") << Ids(response);
}

TEST_F(PageLanguageTest, CompletionsAndCardsStayInThePageLanguage) {
  SuggestResponse english = Suggest("how do I reset my pass", Language::kEnglish);
  ASSERT_FALSE(english.answers.empty());
  EXPECT_EQ(english.answers[0].lang, "en");
  for (const std::string& completion : english.completions) {
    EXPECT_EQ(completion.find("Passord"), std::string::npos) << completion;
  }
  SuggestResponse czech = Suggest("zapomněl jsem hes", Language::kCzech);
  for (const AnswerCard& card : czech.answers) EXPECT_EQ(card.lang, "cs") << card.title;
  for (const std::string& completion : czech.completions) {
    EXPECT_EQ(completion.find("Şifre"), std::string::npos) << completion;
  }
}

// Nothing in the help centre covers these: no results, no cards, so the
// customer is offered "contact us" and the gap report counts a zero.
TEST_F(PageLanguageTest, OffTopicQuestionsFindNothing) {
  const std::vector<std::pair<Language, std::string>> questions = {
      {Language::kEnglish, "set up a vpn on my router"},
      {Language::kEnglish, "host a minecraft server"},
      {Language::kNorwegian, "sette opp vpn på ruteren min"},
      {Language::kNorwegian, "hvordan lage en minecraft server"},
      {Language::kTurkish, "modemimde vpn nasıl kurulur"},
      {Language::kTurkish, "minecraft sunucusu kurmak"},
      {Language::kCzech, "nastavení vpn na routeru"},
      {Language::kCzech, "jak hostovat minecraft server"},
      {Language::kRussian, "настроить vpn на роутере"},
      {Language::kRussian, "как создать сервер minecraft"},
      {Language::kGreek, "ρύθμιση vpn στο ρούτερ μου"},
      {Language::kGreek, "φιλοξενία διακομιστή minecraft"},
  };
  for (const auto& [language, question] : questions) {
    SearchResponse response = Search(question, language);
    EXPECT_EQ(response.total, 0u) << question << ": " << Ids(response);
    EXPECT_TRUE(response.results.empty()) << question;
    SuggestResponse suggestions = Suggest(question, language);
    EXPECT_TRUE(suggestions.answers.empty()) << question << ": " << suggestions.answers[0].title;
  }
}

TEST_F(PageLanguageTest, OnTopicHalfTypedQuestionsStillGetTheirCard) {
  const std::vector<std::tuple<Language, std::string, std::string>> typed = {
      {Language::kEnglish, "how do I reset my pass", "en-password-reset"},
      {Language::kEnglish, "my website is sl", "en-site-slow"},
      {Language::kNorwegian, "jeg har glemt passo", "nb-password-reset"},
      {Language::kTurkish, "şifremi unut", "tr-password-reset"},
      {Language::kCzech, "zapomněl jsem hes", "cs-password-reset"},
      {Language::kRussian, "сайт медленно загруж", "ru-site-slow"},
      {Language::kGreek, "ο ιστότοπός μου είναι αργ", "el-site-slow"},
  };
  for (const auto& [language, text, expected] : typed) {
    SuggestResponse suggestions = Suggest(text, language);
    ASSERT_FALSE(suggestions.answers.empty()) << text;
    EXPECT_EQ(suggestions.answers[0].id, expected) << text;
  }
}

TEST_F(PageLanguageTest, QueriesWithoutWordsMatchNothing) {
  for (const char* query : {"???", "*", "🙂🙂", "-- ...", "«»"}) {
    SearchResponse response = Search(query, Language::kEnglish);
    EXPECT_EQ(response.total, 0u) << query;
    EXPECT_TRUE(response.results.empty()) << query;
  }
}

// A real word the articles do not use is no typo, so no "did you mean"; but
// when the query finds nothing, the index's nearest word is tried, and said.
TEST(NearestWordRetry, AQueryThatFindsNothingTriesTheIndexsNearestWords) {
  helpdex::testing::TempKb kb;
  kb.Write("en/blood.md", helpdex::testing::TempKb::Article("en-blood", "en", "blood", "Blood poisoning",
                                                            "A septicemic infection needs a doctor.\n"));
  Result<indexer::IndexReport> report =
      indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  auto index = Index::Open(kb.index().string(), Viewer::Public());
  ASSERT_TRUE(index.ok());
  auto searcher = (*index)->AcquireSearcher();
  ASSERT_TRUE(searcher.ok());
  Result<SearchResponse> response = (*searcher)->Search({.query = "septicemia", .language = Language::kEnglish});
  ASSERT_TRUE(response.ok());
  EXPECT_FALSE(response->did_you_mean.has_value());
  ASSERT_EQ(response->results.size(), 1u);
  EXPECT_EQ(response->results[0].id, "en-blood");
  EXPECT_EQ(response->showing_results_for, "septicemic");
  // As typed, on request: nothing.
  Result<SearchResponse> exact = (*searcher)->Search(
      {.query = "septicemia", .language = Language::kEnglish, .retry_with_correction = false});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->total, 0u);
}

}  // namespace
}  // namespace helpdex::search

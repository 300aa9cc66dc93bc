// The page's language over HTTP, on the sample help centre (content/): ui= on
// /api/search, /api/suggest and /search, the visitor's chosen language kept in
// a cookie, Accept-Language last; one result per article with its other
// languages listed; lang= still the strict filter; off-topic questions get
// zero results and a way to contact support. The real server on a free
// loopback port; a set-up failure fails every test (never a skip).
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using helpdex::testing::Encode;
using helpdex::testing::SetCookieValue;
using nlohmann::json;

class PageLanguageServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    SetUpHelpCentre({.content_dir = fs::path(HELPDEX_SOURCE_DIR) / "content", .index_errors_fail = false});
  }

  static json GetJson(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Result result = Get(path, headers);
    EXPECT_TRUE(result) << path;
    if (!result) return json::object();
    EXPECT_EQ(result->status, 200) << path << "\n" << result->body;
    json body = json::parse(result->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << result->body;
    return body.is_discarded() ? json::object() : body;
  }

  static std::string Ids(const json& results) {
    std::string ids;
    for (const json& result : results) ids += result.value("id", "") + " ";
    return ids;
  }
};

TEST_F(PageLanguageServerTest, UiPutsThePageLanguageFirstAndCollapsesTranslations) {
  json body = GetJson("/api/search?q=banner&ui=en");
  ASSERT_FALSE(body["results"].empty());
  EXPECT_EQ(body["results"][0]["id"], "en-banner") << Ids(body["results"]);
  EXPECT_EQ(body["results"][0]["other_language"], false);
  int banners = 0;
  for (const json& result : body["results"]) banners += result["id"].get<std::string>().ends_with("-banner") ? 1 : 0;
  EXPECT_EQ(banners, 1) << Ids(body["results"]);
  EXPECT_EQ(body["results"][0]["translations"].size(), 5u);
  // The same page in Czech shows the Czech version.
  body = GetJson("/api/search?q=banner&ui=cs");
  ASSERT_FALSE(body["results"].empty());
  EXPECT_EQ(body["results"][0]["id"], "cs-banner") << Ids(body["results"]);
}

TEST_F(PageLanguageServerTest, LangStaysTheStrictFilter) {
  json body = GetJson("/api/search?q=banner&lang=tr&ui=en");
  ASSERT_FALSE(body["results"].empty());
  for (const json& result : body["results"]) EXPECT_EQ(result["lang"], "tr") << Ids(body["results"]);
}

TEST_F(PageLanguageServerTest, WithoutUiTheChosenLanguageThenTheBrowserLanguage) {
  json by_header = GetJson("/api/search?q=ssl", {{"Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5"}});
  ASSERT_FALSE(by_header["results"].empty());
  EXPECT_EQ(by_header["results"][0]["lang"], "ru");
  // The visitor chose Greek on a page: the cookie wins over the header.
  httplib::Result home = Get("/?ui=el");
  ASSERT_TRUE(home);
  const std::string chosen = SetCookieValue(*home, "helpdex_lang");
  EXPECT_EQ(chosen, "el");
  json by_cookie = GetJson("/api/search?q=ssl", {{"Accept-Language", "ru"}, {"Cookie", "helpdex_lang=el"}});
  ASSERT_FALSE(by_cookie["results"].empty());
  EXPECT_EQ(by_cookie["results"][0]["lang"], "el");
  // And the pages follow it.
  httplib::Result page = Get("/search?q=ssl", {{"Cookie", "helpdex_lang=el"}});
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("lang=\"el\""), std::string::npos);
}

TEST_F(PageLanguageServerTest, SuggestCardsAndCompletionsInThePageLanguage) {
  json body = GetJson("/api/suggest?q=" + Encode("how do I reset my pass") + "&ui=en");
  ASSERT_FALSE(body["answers"].empty());
  EXPECT_EQ(body["answers"][0]["lang"], "en");
  for (const json& completion : body["completions"]) {
    EXPECT_EQ(completion.get<std::string>().find("Passord"), std::string::npos) << completion;
  }
  body = GetJson("/api/suggest?q=" + Encode("zapomněl jsem hes") + "&ui=cs");
  for (const json& card : body["answers"]) EXPECT_EQ(card["lang"], "cs") << card;
}

TEST_F(PageLanguageServerTest, OffTopicQuestionsGetZeroResultsAndAWayToContactUs) {
  json body = GetJson("/api/search?q=" + Encode("host a minecraft server") + "&ui=en");
  EXPECT_EQ(body["total"], 0);
  EXPECT_TRUE(body["results"].empty());
  json cards = GetJson("/api/suggest?q=" + Encode("set up a vpn on my router") + "&ui=en");
  EXPECT_TRUE(cards["answers"].empty());
  httplib::Result page = Get("/search?q=" + Encode("host a minecraft server") + "&ui=en");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("href=\"/contact"), std::string::npos) << "no way to contact support";
}

// A typo that finds nothing shows the correction's results, and one click
// searches the words exactly as typed.
TEST_F(PageLanguageServerTest, SearchInsteadForTheWordsAsTyped) {
  httplib::Result page = Get("/search?q=" + Encode("wesbite sloow") + "&ui=en");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("Showing results for"), std::string::npos);
  const size_t link = page->body.find("class=\"search-instead\"");
  ASSERT_NE(link, std::string::npos) << "no 'search instead for' link";
  EXPECT_NE(page->body.find("exact=1", link), std::string::npos);
  json typed = GetJson("/api/search?q=" + Encode("wesbite sloow") + "&ui=en&exact=1");
  EXPECT_EQ(typed["total"], 0);
  EXPECT_TRUE(typed["showing_results_for"].is_null());
  EXPECT_EQ(typed["did_you_mean"], "website slow");
  json retried = GetJson("/api/search?q=" + Encode("wesbite sloow") + "&ui=en");
  EXPECT_FALSE(retried["results"].empty());
}

TEST_F(PageLanguageServerTest, ResultsPageListsTheOtherLanguages) {
  httplib::Result page = Get("/search?q=banner&ui=en");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Also in:"), std::string::npos);
  EXPECT_NE(page->body.find("hreflang=\"nb\""), std::string::npos);
}

}  // namespace
}  // namespace helpdex::server

// Integration tests for /api/suggest and /opensearch.xml: the real Pistache
// server on a free loopback port over an index built from fixtures/kb/
// (fixtures/README.txt), driven with cpp-httplib. They check the wire shape
// and content types, parameter errors, and that nothing from the internal
// fixture article (unique word zqxjkvinternal) ever leaks into a suggestion.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
using helpdex::testing::Encode;

class SuggestServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = helpdex::testing::KnowledgeBase()}); }

  static json GetJson(const std::string& path, int status = 200,
                      const std::string& content_type = "application/json; charset=utf-8") {
    httplib::Result result = Get(path);
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, status) << path << "\n" << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), content_type) << path;
    json body = json::parse(result->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << "not JSON: " << result->body;
    return body;
  }

  static void ExpectApiError(const std::string& path, const std::string& code,
                             const std::string& parameter) {
    json body = GetJson(path, 400);
    EXPECT_EQ(body["error"]["code"], code) << path;
    EXPECT_EQ(body["error"]["parameter"], parameter) << path;
  }
};

TEST_F(SuggestServerTest, AnswersTheDesignShapeWithPublicCaching) {
  httplib::Result result = Get("/api/suggest?q=" + Encode("reset my pass") + "&lang=en");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_THAT(result->get_header_value("Cache-Control"), HasSubstr("public"));
  json body = json::parse(result->body);
  ASSERT_TRUE(body["completions"].is_array());
  ASSERT_TRUE(body["answers"].is_array());
  for (const json& completion : body["completions"]) EXPECT_TRUE(completion.is_string());
  for (const json& answer : body["answers"]) {
    for (const char* field : {"id", "title", "url", "lang", "answer"}) {
      EXPECT_TRUE(answer[field].is_string()) << field << " in " << answer.dump();
    }
  }
}

TEST_F(SuggestServerTest, EmptyAndShortTextGiveEmptyLists) {
  for (const std::string& path : {std::string("/api/suggest"), std::string("/api/suggest?q="),
                                  std::string("/api/suggest?q=%20%20")}) {
    json body = GetJson(path);
    EXPECT_EQ(body, json({{"completions", json::array()}, {"answers", json::array()}})) << path;
  }
}

TEST_F(SuggestServerTest, OpenSearchFormatIsTheBrowserSuggestionArray) {
  json body = GetJson("/api/suggest?q=" + Encode("reset pass") + "&format=opensearch", 200,
                      "application/x-suggestions+json; charset=utf-8");
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0], "reset pass");
  ASSERT_TRUE(body[1].is_array());
  for (const json& completion : body[1]) EXPECT_TRUE(completion.is_string());
}

TEST_F(SuggestServerTest, BadParametersAreNamed) {
  ExpectApiError("/api/suggest?q=" + std::string(5000, 'a'), "query_too_long", "q");
  ExpectApiError("/api/suggest?q=%ff%fe", "invalid_parameter", "q");
  ExpectApiError("/api/suggest?q=reset&lang=xx", "invalid_parameter", "lang");
  ExpectApiError("/api/suggest?q=reset&format=xml", "invalid_parameter", "format");
}

TEST_F(SuggestServerTest, InternalVocabularyNeverLeaks) {
  const std::vector<std::string> texts = {"zqxjkvint", "zqxjkvinternal", "zqx", "on-call zqxjkv",
                                          "engineer zqxjkvint", "quote zqxjkvi"};
  for (const std::string& text : texts) {
    for (const std::string& extra : {std::string(), std::string("&lang=en"),
                                     std::string("&format=opensearch")}) {
      std::string path = "/api/suggest?q=" + Encode(text) + extra;
      httplib::Result result = Get(path);
      ASSERT_TRUE(result) << path;
      EXPECT_EQ(result->status, 200) << path;
      // The typed text is echoed in the OpenSearch array; look past it.
      std::string body = result->body;
      if (!extra.empty() && extra.find("opensearch") != std::string::npos) {
        json parsed = json::parse(body);
        body = parsed[1].dump();
      }
      EXPECT_THAT(body, Not(HasSubstr("zqxjkvint"))) << path;
      EXPECT_THAT(body, Not(HasSubstr("Zqxjkvint"))) << path;
      EXPECT_THAT(body, Not(HasSubstr("internal-runbook"))) << path;
    }
  }
}

TEST_F(SuggestServerTest, OpenSearchDescriptionNamesBothTemplates) {
  httplib::Result result = Get("/opensearch.xml", {{"Host", "help.example.org:8080"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"),
            "application/opensearchdescription+xml; charset=utf-8");
  EXPECT_THAT(result->body, HasSubstr("<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">"));
  EXPECT_THAT(result->body,
              HasSubstr("<Url type=\"text/html\" method=\"get\" "
                        "template=\"http://help.example.org:8080/search?q={searchTerms}\"/>"));
  EXPECT_THAT(result->body,
              HasSubstr("<Url type=\"application/x-suggestions+json\" method=\"get\" "
                        "template=\"http://help.example.org:8080/api/suggest?q={searchTerms}"
                        "&amp;format=opensearch\"/>"));
  size_t start = result->body.find("<ShortName>");
  size_t end = result->body.find("</ShortName>");
  ASSERT_NE(start, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  EXPECT_LE(end - start - 11, 16u);
}

TEST_F(SuggestServerTest, OpenSearchDescriptionRefusesAHostileHost) {
  httplib::Result result = Get("/opensearch.xml", {{"Host", "evil\"><x>.example"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, Not(HasSubstr("evil")));
  EXPECT_THAT(result->body, HasSubstr("template=\"http://localhost/search?q={searchTerms}\""));
}

TEST_F(SuggestServerTest, PublicPagesLinkTheOpenSearchDescription) {
  for (const std::string& path : {std::string("/"), std::string("/search?q=password"),
                                  std::string("/articles/password-reset")}) {
    httplib::Result result = Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 200) << path;
    EXPECT_THAT(result->body, HasSubstr("<link rel=\"search\" "
                                        "type=\"application/opensearchdescription+xml\""))
        << path;
    EXPECT_THAT(result->body, HasSubstr("href=\"/opensearch.xml\"")) << path;
    EXPECT_THAT(result->body, HasSubstr("<script src=\"/static/suggest.js\" defer></script>"))
        << path;
  }
}

TEST_F(SuggestServerTest, SuggestScriptIsServed) {
  httplib::Result result = Get("/static/suggest.js");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  // API text goes through textContent only, never parsed as HTML.
  EXPECT_EQ(result->body.find(".innerHTML"), std::string::npos);
}

}  // namespace
}  // namespace helpdex::server

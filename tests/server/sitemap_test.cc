// The sitemap and robots.txt as text, and which base URLs --base-url takes.
#include "helpdex/server/sitemap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace helpdex::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

search::DocumentRecord Article(const std::string& slug, Language language, const std::string& key,
                               const std::string& audience = "public") {
  search::DocumentRecord record;
  record.id = slug;
  record.slug = slug;
  record.language = language;
  record.translation_key = key;
  record.audience = audience;
  return record;
}

TEST(BaseUrlTest, AcceptsAnOriginWithAnOptionalPortAndPath) {
  EXPECT_EQ(NormalizeBaseUrl("https://help.example.com/").value(), "https://help.example.com");
  EXPECT_EQ(NormalizeBaseUrl("HTTPS://Help.Example.COM").value(), "https://help.example.com");
  EXPECT_EQ(NormalizeBaseUrl("http://localhost:8080/help/").value(), "http://localhost:8080/help");
  EXPECT_EQ(NormalizeBaseUrl("http://[::1]:8080").value(), "http://[::1]:8080");
}

TEST(BaseUrlTest, RefusesAnythingElse) {
  for (const char* bad : {"", "help.example.com", "ftp://help.example.com", "https://", "https://user@host",
                          "https://host/?q=1", "https://host/#top", "https://host:port", "https://host:",
                          "https://ho st", "https://host/<script>", "javascript:alert(1)"}) {
    Result<std::string> normalized = NormalizeBaseUrl(bad);
    ASSERT_FALSE(normalized.ok()) << bad;
    EXPECT_EQ(normalized.error().where, "--base-url");
  }
}

TEST(SitemapTest, ListsPublicArticlesWithTheirTranslationsAsAlternates) {
  std::vector<search::DocumentRecord> articles{
      Article("reset-password", Language::kEnglish, "password"),
      Article("tilbakestille-passord", Language::kNorwegian, "password"),
      Article("alone", Language::kCzech, "alone"),
      Article("escalation-policy", Language::kEnglish, "escalation", "internal"),
  };
  const std::string xml = SitemapXml(articles, "https://help.example.com");
  EXPECT_THAT(xml, HasSubstr("<loc>https://help.example.com/articles/reset-password?lang=en</loc>"));
  EXPECT_THAT(xml, HasSubstr("<xhtml:link rel=\"alternate\" hreflang=\"nb\" "
                             "href=\"https://help.example.com/articles/tilbakestille-passord?lang=nb\"/>"));
  EXPECT_THAT(xml, HasSubstr("<xhtml:link rel=\"alternate\" hreflang=\"en\" "
                             "href=\"https://help.example.com/articles/reset-password?lang=en\"/>"));
  EXPECT_THAT(xml, HasSubstr("<loc>https://help.example.com/articles/alone?lang=cs</loc>\n  </url>"));
  EXPECT_THAT(xml, Not(HasSubstr("escalation")));
}

TEST(RobotsTest, KeepsCrawlersOffAgentPagesAndNamesTheSitemapWhenThereIsOne) {
  EXPECT_THAT(RobotsTxt("https://h.example"), HasSubstr("Sitemap: https://h.example/sitemap.xml\n"));
  const std::string robots = RobotsTxt("");
  EXPECT_THAT(robots, HasSubstr("Disallow: /agent\n"));
  EXPECT_THAT(robots, HasSubstr("Disallow: /gaps\n"));
  EXPECT_THAT(robots, HasSubstr("Disallow: /api/agent\n"));
  EXPECT_THAT(robots, Not(HasSubstr("Sitemap")));
}

}  // namespace
}  // namespace helpdex::server

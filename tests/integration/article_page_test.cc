// Article pages as a reader gets them over HTTP, on the sample help centre
// (content/): the e-mail settings table as a <table> in a scroll box, the
// table of contents, heading anchors, the "Last reviewed" date in the page's
// language inside <time>, the meta description, and links between articles
// that lead somewhere. English and Greek. The real server on a free loopback
// port; a set-up failure fails every test (never a skip).
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class ArticlePageServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    SetUpHelpCentre({.content_dir = fs::path(HELPDEX_SOURCE_DIR) / "content", .index_errors_fail = false});
  }

  static std::string Page(const std::string& path) {
    httplib::Result result = Get(path);
    EXPECT_TRUE(result) << path;
    if (!result) return "";
    EXPECT_EQ(result->status, 200) << path << "\n" << result->body;
    return result->body;
  }
};

TEST_F(ArticlePageServerTest, TheEnglishEmailArticleShowsItsSettingsAsATable) {
  const std::string page = Page("/articles/email-setup?lang=en");
  EXPECT_THAT(page, HasSubstr("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
                              "aria-labelledby=\"server-settings\">\n<table>"));
  EXPECT_THAT(page, HasSubstr("<th>Setting</th>"));
  EXPECT_THAT(page, HasSubstr("<td>Incoming server (IMAP)</td>"));
  EXPECT_THAT(page, Not(HasSubstr("|---|")));
  EXPECT_THAT(page, Not(HasSubstr("| Setting |")));
}

TEST_F(ArticlePageServerTest, TheEnglishEmailArticleHasATableOfContentsAndAnchors) {
  const std::string page = Page("/articles/email-setup?lang=en");
  EXPECT_THAT(page, HasSubstr("<nav class=\"toc\" aria-labelledby=\"toc-heading\">"));
  EXPECT_THAT(page, HasSubstr("id=\"toc-heading\">On this page</h2>"));
  EXPECT_THAT(page, HasSubstr("<li><a href=\"#server-settings\">Server settings</a></li>"));
  EXPECT_THAT(page, HasSubstr("<li><a href=\"#adding-the-account\">Adding the account</a></li>"));
  EXPECT_THAT(page, HasSubstr("<li><a href=\"#troubleshooting\">Troubleshooting</a></li>"));
  EXPECT_THAT(page, HasSubstr("<h2 id=\"server-settings\">Server settings <a class=\"heading-anchor\" "
                              "href=\"#server-settings\" aria-labelledby=\"server-settings\">"));
  // The table of contents comes before the body.
  EXPECT_LT(page.find("class=\"toc\""), page.find("class=\"article-body\""));
}

TEST_F(ArticlePageServerTest, TheEnglishEmailArticleHasItsDateAndDescription) {
  const std::string page = Page("/articles/email-setup?lang=en");
  EXPECT_THAT(page, HasSubstr("<time datetime=\"2026-07-14\">14 July 2026</time>"));
  EXPECT_THAT(page, HasSubstr("<meta name=\"description\" content=\"Use mail.nordlyshosting.com for both incoming "
                              "and outgoing mail, with your full e-mail address as the username."));
  EXPECT_THAT(page, HasSubstr("…\">"));
  EXPECT_THAT(page, Not(HasSubstr("uses port 993 (SSL/TLS); SMTP uses port 465 (SSL/TLS) or 587 (STARTTLS), and")));
}

TEST_F(ArticlePageServerTest, TheGreekEmailArticleHasTheSameInGreek) {
  const std::string page = Page("/articles/rythmisi-email?lang=el");
  EXPECT_THAT(page, HasSubstr("<html lang=\"el\">"));
  EXPECT_THAT(page, HasSubstr("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
                              "aria-labelledby=\"ρυθμίσεισ-διακομιστή\">\n<table>"));
  EXPECT_THAT(page, Not(HasSubstr("|---|")));
  EXPECT_THAT(page, HasSubstr("id=\"toc-heading\">Σε αυτή τη σελίδα</h2>"));
  EXPECT_THAT(page, HasSubstr("<li><a href=\"#ρυθμίσεισ-διακομιστή\">Ρυθμίσεις διακομιστή</a></li>"));
  EXPECT_THAT(page, HasSubstr("<h2 id=\"ρυθμίσεισ-διακομιστή\">Ρυθμίσεις διακομιστή <a class=\"heading-anchor\""));
  EXPECT_THAT(page, HasSubstr("<time datetime=\"2026-07-14\">14 Ιουλίου 2026</time>"));
  EXPECT_THAT(page, HasSubstr("<meta name=\"description\" content=\""));
  EXPECT_THAT(page, Not(HasSubstr("<meta name=\"description\" content=\"\">")));
}

TEST_F(ArticlePageServerTest, AReferenceToAnotherArticleIsALinkThatOpensIt) {
  for (const auto& [from, to] : {std::pair{"/articles/reset-password?lang=en", "/articles/two-factor-authentication?lang=en"},
                                 std::pair{"/articles/epanafora-kodikou?lang=el",
                                           "/articles/elegxos-taytotitas-dyo-paragonton?lang=el"}}) {
    const std::string page = Page(from);
    EXPECT_THAT(page, HasSubstr(std::string("href=\"") + to + "\"")) << from;
    Page(to);  // 200
  }
}

}  // namespace
}  // namespace helpdex::server

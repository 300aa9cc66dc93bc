// Issue 18 (language, search engines, monitors) over HTTP on the sample help
// centre (content/ plus one English-only article), served with a configured
// base URL: the footer's languages open the article's translation, the chosen
// language is kept (cookie) and result links keep it, topics and facets in the
// page's language without a "Type" facet on the public site (agents keep it),
// /sitemap.xml with hreflang alternates and no internal article, /robots.txt,
// HEAD answered like GET, the 404 page without its machine code, the home
// page's title, a results page past the last one. A set-up failure fails
// every test (never a skip).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "../support/integration.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using helpdex::testing::Encode;
using helpdex::testing::SetCookieValue;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBaseUrl[] = "https://help.example.com";

// An article with no translation: the footer's other languages lead to their
// home pages.
constexpr char kEnglishOnly[] = R"(---
id: en-only-english
title: Changing the colour theme of your dashboard
lang: en
slug: dashboard-colour-theme
tags: [editor]
audience: public
translation_key: dashboard-colour-theme
---
Open Settings, then Appearance, and pick a colour theme for the dashboard.
)";

class LanguageSeoServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    helpdex::testing::HelpCentreOptions options{
        .content_dir = fs::path(HELPDEX_SOURCE_DIR) / "content",
        .extra_files = {{"en/dashboard-colour-theme.md", kEnglishOnly}},
        .index_errors_fail = false,
        .agent_name = "ada"};
    options.server.base_url = std::string(kBaseUrl) + "/";  // the trailing slash is dropped
    SetUpHelpCentre(options);
  }

  // The page, with mstch's "&#x2F;" read back as "/" (as a browser does) so
  // that links compare as written.
  static std::string Body(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Result result = Get(path, headers);
    EXPECT_TRUE(result) << path;
    if (!result) return "";
    EXPECT_EQ(result->status, 200) << path;
    return std::regex_replace(result->body, std::regex("&#x2F;"), "/");
  }

  // The footer's link to `code` (the href of <a ... hreflang="code"> in the footer).
  static std::string FooterLink(const std::string& page, const std::string& code) {
    const size_t footer = page.find("<footer class=\"site-footer\"");
    EXPECT_NE(footer, std::string::npos) << "no site footer";
    if (footer == std::string::npos) return "";
    std::smatch match;
    const std::string tail = page.substr(footer);
    const std::regex link("<a href=\"([^\"]*)\" lang=\"" + code + "\" hreflang=\"" + code + "\"");
    if (!std::regex_search(tail, match, link)) return "";
    return match[1];
  }

  // The raw bytes of one request over a fresh connection, read until the
  // server closes it (the request says Connection: close).
  static std::string Exchange(const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    if (fd < 0) return "";
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string bytes;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t got = 0;
      while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) bytes.append(buffer, static_cast<size_t>(got));
    } else {
      ADD_FAILURE() << "could not talk to the server";
    }
    ::close(fd);
    return bytes;
  }

  static std::string HeaderOf(const std::string& head, const std::string& name) {
    std::smatch match;
    if (!std::regex_search(head, match, std::regex("\r\n" + name + ": ([^\r]*)\r\n", std::regex::icase))) return "";
    return match[1];
  }
};

TEST_F(LanguageSeoServerTest, FooterLanguagesOpenTheArticlesTranslation) {
  const std::string page = Body("/articles/reset-password?lang=en&ui=en");
  // Norwegian: the Norwegian version of this article, in a Norwegian interface.
  EXPECT_EQ(FooterLink(page, "nb"), "/articles/tilbakestille-passord?lang=nb&amp;ui=nb");
  EXPECT_EQ(FooterLink(page, "en"), "/articles/reset-password?lang=en&amp;ui=en");
  const std::string norwegian = Body("/articles/tilbakestille-passord?lang=nb&ui=nb");
  EXPECT_THAT(norwegian, HasSubstr("<html lang=\"nb\">"));
  EXPECT_THAT(norwegian, HasSubstr("Passord"));  // the topic "password" by its Norwegian name
  EXPECT_EQ(FooterLink(norwegian, "en"), "/articles/reset-password?lang=en&amp;ui=en");
}

TEST_F(LanguageSeoServerTest, WithoutATranslationTheFooterLeadsToTheHomePageInThatLanguage) {
  const std::string page = Body("/articles/dashboard-colour-theme?lang=en&ui=en");
  EXPECT_EQ(FooterLink(page, "cs"), "/?ui=cs");
  EXPECT_EQ(FooterLink(page, "el"), "/?ui=el");
  EXPECT_EQ(FooterLink(page, "en"), "/articles/dashboard-colour-theme?lang=en&amp;ui=en");
}

TEST_F(LanguageSeoServerTest, TheChosenLanguageIsKeptAndHonoured) {
  httplib::Result chosen = Get("/articles/reset-password?lang=en&ui=tr");
  ASSERT_TRUE(chosen);
  EXPECT_EQ(SetCookieValue(*chosen, "helpdex_lang"), "tr");
  EXPECT_THAT(chosen->body, HasSubstr("<html lang=\"tr\">"));
  // Later pages without ui=: the cookie wins over lang= and Accept-Language.
  const httplib::Headers turkish{{"Cookie", "helpdex_lang=tr"}, {"Accept-Language", "ru"}};
  EXPECT_THAT(Body("/", turkish), HasSubstr("<html lang=\"tr\">"));
  EXPECT_THAT(Body("/articles/reset-password?lang=en", turkish), HasSubstr("<html lang=\"tr\">"));
  // The contact form follows it too.
  const std::string contact = Body("/contact", turkish);
  EXPECT_THAT(contact, HasSubstr("<html lang=\"tr\">"));
  EXPECT_THAT(contact, HasSubstr("name=\"ui\" value=\"tr\""));
  EXPECT_EQ(FooterLink(contact, "cs"), "/contact?ui=cs");
  // Without a cookie, the browser's language.
  EXPECT_THAT(Body("/", {{"Accept-Language", "ru-RU,ru;q=0.9"}}), HasSubstr("<html lang=\"ru\">"));
}

TEST_F(LanguageSeoServerTest, ResultLinksKeepThePagesLanguage) {
  // A Czech page that lists an English article links it with ui=cs.
  const std::string page = Body("/search?q=banner&lang=en&ui=cs");
  EXPECT_THAT(page, HasSubstr("<html lang=\"cs\">"));
  EXPECT_THAT(page, HasSubstr("href=\"/articles/add-remove-banner?lang=en&amp;ui=cs"));
  // A new search from it keeps the interface language as well as the filter.
  EXPECT_THAT(page, HasSubstr("<input type=\"hidden\" name=\"ui\" value=\"cs\">"));
  // The footer switches the same search to another language.
  EXPECT_EQ(FooterLink(page, "el"), "/search?q=banner&amp;lang=en&amp;ui=el");
  // And the article opened from it is in Czech.
  EXPECT_THAT(Body("/articles/add-remove-banner?lang=en&ui=cs"), HasSubstr("<html lang=\"cs\">"));
}

TEST_F(LanguageSeoServerTest, FacetsAndTopicsInThePagesLanguageWithoutATypeFacet) {
  const std::string norwegian = Body("/search?q=passord&ui=nb");
  EXPECT_THAT(norwegian, HasSubstr(">Emne</h3>"));   // facet "Topic"
  EXPECT_THAT(norwegian, HasSubstr(">Språk</h3>"));  // facet "Language"
  EXPECT_THAT(norwegian, HasSubstr("Konto <span class=\"facet__count\">"));  // topic "account"
  EXPECT_THAT(norwegian, Not(HasSubstr(">Type</h3>")));
  EXPECT_THAT(norwegian, Not(HasSubstr("type=article")));
  const std::string greek = Body("/search?q=ssl&ui=el");
  EXPECT_THAT(greek, HasSubstr(">Θέμα</h3>"));
  EXPECT_THAT(greek, HasSubstr("Ασφάλεια <span class=\"facet__count\">"));  // topic "security"
  EXPECT_THAT(greek, Not(HasSubstr(">Τύπος</h3>")));
  // The agent console keeps the "Type" facet (articles, internal articles, tickets).
  const std::string agent = Body("/agent?q=password&ui=en", {{"Cookie", "helpdex_session=" + agent_session()}});
  EXPECT_THAT(agent, HasSubstr(">Type</h3>"));
}

TEST_F(LanguageSeoServerTest, SitemapListsEveryPublicArticleWithItsTranslations) {
  httplib::Result result = Get("/sitemap.xml");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200);
  EXPECT_THAT(result->get_header_value("Content-Type"), HasSubstr("application/xml"));
  const std::string& xml = result->body;
  EXPECT_THAT(xml, HasSubstr("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
  EXPECT_THAT(xml, HasSubstr("<loc>https://help.example.com/articles/reset-password?lang=en</loc>"));
  EXPECT_THAT(xml, HasSubstr("<loc>https://help.example.com/articles/tilbakestille-passord?lang=nb</loc>"));
  EXPECT_THAT(xml, HasSubstr("<xhtml:link rel=\"alternate\" hreflang=\"nb\" "
                             "href=\"https://help.example.com/articles/tilbakestille-passord?lang=nb\"/>"));
  EXPECT_THAT(xml, HasSubstr("<loc>https://help.example.com/articles/dashboard-colour-theme?lang=en</loc>"));
  // 12 articles in 6 languages, and the English-only one.
  size_t urls = 0;
  for (size_t at = xml.find("<loc>"); at != std::string::npos; at = xml.find("<loc>", at + 1)) ++urls;
  EXPECT_EQ(urls, 73u);
  // Internal articles never.
  for (const char* internal : {"escalation-policy", "tone-and-style", "outage-handling", "customer-data-confidentiality"}) {
    EXPECT_THAT(xml, Not(HasSubstr(internal))) << internal;
  }
  EXPECT_THAT(xml, Not(HasSubstr("/agent")));
}

TEST_F(LanguageSeoServerTest, RobotsTxtKeepsCrawlersOffAgentPagesAndNamesTheSitemap) {
  httplib::Result result = Get("/robots.txt");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200);
  EXPECT_THAT(result->get_header_value("Content-Type"), HasSubstr("text/plain"));
  for (const char* line : {"User-agent: *", "Disallow: /agent\n", "Disallow: /gaps\n", "Disallow: /api/agent\n",
                           "Allow: /\n", "Sitemap: https://help.example.com/sitemap.xml\n"}) {
    EXPECT_THAT(result->body, HasSubstr(line));
  }
}

TEST_F(LanguageSeoServerTest, HeadIsAnsweredLikeGetWithoutABody) {
  for (const char* path : {"/", "/search?q=password&ui=en", "/articles/reset-password?lang=en", "/static/style.css",
                           "/healthz", "/sitemap.xml", "/no-such-page"}) {
    const std::string get = Exchange(std::string("GET ") + path + " HTTP/1.1\r\nHost: localhost\r\nAccept-Language: nb\r\n"
                                     "Connection: close\r\n\r\n");
    const std::string head = Exchange(std::string("HEAD ") + path + " HTTP/1.1\r\nHost: localhost\r\nAccept-Language: nb\r\n"
                                      "Connection: close\r\n\r\n");
    const size_t get_end = get.find("\r\n\r\n");
    const size_t head_end = head.find("\r\n\r\n");
    ASSERT_NE(get_end, std::string::npos) << path << "\n" << get;
    ASSERT_NE(head_end, std::string::npos) << path << "\n" << head;
    EXPECT_EQ(head.substr(0, head.find("\r\n")), get.substr(0, get.find("\r\n"))) << path;  // the status line
    EXPECT_EQ(head.size(), head_end + 4) << path << ": HEAD sent a body";
    const std::string get_head = get.substr(0, get_end + 2);
    const std::string head_head = head.substr(0, head_end + 2);
    EXPECT_EQ(HeaderOf(head_head, "Content-Length"), std::to_string(get.size() - get_end - 4)) << path;
    for (const char* name : {"Content-Type", "Cache-Control", "Content-Language", "Content-Security-Policy", "ETag"}) {
      EXPECT_EQ(HeaderOf(head_head, name), HeaderOf(get_head, name)) << path << " " << name;
    }
  }
  // Over a kept-alive connection the next request is answered normally.
  httplib::Client client = Client();
  httplib::Result head = client.Head("/healthz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  httplib::Result get = client.Get("/healthz");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, R"({"status":"ok"})");
}

TEST_F(LanguageSeoServerTest, NotFoundPageHasNoMachineCode) {
  for (const auto& [ui, title] : {std::pair{"en", "Page not found"}, std::pair{"ru", "Страница не найдена"}}) {
    httplib::Result result = Get(std::string("/no-such-page?ui=") + ui);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 404);
    EXPECT_THAT(result->body, HasSubstr(title));
    EXPECT_THAT(result->body, Not(HasSubstr("not_found"))) << ui;
  }
  // The API keeps its JSON code.
  httplib::Result api = Get("/api/no-such-thing");
  ASSERT_TRUE(api);
  EXPECT_THAT(api->body, HasSubstr("\"code\":\"not_found\""));
}

TEST_F(LanguageSeoServerTest, HomeTitleIsTheSiteNameOnce) {
  EXPECT_THAT(Body("/?ui=en"), HasSubstr("<title>Help Centre</title>"));
  EXPECT_THAT(Body("/?ui=nb"), HasSubstr("<title>Hjelpesenter</title>"));
  EXPECT_THAT(Body("/search?q=password&ui=en"), HasSubstr("<title>password – Search results · Help Centre</title>"));
}

TEST_F(LanguageSeoServerTest, APageBeyondTheResultsSaysSoAndLinksBack) {
  const std::string page = Body("/search?q=password&ui=en&page=99");
  EXPECT_THAT(page, HasSubstr("This page is past the last result"));
  EXPECT_THAT(page, Not(HasSubstr("No articles found")));
  // Five results: the last page is the first.
  EXPECT_THAT(page, HasSubstr("<a href=\"/search?q=password&amp;ui=en\">First page</a> · "
                              "<a href=\"/search?q=password&amp;ui=en\">Last page (1)</a>"));
  EXPECT_THAT(page, Not(HasSubstr("rel=\"prev\"")));  // no paging past the results
  const std::string czech = Body("/search?q=heslo&ui=cs&page=99");
  EXPECT_THAT(czech, HasSubstr("Tato stránka je až za posledním výsledkem"));
  EXPECT_THAT(czech, HasSubstr("První stránka"));
}

// Without --base-url there is no sitemap (the Host header is never trusted
// for it) and robots.txt names none.
class NoBaseUrlServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = helpdex::testing::KnowledgeBase()}); }
};

TEST_F(NoBaseUrlServerTest, NoSitemapAndNoSitemapLine) {
  httplib::Result sitemap = Get("/sitemap.xml", {{"Host", "evil.example"}});
  ASSERT_TRUE(sitemap);
  EXPECT_EQ(sitemap->status, 404);
  EXPECT_THAT(sitemap->body, Not(HasSubstr("evil.example")));
  EXPECT_THAT(sitemap->body, HasSubstr("--base-url"));
  httplib::Result robots = Get("/robots.txt");
  ASSERT_TRUE(robots);
  EXPECT_EQ(robots->status, 200);
  EXPECT_THAT(robots->body, HasSubstr("Disallow: /agent"));
  EXPECT_THAT(robots->body, Not(HasSubstr("Sitemap:")));
}

}  // namespace
}  // namespace helpdex::server

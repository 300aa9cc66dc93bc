// Integration tests for "no dead ends" (issue 18): the home page's
// categories, most read articles and contact block; tag and category
// listings on /search without a query; the ways on where results end; the
// article page's breadcrumbs and related articles; and "did this help? -
// no", which asks the reason afterwards and stores it. The real server over
// the fixture knowledge base (fixtures/README.txt: English and Norwegian
// categories), driven over HTTP as a browser without JavaScript would.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "../support/integration.h"
#include "helpdex/stores/events.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using helpdex::testing::FormBody;
using Fields = std::vector<std::pair<std::string, std::string>>;

// The text of a page between `from` and the next `to` ("" when absent).
std::string Between(const std::string& page, const std::string& from, const std::string& to) {
  const size_t start = page.find(from);
  if (start == std::string::npos) return "";
  const size_t end = page.find(to, start);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// href="URL" as the templates write a link they are given: mstch escapes
// '/' and '&' (literal links in a template, like /contact, stay as written).
std::string Href(const std::string& url) {
  std::string escaped;
  for (char c : url) {
    if (c == '/') escaped += "&#x2F;";
    else if (c == '&') escaped += "&amp;";
    else escaped += c;
  }
  return "href=\"" + escaped + "\"";
}

// A new server and an empty data directory for every test: "most read"
// starts from no events, and a test can stop the server to read its store.
class HomeServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    SetUpHelpCentre({.content_dir = helpdex::testing::KnowledgeBase(), .server_per_test = true});
  }

  static std::string Page(const std::string& path) {
    httplib::Result page = Get(path);
    EXPECT_TRUE(page) << path;
    if (!page) return "";
    EXPECT_EQ(page->status, 200) << path;
    return page->body;
  }

  // Opens an article as a new visitor (no cookie: a visit of its own).
  static void View(const std::string& path) {
    httplib::Result page = Get(path);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200);
    ASSERT_THAT(page->get_header_value("Set-Cookie"), HasSubstr("helpdex_visit="));
  }

  // A counter of /metrics (helpdex_events_total{result="NAME"}), -1 when absent.
  static long EventsCounter(const std::string& metrics, const std::string& name) {
    const std::string key = "helpdex_events_total{result=\"" + name + "\"} ";
    const size_t at = metrics.find(key);
    return at == std::string::npos ? -1 : std::stol(metrics.substr(at + key.size()));
  }

  // Returns once the event store has written every event recorded so far
  // (its writer thread stores them within a fraction of a second), so that
  // the next page counts them all.
  static void WaitForEventsWritten() {
    for (int attempt = 0; attempt < 100; ++attempt) {
      httplib::Result metrics = Get("/metrics");
      ASSERT_TRUE(metrics);
      const long recorded = EventsCounter(metrics->body, "recorded");
      ASSERT_GE(recorded, 0) << metrics->body;
      if (EventsCounter(metrics->body, "written") >= recorded) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the event store did not write its events in 10 s";
  }

  static Fields FeedbackForm(const std::string& visit, const std::string& helpful) {
    return {{"csrf", visit}, {"article", "en-password-reset"}, {"slug", "password-reset"},
            {"lang", "en"},  {"ui", "en"},                     {"helpful", helpful}};
  }
};

TEST_F(HomeServerTest, TheHomePageListsTheCategoriesWithTheirArticlesInItsLanguage) {
  const std::string english = Page("/?ui=en");
  EXPECT_THAT(english, HasSubstr("Browse by category"));
  const std::string categories = Between(english, "home-categories-heading", "</section>");
  // The file's order: website, email, account; each linked to its listing.
  const size_t website = categories.find("Your website");
  const size_t email = categories.find("E-mail");
  const size_t account = categories.find("Account &amp; sign-in");
  ASSERT_NE(website, std::string::npos) << categories;
  ASSERT_NE(email, std::string::npos);
  ASSERT_NE(account, std::string::npos);
  EXPECT_LT(website, email);
  EXPECT_LT(email, account);
  EXPECT_THAT(categories, HasSubstr(Href("/search?q=&lang=en&category=website&ui=en")));
  EXPECT_THAT(categories, HasSubstr(Href("/articles/website-slow?lang=en")));
  EXPECT_THAT(categories, HasSubstr("Reset your password"));
  // Internal articles are never listed; articles without a category neither.
  EXPECT_THAT(english, Not(HasSubstr("Zqxjkvinternal")));
  EXPECT_THAT(categories, Not(HasSubstr("unsafe-markdown")));
  // Contact us, and no made-up "most read" without events.
  EXPECT_THAT(english, HasSubstr("href=\"/contact?ui=en\""));
  EXPECT_THAT(english, HasSubstr("Still need help?"));
  EXPECT_THAT(english, Not(HasSubstr("most-read-heading")));

  const std::string norwegian = Page("/?ui=nb");
  EXPECT_THAT(norwegian, HasSubstr("Bla etter kategori"));
  EXPECT_THAT(norwegian, HasSubstr("Nettsiden din"));
  EXPECT_THAT(norwegian, HasSubstr("Innboks og e-postprogram."));
  EXPECT_THAT(norwegian, HasSubstr(Href("/articles/nettsiden-er-treg?lang=nb")));
  EXPECT_THAT(norwegian, HasSubstr("href=\"/contact?ui=nb\""));
  EXPECT_THAT(norwegian, HasSubstr("Trenger du fortsatt hjelp?"));
  EXPECT_THAT(norwegian, Not(HasSubstr("Your website")));
  // A language without a categories file: the search box and contact block.
  const std::string turkish = Page("/?ui=tr");
  EXPECT_THAT(turkish, Not(HasSubstr("home-categories-heading")));
  EXPECT_THAT(turkish, HasSubstr("href=\"/contact?ui=tr\""));
}

TEST_F(HomeServerTest, MostReadShowsTheArticlesMostVisitsOpenedInThePagesLanguage) {
  EXPECT_THAT(Page("/?ui=en"), Not(HasSubstr("most-read-heading")));
  for (int visit = 0; visit < 3; ++visit) View("/articles/email-setup?lang=en");
  View("/articles/password-reset?lang=en");
  View("/articles/nettsiden-er-treg?lang=nb");
  WaitForEventsWritten();
  const std::string english = Page("/?ui=en");
  const std::string most_read = Between(english, "most-read-heading", "</section>");
  ASSERT_THAT(most_read, HasSubstr("Most read"));
  const size_t email = most_read.find("email-setup?lang=en");
  const size_t password = most_read.find("password-reset?lang=en");
  ASSERT_NE(email, std::string::npos) << most_read;
  ASSERT_NE(password, std::string::npos) << most_read;
  EXPECT_LT(email, password);
  EXPECT_THAT(most_read, Not(HasSubstr("lang=nb")));
  const std::string norwegian = Page("/?ui=nb");
  const std::string norwegian_most_read = Between(norwegian, "most-read-heading", "</section>");
  EXPECT_THAT(norwegian_most_read, HasSubstr("Mest lest"));
  EXPECT_THAT(norwegian_most_read, HasSubstr("nettsiden-er-treg?lang=nb"));
  EXPECT_THAT(norwegian_most_read, Not(HasSubstr("lang=en")));
}

TEST_F(HomeServerTest, ATagWithoutAQueryListsItsArticles) {
  const std::string english = Page("/search?tag=performance&lang=en&ui=en");
  EXPECT_THAT(english, Not(HasSubstr("Type a question")));
  EXPECT_THAT(english, HasSubstr("Topic:</span> Performance</h1>"));
  EXPECT_THAT(english, HasSubstr(Href("/articles/website-slow?lang=en&ui=en")));
  // Result titles link straight ("href=...>Title"); other languages only as "also in".
  EXPECT_THAT(english, Not(HasSubstr(Href("/articles/nettsiden-er-treg?lang=nb&ui=en") + ">")));
  // The page's language without lang=; a tag only internal articles have lists nothing.
  const std::string norwegian = Page("/search?tag=performance&ui=nb");
  EXPECT_THAT(norwegian, HasSubstr("Emne:</span> Ytelse</h1>"));
  EXPECT_THAT(norwegian, HasSubstr(Href("/articles/nettsiden-er-treg?lang=nb&ui=nb")));
  EXPECT_THAT(norwegian, Not(HasSubstr(Href("/articles/website-slow?lang=en&ui=nb") + ">")));
  const std::string internal = Page("/search?tag=internal&ui=en");
  EXPECT_THAT(internal, Not(HasSubstr("Zqxjkvinternal")));
  EXPECT_THAT(internal, HasSubstr("No articles found"));
}

TEST_F(HomeServerTest, ACategoryListingHasItsTitleAndPublicArticlesOnly) {
  const std::string account = Page("/search?category=account&lang=en&ui=en");
  EXPECT_THAT(account, HasSubstr("Category:</span> Account &amp; sign-in</h1>"));
  EXPECT_THAT(account, HasSubstr(Href("/articles/password-reset?lang=en&ui=en")));
  EXPECT_THAT(account, Not(HasSubstr("Zqxjkvinternal")));
  EXPECT_THAT(account, Not(HasSubstr("internal-runbook")));
  const std::string email = Page("/search?category=email&ui=nb");
  EXPECT_THAT(email, HasSubstr("Kategori:</span> E-post</h1>"));
  EXPECT_THAT(email, HasSubstr(Href("/articles/email-setup?lang=nb&ui=nb")));
}

TEST_F(HomeServerTest, NoResultsOfferTheCategoriesAndTheContactForm) {
  const std::string page = Page("/search?q=qwxzvbn+plokmijn&ui=en");
  EXPECT_THAT(page, HasSubstr("No articles found"));
  EXPECT_THAT(page, HasSubstr("href=\"/contact?ui=en\""));
  const std::string ways_on = Between(page, "ways-on-categories", "</section>");
  EXPECT_THAT(ways_on, HasSubstr("Your website"));
  EXPECT_THAT(ways_on, HasSubstr(Href("/search?q=&lang=en&category=account&ui=en")));
  const std::string norwegian = Page("/search?q=qwxzvbn+plokmijn&ui=nb");
  EXPECT_THAT(Between(norwegian, "ways-on-categories", "</section>"), HasSubstr("Nettsiden din"));
  EXPECT_THAT(norwegian, HasSubstr("href=\"/contact?ui=nb\""));
}

TEST_F(HomeServerTest, TheLastPageOfResultsOffersRelatedArticlesAndTheContactForm) {
  const std::string page = Page("/search?q=website&lang=en&ui=en");
  const std::string end = Between(page, "end-of-results-heading", "</section>");
  EXPECT_THAT(end, HasSubstr("Not what you were looking for?"));
  EXPECT_THAT(end, HasSubstr("href=\"/contact?ui=en\""));
  EXPECT_THAT(end, Not(HasSubstr("Zqxjkvinternal")));
}

TEST_F(HomeServerTest, AnArticleHasBreadcrumbsAndRelatedArticles) {
  const std::string page = Page("/articles/password-reset?lang=en&ui=en");
  const std::string breadcrumb = Between(page, "<nav class=\"breadcrumb\"", "</nav>");
  EXPECT_THAT(breadcrumb, HasSubstr("aria-label=\"Breadcrumb\""));
  EXPECT_THAT(breadcrumb, HasSubstr(Href("/?ui=en") + ">Help Centre</a>"));
  EXPECT_THAT(breadcrumb,
              HasSubstr(Href("/search?q=&lang=en&category=account&ui=en") + ">Account &amp; sign-in</a>"));
  EXPECT_THAT(breadcrumb, HasSubstr("aria-current=\"page\">Reset your password<"));
  const std::string norwegian = Page("/articles/nettsiden-er-treg?lang=nb&ui=nb");
  EXPECT_THAT(Between(norwegian, "<nav class=\"breadcrumb\"", "</nav>"),
              HasSubstr("aria-label=\"Brødsmulesti\""));
  EXPECT_THAT(Between(norwegian, "<nav class=\"breadcrumb\"", "</nav>"), HasSubstr(">Nettsiden din</a>"));
  // An article without a category: Help Centre › the article.
  const std::string loose = Page("/articles/unsafe-markdown?lang=en&ui=en");
  EXPECT_THAT(Between(loose, "<nav class=\"breadcrumb\"", "</nav>"), Not(HasSubstr("category=")));
  // Related: public articles in the article's language, never internal.
  const std::string related = Between(page, "related-heading", "</section>");
  EXPECT_THAT(related, HasSubstr("Related articles"));
  EXPECT_THAT(related, HasSubstr(Href("/articles/email-setup?lang=en")));
  EXPECT_THAT(related, Not(HasSubstr("internal-runbook")));
  EXPECT_THAT(related, Not(HasSubstr("lang=nb")));
}

TEST_F(HomeServerTest, ANoAsksTheReasonAfterwardsAndStoresIt) {
  const std::string visit = NewVisit("/articles/password-reset?lang=en").id;
  const httplib::Headers cookie{{"Cookie", "helpdex_visit=" + visit}};
  // The question comes first, without the reasons in view.
  httplib::Result question = Get("/articles/password-reset?lang=en", cookie);
  ASSERT_TRUE(question);
  EXPECT_THAT(question->body, HasSubstr("data-feedback-no tabindex=\"-1\" hidden"));

  httplib::Result no = Post("/articles/feedback", cookie, FormBody(FeedbackForm(visit, "0")));
  ASSERT_TRUE(no);
  EXPECT_EQ(no->status, 303);
  EXPECT_EQ(no->get_header_value("Location"), "/articles/password-reset?lang=en&feedback=no#feedback");
  httplib::Result why = Get("/articles/password-reset?lang=en&feedback=no", cookie);
  ASSERT_TRUE(why);
  const std::string& page = why->body;
  EXPECT_THAT(page, Not(HasSubstr("data-feedback-form")));  // the question is answered
  EXPECT_THAT(page, Not(HasSubstr("data-feedback-no tabindex=\"-1\" hidden")));
  EXPECT_THAT(page, HasSubstr("We are sorry the article did not help."));
  EXPECT_THAT(page, HasSubstr("name=\"step\" value=\"reason\""));
  EXPECT_THAT(page, HasSubstr("name=\"reason\" value=\"outdated\"> It is out of date"));
  EXPECT_THAT(page, HasSubstr("name=\"reason\" value=\"hard_to_follow\""));
  EXPECT_THAT(page, HasSubstr("name=\"reason\" value=\"other\""));
  EXPECT_THAT(Between(page, "data-feedback-no", "</section>"), HasSubstr("href=\"/contact?ui=en\""));

  Fields reason = FeedbackForm(visit, "0");
  reason.emplace_back("step", "reason");
  reason.emplace_back("reason", "outdated");
  reason.emplace_back("comment", "Step 2 shows an old menu");
  httplib::Result sent = Post("/articles/feedback", cookie, FormBody(reason));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 303);
  EXPECT_EQ(sent->get_header_value("Location"), "/articles/password-reset?lang=en&feedback=thanks#feedback");

  StopServer();
  Result<std::unique_ptr<stores::EventStore>> store = stores::EventStore::Open(data_dir().string());
  ASSERT_TRUE(store.ok());
  Result<std::vector<stores::StoredEvent>> feedback = (*store)->Read(stores::EventType::kFeedback);
  ASSERT_TRUE(feedback.ok());
  // The "no" at once, then the same visit's answer with its reason (the
  // latest answer of a visit is the one reports take).
  ASSERT_EQ(feedback->size(), 2u);
  EXPECT_EQ((*feedback)[0].event.helpful, 0);
  EXPECT_EQ((*feedback)[0].event.reason, "");
  EXPECT_EQ((*feedback)[1].event.visit, visit);
  EXPECT_EQ((*feedback)[1].event.helpful, 0);
  EXPECT_EQ((*feedback)[1].event.reason, "outdated");
  EXPECT_EQ((*feedback)[1].event.comment, "Step 2 shows an old menu");
}

}  // namespace
}  // namespace helpdex::server

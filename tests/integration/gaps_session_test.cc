// The gap report end to end, as a writer meets it: the sample help centre
// (content/, with its resolved tickets) served by the real server on a free
// loopback port, the scripted customer session of tools/gaps-session run
// against it over HTTP, then /api/gaps and /gaps read with an agent's
// credentials. The expected gaps are the five topics the sample has no
// article for (content/tickets/README.md).
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "helpdex/indexer/article.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using helpdex::testing::SetCookieValue;

const fs::path kSource = HELPDEX_SOURCE_DIR;

class GapsSessionTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    SetUpHelpCentre({.content_dir = kSource / "content",
                     .tickets_files = {kSource / "content" / "tickets" / "tickets.jsonl"},
                     .index_errors_fail = false,
                     .agent_name = "writer",
                     .agent_password = "a long enough password",
                     .sign_in_agent = false,
                     .read_timeout_seconds = 60});  // /api/gaps took 5-10 s under ASan and load
    if (SetUpFailed()) return;  // SetUp fails every test with the reason
    report_ = new nlohmann::json;
    const std::string command = (kSource / "tools" / "gaps-session").string() + " http://127.0.0.1:" +
                                std::to_string(port()) + " > " + (root() / "session.log").string() + " 2>&1";
    if (std::system(command.c_str()) != 0) {
      return FailSetUp("tools/gaps-session failed; see " + (root() / "session.log").string());
    }
    httplib::Result response = Client().Get("/api/gaps", Agent());
    if (!response) return FailSetUp("GET /api/gaps did not answer");
    if (response->status != 200) return FailSetUp("GET /api/gaps answered " + std::to_string(response->status) +
                                                  ": " + response->body);
    *report_ = nlohmann::json::parse(response->body);
  }
  static void TearDownTestSuite() {
    HelpCentreTest::TearDownTestSuite();
    delete report_;
    report_ = nullptr;
  }

  static httplib::Headers Agent() { return {{"Authorization", "Bearer " + agent_token()}}; }

  // The search-gap group whose wordings include `query`; null if none.
  static const nlohmann::json* SearchGroupWith(const std::string& query) {
    for (const nlohmann::json& group : (*report_)["searches"]) {
      if (group["query"] == query) return &group;
      for (const nlohmann::json& example : group["examples"]) {
        if (example == query) return &group;
      }
    }
    return nullptr;
  }

  static nlohmann::json* report_;
};

nlohmann::json* GapsSessionTest::report_ = nullptr;

TEST_F(GapsSessionTest, FailingSearchesOfEveryMissingTopicAreGroupedWithTheirContacts) {
  // One query of each group the script makes, in its language.
  const std::vector<std::string> expected = {
      "transfer domain to another registrar",             // en, 4 wordings
      "перенос домена к другому регистратору",            // ru
      "product images not showing in shop",               // en
      "ödeme sayfasında para birimi",                     // tr
      "meldinger fra kontaktskjema kommer ikke",          // nb
      "δεν λαμβάνουμε μηνύματα από τη φόρμα επικοινωνίας",  // el
      "cancel subscription and refund",                   // en
      "zrušení předplatného a vrácení peněz",             // cs
      "add a second user to edit the site",               // en
  };
  for (const std::string& query : expected) {
    const nlohmann::json* group = SearchGroupWith(query);
    ASSERT_NE(group, nullptr) << query << "\n" << (*report_)["searches"].dump(2);
    EXPECT_GE((*group)["visits"].get<int>(), 3) << query;
    EXPECT_EQ((*group)["contact_visits"], (*group)["visits"]) << query;  // each of them wrote to support
  }
  // Five wordings of one topic from five visits: one gap of five visits.
  const nlohmann::json* minecraft = SearchGroupWith("minecraft server");
  ASSERT_NE(minecraft, nullptr) << (*report_)["searches"].dump(2);
  EXPECT_EQ((*minecraft)["visits"], 5);
  EXPECT_EQ((*minecraft)["examples"].size(), 4u);
  EXPECT_TRUE((*minecraft)["nearest"].is_null()) << (*minecraft)["nearest"].dump();
  EXPECT_EQ((*report_)["searches"].size(), expected.size() + 1) << (*report_)["searches"].dump(2);
  // No article is about moving a domain away: none is named as the nearest.
  EXPECT_TRUE((*SearchGroupWith("transfer domain to another registrar"))["nearest"].is_null())
      << (*report_)["searches"].dump(2);
  // What customers found and opened is no gap.
  EXPECT_EQ(SearchGroupWith("reset password"), nullptr);
  EXPECT_EQ(SearchGroupWith("forgot my password"), nullptr);
}

TEST_F(GapsSessionTest, TicketTopicsAreTheFiveGapsEachWithADraftTheIndexerReads) {
  std::set<std::string> topics_with_tag;
  for (const nlohmann::json& topic : (*report_)["tickets"]) {
    for (const std::string tag : {"transfer", "shop", "forms", "cancellation", "collaborators"}) {
      for (const nlohmann::json& carried : topic["tags"]) {
        if (carried == tag) topics_with_tag.insert(tag);
      }
    }
    const std::string path = topic["draft"]["path"];
    const std::string markdown = topic["draft"]["markdown"];
    Result<search::DocumentRecord> draft = indexer::ParseArticle(path, markdown);
    EXPECT_TRUE(draft.ok()) << (draft.ok() ? "" : draft.error().ToString()) << "\n" << markdown;
    EXPECT_GE(topic["tickets"].get<int>(), 2);
  }
  EXPECT_EQ(topics_with_tag,
            (std::set<std::string>{"transfer", "shop", "forms", "cancellation", "collaborators"}))
      << (*report_)["tickets"].dump(2);
  EXPECT_EQ((*report_)["tickets"].size(), 5u);
  // Nothing a customer could read: redacted tickets only.
  EXPECT_THAT((*report_)["tickets"].dump(), ::testing::Not(HasSubstr("@fossumregnskap.no")));
}

TEST_F(GapsSessionTest, ReviewTranslationsAndFunnelCarryTheSessionsSignals) {
  // Three visits said the billing article did not help.
  bool billing_flagged = false;
  for (const nlohmann::json& item : (*report_)["review"]) {
    if (item["url"] == "/articles/invoices-and-payments?lang=en") {
      billing_flagged = true;
      EXPECT_THAT(item["reasons"].dump(), HasSubstr("didnt_help"));
      EXPECT_EQ(item["not_helpful"], 3);
    }
  }
  EXPECT_TRUE(billing_flagged) << (*report_)["review"].dump(2);
  // The Greek banner article is older than its English source.
  bool outdated_banner = false;
  for (const nlohmann::json& gap : (*report_)["translations"]) {
    outdated_banner = outdated_banner || (gap["kind"] == "outdated" && gap["lang"] == "el");
  }
  EXPECT_TRUE(outdated_banner) << (*report_)["translations"].dump(2);
  EXPECT_GE((*report_)["funnel"]["by_language"]["en"]["answered"].get<int>(), 1);
}

TEST_F(GapsSessionTest, TheReviewAgeIsAParameter) {
  httplib::Result strict = Client().Get("/api/gaps?review_after_days=1", Agent());
  ASSERT_TRUE(strict);
  ASSERT_EQ(strict->status, 200);
  // Every sample article was reviewed more than a day ago.
  EXPECT_GT(nlohmann::json::parse(strict->body)["review"].size(), (*report_)["review"].size());
  for (const std::string bad : {"0", "3651", "soon"}) {
    httplib::Result refused = Client().Get("/api/gaps?review_after_days=" + bad, Agent());
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad;
    EXPECT_EQ(nlohmann::json::parse(refused->body)["error"]["parameter"], "review_after_days") << bad;
  }
}

TEST_F(GapsSessionTest, TheWritersPageShowsTheSameGaps) {
  // Pages take a signed-in session, not a token: sign in like a writer does.
  httplib::Result login = Client().Get("/agent/login");
  ASSERT_TRUE(login);
  const std::string csrf = SetCookieValue(*login, "helpdex_login_csrf");
  httplib::Result signed_in =
      Client().Post("/agent/login", {{"Cookie", "helpdex_login_csrf=" + csrf}},
                    "csrf=" + csrf + "&name=writer&password=a%20long%20enough%20password",
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 303) << signed_in->body;
  const std::string session = SetCookieValue(*signed_in, "helpdex_session");
  httplib::Result page = Client().Get("/gaps", {{"Cookie", "helpdex_session=" + session}});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("transfer"));
  EXPECT_THAT(page->body, HasSubstr("<svg"));
  EXPECT_THAT(page->body, HasSubstr("transfer-domains.md"));  // the draft's path (escaped)
  EXPECT_THAT(page->body, HasSubstr("Draft article"));
  EXPECT_THAT(page->body, ::testing::Not(HasSubstr("<script")));
}

}  // namespace
}  // namespace helpdex::server

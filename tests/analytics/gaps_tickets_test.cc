// The gap report's ticket topics over a small real index: which resolved
// tickets count as unanswered, how they group across languages, and the draft
// article each topic gets (read back with the indexer's own article reader).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "../support/shared_set_up.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/article.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/analytics/gaps.h"
#include "helpdex/analytics/gap_format.h"

namespace helpdex::analytics {
namespace {

// The report's JSON view (gap_format.h), parsed back for assertions.
nlohmann::json ReportJson(const GapReport& report) { return nlohmann::json::parse(GapReportJson(report)); }

using helpdex::testing::TempKb;

std::string TicketLine(const std::string& id, const std::string& lang, const std::string& tags,
                       const std::string& subject, const std::string& problem, const std::string& resolution) {
  nlohmann::json ticket = {
      {"id", id}, {"subject", subject}, {"lang", lang}, {"status", "solved"}, {"tags", nlohmann::json::parse(tags)},
      {"created", "2026-10-02T09:00:00Z"}, {"requester", {{"name", "Kari Nordmann"}, {"email", "kari@example.no"}}},
      {"messages", {{{"role", "customer"}, {"time", ""}, {"text", problem}},
                    {{"role", "agent"}, {"time", ""}, {"text", resolution}}}}};
  return ticket.dump() + "\n";
}

class TicketGapsTest : public SharedSetUpTest<TicketGapsTest> {
 protected:
  friend class SharedSetUpTest<TicketGapsTest>;
  // SharedSetUpTest: "" when the index is built, else what went wrong.
  static std::string BuildSharedState() {
    kb_ = new TempKb();
    kb_->Write("en/password.md",
               TempKb::Article("en-password", "en", "reset-password", "Reset your password",
                               "If you forgot your password, choose Forgot password on the login page. The reset "
                               "link in the e-mail expires after one hour; request a new reset link if it expired.\n",
                               "public", "[account, password]", "password"));
    kb_->Write("en/dns.md", TempKb::Article("en-dns", "en", "connect-domain", "Connect your domain",
                                            "Point the domain's A record to our server in DNS. Our name "
                                            "server is ns1.nordlyshosting.com.\n",
                                            "public",
                                            "[dns, domains]", "dns"));
    std::ofstream(TicketsPath(), std::ios::binary)
        // Answered by the password article.
        << TicketLine("T-1", "en", R"(["account", "password"])", "Password reset link expired",
                      "My password reset link expired before I could use it.",
                      "Hi Kari,\n\nthe reset link expires after one hour. Request a new reset link on the login "
                      "page with Forgot password.\n\nBest regards,\nNoah")
        << TicketLine("T-2", "en", R"(["account", "password"])", "Forgot my password",
                      "I forgot my password and the reset e-mail link expired.",
                      "Hi Kari,\n\nchoose Forgot password on the login page to get a new reset link; it expires "
                      "after one hour.\n\nBest regards,\nNoah")
        // A topic no article covers, in three languages; the customer's
        // e-mail address must not reach the draft.
        << TicketLine("T-3", "en", R"(["domains", "transfer"])", "Transfer my site shop-example.com away: need EPP code",
                      "Our new registrar asks for an EPP auth code for my site shop-example.com and says the "
                      "transfer is locked. Write to kari@example.no please.",
                      "Hi Kari,\n\nswitch off the transfer lock under Domains, then click Get authorisation code: "
                      "the EPP code is e-mailed to the registrant. Give it to the new registrar; the transfer "
                      "takes 5-7 days.\n\nUntil then https://shop-example.com/cart keeps working with our "
                      "name servers ns1.nordlyshosting.com; see /articles/connect-domain for the records.\n\n"
                      "Best regards,\nNoah")
        << TicketLine("T-4", "nb", R"(["domains", "transfer"])", "Flytte domene, trenger EPP-kode",
                      "Ny leverandør ber om EPP-kode for flytting av domenet.",
                      "Hei Kari,\n\nslå av overføringslåsen under Domener og klikk Hent autorisasjonskode. Koden "
                      "sendes på e-post til eieren av domenet.\n\nHilsen Noah")
        << TicketLine("T-5", "cs", R"(["domains", "transfer"])", "Převod domény k jinému registrátorovi",
                      "Nový registrátor chce AuthInfo kód pro převod domény.",
                      "Dobrý den,\n\nvypněte zámek převodu v sekci Domény a klikněte na Získat autorizační kód. "
                      "Kód přijde e-mailem držiteli domény.\n\nS pozdravem Noah")
        // One unanswered ticket alone is no topic yet.
        << TicketLine("T-6", "en", R"(["shop"])", "Shop checkout shows dollars",
                      "The checkout page of my online shop shows prices in dollars instead of euros.",
                      "Hi Kari,\n\nset the shop currency under Shop settings, Currency, to EUR and republish the "
                      "checkout page.\n\nBest regards,\nNoah");
    Result<indexer::IndexReport> built = indexer::BuildIndex({.content_dir = kb_->content().string(),
                                                              .index_dir = kb_->index().string(),
                                                              .tickets_files = {TicketsPath()}});
    if (!built.ok()) return built.error().ToString();
    if (built->agent_documents != 6) return std::to_string(built->agent_documents) + " agent documents indexed, not 6";
    return "";
  }
  static void TearDownTestSuite() { delete kb_; }
  static std::string TicketsPath() { return (kb_->root() / "tickets.jsonl").string(); }

  static GapReport Report(GapOptions options = {}) {
    auto index = search::Index::Open(kb_->index().string(), search::Viewer::Public());
    auto agent = search::Index::Open(kb_->index().string(), search::Viewer::Agent());
    EXPECT_TRUE(index.ok() && agent.ok());
    Result<GapReport> report = BuildGapReport({}, **index, options, agent->get());
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : GapReport{};
  }

  static TempKb* kb_;
};

TempKb* TicketGapsTest::kb_ = nullptr;

TEST_F(TicketGapsTest, UnansweredTicketsFormOneTopicAcrossLanguages) {
  GapReport report = Report();
  ASSERT_EQ(report.tickets.size(), 1u) << ReportJson(report).dump(2);
  const TicketGap& gap = report.tickets[0];
  EXPECT_EQ(gap.tickets, 3);
  EXPECT_EQ(gap.languages, (std::map<std::string, int>{{"cs", 1}, {"en", 1}, {"nb", 1}}));
  EXPECT_NE(std::find(gap.tags.begin(), gap.tags.end(), "transfer"), gap.tags.end());
  EXPECT_NE(gap.topic.find("transfer"), std::string::npos);
  EXPECT_EQ(gap.expected_tickets, 3);
  ASSERT_FALSE(gap.examples.empty());
  EXPECT_EQ(gap.examples[0].url.rfind("/agent/tickets/", 0), 0u);
}

TEST_F(TicketGapsTest, AnsweredTicketsAndLoneTicketsAreNotTopics) {
  nlohmann::json json = ReportJson(Report());
  const std::string dumped = json["tickets"].dump();
  EXPECT_EQ(dumped.find("T-1"), std::string::npos);
  EXPECT_EQ(dumped.find("T-2"), std::string::npos);
  EXPECT_EQ(dumped.find("T-6"), std::string::npos);
  // From one ticket on, the shop question is a topic too.
  GapReport lenient = Report(GapOptions{.min_tickets = 1});
  EXPECT_EQ(lenient.tickets.size(), 2u);
}

TEST_F(TicketGapsTest, DraftIsAnArticleTheIndexerReadsBack) {
  GapReport report = Report();
  ASSERT_EQ(report.tickets.size(), 1u);
  const TicketGap& gap = report.tickets[0];
  EXPECT_EQ(gap.draft_path, "content/en/transfer-domains.md");
  Result<search::DocumentRecord> draft = indexer::ParseArticle(gap.draft_path, gap.draft_markdown);
  ASSERT_TRUE(draft.ok()) << draft.error().ToString() << "\n" << gap.draft_markdown;
  EXPECT_EQ(draft->language, Language::kEnglish);
  EXPECT_EQ(draft->slug, "transfer-domains");
  // A writer publishes it; until then it is internal.
  EXPECT_EQ(draft->audience, "internal");
  EXPECT_TRUE(draft->reviewed.empty());  // nobody has reviewed a draft
  EXPECT_FALSE(draft->answer.empty());
  EXPECT_NE(draft->html.find("EPP"), std::string::npos);
  // Built from redacted resolutions, without greetings and signatures.
  EXPECT_EQ(gap.draft_markdown.find("kari@example.no"), std::string::npos);
  EXPECT_EQ(gap.draft_markdown.find("Kari"), std::string::npos);
  EXPECT_EQ(gap.draft_markdown.find("Best regards"), std::string::npos);
  // The customer's site and links are not in it; the help centre's own name
  // servers and links are.
  EXPECT_EQ(gap.draft_markdown.find("shop-example.com"), std::string::npos) << gap.draft_markdown;
  EXPECT_EQ(gap.draft_markdown.find("https://shop-example.com/cart"), std::string::npos);
  EXPECT_EQ(gap.draft_markdown.find("/cart"), std::string::npos);
  EXPECT_NE(gap.draft_markdown.find("Transfer my site [domain] away"), std::string::npos) << gap.draft_markdown;
  EXPECT_NE(gap.draft_markdown.find("[url] keeps working"), std::string::npos);
  EXPECT_NE(gap.draft_markdown.find("ns1.nordlyshosting.com"), std::string::npos);
  EXPECT_NE(gap.draft_markdown.find("/articles/connect-domain"), std::string::npos);
  // The other languages' tickets are listed for the translators.
  EXPECT_NE(gap.draft_markdown.find("T-4"), std::string::npos);
  EXPECT_NE(gap.draft_markdown.find("T-5"), std::string::npos);
}

TEST_F(TicketGapsTest, TheCacheServesTheSameGenerationAndNotOtherOptions) {
  auto index = search::Index::Open(kb_->index().string(), search::Viewer::Public());
  auto agent = search::Index::Open(kb_->index().string(), search::Viewer::Agent());
  ASSERT_TRUE(index.ok() && agent.ok());
  TicketGapCache cache;
  Result<GapReport> first = BuildGapReport({}, **index, {}, agent->get(), &cache);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->tickets.size(), 1u);
  // What the cache holds for this generation is what the next report shows.
  std::vector<TicketGap> marked = first->tickets;
  marked[0].topic = "from the cache";
  cache.Store((*index)->generation(), (*agent)->generation(), GapOptions{}, marked);
  Result<GapReport> second = BuildGapReport({}, **index, {}, agent->get(), &cache);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->tickets[0].topic, "from the cache");
  // Other ticket options are computed afresh.
  Result<GapReport> lenient = BuildGapReport({}, **index, GapOptions{.min_tickets = 1}, agent->get(), &cache);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->tickets.size(), 2u);
}

TEST_F(TicketGapsTest, DraftFrontMatterSurvivesAwkwardTitles) {
  indexer::ArticleDraft draft{.id = "draft-x", .title = "Colons: \"quotes\" and # hashes - [brackets]",
                              .language = Language::kRussian, .tags = {"a", "b"},
                              .answer = "yes: no", .body = "Text.\n"};
  Result<search::DocumentRecord> parsed = indexer::ParseArticle("draft.md", indexer::WriteArticle(draft));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->title, draft.title);
  EXPECT_EQ(parsed->answer, "yes: no");
  EXPECT_EQ(parsed->slug, "colons-quotes-and-hashes-brackets");
  EXPECT_EQ(indexer::SlugFrom("Перенос домена"), "perenos-domena");
  EXPECT_EQ(indexer::SlugFrom("Převod domény"), "prevod-domeny");
}

}  // namespace
}  // namespace helpdex::analytics

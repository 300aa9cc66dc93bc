// Tickets through the whole pipeline: export -> redaction -> agent database ->
// agent search. What an agent sees, what a customer never sees, and how a
// re-import updates the index in place.
#include <gtest/gtest.h>

#include <fstream>

#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/json.h"
#include "helpdex/search/searcher.h"

namespace helpdex::indexer {
namespace {

using helpdex::testing::TempKb;

std::string TicketLine(const std::string& id, const std::string& lang, const std::string& status,
                       const std::string& subject, const std::string& problem, const std::string& resolution,
                       const std::string& requester = "Kari Nordmann") {
  return R"({"id": ")" + id + R"(", "subject": ")" + subject + R"(", "lang": ")" + lang + R"(", "status": ")" +
         status + R"(", "tags": ["performance"], "created": "2026-10-02T09:00:00Z", "requester": {"name": ")" +
         requester + R"(", "email": "kari@example.no"}, "messages": [{"role": "customer", "time": "", "text": ")" +
         problem + R"("}, {"role": "agent", "time": "", "text": ")" + resolution + R"("}]})" + "\n";
}

class TicketsIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_.Write("en/slow.md", TempKb::Article("en-slow", "en", "website-slow", "My website is slow",
                                            "Pages load slowly after adding a large banner image.\n\n"
                                            "## Compress images\n\nCompress the banner image.\n",
                                            "public", "[performance]", "slow"));
    kb_.Write("nb/slow.md", TempKb::Article("nb-slow", "nb", "nettsiden-er-treg", "Nettsiden min er treg",
                                            "Sidene laster tregt.\n", "public", "[performance]", "slow"));
    kb_.Write("en/mail.md", TempKb::Article("en-mail", "en", "email-setup", "Setting up e-mail",
                                            "Use IMAP on port 993.\n", "public", "[email]"));
    kb_.Write("internal/esc.md", TempKb::Article("int-esc", "en", "escalation", "Escalation policy",
                                                 "Escalate outages to the on-call engineer.\n", "internal", "[desk]"));
  }

  std::string TicketsPath() const { return (kb_.root() / "tickets.jsonl").string(); }

  void WriteTickets(const std::string& lines) const { std::ofstream(TicketsPath(), std::ios::binary) << lines; }

  IndexReport Build() const {
    Result<IndexReport> report = BuildIndex({.content_dir = kb_.content().string(),
                                             .index_dir = kb_.index().string(),
                                             .tickets_files = {TicketsPath()}});
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : IndexReport{};
  }

  search::SearchResponse Search(const std::string& query, search::Viewer viewer, const std::string& type = "",
                                bool reply_material = false) const {
    auto index = search::Index::Open(kb_.index().string(), viewer, std::chrono::milliseconds(0));
    EXPECT_TRUE(index.ok());
    if (!index.ok()) return {};
    auto searcher = (*index)->AcquireSearcher();
    search::SearchRequest request{
        .query = query, .type = type, .with_reply_material = reply_material, .with_facets = true};
    auto response = (*searcher)->Search(request);
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    return response.ok() ? *response : search::SearchResponse{};
  }

  TempKb kb_;
};

TEST_F(TicketsIndexTest, SolvedTicketsGoToTheAgentDatabaseAndOthersAreCountedAndSkipped) {
  WriteTickets(TicketLine("T-1", "en", "solved", "Site slow after banner", "My site got slow after the banner.",
                          "Compress the banner image to under 200 KB.") +
               TicketLine("T-2", "en", "closed", "Mail not arriving", "No mail since Monday.", "Fixed the MX record.") +
               TicketLine("T-3", "en", "open", "Still waiting", "Nothing works yet.", "We are looking."));
  IndexReport report = Build();
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(report.tickets_skipped, 1);
  EXPECT_EQ(report.public_documents, 3);
  EXPECT_EQ(report.agent_documents, 3);  // two tickets, one internal article

  search::SearchResponse agent = Search("banner slow", search::Viewer::Agent(), "ticket");
  ASSERT_EQ(agent.results.size(), 1u);
  const search::SearchResult& ticket = agent.results[0];
  EXPECT_EQ(ticket.id, "T-1");
  EXPECT_EQ(ticket.type, "ticket");
  EXPECT_EQ(ticket.audience, "internal");
  EXPECT_EQ(ticket.url.rfind("/agent/tickets/T-1", 0), 0u) << ticket.url;
  EXPECT_NE(ticket.problem.find("slow after the banner"), std::string::npos);
  EXPECT_NE(ticket.resolution.find("Compress the banner image"), std::string::npos);
  EXPECT_TRUE(Search("still waiting", search::Viewer::Agent(), "ticket").results.empty());
}

TEST_F(TicketsIndexTest, ThePublicNeverSeesATicketThroughSearchSpellingOrCounts) {
  WriteTickets(TicketLine("T-1", "en", "solved", "Zqxjkvcanary problem", "zqxjkvcanary broke my site.",
                          "Removed the zqxjkvcanary plugin."));
  Build();
  search::SearchResponse exact = Search("zqxjkvcanary", search::Viewer::Public());
  EXPECT_EQ(exact.total, 0u);
  EXPECT_TRUE(exact.results.empty());
  EXPECT_FALSE(exact.did_you_mean.has_value());
  search::SearchResponse misspelled = Search("zqxjkvcanari", search::Viewer::Public());
  EXPECT_FALSE(misspelled.did_you_mean.has_value()) << *misspelled.did_you_mean;
  EXPECT_EQ(Search("", search::Viewer::Public()).facets["type"].count("ticket"), 0u);
  EXPECT_EQ(search::SearchResponseToJson(Search("site", search::Viewer::Public())).find("zqxjkv"),
            std::string::npos);
  auto index = search::Index::Open(kb_.index().string(), search::Viewer::Public());
  ASSERT_TRUE(index.ok());
  auto searcher = (*index)->AcquireSearcher();
  EXPECT_EQ((*searcher)->GetTicket("T-1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*searcher)->DocumentCount(), 3u);
  EXPECT_EQ(Search("zqxjkvcanary", search::Viewer::Agent()).results.size(), 1u);
}

TEST_F(TicketsIndexTest, PersonalDataIsRedactedBeforeIndexingAndCounted) {
  WriteTickets(TicketLine("T-1", "nb", "solved", "Treg side",
                          "Hei, nettsiden er treg. Ring meg på 912 34 567 eller skriv til kari.privat@example.no. "
                          "Kortet mitt 4111 1111 1111 1111 ble belastet. Mvh Kari Nordmann",
                          "Hei Kari, vi har komprimert bildet. Ordrenummer 100234."));
  IndexReport report = Build();
  EXPECT_EQ(report.failed, 0);
  EXPECT_GE(report.redactions.by_kind["phone"], 1);
  EXPECT_GE(report.redactions.by_kind["email"], 1);
  EXPECT_GE(report.redactions.by_kind["card"], 1);
  EXPECT_GE(report.redactions.by_kind["name"], 2);

  const std::string json =
      search::SearchResponseToJson(Search("treg side", search::Viewer::Agent(), "ticket", true));
  for (const char* secret : {"912 34 567", "kari.privat", "4111", "Nordmann", "Kari,"}) {
    EXPECT_EQ(json.find(secret), std::string::npos) << secret << " in " << json;
  }
  EXPECT_NE(json.find("[phone]"), std::string::npos) << json;
  EXPECT_NE(json.find("100234"), std::string::npos) << "an order number is not personal data";
  // Nothing personal is searchable either, not even by an agent.
  EXPECT_TRUE(Search("4111111111111111", search::Viewer::Agent()).results.empty());
  EXPECT_TRUE(Search("nordmann", search::Viewer::Agent()).results.empty());
}

TEST_F(TicketsIndexTest, ReimportingUpdatesInPlaceAndADroppedTicketLeaves) {
  WriteTickets(TicketLine("T-1", "en", "solved", "Slow site", "Slow.", "Compress images.") +
               TicketLine("T-2", "en", "solved", "Mail", "No mail.", "Fixed MX."));
  EXPECT_EQ(Build().agent_documents, 3);

  IndexReport unchanged = Build();
  EXPECT_EQ(unchanged.indexed, 0);
  EXPECT_EQ(unchanged.agent_documents, 3);

  WriteTickets(TicketLine("T-1", "en", "solved", "Slow site", "Slow.", "Turn on the CDN instead."));
  IndexReport updated = Build();
  EXPECT_EQ(updated.indexed, 1);
  EXPECT_EQ(updated.removed, 1);
  EXPECT_EQ(updated.agent_documents, 2);
  search::SearchResponse response = Search("slow site", search::Viewer::Agent(), "ticket");
  ASSERT_EQ(response.results.size(), 1u);
  EXPECT_NE(response.results[0].resolution.find("CDN"), std::string::npos);
  EXPECT_TRUE(Search("MX", search::Viewer::Agent(), "ticket").results.empty());
}

TEST_F(TicketsIndexTest, AMalformedLineFailsAloneAndAnUnreadableExportKeepsThePublishedTickets) {
  WriteTickets(TicketLine("T-1", "en", "solved", "Slow site", "Slow.", "Compress images.") + "{not json\n" +
               TicketLine("T-2", "en", "solved", "Mail", "No mail.", "Fixed MX."));
  IndexReport report = Build();
  EXPECT_EQ(report.failed, 1);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].where.find("tickets.jsonl:2"), std::string::npos) << report.errors[0].ToString();
  EXPECT_EQ(report.agent_documents, 3);

  std::filesystem::remove(TicketsPath());
  std::filesystem::create_directory(TicketsPath());  // unreadable as a file
  Result<IndexReport> broken = BuildIndex({.content_dir = kb_.content().string(),
                                           .index_dir = kb_.index().string(),
                                           .tickets_files = {TicketsPath()}});
  ASSERT_TRUE(broken.ok());
  EXPECT_EQ(broken->failed, 1);
  EXPECT_EQ(broken->agent_documents, 3);
}

TEST_F(TicketsIndexTest, TicketAndArticleIdsLiveInSeparateSpaces) {
  WriteTickets(TicketLine("en-slow", "en", "solved", "Slow site", "Slow.", "Compress images."));
  IndexReport report = Build();
  EXPECT_EQ(report.failed, 0) << (report.errors.empty() ? "" : report.errors[0].ToString());
  EXPECT_EQ(report.agent_documents, 2);
}

TEST_F(TicketsIndexTest, AgentResultsCarryTranslatedAnswersAndRelatedArticles) {
  WriteTickets(TicketLine("T-1", "en", "solved", "Site slow after banner",
                          "My website pages load slowly since I added a large banner image.",
                          "Compress the banner image; pages load fast again."));
  Build();
  search::SearchResponse response = Search("website slow", search::Viewer::Agent(), "", true);
  const search::SearchResult* article = nullptr;
  const search::SearchResult* ticket = nullptr;
  for (const search::SearchResult& result : response.results) {
    if (result.id == "en-slow") article = &result;
    if (result.id == "T-1") ticket = &result;
  }
  ASSERT_NE(article, nullptr);
  ASSERT_NE(ticket, nullptr);
  ASSERT_EQ(article->answers.size(), 1u);
  EXPECT_EQ(article->answers[0].lang, "nb");
  EXPECT_EQ(article->answers[0].answer, "Short answer for nb-slow.");
  ASSERT_FALSE(ticket->related.empty());
  EXPECT_EQ(ticket->related[0].id, "en-slow");  // the article that covers the ticket
  for (const search::DocumentLink& link : article->related) {
    EXPECT_NE(link.id, "en-slow");
    EXPECT_NE(link.id, "nb-slow") << "a translation is not a related article";
  }

  auto index = search::Index::Open(kb_.index().string(), search::Viewer::Agent());
  auto searcher = (*index)->AcquireSearcher();
  Result<std::vector<search::DocumentLink>> related = (*searcher)->RelatedArticles("ticket", "T-1", 3);
  ASSERT_TRUE(related.ok());
  ASSERT_FALSE(related->empty());
  EXPECT_EQ((*related)[0].id, "en-slow");
  EXPECT_EQ((*searcher)->RelatedArticles("ticket", "nope", 3).error().code, ErrorCode::kNotFound);
  Result<search::DocumentRecord> record = (*searcher)->GetTicket("T-1");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->title, "Site slow after banner");
}

TEST_F(TicketsIndexTest, ALanguageIsDetectedWhenTheExportGivesNone) {
  WriteTickets(TicketLine("T-9", "", "solved", "Сайт работает медленно",
                          "Здравствуйте, мой сайт стал очень медленно загружаться после обновления.",
                          "Мы включили кеширование, теперь страницы загружаются быстро."));
  Build();
  search::SearchResponse response = Search("медленно", search::Viewer::Agent(), "ticket");
  ASSERT_EQ(response.results.size(), 1u);
  EXPECT_EQ(response.results[0].lang, "ru");
}

}  // namespace
}  // namespace helpdex::indexer

namespace helpdex::indexer {
namespace {

// Issue 18: the agent console showed tickets' raw Markdown. Each message is
// kept with its role and time; an agent's also as its visible text (Markdown
// markup stripped at index time, never rendered); a customer's as written.
TEST_F(TicketsIndexTest, MessagesAreKeptAndAgentMarkdownIsStrippedNeverRendered) {
  WriteTickets(
      R"json({"id": "T-9", "subject": "Invoice zqxjkvmd", "lang": "en", "status": "solved", "created": "2026-12-03T14:05:00Z", )json"
      R"json("messages": [{"role": "customer", "time": "2026-12-03T14:05:00Z", "text": "I **cannot** <script>alert(1)</script>"}, )json"
      R"json({"role": "agent", "time": "2026-12-03T14:40:00Z", "text": "**Open Billing**\n\n- <script>alert(2)</script>\n- [details](javascript:alert(3))"}]})json"
      "\n");
  Build();
  auto index = search::Index::Open(kb_.index().string(), search::Viewer::Agent(), std::chrono::milliseconds(0));
  ASSERT_TRUE(index.ok());
  auto searcher = (*index)->AcquireSearcher();
  ASSERT_TRUE(searcher.ok());
  Result<search::DocumentRecord> ticket = (*searcher)->GetTicket("T-9");
  ASSERT_TRUE(ticket.ok()) << ticket.error().ToString();
  ASSERT_EQ(ticket->messages.size(), 2u);
  const search::TicketMessage& customer = ticket->messages[0];
  EXPECT_EQ(customer.role, "customer");
  EXPECT_EQ(customer.time, "2026-12-03T14:05:00Z");
  EXPECT_EQ(customer.text, "I **cannot** <script>alert(1)</script>");
  EXPECT_EQ(customer.text_plain, "");
  const search::TicketMessage& agent = ticket->messages[1];
  EXPECT_EQ(agent.role, "agent");
  EXPECT_EQ(agent.text_plain, "Open Billing\n\n• <script>alert(2)</script>\n• details");
  // The problem and resolution are still the joined messages (snippets, JSON).
  EXPECT_EQ(ticket->problem, customer.text);
  EXPECT_EQ(ticket->resolution, agent.text);

  // The console's results carry the thread too.
  search::SearchResponse response = Search("zqxjkvmd", search::Viewer::Agent(), "ticket", /*reply_material=*/true);
  ASSERT_EQ(response.results.size(), 1u);
  EXPECT_EQ(response.results[0].messages.size(), 2u);
}

}  // namespace
}  // namespace helpdex::indexer

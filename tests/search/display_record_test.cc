// Unit tests for the display record (search/document.h DisplayRecord): what
// results, cards, completions and links show is read from two value slots,
// never from the stored body, and a damaged slot is an error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/shared_set_up.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/document.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {
namespace {

DocumentRecord Article() {
  DocumentRecord record;
  record.id = "en-reset";
  record.title = "Reset your password";
  record.language = Language::kEnglish;
  record.slug = "reset-password";
  record.tags = {"account", "sign-in"};
  record.translation_key = "reset";
  record.reviewed = "2026-10-01";
  record.answer = "Use **Forgot password** on the sign-in page.";
  record.answer_text = "Use Forgot password on the sign-in page.";
  record.answer_html = "<p>Use <strong>Forgot password</strong> on the sign-in page.</p>";
  record.html = "<p>Intro</p><h2 id=\"no-mail\">No e-mail arrives</h2><p>Check spam.</p>";
  record.sections = {Section{"", "", ""}, Section{"", "", "Open the sign-in page – ærlig talt, ğüşiöç."},
                     Section{"no-mail", "No e-mail arrives", "Check the spam folder."}};
  record.links = {"/articles/x?lang=en"};
  record.source_path = "en/reset.md";
  return record;
}

DocumentRecord Ticket() {
  DocumentRecord record;
  record.id = "T-7";
  record.type = std::string(schema::kTypeTicket);
  record.audience = std::string(schema::kAudienceInternal);
  record.title = "Cannot sign in";
  record.problem = "I get [email] errors when signing in.";
  record.resolution = "Cleared the session; it works.";
  record.created = "2026-09-01T10:00:00Z";
  return record;
}

TEST(DisplayRecordTest, ReadsWhatIsShownWithoutTheSectionTexts) {
  const Xapian::Document doc = BuildDocument(Article());
  Result<DisplayRecord> shown = ReadDisplayRecord(doc);
  ASSERT_TRUE(shown.ok()) << shown.error().ToString();
  EXPECT_EQ(shown->id, "en-reset");
  EXPECT_EQ(shown->title, "Reset your password");
  EXPECT_EQ(shown->tags, (std::vector<std::string>{"account", "sign-in"}));
  EXPECT_EQ(shown->answer_html, Article().answer_html);
  EXPECT_EQ(DocumentUrl(*shown), "/articles/reset-password?lang=en");
  ASSERT_EQ(shown->sections.size(), 3u);
  EXPECT_EQ(shown->sections[2].anchor, "no-mail");
  EXPECT_EQ(shown->sections[2].title, "No e-mail arrives");
  for (const Section& section : shown->sections) EXPECT_TRUE(section.text.empty());
  // A card without an answer shows the opening, cut on a character boundary.
  EXPECT_EQ(OpeningText(*shown, 1000), "Open the sign-in page – ærlig talt, ğüşiöç.");
  EXPECT_EQ(OpeningText(*shown, 21), "Open the sign-in page…");
  EXPECT_EQ(OpeningText(*shown, 24), "Open the sign-in page …");  // "–" is bytes 23-25: not cut in half

  Result<DisplayRecord> with_texts = ReadDisplayRecord(doc, SectionTexts::kRead);
  ASSERT_TRUE(with_texts.ok());
  EXPECT_EQ(with_texts->sections[2].text, "Check the spam folder.");
}

TEST(DisplayRecordTest, TheWholeRecordStillReadsBack) {
  Result<DocumentRecord> article = ReadDocumentRecord(BuildDocument(Article()));
  ASSERT_TRUE(article.ok()) << article.error().ToString();
  EXPECT_EQ(article->html, Article().html);
  EXPECT_EQ(article->links, Article().links);
  EXPECT_EQ(article->sections[1].text, Article().sections[1].text);
  EXPECT_EQ(article->sections[2].title, "No e-mail arrives");

  Result<DocumentRecord> ticket = ReadDocumentRecord(BuildDocument(Ticket()));
  ASSERT_TRUE(ticket.ok()) << ticket.error().ToString();
  EXPECT_EQ(ticket->problem, Ticket().problem);
  EXPECT_EQ(ticket->resolution, Ticket().resolution);
  Result<DisplayRecord> shown = ReadDisplayRecord(BuildDocument(Ticket()));
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(DocumentUrl(*shown), "/agent/tickets/T-7");
  EXPECT_TRUE(shown->problem.empty());
  EXPECT_EQ(ReadDisplayRecord(BuildDocument(Ticket()), SectionTexts::kRead)->resolution, Ticket().resolution);
}

TEST(DisplayRecordTest, CarriesTheCategory) {
  DocumentRecord record = Article();
  record.category = "account";
  record.category_title = "Account & sign-in";
  record.category_description = "Passwords.";
  record.category_rank = 4;
  record.category_article_rank = 0;
  const Xapian::Document doc = BuildDocument(record);
  Result<DisplayRecord> shown = ReadDisplayRecord(doc);
  ASSERT_TRUE(shown.ok()) << shown.error().ToString();
  EXPECT_EQ(shown->category, "account");
  EXPECT_EQ(shown->category_title, "Account & sign-in");
  EXPECT_EQ(shown->category_description, "Passwords.");
  EXPECT_EQ(shown->category_rank, 4);
  EXPECT_EQ(shown->category_article_rank, 0);
  Result<DocumentRecord> whole = ReadDocumentRecord(doc);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->category_title, "Account & sign-in");
  EXPECT_EQ(doc.get_value(schema::kSlotListOrder), "00040000en-reset");
  EXPECT_EQ(BuildDocument(Article()).get_value(schema::kSlotListOrder), "99999999en-reset");
}

TEST(DisplayRecordTest, ASlotWrittenBeforeCategoriesIsStillRead) {
  Xapian::Document doc = BuildDocument(Article());
  const std::string display = doc.get_value(schema::kSlotDisplay);
  // Version 1 ended before the five category fields: "", "", "", "-1", "-1".
  const std::string categories("\x00\x00\x00\x02-1\x02-1", 9);
  ASSERT_EQ(display.substr(display.size() - categories.size()), categories);
  doc.add_value(schema::kSlotDisplay, "\x01" + display.substr(1, display.size() - 1 - categories.size()));
  Result<DisplayRecord> shown = ReadDisplayRecord(doc);
  ASSERT_TRUE(shown.ok()) << shown.error().ToString();
  EXPECT_EQ(shown->title, "Reset your password");
  EXPECT_EQ(shown->category, "");
}

TEST(DisplayRecordTest, ADamagedSlotIsAnErrorNotAHalfCard) {
  Xapian::Document doc = BuildDocument(Article());
  const std::string display = doc.get_value(schema::kSlotDisplay);
  for (size_t cut : {size_t{1}, display.size() / 2, display.size() - 1}) {
    doc.add_value(schema::kSlotDisplay, display.substr(0, cut));
    EXPECT_FALSE(ReadDisplayRecord(doc).ok()) << "cut at " << cut;
  }
  doc.add_value(schema::kSlotDisplay, display + "x");
  EXPECT_FALSE(ReadDisplayRecord(doc).ok()) << "bytes left over";
  doc.add_value(schema::kSlotDisplay, "\x03" + display.substr(1));
  EXPECT_FALSE(ReadDisplayRecord(doc).ok()) << "another version";

  Xapian::Document texts = BuildDocument(Article());
  texts.add_value(schema::kSlotSectionText, texts.get_value(schema::kSlotSectionText).substr(0, 5));
  EXPECT_TRUE(ReadDisplayRecord(texts).ok());  // the texts are not read for a card
  EXPECT_FALSE(ReadDisplayRecord(texts, SectionTexts::kRead).ok());
  EXPECT_FALSE(ReadDocumentRecord(texts).ok());
}

TEST(DisplayRecordTest, ADocumentIndexedBeforeTheSlotsIsReadFromItsData) {
  // What an older helpdex stored: the whole record, texts included, in the data.
  Xapian::Document old;
  old.set_data(nlohmann::json{{"id", "nb-old"},
                              {"type", "article"},
                              {"title", "Gammel artikkel"},
                              {"lang", "nb"},
                              {"slug", "gammel"},
                              {"audience", "public"},
                              {"sections", {{{"anchor", ""}, {"title", ""}, {"text", "Første avsnitt."}}}}}
                   .dump());
  Result<DisplayRecord> shown = ReadDisplayRecord(old);
  ASSERT_TRUE(shown.ok()) << shown.error().ToString();
  EXPECT_EQ(shown->title, "Gammel artikkel");
  EXPECT_EQ(DocumentUrl(*shown), "/articles/gammel?lang=nb");
  EXPECT_EQ(OpeningText(*shown, 100), "Første avsnitt.");
  EXPECT_TRUE(shown->sections[0].text.empty());
  EXPECT_EQ(ReadDisplayRecord(old, SectionTexts::kRead)->sections[0].text, "Første avsnitt.");
}

// Results, answer cards, completions and translations come from the slots:
// with every document's data replaced by bytes that are no record at all,
// they are still complete.
class DisplayWithoutBodyTest : public SharedSetUpTest<DisplayWithoutBodyTest> {
 protected:
  friend class SharedSetUpTest<DisplayWithoutBodyTest>;
  static std::string BuildSharedState() {
    kb_ = new testing::TempKb();
    kb_->Write("en/reset.md", testing::TempKb::Article(
                                  "en-reset", "en", "reset-password", "Reset your password",
                                  "Open the sign-in page.\n\n## No e-mail arrives\n\nCheck the spam folder for the reset link.\n",
                                  "public", "[account]", "reset"));
    kb_->Write("nb/reset.md", testing::TempKb::Article("nb-reset", "nb", "tilbakestill-passord",
                                                       "Tilbakestill passordet", "Åpne innloggingssiden.\n",
                                                       "public", "[account]", "reset"));
    Result<indexer::IndexReport> report =
        indexer::BuildIndex({.content_dir = kb_->content().string(), .index_dir = kb_->index().string()});
    if (!report.ok()) return report.error().ToString();
    if (report->failed != 0) return "articles failed to index";
    try {
      // A stub naming one database opens for writing.
      Xapian::WritableDatabase db(PublicStubPath(kb_->index()).string(), Xapian::DB_OPEN);
      for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id) {
        Xapian::Document doc = db.get_document(id);
        doc.set_data("not a record");
        db.replace_document(id, doc);
      }
      db.commit();
    } catch (const Xapian::Error& e) {
      return "replacing the data: " + e.get_description();
    }
    return "";
  }
  static void TearDownTestSuite() { delete kb_; }

  static Searcher& Public() {
    static auto index = Index::Open(kb_->index().string(), Viewer::Public());
    static auto searcher = (*index)->AcquireSearcher();
    return **searcher;
  }

  static testing::TempKb* kb_;
};

testing::TempKb* DisplayWithoutBodyTest::kb_ = nullptr;

TEST_F(DisplayWithoutBodyTest, ResultsShowTitleAnswerSnippetAndSection) {
  Result<SearchResponse> response = Public().Search({.query = "spam folder", .language = Language::kEnglish});
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  ASSERT_FALSE(response->results.empty());
  const SearchResult& first = response->results[0];
  EXPECT_EQ(first.id, "en-reset");
  EXPECT_EQ(first.title, "Reset your password");
  EXPECT_EQ(first.answer, "Short answer for en-reset.");
  EXPECT_EQ(first.section_title, "No e-mail arrives");
  EXPECT_EQ(first.url, "/articles/reset-password?lang=en#no-e-mail-arrives");
  EXPECT_NE(first.snippet.find("<mark>spam</mark>"), std::string::npos) << first.snippet;
  ASSERT_EQ(first.translations.size(), 1u);
  EXPECT_EQ(first.translations[0].url, "/articles/tilbakestill-passord?lang=nb");
}

TEST_F(DisplayWithoutBodyTest, CardsAndCompletionsShowTheirText) {
  Result<SuggestResponse> typed = Public().Suggest({.text = "reset your pass", .language = Language::kEnglish});
  ASSERT_TRUE(typed.ok()) << typed.error().ToString();
  ASSERT_FALSE(typed->answers.empty());
  EXPECT_EQ(typed->answers[0].title, "Reset your password");
  EXPECT_EQ(typed->answers[0].answer, "Short answer for en-reset.");
  ASSERT_FALSE(typed->completions.empty());
  EXPECT_EQ(typed->completions[0], "Reset your password");
  Result<SuggestResponse> heading = Public().Suggest({.text = "no e-mail arr", .language = Language::kEnglish});
  ASSERT_TRUE(heading.ok());
  EXPECT_NE(std::find(heading->completions.begin(), heading->completions.end(), "No e-mail arrives"),
            heading->completions.end());
}

}  // namespace
}  // namespace helpdex::search

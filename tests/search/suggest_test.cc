// Unit tests for Searcher::Suggest (as-you-type answers) over a small index
// built by the real indexer: partial words, typos, pasted paragraphs,
// completions, visibility and bounds.
#include <gtest/gtest.h>

#include <algorithm>

#include "../support/shared_set_up.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {
namespace {

using helpdex::testing::TempKb;

class SuggestTest : public SharedSetUpTest<SuggestTest> {
 protected:
  friend class SharedSetUpTest<SuggestTest>;
  // SharedSetUpTest: "" when the index is built, else what went wrong.
  static std::string BuildSharedState() {
    kb_ = new TempKb();
    kb_->Write("en/password.md",
               TempKb::Article("en-password", "en", "reset-password", "Resetting your password or when you can't log in",
                               "Open the login page and choose forgot password. We e-mail a reset link to you.\n\n"
                               "## Choose a strong password\n\nUse a long passphrase and a password manager.\n",
                               "public", "[account]", "password"));
    kb_->Write("nb/password.md",
               TempKb::Article("nb-password", "nb", "nullstill-passord", "Nullstille passordet ditt",
                               "Åpne innloggingssiden og velg glemt passord. Vi sender en lenke på e-post.\n\n"
                               "## Velg et sterkt passord\n\nBruk en lang passordfrase.\n",
                               "public", "[account]", "password"));
    kb_->Write("en/mail.md", TempKb::Article("en-mail", "en", "email-setup", "Setting up e-mail in Outlook",
                                             "Use IMAP on port 993 with encryption. Outgoing SMTP uses port 587.\n\n"
                                             "## Passwords in mail clients\n\nThe mail client asks once.\n",
                                             "public", "[email]", "mail"));
    kb_->Write("nb/mail.md", TempKb::Article("nb-mail", "nb", "e-post-oppsett", "Sette opp e-post i Outlook",
                                             "Bruk IMAP på port 993 med kryptering. Utgående SMTP bruker port 587.\n",
                                             "public", "[email]", "mail"));
    kb_->Write("en/slow.md", TempKb::Article("en-slow", "en", "website-slow", "My website is slow",
                                             "Pages load slowly.\n\n## Turn on caching\n\nCaching makes sites faster.\n",
                                             "public", "[performance]", "slow"));
    kb_->Write("el/slow.md", TempKb::Article("el-slow", "el", "argos-istotopos", "Ο ιστότοπός μου είναι αργός",
                                             "Οι σελίδες φορτώνουν αργά. Ελέγξτε τον διακομιστή.\n", "public",
                                             "[performance]", "slow"));
    kb_->Write("ru/password.md", TempKb::Article("ru-password", "ru", "sbros-parolya", "Как сбросить пароль",
                                                 "Откройте страницу входа и нажмите «Забыли пароль».\n", "public",
                                                 "[account]", "password"));
    kb_->Write("internal/esc.md", TempKb::Article("int-esc", "en", "escalation", "Passwordless escalation policy",
                                                  "Escalate password problems to ops.\n", "internal", "[desk]"));
    // No vetted answer: the card falls back to the opening text.
    kb_->Write("en/billing.md",
               "---\nid: en-billing\ntitle: \"Invoices and billing\"\nlang: en\nslug: billing\ntags: [billing]\n"
               "audience: public\ntranslation_key: billing\nreviewed: 2026-10-01\n---\n"
               "Invoices are sent on the first day of each month to the billing contact.\n");
    Result<indexer::IndexReport> report =
        indexer::BuildIndex({.content_dir = kb_->content().string(), .index_dir = kb_->index().string()});
    if (!report.ok()) return report.error().ToString();
    if (report->failed != 0) return std::to_string(report->failed) + " articles failed to index";
    return "";
  }
  static void TearDownTestSuite() { delete kb_; }

  static Result<SuggestResponse> Raw(SuggestRequest request, Viewer viewer = Viewer::Public()) {
    auto index = Index::Open(kb_->index().string(), viewer);
    EXPECT_TRUE(index.ok());
    auto searcher = (*index)->AcquireSearcher();
    return (*searcher)->Suggest(request);
  }
  static SuggestResponse Suggest(SuggestRequest request, Viewer viewer = Viewer::Public()) {
    Result<SuggestResponse> response = Raw(request, viewer);
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    return response.ok() ? *response : SuggestResponse{};
  }
  static std::string TopId(const std::string& text, std::optional<Language> language = Language::kEnglish) {
    SuggestResponse response = Suggest({.text = text, .language = language});
    return response.answers.empty() ? "" : response.answers[0].id;
  }

  static TempKb* kb_;
};

TempKb* SuggestTest::kb_ = nullptr;

TEST_F(SuggestTest, PartialLastWordFindsTheArticle) {
  EXPECT_EQ(TopId("how do I reset my pass"), "en-password");
  EXPECT_EQ(TopId("passw"), "en-password");
  EXPECT_EQ(TopId("imap po"), "en-mail");
}

TEST_F(SuggestTest, StartsAtTheThirdCharacter) {
  SuggestResponse two = Suggest({.text = " pa ", .language = Language::kEnglish});
  EXPECT_TRUE(two.answers.empty());
  EXPECT_TRUE(two.completions.empty());
  EXPECT_FALSE(Suggest({.text = "pas", .language = Language::kEnglish}).answers.empty());
  // Code points, not bytes: two Greek letters are four bytes and still too few.
  EXPECT_TRUE(Suggest({.text = "αρ", .language = Language::kGreek}).answers.empty());
}

TEST_F(SuggestTest, OneTypoInALongWord) {
  EXPECT_EQ(TopId("pasword reset"), "en-password");
  EXPECT_EQ(TopId("passwrod"), "en-password");
  EXPECT_EQ(TopId("caching"), "en-slow");
  // A five-letter Greek word with one letter wrong ("σελίδες" -> "σελίδεσ" is
  // normalisation; "αργόσ" -> "αργόζ" is a typo).
  EXPECT_EQ(TopId("αργόζ ", Language::kGreek), "el-slow");
  // Cyrillic letters are two bytes each; "пароль" with one letter wrong.
  EXPECT_EQ(TopId("сбросить паролб ", Language::kRussian), "ru-password");
  EXPECT_EQ(TopId("паролб", Language::kRussian), "ru-password");
}

TEST_F(SuggestTest, PastedParagraphFindsTheRightArticle) {
  const std::string english =
      "Hello, I have been trying all morning to get into my account but it keeps telling me that something is "
      "wrong. I clicked the link on the login page where it says forgot password and waited for the e-mail with "
      "the reset link but nothing arrived, not even in the spam folder. My colleague says I should pick a "
      "strong passphrase this time and keep it in a password manager, which is fine, but first I need to get "
      "back in. Could you please help me with this as soon as possible, because I have a deadline today.";
  EXPECT_EQ(TopId(english), "en-password");
  const std::string norwegian =
      "Hei, jeg har prøvd hele morgenen å komme inn på kontoen min, men det går ikke. Jeg trykket på glemt passord "
      "på innloggingssiden og ventet på lenken på e-post, men ingenting kom, heller ikke i søppelposten. En "
      "kollega sier at jeg bør velge et sterkt passord denne gangen og bruke en lang passordfrase, og det er "
      "greit, men først må jeg komme inn igjen. Kan dere hjelpe meg så fort som mulig, for jeg har en frist i dag.";
  EXPECT_EQ(TopId(norwegian, Language::kNorwegian), "nb-password");
  EXPECT_EQ(TopId(norwegian, Language::kEnglish), "nb-password");  // the text says what it is written in
}

// A long pasted description whose first sentences mention other articles'
// words: the key words are many more than the first few, so the words of the
// real problem, further on, still decide.
TEST_F(SuggestTest, LongPastedDescriptionRanksTheRightArticleFirst) {
  const std::string text =
      "Our website is slow today and the pages load slowly, and last month the invoices for billing came late, "
      "but that is not why I write. I set up e-mail in Outlook on my new laptop this week: I chose IMAP with "
      "port 993 and encryption, and outgoing SMTP on port 587 as the guide says, yet the mail client keeps "
      "asking for the password of my mail account again and again. What should I change in Outlook so that "
      "the mail client stops asking and just works?";
  EXPECT_EQ(TopId(text), "en-mail");
  // Typed on: the same while the last word is only a prefix.
  EXPECT_EQ(TopId(text.substr(0, text.size() - 8)), "en-mail");
}

TEST_F(SuggestTest, CompletionsComeFromTitlesAndHeadingsInThePageLanguageFirst) {
  SuggestResponse response = Suggest({.text = "sett", .language = Language::kNorwegian});
  ASSERT_FALSE(response.completions.empty());
  EXPECT_EQ(response.completions[0], "Sette opp e-post i Outlook");
  // Another language's title completes nothing a Norwegian customer types.
  EXPECT_EQ(std::find(response.completions.begin(), response.completions.end(), "Setting up e-mail in Outlook"),
            response.completions.end());
  SuggestResponse english = Suggest({.text = "sett", .language = Language::kEnglish});
  ASSERT_FALSE(english.completions.empty());
  EXPECT_EQ(english.completions[0], "Setting up e-mail in Outlook");
  // A heading, and a completion of the last words typed.
  SuggestResponse heading = Suggest({.text = "I want to choose a str", .language = Language::kEnglish});
  EXPECT_NE(std::find(heading.completions.begin(), heading.completions.end(), "Choose a strong password"),
            heading.completions.end());
  // Titles and headings that start with the last words typed.
  SuggestResponse last = Suggest({.text = "I forgot my passw", .language = Language::kEnglish, .max_completions = 8});
  EXPECT_NE(std::find(last.completions.begin(), last.completions.end(), "Passwords in mail clients"),
            last.completions.end());
  // The answers' titles fill up when no title starts with the text.
  SuggestResponse typed = Suggest({.text = "how do I reset my pass", .language = Language::kEnglish});
  EXPECT_NE(std::find(typed.completions.begin(), typed.completions.end(),
                      "Resetting your password or when you can't log in"),
            typed.completions.end());
  EXPECT_LE(Suggest({.text = "pass", .language = Language::kEnglish, .max_completions = 2}).completions.size(), 2u);
}

TEST_F(SuggestTest, AnswerCardsCarryTheAnswerInThePageLanguage) {
  SuggestResponse response = Suggest({.text = "imap", .language = Language::kNorwegian});
  ASSERT_FALSE(response.answers.empty());
  EXPECT_EQ(response.answers[0].id, "nb-mail");
  // Translations collapse into one card.
  for (const AnswerCard& card : response.answers) EXPECT_NE(card.id, "en-mail");
  EXPECT_EQ(response.answers[0].url, "/articles/e-post-oppsett?lang=nb");
  EXPECT_EQ(response.answers[0].answer, "Short answer for nb-mail.");
  EXPECT_FALSE(response.answers[0].answer_html.empty());
  SuggestResponse billing = Suggest({.text = "invoices", .language = Language::kEnglish});
  ASSERT_FALSE(billing.answers.empty());
  EXPECT_EQ(billing.answers[0].id, "en-billing");
  EXPECT_NE(billing.answers[0].answer.find("Invoices are sent"), std::string::npos) << billing.answers[0].answer;
}

TEST_F(SuggestTest, InternalArticlesNeverReachThePublic) {
  for (const std::string text : {"passwordl", "escalation", "Passwordless escalation", "esca"}) {
    SuggestResponse response = Suggest({.text = text, .language = Language::kEnglish, .max_completions = 8});
    for (const AnswerCard& card : response.answers) EXPECT_NE(card.id, "int-esc") << text;
    for (const std::string& completion : response.completions) {
      EXPECT_EQ(completion.find("escalation"), std::string::npos) << text;
    }
  }
  SuggestResponse agent = Suggest({.text = "escalation", .language = Language::kEnglish}, Viewer::Agent());
  ASSERT_FALSE(agent.answers.empty());
  EXPECT_EQ(agent.answers[0].id, "int-esc");
}

TEST_F(SuggestTest, RejectsTooLongAndInvalidInput) {
  Result<SuggestResponse> too_long = Raw({.text = std::string(kMaxQueryBytes + 1, 'a')});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kQueryTooLong);
  EXPECT_EQ(too_long.error().where, "q");
  Result<SuggestResponse> invalid = Raw({.text = "pass\xff\xfeword"});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(invalid.error().where, "q");
}

TEST_F(SuggestTest, WildcardLikeAndHugeInputIsBounded) {
  EXPECT_TRUE(Raw({.text = "a*"}).ok());
  EXPECT_TRUE(Raw({.text = "aaa*"}).ok());
  EXPECT_TRUE(Raw({.text = "p* a* s* e* o* r* t* ((( \"\"\" --"}).ok());
  std::string many;
  while (many.size() + 4 < kMaxQueryBytes) many += "pa ";
  EXPECT_TRUE(Raw({.text = many, .max_completions = 100, .max_answers = 100}).ok());
  SuggestResponse bounded = Suggest({.text = "passw", .max_completions = 100, .max_answers = 100});
  EXPECT_LE(bounded.completions.size(), kMaxCompletions);
  EXPECT_LE(bounded.answers.size(), kMaxAnswerCards);
}

}  // namespace
}  // namespace helpdex::search

// Tests for "did you mean" (helpdex/search/spelling.h and its use in
// Searcher::Search and Searcher::Suggest) over the repository's own content/
// knowledge base, indexed by the real indexer, with the Hunspell dictionaries
// tools/deps installs: correctly spelled everyday questions get no
// correction; misspellings get the right word in its display spelling, in the
// query's language, from the public index's vocabulary only.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../support/content_index.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/json.h"
#include "helpdex/search/searcher.h"
#include "helpdex/search/spelling.h"

namespace helpdex::search {
namespace {

namespace fs = std::filesystem;
using helpdex::testing::TempKb;

class SpellingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { content_ = new testing::ContentIndex(); }
  static void TearDownTestSuite() { delete content_; }
  void SetUp() override { ASSERT_TRUE(content_->ok()) << "content/ could not be indexed"; }

  // The search as the results page runs it: the page's language is the
  // query's language (ui=), not a filter.
  static SearchResponse Search(const std::string& query, Language page) {
    auto searcher = content_->index().AcquireSearcher();
    EXPECT_TRUE(searcher.ok());
    Result<SearchResponse> response = (*searcher)->Search({.query = query, .query_language = page});
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    return response.ok() ? *response : SearchResponse{};
  }

  static testing::ContentIndex* content_;
};

testing::ContentIndex* SpellingTest::content_ = nullptr;

struct Question {
  Language language;
  const char* text;
};

// Correctly spelled everyday questions, as customers type them. None may get
// a correction: each word is known to the index or to the language's dictionary.
const std::vector<Question> kCorrectQuestions = {
    {Language::kEnglish, "my website is very slow"},
    {Language::kEnglish, "I forgot my password"},
    {Language::kEnglish, "how do I connect my domain"},
    {Language::kEnglish, "why was my payment declined"},
    {Language::kEnglish, "how can I export my data"},
    {Language::kNorwegian, "jeg har glemt passordet mitt"},
    {Language::kNorwegian, "nettsiden min er veldig treg"},
    {Language::kNorwegian, "hvordan kobler jeg til domenet mitt"},
    {Language::kNorwegian, "hvorfor ble betalingen min avvist"},
    {Language::kNorwegian, "hvordan eksporterer jeg dataene mine"},
    {Language::kTurkish, "sitem çok yavaş açılıyor"},
    {Language::kTurkish, "şifremi unuttum"},
    {Language::kTurkish, "alan adımı nasıl bağlarım"},
    {Language::kTurkish, "ödemem neden reddedildi"},
    {Language::kTurkish, "verilerimi nasıl dışa aktarırım"},
    {Language::kCzech, "zapomněl jsem heslo"},
    {Language::kCzech, "můj web je velmi pomalý"},
    {Language::kCzech, "jak připojím svou doménu"},
    {Language::kCzech, "proč byla moje platba zamítnuta"},
    {Language::kCzech, "jak exportovat data"},
    {Language::kRussian, "мой сайт очень медленно загружается"},
    {Language::kRussian, "я забыл пароль"},
    {Language::kRussian, "как подключить свой домен"},
    {Language::kRussian, "почему не прошла оплата"},
    {Language::kRussian, "как экспортировать данные"},
    {Language::kGreek, "ο ιστότοπός μου είναι πολύ αργός"},
    {Language::kGreek, "ξέχασα τον κωδικό μου"},
    {Language::kGreek, "πώς συνδέω το domain μου"},
    {Language::kGreek, "γιατί απορρίφθηκε η πληρωμή μου"},
    {Language::kGreek, "πώς εξάγω τα δεδομένα μου"},
};

TEST_F(SpellingTest, CorrectlySpelledQuestionsGetNoCorrection) {
  int corrected = 0;
  for (const Question& question : kCorrectQuestions) {
    const SearchResponse response = Search(question.text, question.language);
    if (response.did_you_mean) {
      ++corrected;
      ADD_FAILURE() << LanguageCode(question.language) << " \"" << question.text << "\" got \""
                    << *response.did_you_mean << "\"";
    }
  }
  std::cout << "[ spelling ] " << corrected << " of " << kCorrectQuestions.size()
            << " correctly spelled questions got a correction\n";
}

struct Misspelling {
  Language language;
  const char* typed;
  const char* expected;  // the whole corrected query, in display spelling
  const char* changed;   // the one corrected word, as shown
};

// Typos in each language, corrected to the word the articles use, written as
// they write it: Turkish ı, Greek final ς and tonos, Czech háčky.
const std::vector<Misspelling> kMisspellings = {
    {Language::kEnglish, "my websiet is slow", "my website is slow", "website"},
    {Language::kEnglish, "forgot my passwrod", "forgot my password", "password"},
    {Language::kEnglish, "Invoise and payment", "Invoice and payment", "Invoice"},
    {Language::kNorwegian, "glemt passrod", "glemt passord", "passord"},
    {Language::kNorwegian, "nettsiden er treeg", "nettsiden er treg", "treg"},
    {Language::kTurkish, "şifre sıfırlma", "şifre sıfırlama", "sıfırlama"},
    {Language::kTurkish, "ödeme yöntemlri", "ödeme yöntemleri", "yöntemleri"},
    {Language::kCzech, "obnovení hsela", "obnovení hesla", "hesla"},
    {Language::kCzech, "připojení domémy", "připojení domény", "domény"},
    {Language::kRussian, "сброс пароьл", "сброс пароль", "пароль"},
    {Language::kRussian, "настройка пчоты", "настройка почты", "почты"},
    {Language::kGreek, "ο ιστότοπος είναι αργόςς", "ο ιστότοπος είναι αργός", "αργός"},
    {Language::kGreek, "επαναφορά κωδκού", "επαναφορά κωδικού", "κωδικού"},
};

TEST_F(SpellingTest, MisspellingsGetTheWordInItsDisplaySpelling) {
  for (const Misspelling& typo : kMisspellings) {
    SCOPED_TRACE(std::string(LanguageCode(typo.language)) + " \"" + typo.typed + "\"");
    const SearchResponse response = Search(typo.typed, typo.language);
    ASSERT_TRUE(response.did_you_mean.has_value());
    EXPECT_EQ(*response.did_you_mean, typo.expected);
    // The structured form: the pieces join to the same text, one word changed.
    EXPECT_EQ(JoinCorrectedWords(response.did_you_mean_words), *response.did_you_mean);
    std::vector<std::string> changed;
    for (const CorrectedWord& piece : response.did_you_mean_words) {
      if (piece.changed) changed.push_back(piece.text);
    }
    EXPECT_EQ(changed, std::vector<std::string>{typo.changed});
  }
}

TEST_F(SpellingTest, DisplaySpellingKeepsTheLettersFoldingMerges) {
  // The index holds "sifirlama" and "αργοσ"; the customer sees ı and ς.
  SearchResponse turkish = Search("sıfırlma", Language::kTurkish);
  ASSERT_TRUE(turkish.did_you_mean);
  EXPECT_EQ(*turkish.did_you_mean, "sıfırlama");
  SearchResponse greek = Search("αργόςς", Language::kGreek);
  ASSERT_TRUE(greek.did_you_mean);
  EXPECT_EQ(*greek.did_you_mean, "αργός");
  // The typed word's capital stays, in the language's own way (Turkish İ).
  SearchResponse capital = Search("Şifre sıfırlma", Language::kTurkish);
  ASSERT_TRUE(capital.did_you_mean);
  EXPECT_EQ(*capital.did_you_mean, "Şifre sıfırlama");
}

TEST_F(SpellingTest, NeverCorrectsIntoAnotherLanguage) {
  // The index has the Norwegian "tofaktor"; on an English page "twofactor"
  // must not become it (Xapian's spelling table alone would).
  Xapian::Database db(PublicStubPath(content_->dir()).string());
  ASSERT_EQ(db.get_spelling_suggestion("twofactor", 2), "tofaktor");  // what there is to avoid
  SearchResponse english = Search("twofactor sign in", Language::kEnglish);
  if (english.did_you_mean) {
    EXPECT_EQ(english.did_you_mean->find("tofaktor"), std::string::npos) << *english.did_you_mean;
    std::cout << "[ spelling ] twofactor: " << *english.did_you_mean << "\n";
  }
  // Nor does suggest's one-edit typo tolerance read "tofactor" as the
  // Norwegian word on an English page; on a Norwegian page it does.
  ASSERT_EQ(db.get_spelling_suggestion("tofactor", 1), "tofaktor");
  EXPECT_EQ(CorrectedTerm(db, "tofactor ", "tofactor", Language::kEnglish, 1), std::nullopt);
  EXPECT_EQ(CorrectedTerm(db, "tofactor ", "tofactor", Language::kNorwegian, 1), "tofaktor");
  auto searcher = content_->index().AcquireSearcher();
  ASSERT_TRUE(searcher.ok());
  Result<SuggestResponse> typo = (*searcher)->Suggest({.text = "tofactor ", .language = Language::kEnglish});
  Result<SuggestResponse> norwegian = (*searcher)->Suggest({.text = "tofaktor ", .language = Language::kEnglish});
  ASSERT_TRUE(typo.ok() && norwegian.ok());
  ASSERT_FALSE(norwegian->answers.empty());
  const auto titles = [](const SuggestResponse& response) {
    std::vector<std::string> titles;
    for (const AnswerCard& card : response.answers) titles.push_back(card.title);
    return titles;
  };
  EXPECT_NE(titles(*typo), titles(*norwegian));
  SearchResponse search = Search("tofactor", Language::kEnglish);
  EXPECT_NE(search.did_you_mean.value_or(""), "tofaktor");
}

TEST_F(SpellingTest, WithoutALanguageNothingIsCorrected) {
  // Whether a word is real is judged in its language only; a text whose
  // language is unknown is left as typed, by search and by suggest alike.
  Xapian::Database db(PublicStubPath(content_->dir()).string());
  ASSERT_EQ(db.get_spelling_suggestion("tofactor", 1), "tofaktor");
  EXPECT_EQ(CorrectSpelling(db, "tofactor", std::nullopt), std::nullopt);
  EXPECT_EQ(CorrectedTerm(db, "tofactor ", "tofactor", std::nullopt, 1), std::nullopt);
  ASSERT_TRUE(CorrectSpelling(db, "tofactor", Language::kNorwegian).has_value());
}

TEST_F(SpellingTest, SuggestCorrectsTyposInTheLanguageOnly) {
  auto searcher = content_->index().AcquireSearcher();
  ASSERT_TRUE(searcher.ok());
  // A one-edit typo of a word the index has in the page's language still finds its article.
  Result<SuggestResponse> typo = (*searcher)->Suggest({.text = "passwrod ", .language = Language::kEnglish});
  ASSERT_TRUE(typo.ok());
  ASSERT_FALSE(typo->answers.empty());
  EXPECT_EQ(typo->answers[0].lang, "en");
  // A known word is never replaced: "passordet" stays Norwegian.
  Result<SuggestResponse> known = (*searcher)->Suggest({.text = "glemt passordet ", .language = Language::kNorwegian});
  ASSERT_TRUE(known.ok());
  ASSERT_FALSE(known->answers.empty());
  EXPECT_EQ(known->answers[0].lang, "nb");
}

TEST_F(SpellingTest, PunctuationAndNumbersGetNoCorrection) {
  for (const char* query : {"???", "!!! ...", "-- / --", "2fa", "404", "\"\"", "¿¡"}) {
    for (Language language : kAllLanguages) {
      const SearchResponse response = Search(query, language);
      EXPECT_FALSE(response.did_you_mean) << query << " got \"" << response.did_you_mean.value_or("") << "\"";
      EXPECT_TRUE(response.did_you_mean_words.empty()) << query;
    }
  }
}

TEST_F(SpellingTest, UnchangedTextKeepsItsTypedForm) {
  // Only the typo changes: punctuation, spacing and case stay as typed.
  const SearchResponse response = Search("My  websiet, please?", Language::kEnglish);
  ASSERT_TRUE(response.did_you_mean);
  EXPECT_EQ(*response.did_you_mean, "My  website, please?");
}

TEST_F(SpellingTest, AQueryThatFindsNothingIsRetriedWithTheCorrection) {
  const SearchResponse response = Search("passwrod", Language::kEnglish);
  ASSERT_TRUE(response.did_you_mean);
  EXPECT_EQ(*response.did_you_mean, "password");
  ASSERT_TRUE(response.showing_results_for);
  EXPECT_EQ(*response.showing_results_for, "password");
  EXPECT_GT(response.total, 0u);
  EXPECT_EQ(response.query, "passwrod");
  ASSERT_EQ(response.did_you_mean_words.size(), 1u);
  EXPECT_EQ(response.did_you_mean_words[0], (CorrectedWord{"password", true}));
}

TEST_F(SpellingTest, JsonCarriesTheCorrectionAndItsChangedWords) {
  const std::string with = SearchResponseToJson(Search("şifre sıfırlma", Language::kTurkish));
  EXPECT_NE(with.find(R"("did_you_mean":"şifre sıfırlama")"), std::string::npos) << with;
  EXPECT_NE(with.find(R"("did_you_mean_words":[{"changed":false,"text":"şifre"},{"changed":false,"text":" "},)"
                      R"({"changed":true,"text":"sıfırlama"}])"),
            std::string::npos)
      << with;
  const std::string without = SearchResponseToJson(Search("şifre sıfırlama", Language::kTurkish));
  EXPECT_NE(without.find(R"("did_you_mean":null)"), std::string::npos) << without;
  EXPECT_NE(without.find(R"("did_you_mean_words":null)"), std::string::npos) << without;
}

TEST(SpellingDictionaries, AllSixAreInstalled) {
  std::optional<Error> missing = CheckSpellingDictionaries();
  EXPECT_FALSE(missing) << missing->ToString();
}

TEST(SpellingDictionaries, AMissingDictionaryNamesItsPackage) {
  TempKb empty;  // a directory without dictionaries
  std::optional<Error> missing = CheckSpellingDictionaries(empty.root().string());
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->message.find("hunspell-en-us"), std::string::npos) << missing->ToString();
  // Only Turkish missing: the message names hunspell-tr.
  for (const char* name : {"en_US", "nb_NO", "cs_CZ", "ru_RU", "el_GR"}) {
    for (const char* ext : {".aff", ".dic"}) {
      fs::copy_file(fs::path(kHunspellDictionaryDir) / (std::string(name) + ext), empty.root() / (std::string(name) + ext));
    }
  }
  missing = CheckSpellingDictionaries(empty.root().string());
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->message.find("hunspell-tr"), std::string::npos) << missing->ToString();
  EXPECT_NE(missing->message.find("tr_TR"), std::string::npos) << missing->ToString();
}

}  // namespace
}  // namespace helpdex::search

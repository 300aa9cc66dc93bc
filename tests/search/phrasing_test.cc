// Everyday phrasing (issue 13, item 6): questions worded the way customers
// type them, not the way the articles are titled, must find the right article
// of the sample help centre (content/, with its synonyms) in the top 3 of
// their own language. The index is built from the repository's content/ by the
// real indexer, so this tests the articles, the writers' synonyms
// (content/synonyms/) and the analysis together.
#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "../support/content_index.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {
namespace {


struct Question {
  const char* lang;
  const char* text;
  const char* article;  // front-matter id that must be in the top `within`
  int within = 3;       // 1 where the question has one obvious answer
};

// At least five per language, with the reported misses (issue 13): el "πώς αλλάζω
// τον κωδικό μου" ranked 2FA first, el "δεν μπορώ να συνδεθώ" ranked DNS first,
// cs "nejde se přihlásit" did not have the password article in its top 3.
const Question kQuestions[] = {
    // English
    {"en", "I can't log in", "en-password-reset"},
    {"en", "unable to sign in to my account", "en-password-reset"},
    {"en", "forgot my password", "en-password-reset", 1},
    {"en", "how do I change my password", "en-password-reset", 1},
    {"en", "site takes forever to load", "en-site-slow"},
    {"en", "my site is not working", "en-site-down"},
    {"en", "website won't open", "en-site-down"},
    {"en", "lost my phone, no login code", "en-two-factor"},
    {"en", "my card was declined", "en-billing"},
    {"en", "browser says not secure", "en-ssl"},
    {"en", "point my domain to you", "en-dns-setup"},
    {"en", "add google analytics", "en-analytics-script"},
    {"en", "download a backup of my website", "en-data-export"},
    // Norwegian (Bokmål)
    {"nb", "får ikke logget inn", "nb-password-reset"},
    {"nb", "glemt passordet", "nb-password-reset", 1},
    {"nb", "hvordan bytter jeg passord", "nb-password-reset", 1},
    {"nb", "siden laster sakte", "nb-site-slow"},
    {"nb", "nettsiden virker ikke", "nb-site-down"},
    {"nb", "hjemmesiden åpner seg ikke", "nb-site-down"},
    {"nb", "mistet mobilen og får ikke koden", "nb-two-factor"},
    {"nb", "kortet ble avvist", "nb-billing"},
    {"nb", "nettleseren sier ikke sikker", "nb-ssl"},
    // Turkish
    {"tr", "giriş yapamıyorum", "tr-password-reset"},
    {"tr", "şifremi unuttum", "tr-password-reset", 1},
    {"tr", "şifremi nasıl değiştirebilirim", "tr-password-reset", 1},
    {"tr", "sitem çok geç açılıyor", "tr-site-slow"},
    {"tr", "sitem çalışmıyor", "tr-site-down"},
    {"tr", "site çöktü", "tr-site-down"},
    {"tr", "telefonumu kaybettim kod gelmiyor", "tr-two-factor"},
    {"tr", "kartım reddedildi", "tr-billing"},
    {"tr", "tarayıcı güvenli değil diyor", "tr-ssl"},
    // Czech
    {"cs", "nejde se přihlásit", "cs-password-reset"},
    {"cs", "nemůžu se přihlásit", "cs-password-reset"},
    {"cs", "zapomněl jsem heslo", "cs-password-reset", 1},
    {"cs", "jak změním heslo", "cs-password-reset", 1},
    {"cs", "stránky se načítají strašně dlouho", "cs-site-slow"},
    {"cs", "web mi nejde otevřít", "cs-site-down"},
    {"cs", "stránka spadla", "cs-site-down"},
    {"cs", "ztratil jsem mobil a nechodí mi kód", "cs-two-factor"},
    {"cs", "neprošla mi platba kartou", "cs-billing"},
    {"cs", "prohlížeč píše nezabezpečeno", "cs-ssl"},
    // Russian
    {"ru", "не могу войти в личный кабинет", "ru-password-reset"},
    {"ru", "забыл пароль", "ru-password-reset", 1},
    {"ru", "как поменять пароль", "ru-password-reset", 1},
    {"ru", "сайт долго грузится", "ru-site-slow"},
    {"ru", "сайт не работает", "ru-site-down"},
    {"ru", "сайт лежит", "ru-site-down"},
    {"ru", "потерял телефон, не приходит код", "ru-two-factor"},
    {"ru", "не проходит оплата картой", "ru-billing"},
    {"ru", "браузер пишет не защищено", "ru-ssl"},
    // Greek
    {"el", "πώς αλλάζω τον κωδικό μου", "el-password-reset", 1},
    {"el", "δεν μπορώ να συνδεθώ", "el-password-reset"},
    {"el", "ξέχασα τον κωδικό μου", "el-password-reset", 1},
    {"el", "δεν μπορώ να μπω στον λογαριασμό μου", "el-password-reset"},
    {"el", "η σελίδα αργεί να φορτώσει", "el-site-slow"},
    {"el", "το site δεν ανοίγει", "el-site-down"},
    {"el", "έπεσε ο ιστότοπος", "el-site-down"},
    {"el", "έχασα το κινητό και δεν έρχεται ο κωδικός", "el-two-factor"},
    {"el", "η κάρτα μου απορρίφθηκε", "el-billing"},
    {"el", "ο browser γράφει μη ασφαλής", "el-ssl"},
};

class PhrasingTest : public ::testing::TestWithParam<Question> {
 protected:
  static void SetUpTestSuite() { content_ = new testing::ContentIndex(); }
  static void TearDownTestSuite() {
    delete content_;
    content_ = nullptr;
  }

  static testing::ContentIndex* content_;
};

testing::ContentIndex* PhrasingTest::content_ = nullptr;

TEST_P(PhrasingTest, FindsTheArticleInTheTopThree) {
  ASSERT_TRUE(content_->ok()) << "content/ could not be indexed";
  const Question& question = GetParam();
  const std::optional<Language> language = ParseLanguage(question.lang);
  ASSERT_TRUE(language.has_value()) << question.lang;
  auto searcher = content_->index().AcquireSearcher();
  ASSERT_TRUE(searcher.ok());
  Result<SearchResponse> response = (*searcher)->Search({.query = question.text, .language = language});
  ASSERT_TRUE(response.ok()) << response.error().ToString();

  std::string ranking;
  bool found = false;
  for (size_t i = 0; i < response->results.size() && i < 5; ++i) {
    ranking += (i ? ", " : "") + response->results[i].id;
    if (static_cast<int>(i) < question.within && response->results[i].id == question.article) found = true;
  }
  EXPECT_TRUE(found) << question.lang << " \"" << question.text << "\": expected " << question.article
                     << " in the top " << question.within << ", got [" << ranking << "]";
}

void PrintTo(const Question& question, std::ostream* out) {
  *out << question.lang << " \"" << question.text << "\" -> " << question.article;
}

INSTANTIATE_TEST_SUITE_P(EveryLanguage, PhrasingTest, ::testing::ValuesIn(kQuestions),
                         [](const ::testing::TestParamInfo<Question>& info) {
                           return std::string(info.param.lang) + "_" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace helpdex::search

// Unit tests for helpdex/search/analysis.h: normalisation and stemming per language.
#include "helpdex/search/analysis.h"

#include <filesystem>
#include <map>
#include <unistd.h>

#include <gtest/gtest.h>

#include "helpdex/search/document.h"
#include "helpdex/search/text.h"

namespace helpdex::search {
namespace {

struct NormalizeCase {
  Language language;
  std::string_view input;
  std::string_view expected;
};

TEST(AnalysisTest, NormalizeFoldsCaseAndLanguageSpecialLetters) {
  const NormalizeCase cases[] = {
      {Language::kEnglish, "Password RESET", "password reset"},
      {Language::kTurkish, "İSTANBUL", "istanbul"},           // dotted capital I: no stray U+0307
      {Language::kTurkish, "ISLAK ıslak islak", "islak islak islak"},  // ı, I and i all meet
      {Language::kTurkish, "ŞİFRE", "şifre"},
      {Language::kGreek, "ΚΩΔΙΚΌΣ κωδικός", "κωδικόσ κωδικόσ"},  // final sigma folds to σ
      {Language::kRussian, "ПАРОЛЬ Ёлка", "пароль елка"},     // ё and е meet
      {Language::kTurkish, "Tesla'nın şarjı", "tesla nin şarji"},  // apostrophe suffix split off
      {Language::kTurkish, "Google’ın", "google in"},              // typographic apostrophe too
      {Language::kEnglish, "don't", "don't"},                       // only Turkish splits there
      {Language::kCzech, "PŘIHLÁŠENÍ", "přihlášení"},
      {Language::kNorwegian, "PASSORD ÆØÅ", "passord æøå"},
      {Language::kEnglish, "ﬁle Straße", "file strasse"},      // NFKC ligature, full fold
  };
  for (const NormalizeCase& c : cases) {
    EXPECT_EQ(AnalyzerFor(c.language).Normalize(c.input), c.expected) << c.input;
  }
}

TEST(AnalysisTest, StripAccentsRemovesEveryCombiningMark) {
  EXPECT_EQ(StripAccents("přihlášení"), "prihlaseni");
  EXPECT_EQ(StripAccents(NormalizeText("ΚΩΔΙΚΌΣ")), "κωδικοσ");
  EXPECT_EQ(StripAccents("şifre çözüm öğrenci"), "sifre cozum ogrenci");
  EXPECT_EQ(StripAccents("påloggingen"), "paloggingen");
  EXPECT_EQ(StripAccents("ελέγχου διαλυτικά ϊ"), "ελεγχου διαλυτικα ι");
  EXPECT_EQ(StripAccents("password"), "password");
}

TEST(AnalysisTest, StopWordsMatchWithOrWithoutAccents) {
  struct Case {
    Language language;
    std::string_view word;
    bool stop;
  };
  const Case cases[] = {
      {Language::kEnglish, "the", true},     {Language::kEnglish, "password", false},
      {Language::kNorwegian, "på", true},    {Language::kNorwegian, "passord", false},
      {Language::kTurkish, "için", true},    {Language::kTurkish, "şifre", false},
      {Language::kCzech, "protože", true},   {Language::kCzech, "heslo", false},
      {Language::kRussian, "почему", true},  {Language::kRussian, "пароль", false},
      {Language::kGreek, "είναι", true},     {Language::kGreek, "ειναι", true},
      {Language::kGreek, "κωδικόσ", false},
  };
  for (const Case& c : cases) {
    const Xapian::Stopper* stopper = AnalyzerFor(c.language).stopper();
    ASSERT_NE(stopper, nullptr);
    EXPECT_EQ((*stopper)(NormalizeText(c.word)), c.stop) << c.word;
  }
}

TEST(AnalysisTest, NormalizeIsIdempotent) {
  for (Language language : kAllLanguages) {
    const std::string once = AnalyzerFor(language).Normalize("İstanbul ΚΩΔΙΚΌΣ Přihlášení");
    EXPECT_EQ(AnalyzerFor(language).Normalize(once), once);
  }
}

TEST(AnalysisTest, InvalidUtf8IsReplacedNotPassedOn) {
  const std::string normalized = NormalizeText("ok\xFF\xFEword");
  EXPECT_TRUE(IsValidUtf8(normalized));
  EXPECT_FALSE(IsValidUtf8("ok\xFF"));
  EXPECT_EQ(SanitizeUtf8("a\xC3"), "a\xEF\xBF\xBD");
}

struct StemCase {
  Language language;
  std::string_view a;
  std::string_view b;  // an inflected form that must stem like `a`
};

TEST(AnalysisTest, StemmersConflateInflectedForms) {
  const StemCase cases[] = {
      {Language::kEnglish, "websites", "website"},
      {Language::kEnglish, "loading", "loads"},
      {Language::kNorwegian, "passordet", "passord"},
      {Language::kNorwegian, "nettsiden", "nettside"},
      {Language::kTurkish, "şifremi", "şifre"},
      {Language::kTurkish, "ŞİFREMİ", "şifre"},          // normalised before stemming
      {Language::kRussian, "пароля", "пароль"},
      {Language::kRussian, "сайта", "сайт"},
      {Language::kGreek, "λογαριασμούς", "λογαριασμός"},  // libstemmer's Greek
      {Language::kGreek, "ΚΩΔΙΚΟΥΣ", "κωδικός"},
  };
  for (const StemCase& c : cases) {
    Xapian::Stem stem = AnalyzerFor(c.language).MakeStemmer();
    EXPECT_EQ(stem(std::string(c.a)), stem(std::string(c.b))) << c.a << " / " << c.b;
  }
}

TEST(AnalysisTest, EveryLanguageHasAnAnalyzerForItself) {
  for (Language language : kAllLanguages) {
    EXPECT_EQ(AnalyzerFor(language).language(), language);
    EXPECT_EQ(ParseLanguage(LanguageCode(language)), language);
  }
  EXPECT_EQ(ParseLanguage("no"), Language::kNorwegian);
  EXPECT_EQ(ParseLanguage("NB"), Language::kNorwegian);
  EXPECT_EQ(ParseLanguage("xx"), std::nullopt);
}

}  // namespace
}  // namespace helpdex::search

namespace helpdex::search {
namespace {

TEST(LanguageDetectionTest, ScriptAndDistinctiveLettersDecideEvenOneWord) {
  EXPECT_EQ(DetectLanguage("пароль"), Language::kRussian);
  EXPECT_EQ(DetectLanguage("κωδικός"), Language::kGreek);
  EXPECT_EQ(DetectLanguage("şifre"), Language::kTurkish);
  EXPECT_EQ(DetectLanguage("přihlášení"), Language::kCzech);
  EXPECT_EQ(DetectLanguage("påloggingen"), Language::kNorwegian);
  EXPECT_EQ(DetectLanguage("password"), std::nullopt);  // one Latin word: not enough to tell
}

TEST(LanguageDetectionTest, LongerLatinTextGoesToCld2) {
  EXPECT_EQ(DetectLanguage("my website is very slow since yesterday"), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("nettsiden min laster veldig tregt i dag"), Language::kNorwegian);
  EXPECT_EQ(DetectLanguage("\xFF\xFE"), std::nullopt);
}

// ASCII text skips ICU (a fast path): the result must be what ICU gives.
TEST(NormalizeTextTest, AsciiIsLowerCasedOnlyAndKeepsEverythingElse) {
  EXPECT_EQ(NormalizeText("Reset YOUR Password, 2FA & e-mail!"), "reset your password, 2fa & e-mail!");
  EXPECT_EQ(NormalizeText(std::string("a\tb\x01c", 5)), std::string("a\tb\x01c", 5));
  EXPECT_EQ(StripAccents("plain ascii-text 42"), "plain ascii-text 42");
  EXPECT_EQ(NormalizeText("İSLAK ıslak"), "islak islak");  // not ASCII: ICU as before
  EXPECT_EQ(StripAccents("přihlášení"), "prihlaseni");
}

std::map<std::string, Xapian::doccount> Spellings(const Xapian::Database& db) {
  std::map<std::string, Xapian::doccount> words;
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) words[*it] = it.get_termfreq();
  return words;
}

// SpellingBatch leaves the same dictionary as one AddSpellings/RemoveSpellings
// call per document, removals of words added before included.
TEST(SpellingBatchTest, SameDictionaryAsPerDocumentCalls) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("helpdex-spelling-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto record = [](std::string id, std::string text) {
    DocumentRecord r;
    r.id = std::move(id);
    r.title = "Answer " + r.id;
    r.sections.push_back(Section{"", "", std::move(text)});
    return r;
  };
  const Xapian::Document a = BuildDocument(record("a", "Reset the password from the sign-in page."));
  const Xapian::Document b = BuildDocument(record("b", "The password must be reset every year; reset it early."));
  const Xapian::Document c = BuildDocument(record("c", "Routers restart after an update."));

  Xapian::WritableDatabase one_by_one((dir / "one").string(), Xapian::DB_CREATE);
  AddSpellings(one_by_one, a);
  AddSpellings(one_by_one, b);
  one_by_one.commit();
  RemoveSpellings(one_by_one, a);
  AddSpellings(one_by_one, c);
  RemoveSpellings(one_by_one, b);
  one_by_one.commit();

  Xapian::WritableDatabase batched((dir / "batched").string(), Xapian::DB_CREATE);
  SpellingBatch batch;
  batch.Add(a);
  batch.Add(b);
  batch.ApplyTo(batched);
  batched.commit();
  batch.Remove(a);
  batch.Add(c);
  batch.Remove(b);
  EXPECT_GT(batch.pending_words(), 0u);
  batch.ApplyTo(batched);
  EXPECT_EQ(batch.pending_words(), 0u);
  batched.commit();

  EXPECT_EQ(Spellings(batched), Spellings(one_by_one));
  EXPECT_FALSE(Spellings(batched).empty());
  EXPECT_EQ(Spellings(batched).count("password"), 0u);  // only in the removed documents
  EXPECT_EQ(batched.get_spelling_suggestion("routrs"), one_by_one.get_spelling_suggestion("routrs"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace helpdex::search

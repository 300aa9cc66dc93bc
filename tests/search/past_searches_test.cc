// PastSearches: completions from what earlier customers searched for.
#include "helpdex/search/past_searches.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/searcher.h"

namespace helpdex::search {
namespace {

using Strings = std::vector<std::string>;

TEST(PastSearchesTest, CompletesAPrefixInTheSameLanguageShortestFirst) {
  PastSearches past;
  past.Add("reset my password on the app", Language::kEnglish);
  past.Add("reset my password", Language::kEnglish);
  past.Add("reset parola", Language::kTurkish);
  EXPECT_EQ(past.Complete("reset my", Language::kEnglish, 5),
            (Strings{"reset my password", "reset my password on the app"}));
  EXPECT_EQ(past.Complete("reset", Language::kTurkish, 5), (Strings{"reset parola"}));
  EXPECT_EQ(past.Complete("reset", std::nullopt, 5).size(), 3u);
  EXPECT_EQ(past.Complete("reset", Language::kEnglish, 1), (Strings{"reset my password"}));
}

TEST(PastSearchesTest, FoldsCaseAndSpacesIncludingTurkishAndGreek) {
  PastSearches past;
  past.Add("  ŞİFREMİ   unuttum ", Language::kTurkish);
  past.Add("Κωδικός πρόσβασης", Language::kGreek);
  EXPECT_EQ(past.Complete("şifremi unu", Language::kTurkish, 5), (Strings{"ŞİFREMİ unuttum"}));
  EXPECT_EQ(past.Complete("κωδικός", Language::kGreek, 5), (Strings{"Κωδικός πρόσβασης"}));
  past.Add("şifremi UNUTTUM", Language::kTurkish);  // the same search: kept once
  EXPECT_EQ(past.size(), 2u);
}

TEST(PastSearchesTest, IgnoresBlankOverLongAndInvalidText) {
  PastSearches past;
  past.Add("   ", Language::kEnglish);
  past.Add(std::string(PastSearches::kMaxSearchBytes + 1, 'a'), Language::kEnglish);
  past.Add("bad \xff utf-8", Language::kEnglish);
  EXPECT_EQ(past.size(), 0u);
  EXPECT_TRUE(past.Complete("", Language::kEnglish, 5).empty());
  EXPECT_TRUE(past.Complete("\xff", Language::kEnglish, 5).empty());
}

TEST(PastSearchesTest, MemoryIsBoundedOldestFirst) {
  PastSearches past;
  for (size_t i = 0; i <= PastSearches::kMaxSearches; ++i) past.Add("search " + std::to_string(i), Language::kEnglish);
  EXPECT_EQ(past.size(), PastSearches::kMaxSearches);
  EXPECT_TRUE(past.Complete("search 0", Language::kEnglish, 1).empty() ||
              past.Complete("search 0", Language::kEnglish, 1)[0] != "search 0");
}

// Through Searcher::Suggest: after the titles, and only with words the
// public help centre itself contains.
TEST(PastSearchesSuggestTest, OffersPastSearchesWithPublicWordsOnly) {
  helpdex::testing::TempKb kb;
  kb.Write("en/password.md", helpdex::testing::TempKb::Article(
                                 "en-password", "en", "reset-password", "Resetting your password",
                                 "Open the login page and choose forgot password. We e-mail a reset link.\n",
                                 "public", "[account]", "password"));
  kb.Write("internal/esc.md", helpdex::testing::TempKb::Article("int-esc", "en", "escalation", "Escalation",
                                                                "Escalate to zqxjkvinternal.\n", "internal", "[desk]"));
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = kb.content().string(), .index_dir = kb.index().string()}).ok());
  auto past = std::make_shared<PastSearches>();
  past->Add("reset link login page", Language::kEnglish);       // public words only
  past->Add("reset for kari nordmann", Language::kEnglish);        // names the help centre lacks
  past->Add("reset zqxjkvinternal", Language::kEnglish);           // an internal article's word
  past->Add("Resetting your password", Language::kEnglish);        // a title already suggested
  auto index = Index::Open(kb.index().string(), Viewer::Public());
  ASSERT_TRUE(index.ok());
  auto searcher = (*index)->AcquireSearcher();
  ASSERT_TRUE(searcher.ok());
  Result<SuggestResponse> response =
      (*searcher)->Suggest({.text = "reset", .language = Language::kEnglish, .past_searches = past});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->completions, (Strings{"Resetting your password", "reset link login page"}));
  // Without past searches: the titles only.
  Result<SuggestResponse> plain = (*searcher)->Suggest({.text = "reset", .language = Language::kEnglish});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->completions, (Strings{"Resetting your password"}));
}

}  // namespace
}  // namespace helpdex::search

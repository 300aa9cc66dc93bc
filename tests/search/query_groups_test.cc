// Grouping searches by what they ask: inflections, word order and typos in
// several languages fall together; different questions do not.
#include "helpdex/search/query_groups.h"

#include <gtest/gtest.h>

namespace helpdex::search {
namespace {

bool Same(const char* a, const char* b, Language language) {
  return SameIntent(IntentTerms(a, language), IntentTerms(b, language));
}

TEST(QueryGroupsTest, InflectionsAndWordOrderFallTogether) {
  EXPECT_TRUE(Same("сбросить пароль", "сброс пароля", Language::kRussian));
  EXPECT_TRUE(Same("пароля сброс", "сбросить пароль", Language::kRussian));
  EXPECT_TRUE(Same("reset my password", "Password resetting", Language::kEnglish));
  EXPECT_TRUE(Same("şifremi sıfırlamak", "şifre sıfırlama", Language::kTurkish));
  EXPECT_TRUE(Same("transfer domény", "doménu transfer", Language::kCzech));
  EXPECT_TRUE(Same("flytte domenet", "flytte domene", Language::kNorwegian));
}

TEST(QueryGroupsTest, OneTypoInALongWordFallsTogether) {
  EXPECT_TRUE(Same("сбрость пароль", "сбросить пароль", Language::kRussian));
  EXPECT_TRUE(Same("reset pasword", "reset password", Language::kEnglish));
  EXPECT_TRUE(Same("κωδικός πρόσβασης", "κωδικος προσβασεις", Language::kGreek) ||
              Same("κωδικός πρόσβασης", "κωδικός πρόσβαση", Language::kGreek));
}

TEST(QueryGroupsTest, DifferentQuestionsStayApart) {
  EXPECT_FALSE(Same("reset password", "reset username", Language::kEnglish));
  EXPECT_FALSE(Same("cancel subscription", "cancel", Language::kEnglish));
  EXPECT_FALSE(Same("cat", "car", Language::kEnglish));  // short words need to match exactly
  EXPECT_FALSE(Same("mail setup", "mailbox setup", Language::kEnglish) &&
               Same("mail setup", "mailinglist setup", Language::kEnglish));
  EXPECT_FALSE(SameIntent({}, {}));
}

TEST(QueryGroupsTest, StopWordsDoNotSplitAGroup) {
  EXPECT_EQ(IntentTerms("how do I transfer my domain", Language::kEnglish),
            IntentTerms("transfer domain", Language::kEnglish));
  // A query of stop words only keeps them rather than becoming empty.
  EXPECT_FALSE(IntentTerms("how to", Language::kEnglish).empty());
}

TEST(QueryGroupsTest, EditDistanceCountsCodePoints) {
  EXPECT_EQ(EditDistance("şifre", "sifre", 2), 1u);
  EXPECT_EQ(EditDistance("пароль", "пароля", 2), 1u);
  EXPECT_EQ(EditDistance("abc", "abc", 0), 0u);
  EXPECT_EQ(EditDistance("kitten", "sitting", 1), 2u);  // more than the limit: limit + 1
  EXPECT_EQ(EditDistance("kitten", "sitting", 3), 3u);
  EXPECT_EQ(EditDistance("domian", "domain", 2), 1u);  // a transposition is one typo
}

}  // namespace
}  // namespace helpdex::search

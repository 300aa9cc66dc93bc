// Unit tests for helpdex/indexer/article.h: front matter, validation, Markdown.
#include "helpdex/indexer/article.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace helpdex::indexer {
namespace {

constexpr std::string_view kGood =
    "---\n"
    "id: en-slow\n"
    "title: My website is slow\n"
    "lang: en\n"
    "slug: website-slow\n"
    "tags: [performance, hosting]\n"
    "audience: public\n"
    "translation_key: site-slow\n"
    "reviewed: 2026-10-12\n"
    "answer: Turn on caching.\n"
    "product: builder\n"
    "---\n"
    "Intro text.\n"
    "\n"
    "## Check what is slow\n"
    "\n"
    "Open the *Performance* tab.\n"
    "\n"
    "## Check what is slow\n"
    "\n"
    "Again.\n";

TEST(ArticleTest, ParsesEveryFrontMatterField) {
  Result<search::DocumentRecord> record = ParseArticle("en/slow.md", kGood);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->id, "en-slow");
  EXPECT_EQ(record->title, "My website is slow");
  EXPECT_EQ(record->language, Language::kEnglish);
  EXPECT_EQ(record->slug, "website-slow");
  EXPECT_EQ(record->tags, (std::vector<std::string>{"performance", "hosting"}));
  EXPECT_EQ(record->audience, "public");
  EXPECT_EQ(record->translation_key, "site-slow");
  EXPECT_EQ(record->reviewed, "2026-10-12");
  EXPECT_EQ(record->answer, "Turn on caching.");
  EXPECT_EQ(record->extra_json, R"({"product":"builder"})");  // unknown fields are kept
}

TEST(ArticleTest, SplitsSectionsWithUniqueAnchors) {
  Result<search::DocumentRecord> record = ParseArticle("en/slow.md", kGood);
  ASSERT_TRUE(record.ok());
  ASSERT_EQ(record->sections.size(), 3u);
  EXPECT_EQ(record->sections[0].anchor, "");
  EXPECT_EQ(record->sections[0].text, "Intro text.\n");
  EXPECT_EQ(record->sections[1].anchor, "check-what-is-slow");
  EXPECT_EQ(record->sections[1].title, "Check what is slow");
  EXPECT_EQ(record->sections[1].text, "Open the Performance tab.\n");
  EXPECT_EQ(record->sections[2].anchor, "check-what-is-slow-2");
  EXPECT_NE(record->html.find("<h2 id=\"check-what-is-slow\">Check what is slow <a class=\"heading-anchor\" "
                              "href=\"#check-what-is-slow\""),
            std::string::npos)
      << record->html;
}

TEST(ArticleTest, AnchorsKeepNonLatinLetters) {
  RenderedMarkdown rendered = RenderMarkdown("## Проверьте скорость сайта\n\ntext\n");
  ASSERT_EQ(rendered.sections.size(), 1u);
  EXPECT_EQ(rendered.sections[0].anchor, "проверьте-скорость-сайта");
}

TEST(ArticleTest, RawHtmlAndScriptLinksNeverReachTheHtml) {
  RenderedMarkdown rendered = RenderMarkdown(
      "<script>alert(1)</script>\n\nClick [here](javascript:alert(1)) or <a href=\"#\" onclick=\"x()\">this</a>"
      " ![i](data:text/html;base64,xx)\n");
  EXPECT_EQ(rendered.html.find("<script"), std::string::npos) << rendered.html;
  EXPECT_EQ(rendered.html.find("javascript:"), std::string::npos) << rendered.html;
  EXPECT_EQ(rendered.html.find("onclick"), std::string::npos) << rendered.html;
  EXPECT_EQ(rendered.html.find("data:text"), std::string::npos) << rendered.html;
}

TEST(ArticleTest, TheBodysLinksAreKeptWithTheRecordAsWritten) {
  // The gap report's broken-link check reads them from the stored record
  // (search/document.h), never from the rendered HTML.
  const std::string article = std::string(kGood) + "\nSee [the reset](../nb/reset-password.md) and [DNS](/articles/dns?lang=en&x=1).\n";
  Result<search::DocumentRecord> record = ParseArticle("en/slow.md", article);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->links, (std::vector<std::string>{"../nb/reset-password.md", "/articles/dns?lang=en&x=1"}));
  Result<search::DocumentRecord> stored = search::ReadDocumentRecord(search::BuildDocument(*record));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->links, record->links);
}

TEST(ArticleTest, AcceptsBomAndCrlf) {
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : kGood) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  Result<search::DocumentRecord> record = ParseArticle("en/slow.md", crlf);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->title, "My website is slow");
}

struct BadCase {
  std::string name;
  std::string text;
  std::string where;          // expected Error::where
  std::string message_part;   // expected in Error::message
};

TEST(ArticleTest, BadInputNamesFileAndLine) {
  const std::string head = "---\nid: x\ntitle: T\n";
  const BadCase cases[] = {
      {"no front matter", "# Title\n", "bad.md:1", "must start with a '---'"},
      {"unclosed", "---\nid: x\n", "bad.md:1", "never closed"},
      {"broken yaml", "---\nid: x\ntitle: [unclosed\nlang: en\n---\n", "bad.md:", "not valid YAML"},
      {"missing title", "---\nid: x\nlang: en\n---\nbody\n", "bad.md:1", "'title'"},
      {"unknown language", head + "lang: tk\n---\n", "bad.md:4", "unknown language 'tk'"},
      {"bad slug", head + "lang: en\nslug: Bad Slug\n---\n", "bad.md:5", "slug"},
      {"bad audience", head + "lang: en\naudience: everyone\n---\n", "bad.md:5", "audience"},
      {"bad date", head + "lang: en\nreviewed: 12/10/2026\n---\n", "bad.md:5", "ISO date"},
      {"tags map", head + "lang: en\ntags: {a: b}\n---\n", "bad.md:5", "list"},
      {"invalid utf-8", head + "lang: en\n---\nok\nbad \xFF byte\n", "bad.md:7", "UTF-8"},
      {"not a map", "---\n- a\n- b\n---\n", "bad.md:2", "mapping"},
  };
  for (const BadCase& c : cases) {
    Result<search::DocumentRecord> record = ParseArticle("bad.md", c.text);
    ASSERT_FALSE(record.ok()) << c.name;
    EXPECT_EQ(record.error().code, ErrorCode::kInvalidInput) << c.name;
    EXPECT_EQ(record.error().where.rfind(c.where, 0), 0u) << c.name << ": " << record.error().ToString();
    EXPECT_NE(record.error().message.find(c.message_part), std::string::npos)
        << c.name << ": " << record.error().ToString();
  }
}

TEST(ArticleTest, BrokenYamlPointsAtTheBadLine) {
  Result<search::DocumentRecord> record =
      ParseArticle("bad.md", "---\nid: x\ntitle: ok\nlang: en\ntags: [a, b\n---\nbody\n");
  ASSERT_FALSE(record.ok());
  // The parser notices the unclosed list at the end of the YAML (line 6 is ---).
  EXPECT_TRUE(record.error().where == "bad.md:5" || record.error().where == "bad.md:6") << record.error().where;
}

TEST(ArticleTest, OversizedFileIsRejected) {
  std::string huge(kGood);
  huge.append(kMaxArticleBytes, 'a');
  Result<search::DocumentRecord> record = ParseArticle("big.md", huge);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().where, "big.md:1");
}

TEST(ArticleTest, SlugDefaultsToFileName) {
  Result<search::DocumentRecord> record =
      ParseArticle("content/en/my-file.md", "---\nid: a\ntitle: A\nlang: en\n---\ntext\n");
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->slug, "my-file");
  EXPECT_EQ(record->translation_key, "a");
}

TEST(SlugTest, ValidSlugsAreLowerCaseWordsJoinedBySingleHyphens) {
  EXPECT_TRUE(IsValidSlug("reset-password-2"));
  EXPECT_TRUE(IsValidSlug(std::string(kMaxSlugBytes, 'a')));
  EXPECT_FALSE(IsValidSlug(std::string(kMaxSlugBytes + 1, 'a')));
  EXPECT_FALSE(IsValidSlug(""));
  EXPECT_FALSE(IsValidSlug("Reset"));
  EXPECT_FALSE(IsValidSlug("-reset"));
  EXPECT_FALSE(IsValidSlug("reset-"));
  EXPECT_FALSE(IsValidSlug("reset--password"));
  EXPECT_FALSE(IsValidSlug("reset_password"));
  EXPECT_FALSE(IsValidSlug("sıfırlama"));
}

// Existing URLs must not move: an id that is a slug already stays as it is.
TEST(SlugTest, AnIdThatIsAValidSlugIsItsOwnSlug) {
  EXPECT_EQ(SlugForId("nq-news-214"), "nq-news-214");
  EXPECT_EQ(SlugForId("t001-a1"), "t001-a1");
  const std::string longest(kMaxSlugBytes, 'x');
  EXPECT_EQ(SlugForId(longest), longest);
}

TEST(SlugTest, OtherIdsGetAReadablePartAndAHashOfTheWholeId) {
  const std::string slug = SlugForId("Exchange/ExchangeHybrid/administration/cannot-add-and-verify-domain");
  EXPECT_TRUE(slug.starts_with("exchange-exchangehybrid-administration-cannot-add-and-verify-domain-")) << slug;
  EXPECT_EQ(slug.size(), std::string("exchange-exchangehybrid-administration-cannot-add-and-verify-domain-").size() + 10);
  EXPECT_TRUE(IsValidSlug(slug)) << slug;
  // Stable: the same id, the same slug (URLs survive re-indexing).
  EXPECT_EQ(SlugForId("Exchange/ExchangeHybrid/administration/cannot-add-and-verify-domain"), slug);
}

TEST(SlugTest, IdsDifferingOnlyAfterTheHundredthByteGetDifferentSlugs) {
  const std::string head(120, 'a');
  const std::string first = SlugForId(head + "-one");
  const std::string second = SlugForId(head + "-two");
  EXPECT_NE(first, second);
  EXPECT_TRUE(IsValidSlug(first)) << first;
  EXPECT_TRUE(IsValidSlug(second)) << second;
  // r<round>f<folder>-<id> ids of tools/bench/load that share their first 100 bytes.
  const std::string path = "r3f2-Exchange/ExchangeOnline/mailbox-migration/cannot-migrate-mailboxes-from-gmail-to-exchange-online-";
  EXPECT_NE(SlugForId(path + "part-1"), SlugForId(path + "part-2"));
}

TEST(SlugTest, IdsDifferingOnlyInPunctuationOrCaseGetDifferentSlugs) {
  const std::vector<std::string> ids = {"Q201_R7", "Q201-R7", "q201_r7", "Q201.R7", "q201:r7", "Q201 R7"};
  std::set<std::string> slugs;
  for (const std::string& id : ids) {
    const std::string slug = SlugForId(id);
    EXPECT_TRUE(IsValidSlug(slug)) << id << " -> " << slug;
    EXPECT_TRUE(slug.starts_with("q201-r7")) << id << " -> " << slug;
    slugs.insert(slug);
  }
  EXPECT_EQ(slugs.size(), ids.size());
}

TEST(SlugTest, CyrillicAndGreekIdsAreTransliteratedAndStayApart) {
  const std::string russian = SlugForId("Сброс пароля");
  EXPECT_TRUE(russian.starts_with("sbros-parola-")) << russian;
  const std::string greek = SlugForId("Επαναφορά κωδικού");
  EXPECT_TRUE(greek.starts_with("epanaphora-kodikou-")) << greek;
  // Ids of only non-Latin letters used to collapse into one slug, "doc".
  const std::vector<std::string> ids = {"Сброс пароля", "Смена пароля", "сброс пароля", "Επαναφορά κωδικού",
                                        "Αλλαγή κωδικού", "中文", "日本語"};
  std::set<std::string> slugs;
  for (const std::string& id : ids) {
    const std::string slug = SlugForId(id);
    EXPECT_TRUE(IsValidSlug(slug)) << id << " -> " << slug;
    slugs.insert(slug);
  }
  EXPECT_EQ(slugs.size(), ids.size());
}

TEST(SlugTest, AnIdWithoutLettersOrDigitsStillGetsAUniqueSlug) {
  const std::string stars = SlugForId("***");
  const std::string dashes = SlugForId("---");
  EXPECT_TRUE(stars.starts_with("doc-")) << stars;
  EXPECT_TRUE(IsValidSlug(stars)) << stars;
  EXPECT_NE(stars, dashes);
}

}  // namespace
}  // namespace helpdex::indexer

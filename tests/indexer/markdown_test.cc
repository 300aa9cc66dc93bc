// Unit tests for article Markdown (helpdex/indexer/article.h, cmark-gfm):
// tables, strikethrough, autolinks, safety, the table limits, heading ids in
// every script, the table of contents (helpdex/search/article_view.h), and
// the links between the articles of content/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "helpdex/indexer/article.h"
#include "helpdex/search/article_view.h"

namespace helpdex::indexer {
namespace {

namespace fs = std::filesystem;

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

RenderedMarkdown RenderArticle(std::string_view markdown) {
  Result<CheckedMarkdown> checked = CheckArticleMarkdown(markdown);
  EXPECT_TRUE(checked.ok()) << checked.error().ToString();
  if (!checked.ok()) return {};
  return RenderArticleMarkdown(*checked);
}

std::string Article(std::string_view body) {
  return "---\nid: en-x\ntitle: X\nlang: en\nslug: x\naudience: public\n---\n" + std::string(body);
}

// A table with `columns` columns and `rows` body rows.
std::string Table(size_t columns, size_t rows) {
  std::string header = "|", delimiter = "|", row = "|";
  for (size_t i = 0; i < columns; ++i) {
    header += " h |";
    delimiter += "---|";
    row += " c |";
  }
  std::string table = header + "\n" + delimiter + "\n";
  for (size_t i = 0; i < rows; ++i) table += row + "\n";
  return table;
}

TEST(MarkdownTest, TablesBecomeHtmlTablesInAScrollBox) {
  RenderedMarkdown rendered = RenderArticle(
      "## Server settings\n\n| Setting | Value |\n|---|:---:|\n| Port | **993** |\n| Server | `mail.example.com` |\n");
  EXPECT_TRUE(Contains(rendered.html, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
                                      "aria-labelledby=\"server-settings\">\n<table>"))
      << rendered.html;
  EXPECT_TRUE(Contains(rendered.html, "<th>Setting</th>")) << rendered.html;
  EXPECT_TRUE(Contains(rendered.html, "<td align=\"center\"><strong>993</strong></td>")) << rendered.html;
  EXPECT_FALSE(Contains(rendered.html, "|---|")) << rendered.html;
  // The cells' text is searchable, one row a line.
  ASSERT_EQ(rendered.sections.size(), 1u);
  EXPECT_EQ(rendered.sections[0].text, "Setting Value\nPort 993\nServer mail.example.com\n");
}

TEST(MarkdownTest, StrikethroughNeedsTwoTildes) {
  RenderedMarkdown rendered = RenderArticle("Port ~~25~~ 587, in ~5 minutes.\n");
  EXPECT_TRUE(Contains(rendered.html, "<del>25</del>")) << rendered.html;
  EXPECT_TRUE(Contains(rendered.html, "~5 minutes")) << rendered.html;
}

TEST(MarkdownTest, BareAddressesBecomeLinks) {
  RenderedMarkdown rendered = RenderArticle("Open https://status.example.com or www.example.com now.\n");
  EXPECT_TRUE(Contains(rendered.html, "<a href=\"https://status.example.com\">https://status.example.com</a>"))
      << rendered.html;
  EXPECT_TRUE(Contains(rendered.html, "<a href=\"http://www.example.com\">www.example.com</a>")) << rendered.html;
}

TEST(MarkdownTest, ArticlesStaySafe) {
  RenderedMarkdown rendered = RenderArticle(
      "<script>alert(1)</script>\n\nClick [here](javascript:alert(1)) or <a href=\"#\" onclick=\"x()\">this</a>"
      " ![i](data:text/html;base64,xx) <iframe src=\"https://x\"></iframe>\n\n"
      "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:void(0)) |\n");
  EXPECT_FALSE(Contains(rendered.html, "<script")) << rendered.html;
  EXPECT_FALSE(Contains(rendered.html, "javascript:")) << rendered.html;
  EXPECT_FALSE(Contains(rendered.html, "onclick")) << rendered.html;
  EXPECT_FALSE(Contains(rendered.html, "onerror")) << rendered.html;
  EXPECT_FALSE(Contains(rendered.html, "<iframe")) << rendered.html;
  EXPECT_FALSE(Contains(rendered.html, "data:text")) << rendered.html;
  EXPECT_TRUE(Contains(rendered.html, "<table>")) << rendered.html;
}

TEST(MarkdownTest, DocsTextIsCommonMarkWithoutTables) {
  RenderedMarkdown rendered = RenderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_FALSE(Contains(rendered.html, "<table")) << rendered.html;
}

// The cap is checked before cmark-gfm sees the text, and only a
// CheckedMarkdown (made by the check alone) can be rendered as an article:
// a refused table is never parsed, however slow it would be. The input is
// platform.md's 14 KB table that took 17 s to render.
TEST(MarkdownTest, ATableWithTooManyColumnsIsRefusedBeforeParsing) {
  const std::string slow = Table(4000, 0) + std::string(4000, '\n');
  Result<CheckedMarkdown> checked = CheckArticleMarkdown("Intro.\n\n" + slow);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().where, "4");  // the delimiter row's line
  EXPECT_TRUE(Contains(checked.error().message, "4000 columns; the limit is 20")) << checked.error().message;

  Result<search::DocumentRecord> record = ParseArticle("content/en/wide.md", Article("Intro.\n\n" + slow));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().where, "content/en/wide.md:11");  // 7 front-matter lines, then line 4 of the body
  EXPECT_TRUE(Contains(record.error().message, "columns")) << record.error().message;
}

TEST(MarkdownTest, TwentyColumnsAreAllowedAndTwentyOneAreNot) {
  EXPECT_TRUE(CheckArticleMarkdown(Table(kMaxTableColumns, 2)).ok());
  EXPECT_FALSE(CheckArticleMarkdown(Table(kMaxTableColumns + 1, 2)).ok());
  // In a block quote or a list item, and without outer pipes, it is still a table.
  std::string quoted = "> " + Table(kMaxTableColumns + 1, 0);
  EXPECT_FALSE(CheckArticleMarkdown(quoted).ok());
  std::string bare = "a" + std::string(kMaxTableColumns, '|') + "\n" + "-";
  for (size_t i = 0; i < kMaxTableColumns; ++i) bare += " | -";
  EXPECT_FALSE(CheckArticleMarkdown(bare + "\n").ok());
}

TEST(MarkdownTest, ManyRowsUnderAWideHeaderAreRefused) {
  // Every one-character line under the header becomes a row of 20 cells.
  std::string padded = Table(kMaxTableColumns, 0);
  for (int i = 0; i < 200; ++i) padded += "a\n";
  Result<CheckedMarkdown> checked = CheckArticleMarkdown("Intro.\n\n" + padded);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().where, "4");
  EXPECT_TRUE(Contains(checked.error().message, "cells")) << checked.error().message;
  // A blank line ends a table: the same lines after one cost nothing.
  std::string after_blank = Table(kMaxTableColumns, 0) + "\n";
  for (int i = 0; i < 200; ++i) after_blank += "a\n";
  EXPECT_TRUE(CheckArticleMarkdown(after_blank).ok());
}

TEST(MarkdownTest, AFileOverTheSizeLimitIsRefusedNamingIt) {
  std::string big = Article(std::string(kMaxArticleBytes, 'a'));
  Result<search::DocumentRecord> record = ParseArticle("content/en/big.md", big);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().where, "content/en/big.md:1");
  EXPECT_TRUE(Contains(record.error().message, "limit")) << record.error().message;
  EXPECT_FALSE(CheckArticleMarkdown(std::string(kMaxArticleBytes + 1, 'a')).ok());
}

TEST(MarkdownTest, TheAnswerIsCheckedToo) {
  std::string answer = "answer: |\n";
  std::istringstream table(Table(30, 1));
  for (std::string line; std::getline(table, line);) answer += "  " + line + "\n";
  Result<search::DocumentRecord> record =
      ParseArticle("content/en/a.md", "---\nid: en-x\ntitle: X\nlang: en\nslug: x\n" + answer + "---\nBody.\n");
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().where, "content/en/a.md:6");
  EXPECT_TRUE(Contains(record.error().message, "answer")) << record.error().message;
}

// One heading in each language's script, each twice, plus one that is only
// punctuation.
TEST(MarkdownTest, HeadingIdsAreUniqueAndNonEmptyInEveryScript) {
  const std::vector<std::string> headings = {"Server settings", "Innstillinger for tjener", "Sunucu ayarları",
                                             "Nastavení serveru", "Настройки сервера", "Ρυθμίσεις διακομιστή",
                                             "İki adımlı doğrulama", "Main", "?!"};
  std::string markdown;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& heading : headings) markdown += "## " + heading + "\n\nText.\n\n### " + heading + "\n\n";
  }
  RenderedMarkdown rendered = RenderArticle(markdown);
  ASSERT_EQ(rendered.sections.size(), headings.size() * 4);
  std::set<std::string> ids;
  for (const search::Section& section : rendered.sections) {
    EXPECT_FALSE(section.anchor.empty()) << section.title;
    EXPECT_TRUE(ids.insert(section.anchor).second) << "duplicate id " << section.anchor;
    EXPECT_EQ(section.anchor.find_first_of(" \"'<>&#"), std::string::npos) << section.anchor;
    EXPECT_TRUE(Contains(rendered.html, "id=\"" + section.anchor + "\"")) << section.anchor;
    EXPECT_TRUE(Contains(rendered.html, "href=\"#" + section.anchor + "\" aria-labelledby=\"" + section.anchor + "\""))
        << section.anchor;
  }
  EXPECT_EQ(rendered.sections[0].anchor, "server-settings");
  EXPECT_EQ(rendered.sections[1].anchor, "server-settings-2");  // the h3 of the same text
  // Folded as search folds text (search::NormalizeText): ı is i, final ς is σ.
  EXPECT_EQ(rendered.sections[2 * 2].anchor, "sunucu-ayarlari");
  EXPECT_EQ(rendered.sections[3 * 2].anchor, "nastavení-serveru");
  EXPECT_EQ(rendered.sections[4 * 2].anchor, "настройки-сервера");
  EXPECT_EQ(rendered.sections[5 * 2].anchor, "ρυθμίσεισ-διακομιστή");
  EXPECT_EQ(rendered.sections[7 * 2].anchor, "main-2");  // the page's <main id="main"> keeps its id
  EXPECT_EQ(rendered.sections[8 * 2].anchor, "section");
  EXPECT_EQ(rendered.sections[0].level, 2);
  EXPECT_EQ(rendered.sections[1].level, 3);
}

TEST(MarkdownTest, HeadingIdsOfHeadingsEndingInANumberNeverClash) {
  RenderedMarkdown rendered = RenderArticle("## Setup\n\n## Setup\n\n## Setup 2\n");
  ASSERT_EQ(rendered.sections.size(), 3u);
  EXPECT_EQ(rendered.sections[0].anchor, "setup");
  EXPECT_EQ(rendered.sections[1].anchor, "setup-2");
  EXPECT_EQ(rendered.sections[2].anchor, "setup-2-2");
}

TEST(MarkdownTest, ATableOfContentsNeedsThreeSections) {
  Result<search::DocumentRecord> two = ParseArticle("a.md", Article("Intro.\n\n## One\n\n### Sub\n\n## Two\n"));
  ASSERT_TRUE(two.ok()) << two.error().ToString();
  EXPECT_TRUE(search::TableOfContents(*two).empty());

  Result<search::DocumentRecord> three =
      ParseArticle("a.md", Article("Intro.\n\n## One\n\n### Sub\n\n## Two\n\n## Three\n"));
  ASSERT_TRUE(three.ok()) << three.error().ToString();
  std::vector<search::Section> toc = search::TableOfContents(*three);
  ASSERT_EQ(toc.size(), 3u);  // the h3 is not listed
  EXPECT_EQ(toc[0].anchor, "one");
  EXPECT_EQ(toc[0].title, "One");
  EXPECT_EQ(toc[2].anchor, "three");
}

// An index written before schema-5 stored no heading levels: its articles
// still render, without a table of contents, until the next `helpdex index`.
TEST(MarkdownTest, ARecordFromAnOlderIndexHasNoTableOfContents) {
  search::DisplayRecord old;
  for (const char* anchor : {"one", "two", "three", "four"}) old.sections.push_back(search::Section{anchor, anchor, "text"});
  EXPECT_TRUE(search::TableOfContents(old).empty());
}

TEST(MarkdownTest, MetaDescriptionIsTheAnswerOrTheBodysStartCutAtAWord) {
  Result<search::DocumentRecord> answered =
      ParseArticle("a.md", "---\nid: en-x\ntitle: X\nlang: en\nslug: x\nanswer: Use **port 993** and `IMAP`.\n---\nBody.\n");
  ASSERT_TRUE(answered.ok()) << answered.error().ToString();
  EXPECT_EQ(search::MetaDescription(*answered), "Use port 993 and IMAP.");

  std::string long_body;
  for (int i = 0; i < 40; ++i) long_body += "Παράδειγμα ";
  Result<search::DocumentRecord> body = ParseArticle("a.md", Article("## Heading\n\n" + long_body + "\n"));
  ASSERT_TRUE(body.ok());
  const std::string description = search::MetaDescription(*body);
  EXPECT_EQ(description.rfind("Παράδειγμα…"), description.size() - std::string("Παράδειγμα…").size()) << description;
  size_t characters = 0;
  for (char c : description) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  EXPECT_LE(characters, search::kMetaDescriptionChars);
  EXPECT_GT(characters, search::kMetaDescriptionChars - 12);  // 14 whole words and "…"
}

// content/: every link to /articles/SLUG leads to a public article of the
// same language (and to one of its headings, when it names one).
TEST(ContentLinksTest, EveryInternalLinkLeadsToAnArticleOfTheSameLanguage) {
  const fs::path content = fs::path(HELPDEX_SOURCE_DIR) / "content";
  std::map<std::string, search::DocumentRecord> articles;  // "lang/slug"
  for (const char* lang : {"en", "nb", "tr", "cs", "ru", "el", "internal"}) {
    for (const fs::directory_entry& file : fs::directory_iterator(content / lang)) {
      if (file.path().extension() != ".md") continue;
      std::ifstream in(file.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      Result<search::DocumentRecord> record = ParseArticle(file.path().string(), bytes.str());
      ASSERT_TRUE(record.ok()) << record.error().ToString();
      articles[std::string(LanguageCode(record->language)) + "/" + record->slug] = *record;
    }
  }
  ASSERT_GE(articles.size(), 72u);
  // The e-mail settings are a table in every language, never raw pipes.
  int email_articles = 0;
  for (const auto& [key, article] : articles) {
    if (article.translation_key != "email-setup") continue;
    ++email_articles;
    EXPECT_TRUE(Contains(article.html, "<table>")) << article.source_path;
    EXPECT_FALSE(Contains(article.html, "|---|")) << article.source_path;
  }
  EXPECT_EQ(email_articles, 6);
  int internal_links = 0;
  for (const auto& [key, article] : articles) {
    for (const std::string& link : article.links) {
      if (link.rfind("/articles/", 0) != 0) {
        EXPECT_EQ(link.find("://nordly"), std::string::npos) << article.source_path << ": " << link;
        continue;
      }
      ++internal_links;
      std::string target = link.substr(std::string("/articles/").size());
      std::string anchor;
      if (size_t hash = target.find('#'); hash != std::string::npos) {
        anchor = target.substr(hash + 1);
        target.resize(hash);
      }
      const std::string lang(LanguageCode(article.language));
      if (size_t query = target.find('?'); query != std::string::npos) {
        EXPECT_EQ(target.substr(query), "?lang=" + lang) << article.source_path << ": " << link;
        target.resize(query);
      }
      auto found = articles.find(lang + "/" + target);
      ASSERT_NE(found, articles.end()) << article.source_path << ": no " << lang << " article " << link;
      if (article.audience == "public") {
        EXPECT_EQ(found->second.audience, "public") << article.source_path << " links an internal article: " << link;
      }
      if (!anchor.empty()) {
        bool has_anchor = false;
        for (const search::Section& section : found->second.sections) has_anchor |= section.anchor == anchor;
        EXPECT_TRUE(has_anchor) << article.source_path << ": no heading #" << anchor << " in " << link;
      }
    }
  }
  EXPECT_GE(internal_links, 12);  // the two-factor and mailbox-password links, in six languages
}

}  // namespace
}  // namespace helpdex::indexer

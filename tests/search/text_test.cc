// text.h: the one copy of trimming, UTF-8 validation, percent-encoding and
// hex that the indexer, the searcher, the stores and the server share.
#include "helpdex/search/text.h"
#include "helpdex/search/document.h"
#include "helpdex/search/markdown_text.h"

#include <gtest/gtest.h>

#include <string>

namespace helpdex::search {
namespace {

TEST(TrimTest, RemovesAsciiWhitespaceByDefault) {
  EXPECT_EQ(Trim(" \t\r\n\f\vreset password \n"), "reset password");
  EXPECT_EQ(Trim("  \n "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("a b"), "a b");
}

TEST(TrimTest, RemovesOnlyTheGivenCharacters) {
  // HTTP values lose spaces and tabs only: an encoded line break stays and is
  // then judged by the caller.
  EXPECT_EQ(Trim(" \t1\n", kHttpWhitespace), "1\n");
  EXPECT_EQ(Trim("\r term \r", " \t\r"), "term");
}

TEST(IsValidUtf8Test, AcceptsWellFormedAndRejectsTheRest) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("şifre κωδικός пароль 🔑"));
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));      // NUL is UTF-8; callers refuse it
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                 // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));             // overlong, three bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));             // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));         // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ok\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));                     // cut short
  EXPECT_FALSE(IsValidUtf8("\xC3(x"));                   // not a continuation byte
}

TEST(PercentDecodeTest, DecodesEscapesInEitherCase) {
  EXPECT_EQ(PercentDecode("%C3%A7ay%2f%2F", Plus::kLiteral), "çay//");
  EXPECT_EQ(PercentDecode("", Plus::kLiteral), "");
  EXPECT_EQ(PercentDecode("%00", Plus::kLiteral), std::string(1, '\0'));  // any byte; checks are the caller's
}

TEST(PercentDecodeTest, PlusIsASpaceOnlyWhenAskedFor) {
  EXPECT_EQ(PercentDecode("a+b%2B", Plus::kSpace), "a b+");
  EXPECT_EQ(PercentDecode("a+b%2B", Plus::kLiteral), "a+b+");
}

TEST(PercentDecodeTest, MalformedEscapesAreNullopt) {
  for (const char* bad : {"%zz", "%4", "%", "abc%", "%4g", "%g4"}) {
    EXPECT_EQ(PercentDecode(bad, Plus::kSpace), std::nullopt) << bad;
  }
}

TEST(PercentEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncode("a b/ç+&=?#%"), "a%20b%2F%C3%A7%2B%26%3D%3F%23%25");
  const std::string all_bytes = [] {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
    return bytes;
  }();
  EXPECT_EQ(PercentDecode(PercentEncode(all_bytes), Plus::kSpace), all_bytes);
}

TEST(HexEncodeTest, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
}

}  // namespace
}  // namespace helpdex::search

namespace helpdex::search {
namespace {

// document.h's FirstLines(): what a ticket's resolution shows before it is
// expanded in the agent console.
TEST(FirstLinesTest, KeepsTheFirstLinesThatAreNotBlank) {
  EXPECT_EQ(FirstLines("one\n\n  \ntwo\nthree\nfour", 3, 100), "one\ntwo\nthree…");
  EXPECT_EQ(FirstLines("one\ntwo", 3, 100), "one\ntwo");
  EXPECT_EQ(FirstLines("", 3, 100), "");
  // A long line is cut at a character boundary, never inside one.
  EXPECT_EQ(FirstLines("şşşş", 1, 5), "şş…");
}

TEST(TicketThreadTest, TheResolutionIsTheLastAgentMessage) {
  DocumentRecord record;
  record.messages = {{"customer", "2026-12-03T14:05:00Z", "help", ""},
                     {"agent", "2026-12-03T14:20:00Z", "which browser?", ""},
                     {"customer", "2026-12-03T14:31:00Z", "Firefox", ""},
                     {"agent", "2026-12-03T14:40:00Z", "**Open** billing", "Open billing"}};
  const std::vector<TicketMessage> thread = TicketThread(record);
  ASSERT_EQ(thread.size(), 4u);
  const TicketMessage* resolution = TicketResolution(thread);
  ASSERT_NE(resolution, nullptr);
  EXPECT_EQ(resolution->text, "**Open** billing");
  EXPECT_EQ(TicketResolution({{"customer", "", "no reply yet", ""}}), nullptr);
  // A short closing remark after the fix: the fix is the resolution.
  const std::vector<TicketMessage> closed = {
      {"customer", "", "My export fails", ""},
      {"agent", "", "Go to Mail, then Export, then Start export; the link stays valid for 7 days.", ""},
      {"customer", "", "Thanks, it worked!", ""},
      {"agent", "", "Glad to hear it. Closing.", ""}};
  ASSERT_NE(TicketResolution(closed), nullptr);
  EXPECT_EQ(TicketResolution(closed)->text, closed[1].text);
}

TEST(TicketThreadTest, ATicketIndexedBeforeMessagesWereKeptIsOneMessageEach) {
  DocumentRecord record;
  record.problem = "My site is slow";
  record.resolution = "Turn on caching";
  const std::vector<TicketMessage> thread = TicketThread(record);
  ASSERT_EQ(thread.size(), 2u);
  EXPECT_EQ(thread[0].role, "customer");
  EXPECT_EQ(thread[0].text, "My site is slow");
  EXPECT_EQ(thread[1].role, "agent");
  EXPECT_EQ(thread[1].text, "Turn on caching");
}

// markdown_text.h: what an agent's ticket message shows, never rendered.
TEST(MarkdownToPlainTextTest, KeepsTheWordsAndDropsTheMarkup) {
  struct Case {
    const char* markdown;
    const char* text;
  };
  const Case kCases[] = {
      {"**Hesap > Faturalar** sayfasını açın", "Hesap > Faturalar sayfasını açın"},
      {"Use __port 993__ and *SSL*, or ~~995~~ `imap.example.com`.", "Use port 993 and SSL, or 995 imap.example.com."},
      {"# Steps\n\n1. Open **Billing**\n2. Click *PDF*", "Steps\n\n1. Open Billing\n2. Click PDF"},
      {"- first\n* second\n+ third", "• first\n• second\n• third"},
      {"> quoted **line**", "quoted line"},
      {"See [the guide](https://help.example/guide) or [this](/articles/x?lang=en).",
       "See the guide (https://help.example/guide) or this (/articles/x?lang=en)."},
      {"![screenshot](https://x.example/s.png) done", "screenshot done"},
      {"Mail <https://help.example> now", "Mail https://help.example now"},
      // Nothing becomes a link: a javascript: or data: destination is dropped.
      {"[Details](javascript:alert(1)) and [x](data:text/html,hi)", "Details and x"},
      // HTML is text (escaped where it is shown), not removed and not run.
      {"close it <script>alert('a')</script>", "close it <script>alert('a')</script>"},
      // What is not markup stays: snake_case, a lone star, arithmetic, escapes.
      {"set max_upload_size to 2 * 64 MB", "set max_upload_size to 2 * 64 MB"},
      {"a \\*literal\\* star", "a *literal* star"},
      {"```\n**not bold** in code\n```\nafter", "**not bold** in code\nafter"},
      {"above\n\n---\n\nbelow", "above\n\n\nbelow"},
      {"[unclosed link (no) [x]", "[unclosed link (no) [x]"},
      {"", ""},
  };
  for (const Case& c : kCases) EXPECT_EQ(MarkdownToPlainText(c.markdown), c.text) << c.markdown;
}

TEST(MarkdownToPlainTextTest, HostileTextTakesLinearTime) {
  // Thousands of unclosed brackets and markers: each is looked past at most
  // a bounded distance (no timing assertion; a quadratic pass would take
  // minutes on this and the test would time out).
  const std::string brackets(20000, '[');
  EXPECT_EQ(MarkdownToPlainText(brackets), brackets);
  std::string stars;
  for (int i = 0; i < 50000; ++i) stars += "*a ";
  EXPECT_EQ(MarkdownToPlainText(stars).size(), 99999u);
}

}  // namespace
}  // namespace helpdex::search

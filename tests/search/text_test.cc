// text.h: the one copy of trimming, UTF-8 validation, percent-encoding and
// hex that the indexer, the searcher, the stores and the server share.
#include "helpdex/search/text.h"
#include "helpdex/search/document.h"

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
  record.messages = {{"customer", "2026-12-03T14:05:00Z", "help", "", ""},
                     {"agent", "2026-12-03T14:20:00Z", "which browser?", "", ""},
                     {"customer", "2026-12-03T14:31:00Z", "Firefox", "", ""},
                     {"agent", "2026-12-03T14:40:00Z", "**Open** billing", "Open billing", "<p><strong>Open</strong> billing</p>\n"}};
  const std::vector<TicketMessage> thread = TicketThread(record);
  ASSERT_EQ(thread.size(), 4u);
  const TicketMessage* resolution = TicketResolution(thread);
  ASSERT_NE(resolution, nullptr);
  EXPECT_EQ(resolution->text, "**Open** billing");
  EXPECT_EQ(TicketResolution({{"customer", "", "no reply yet", "", ""}}), nullptr);
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
  EXPECT_EQ(thread[1].html, "");  // shown as plain text: never rendered at read time
}

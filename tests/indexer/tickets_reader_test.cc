// Unit tests for helpdex/indexer/tickets.h: the three export formats, their
// errors (named by file:line or file#N, the rest still reads), hashes and caps.
#include "helpdex/indexer/tickets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "../support/temp_kb.h"

namespace helpdex::indexer {
namespace {

using helpdex::testing::TempKb;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kFixtures = HELPDEX_SOURCE_DIR "/tests/indexer/fixtures/tickets/";

struct ReadResult {
  Result<int> count = 0;
  std::vector<Ticket> tickets;
  std::vector<Error> errors;

  const Ticket* Find(const std::string& id) const {
    for (const Ticket& ticket : tickets) {
      if (ticket.id == id) return &ticket;
    }
    return nullptr;
  }
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const Ticket& ticket : tickets) ids.push_back(ticket.id);
    return ids;
  }
  std::vector<std::string> ErrorPlaces() const {
    std::vector<std::string> places;
    for (const Error& error : errors) places.push_back(error.where);
    return places;
  }
};

ReadResult Read(const std::string& path) {
  ReadResult result;
  result.count = ReadTicketsFile(
      path, [&](Ticket ticket) { result.tickets.push_back(std::move(ticket)); },
      [&](Error error) { result.errors.push_back(std::move(error)); });
  return result;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string WriteFile(const TempKb& dir, const std::string& name, const std::string& bytes) {
  const std::string path = (dir.root() / name).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string WriteGzip(const TempKb& dir, const std::string& name, const std::string& bytes) {
  const std::string path = (dir.root() / name).string();
  gzFile file = gzopen(path.c_str(), "wb");
  EXPECT_NE(file, nullptr);
  EXPECT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(file);
  return path;
}

std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// ---- JSON Lines ------------------------------------------------------------------

TEST(TicketsReaderTest, JsonLinesReadsEveryTicketWithItsFields) {
  const std::string path = kFixtures + "tickets.jsonl";
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
  EXPECT_EQ(*read.count, 4);
  EXPECT_TRUE(read.errors.empty());
  EXPECT_THAT(read.Ids(), ElementsAre("T-1001", "1002", "T-1003", "T-1004"));

  const Ticket& first = read.tickets[0];
  EXPECT_EQ(first.subject, "Cannot log in after password reset");
  EXPECT_EQ(first.lang, "en");
  EXPECT_EQ(first.status, "solved");
  EXPECT_THAT(first.tags, ElementsAre("login", "password"));
  EXPECT_EQ(first.created, "2026-03-02T09:14:00Z");
  ASSERT_EQ(first.messages.size(), 2u);
  EXPECT_EQ(first.messages[0].role, "customer");
  EXPECT_EQ(first.messages[0].time, "2026-03-02T09:14:00Z");
  EXPECT_EQ(first.messages[1].role, "agent");
  EXPECT_THAT(first.messages[1].text, HasSubstr("Clear the saved password"));
  EXPECT_THAT(first.requester_names, ElementsAre("Ada Lovelace"));
  EXPECT_THAT(first.requester_emails, ElementsAre("ada@example.com"));
  EXPECT_EQ(first.where, path + ":1");
  EXPECT_EQ(first.hash.size(), 16u);

  // An integer id becomes its decimal string; the status is lower-cased.
  EXPECT_EQ(read.tickets[1].status, "closed");
  // The blank line 3 is skipped but still counted.
  EXPECT_EQ(read.tickets[2].where, path + ":4");
  EXPECT_EQ(read.tickets[2].status, "open");
  // No subject is fine; an empty message is dropped.
  EXPECT_EQ(read.tickets[3].subject, "");
  ASSERT_EQ(read.tickets[3].messages.size(), 2u);
  EXPECT_EQ(read.tickets[3].messages[1].text, "Settings > Profile > E-mail.");
}

TEST(TicketsReaderTest, JsonLinesBadLinesAreNamedAndTheRestStillReads) {
  const std::string path = kFixtures + "broken.jsonl";
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
  EXPECT_EQ(*read.count, 2);
  EXPECT_THAT(read.Ids(), ElementsAre("B-1", "B-7"));
  EXPECT_THAT(read.ErrorPlaces(),
              ElementsAre(path + ":2", path + ":3", path + ":4", path + ":5", path + ":6"));
  ASSERT_EQ(read.errors.size(), 5u);
  EXPECT_EQ(read.errors[0].code, ErrorCode::kInvalidInput);
  EXPECT_THAT(read.errors[0].message, HasSubstr("invalid JSON: parse error at column"));
  EXPECT_THAT(read.errors[0].message, ::testing::Not(HasSubstr("json.exception")));
  EXPECT_THAT(read.errors[1].message, HasSubstr("field 'messages[2].role'"));
  EXPECT_EQ(read.errors[2].message, "field 'status' is missing");
  EXPECT_EQ(read.errors[3].message, "field 'id' must be a string or an integer");
  EXPECT_THAT(read.errors[4].message, HasSubstr("no message with text"));
}

TEST(TicketsReaderTest, GzippedJsonLinesReadLikePlainOnes) {
  TempKb dir;
  const std::string bytes = ReadBytes(kFixtures + "tickets.jsonl");
  for (const std::string name : {"export.jsonl.gz", "export.ndjson.gz"}) {
    const std::string path = WriteGzip(dir, name, bytes);
    ReadResult read = Read(path);
    ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
    EXPECT_EQ(*read.count, 4);
    EXPECT_EQ(read.tickets[2].where, path + ":4");
    // The hash is of the line, not of its compressed form.
    EXPECT_EQ(read.tickets[0].hash, Read(kFixtures + "tickets.jsonl").tickets[0].hash);
  }
}

TEST(TicketsReaderTest, TruncatedGzipIsAnErrorNotAShortFile) {
  TempKb dir;
  const std::string full = ReadBytes(WriteGzip(dir, "full.jsonl.gz", ReadBytes(kFixtures + "tickets.jsonl")));
  const std::string path = WriteFile(dir, "cut.jsonl.gz", full.substr(0, full.size() / 2));
  ReadResult read = Read(path);
  ASSERT_FALSE(read.count.ok());
  EXPECT_THAT(read.count.error().message, HasSubstr("gzip"));
}

TEST(TicketsReaderTest, ALineOverOneMebibyteIsReportedAndSkipped) {
  TempKb dir;
  const std::string good = R"({"id": "ok", "status": "solved", "messages": [{"role": "customer", "text": "hi"}]})";
  const std::string huge = R"({"id": "big", "status": "solved", "messages": [{"role": "customer", "text": ")" +
                           std::string(std::size_t{1} << 20, 'x') + R"("}]})";
  const std::string path = WriteFile(dir, "big.ndjson", good + "\n" + huge + "\n" + good + "\n");
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok());
  EXPECT_EQ(*read.count, 2);
  ASSERT_EQ(read.errors.size(), 1u);
  EXPECT_EQ(read.errors[0].where, path + ":2");
  EXPECT_THAT(read.errors[0].message, HasSubstr("1 MiB"));
}

TEST(TicketsReaderTest, InvalidUtf8InAJsonLineIsAnError) {
  TempKb dir;
  const std::string path = WriteFile(
      dir, "bad.jsonl", "{\"id\": \"u\", \"status\": \"solved\", \"messages\": [{\"role\": \"customer\", \"text\": \"caf\xC3\"}]}\n");
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok());
  EXPECT_EQ(*read.count, 0);
  ASSERT_EQ(read.errors.size(), 1u);
  EXPECT_EQ(read.errors[0].where, path + ":1");
  EXPECT_THAT(read.errors[0].message, HasSubstr("UTF-8"));
}

// ---- CSV -------------------------------------------------------------------------

TEST(TicketsReaderTest, CsvReadsQuotedMultiLineFieldsAndCountsPhysicalLines) {
  const std::string path = kFixtures + "tickets.csv";
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
  EXPECT_EQ(*read.count, 4);
  EXPECT_TRUE(read.errors.empty()) << read.errors[0].ToString();
  EXPECT_THAT(read.Ids(), ElementsAre("C-1", "C-2", "42", "C-4"));
  // C-1 spans lines 2-5, line 7 is blank, 42 spans lines 8-9.
  EXPECT_THAT(std::vector<std::string>({read.tickets[0].where, read.tickets[1].where, read.tickets[2].where,
                                        read.tickets[3].where}),
              ElementsAre(path + ":2", path + ":6", path + ":8", path + ":10"));

  const Ticket& printer = read.tickets[0];
  EXPECT_EQ(printer.subject, "Printer offline");
  EXPECT_EQ(printer.status, "solved");
  EXPECT_EQ(printer.lang, "en");
  EXPECT_EQ(printer.created, "2026-02-01T10:00:00Z");
  EXPECT_THAT(printer.tags, ElementsAre("printing", "hardware", "setup"));
  ASSERT_EQ(printer.messages.size(), 2u);
  EXPECT_EQ(printer.messages[0].role, "customer");
  EXPECT_EQ(printer.messages[0].text, "The printer shows \"offline\", even after a restart.");
  EXPECT_EQ(printer.messages[1].role, "agent");
  EXPECT_EQ(printer.messages[1].text,
            "Re-add the printer, then:\n1. open Settings\n2. choose \"Printers, scanners\"\n3. click Add");
  EXPECT_THAT(printer.requester_names, ElementsAre("Grace Hopper"));
  EXPECT_THAT(printer.requester_emails, ElementsAre("grace@example.com"));

  // The open ticket has no resolution: one message.
  EXPECT_EQ(read.tickets[1].status, "open");
  ASSERT_EQ(read.tickets[1].messages.size(), 1u);
  EXPECT_TRUE(read.tickets[1].requester_names.empty());

  EXPECT_EQ(read.tickets[2].subject, "Fakturaadresse, ny");
  EXPECT_EQ(read.tickets[2].status, "closed");
  EXPECT_EQ(read.tickets[2].messages[0].text, "Hvordan endrer jeg\nfakturaadressen?");

  // No problem: only the agent's resolution.
  ASSERT_EQ(read.tickets[3].messages.size(), 1u);
  EXPECT_EQ(read.tickets[3].messages[0].role, "agent");
  EXPECT_TRUE(read.tickets[3].tags.empty());
}

TEST(TicketsReaderTest, CsvBadRowsAreNamedByTheirFirstLineAndTheRestStillReads) {
  const std::string path = kFixtures + "bad_rows.csv";
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
  EXPECT_THAT(read.Ids(), ElementsAre("R-1", "R-4"));
  EXPECT_EQ(read.tickets[1].where, path + ":6");
  EXPECT_THAT(read.ErrorPlaces(), ElementsAre(path + ":3", path + ":4", path + ":7", path + ":8"));
  ASSERT_EQ(read.errors.size(), 4u);
  EXPECT_EQ(read.errors[0].message, "the row has 6 fields but the header has 5");
  EXPECT_EQ(read.errors[1].message, "the row has 4 fields but the header has 5");
  EXPECT_EQ(read.errors[2].message, "field 'id' is empty");
  EXPECT_THAT(read.errors[3].message, HasSubstr("neither a problem nor a resolution"));
}

TEST(TicketsReaderTest, CsvWithoutAnIdColumnFailsAsAWhole) {
  const std::string path = kFixtures + "missing_id.csv";
  ReadResult read = Read(path);
  ASSERT_FALSE(read.count.ok());
  EXPECT_EQ(read.count.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(read.count.error().where, path + ":1");
  EXPECT_THAT(read.count.error().message, HasSubstr("no 'id' column"));
  EXPECT_TRUE(read.tickets.empty());
}

TEST(TicketsReaderTest, CsvNeedsProblemOrResolutionAndAHeader) {
  TempKb dir;
  Result<int> no_text = Read(WriteFile(dir, "a.csv", "id,subject,status\n1,s,solved\n")).count;
  ASSERT_FALSE(no_text.ok());
  EXPECT_THAT(no_text.error().message, HasSubstr("'problem'"));
  Result<int> empty = Read(WriteFile(dir, "b.csv", "\n\n")).count;
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.error().message, HasSubstr("no header row"));
}

TEST(TicketsReaderTest, CsvHandlesBomCrlfMissingFinalNewlineAndGzip) {
  TempKb dir;
  const std::string bytes =
      "\xEF\xBB\xBFId,Subject,Status,Resolution\r\n"
      "1,One,Solved,\"Line one\r\nline two\"\r\n"
      "\r\n"
      "2,Two,closed,Done";
  for (const std::string& path : {WriteFile(dir, "crlf.csv", bytes), WriteGzip(dir, "crlf.CSV.gz", bytes)}) {
    ReadResult read = Read(path);
    ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
    EXPECT_TRUE(read.errors.empty()) << read.errors[0].ToString();
    ASSERT_THAT(read.Ids(), ElementsAre("1", "2"));
    EXPECT_EQ(read.tickets[0].where, path + ":2");
    EXPECT_EQ(read.tickets[1].where, path + ":5");
    EXPECT_EQ(read.tickets[0].status, "solved");
    EXPECT_EQ(read.tickets[1].messages[0].text, "Done");
  }
}

TEST(TicketsReaderTest, CsvInvalidUtf8IsNamedByItsColumn) {
  TempKb dir;
  const std::string path =
      WriteFile(dir, "u.csv", "id,subject,status,problem\n1,ok,solved,fine\n2,caf\xE9,solved,Q\n3,ok,solved,fine\n");
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok());
  EXPECT_THAT(read.Ids(), ElementsAre("1", "3"));
  ASSERT_EQ(read.errors.size(), 1u);
  EXPECT_EQ(read.errors[0].where, path + ":3");
  EXPECT_EQ(read.errors[0].message, "field 'subject' is not valid UTF-8");
}

TEST(TicketsReaderTest, CsvUnclosedQuoteAndHugeRowsAreReported) {
  TempKb dir;
  const std::string unclosed =
      WriteFile(dir, "q.csv", "id,subject,status,problem\n1,ok,solved,fine\n2,\"never closed,solved,Q\n3,x,solved,y\n");
  ReadResult read = Read(unclosed);
  ASSERT_TRUE(read.count.ok());
  EXPECT_THAT(read.Ids(), ElementsAre("1"));
  ASSERT_EQ(read.errors.size(), 1u);
  EXPECT_EQ(read.errors[0].where, unclosed + ":3");
  EXPECT_THAT(read.errors[0].message, HasSubstr("not closed"));

  const std::string huge = WriteFile(dir, "h.csv", "id,subject,status,problem\n1,big,solved,\"" +
                                                       std::string((std::size_t{1} << 20) + 10, 'x') +
                                                       "\"\n2,ok,solved,fine\n");
  read = Read(huge);
  ASSERT_TRUE(read.count.ok());
  EXPECT_THAT(read.Ids(), ElementsAre("2"));
  ASSERT_EQ(read.errors.size(), 1u);
  EXPECT_EQ(read.errors[0].where, huge + ":2");
  EXPECT_THAT(read.errors[0].message, HasSubstr("1 MiB"));
}

// ---- Zendesk ---------------------------------------------------------------------

TEST(TicketsReaderTest, ZendeskAssignsRolesSkipsPrivateNotesAndFindsRequesters) {
  const std::string path = kFixtures + "zendesk.json";
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
  EXPECT_EQ(*read.count, 3);
  EXPECT_TRUE(read.errors.empty()) << read.errors[0].ToString();
  EXPECT_THAT(read.Ids(), ElementsAre("35436", "35437", "ZD-9"));

  const Ticket& fire = read.tickets[0];
  EXPECT_EQ(fire.where, path + "#1");
  EXPECT_EQ(fire.subject, "Help, my printer is on fire!");
  EXPECT_EQ(fire.status, "solved");
  EXPECT_EQ(fire.created, "2026-01-04T22:55:29Z");
  EXPECT_THAT(fire.tags, ElementsAre("enterprise", "printer"));
  ASSERT_EQ(fire.messages.size(), 3u);  // the private note (comment 2) is gone
  EXPECT_EQ(fire.messages[0].role, "customer");
  EXPECT_EQ(fire.messages[0].time, "2026-01-04T22:55:29Z");
  EXPECT_EQ(fire.messages[1].role, "agent");
  EXPECT_EQ(fire.messages[1].text, "Unplug the printer and call the fire brigade.");
  EXPECT_EQ(fire.messages[2].role, "customer");
  EXPECT_EQ(fire.messages[2].text, "Thanks, it worked.");  // from plain_body
  for (const TicketMessage& message : fire.messages) EXPECT_THAT(message.text, ::testing::Not(HasSubstr("upset")));
  EXPECT_THAT(fire.requester_names, ElementsAre("Margaret Hamilton"));
  EXPECT_THAT(fire.requester_emails, ElementsAre("margaret@example.com"));

  EXPECT_EQ(read.tickets[1].status, "open");
  EXPECT_FALSE(IsResolved(read.tickets[1]));
  EXPECT_THAT(read.tickets[1].requester_names, ElementsAre("Alan Turing"));

  // No comments: the description is the customer's message; inline requester.
  const Ticket& plan = read.tickets[2];
  EXPECT_EQ(plan.where, path + "#3");
  EXPECT_EQ(plan.status, "closed");
  ASSERT_EQ(plan.messages.size(), 1u);
  EXPECT_EQ(plan.messages[0].role, "customer");
  EXPECT_EQ(plan.messages[0].text, "How do I move to the yearly plan?");
  EXPECT_THAT(plan.requester_names, ElementsAre("Linus Example"));
  EXPECT_THAT(plan.requester_emails, ElementsAre("linus@example.org"));
}

TEST(TicketsReaderTest, ZendeskMalformedTicketsAreNamedByIndexAndTheRestStillReads) {
  const std::string path = kFixtures + "zendesk_broken.json";
  ReadResult read = Read(path);
  ASSERT_TRUE(read.count.ok()) << read.count.error().ToString();
  EXPECT_EQ(*read.count, 2);
  EXPECT_THAT(read.Ids(), ElementsAre("1", "6"));
  EXPECT_EQ(read.tickets[1].where, path + "#6");
  EXPECT_THAT(read.ErrorPlaces(), ElementsAre(path + "#2", path + "#3", path + "#4", path + "#5"));
  ASSERT_EQ(read.errors.size(), 4u);
  EXPECT_EQ(read.errors[0].message, "field 'id' is missing");
  EXPECT_EQ(read.errors[1].message, "field 'comments' must be an array");
  EXPECT_EQ(read.errors[2].message, "field 'comments[0].author_id' is missing");
  EXPECT_THAT(read.errors[3].message, HasSubstr("no public comment"));
}

TEST(TicketsReaderTest, ZendeskInvalidJsonFailsTheFileWithItsPosition) {
  ReadResult read = Read(kFixtures + "zendesk_invalid.json");
  ASSERT_FALSE(read.count.ok());
  EXPECT_EQ(read.count.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(read.count.error().message, HasSubstr("invalid JSON: parse error at line 2, column"));

  TempKb dir;
  Result<int> no_tickets = Read(WriteFile(dir, "x.json", R"({"users": []})")).count;
  ASSERT_FALSE(no_tickets.ok());
  EXPECT_THAT(no_tickets.error().message, HasSubstr("'tickets' array"));
  Result<int> deep = Read(WriteFile(dir, "deep.json", std::string(100000, '[') + std::string(100000, ']'))).count;
  ASSERT_FALSE(deep.ok());
  EXPECT_THAT(deep.error().message, HasSubstr("nested deeper"));
}

// ---- Hashes, formats, IsResolved ---------------------------------------------------

TEST(TicketsReaderTest, HashesAreStableAndChangeOnlyWithTheRecord) {
  TempKb dir;
  struct Case {
    std::string fixture;
    std::string copy;
    std::string from;
    std::string to;
    std::size_t changed;  // index of the ticket whose source changes
  };
  const Case cases[] = {
      {"tickets.jsonl", "t.jsonl", "Clear the saved password", "Clear the cached password", 0},
      {"tickets.csv", "t.csv", "Search takes 5 seconds", "Search takes 6 seconds", 1},
      {"zendesk.json", "t.json", "call the fire brigade", "call the fire department", 0},
      // A renamed requester re-indexes their ticket (redaction must see the new name).
      {"zendesk.json", "u.json", "Alan Turing", "Alan M. Turing", 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.copy);
    const ReadResult first = Read(kFixtures + c.fixture);
    const ReadResult again = Read(kFixtures + c.fixture);
    const ReadResult changed = Read(WriteFile(dir, c.copy, ReplaceOnce(ReadBytes(kFixtures + c.fixture), c.from, c.to)));
    ASSERT_EQ(first.tickets.size(), changed.tickets.size());
    ASSERT_EQ(first.tickets.size(), again.tickets.size());
    for (std::size_t i = 0; i < first.tickets.size(); ++i) {
      EXPECT_EQ(first.tickets[i].hash, again.tickets[i].hash);
      if (i == c.changed) {
        EXPECT_NE(first.tickets[i].hash, changed.tickets[i].hash);
      } else {
        EXPECT_EQ(first.tickets[i].hash, changed.tickets[i].hash) << i;
      }
    }
  }
}

TEST(TicketsReaderTest, UnknownExtensionOrMissingFileIsAnError) {
  ReadResult read = Read(kFixtures + "tickets.xml");
  ASSERT_FALSE(read.count.ok());
  EXPECT_EQ(read.count.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(read.count.error().where, kFixtures + "tickets.xml");
  EXPECT_THAT(read.count.error().message, HasSubstr(".jsonl"));
  EXPECT_THAT(read.count.error().message, HasSubstr(".csv"));

  for (const std::string name : {"absent.jsonl", "absent.csv", "absent.json"}) {
    Result<int> missing = Read(kFixtures + name).count;
    ASSERT_FALSE(missing.ok()) << name;
    EXPECT_EQ(missing.error().where, kFixtures + name);
  }
}

TEST(TicketsReaderTest, ExceptionsFromCallbacksDoNotEscape) {
  Result<int> read = ReadTicketsFile(
      kFixtures + "tickets.csv", [](Ticket) { throw std::runtime_error("caller bug"); }, [](Error) {});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kInternal);
}

TEST(TicketsReaderTest, OnlySolvedAndClosedAreResolved) {
  Ticket ticket;
  for (const char* status : {"solved", "closed", "Solved", " closed "}) {
    ticket.status = status;
    EXPECT_TRUE(IsResolved(ticket)) << status;
  }
  for (const char* status : {"open", "pending", "new", "hold", "", "solved-ish"}) {
    ticket.status = status;
    EXPECT_FALSE(IsResolved(ticket)) << status;
  }
}

}  // namespace
}  // namespace helpdex::indexer

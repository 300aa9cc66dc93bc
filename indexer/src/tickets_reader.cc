// Reading resolved-ticket exports: JSON Lines, CSV (libcsv) and a Zendesk-style
// JSON export, into Ticket records. See helpdex/indexer/tickets.h for the formats.
#include <csv.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/indexer/lines.h"
#include "helpdex/indexer/tickets.h"
#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/text.h"

namespace helpdex::indexer {
namespace {

using nlohmann::json;

// One record (a JSON line, a CSV row, a Zendesk ticket) larger than this is
// reported instead of analysed: no real ticket is that big, and a runaway
// record (an unclosed CSV quote) must not take the indexer's memory with it.
constexpr std::size_t kMaxRecordBytes = std::size_t{1} << 20;

// Deeper JSON is refused in Zendesk exports: json::dump() (used for the hash)
// recurses, so a hostile nesting would overflow the stack.
constexpr int kMaxJsonDepth = 64;

// Joins the fields of a CSV row for its hash; it cannot occur in a ticket's text.
constexpr char kFieldSeparator = '\x1f';

constexpr std::string_view kAcceptedExtensions =
    ".jsonl, .ndjson, .jsonl.gz, .ndjson.gz, .csv, .csv.gz, .json or .json.gz";

enum class Format { kJsonLines, kCsv, kZendesk };

// A sentence naming what is wrong with one record; empty optional when fine.
using Problem = std::optional<std::string>;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A field without the spaces, tabs and line breaks around it, as a copy the
// ticket can own.
std::string Trimmed(std::string_view text) { return std::string(search::Trim(text, " \t\r\n")); }

bool IsBlank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::optional<Format> FormatOf(const std::string& path) {
  // Exports made on Windows often come as TICKETS.CSV.
  const std::string name = Lower(std::filesystem::path(path).filename().string());
  for (std::string_view ext : {".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"}) {
    if (EndsWith(name, ext)) return Format::kJsonLines;
  }
  if (EndsWith(name, ".csv") || EndsWith(name, ".csv.gz")) return Format::kCsv;
  if (EndsWith(name, ".json") || EndsWith(name, ".json.gz")) return Format::kZendesk;
  return std::nullopt;
}

Error Invalid(std::string message, std::string where) {
  return Error{ErrorCode::kInvalidInput, std::move(message), std::move(where)};
}

std::string Field(std::string_view name) { return "field '" + std::string(name) + "'"; }

// nlohmann's message without its "[json.exception.parse_error.101] " tag; it
// keeps the position ("at line 3, column 14") and what the parser expected.
// A JSON line is always "line 1", so that part is dropped there.
std::string JsonParseMessage(const json::parse_error& error, bool one_line) {
  std::string text = error.what();
  const std::size_t tag_end = text.find("] ");
  if (text.starts_with("[json.exception.") && tag_end != std::string::npos) text.erase(0, tag_end + 2);
  constexpr std::string_view kLineOne = "parse error at line 1, ";
  if (one_line && text.starts_with(kLineOne)) text = "parse error at " + text.substr(kLineOne.size());
  return "invalid JSON: " + text;
}

// ---- JSON fields -------------------------------------------------------------

// object[key] as a string. Absent or null is fine unless `required` (exports
// write null for an empty optional field).
Problem StringField(const json& object, const char* key, const std::string& name, bool required, std::string& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return required ? Problem(Field(name) + " is missing") : Problem();
  if (!it->is_string()) return Field(name) + " must be a string";
  out = it->get<std::string>();
  return std::nullopt;
}

// object[key] as an id: a non-empty string, or an integer written in decimal.
Problem IdField(const json& object, const char* key, const std::string& name, bool required, std::string& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return required ? Problem(Field(name) + " is missing") : Problem();
  if (it->is_string()) {
    out = Trimmed(it->get_ref<const std::string&>());
    if (out.empty()) return Field(name) + " is empty";
  } else if (it->is_number_integer()) {
    out = it->dump();
  } else {
    return Field(name) + " must be a string or an integer";
  }
  return std::nullopt;
}

// A required, non-empty status, lower-cased so that "Solved" counts as solved.
Problem StatusField(const json& object, const char* key, std::string& out) {
  std::string status;
  if (Problem problem = StringField(object, key, key, /*required=*/true, status)) return problem;
  out = Lower(Trimmed(status));
  if (out.empty()) return Field(key) + " is empty";
  return std::nullopt;
}

Problem TagsField(const json& object, const char* key, std::vector<std::string>& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) return Field(key) + " must be an array of strings";
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& tag = (*it)[i];
    if (!tag.is_string()) return Field(std::string(key) + "[" + std::to_string(i) + "]") + " must be a string";
    std::string trimmed = Trimmed(tag.get_ref<const std::string&>());
    if (!trimmed.empty()) out.push_back(std::move(trimmed));
  }
  return std::nullopt;
}

// {"name", "email"}, both optional, into the ticket's requester lists.
Problem AddRequester(const json& requester, const std::string& name, Ticket& ticket) {
  if (requester.is_null()) return std::nullopt;
  if (!requester.is_object()) return Field(name) + " must be an object";
  std::string person;
  std::string email;
  if (Problem problem = StringField(requester, "name", name + ".name", false, person)) return problem;
  if (Problem problem = StringField(requester, "email", name + ".email", false, email)) return problem;
  person = Trimmed(person);
  email = Trimmed(email);
  if (!person.empty() && std::find(ticket.requester_names.begin(), ticket.requester_names.end(), person) ==
                             ticket.requester_names.end()) {
    ticket.requester_names.push_back(person);
  }
  if (!email.empty() && std::find(ticket.requester_emails.begin(), ticket.requester_emails.end(), email) ==
                            ticket.requester_emails.end()) {
    ticket.requester_emails.push_back(email);
  }
  return std::nullopt;
}

// ---- gzip-or-plain file input ---------------------------------------------------

// Calls `on_chunk` with successive pieces of the file, decompressed when it is
// gzipped (gzread passes plain files through). An Error from `on_chunk` stops.
std::optional<Error> ForEachChunk(const std::string& path,
                                  const std::function<std::optional<Error>(std::string_view)>& on_chunk) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Invalid("no such file", path);
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Invalid("cannot open the file", path);
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(file, gzclose);
  gzbuffer(file, 1 << 17);
  std::vector<char> buffer(1 << 16);
  while (true) {
    const int read = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (read <= 0) {
      // A gzip stream cut short reads as a plain end of file; only gzerror() tells.
      int gzip_error = Z_OK;
      gzerror(file, &gzip_error);
      if (read < 0 || gzip_error != Z_OK) return Invalid("the file is corrupt (gzip error)", path);
      return std::nullopt;
    }
    if (std::optional<Error> error = on_chunk(std::string_view(buffer.data(), static_cast<std::size_t>(read)))) {
      return error;
    }
  }
}

// ---- JSON Lines -----------------------------------------------------------------

Problem TicketFromJsonLine(const json& doc, Ticket& ticket) {
  if (!doc.is_object()) return std::string("not a JSON object");
  if (Problem problem = IdField(doc, "id", "id", true, ticket.id)) return problem;
  if (Problem problem = StatusField(doc, "status", ticket.status)) return problem;
  if (Problem problem = StringField(doc, "subject", "subject", false, ticket.subject)) return problem;
  if (Problem problem = StringField(doc, "lang", "lang", false, ticket.lang)) return problem;
  if (Problem problem = StringField(doc, "created", "created", false, ticket.created)) return problem;
  if (Problem problem = TagsField(doc, "tags", ticket.tags)) return problem;
  ticket.subject = Trimmed(ticket.subject);
  ticket.lang = Trimmed(ticket.lang);
  ticket.created = Trimmed(ticket.created);
  if (const auto it = doc.find("requester"); it != doc.end()) {
    if (Problem problem = AddRequester(*it, "requester", ticket)) return problem;
  }

  const auto messages = doc.find("messages");
  if (messages == doc.end() || messages->is_null()) return Field("messages") + " is missing";
  if (!messages->is_array()) return Field("messages") + " must be an array";
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const json& message = (*messages)[i];
    const std::string name = "messages[" + std::to_string(i) + "]";
    if (!message.is_object()) return Field(name) + " must be an object";
    TicketMessage out;
    if (Problem problem = StringField(message, "role", name + ".role", true, out.role)) return problem;
    if (out.role != "customer" && out.role != "agent") return Field(name + ".role") + " must be \"customer\" or \"agent\"";
    if (Problem problem = StringField(message, "text", name + ".text", true, out.text)) return problem;
    if (Problem problem = StringField(message, "time", name + ".time", false, out.time)) return problem;
    // An empty message (an attachment-only reply) has nothing to index.
    if (IsBlank(out.text)) continue;
    ticket.messages.push_back(std::move(out));
  }
  if (ticket.messages.empty()) return Field("messages") + " has no message with text";
  return std::nullopt;
}

Result<int> ReadJsonLines(const std::string& path, const std::function<void(Ticket)>& on_ticket,
                          const std::function<void(Error)>& on_error) {
  int tickets = 0;
  Result<int> read = ForEachLine(path, [&](int line_number, const std::string& line) -> std::optional<Error> {
    const std::string where = path + ":" + std::to_string(line_number);
    if (line.size() > kMaxRecordBytes) {
      on_error(Invalid("the line is longer than 1 MiB", where));
      return std::nullopt;
    }
    json doc;
    try {
      doc = json::parse(line);
    } catch (const json::parse_error& error) {
      // Also how invalid UTF-8 arrives: nlohmann rejects it inside strings.
      on_error(Invalid(JsonParseMessage(error, /*one_line=*/true), where));
      return std::nullopt;
    }
    Ticket ticket;
    if (Problem problem = TicketFromJsonLine(doc, ticket)) {
      on_error(Invalid(*problem, where));
      return std::nullopt;
    }
    ticket.where = where;
    ticket.hash = search::schema::SourceHash(line);
    on_ticket(std::move(ticket));
    ++tickets;
    return std::nullopt;
  });
  if (!read.ok()) return read.error();
  return tickets;
}

// ---- CSV ------------------------------------------------------------------------

// A row as libcsv hands it over, with the physical line it starts on.
struct CsvRow {
  std::vector<std::string> fields;
  int line = 0;
  std::size_t bytes = 0;
  bool too_big = false;
  bool unterminated = false;  // ends inside a quoted field at the end of the file
};

// Shared with libcsv's callbacks. They only collect rows: the rows are handled
// after csv_parse() returns, so that no exception (ours or the caller's
// callbacks') has to cross libcsv's C frames.
struct CsvState {
  CsvRow row;                 // the row being parsed
  std::vector<CsvRow> done;   // complete rows not handled yet
  int line = 1;               // the physical line being fed to libcsv
  bool row_pending = true;    // the next row has not started yet
  bool out_of_memory = false;
};

void StartRowIfPending(CsvState& state) {
  if (!state.row_pending) return;
  state.row.line = state.line;
  state.row_pending = false;
}

void OnCsvField(void* data, std::size_t size, void* state_pointer) noexcept {
  auto& state = *static_cast<CsvState*>(state_pointer);
  // A row can start mid-line only after a lone CR ended the previous one.
  StartRowIfPending(state);
  state.row.bytes += size + 1;
  if (state.row.bytes > kMaxRecordBytes) {
    state.row.too_big = true;
    return;
  }
  try {
    state.row.fields.emplace_back(size == 0 ? "" : static_cast<const char*>(data), size);
  } catch (...) {
    state.out_of_memory = true;
  }
}

void OnCsvRow(int /*terminator*/, void* state_pointer) noexcept {
  auto& state = *static_cast<CsvState*>(state_pointer);
  try {
    state.done.push_back(std::move(state.row));
  } catch (...) {
    state.out_of_memory = true;
  }
  state.row = CsvRow();
  state.row_pending = true;
}

// Where each known column is in the header; -1 when absent.
struct CsvColumns {
  int id = -1;
  int subject = -1;
  int status = -1;
  int problem = -1;
  int resolution = -1;
  int lang = -1;
  int tags = -1;
  int created = -1;
  int requester_name = -1;
  int requester_email = -1;
  std::vector<std::string> names;  // every header name, lower-cased and trimmed
};

Result<CsvColumns> ParseCsvHeader(const CsvRow& header, const std::string& where) {
  CsvColumns columns;
  const std::pair<const char*, int CsvColumns::*> known[] = {
      {"id", &CsvColumns::id},
      {"subject", &CsvColumns::subject},
      {"status", &CsvColumns::status},
      {"problem", &CsvColumns::problem},
      {"resolution", &CsvColumns::resolution},
      {"lang", &CsvColumns::lang},
      {"tags", &CsvColumns::tags},
      {"created", &CsvColumns::created},
      {"requester_name", &CsvColumns::requester_name},
      {"requester_email", &CsvColumns::requester_email},
  };
  if (header.too_big) return Invalid("the header row is longer than 1 MiB", where);
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = Lower(Trimmed(header.fields[i]));
    columns.names.push_back(name);
    for (const auto& [known_name, member] : known) {
      if (name != known_name) continue;
      // Two "status" columns: which one is meant cannot be guessed.
      if (columns.*member >= 0) return Invalid("the header has the column '" + name + "' twice", where);
      columns.*member = static_cast<int>(i);
    }
  }
  for (const char* required : {"id", "subject", "status"}) {
    for (const auto& [known_name, member] : known) {
      if (std::string_view(known_name) == required && columns.*member < 0) {
        return Invalid("the header has no '" + std::string(required) +
                           "' column (required: id, subject, status, and problem or resolution)",
                       where);
      }
    }
  }
  if (columns.problem < 0 && columns.resolution < 0) {
    return Invalid("the header has neither a 'problem' nor a 'resolution' column", where);
  }
  return columns;
}

Problem TicketFromCsvRow(const CsvRow& row, const CsvColumns& columns, Ticket& ticket) {
  if (row.too_big) return std::string("the row is longer than 1 MiB");
  if (row.unterminated) return std::string("a quoted field is not closed before the end of the file");
  if (row.fields.size() != columns.names.size()) {
    return "the row has " + std::to_string(row.fields.size()) + " fields but the header has " +
           std::to_string(columns.names.size());
  }
  std::string problem_text;
  std::string resolution_text;
  std::string tags;
  std::string requester_name;
  std::string requester_email;
  const std::pair<int, std::string*> wanted[] = {
      {columns.id, &ticket.id},
      {columns.subject, &ticket.subject},
      {columns.status, &ticket.status},
      {columns.problem, &problem_text},
      {columns.resolution, &resolution_text},
      {columns.lang, &ticket.lang},
      {columns.tags, &tags},
      {columns.created, &ticket.created},
      {columns.requester_name, &requester_name},
      {columns.requester_email, &requester_email},
  };
  for (const auto& [column, out] : wanted) {
    if (column < 0) continue;
    const std::string& value = row.fields[static_cast<std::size_t>(column)];
    if (!search::IsValidUtf8(value)) return Field(columns.names[static_cast<std::size_t>(column)]) + " is not valid UTF-8";
    *out = value;
  }
  ticket.id = Trimmed(ticket.id);
  if (ticket.id.empty()) return Field("id") + " is empty";
  ticket.status = Lower(Trimmed(ticket.status));
  if (ticket.status.empty()) return Field("status") + " is empty";
  ticket.subject = Trimmed(ticket.subject);
  ticket.lang = Trimmed(ticket.lang);
  ticket.created = Trimmed(ticket.created);
  std::size_t start = 0;
  while (start <= tags.size()) {
    const std::size_t end = std::min(tags.find_first_of(",;|", start), tags.size());
    std::string tag = Trimmed(std::string_view(tags).substr(start, end - start));
    if (!tag.empty()) ticket.tags.push_back(std::move(tag));
    start = end + 1;
  }
  if (!IsBlank(problem_text)) ticket.messages.push_back(TicketMessage{"customer", "", std::move(problem_text)});
  if (!IsBlank(resolution_text)) ticket.messages.push_back(TicketMessage{"agent", "", std::move(resolution_text)});
  if (ticket.messages.empty()) return std::string("the row has neither a problem nor a resolution");
  requester_name = Trimmed(requester_name);
  requester_email = Trimmed(requester_email);
  if (!requester_name.empty()) ticket.requester_names.push_back(requester_name);
  if (!requester_email.empty()) ticket.requester_emails.push_back(requester_email);
  return std::nullopt;
}

std::string CsvRowHash(const CsvRow& row) {
  std::string joined;
  for (const std::string& field : row.fields) {
    joined += field;
    joined += kFieldSeparator;
  }
  return search::schema::SourceHash(joined);
}

// Frees libcsv's buffer on every way out.
struct CsvParser {
  CsvParser() { csv_init(&parser, 0); }
  ~CsvParser() { csv_free(&parser); }
  CsvParser(const CsvParser&) = delete;
  CsvParser& operator=(const CsvParser&) = delete;
  csv_parser parser;
};

Result<int> ReadCsv(const std::string& path, const std::function<void(Ticket)>& on_ticket,
                    const std::function<void(Error)>& on_error) {
  // Non-strict libcsv: a stray quote inside an unquoted field is kept as text
  // instead of stopping the whole file, as spreadsheet exports sometimes have one.
  CsvParser csv;
  CsvState state;
  std::optional<CsvColumns> columns;
  int tickets = 0;

  // The header row, then one ticket per row; an Error ends the file.
  auto handle_rows = [&]() -> std::optional<Error> {
    for (CsvRow& row : state.done) {
      const std::string where = path + ":" + std::to_string(row.line);
      if (!columns) {
        Result<CsvColumns> header = ParseCsvHeader(row, where);
        if (!header.ok()) return header.error();
        columns = std::move(*header);
        continue;
      }
      Ticket ticket;
      if (Problem problem = TicketFromCsvRow(row, *columns, ticket)) {
        on_error(Invalid(*problem, where));
        continue;
      }
      ticket.where = where;
      ticket.hash = CsvRowHash(row);
      on_ticket(std::move(ticket));
      ++tickets;
    }
    state.done.clear();
    return std::nullopt;
  };

  bool at_start = true;
  std::optional<Error> error = ForEachChunk(path, [&](std::string_view data) -> std::optional<Error> {
    // Spreadsheet programs start a UTF-8 CSV with a byte order mark.
    if (at_start && data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);
    at_start = false;
    // Fed one physical line at a time so that a row's first line is known,
    // quoted fields spanning lines included.
    while (!data.empty()) {
      const std::size_t newline = data.find('\n');
      const std::size_t size = newline == std::string_view::npos ? data.size() : newline + 1;
      const std::string_view piece = data.substr(0, size);
      // libcsv skips blanks and empty lines between rows; a row starts at the first other byte.
      if (piece.find_first_not_of(" \t\r\n") != std::string_view::npos) StartRowIfPending(state);
      // libcsv grows a field's buffer by a fixed block (128 bytes by default),
      // which is quadratic on a long field; doubling keeps it linear.
      csv_set_blk_size(&csv.parser, std::max<std::size_t>(std::size_t{1} << 16, csv_get_buffer_size(&csv.parser)));
      if (csv_parse(&csv.parser, piece.data(), piece.size(), OnCsvField, OnCsvRow, &state) != piece.size()) {
        return Error{ErrorCode::kInternal,
                     std::string("cannot parse the CSV: ") + csv_strerror(csv_error(&csv.parser)), path};
      }
      if (state.out_of_memory) return Error{ErrorCode::kInternal, "out of memory reading the CSV", path};
      if (newline != std::string_view::npos) ++state.line;
      data.remove_prefix(size);
      if (std::optional<Error> stop = handle_rows()) return stop;
    }
    return std::nullopt;
  });
  if (error) return *error;

  // libcsv's state is public in csv.h; 2 is its FIELD_BEGUN. Quoted and still
  // in the field at the end of the file means the closing quote is missing
  // and the rest of the file was swallowed into one field.
  constexpr int kLibcsvFieldBegun = 2;
  const bool unterminated = csv.parser.quoted != 0 && csv.parser.pstate == kLibcsvFieldBegun;
  csv_fini(&csv.parser, OnCsvField, OnCsvRow, &state);
  if (state.out_of_memory) return Error{ErrorCode::kInternal, "out of memory reading the CSV", path};
  if (unterminated && !state.done.empty()) state.done.back().unterminated = true;
  if (std::optional<Error> last = handle_rows()) return *last;
  if (!columns) return Invalid("the file has no header row", path);
  return tickets;
}

// ---- Zendesk-style JSON -----------------------------------------------------------

struct DepthLimitExceeded {};

// Zendesk ids are integers, but string ids (other help desks) match as strings.
std::optional<std::string> IdString(const json& value) {
  if (value.is_number_integer()) return value.dump();
  if (value.is_string()) return Trimmed(value.get_ref<const std::string&>());
  return std::nullopt;
}

Problem TicketFromZendesk(const json& source, const std::map<std::string, const json*>& users, Ticket& ticket,
                          const json*& requester_user) {
  if (!source.is_object()) return std::string("not a JSON object");
  if (Problem problem = IdField(source, "id", "id", true, ticket.id)) return problem;
  if (Problem problem = StatusField(source, "status", ticket.status)) return problem;
  if (Problem problem = StringField(source, "subject", "subject", false, ticket.subject)) return problem;
  if (Problem problem = StringField(source, "lang", "lang", false, ticket.lang)) return problem;
  if (Problem problem = StringField(source, "created_at", "created_at", false, ticket.created)) return problem;
  if (Problem problem = TagsField(source, "tags", ticket.tags)) return problem;
  ticket.subject = Trimmed(ticket.subject);
  ticket.lang = Trimmed(ticket.lang);
  ticket.created = Trimmed(ticket.created);
  std::string description;
  if (Problem problem = StringField(source, "description", "description", false, description)) return problem;
  std::string requester_id;
  if (Problem problem = IdField(source, "requester_id", "requester_id", false, requester_id)) return problem;

  requester_user = nullptr;
  if (!requester_id.empty()) {
    if (const auto user = users.find(requester_id); user != users.end()) {
      requester_user = user->second;
      if (Problem problem = AddRequester(*user->second, "users[requester_id]", ticket)) return problem;
    }
  }
  if (const auto it = source.find("requester"); it != source.end()) {
    if (Problem problem = AddRequester(*it, "requester", ticket)) return problem;
  }

  const auto comments = source.find("comments");
  const bool has_comments = comments != source.end() && !comments->is_null();
  if (has_comments && !comments->is_array()) return Field("comments") + " must be an array";
  if (has_comments) {
    for (std::size_t i = 0; i < comments->size(); ++i) {
      const json& comment = (*comments)[i];
      const std::string name = "comments[" + std::to_string(i) + "]";
      if (!comment.is_object()) return Field(name) + " must be an object";
      bool is_public = true;
      if (const auto it = comment.find("public"); it != comment.end() && !it->is_null()) {
        if (!it->is_boolean()) return Field(name + ".public") + " must be true or false";
        is_public = it->get<bool>();
      }
      // Internal notes never reach the index, not even the agent one: they
      // were written for colleagues, often about the customer.
      if (!is_public) continue;
      TicketMessage message;
      if (Problem problem = StringField(comment, "body", name + ".body", false, message.text)) return problem;
      if (const auto body = comment.find("body"); body == comment.end() || body->is_null()) {
        if (Problem problem = StringField(comment, "plain_body", name + ".body", true, message.text)) return problem;
      }
      std::string author_id;
      if (Problem problem = IdField(comment, "author_id", name + ".author_id", true, author_id)) return problem;
      if (Problem problem = StringField(comment, "created_at", name + ".created_at", false, message.time)) {
        return problem;
      }
      // Without a requester_id the first comment is the customer's: Zendesk
      // opens every ticket with the requester's description as comment 0.
      const bool by_requester = requester_id.empty() ? i == 0 : author_id == requester_id;
      message.role = by_requester ? "customer" : "agent";
      if (IsBlank(message.text)) continue;
      ticket.messages.push_back(std::move(message));
    }
  }
  // The description only stands in when there are no comments at all: it is a
  // copy of the first comment, which may be a private note on an agent-made ticket.
  if ((!has_comments || comments->empty()) && !IsBlank(description)) {
    ticket.messages.push_back(TicketMessage{"customer", ticket.created, description});
  }
  if (ticket.messages.empty()) return std::string("the ticket has no public comment or description with text");
  return std::nullopt;
}

Result<int> ReadZendesk(const std::string& path, const std::function<void(Ticket)>& on_ticket,
                        const std::function<void(Error)>& on_error) {
  std::string text;
  if (std::optional<Error> error = ForEachChunk(path, [&](std::string_view chunk) -> std::optional<Error> {
        text.append(chunk);
        return std::nullopt;
      })) {
    return *error;
  }
  json doc;
  try {
    doc = json::parse(text, [](int depth, json::parse_event_t, json&) {
      if (depth > kMaxJsonDepth) throw DepthLimitExceeded{};
      return true;
    });
  } catch (const json::parse_error& error) {
    return Invalid(JsonParseMessage(error, /*one_line=*/false), path);
  } catch (const DepthLimitExceeded&) {
    return Invalid("the JSON is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", path);
  }
  text.clear();
  text.shrink_to_fit();
  if (!doc.is_object()) return Invalid("expected a JSON object with a 'tickets' array", path);
  const auto tickets = doc.find("tickets");
  if (tickets == doc.end() || !tickets->is_array()) {
    return Invalid("expected a JSON object with a 'tickets' array", path);
  }

  std::map<std::string, const json*> users;
  if (const auto list = doc.find("users"); list != doc.end() && !list->is_null()) {
    if (!list->is_array()) return Invalid(Field("users") + " must be an array", path);
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json& user = (*list)[i];
      const std::string name = "users[" + std::to_string(i) + "]";
      std::optional<std::string> id;
      if (user.is_object() && user.contains("id")) id = IdString(user["id"]);
      if (!id || id->empty()) {
        // Only a requester's name is lost (less redaction), so the tickets still read.
        on_error(Invalid(Field(name + ".id") + " is missing or not a string or an integer", path));
        continue;
      }
      users.emplace(*id, &user);
    }
  }

  int read = 0;
  for (std::size_t i = 0; i < tickets->size(); ++i) {
    const json& source = (*tickets)[i];
    const std::string where = path + "#" + std::to_string(i + 1);
    Ticket ticket;
    const json* requester_user = nullptr;
    if (Problem problem = TicketFromZendesk(source, users, ticket, requester_user)) {
      on_error(Invalid(*problem, where));
      continue;
    }
    // The requester's user record is part of the source: a renamed requester
    // must re-index the ticket so that redaction sees the new name.
    std::string bytes = source.dump();
    if (requester_user != nullptr) {
      bytes += kFieldSeparator;
      bytes += requester_user->dump();
    }
    if (bytes.size() > kMaxRecordBytes) {
      on_error(Invalid("the ticket is larger than 1 MiB", where));
      continue;
    }
    ticket.where = where;
    ticket.hash = search::schema::SourceHash(bytes);
    on_ticket(std::move(ticket));
    ++read;
  }
  return read;
}

}  // namespace

bool IsResolved(const Ticket& ticket) {
  const std::string status = Lower(Trimmed(ticket.status));
  return status == "solved" || status == "closed";
}

Result<int> ReadTicketsFile(const std::string& path, const std::function<void(Ticket)>& on_ticket,
                            const std::function<void(Error)>& on_error) {
  // Nothing may escape: not bad_alloc, not an exception from the caller's callbacks.
  try {
    const std::optional<Format> format = FormatOf(path);
    if (!format) {
      return Invalid("unknown ticket export format (expected " + std::string(kAcceptedExtensions) + ")", path);
    }
    switch (*format) {
      case Format::kJsonLines:
        return ReadJsonLines(path, on_ticket, on_error);
      case Format::kCsv:
        return ReadCsv(path, on_ticket, on_error);
      case Format::kZendesk:
        return ReadZendesk(path, on_ticket, on_error);
    }
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::kInternal, "out of memory reading the tickets", path};
  } catch (...) {
    return Error{ErrorCode::kInternal, "unexpected failure reading the tickets", path};
  }
  return Error{ErrorCode::kInternal, "unknown ticket format", path};
}

}  // namespace helpdex::indexer

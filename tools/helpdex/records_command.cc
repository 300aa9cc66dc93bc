// `helpdex events`, `helpdex messages` and `helpdex gaps`: read-only views
// over helpdex::server::EventStore, ContactStore and the gap report. Text output is one line per
// record (tab-separated); --json prints one array of objects.
#include "records_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "helpdex/search/searcher.h"
#include "helpdex/stores/contact.h"
#include "helpdex/stores/events.h"
#include "helpdex/analytics/gap_format.h"
#include "helpdex/analytics/gaps.h"
#include "helpdex/analytics/triage.h"
#include "helpdex/stores/gap_triage.h"

namespace helpdex::cli {
namespace {

struct RecordsArguments {
  CLI::App* events = nullptr;
  CLI::App* messages = nullptr;
  CLI::App* gaps = nullptr;
  // Several for an installation of several servers (each its own stores):
  // their records are merged.
  std::vector<std::string> data_dirs;
  std::string index_dir;
  int min_visits = 3;
  int min_tickets = 2;
  int review_after_days = 365;
  bool csv = false;
  std::string drafts_dir;
  std::string type;
  size_t limit = 1000;
  bool json = false;
};

RecordsArguments& Arguments() {
  static RecordsArguments arguments;
  return arguments;
}

int Fail(std::string_view command, const std::string& message) {
  std::cerr << "helpdex " << command << ": " << message << "\n";
  return 2;
}

int RunEvents() {
  const RecordsArguments& arguments = Arguments();
  if (arguments.data_dirs.empty()) return Fail("events", "data: give --data DIR (or set HELPDEX_DATA)");
  std::optional<stores::EventType> type;
  if (!arguments.type.empty()) {
    type = stores::ParseEventType(arguments.type);
    if (!type) {
      return Fail("events", "type: one of search, suggest_shown, suggest_opened, answered, result_clicked, "
                            "contact_submitted, feedback");
    }
  }
  // Read-only: reading must not expire the events the server keeps.
  Result<std::unique_ptr<stores::EventLog>> log = stores::EventLog::Open(arguments.data_dirs);
  if (!log.ok()) return Fail("events", log.error().ToString());
  Result<std::vector<stores::StoredEvent>> events = (*log)->Read({.type = type, .limit = arguments.limit});
  if (!events.ok()) return Fail("events", events.error().ToString());
  nlohmann::json all = nlohmann::json::array();
  for (const stores::StoredEvent& stored : *events) {
    const stores::Event& event = stored.event;
    if (arguments.json) {
      all.push_back({{"id", stored.id},
                     {"at_ms", event.at_ms},
                     {"type", stores::EventTypeName(event.type)},
                     {"visit", event.visit},
                     {"query", event.query},
                     {"lang", event.language},
                     {"article", event.article},
                     {"shown", event.shown},
                     {"results", event.results},
                     {"filters", event.filters},
                     {"helpful", event.helpful},
                     {"reason", event.reason},
                     {"comment", event.comment},
                     {"revision", event.revision}});
    } else {
      std::cout << stored.id << '\t' << stores::EventTypeName(event.type) << '\t' << event.language << '\t'
                << event.query << '\t' << event.article;
      if (event.type == stores::EventType::kFeedback) {
        std::cout << '\t' << (event.helpful == 1 ? "yes" : "no") << '\t' << event.reason << '\t'
                  << event.comment;
      }
      std::cout << '\n';
    }
  }
  if (arguments.json) std::cout << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  return 0;
}

// A message and the data directory whose contact.db holds it (ids are per store).
struct MessageFrom {
  stores::StoredContactMessage stored;
  std::string data_dir;
};

// The newest `limit` messages of all the stores, newest first.
Result<std::vector<MessageFrom>> ListMessages(const std::vector<std::string>& data_dirs, size_t limit) {
  std::vector<MessageFrom> all;
  for (const std::string& data_dir : data_dirs) {
    Result<std::unique_ptr<stores::ContactStore>> store = stores::ContactStore::Open(data_dir);
    if (!store.ok()) return store.error();
    Result<std::vector<stores::StoredContactMessage>> messages = (*store)->List(limit);
    if (!messages.ok()) return messages.error();
    for (stores::StoredContactMessage& stored : *messages) all.push_back({std::move(stored), data_dir});
  }
  std::stable_sort(all.begin(), all.end(), [](const MessageFrom& a, const MessageFrom& b) {
    return a.stored.message.at_ms > b.stored.message.at_ms;
  });
  if (all.size() > limit) all.resize(limit);
  return all;
}

int RunMessages() {
  const RecordsArguments& arguments = Arguments();
  if (arguments.data_dirs.empty()) return Fail("messages", "data: give --data DIR (or set HELPDEX_DATA)");
  Result<std::vector<MessageFrom>> messages = ListMessages(arguments.data_dirs, arguments.limit);
  if (!messages.ok()) return Fail("messages", messages.error().ToString());
  // Each message with what its visit searched for first (events.db, read-only;
  // on any of the servers: a visit may move between them).
  Result<std::unique_ptr<stores::EventLog>> log = stores::EventLog::Open(arguments.data_dirs);
  if (!log.ok()) return Fail("messages", log.error().ToString());
  nlohmann::json all = nlohmann::json::array();
  const bool several = arguments.data_dirs.size() > 1;
  for (const auto& [stored, data_dir] : *messages) {
    const stores::ContactMessage& message = stored.message;
    std::vector<std::string> searched;
    if (!message.visit.empty()) {
      Result<std::vector<stores::StoredEvent>> visit = (*log)->Read({.visit = message.visit});
      if (!visit.ok()) return Fail("messages", visit.error().ToString());
      searched = stores::SearchesBefore(*visit, message.visit, message.at_ms);
    }
    if (arguments.json) {
      all.push_back({{"id", stored.id},
                     {"data", data_dir},
                     {"at_ms", message.at_ms},
                     {"lang", message.language},
                     {"email", message.email},
                     {"subject", message.subject},
                     {"description", message.description},
                     {"status", std::string(stores::MessageStatusName(stored.status))},
                     {"searches_before", searched}});
    } else {
      std::cout << (several ? data_dir : std::string()) << "#" << stored.id << " ("
                << stores::MessageStatusName(stored.status) << ") [" << message.language << "] "
                << message.subject << " <"
                << message.email << ">\n";
      for (const std::string& query : searched) std::cout << "  searched: " << query << '\n';
      std::cout << message.description << "\n\n";
    }
  }
  if (arguments.json) std::cout << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  return 0;
}

// Saves each ticket topic's draft under DIR at its suggested path (without
// the "content/" in front), never over an existing file.
int WriteDrafts(const analytics::GapReport& report, const std::string& dir) {
  if (dir.empty()) return 0;
  for (const analytics::TicketGap& gap : report.tickets) {
    std::filesystem::path relative = gap.draft_path;
    if (relative.begin() != relative.end() && *relative.begin() == "content") relative = relative.lexically_relative("content");
    const std::filesystem::path path = std::filesystem::path(dir) / relative;
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (std::filesystem::exists(path)) {
      std::cerr << "helpdex gaps: " << path.string() << ": exists, draft not written\n";
      continue;
    }
    std::ofstream out(path, std::ios::binary);
    out << gap.draft_markdown;
    if (!out) return Fail("gaps", "drafts: cannot write " + path.string());
    std::cout << "wrote " << path.string() << '\n';
  }
  return 0;
}

int RunGaps() {
  const RecordsArguments& arguments = Arguments();
  if (arguments.data_dirs.empty()) return Fail("gaps", "data: give --data DIR (or set HELPDEX_DATA)");
  if (arguments.index_dir.empty()) return Fail("gaps", "index: give --index DIR (or set HELPDEX_INDEX)");
  // Read-only: a report must not expire the events the server keeps.
  Result<std::unique_ptr<stores::EventLog>> log = stores::EventLog::Open(arguments.data_dirs);
  if (!log.ok()) return Fail("gaps", log.error().ToString());
  Result<std::shared_ptr<search::Index>> index = search::Index::Open(arguments.index_dir, search::Viewer::Public());
  if (!index.ok()) return Fail("gaps", index.error().ToString());
  // The agent index holds the resolved tickets; the report has ticket topics with it.
  Result<std::shared_ptr<search::Index>> agent_index = search::Index::Open(arguments.index_dir, search::Viewer::Agent());
  Result<analytics::GapReport> report =
      analytics::LoadGapReport(**log, **index, analytics::GapOptions{.min_visits = arguments.min_visits,
                                                    .min_tickets = arguments.min_tickets,
                                                    .review_after_days = arguments.review_after_days},
                             agent_index.ok() ? agent_index->get() : nullptr);
  if (!report.ok()) return Fail("gaps", report.error().ToString());
  // The writers' triage on /gaps holds here too (analytics/triage.h), from
  // every data directory given.
  std::vector<stores::TriageEntry> triaged;
  for (const std::string& data_dir : arguments.data_dirs) {
    Result<std::unique_ptr<stores::GapTriageStore>> triage = stores::GapTriageStore::OpenReadOnly(data_dir);
    if (!triage.ok()) return Fail("gaps", triage.error().ToString());
    Result<std::vector<stores::TriageEntry>> entries = (*triage)->All();
    if (!entries.ok()) return Fail("gaps", entries.error().ToString());
    triaged.insert(triaged.end(), entries->begin(), entries->end());
  }
  analytics::ApplyTriage(*report, triaged, report->to_ms);
  if (arguments.json) {
    std::cout << analytics::GapReportJson(*report, 2) << '\n';
    return 0;
  }
  if (arguments.csv) {
    // The same table as GET /api/gaps?format=csv.
    std::cout << analytics::GapSearchesCsv(*report);
    return 0;
  }
  std::cout << "Searches that fail (" << report->searches.size() << " groups of " << arguments.min_visits
            << "+ visits, from " << report->searches_seen << " searches)\n";
  for (const analytics::SearchGap& gap : report->searches) {
    std::cout << "  " << gap.visits << " visits  " << gap.query << "  (no results " << gap.no_results_visits
              << ", not opened " << gap.not_opened_visits << ", then contact " << gap.contact_visits << ")";
    if (gap.nearest) std::cout << "  nearest: " << gap.nearest->title << " " << gap.nearest->url;
    std::cout << '\n';
  }
  if (!report->hidden_by_triage.empty()) {
    std::cout << "  (" << report->hidden_by_triage.size()
              << " more dismissed or marked done on /gaps; they return when their visits grow)\n";
  }
  std::cout << "\nResolved tickets no article answers (" << report->tickets.size() << " topics)\n";
  for (const analytics::TicketGap& gap : report->tickets) {
    std::cout << "  " << gap.tickets << " tickets  " << gap.topic << "  (";
    for (const analytics::TicketExample& example : gap.examples) std::cout << ' ' << example.id << '/' << example.lang;
    std::cout << " )";
    if (gap.nearest) std::cout << "  nearest: " << gap.nearest->title << " " << gap.nearest->url;
    std::cout << "\n    draft: " << gap.draft_path << '\n';
  }
  std::cout << "\nTranslations (" << report->translations.size() << ")\n";
  for (const analytics::TranslationGap& gap : report->translations) {
    std::cout << "  " << gap.kind << ' ' << gap.lang << "  " << gap.source.title << " (" << gap.translation_key
              << ", source reviewed " << gap.source_reviewed << ")  demand " << gap.visits << " visits\n";
  }
  std::cout << "\nArticles to review (" << report->review.size() << ")\n";
  for (const analytics::ReviewItem& item : report->review) {
    std::cout << "  " << item.article.title << " " << item.article.url << "  ";
    for (const std::string& reason : item.reasons) std::cout << reason << ' ';
    std::cout << "(reviewed " << (item.reviewed.empty() ? "never" : item.reviewed) << ", not helpful "
              << item.not_helpful << ", contact after " << item.contact_after << ")\n";
  }
  std::cout << "\nAnswers while typing, visits per language (shown, opened, answered, no contact after)\n";
  for (const auto& [language, step] : report->funnel.by_language) {
    std::cout << "  " << language << "  " << step.shown << ", " << step.opened << ", " << step.answered << ", "
              << step.deflected << '\n';
  }
  return WriteDrafts(*report, arguments.drafts_dir);
}

}  // namespace

constexpr const char* kDataHelp =
    "Data directory; repeat it for the servers of one installation (their records are merged)";

void AddRecordsCommands(CLI::App& app) {
  RecordsArguments& arguments = Arguments();
  arguments.events = app.add_subcommand("events", "List recorded events (oldest first)");
  arguments.events->add_option("--data", arguments.data_dirs, kDataHelp)->envname("HELPDEX_DATA");
  arguments.events->add_option("--type", arguments.type, "Only this type (search, answered, ...)");
  arguments.events->add_option("--limit", arguments.limit, "At most this many (1000)");
  arguments.events->add_flag("--json", arguments.json, "One JSON array");
  arguments.messages = app.add_subcommand("messages", "List contact-form messages (newest first)");
  arguments.messages->add_option("--data", arguments.data_dirs, kDataHelp)->envname("HELPDEX_DATA");
  arguments.messages->add_option("--limit", arguments.limit, "At most this many (1000)");
  arguments.messages->add_flag("--json", arguments.json, "One JSON array");
  arguments.gaps = app.add_subcommand("gaps", "What customers look for and do not find, ranked");
  arguments.gaps->add_option("--data", arguments.data_dirs, kDataHelp)->envname("HELPDEX_DATA");
  arguments.gaps->add_option("--index", arguments.index_dir, "Index directory")->envname("HELPDEX_INDEX");
  arguments.gaps->add_option("--min-visits", arguments.min_visits, "Show a group from this many visits (3)")
      ->check(CLI::Range(1, 1000));
  arguments.gaps->add_option("--min-tickets", arguments.min_tickets, "Show a ticket topic from this many tickets (2)")
      ->check(CLI::Range(1, 100000));
  arguments.gaps->add_option("--review-after-days", arguments.review_after_days,
                             "An article is to review when `reviewed` is older than this (365)")
      ->check(CLI::Range(1, 3650));
  arguments.gaps->add_flag("--json", arguments.json, "One JSON object");
  arguments.gaps->add_flag("--csv", arguments.csv, "CSV, one row per group");
  arguments.gaps->add_option("--write-drafts", arguments.drafts_dir,
                             "Save each ticket topic's draft article under DIR (e.g. content/); never overwrites");
}

int RunRecordsCommands() {
  if (Arguments().events->parsed()) return RunEvents();
  if (Arguments().messages->parsed()) return RunMessages();
  if (Arguments().gaps->parsed()) return RunGaps();
  return -1;
}

}  // namespace helpdex::cli

// `helpdex events` and `helpdex messages`: read-only views over
// helpdex::server::EventStore and ContactStore. Text output is one line per
// record (tab-separated); --json prints one array of objects.
#include "records_command.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "helpdex/server/contact.h"
#include "helpdex/server/events.h"

namespace helpdex::cli {
namespace {

struct RecordsArguments {
  CLI::App* events = nullptr;
  CLI::App* messages = nullptr;
  std::string data_dir;
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
  if (arguments.data_dir.empty()) return Fail("events", "data: give --data DIR (or set HELPDEX_DATA)");
  std::optional<server::EventType> type;
  if (!arguments.type.empty()) {
    type = server::ParseEventType(arguments.type);
    if (!type) {
      return Fail("events", "type: one of search, suggest_shown, suggest_opened, answered, result_clicked, "
                            "contact_submitted");
    }
  }
  Result<std::unique_ptr<server::EventStore>> store = server::EventStore::Open(arguments.data_dir);
  if (!store.ok()) return Fail("events", store.error().ToString());
  Result<std::vector<server::StoredEvent>> events = (*store)->Read(type, arguments.limit);
  if (!events.ok()) return Fail("events", events.error().ToString());
  nlohmann::json all = nlohmann::json::array();
  for (const server::StoredEvent& stored : *events) {
    const server::Event& event = stored.event;
    if (arguments.json) {
      all.push_back({{"id", stored.id},
                     {"at_ms", event.at_ms},
                     {"type", server::EventTypeName(event.type)},
                     {"visit", event.visit},
                     {"query", event.query},
                     {"lang", event.language},
                     {"article", event.article},
                     {"shown", event.shown},
                     {"results", event.results}});
    } else {
      std::cout << stored.id << '\t' << server::EventTypeName(event.type) << '\t' << event.language << '\t'
                << event.query << '\t' << event.article << '\n';
    }
  }
  if (arguments.json) std::cout << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  return 0;
}

int RunMessages() {
  const RecordsArguments& arguments = Arguments();
  if (arguments.data_dir.empty()) return Fail("messages", "data: give --data DIR (or set HELPDEX_DATA)");
  Result<std::unique_ptr<server::ContactStore>> store = server::ContactStore::Open(arguments.data_dir);
  if (!store.ok()) return Fail("messages", store.error().ToString());
  Result<std::vector<server::StoredContactMessage>> messages = (*store)->List(arguments.limit);
  if (!messages.ok()) return Fail("messages", messages.error().ToString());
  nlohmann::json all = nlohmann::json::array();
  for (const server::StoredContactMessage& stored : *messages) {
    const server::ContactMessage& message = stored.message;
    if (arguments.json) {
      all.push_back({{"id", stored.id},
                     {"at_ms", message.at_ms},
                     {"lang", message.language},
                     {"email", message.email},
                     {"subject", message.subject},
                     {"description", message.description}});
    } else {
      std::cout << "#" << stored.id << " [" << message.language << "] " << message.subject << " <"
                << message.email << ">\n"
                << message.description << "\n\n";
    }
  }
  if (arguments.json) std::cout << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  return 0;
}

}  // namespace

void AddRecordsCommands(CLI::App& app) {
  RecordsArguments& arguments = Arguments();
  arguments.events = app.add_subcommand("events", "List recorded events (oldest first)");
  arguments.events->add_option("--data", arguments.data_dir, "Data directory")->envname("HELPDEX_DATA");
  arguments.events->add_option("--type", arguments.type, "Only this type (search, answered, ...)");
  arguments.events->add_option("--limit", arguments.limit, "At most this many (1000)");
  arguments.events->add_flag("--json", arguments.json, "One JSON array");
  arguments.messages = app.add_subcommand("messages", "List contact-form messages (newest first)");
  arguments.messages->add_option("--data", arguments.data_dir, "Data directory")->envname("HELPDEX_DATA");
  arguments.messages->add_option("--limit", arguments.limit, "At most this many (1000)");
  arguments.messages->add_flag("--json", arguments.json, "One JSON array");
}

int RunRecordsCommands() {
  if (Arguments().events->parsed()) return RunEvents();
  if (Arguments().messages->parsed()) return RunMessages();
  return -1;
}

}  // namespace helpdex::cli

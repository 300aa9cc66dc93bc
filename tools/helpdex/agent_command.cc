// `helpdex agent add|list|remove`: a thin layer over helpdex::server::AgentStore.
// Secrets (the token, a generated password) go to stdout exactly once, as
// JSON, so that scripts can capture them; messages go to stderr.
#include "agent_command.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "helpdex/stores/agents.h"

namespace helpdex::cli {
namespace {

// Where CLI11 puts the parsed values; RunAgentCommand() reads them.
struct AgentArguments {
  CLI::App* add = nullptr;
  CLI::App* list = nullptr;
  CLI::App* remove = nullptr;
  std::string name;
  std::string data_dir;
  bool password_stdin = false;
  bool json = false;
};

AgentArguments& Arguments() {
  static AgentArguments arguments;
  return arguments;
}

// A broken store is the operator's problem (2); anything else refused the request (1).
int ExitCodeFor(const Error& error) {
  return error.code == ErrorCode::kInternal || error.code == ErrorCode::kIndexUnavailable ? 2 : 1;
}

int Fail(std::string_view command, const Error& error) {
  std::cerr << "helpdex agent " << command << ": " << error.ToString() << "\n";
  return ExitCodeFor(error);
}

// Required options are checked here rather than by CLI11, whose exit code for
// a missing option is not the documented 2.
bool CheckRequired(std::string_view command, bool needs_name) {
  const AgentArguments& arguments = Arguments();
  if (needs_name && arguments.name.empty()) {
    std::cerr << "helpdex agent " << command << ": name: give the agent's name\n";
    return false;
  }
  if (arguments.data_dir.empty()) {
    std::cerr << "helpdex agent " << command << ": data: give --data DIR (or set HELPDEX_DATA)\n";
    return false;
  }
  return true;
}

std::optional<std::unique_ptr<stores::AgentStore>> OpenStore(std::string_view command) {
  Result<std::unique_ptr<stores::AgentStore>> store = stores::AgentStore::Open(Arguments().data_dir);
  if (!store.ok()) {
    Fail(command, store.error());
    return std::nullopt;
  }
  return std::move(store).value();
}

// One line from stdin without its line ending. On a terminal the typing is
// not echoed, so the password does not stay on screen.
std::optional<std::string> ReadPasswordLine() {
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::cerr << "Password: " << std::flush;
  }
  std::string line;
  const bool got_line = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!got_line && line.empty()) return std::nullopt;
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

int RunAdd() {
  AgentArguments& arguments = Arguments();
  if (!CheckRequired("add", true)) return 2;
  std::optional<std::string> password;
  if (arguments.password_stdin) {
    password = ReadPasswordLine();
    if (!password) {
      std::cerr << "helpdex agent add: password: nothing on standard input\n";
      return 2;
    }
  }
  auto store = OpenStore("add");
  if (!store) return 2;
  Result<stores::AgentCredentials> agent = (*store)->AddAgent(arguments.name, std::move(password));
  if (!agent.ok()) return Fail("add", agent.error());
  nlohmann::ordered_json out;
  out["name"] = agent->name;
  out["token"] = agent->token;
  if (agent->password) out["password"] = *agent->password;
  std::cout << out.dump() << "\n";
  return 0;
}

int RunList() {
  const AgentArguments& arguments = Arguments();
  if (!CheckRequired("list", false)) return 2;
  auto store = OpenStore("list");
  if (!store) return 2;
  Result<std::vector<stores::AgentInfo>> agents = (*store)->ListAgents();
  if (!agents.ok()) return Fail("list", agents.error());
  if (arguments.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const stores::AgentInfo& agent : *agents) {
      nlohmann::ordered_json row;
      row["name"] = agent.name;
      row["created"] = agent.created;
      row["last_sign_in"] =
          agent.last_sign_in.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(agent.last_sign_in);
      out.push_back(std::move(row));
    }
    // Names are validated ASCII; replace() only guards against a hand-edited database.
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  size_t width = std::string_view("NAME").size();
  for (const stores::AgentInfo& agent : *agents) width = std::max(width, agent.name.size());
  auto row = [&](std::string_view name, std::string_view created, std::string_view last) {
    std::cout << name << std::string(width - name.size() + 2, ' ') << created
              << std::string(created.size() < 22 ? 22 - created.size() : 1, ' ') << last << "\n";
  };
  row("NAME", "CREATED", "LAST SIGN-IN");
  for (const stores::AgentInfo& agent : *agents) {
    row(agent.name, agent.created, agent.last_sign_in.empty() ? "never" : agent.last_sign_in);
  }
  return 0;
}

int RunRemove() {
  const AgentArguments& arguments = Arguments();
  if (!CheckRequired("remove", true)) return 2;
  auto store = OpenStore("remove");
  if (!store) return 2;
  Result<bool> removed = (*store)->RemoveAgent(arguments.name);
  if (!removed.ok()) return Fail("remove", removed.error());
  std::cerr << "removed agent " << arguments.name << "; its token and sessions no longer work\n";
  return 0;
}

void AddDataOption(CLI::App* command) {
  command->add_option("--data", Arguments().data_dir, "Folder with agents.db (required)")->envname("HELPDEX_DATA");
}

}  // namespace

CLI::App* AddAgentCommand(CLI::App& app) {
  AgentArguments& arguments = Arguments();
  CLI::App* agent = app.add_subcommand("agent", "Manage agent accounts (DATA/agents.db)");

  arguments.add = agent->add_subcommand(
      "add", "Create an agent; prints {\"name\", \"token\"} as JSON, plus \"password\" when one was generated");
  arguments.add->add_option("name", arguments.name, "Agent name: 1-64 of A-Z a-z 0-9 . _ @ - (required)");
  AddDataOption(arguments.add);
  arguments.add->add_flag("--password-stdin", arguments.password_stdin,
                          "Read the password (12 or more characters) from one line of standard input "
                          "instead of generating one");

  arguments.list = agent->add_subcommand("list", "List agents with when they were created and last signed in");
  AddDataOption(arguments.list);
  arguments.list->add_flag("--json", arguments.json, "Print a JSON array of {name, created, last_sign_in}");

  arguments.remove = agent->add_subcommand("remove", "Remove an agent; its token and sessions stop working");
  arguments.remove->add_option("name", arguments.name, "Agent name (required)");
  AddDataOption(arguments.remove);
  return agent;
}

int RunAgentCommand(CLI::App* agent) {
  const AgentArguments& arguments = Arguments();
  try {
    if (arguments.add != nullptr && arguments.add->parsed()) return RunAdd();
    if (arguments.list != nullptr && arguments.list->parsed()) return RunList();
    if (arguments.remove != nullptr && arguments.remove->parsed()) return RunRemove();
  } catch (const std::exception& e) {
    // Only an output or JSON failure can get here; the store never throws.
    std::cerr << "helpdex agent: " << e.what() << "\n";
    return 2;
  }
  std::cerr << agent->help() << "helpdex agent: choose add, list or remove\n";
  return 2;
}

}  // namespace helpdex::cli

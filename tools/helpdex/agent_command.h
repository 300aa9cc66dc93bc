// `helpdex agent add|list|remove`: agent accounts in the --data directory.
#pragma once

#include <CLI/CLI.hpp>

namespace helpdex::cli {

// Adds the `agent` subcommand (with add, list and remove) to `app`. After
// parsing, RunAgentCommand() runs whichever was chosen.
CLI::App* AddAgentCommand(CLI::App& app);

// Exit code: 0 on success, 1 on a refused request (exists, not found), 2 on bad usage or a broken store.
int RunAgentCommand(CLI::App* agent);

}  // namespace helpdex::cli

// `helpdex events` and `helpdex messages`: what the help centre recorded in
// the --data directory, for operators, support and scripts.
#pragma once

#include <CLI/CLI.hpp>

namespace helpdex::cli {

// Adds `events` (the event store: searches, suggestions shown, opened,
// answered, contact submissions), `messages` (contact-form messages) and
// `gaps` (the gap report over the events and the public index).
void AddRecordsCommands(CLI::App& app);

// Runs whichever of them was parsed; -1 when neither was. Exit code 0, or 2
// when the store cannot be read.
int RunRecordsCommands();

}  // namespace helpdex::cli

// A progress line on a terminal's stderr for long runs (`helpdex index`,
// `helpdex eval --suggest`): redrawn in place at most four times a second,
// erased before the run's summary is printed. Draws nothing when stderr is
// not a terminal or with --quiet, so piped and logged output stays as it was.
#pragma once

#include <chrono>
#include <string>

#include "helpdex/search/progress.h"

namespace helpdex::cli {

class ProgressLine {
 public:
  // `what` and `unit` as search::FormatProgress takes them ("Indexing",
  // "documents"). Enabled when `quiet` is false and stderr is a terminal.
  ProgressLine(std::string what, std::string unit, bool quiet);
  ~ProgressLine() { Finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // For the library's options: Update() on each report. Not thread-safe:
  // the libraries call it one report at a time.
  search::ProgressCallback Callback();
  void Update(const search::Progress& progress);
  // Erases the line if one was drawn. Idempotent.
  void Finish();

 private:
  const std::string what_;
  const std::string unit_;
  const bool enabled_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace helpdex::cli

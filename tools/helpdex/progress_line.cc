#include "progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace helpdex::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(250);

}  // namespace

ProgressLine::ProgressLine(std::string what, std::string unit, bool quiet)
    : what_(std::move(what)), unit_(std::move(unit)), enabled_(!quiet && ::isatty(STDERR_FILENO) == 1) {}

search::ProgressCallback ProgressLine::Callback() {
  if (!enabled_) return {};  // the library then does not even count
  return [this](const search::Progress& progress) { Update(progress); };
}

void ProgressLine::Update(const search::Progress& progress) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const std::chrono::duration<double> elapsed = now - start_;
  // "\r" back to the line's start, the text, then erase what a longer
  // earlier line left ("\x1b[K").
  const std::string line = "\r" + search::FormatProgress(what_, unit_, progress, elapsed.count()) + "\x1b[K";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Finish() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace helpdex::cli

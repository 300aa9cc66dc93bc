// File: progress.h
// Progress of a long run (indexing, evaluation) as libraries report it and
// as the command line shows it. Libraries never print: they call a
// ProgressCallback from their options; `helpdex` draws FormatProgress() on a
// terminal's stderr.
//
//   options.progress = [&](const Progress& p) { line.Update(p); };
//   FormatProgress("Indexing", "documents", {.done = 500, .total = 2000}, 10.0)
//   // "Indexing: 500 of 2,000 documents (25%), 50/s, about 30 s left"
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace helpdex::search {

struct Progress {
  long done = 0;          // units finished so far (documents, queries)
  long total = 0;         // units in all; 0 when not known in advance
  // Share of the work done, 0..1, when `total` is not known but the input
  // read is (bytes of a --docs file); < 0 when unknown. Ignored when total > 0.
  double fraction = -1;
};

// Called from the thread doing the work, possibly very often (every unit):
// the receiver decides how often to show anything. Must be cheap and must
// not throw.
using ProgressCallback = std::function<void(const Progress&)>;

// One line: what, how many units done (of how many), the rate per second and
// the time left when it can be told ("about 2 min 5 s left"), after
// `elapsed_seconds`. Numbers get thousands separators ("12,345"). No rate
// before a tenth of a second has passed or anything is done; no time left
// without a total or a fraction. Thread-safe.
std::string FormatProgress(std::string_view what, std::string_view unit, const Progress& progress,
                           double elapsed_seconds);

// "2 h 5 min", "3 min 20 s", "45 s" (rounded up to whole seconds; "0 s" at 0).
std::string FormatDuration(double seconds);

}  // namespace helpdex::search

#include "helpdex/search/progress.h"

#include <algorithm>
#include <cmath>

namespace helpdex::search {
namespace {

std::string Grouped(long long value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace

std::string FormatDuration(double seconds) {
  long long whole = seconds <= 0 ? 0 : static_cast<long long>(std::ceil(seconds));
  const long long hours = whole / 3600;
  const long long minutes = whole % 3600 / 60;
  const long long secs = whole % 60;
  if (hours > 0) return std::to_string(hours) + " h " + std::to_string(minutes) + " min";
  if (minutes > 0) return std::to_string(minutes) + " min " + std::to_string(secs) + " s";
  return std::to_string(secs) + " s";
}

std::string FormatProgress(std::string_view what, std::string_view unit, const Progress& progress,
                           double elapsed_seconds) {
  std::string line(what);
  line += ": ";
  line += Grouped(progress.done);
  double fraction = progress.fraction;
  if (progress.total > 0) {
    line += " of " + Grouped(progress.total);
    fraction = static_cast<double>(progress.done) / static_cast<double>(progress.total);
  }
  line += ' ';
  line += unit;
  if (fraction >= 0) {
    fraction = std::min(fraction, 1.0);
    line += " (" + std::to_string(static_cast<int>(std::floor(fraction * 100))) + "%)";
  }
  if (elapsed_seconds >= 0.1 && progress.done > 0) {
    const double rate = static_cast<double>(progress.done) / elapsed_seconds;
    line += ", " + Grouped(std::llround(rate)) + "/s";
    if (fraction > 0 && fraction < 1) {
      line += ", about " + FormatDuration(elapsed_seconds * (1 - fraction) / fraction) + " left";
    }
  }
  return line;
}

}  // namespace helpdex::search

// progress.h: the progress line `helpdex index` and `helpdex eval --suggest`
// draw on a terminal: counts, rate and time left.
#include "helpdex/search/progress.h"

#include <gtest/gtest.h>

namespace helpdex::search {
namespace {

struct Case {
  Progress progress;
  double elapsed_seconds;
  const char* expected;
};

TEST(FormatProgressTest, ShowsCountRateAndTimeLeft) {
  const Case kCases[] = {
      // A known total: share done, rate, and the rest at the same rate.
      {{.done = 500, .total = 2000}, 10.0, "Indexing: 500 of 2,000 documents (25%), 50/s, about 30 s left"},
      {{.done = 12345, .total = 100000}, 61.0,
       "Indexing: 12,345 of 100,000 documents (12%), 202/s, about 7 min 14 s left"},
      // Only the share of the input read is known (--docs bytes).
      {{.done = 40000, .fraction = 0.4}, 120.0, "Indexing: 40,000 documents (40%), 333/s, about 3 min 0 s left"},
      // Nothing tells how much is left: count and rate only.
      {{.done = 1500}, 3.0, "Indexing: 1,500 documents, 500/s"},
      // Too early for a rate.
      {{.done = 0, .total = 10}, 0.0, "Indexing: 0 of 10 documents (0%)"},
      {{.done = 3, .total = 10}, 0.05, "Indexing: 3 of 10 documents (30%)"},
      // Done: no time left to tell.
      {{.done = 10, .total = 10}, 2.0, "Indexing: 10 of 10 documents (100%), 5/s"},
      // A gzip trailer's estimate may undercount: never past 100%.
      {{.done = 10, .fraction = 1.3}, 2.0, "Indexing: 10 documents (100%), 5/s"},
      // Hours.
      {{.done = 100, .total = 100000}, 10.0, "Indexing: 100 of 100,000 documents (0%), 10/s, about 2 h 46 min left"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(FormatProgress("Indexing", "documents", c.progress, c.elapsed_seconds), c.expected) << c.expected;
  }
}

TEST(FormatProgressTest, NamesTheUnitOfTheRun) {
  EXPECT_EQ(FormatProgress("Replaying queries", "queries", {.done = 240, .total = 1190}, 60.0),
            "Replaying queries: 240 of 1,190 queries (20%), 4/s, about 3 min 58 s left");
}

TEST(FormatDurationTest, RoundsUpToWholeSeconds) {
  EXPECT_EQ(FormatDuration(0), "0 s");
  EXPECT_EQ(FormatDuration(0.2), "1 s");
  EXPECT_EQ(FormatDuration(59.5), "1 min 0 s");
  EXPECT_EQ(FormatDuration(125), "2 min 5 s");
  EXPECT_EQ(FormatDuration(7260), "2 h 1 min");
}

}  // namespace
}  // namespace helpdex::search

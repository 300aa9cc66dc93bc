// Test helper: the sample help centre (content/, the one tools/run serves)
// indexed once into a temporary folder, and its public Index. For suites that
// test what a customer of the sample help centre would see.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "helpdex/indexer/indexer.h"
#include "helpdex/search/searcher.h"
#include "temp_kb.h"

namespace helpdex::testing {

class ContentIndex {
 public:
  // Builds the index; a failure fails the calling test (set-up included):
  // check ok() after, never skip.
  ContentIndex() {
    Result<indexer::IndexReport> report = indexer::BuildIndex(
        {.content_dir = std::string(HELPDEX_SOURCE_DIR) + "/content", .index_dir = kb_.index().string()});
    if (!report.ok()) {
      ADD_FAILURE() << report.error().ToString();
      return;
    }
    EXPECT_EQ(report->failed, 0);
    Result<std::shared_ptr<search::Index>> index = search::Index::Open(kb_.index().string(), search::Viewer::Public());
    if (!index.ok()) {
      ADD_FAILURE() << index.error().ToString();
      return;
    }
    index_ = *index;
  }

  bool ok() const { return index_ != nullptr; }
  std::filesystem::path dir() const { return kb_.index(); }  // the index directory
  search::Index& index() const { return *index_; }

 private:
  TempKb kb_;
  std::shared_ptr<search::Index> index_;
};

}  // namespace helpdex::testing

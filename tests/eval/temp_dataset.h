// TempDataset: an evaluation data set folder written by a test (docs.jsonl.gz,
// queries.jsonl.gz, qrels.tsv), shared by the eval tests so that none of them
// touches the shared evaluation data.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace helpdex::eval {

// A data set folder written by the test, removed at destruction.
class TempDataset {
 public:
  TempDataset() {
    std::string pattern = (std::filesystem::temp_directory_path() / "helpdex-eval-test-XXXXXX").string();
    root_ = ::mkdtemp(pattern.data());
    dir_ = root_ / "tinyset";
    std::filesystem::create_directories(dir_);
  }
  ~TempDataset() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempDataset(const TempDataset&) = delete;
  TempDataset& operator=(const TempDataset&) = delete;

  std::string dir() const { return dir_.string(); }
  std::string path(const std::string& file) const { return (dir_ / file).string(); }

  void WriteGzip(const std::string& file, const std::string& text) const {
    gzFile out = gzopen(path(file).c_str(), "wb");
    ASSERT_NE(out, nullptr);
    ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
    ASSERT_EQ(gzclose(out), Z_OK);
  }
  void WritePlain(const std::string& file, const std::string& text) const {
    std::ofstream(path(file), std::ios::binary) << text;
  }

 private:
  std::filesystem::path root_;
  std::filesystem::path dir_;
};

}  // namespace helpdex::eval

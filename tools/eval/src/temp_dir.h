// A fresh directory under the system's temporary folder, removed with
// everything in it on destruction: the evaluations' indexes and data stores.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "helpdex/search/error.h"

namespace helpdex::eval {

class TempDir {
 public:
  // `prefix` names the folder ("helpdex-eval-"); `what` the error.
  static Result<std::unique_ptr<TempDir>> Create(const std::string& prefix = "helpdex-eval-",
                                                 const std::string& what = "a temporary directory") {
    std::error_code ec;
    std::string pattern = (std::filesystem::temp_directory_path(ec) / (prefix + "XXXXXX")).string();
    if (ec || ::mkdtemp(pattern.data()) == nullptr) {
      return Error{ErrorCode::kInternal, "cannot create " + what, pattern};
    }
    return std::unique_ptr<TempDir>(new TempDir(pattern));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace helpdex::eval

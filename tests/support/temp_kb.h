// Test helper: a temporary folder with a small knowledge base written by the
// test itself, and an index directory beside it. Removed at destruction.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace helpdex::testing {

class TempKb {
 public:
  TempKb() {
    std::string pattern = (std::filesystem::temp_directory_path() / "helpdex-test-XXXXXX").string();
    root_ = ::mkdtemp(pattern.data());
    std::filesystem::create_directories(content());
  }
  ~TempKb() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempKb(const TempKb&) = delete;
  TempKb& operator=(const TempKb&) = delete;

  std::filesystem::path root() const { return root_; }
  std::filesystem::path content() const { return root_ / "content"; }
  std::filesystem::path index() const { return root_ / "index"; }

  void Write(const std::string& relative, const std::string& text) const {
    const auto path = content() / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  void Remove(const std::string& relative) const { std::filesystem::remove(content() / relative); }

  // An article file with the usual fields.
  static std::string Article(const std::string& id, const std::string& lang, const std::string& slug,
                             const std::string& title, const std::string& body,
                             const std::string& audience = "public", const std::string& tags = "[general]",
                             const std::string& key = "") {
    return "---\nid: " + id + "\ntitle: \"" + title + "\"\nlang: " + lang + "\nslug: " + slug + "\ntags: " + tags +
           "\naudience: " + audience + "\ntranslation_key: " + (key.empty() ? id : key) +
           "\nreviewed: 2026-10-01\nanswer: Short answer for " + id + ".\n---\n" + body + "\n";
  }

 private:
  std::filesystem::path root_;
};

}  // namespace helpdex::testing

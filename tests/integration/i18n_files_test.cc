// Interface strings come from templates/i18n.json and one file a feature in
// templates/i18n/: the server starts with a complete feature file, and refuses
// to start, naming the file, when a file repeats another's key or leaves a
// language without a key English has (no page may show a bare key).
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "../support/integration.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/server/server.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const char* const kCodes[] = {"en", "nb", "tr", "cs", "ru", "el"};

class TranslationFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("helpdex-i18n-files-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    fs::copy(HELPDEX_TEMPLATES_DIR, root_ / "templates", fs::copy_options::recursive);
    fs::remove_all(root_ / "templates" / "i18n");  // only this test's feature files
    fs::create_directories(root_ / "templates" / "i18n");
  }
  void TearDown() override { fs::remove_all(root_); }

  // A feature file giving `key` in every language but `missing_in`.
  void WriteFeatureFile(const std::string& name, const std::string& key, const std::string& missing_in = "") {
    std::ofstream file(root_ / "templates" / "i18n" / name);
    file << "{";
    bool first = true;
    for (const char* code : kCodes) {
      file << (first ? "" : ",") << "\"" << code << "\": {";
      if (code != missing_in) file << "\"" << key << "\": \"text " << code << "\"";
      file << "}";
      first = false;
    }
    file << "}";
  }

  Result<std::unique_ptr<Server>> Start() {
    ServerOptions options{.index_dir = (root_ / "index").string(),
                          .templates_dir = (root_ / "templates").string(),
                          .address = "127.0.0.1",
                          .port = 0,
                          .threads = 1};
    return Server::Start(options);
  }

  fs::path root_;
};

TEST_F(TranslationFilesTest, ACompleteFeatureFileIsLoadedBesideI18nJson) {
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = testing::KnowledgeBase().string(),
                                   .index_dir = (root_ / "index").string()})
                  .ok());
  WriteFeatureFile("feature.json", "feature_only_key");
  Result<std::unique_ptr<Server>> server = Start();
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  httplib::Client client("127.0.0.1", (*server)->port());
  httplib::Result home = client.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  (*server)->Shutdown();
}

TEST_F(TranslationFilesTest, AKeyDefinedInTwoFilesStopsTheStartNamingBoth) {
  WriteFeatureFile("repeats.json", "site_name");
  Result<std::unique_ptr<Server>> server = Start();
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.error().ToString(), HasSubstr("repeats.json"));
  EXPECT_THAT(server.error().ToString(), HasSubstr("site_name is already defined in"));
  EXPECT_THAT(server.error().ToString(), HasSubstr("i18n.json"));
}

TEST_F(TranslationFilesTest, ALanguageMissingAFeatureKeyStopsTheStartNamingTheFile) {
  WriteFeatureFile("partial.json", "partial_key", "el");
  Result<std::unique_ptr<Server>> server = Start();
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.error().ToString(), HasSubstr("partial.json"));
  EXPECT_THAT(server.error().ToString(), HasSubstr("el lacks the key partial_key"));
}

}  // namespace
}  // namespace helpdex::server

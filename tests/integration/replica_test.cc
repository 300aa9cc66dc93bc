// Read replicas (issue 17): `tools/replicate pull` copies a sharded index's
// live generation from `xapian-replicate-server` (tools/replicate serve) on
// loopback and publishes it; the replica then answers every search exactly
// as the master does, for the public and the agent viewer, follows the
// master's next generation on the next round, and a round against a master
// that is gone fails and leaves the replica serving what it served.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/loopback.h"
#include "../support/process.h"
#include "../support/temp_kb.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/index_layout.h"
#include "helpdex/search/searcher.h"

namespace helpdex {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ChildProcess;
using testing::DescribeStatus;

const std::string kSource = HELPDEX_SOURCE_DIR;
const std::string kContent = kSource + "/content";
const std::string kTickets = kContent + "/tickets/tickets.jsonl";


// The ids, order and total of a search, as one comparable line.
std::string Answer(search::Index& index, const std::string& query, std::optional<Language> language) {
  Result<std::shared_ptr<search::Searcher>> searcher = index.AcquireSearcher();
  if (!searcher.ok()) return "error: " + searcher.error().ToString();
  Result<search::SearchResponse> response =
      (*searcher)->Search({.query = query, .language = language, .page_size = 20, .with_facets = true});
  if (!response.ok()) return "error: " + response.error().ToString();
  std::ostringstream out;
  out << response->total << ':';
  for (const search::SearchResult& result : response->results) out << ' ' << result.id;
  for (const auto& [facet, counts] : response->facets) {
    for (const auto& [value, count] : counts) out << " | " << facet << '=' << value << ' ' << count;
  }
  return out.str();
}

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = static_cast<int>(testing::FreeLoopbackPort());
  }

  Result<indexer::IndexReport> IndexMaster(const std::string& content) {
    return indexer::BuildIndex(
        {.content_dir = content, .index_dir = master(), .tickets_files = {kTickets}, .shards = 2});
  }

  // tools/replicate serve on the master, until the test ends.
  void ServeMaster() {
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kSource + "/tools/replicate", "serve", "--index", master(), "--port",
                                 std::to_string(port_)},
        std::vector<std::string>{}, kb_.root() / "serve.log");
    for (int tries = 0; tries < 100 && !testing::AcceptsOnLoopback(port_); ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(testing::AcceptsOnLoopback(port_)) << "tools/replicate serve did not listen on " << port_;
  }

  // One round of tools/replicate pull; its exit status and output.
  std::pair<int, std::string> Pull() {
    ChildProcess pull({kSource + "/tools/replicate", "pull", "--host", "127.0.0.1", "--port", std::to_string(port_),
                       "--index", replica(), "--once"},
                      {std::string("HELPDEX=") + HELPDEX_BINARY}, kb_.root() / "pull.log");
    const int status = pull.Wait();
    return {status, pull.Output()};
  }

  std::string master() const { return (kb_.root() / "master").string(); }
  std::string replica() const { return (kb_.root() / "replica").string(); }

  testing::TempKb kb_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(ReplicaTest, AReplicaAnswersAsTheMasterAndFollowsItsNextGeneration) {
  Result<indexer::IndexReport> first = IndexMaster(kContent);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ServeMaster();
  auto [status, output] = Pull();
  ASSERT_EQ(status, 0) << DescribeStatus(status) << "\n" << output;
  EXPECT_EQ(search::ReadCurrentGeneration(replica()), first->generation);

  const std::vector<std::pair<std::string, std::optional<Language>>> queries = {
      {"reset password", Language::kEnglish}, {"glemt passord", Language::kNorwegian},
      {"şifre sıfırlama", Language::kTurkish}, {"zapomenuté heslo", Language::kCzech},
      {"сбросить пароль", Language::kRussian},  {"επαναφορά κωδικού", Language::kGreek},
      {"invoice", std::nullopt},                {"dns domain", std::nullopt},
  };
  for (const bool agent : {false, true}) {
    Result<std::shared_ptr<search::Index>> on_master = search::Index::Open(master(), search::Viewer{.agent = agent});
    Result<std::shared_ptr<search::Index>> on_replica = search::Index::Open(replica(), search::Viewer{.agent = agent});
    ASSERT_TRUE(on_master.ok()) << on_master.error().ToString();
    ASSERT_TRUE(on_replica.ok()) << on_replica.error().ToString();
    for (const auto& [query, language] : queries) {
      const std::string expected = Answer(**on_master, query, language);
      EXPECT_NE(expected.rfind("error: ", 0), 0u) << query << ": " << expected;
      EXPECT_NE(expected.rfind("0:", 0), 0u) << query << " finds nothing on the master";
      EXPECT_EQ(Answer(**on_replica, query, language), expected) << query << (agent ? " (agent)" : " (public)");
    }
  }

  // The master publishes a new generation with one more article; the next
  // round copies and publishes it, and the replica finds the new article.
  const fs::path content = kb_.root() / "content";
  fs::copy(kContent, content, fs::copy_options::recursive);
  std::ofstream(content / "en" / "replica-canary.md")
      << "---\nid: en-replica-canary\ntitle: Quokka replication canary\nlang: en\nslug: replica-canary\n"
         "tags: [account]\naudience: public\ntranslation_key: replica-canary\nreviewed: 2026-12-01\n---\n\n"
         "The quokka canary article exists only in the master's second generation.\n";
  Result<indexer::IndexReport> second = IndexMaster(content.string());
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_GT(second->generation, first->generation);
  auto [again, again_output] = Pull();
  ASSERT_EQ(again, 0) << DescribeStatus(again) << "\n" << again_output;
  EXPECT_EQ(search::ReadCurrentGeneration(replica()), second->generation);
  Result<std::shared_ptr<search::Index>> replica_index = search::Index::Open(replica(), search::Viewer::Public());
  ASSERT_TRUE(replica_index.ok());
  EXPECT_THAT(Answer(**replica_index, "quokka canary", Language::kEnglish), HasSubstr("replica-canary"));

  // Nothing new: the round says so and changes nothing.
  auto [unchanged, unchanged_output] = Pull();
  EXPECT_EQ(unchanged, 0) << unchanged_output;
  EXPECT_THAT(unchanged_output, HasSubstr("already live"));

  // The master gone: the round fails, the replica still serves generation 2.
  server_.reset();
  auto [failed, failed_output] = Pull();
  EXPECT_NE(failed, 0) << failed_output;
  EXPECT_THAT(failed_output, HasSubstr("cannot copy"));
  EXPECT_EQ(search::ReadCurrentGeneration(replica()), second->generation);
  EXPECT_THAT(Answer(**replica_index, "quokka canary", Language::kEnglish), HasSubstr("replica-canary"));
}

}  // namespace
}  // namespace helpdex

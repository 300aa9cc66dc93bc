// Crash tests for publishing (issue 16, items 1 and 9): the real `helpdex
// index` is killed at every step of a publish (the failpoint
// kill_at:STEP, indexer::kPublishSteps: each fsync, the commit point and
// after it) and at random moments, while the real server serves the index.
// After each kill the public and agent views must name one and the same
// complete generation (old or new, with the documents of that content), the
// agent API must answer, and after the next run it must answer from the new
// generation. Also: a full disk (a small tmpfs in a user namespace when the
// kernel allows one, else the injected failure) is reported as such.
#include <gtest/gtest.h>
#include <signal.h>

#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "../support/process.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/index_layout.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using helpdex::testing::ChildProcess;
using helpdex::testing::DescribeStatus;
using nlohmann::json;

// `helpdex index --content CONTENT --index INDEX` with HELPDEX_FAILPOINT set
// when `failpoint` is not empty, and `--shards N` when `shards` > 0; returns
// the wait status.
int RunIndexer(const fs::path& content, const fs::path& index, const std::string& failpoint, const fs::path& log,
               std::string* output = nullptr, int shards = 0) {
  std::vector<std::string> env;
  if (!failpoint.empty()) env.push_back("HELPDEX_FAILPOINT=" + failpoint);
  std::vector<std::string> command{HELPDEX_BINARY, "index", "--content", content.string(), "--index", index.string()};
  if (shards > 0) command.insert(command.end(), {"--shards", std::to_string(shards)});
  ChildProcess indexer(command, env, log);
  const int status = indexer.Wait();
  if (output != nullptr) *output = indexer.Output();
  return status;
}

// What the two views name, and the documents Xapian finds through them.
struct Views {
  std::optional<long> public_generation;
  std::optional<long> agent_generation;
  Xapian::doccount public_documents = 0;
  Xapian::doccount agent_documents = 0;
  std::string error;  // a view Xapian could not open
};

Views ReadViews(const fs::path& index) {
  Views views;
  views.public_generation = search::ReadStubGeneration(search::PublicStubPath(index));
  views.agent_generation = search::ReadStubGeneration(search::AgentStubPath(index));
  try {
    if (views.public_generation) {
      views.public_documents = Xapian::Database(search::PublicStubPath(index).string()).get_doccount();
    }
    if (views.agent_generation) {
      views.agent_documents = Xapian::Database(search::AgentStubPath(index).string()).get_doccount();
    }
  } catch (const Xapian::Error& e) {
    views.error = e.get_description();
  }
  return views;
}

// The publish steps a sharded generation's publish alone reaches.
bool ShardedOnly(std::string_view step) {
  return step == "sync_shard_stub" || step == "sync_lexicon_stub" || step == "sync_shard_views_dirs" ||
         step == "sync_shard_links" || step == "sync_lexicon_links";
}

// The generation the stub at `path` (a shard's or lexicon's stable path,
// "auto ../../gen-N/shard-K/public") names, or nullopt.
std::optional<long> NamedGeneration(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  static const std::regex kLine(R"(^auto (\.\./)+gen-(\d+)/(shard-\d+|lexicon)/(public|agent)$)");
  std::smatch match;
  if (!std::regex_match(line, match, kLine)) return std::nullopt;
  return std::stol(match[2].str());
}

// A sharded index's stable paths after a kill: every shard and lexicon names
// the generation the views name (or, on a fresh index, nothing at all), and
// the shards together hold the views' documents.
void ExpectShardsFollowTheViews(const fs::path& index, int shards) {
  const Views views = ReadViews(index);
  Xapian::doccount public_documents = 0;
  Xapian::doccount agent_documents = 0;
  for (int shard = 1; shard <= shards; ++shard) {
    for (bool agent : {false, true}) {
      const fs::path path = search::ShardStubPath(index, shard, agent);
      EXPECT_EQ(NamedGeneration(path), views.public_generation) << path;
      if (!views.public_generation) continue;
      try {
        (agent ? agent_documents : public_documents) += Xapian::Database(path.string()).get_doccount();
      } catch (const Xapian::Error& e) {
        ADD_FAILURE() << path << ": " << e.get_description();
      }
    }
  }
  for (bool agent : {false, true}) {
    const fs::path path = search::LexiconPath(index, agent);
    EXPECT_EQ(NamedGeneration(path), views.public_generation) << path;
    if (views.public_generation) {
      EXPECT_NO_THROW(Xapian::Database(path.string()).get_doccount()) << path;
    }
  }
  if (views.public_generation) {
    EXPECT_EQ(public_documents, views.public_documents);
    EXPECT_EQ(public_documents + agent_documents, views.agent_documents);
  }
}

std::string Describe(const Views& views) {
  const auto number = [](std::optional<long> generation) {
    return generation ? std::to_string(*generation) : std::string("none");
  };
  return "public view: generation " + number(views.public_generation) + ", " +
         std::to_string(views.public_documents) + " documents; agent view: generation " +
         number(views.agent_generation) + ", " + std::to_string(views.agent_documents) + " documents" +
         (views.error.empty() ? "" : "; " + views.error);
}

// A public article with one unique word, so that each round changes the content.
void WriteRoundArticle(const fs::path& content, int round) {
  const std::string id = "crash-" + std::to_string(round);
  std::ofstream(content / "en" / (id + ".md")) << "---\nid: " << id << "\ntitle: Crash round " << round
                                               << "\nlang: en\nslug: " << id
                                               << "\ntags: [crash]\naudience: public\ntranslation_key: " << id
                                               << "\nreviewed: 2026-11-01\nanswer: Round " << round
                                               << ".\n---\nThe word crashword" << round << " is only here.\n";
}

class PublishCrashTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() {
    helpdex::testing::HelpCentreOptions options;
    options.content_dir = helpdex::testing::KnowledgeBase();
    options.agent_name = "crash-agent";
    SetUpHelpCentre(options);
  }

  // Waits (bounded) until /readyz says both indexes serve `generation`.
  static bool WaitUntilServed(long generation, std::string& last) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Result ready = Get("/readyz");
      if (ready) {
        last = std::to_string(ready->status) + " " + ready->body;
        if (ready->status == 200) {
          json body = json::parse(ready->body);
          if (body["generation"] == generation && body["agent_generation"] == generation) return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  static httplib::Result AgentSearch(const std::string& query) {
    return Get("/api/agent/search?q=" + query, {{"Authorization", "Bearer " + agent_token()}});
  }

  // The views name one complete generation (one of `complete`: generation ->
  // {public documents, agent documents}), the server serves it, and the
  // agent API answers. Returns that generation.
  static long ExpectOneCompleteGeneration(const fs::path& index,
                                          const std::map<long, std::pair<unsigned, unsigned>>& complete) {
    const Views views = ReadViews(index);
    EXPECT_TRUE(views.error.empty()) << Describe(views);
    EXPECT_TRUE(views.public_generation.has_value()) << Describe(views);
    EXPECT_EQ(views.public_generation, views.agent_generation) << Describe(views);
    const long generation = views.public_generation.value_or(-1);
    auto expected = complete.find(generation);
    EXPECT_NE(expected, complete.end()) << "a generation not expected: " << Describe(views);
    if (expected != complete.end()) {
      EXPECT_EQ(views.public_documents, expected->second.first) << Describe(views);
      EXPECT_EQ(views.agent_documents, expected->second.second) << Describe(views);
    }
    std::string last;
    EXPECT_TRUE(WaitUntilServed(generation, last)) << "generation " << generation << " not served; /readyz: " << last;
    httplib::Result agent = AgentSearch("website");
    EXPECT_TRUE(agent && agent->status == 200) << (agent ? agent->body : "no answer");
    return generation;
  }
};

TEST_F(PublishCrashTest, AKillAtEveryStepOfAPublishLeavesBothViewsOnOneCompleteGeneration) {
  const fs::path content = root() / "crash-content";
  fs::copy(content_dir(), content, fs::copy_options::recursive);
  const fs::path index = index_dir();
  Views before = ReadViews(index);
  ASSERT_TRUE(before.public_generation.has_value()) << Describe(before);
  long live = *before.public_generation;
  std::pair<unsigned, unsigned> live_counts{before.public_documents, before.agent_documents};

  int round = 0;
  bool past_commit = false;
  for (const char* step : indexer::kPublishSteps) {
    SCOPED_TRACE(std::string("kill_at:") + step);
    ++round;
    WriteRoundArticle(content, round);
    const std::pair<unsigned, unsigned> new_counts{live_counts.first + 1, live_counts.second + 1};
    const int status = RunIndexer(content, index, std::string("kill_at:") + step,
                                  root() / ("crash-" + std::to_string(round) + ".log"));
    const bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    // The view steps happen on a fresh or older-layout index only, the
    // shard steps on a sharded one: here the run publishes without them.
    if (std::string_view(step) == "sync_public_view" || std::string_view(step) == "sync_agent_view" ||
        ShardedOnly(step)) {
      EXPECT_EQ(DescribeStatus(status), "exit 0");
    } else {
      EXPECT_TRUE(killed) << DescribeStatus(status);
    }
    if (std::string_view(step) == "sync_current_link") past_commit = true;

    const long seen = ExpectOneCompleteGeneration(index, {{live, live_counts}, {live + 1, new_counts}});
    if (killed) EXPECT_EQ(seen, past_commit ? live + 1 : live) << "the commit point is the rename of DIR/current";

    // The next run publishes the new content (or finds it published).
    std::string output;
    const int next = RunIndexer(content, index, "", root() / ("next-" + std::to_string(round) + ".log"), &output);
    ASSERT_EQ(DescribeStatus(next), "exit 0") << output;
    live = ExpectOneCompleteGeneration(index, {{live + 1, new_counts}});
    live_counts = new_counts;
    httplib::Result found = AgentSearch("crashword" + std::to_string(round));
    ASSERT_TRUE(found && found->status == 200) << (found ? found->body : "no answer");
    json body = json::parse(found->body);
    ASSERT_FALSE(body["results"].empty()) << found->body;
    EXPECT_EQ(body["results"][0]["id"], "crash-" + std::to_string(round));
  }
}

// Its own suite: a new index and server, so the counts start from the fixture.
class PublishRandomKillTest : public PublishCrashTest {};

// The 15 random SIGKILLs of issue 16's probe, kept under test: at any moment
// of a run (building, committing or publishing), a kill leaves both views on
// one complete generation, and the next run publishes.
TEST_F(PublishRandomKillTest, FifteenRandomKillsLeaveBothViewsOnOneCompleteGeneration) {
  const fs::path content = root() / "random-content";
  fs::copy(content_dir(), content, fs::copy_options::recursive);
  const fs::path index = index_dir();
  const Views before = ReadViews(index);
  ASSERT_TRUE(before.public_generation.has_value()) << Describe(before);
  long live = *before.public_generation;
  std::pair<unsigned, unsigned> live_counts{before.public_documents, before.agent_documents};

  // How long a run takes here, to kill within it.
  WriteRoundArticle(content, 100);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(DescribeStatus(RunIndexer(content, index, "", root() / "random-measure.log")), "exit 0");
  const auto run_time = std::chrono::steady_clock::now() - started;
  live = ExpectOneCompleteGeneration(index, {{live + 1, {live_counts.first + 1, live_counts.second + 1}}});
  live_counts = {live_counts.first + 1, live_counts.second + 1};

  std::mt19937 random(16);  // fixed: the same delays on every run
  std::uniform_int_distribution<long> delay_us(0, std::chrono::duration_cast<std::chrono::microseconds>(run_time).count());
  int published = 0;
  for (int kill = 1; kill <= 15; ++kill) {
    SCOPED_TRACE("random kill " + std::to_string(kill));
    WriteRoundArticle(content, 100 + kill);
    // The content now: the fixture's documents, round 100's and `kill` more
    // (runs killed before their commit left some of them unpublished).
    const std::pair<unsigned, unsigned> new_counts{before.public_documents + 1 + kill,
                                                   before.agent_documents + 1 + kill};
    {
      ChildProcess indexer({HELPDEX_BINARY, "index", "--content", content.string(), "--index", index.string()}, {},
                           root() / ("random-" + std::to_string(kill) + ".log"));
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
      indexer.Signal(SIGKILL);
      indexer.Wait();
    }
    const long seen = ExpectOneCompleteGeneration(index, {{live, live_counts}, {live + 1, new_counts}});
    if (seen == live + 1) {
      live = seen;
      live_counts = new_counts;
      ++published;
    }
  }
  std::cout << "random kills: " << published << " of 15 after the commit point, " << 15 - published
            << " before it\n";
  std::string output;
  ASSERT_EQ(DescribeStatus(RunIndexer(content, index, "", root() / "random-last.log", &output)), "exit 0") << output;
  // The fixture's documents, round 100's and the 15 rounds'.
  const Views after = ReadViews(index);
  ASSERT_TRUE(after.public_generation.has_value());
  ExpectOneCompleteGeneration(
      index, {{*after.public_generation, {before.public_documents + 16, before.agent_documents + 16}}});
  httplib::Result found = AgentSearch("crashword115");
  ASSERT_TRUE(found && found->status == 200);
  EXPECT_FALSE(json::parse(found->body)["results"].empty()) << found->body;
}

// The first publish of a fresh index, unsharded and in 2 shards: a kill at
// any step leaves both views (and every shard and lexicon) naming nothing or
// all naming generation 1, complete; the next run publishes.
class PublishCrashFreshTest : public ::testing::TestWithParam<int> {};

TEST_P(PublishCrashFreshTest, AKillAtEveryStepOfTheFirstPublishLeavesBothViewsAlike) {
  const int shards = GetParam();
  const fs::path root = helpdex::testing::MakeTempDir("helpdex-fresh-crash-");
  for (const char* step : indexer::kPublishSteps) {
    SCOPED_TRACE(std::string("kill_at:") + step);
    const fs::path index = root / step;
    const int status = RunIndexer(helpdex::testing::KnowledgeBase(), index, std::string("kill_at:") + step,
                                  root / (std::string(step) + ".log"), nullptr, shards);
    if (shards == 0 && ShardedOnly(step)) {
      EXPECT_EQ(DescribeStatus(status), "exit 0");
    } else {
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << DescribeStatus(status);
    }
    if (shards > 0) ExpectShardsFollowTheViews(index, shards);
    Views views = ReadViews(index);
    EXPECT_TRUE(views.error.empty()) << Describe(views);
    EXPECT_EQ(views.public_generation, views.agent_generation) << Describe(views);
    if (views.public_generation) {
      EXPECT_EQ(*views.public_generation, 1) << Describe(views);
      EXPECT_GT(views.public_documents, 0u) << Describe(views);
      EXPECT_GT(views.agent_documents, views.public_documents) << Describe(views);
    }
    std::string output;
    ASSERT_EQ(DescribeStatus(RunIndexer(helpdex::testing::KnowledgeBase(), index, "", root / "next.log", &output,
                                        shards)),
              "exit 0")
        << output;
    views = ReadViews(index);
    EXPECT_TRUE(views.public_generation.has_value()) << Describe(views);
    EXPECT_EQ(views.public_generation, views.agent_generation) << Describe(views);
    EXPECT_GT(views.agent_documents, views.public_documents) << Describe(views);
    if (shards > 0) ExpectShardsFollowTheViews(index, shards);
  }
  std::error_code ec;
  fs::remove_all(root, ec);
}

INSTANTIATE_TEST_SUITE_P(UnshardedAndSharded, PublishCrashFreshTest, ::testing::Values(0, 2),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == 0 ? std::string("Unsharded") : std::to_string(info.param) + "Shards";
                         });

// A sharded index already published: a kill at every step of the next
// publish leaves the views, every shard and every lexicon on one and the same
// complete generation, the old one before the rename of DIR/current and the
// new one after it; the next run publishes the new content. (The link steps
// are not reached: the links were made by the first publish.)
TEST(PublishCrashShardedTest, AKillAtEveryStepLeavesEveryShardOnTheViewsGeneration) {
  constexpr int kShards = 2;
  const fs::path root = helpdex::testing::MakeTempDir("helpdex-sharded-crash-");
  const fs::path content = root / "content";
  const fs::path index = root / "index";
  fs::copy(helpdex::testing::KnowledgeBase(), content, fs::copy_options::recursive);
  ASSERT_EQ(DescribeStatus(RunIndexer(content, index, "", root / "first.log", nullptr, kShards)), "exit 0");
  Views before = ReadViews(index);
  ASSERT_TRUE(before.public_generation.has_value()) << Describe(before);
  long live = *before.public_generation;
  Xapian::doccount public_documents = before.public_documents;
  int round = 0;
  bool past_commit = false;
  for (const char* step : indexer::kPublishSteps) {
    SCOPED_TRACE(std::string("kill_at:") + step);
    ++round;
    WriteRoundArticle(content, round);
    const int status = RunIndexer(content, index, std::string("kill_at:") + step,
                                  root / ("crash-" + std::to_string(round) + ".log"), nullptr, kShards);
    const std::string_view name(step);
    const bool reached = !(name == "sync_public_view" || name == "sync_agent_view" || name == "sync_shard_links" ||
                           name == "sync_lexicon_links");
    if (reached) {
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << DescribeStatus(status);
    } else {
      EXPECT_EQ(DescribeStatus(status), "exit 0");
    }
    if (name == "sync_current_link") past_commit = true;
    const Views views = ReadViews(index);
    EXPECT_TRUE(views.error.empty()) << Describe(views);
    EXPECT_EQ(views.public_generation, views.agent_generation) << Describe(views);
    const long expected = (!reached || past_commit) ? live + 1 : live;
    EXPECT_EQ(views.public_generation, expected) << "the commit point is the rename of DIR/current";
    EXPECT_EQ(views.public_documents, expected == live ? public_documents : public_documents + 1) << Describe(views);
    ExpectShardsFollowTheViews(index, kShards);

    std::string output;
    ASSERT_EQ(DescribeStatus(RunIndexer(content, index, "", root / ("next-" + std::to_string(round) + ".log"),
                                        &output, kShards)),
              "exit 0")
        << output;
    const Views after = ReadViews(index);
    EXPECT_EQ(after.public_generation, live + 1) << Describe(after);
    EXPECT_EQ(after.public_documents, public_documents + 1) << Describe(after);
    ExpectShardsFollowTheViews(index, kShards);
    live = live + 1;
    public_documents = after.public_documents;
  }
  std::error_code ec;
  fs::remove_all(root, ec);
}

// Issue 16, item 9: a killed build's half generation stayed on disk. SIGTERM
// (sent by the process itself at a fixed point: HELPDEX_FAILPOINT=sigterm)
// stops `helpdex index`, which removes its half generation.
TEST(InterruptTest, SigtermStopsTheIndexerAndRemovesItsHalfGeneration) {
  const fs::path root = helpdex::testing::MakeTempDir("helpdex-sigterm-");
  const fs::path index = root / "index";
  const fs::path content = root / "content";
  fs::copy(helpdex::testing::KnowledgeBase(), content, fs::copy_options::recursive);
  ASSERT_EQ(DescribeStatus(RunIndexer(content, index, "", root / "first.log")), "exit 0");
  WriteRoundArticle(content, 1);
  std::string output;
  EXPECT_EQ(DescribeStatus(RunIndexer(content, index, "sigterm", root / "stopped.log", &output)), "exit 2") << output;
  EXPECT_NE(output.find("helpdex index: SIGTERM: stopping, removing the half-built generation"), std::string::npos)
      << output;
  EXPECT_NE(output.find(index.string() + ": interrupted: the half-built gen-000002 was removed; gen-000001 stays "
                                         "published"),
            std::string::npos)
      << output;
  EXPECT_FALSE(fs::exists(index / search::GenerationDirName(2)));
  const Views views = ReadViews(index);
  EXPECT_EQ(views.public_generation, 1) << Describe(views);
  EXPECT_EQ(views.agent_generation, 1) << Describe(views);
  std::error_code ec;
  fs::remove_all(root, ec);
}

// Issue 16, item 1: /readyz said ready while agent searches failed, and the
// 503s had no reason in the log. The real `helpdex serve`; the agent view is
// pointed at a generation that does not exist.
TEST(ReadyzTest, ReadyzReadsBothIndexesAndA503SaysWhyInTheLog) {
  const fs::path root = helpdex::testing::MakeTempDir("helpdex-readyz-");
  const fs::path index = root / "index";
  ASSERT_EQ(DescribeStatus(RunIndexer(helpdex::testing::KnowledgeBase(), index, "", root / "index.log")), "exit 0");
  ChildProcess server({HELPDEX_BINARY, "serve", "--index", index.string(), "--data", (root / "data").string(),
                       "--address", "127.0.0.1", "--port", "0"},
                      {}, root / "serve.log");
  std::string port;
  for (int attempt = 0; attempt < 3000 && port.empty(); ++attempt) {
    const std::string output = server.Output();
    const size_t at = output.find("serving http://localhost:");
    if (at != std::string::npos && output.find('\n', at) != std::string::npos) {
      port = output.substr(at + 25, output.find('\n', at) - at - 25);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_FALSE(port.empty()) << server.Output();
  httplib::Client http("127.0.0.1", std::stoi(port));
  httplib::Result ready = http.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  const json body = json::parse(ready->body);
  EXPECT_EQ(body["generation"], 1);
  EXPECT_EQ(body["agent_generation"], 1);
  EXPECT_GT(body["agent_documents"].get<int>(), body["documents"].get<int>());

  // What a hand-made or damaged agent view would name.
  fs::remove(search::AgentStubPath(index));
  std::ofstream(search::AgentStubPath(index)) << "auto gen-000999/public\nauto gen-000999/agent\n";
  for (int attempt = 0; attempt < 3000; ++attempt) {  // the server re-reads a view within 500 ms
    ready = http.Get("/readyz");
    if (ready && ready->status != 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_EQ(json::parse(ready->body)["error"]["code"], "index_unavailable") << ready->body;
  EXPECT_EQ(ready->body.find("gen-000999"), std::string::npos) << "no detail for the client: " << ready->body;
  server.Signal(SIGTERM);
  EXPECT_EQ(DescribeStatus(server.Wait()), "exit 0");
  const std::string log = server.Output();
  EXPECT_NE(log.find(R"("route":"readyz","status":503)"), std::string::npos) << log;
  EXPECT_NE(log.find((index / "gen-000999").string() + ": opening generation 999 failed"), std::string::npos) << log;
  std::error_code ec;
  fs::remove_all(root, ec);
}

// Issue 16, item 9: on a full disk the indexer said "Input/output error" or
// "Error writing block 41". A small tmpfs in a user namespace (`unshare -rm`,
// no root needed where the kernel allows it); else the same failure injected
// (HELPDEX_FAILPOINT=disk_full) so that the message is still checked.
TEST(DiskFullTest, AFullDiskIsSaidSoWithTheSpaceAGenerationNeeds) {
  const fs::path root = helpdex::testing::MakeTempDir("helpdex-disk-full-");
  const fs::path index = root / "index";
  fs::create_directories(index);
  const std::string mount = "mount -t tmpfs -o size=64k tmpfs " + index.string();
  ChildProcess probe({"/bin/sh", "-c", "unshare -rm /bin/sh -c '" + mount + "'"}, {}, root / "probe.log");
  const bool tmpfs = DescribeStatus(probe.Wait()) == "exit 0";
  std::string output;
  if (tmpfs) {
    ChildProcess indexer({"/bin/sh", "-c",
                          "unshare -rm /bin/sh -c '" + mount + " && exec " + HELPDEX_BINARY + " index --content " +
                              helpdex::testing::KnowledgeBase().string() + " --index " + index.string() + "'"},
                         {}, root / "index.log");
    EXPECT_EQ(DescribeStatus(indexer.Wait()), "exit 2") << indexer.Output();
    output = indexer.Output();
  } else {
    ASSERT_EQ(DescribeStatus(RunIndexer(helpdex::testing::KnowledgeBase(), index, "", root / "first.log")), "exit 0");
    fs::path content = root / "content";
    fs::copy(helpdex::testing::KnowledgeBase(), content, fs::copy_options::recursive);
    WriteRoundArticle(content, 1);
    EXPECT_EQ(DescribeStatus(RunIndexer(content, index, "disk_full", root / "full.log", &output)), "exit 2") << output;
  }
  SCOPED_TRACE(tmpfs ? "a 64 KiB tmpfs" : "the injected failure (no user namespaces here)");
  EXPECT_NE(output.find("the disk holding the index is full ("), std::string::npos) << output;
  EXPECT_NE(output.find("a generation of this index needs "), std::string::npos) << output;
  EXPECT_NE(output.find(index.string()), std::string::npos) << output;
  std::error_code ec;
  fs::remove_all(root, ec);
}

}  // namespace
}  // namespace helpdex::server

// Issue 18: `helpdex index` shows progress on a terminal's stderr (documents,
// rate, time left), redrawn in place and erased before the summary; nothing
// at all when stderr is not a terminal or with --quiet, so logs and pipes get
// exactly what they got before. Runs the real binary, once with stderr a
// file and once with stderr a pseudo-terminal (openpty).
#include <fcntl.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../support/integration.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

extern "C" char** environ;

const fs::path kKnowledgeBase = fs::path(HELPDEX_FIXTURES_DIR) / "kb";
const fs::path kTickets = fs::path(HELPDEX_FIXTURES_DIR) / "tickets" / "agent_tickets.jsonl";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

struct IndexRun {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;  // what the file or the terminal received
};

// Runs `helpdex index` over the fixtures into a new index; stdout to a file,
// stderr to a file or, with `terminal`, to a pseudo-terminal read to its end.
IndexRun RunIndex(const fs::path& dir, bool terminal, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {HELPDEX_BINARY, "index", "--content", kKnowledgeBase.string(), "--tickets",
                                   kTickets.string(), "--index", (dir / "index").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  int master = -1;
  int slave = -1;
  if (terminal && ::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (terminal) {
    posix_spawn_file_actions_adddup2(&actions, slave, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, (dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  IndexRun run;
  if (terminal) {
    ::close(slave);  // the child holds the only other end: reading ends when it exits
    if (spawned == 0) {
      char buffer[4096];
      for (;;) {
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n > 0) {
          run.stderr_text.append(buffer, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else {
          break;  // EIO: the terminal's other end is closed
        }
      }
    }
    ::close(master);
  }
  if (spawned != 0) return run;
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.stdout_text = ReadAll(dir / "stdout");
  if (!terminal) run.stderr_text = ReadAll(dir / "stderr");
  return run;
}

class CliProgressTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = helpdex::testing::MakeTempDir("helpdex-cli-progress-"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// The summary line as it always was.
const char* kSummary =
    "generation [0-9]+: [0-9]+ analysed, 0 unchanged, 0 removed, 0 failed; [0-9]+ public and [0-9]+ agent documents, "
    "[0-9.]+ MiB \\([0-9.]+ s\\)\n.*";

TEST_F(CliProgressTest, StderrThatIsNotATerminalGetsNothingExtra) {
  for (const std::vector<std::string>& flags : {std::vector<std::string>{}, std::vector<std::string>{"--quiet"}}) {
    fs::remove_all(dir_ / "index");
    IndexRun run = RunIndex(dir_, /*terminal=*/false, flags);
    ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
    EXPECT_EQ(run.stderr_text, "") << "flags: " << flags.size();
    EXPECT_THAT(run.stdout_text, MatchesRegex(kSummary));
    EXPECT_EQ(run.stdout_text.find('\r'), std::string::npos);
  }
}

TEST_F(CliProgressTest, ATerminalSeesProgressErasedBeforeTheSummary) {
  IndexRun run = RunIndex(dir_, /*terminal=*/true, {});
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_THAT(run.stderr_text, HasSubstr("\rIndexing: "));
  EXPECT_THAT(run.stderr_text, HasSubstr(" documents"));
  // Redrawn in place and erased at the end: no line of its own is left.
  EXPECT_EQ(run.stderr_text.find('\n'), std::string::npos) << run.stderr_text;
  ASSERT_GE(run.stderr_text.size(), 4u);
  EXPECT_EQ(run.stderr_text.substr(run.stderr_text.size() - 4), "\r\x1b[K");
  EXPECT_THAT(run.stdout_text, MatchesRegex(kSummary));
}

TEST_F(CliProgressTest, QuietKeepsATerminalSilent) {
  IndexRun run = RunIndex(dir_, /*terminal=*/true, {"--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.stderr_text, "");
  EXPECT_THAT(run.stdout_text, MatchesRegex(kSummary));
}

}  // namespace

// Tests for the agent store: accounts, API tokens, sessions, rate limiting,
// and that no secret reaches agents.db in clear. Each AddAgent and SignIn
// runs the argon2id KDF (19 MiB), so tests add as few agents as they can.
#include "helpdex/stores/agents.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

namespace helpdex::stores {
namespace {

namespace fs = std::filesystem;

constexpr char kPassword[] = "correct horse battery";

class AgentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("helpdex-agents-test-" + std::to_string(::getpid()) + "-" + test_name);
    fs::remove_all(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<AgentStore> Open(AgentStoreOptions options = {}) {
    Result<std::unique_ptr<AgentStore>> store = AgentStore::Open(dir_.string(), options);
    if (!store.ok()) {
      ADD_FAILURE() << store.error().ToString();
      return nullptr;
    }
    return std::move(store).value();
  }

  // Everything SQLite has written: the database and its write-ahead log.
  std::string StoredBytes() const {
    std::string bytes;
    for (const char* name : {"agents.db", "agents.db-wal"}) {
      std::ifstream in(dir_ / name, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

  fs::path dir_;
};

TEST(AgentNameTest, AcceptsOnlyShortNamesOfTheAllowedCharacters) {
  struct Case {
    std::string name;
    bool valid;
  };
  const Case kCases[] = {
      {"kari", true},
      {"kari.nordmann_2@example-support", true},
      {std::string(64, 'a'), true},
      {"", false},
      {std::string(65, 'a'), false},
      {"kari nordmann", false},
      {"kari\n", false},
      {"kåri", false},  // non-ASCII letters are not in the set
      {"../kari", false},
      {"x'); DROP TABLE agents;--", false},
      {std::string("ka\0ri", 5), false},
  };
  for (const Case& c : kCases) EXPECT_EQ(IsValidAgentName(c.name), c.valid) << c.name;
}

TEST_F(AgentStoreTest, AddsListsAndRemovesAgents) {
  auto store = Open();
  ASSERT_TRUE(store);
  Result<AgentCredentials> kari = store->AddAgent("kari", std::string(kPassword));
  ASSERT_TRUE(kari.ok()) << kari.error().ToString();
  EXPECT_EQ(kari->name, "kari");
  EXPECT_FALSE(kari->password) << "a given password is not echoed back";
  Result<AgentCredentials> ayse = store->AddAgent("ayse", std::nullopt);
  ASSERT_TRUE(ayse.ok()) << ayse.error().ToString();

  Result<std::vector<AgentInfo>> agents = store->ListAgents();
  ASSERT_TRUE(agents.ok()) << agents.error().ToString();
  ASSERT_EQ(agents->size(), 2u);
  EXPECT_EQ((*agents)[0].name, "ayse");  // sorted by name
  EXPECT_EQ((*agents)[1].name, "kari");
  EXPECT_EQ((*agents)[1].created.size(), 20u) << (*agents)[1].created;  // 2024-05-01T12:00:00Z
  EXPECT_EQ((*agents)[1].created.back(), 'Z');
  EXPECT_EQ((*agents)[1].last_sign_in, "");

  Result<bool> removed = store->RemoveAgent("kari");
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  agents = store->ListAgents();
  ASSERT_TRUE(agents.ok());
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].name, "ayse");

  Result<bool> again = store->RemoveAgent("kari");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(again.error().where, "name");
}

TEST_F(AgentStoreTest, GeneratesAReadablePasswordWhenNoneIsGiven) {
  auto store = Open();
  ASSERT_TRUE(store);
  Result<AgentCredentials> agent = store->AddAgent("kari", std::nullopt);
  ASSERT_TRUE(agent.ok()) << agent.error().ToString();
  ASSERT_TRUE(agent->password);
  EXPECT_EQ(agent->password->size(), 20u);
  for (char c : *agent->password) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << *agent->password;
    EXPECT_EQ(std::string_view("0O1lI").find(c), std::string_view::npos)
        << "ambiguous character in " << *agent->password;
  }
  EXPECT_TRUE(store->SignIn("kari", *agent->password, "127.0.0.1").ok());
}

TEST_F(AgentStoreTest, RefusesADuplicateName) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  Result<AgentCredentials> duplicate = store->AddAgent("kari", std::string(kPassword));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  EXPECT_EQ(duplicate.error().where, "name");
}

TEST_F(AgentStoreTest, RefusesInvalidNamesAndShortPasswords) {
  auto store = Open();
  ASSERT_TRUE(store);
  for (const std::string& name :
       std::vector<std::string>{"", "kari nordmann", std::string(65, 'k'), "x'); DROP TABLE agents;--"}) {
    Result<AgentCredentials> agent = store->AddAgent(name, std::string(kPassword));
    ASSERT_FALSE(agent.ok()) << name;
    EXPECT_EQ(agent.error().code, ErrorCode::kInvalidInput) << name;
    EXPECT_EQ(agent.error().where, "name") << name;
  }
  Result<AgentCredentials> short_password = store->AddAgent("kari", std::string("elevenchars"));
  ASSERT_FALSE(short_password.ok());
  EXPECT_EQ(short_password.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(short_password.error().where, "password");
  // Eleven Greek letters are 22 bytes but still eleven characters.
  Result<AgentCredentials> short_greek = store->AddAgent("kari", std::string("κωδικόςμουα"));
  ASSERT_FALSE(short_greek.ok());
  EXPECT_EQ(short_greek.error().where, "password");

  Result<std::vector<AgentInfo>> agents = store->ListAgents();
  ASSERT_TRUE(agents.ok());
  EXPECT_TRUE(agents->empty());
}

TEST_F(AgentStoreTest, TokenAuthenticatesItsAgentAndNothingElseDoes) {
  auto store = Open();
  ASSERT_TRUE(store);
  Result<AgentCredentials> agent = store->AddAgent("kari", std::string(kPassword));
  ASSERT_TRUE(agent.ok()) << agent.error().ToString();
  const std::string& token = agent->token;
  EXPECT_EQ(token.rfind("hdx_", 0), 0u) << token;
  EXPECT_EQ(token.size(), 4u + 43u) << "hdx_ + 32 bytes of unpadded base64url";

  EXPECT_EQ(store->AuthenticateToken(token), "kari");
  std::string changed = token;
  changed.back() = changed.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(store->AuthenticateToken(changed), std::nullopt);
  EXPECT_EQ(store->AuthenticateToken(token.substr(0, token.size() - 1)), std::nullopt);
  EXPECT_EQ(store->AuthenticateToken(token + "x"), std::nullopt);
  EXPECT_EQ(store->AuthenticateToken(""), std::nullopt);
  EXPECT_EQ(store->AuthenticateToken("hdx_"), std::nullopt);
  EXPECT_EQ(store->AuthenticateToken(std::string(100000, 'a')), std::nullopt);
  EXPECT_EQ(store->AuthenticateToken(kPassword), std::nullopt) << "a password is not a token";
}

TEST_F(AgentStoreTest, StoresNoSecretInClear) {
  auto store = Open();
  ASSERT_TRUE(store);
  Result<AgentCredentials> agent = store->AddAgent("kari", std::string(kPassword));
  ASSERT_TRUE(agent.ok()) << agent.error().ToString();
  Result<NewSession> session = store->SignIn("kari", kPassword, "127.0.0.1");
  ASSERT_TRUE(session.ok()) << session.error().ToString();

  const std::string bytes = StoredBytes();
  ASSERT_NE(bytes.find("kari"), std::string::npos) << "the test reads the wrong files";
  EXPECT_EQ(bytes.find(agent->token), std::string::npos);
  EXPECT_EQ(bytes.find(agent->token.substr(4)), std::string::npos);
  EXPECT_EQ(bytes.find(kPassword), std::string::npos);
  EXPECT_EQ(bytes.find(session->cookie_value), std::string::npos);
  EXPECT_NE(bytes.find("$argon2id$v=19$m=19456,t=2,p=1$"), std::string::npos);
}

TEST_F(AgentStoreTest, CreatesTheDatabaseForItsOwnerOnly) {
  auto store = Open();
  ASSERT_TRUE(store);
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "agents.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(AgentStoreTest, SignInStartsASessionWithACsrfToken) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  Result<NewSession> signed_in = store->SignIn("kari", kPassword, "127.0.0.1");
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().ToString();
  EXPECT_EQ(signed_in->cookie_value.size(), 43u);
  EXPECT_EQ(signed_in->csrf_token.size(), 64u);

  std::optional<Session> session = store->FindSession(signed_in->cookie_value);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->agent, "kari");
  EXPECT_EQ(session->csrf_token, signed_in->csrf_token);
  EXPECT_TRUE(AgentStore::CsrfTokenMatches(*session, signed_in->csrf_token));

  EXPECT_EQ(store->FindSession(""), std::nullopt);
  EXPECT_EQ(store->FindSession(signed_in->csrf_token), std::nullopt);
  Result<std::vector<AgentInfo>> agents = store->ListAgents();
  ASSERT_TRUE(agents.ok());
  EXPECT_FALSE((*agents)[0].last_sign_in.empty());
}

TEST_F(AgentStoreTest, WrongPasswordAndUnknownNameFailAlike) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  Result<NewSession> wrong_password = store->SignIn("kari", "not the password", "127.0.0.1");
  Result<NewSession> unknown_name = store->SignIn("ola", kPassword, "127.0.0.1");
  Result<NewSession> invalid_name = store->SignIn("x'); DROP TABLE agents;--", kPassword, "127.0.0.1");
  for (const Result<NewSession>* result : {&wrong_password, &unknown_name, &invalid_name}) {
    ASSERT_FALSE(result->ok());
    EXPECT_EQ(result->error().code, ErrorCode::kUnauthorized);
    EXPECT_EQ(result->error().ToString(), wrong_password.error().ToString());
  }
}

// A clock the test moves by hand, so that waits pass without sleeping.
struct FakeClock {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  void Advance(std::chrono::seconds by) { now += by; }
};

AgentStoreOptions WithClock(FakeClock& clock) {
  AgentStoreOptions options;
  options.clock = [&clock] { return clock.now; };
  return options;
}

// The wait a refused sign-in reports, or -1 (with a failure) if it was not refused.
int64_t RefusedFor(AgentStore& store, std::string_view name, std::string_view password, std::string_view client) {
  std::chrono::seconds retry_after{-1};
  Result<NewSession> result = store.SignIn(name, password, client, &retry_after);
  if (result.ok() || result.error().code != ErrorCode::kRateLimited) {
    ADD_FAILURE() << name << " from " << client << " was not refused: "
                  << (result.ok() ? std::string("signed in") : result.error().ToString());
    return -1;
  }
  EXPECT_NE(result.error().message.find("try again later"), std::string::npos) << result.error().message;
  return retry_after.count();
}

ErrorCode SignInCode(AgentStore& store, std::string_view name, std::string_view password, std::string_view client) {
  Result<NewSession> result = store.SignIn(name, password, client);
  return result.ok() ? ErrorCode::kInternal : result.error().code;
}

bool SignsIn(AgentStore& store, std::string_view name, std::string_view password, std::string_view client) {
  Result<NewSession> result = store.SignIn(name, password, client);
  EXPECT_TRUE(result.ok()) << name << " from " << client << ": " << result.error().ToString();
  return result.ok() && store.FindSession(result->cookie_value).has_value();
}

// Issue 16 #8: five wrong passwords from anywhere used to lock the name out
// for everyone, right password included.
TEST_F(AgentStoreTest, AnAttackerElsewhereCannotLockAnAgentOut) {
  FakeClock clock;
  auto store = Open(WithClock(clock));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  const std::string attacker = "203.0.113.7";
  // Ten wrong passwords, each one tried once the attacker's wait is over.
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::chrono::seconds retry_after{0};
    Result<NewSession> result = store->SignIn("kari", "guess " + std::to_string(attempt), attacker, &retry_after);
    ASSERT_FALSE(result.ok());
    if (result.error().code == ErrorCode::kRateLimited) {
      clock.Advance(retry_after);
      result = store->SignIn("kari", "guess " + std::to_string(attempt), attacker);
    }
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthorized) << "attempt " << attempt;
  }
  // The attacker's own address waits, even with the right password ...
  EXPECT_GT(RefusedFor(*store, "kari", kPassword, attacker), 1);
  // ... while kari signs in from her own address at once, and again later.
  EXPECT_TRUE(SignsIn(*store, "kari", kPassword, "198.51.100.1"));
  EXPECT_TRUE(SignsIn(*store, "kari", kPassword, "198.51.100.1"));
  // Her success clears only her own pair: the attacker still waits.
  EXPECT_GT(RefusedFor(*store, "kari", kPassword, attacker), 1);
}

TEST_F(AgentStoreTest, APairWaitsLongerAfterEachFailureBeyondTheFreeOnes) {
  FakeClock clock;
  AgentStoreOptions options = WithClock(clock);
  options.max_delay = std::chrono::seconds(8);
  auto store = Open(options);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  const std::string client = "203.0.113.7";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(SignInCode(*store, "kari", "wrong", client), ErrorCode::kUnauthorized);
  std::vector<int64_t> waits;
  for (int i = 0; i < 6; ++i) {
    const int64_t wait = RefusedFor(*store, "kari", kPassword, client);
    ASSERT_GT(wait, 0);
    // Asking again during the wait is refused too, and does not lengthen it.
    EXPECT_EQ(RefusedFor(*store, "kari", "wrong", client), wait);
    waits.push_back(wait);
    clock.Advance(std::chrono::seconds(wait));
    ASSERT_EQ(SignInCode(*store, "kari", "wrong", client), ErrorCode::kUnauthorized);
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{1, 2, 4, 8, 8, 8})) << "doubling, up to max_delay";
  // Once the wait is over the right password gets in from this address too.
  clock.Advance(std::chrono::seconds(8));
  EXPECT_TRUE(SignsIn(*store, "kari", kPassword, client));
}

TEST_F(AgentStoreTest, SuccessClearsThePairsFailures) {
  FakeClock clock;
  auto store = Open(WithClock(clock));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  const std::string client = "10.0.0.1";
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 4; ++i) {
      ASSERT_EQ(SignInCode(*store, "kari", "typo", client), ErrorCode::kUnauthorized) << "round " << round;
    }
    ASSERT_TRUE(SignsIn(*store, "kari", kPassword, client)) << "round " << round;
  }
  // After the success all five free failures are there again, then the wait.
  for (int i = 0; i < 5; ++i) ASSERT_EQ(SignInCode(*store, "kari", "typo", client), ErrorCode::kUnauthorized);
  EXPECT_EQ(RefusedFor(*store, "kari", kPassword, client), 1);
}

TEST_F(AgentStoreTest, APairIsForgottenAWindowAfterItsWait) {
  FakeClock clock;
  auto store = Open(WithClock(clock));
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  const std::string client = "10.0.0.1";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(SignInCode(*store, "kari", "typo", client), ErrorCode::kUnauthorized);
  ASSERT_EQ(RefusedFor(*store, "kari", "typo", client), 1);
  clock.Advance(std::chrono::minutes(15) + std::chrono::seconds(2));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(SignInCode(*store, "kari", "typo", client), ErrorCode::kUnauthorized);
}

TEST_F(AgentStoreTest, RateLimitsASprayingClientAcrossNames) {
  FakeClock clock;
  AgentStoreOptions options = WithClock(clock);
  options.max_client_failures = 3;
  auto store = Open(options);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  // One client trying a password on many names: each pair stays free.
  const std::string sprayer = "203.0.113.7";
  for (const char* name : {"ola", "ayse", "jan"}) {
    ASSERT_EQ(SignInCode(*store, name, kPassword, sprayer), ErrorCode::kUnauthorized);
  }
  clock.Advance(std::chrono::minutes(5));
  // Refused for the rest of the window, whatever name or password comes next.
  EXPECT_EQ(RefusedFor(*store, "kari", kPassword, sprayer), 10 * 60);
  EXPECT_EQ(RefusedFor(*store, "x'); DROP TABLE agents;--", "p", sprayer), 10 * 60);
  EXPECT_TRUE(SignsIn(*store, "kari", kPassword, "198.51.100.1")) << "another client is not limited";
  clock.Advance(std::chrono::minutes(10));
  EXPECT_TRUE(SignsIn(*store, "kari", kPassword, sprayer)) << "the window is over";
}

// A database from before the pair limits (schema 1, with per-name failure
// rows) opens, migrates and no longer holds the old name lock-out.
TEST_F(AgentStoreTest, MigratesASchemaOneDatabase) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "agents.db").c_str(), &raw), SQLITE_OK);
  // Back to what schema 1 had: no pair table, and kari locked out by name.
  const std::string downgrade = "DROP TABLE sign_in_pairs; PRAGMA user_version = 1; "
                                "INSERT INTO sign_in_failures(kind, subject, at) VALUES "
                                "('name', 'kari', 9e15), ('name', 'kari', 9e15), ('name', 'kari', 9e15), "
                                "('name', 'kari', 9e15), ('name', 'kari', 9e15);";
  char* message = nullptr;
  const int rc = sqlite3_exec(raw, downgrade.c_str(), nullptr, nullptr, &message);
  const std::string error = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(raw);
  ASSERT_EQ(rc, SQLITE_OK) << error;

  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(SignsIn(*store, "kari", kPassword, "198.51.100.1"));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(SignInCode(*store, "kari", "typo", "10.0.0.1"), ErrorCode::kUnauthorized);
  EXPECT_EQ(RefusedFor(*store, "kari", "typo", "10.0.0.1"), 1);
}

TEST_F(AgentStoreTest, SignOutEndsTheSession) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  Result<NewSession> signed_in = store->SignIn("kari", kPassword, "127.0.0.1");
  ASSERT_TRUE(signed_in.ok());
  ASSERT_TRUE(store->FindSession(signed_in->cookie_value));
  store->SignOut(signed_in->cookie_value);
  EXPECT_EQ(store->FindSession(signed_in->cookie_value), std::nullopt);
  store->SignOut(signed_in->cookie_value);  // twice is harmless
  store->SignOut("");
}

TEST_F(AgentStoreTest, ExpiredSessionIsNotFound) {
  AgentStoreOptions options;
  options.session_lifetime = std::chrono::seconds(0);
  auto store = Open(options);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->AddAgent("kari", std::string(kPassword)).ok());
  Result<NewSession> signed_in = store->SignIn("kari", kPassword, "127.0.0.1");
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().ToString();
  EXPECT_EQ(store->FindSession(signed_in->cookie_value), std::nullopt);
}

TEST_F(AgentStoreTest, RemovingAnAgentEndsItsSessionsAndToken) {
  auto store = Open();
  ASSERT_TRUE(store);
  Result<AgentCredentials> agent = store->AddAgent("kari", std::string(kPassword));
  ASSERT_TRUE(agent.ok());
  Result<NewSession> signed_in = store->SignIn("kari", kPassword, "127.0.0.1");
  ASSERT_TRUE(signed_in.ok());
  ASSERT_TRUE(store->RemoveAgent("kari").ok());
  EXPECT_EQ(store->FindSession(signed_in->cookie_value), std::nullopt);
  EXPECT_EQ(store->AuthenticateToken(agent->token), std::nullopt);
  EXPECT_EQ(store->SignIn("kari", kPassword, "127.0.0.1").error().code, ErrorCode::kUnauthorized);
}

TEST_F(AgentStoreTest, SqlMetacharactersAreOnlyData) {
  const std::string attack = "x'); DROP TABLE agents;--";
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->AddAgent(attack, std::string(kPassword)).error().code, ErrorCode::kInvalidInput);
  ASSERT_TRUE(store->AddAgent("kari", attack).ok());
  EXPECT_TRUE(store->SignIn("kari", attack, attack).ok());
  EXPECT_EQ(store->AuthenticateToken(attack), std::nullopt);
  EXPECT_EQ(store->FindSession(attack), std::nullopt);
  store->SignOut(attack);
  EXPECT_EQ(store->RemoveAgent(attack).error().code, ErrorCode::kNotFound);
  Result<std::vector<AgentInfo>> agents = store->ListAgents();
  ASSERT_TRUE(agents.ok()) << agents.error().ToString();
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].name, "kari");
}

TEST_F(AgentStoreTest, ReopeningKeepsAgentsTokensAndSessions) {
  std::string token;
  std::string cookie;
  {
    auto store = Open();
    ASSERT_TRUE(store);
    Result<AgentCredentials> agent = store->AddAgent("kari", std::string(kPassword));
    ASSERT_TRUE(agent.ok());
    token = agent->token;
    Result<NewSession> signed_in = store->SignIn("kari", kPassword, "127.0.0.1");
    ASSERT_TRUE(signed_in.ok());
    cookie = signed_in->cookie_value;
  }
  auto store = Open();
  ASSERT_TRUE(store);
  Result<std::vector<AgentInfo>> agents = store->ListAgents();
  ASSERT_TRUE(agents.ok());
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ(store->AuthenticateToken(token), "kari");
  std::optional<Session> session = store->FindSession(cookie);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->agent, "kari");
}

TEST_F(AgentStoreTest, RefusesADataPathThatIsAFile) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "not a folder";
  Result<std::unique_ptr<AgentStore>> store = AgentStore::Open((dir_ / "file").string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kInternal);
  EXPECT_EQ(store.error().message.rfind("agent store: ", 0), 0u) << store.error().message;
}

// SQLITE_OPEN_NOFOLLOW: a planted symlink must not redirect the writes.
TEST_F(AgentStoreTest, RefusesADatabaseThatIsASymlink) {
  fs::create_directories(dir_);
  fs::create_symlink(dir_ / "elsewhere.db", dir_ / "agents.db");
  Result<std::unique_ptr<AgentStore>> store = AgentStore::Open(dir_.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kInternal);
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere.db"));
}

TEST_F(AgentStoreTest, ServesManyThreadsAtOnce) {
  auto store = Open();
  ASSERT_TRUE(store);
  Result<AgentCredentials> agent = store->AddAgent("kari", std::string(kPassword));
  ASSERT_TRUE(agent.ok());
  Result<NewSession> signed_in = store->SignIn("kari", kPassword, "127.0.0.1");
  ASSERT_TRUE(signed_in.ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (store->AuthenticateToken(agent->token) != "kari") ++wrong;
        std::optional<Session> session = store->FindSession(signed_in->cookie_value);
        if (!session || session->agent != "kari") ++wrong;
        if (!store->ListAgents().ok()) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(CsrfTokenTest, MatchesOnlyTheExactNonEmptyToken) {
  const Session session{"kari", std::string(64, 'a')};
  EXPECT_TRUE(AgentStore::CsrfTokenMatches(session, std::string(64, 'a')));
  EXPECT_FALSE(AgentStore::CsrfTokenMatches(session, ""));
  EXPECT_FALSE(AgentStore::CsrfTokenMatches(session, std::string(63, 'a')));
  EXPECT_FALSE(AgentStore::CsrfTokenMatches(session, std::string(65, 'a')));
  EXPECT_FALSE(AgentStore::CsrfTokenMatches(session, std::string(63, 'a') + "b"));
  EXPECT_FALSE(AgentStore::CsrfTokenMatches(Session{"kari", ""}, ""));
}

}  // namespace
}  // namespace helpdex::stores

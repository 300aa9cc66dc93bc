// `helpdex learned` and `helpdex index --data`: the learned-phrasings store
// (helpdex::server::LearnedStore) from the command line. Text output is one
// line per phrasing (tab-separated); --json prints one array of objects.
#include "learned_command.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "helpdex/stores/events.h"
#include "helpdex/stores/forwarder.h"
#include "helpdex/stores/learned.h"

namespace helpdex::cli {
namespace {

struct LearnedArguments {
  std::string data_dir;
  std::string index_dir;
  bool json = false;
  int64_t remove = 0;
};

LearnedArguments& Arguments() {
  static LearnedArguments arguments;
  return arguments;
}

int Fail(std::string_view command, const std::string& message) {
  std::cerr << "helpdex " << command << ": " << message << "\n";
  return 2;
}

// What was learned now: the phrasings by article, or nullopt when there is no
// published index to check the articles against yet.
Result<std::optional<std::map<std::string, std::vector<std::string>>>> LearnNow(const std::string& data_dir,
                                                                               const std::string& index_dir) {
  Result<stores::PublicArticles> public_articles = stores::OpenPublicArticles(index_dir);
  if (!public_articles.ok()) {
    if (public_articles.error().code == ErrorCode::kNotFound) {
      return std::optional<std::map<std::string, std::vector<std::string>>>();
    }
    return public_articles.error();
  }
  // Read-only: learning must not expire the events the server keeps.
  Result<std::unique_ptr<stores::EventLog>> events = stores::EventLog::Open(data_dir);
  if (!events.ok()) return events.error();
  Result<std::unique_ptr<stores::LearnedStore>> store = stores::LearnedStore::Open(data_dir);
  if (!store.ok()) return store.error();
  Result<stores::LearnReport> report = (*store)->Learn(**events, *public_articles);
  if (!report.ok()) return report.error();
  Result<std::map<std::string, std::vector<std::string>>> learned = (*store)->PhrasingsByArticle();
  if (!learned.ok()) return learned.error();
  std::printf(
      "learned: %lld phrasings for %zu articles (%lld answers after a search: %lld votes, %lld without the visit's "
      "own recorded search, %lld not learnable; %lld wordings for articles that are not public)\n",
      static_cast<long long>(report->learned), learned->size(), static_cast<long long>(report->answers),
      static_cast<long long>(report->votes), static_cast<long long>(report->unbacked),
      static_cast<long long>(report->not_learnable), static_cast<long long>(report->not_public));
  return std::optional(std::move(*learned));
}

int ListLearned(stores::LearnedStore& store) {
  const LearnedArguments& arguments = Arguments();
  Result<std::vector<stores::LearnedPhrasing>> phrasings = store.List();
  if (!phrasings.ok()) return Fail("learned", phrasings.error().ToString());
  Result<stores::PublicArticles> public_articles = stores::OpenPublicArticles(arguments.index_dir);
  if (!public_articles.ok()) return Fail("learned", public_articles.error().ToString());
  nlohmann::json all = nlohmann::json::array();
  int held_back = 0;
  for (const stores::LearnedPhrasing& phrasing : *phrasings) {
    // Learning drops the phrasings of articles that stop being public; until
    // the next `helpdex index --data` they are not shown either.
    if (!(*public_articles)(phrasing.article)) {
      ++held_back;
      continue;
    }
    if (arguments.json) {
      all.push_back({{"id", phrasing.id},
                     {"article", phrasing.article},
                     {"lang", phrasing.language},
                     {"phrasing", phrasing.phrasing},
                     {"visits", phrasing.visits},
                     {"first_seen", stores::IsoUtc(phrasing.first_seen_ms)},
                     {"last_seen", stores::IsoUtc(phrasing.last_seen_ms)}});
    } else {
      std::cout << phrasing.id << '\t' << phrasing.article << '\t' << phrasing.language << '\t' << phrasing.visits
                << '\t' << stores::IsoUtc(phrasing.first_seen_ms) << '\t' << stores::IsoUtc(phrasing.last_seen_ms) << '\t'
                << phrasing.phrasing << '\n';
    }
  }
  if (arguments.json) std::cout << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (held_back > 0) {
    std::cerr << "helpdex learned: " << held_back
              << " phrasings of articles that are not public articles of the index are not shown\n";
  }
  return 0;
}

}  // namespace

CLI::App* AddLearnedCommand(CLI::App& app) {
  LearnedArguments& arguments = Arguments();
  CLI::App* learned = app.add_subcommand(
      "learned", "List the searches public articles learned from customers (as of the last `index --data`), or "
                 "remove one");
  learned->add_option("--data", arguments.data_dir, "Folder of the SQLite stores")->required()->envname("HELPDEX_DATA");
  learned->add_option("--index", arguments.index_dir, "Index directory")->required()->envname("HELPDEX_INDEX");
  learned->add_flag("--json", arguments.json, "Print one JSON array");
  learned->add_option("--remove", arguments.remove,
                      "Remove phrasing ID and never learn it again (takes effect at the next `index --data`)")
      ->check(CLI::PositiveNumber);
  return learned;
}

int RunLearnedCommand(CLI::App* learned) {
  const LearnedArguments& arguments = Arguments();
  Result<std::unique_ptr<stores::LearnedStore>> store = stores::LearnedStore::Open(arguments.data_dir);
  if (!store.ok()) return Fail("learned", store.error().ToString());
  if (learned->count("--remove") == 0) return ListLearned(**store);
  Result<bool> removed = (*store)->Remove(arguments.remove);
  if (!removed.ok()) return Fail("learned", removed.error().ToString());
  if (!*removed) {
    std::cerr << "helpdex learned: --remove: no learned phrasing " << arguments.remove << "\n";
    return 1;
  }
  std::cout << "removed phrasing " << arguments.remove
            << "; it will not be learned again. `helpdex index --data DIR` takes it out of the index\n";
  return 0;
}

int RunIndexWithLearning(indexer::IndexOptions options, const std::string& data_dir,
                         const std::function<int(const indexer::IndexOptions&)>& run_index) {
  auto before = LearnNow(data_dir, options.index_dir);
  if (!before.ok()) return Fail("index", "--data: " + before.error().ToString());
  if (*before) options.learned = std::move(**before);
  const int code = run_index(options);
  if (code == 2 || *before) return code;
  // The first build: learn against the articles it published.
  auto after = LearnNow(data_dir, options.index_dir);
  if (!after.ok()) return Fail("index", "--data: " + after.error().ToString());
  if (!*after || (*after)->empty()) return code;
  options.learned = std::move(**after);
  return std::max(code, run_index(options));
}

}  // namespace helpdex::cli

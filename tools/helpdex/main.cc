// The helpdex command line: one binary, a subcommand per task. Each
// subcommand parses its flags, calls one library function and prints.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "agent_command.h"
#include "learned_command.h"
#include "progress_line.h"
#include "records_command.h"
#include "helpdex/eval/eval.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/search/json.h"
#include "helpdex/search/searcher.h"
#include "helpdex/search/spelling.h"
#include "helpdex/server/server.h"

namespace {

// SIGINT and SIGTERM during `helpdex index`: the run stops between documents
// and removes its half-built generation (IndexOptions::cancel) instead of
// leaving it on disk until the next run.
class InterruptWatch {
 public:
  InterruptWatch() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);  // before BuildIndex starts threads
    thread_ = std::thread([this] {
      int received = 0;
      sigwait(&signals_, &received);
      if (finished_) return;
      std::cerr << "helpdex index: " << (received == SIGINT ? "SIGINT" : "SIGTERM")
                << ": stopping, removing the half-built generation\n";
      cancel_ = true;
    });
  }
  ~InterruptWatch() {
    finished_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }
  const std::atomic<bool>* cancel() const { return &cancel_; }

 private:
  sigset_t signals_;
  std::atomic<bool> cancel_ = false;
  std::atomic<bool> finished_ = false;
  std::thread thread_;
};

// --quiet: no progress line (set by main before RunIndex runs).
bool quiet = false;

int RunIndex(const helpdex::indexer::IndexOptions& given) {
  InterruptWatch interrupts;
  helpdex::indexer::IndexOptions options = given;
  options.cancel = interrupts.cancel();
  helpdex::cli::ProgressLine progress("Indexing", "documents", quiet);
  options.progress = progress.Callback();
  helpdex::Result<helpdex::indexer::IndexReport> report = helpdex::indexer::BuildIndex(options);
  progress.Finish();
  if (!report.ok()) {
    std::cerr << "helpdex index: " << report.error().ToString() << "\n";
    return 2;
  }
  for (const std::string& note : report->notes) std::cerr << "helpdex index: " << note << "\n";
  for (const helpdex::Error& error : report->errors) std::cerr << error.ToString() << "\n";
  // A sharded generation says how many shards it has; an unsharded one
  // prints the line as it always did.
  const std::string shards =
      report->shards > 0 ? std::to_string(report->shards) + (report->shards == 1 ? " shard, " : " shards, ") : "";
  std::printf(
      "generation %ld: %d analysed, %d unchanged, %d removed, %d failed; %d public and %d agent documents, "
      "%s%.1f MiB (%.2f s)\n",
      report->generation, report->indexed, report->reused, report->removed, report->failed,
      report->public_documents, report->agent_documents, shards.c_str(),
      static_cast<double>(report->generation_bytes) / (1024.0 * 1024.0), report->seconds);
  if (report->tickets_skipped > 0 || report->redactions.Total() > 0) {
    std::printf("tickets: %d not solved or closed, skipped; redacted", report->tickets_skipped);
    if (report->redactions.Total() == 0) std::printf(" nothing");
    const char* separator = " ";
    for (const auto& [kind, count] : report->redactions.by_kind) {
      std::printf("%s%d %s", separator, count, kind.c_str());
      separator = ", ";
    }
    std::printf("\n");
  }
  if (report->failed > 0) {
    std::fprintf(stderr, "helpdex index: %d file%s failed; every other file was indexed\n", report->failed,
                 report->failed == 1 ? "" : "s");
    return 1;
  }
  return 0;
}

// Snippets are HTML; a terminal wants plain text with the matches visible.
std::string SnippetForTerminal(std::string snippet) {
  const std::pair<const char*, const char*> replacements[] = {
      {"<mark>", "["}, {"</mark>", "]"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
      {"&amp;", "&"}};
  for (const auto& [from, to] : replacements) {
    for (size_t pos = snippet.find(from); pos != std::string::npos; pos = snippet.find(from, pos + 1)) {
      snippet.replace(pos, std::string_view(from).size(), to);
    }
  }
  return snippet;
}

int RunSearch(const std::string& index_dir, const std::string& lang, const std::string& ui, bool as_json, int size,
              const std::vector<std::string>& words) {
  // Spelling and the relevance floor read the Hunspell dictionaries: without
  // one, search would quietly answer worse, so say which package is missing.
  if (std::optional<helpdex::Error> missing = helpdex::search::CheckSpellingDictionaries()) {
    std::cerr << "helpdex search: " << missing->ToString() << "\n";
    return 2;
  }
  helpdex::search::SearchRequest request;
  for (const std::string& word : words) request.query += (request.query.empty() ? "" : " ") + word;
  if (!lang.empty()) {
    request.language = helpdex::ParseLanguage(lang);
    if (!request.language) {
      std::cerr << "helpdex search: --lang: unknown language '" << lang << "' (expected one of "
                << helpdex::SupportedLanguageList() << ")\n";
      return 2;
    }
  }
  if (!ui.empty()) {
    request.query_language = helpdex::ParseLanguage(ui);
    if (!request.query_language) {
      std::cerr << "helpdex search: --ui: unknown language '" << ui << "' (expected one of "
                << helpdex::SupportedLanguageList() << ")\n";
      return 2;
    }
  }
  request.page_size = size;
  request.with_facets = true;  // the exact total, and the facets in --json
  auto index = helpdex::search::Index::Open(index_dir, helpdex::search::Viewer::Public());
  if (!index.ok()) {
    std::cerr << "helpdex search: " << index.error().ToString() << "\n";
    return 2;
  }
  auto searcher = (*index)->AcquireSearcher();
  if (!searcher.ok()) {
    std::cerr << "helpdex search: " << searcher.error().ToString() << "\n";
    return 2;
  }
  auto response = (*searcher)->Search(request);
  if (!response.ok()) {
    std::cerr << "helpdex search: " << response.error().ToString() << "\n";
    return 2;
  }
  if (as_json) {
    std::cout << helpdex::search::SearchResponseToJson(*response, 2) << "\n";
    return 0;
  }
  std::cout << response->total << " result" << (response->total == 1 ? "" : "s") << " for \"" << response->query
            << "\"\n";
  if (response->did_you_mean) std::cout << "Did you mean: " << *response->did_you_mean << "\n";
  int rank = 1;
  for (const auto& result : response->results) {
    std::printf("\n%2d. %s  [%s, %.2f]\n    %s\n    %s\n", rank++, result.title.c_str(), result.lang.c_str(),
                result.score, result.url.c_str(), SnippetForTerminal(result.snippet).c_str());
  }
  return 0;
}

int RunServe(helpdex::server::ServerOptions options) {
  // Block the signals before any thread starts, then wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = helpdex::server::Server::Start(options);
  if (!server.ok()) {
    std::cerr << "helpdex serve: " << server.error().ToString() << "\n";
    return 2;
  }
  std::cout << "helpdex serving http://localhost:" << (*server)->port() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "helpdex serve: stopping\n";
  (*server)->Shutdown();
  return 0;
}

// Prints an evaluation's report (its notes to stderr, so that --json output
// stays one JSON object); 2 when it failed.
template <typename Report>
int PrintEvaluation(const helpdex::Result<Report>& report, bool as_json,
                    std::string (*to_json)(const Report&, int), std::string (*to_table)(const Report&)) {
  if (!report.ok()) {
    std::cerr << "helpdex eval: " << report.error().ToString() << "\n";
    return 2;
  }
  for (const std::string& note : report->notes) std::cerr << "helpdex eval: note: " << note << "\n";
  if (as_json) {
    std::cout << to_json(*report, 2) << "\n";
  } else {
    std::cout << to_table(*report);
  }
  return 0;
}

// `helpdex eval`: search quality beside SQLite FTS5.
int RunEval(const std::string& dataset_dir, bool as_json) {
  return PrintEvaluation(helpdex::eval::RunEvaluation({.dataset_dir = dataset_dir}), as_json,
                         &helpdex::eval::EvalReportToJson, &helpdex::eval::EvalReportToTable);
}

// `helpdex eval --suggest`: the as-you-type answer cards instead of search.
int RunSuggestEval(const std::string& dataset_dir, bool as_json) {
  helpdex::cli::ProgressLine progress("Replaying queries", "queries", quiet);
  helpdex::Result<helpdex::eval::SuggestReport> report =
      helpdex::eval::RunSuggestEvaluation({.dataset_dir = dataset_dir, .progress = progress.Callback()});
  progress.Finish();
  return PrintEvaluation(report, as_json, &helpdex::eval::SuggestReportToJson, &helpdex::eval::SuggestReportToTable);
}

// `helpdex eval --learn-from DIR2` / `--learn-share F`: search after learning
// from replayed customers' clicks, beside the same queries without learning.
int RunLearnEval(const helpdex::eval::LearnOptions& options, bool as_json) {
  return PrintEvaluation(helpdex::eval::RunLearnEvaluation(options), as_json, &helpdex::eval::EvalReportToJson,
                         &helpdex::eval::EvalReportToTable);
}

// `helpdex eval --gaps`: the gap report, on gaps made by removing documents.
int RunGapsEval(const helpdex::eval::GapsOptions& options, bool as_json) {
  return PrintEvaluation(helpdex::eval::RunGapsEvaluation(options), as_json, &helpdex::eval::GapsReportToJson,
                         &helpdex::eval::GapsReportToTable);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"helpdex: a knowledge base and self-service search engine for customer support"};
  app.require_subcommand(1);
  app.set_config("--config", "", "Read options from a TOML or INI file (flags win)");

  helpdex::indexer::IndexOptions index_options;
  CLI::App* index = app.add_subcommand("index", "Build or update an index from articles and documents");
  index->add_option("--content", index_options.content_dir, "Folder of Markdown articles (content/)")
      ->check(CLI::ExistingDirectory);
  index->add_option("--docs", index_options.docs_files,
                    "Documents in the evaluation format (JSON Lines, gzipped or not), as public articles")
      ->check(CLI::ExistingFile);
  index->add_option("--tickets", index_options.tickets_files,
                    "Resolved tickets (JSON Lines, CSV or a Zendesk JSON export), redacted into the agent index")
      ->check(CLI::ExistingFile);
  index->add_option("--index", index_options.index_dir, "Index directory to publish into")->required();
  index->add_flag("--full", index_options.full_rebuild, "Re-analyse every file, even unchanged ones");
  index->add_flag("--quiet", quiet,
                  "No progress line on stderr (there is none anyway when stderr is not a terminal)");
  index->add_option("--shards", index_options.shards,
                    "Spread the documents over N shards (INDEX/shards/K/{public,agent}, K = 1..N), each servable "
                    "by its own xapian-tcpsrv; without it the index is not sharded")
      ->check(CLI::Range(1, 1024));
  index->add_option("--flush-threshold", index_options.flush_threshold,
                    "Commit every N changed documents (smaller batches index faster; 0: Xapian's own 10,000)")
      ->capture_default_str()
      ->envname("XAPIAN_FLUSH_THRESHOLD");
  index->add_option("--threads", index_options.threads,
                    "Threads that analyse and write --docs documents (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  // For tests only (tests/README.md): HELPDEX_FAILPOINT=before_swap stops before publishing.
  std::string index_failpoint;
  index->add_option("--failpoint", index_failpoint, "")->envname("HELPDEX_FAILPOINT")->group("");
  std::string index_data;
  index->add_option("--data", index_data,
                    "Folder of the SQLite stores: learn from its events (searches that k visits made before an "
                    "article answered them) and add them to public articles")
      ->envname("HELPDEX_DATA");

  // `helpdex publish`: a sharded generation copied from the indexing machine
  // (tools/replicate pull), published like `helpdex index` publishes.
  std::string publish_index;
  long publish_generation = 0;
  int publish_keep = 3;
  CLI::App* publish = app.add_subcommand(
      "publish", "Publish a sharded generation copied into INDEX/gen-N from another machine (tools/replicate)");
  publish->add_option("--index", publish_index, "Index directory holding the copied gen-N")->required();
  publish->add_option("--generation", publish_generation, "The generation N to publish")
      ->required()
      ->check(CLI::Range(1L, 999999L));
  publish->add_option("--keep", publish_keep, "Generations kept (the newest; at least 2)")->capture_default_str();

  std::string search_index;
  std::string search_lang;
  std::string search_ui;
  bool search_json = false;
  int search_size = 10;
  std::vector<std::string> search_words;
  CLI::App* search = app.add_subcommand("search", "Search the public index");
  search->add_option("--index", search_index, "Index directory")->required();
  search->add_option("--lang", search_lang, "Language of the query and of the results (en nb tr cs ru el)");
  search->add_option("--ui", search_ui,
                     "The page's language, as ui= on /api/search: the analysis and a preference, not a filter");
  search->add_flag("--json", search_json, "Print the same JSON object as /api/search");
  search->add_option("--size", search_size, "Results to show")->check(CLI::Range(1, 50));
  search->add_option("query", search_words, "The query")->required();

  helpdex::server::ServerOptions serve_options;
  CLI::App* serve = app.add_subcommand("serve", "Serve the help centre over HTTP");
  serve->add_option("--index", serve_options.index_dir, "Index directory")->required()->envname("HELPDEX_INDEX");
  serve->add_option("--data", serve_options.data_dir, "Folder for the SQLite stores")->required()->envname(
      "HELPDEX_DATA");
  serve->add_option("--port", serve_options.port, "TCP port (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->envname("HELPDEX_PORT");
  serve->add_option("--address", serve_options.address, "Address to listen on")->envname("HELPDEX_ADDRESS");
  serve->add_option("--threads", serve_options.threads, "Worker threads")->check(CLI::Range(1, 64));
  serve->add_option("--max-connections", serve_options.max_connections,
                    "Open client connections at most; the oldest idle one is closed to make room "
                    "(0: the open-files limit less a reserve)")
      ->envname("HELPDEX_MAX_CONNECTIONS");
  serve->add_option("--response-cache", serve_options.response_cache,
                    "Recent search and suggestion responses kept in memory per kind (0: off)")
      ->envname("HELPDEX_RESPONSE_CACHE");
  serve->add_option("--base-url", serve_options.base_url,
                    "Where the public site is reached (https://help.example.com): absolute URLs in "
                    "/sitemap.xml and robots.txt; without it there is no sitemap")
      ->envname("HELPDEX_BASE_URL");
  serve->add_flag("--secure-cookies", serve_options.secure_cookies,
                  "Mark the agent session cookie Secure (behind an HTTPS proxy that does not send X-Forwarded-Proto)")
      ->envname("HELPDEX_SECURE_COOKIES");
  serve->add_option("--templates", serve_options.templates_dir, "Templates folder (default: the source tree's)")
      ->envname("HELPDEX_TEMPLATES");
  int keep_events_days = 90;
  int drain_seconds = 10;
  serve->add_option("--drain-seconds", drain_seconds,
                    "On SIGTERM/SIGINT, wait at most this long for the requests in flight")
      ->check(CLI::Range(0, 300))
      ->capture_default_str();
  // For tests only (tests/README.md): HELPDEX_FAILPOINT=hold_request.
  std::string serve_failpoint;
  serve->add_option("--failpoint", serve_failpoint, "")->envname("HELPDEX_FAILPOINT")->group("");
  serve->add_option("--keep-events-days", keep_events_days,
                    "Delete raw events (searches, clicks, feedback) older than this many days (90); "
                    "the answered-search aggregate stays")
      ->check(CLI::Range(1, 3650))
      ->envname("HELPDEX_KEEP_EVENTS_DAYS");
  serve->add_option("--trusted-proxy", serve_options.trusted_proxies,
                    "Address of a reverse proxy whose X-Forwarded-For names the client (repeatable); the "
                    "per-client limits (sign-in, analytics) then use that address")
      ->envname("HELPDEX_TRUSTED_PROXY");
  uint64_t events_max_mb = 0;
  serve->add_option("--events-max-mb", events_max_mb,
                    "The most events.db may grow to, in MiB (0: no bound but the disk); beyond it events are "
                    "counted as failed (/metrics) and logged, and search goes on")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 30))
      ->envname("HELPDEX_EVENTS_MAX_MB");
  // Forwarding of new contact messages (README "Forwarding messages").
  std::string forward_command;
  serve->add_option("--forward-command", forward_command,
                    "Run this command for each new contact message, the message as an e-mail on its stdin "
                    "(sendmail -t compatible, e.g. '/usr/sbin/sendmail -t -i'); split into words like a "
                    "shell ('...' and \"...\" quote), run without a shell")
      ->envname("HELPDEX_FORWARD_COMMAND");
  serve->add_option("--forward-to", serve_options.forward.to, "The To: address of the forwarded e-mail")
      ->envname("HELPDEX_FORWARD_TO");
  serve->add_option("--forward-from", serve_options.forward.from, "The From: of the forwarded e-mail")
      ->capture_default_str()
      ->envname("HELPDEX_FORWARD_FROM");
  serve->add_option("--forward-webhook", serve_options.forward.webhook,
                    "POST each new contact message as a JSON object to this http(s) URL")
      ->envname("HELPDEX_FORWARD_WEBHOOK");
  serve->add_option("--forward-attempts", serve_options.forward.max_attempts,
                    "Attempts per message before it is marked failed (waits 30 s, then twice as long each time)")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));

  std::string eval_dataset;
  bool eval_json = false;
  bool eval_suggest = false;
  CLI::App* eval = app.add_subcommand("eval", "Measure search quality on a judged data set, beside SQLite FTS5");
  eval->add_option("--dataset", eval_dataset, "Folder with docs.jsonl.gz, queries.jsonl.gz and qrels.tsv")
      ->required();
  eval->add_flag("--json", eval_json, "Print one JSON object");
  eval->add_flag("--quiet", quiet,
                 "No progress line on stderr (there is none anyway when stderr is not a terminal)");
  eval->add_flag("--suggest", eval_suggest,
                 "Measure the as-you-type answer cards instead: replay each query one character at a time");
  bool eval_gaps = false;
  helpdex::eval::GapsOptions gaps_options;
  eval->add_flag("--gaps", eval_gaps,
                 "Measure the gap report instead: remove some documents, replay the queries, score the groups");
  eval->add_option("--remove", gaps_options.remove,
                   "With --gaps: share of the documents the queries point to that is removed, in (0, 1)")
      ->capture_default_str();
  eval->add_option("--seed", gaps_options.seed, "With --gaps: seed of the random choice of removed documents")
      ->capture_default_str();

  helpdex::eval::LearnOptions learn_options;
  eval->add_option("--learn-from", learn_options.learn_from_dir,
                   "Replay this data set's judged queries as customers who search and click (3 visits each), "
                   "learn from them, then score --dataset with what was learned")
      ->check(CLI::ExistingDirectory);
  eval->add_option("--learn-share", learn_options.learn_share,
                   "Learn from this share of --dataset's own queries (by a hash of the id), score the others "
                   "with and without learning");

  CLI::App* agent = helpdex::cli::AddAgentCommand(app);
  CLI::App* learned = helpdex::cli::AddLearnedCommand(app);
  helpdex::cli::AddRecordsCommands(app);

  CLI11_PARSE(app, argc, argv);

  if (index->parsed()) {
    if (index_options.content_dir.empty() && index_options.docs_files.empty() &&
        index_options.tickets_files.empty()) {
      std::cerr << "helpdex index: give --content DIR, --tickets FILE and/or --docs FILE\n";
      return 2;
    }
    if (!index_failpoint.empty()) index_options.failpoints.insert(index_failpoint);
    if (!index_data.empty()) return helpdex::cli::RunIndexWithLearning(index_options, index_data, RunIndex);
    return RunIndex(index_options);
  }
  if (publish->parsed()) {
    helpdex::Result<long> published =
        helpdex::indexer::PublishCopiedGeneration(publish_index, publish_generation, publish_keep);
    if (!published.ok()) {
      std::cerr << "helpdex publish: " << published.error().ToString() << "\n";
      return 2;
    }
    std::cout << "published generation " << *published << " of " << publish_index << "\n";
    return 0;
  }
  if (search->parsed()) return RunSearch(search_index, search_lang, search_ui, search_json, search_size, search_words);
  if (serve->parsed()) {
    serve_options.events.keep_events = std::chrono::hours(24 * keep_events_days);
    serve_options.events.max_file_bytes = events_max_mb * 1024 * 1024;
    serve_options.drain_timeout = std::chrono::seconds(drain_seconds);
    if (!serve_failpoint.empty()) serve_options.failpoints.insert(serve_failpoint);
    if (!forward_command.empty()) {
      helpdex::Result<std::vector<std::string>> argv = helpdex::stores::SplitCommand(forward_command);
      if (!argv.ok()) {
        std::cerr << "helpdex serve: " << argv.error().ToString() << "\n";
        return 2;
      }
      serve_options.forward.command = std::move(*argv);
    }
    return RunServe(serve_options);
  }
  if (eval->parsed()) {
    if (eval_gaps && eval_suggest) {
      std::cerr << "helpdex eval: --gaps and --suggest are different evaluations: give one of them\n";
      return 2;
    }
    if (!eval_gaps && (eval->count("--remove") > 0 || eval->count("--seed") > 0)) {
      std::cerr << "helpdex eval: --remove and --seed only apply with --gaps\n";
      return 2;
    }
    const bool learning = eval->count("--learn-from") > 0 || eval->count("--learn-share") > 0;
    if (learning && (eval_gaps || eval_suggest)) {
      std::cerr << "helpdex eval: --learn-from and --learn-share measure search; not with --gaps or --suggest\n";
      return 2;
    }
    if (learning) {
      learn_options.dataset_dir = eval_dataset;
      return RunLearnEval(learn_options, eval_json);
    }
    if (eval_gaps) {
      gaps_options.dataset_dir = eval_dataset;
      return RunGapsEval(gaps_options, eval_json);
    }
    return eval_suggest ? RunSuggestEval(eval_dataset, eval_json) : RunEval(eval_dataset, eval_json);
  }
  if (agent->parsed()) return helpdex::cli::RunAgentCommand(agent);
  if (learned->parsed()) return helpdex::cli::RunLearnedCommand(learned);
  if (int code = helpdex::cli::RunRecordsCommands(); code >= 0) return code;
  return 0;
}

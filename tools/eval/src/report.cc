// The two renderings of an EvalReport: the JSON object of design.md and a
// table for people, helpdex beside its peers.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "helpdex/eval/eval.h"

namespace helpdex::eval {
namespace {

using nlohmann::ordered_json;

// Metrics are means over at most a few thousand queries: four decimals carry
// all the signal and keep reports diffable.
double Rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

ordered_json MetricsJson(const MetricMeans& means) {
  return {{"ndcg@10", Rounded(means.ndcg_at_10, 4)},
          {"mrr@10", Rounded(means.mrr_at_10, 4)},
          {"recall@100", Rounded(means.recall_at_100, 4)}};
}

ordered_json ByLanguageJson(const std::map<std::string, MetricMeans>& by_language) {
  ordered_json languages = ordered_json::object();
  for (const auto& [lang, means] : by_language) {
    ordered_json entry = {{"queries", means.queries}};
    entry.update(MetricsJson(means));
    languages[lang] = std::move(entry);
  }
  return languages;
}

ordered_json LatencyJson(const EngineReport& engine) {
  return {{"p50", Rounded(engine.latency_p50_ms, 3)}, {"p99", Rounded(engine.latency_p99_ms, 3)}};
}

ordered_json PeerJson(const EngineReport& peer) {
  return {{"metrics", MetricsJson(peer.overall)},
          {"by_language", ByLanguageJson(peer.by_language)},
          {"index_seconds", Rounded(peer.index_seconds, 3)},
          {"latency_ms", LatencyJson(peer)}};
}

template <typename... Args>
std::string Format(const char* format, Args... args) {
  char line[256];
  std::snprintf(line, sizeof line, format, args...);
  return line;
}

std::vector<const EngineReport*> Engines(const EvalReport& report) {
  std::vector<const EngineReport*> engines = {&report.helpdex};
  for (const EngineReport& peer : report.peers) engines.push_back(&peer);
  return engines;
}

// Columns: language (10), queries (8), then per metric two spaces and one
// 12-character column per engine.
std::string MetricsHeader(const std::vector<const EngineReport*>& engines) {
  const int group_width = static_cast<int>(engines.size()) * 12;
  std::string groups = Format("%-18s", "");
  std::string names = Format("%-10s%8s", "", "queries");
  for (const char* metric : {"nDCG@10", "MRR@10", "Recall@100"}) {
    groups += Format("   %-*s", group_width - 1, metric);
    names += "  ";
    for (const EngineReport* engine : engines) names += Format(" %11s", engine->name.c_str());
  }
  while (groups.back() == ' ') groups.pop_back();
  return groups + "\n" + names + "\n";
}

std::string MetricsRow(const std::string& label, const std::vector<const MetricMeans*>& means) {
  std::string row = Format("%-10s%8d", label.c_str(), means.front()->queries);
  for (double MetricMeans::*metric : {&MetricMeans::ndcg_at_10, &MetricMeans::mrr_at_10, &MetricMeans::recall_at_100}) {
    row += "  ";
    for (const MetricMeans* engine_means : means) row += Format(" %11.4f", engine_means->*metric);
  }
  return row + "\n";
}

std::string MetricsTable(const EvalReport& report) {
  const std::vector<const EngineReport*> engines = Engines(report);
  std::vector<const MetricMeans*> overall;
  for (const EngineReport* engine : engines) overall.push_back(&engine->overall);
  std::string table = MetricsHeader(engines) + MetricsRow("all", overall);
  static const MetricMeans kNone;
  for (const auto& [lang, helpdex_means] : report.helpdex.by_language) {
    std::vector<const MetricMeans*> row;
    for (const EngineReport* engine : engines) {
      auto found = engine->by_language.find(lang);
      row.push_back(found == engine->by_language.end() ? &kNone : &found->second);
    }
    table += MetricsRow("  " + lang, row);
  }
  return table;
}

std::string CostRow(const char* label, const std::vector<const EngineReport*>& engines,
                    double EngineReport::*field) {
  std::string row = Format("%-18s", label);
  for (const EngineReport* engine : engines) row += Format(" %11.3f", engine->*field);
  return row + "\n";
}

std::string CostTable(const EvalReport& report) {
  const std::vector<const EngineReport*> engines = Engines(report);
  std::string table = Format("%-18s", "");
  for (const EngineReport* engine : engines) table += Format(" %11s", engine->name.c_str());
  table += "\n";
  table += CostRow("index time (s)", engines, &EngineReport::index_seconds);
  table += CostRow("latency p50 (ms)", engines, &EngineReport::latency_p50_ms);
  table += CostRow("latency p99 (ms)", engines, &EngineReport::latency_p99_ms);
  return table;
}

ordered_json SuggestMeansJson(const SuggestMeans& means) {
  return {{"answered_at_half", Rounded(means.answered_at_half, 4)},
          {"answered_at_end", Rounded(means.answered_at_end, 4)},
          {"mean_typed_fraction", Rounded(means.mean_typed_fraction, 4)}};
}

std::string GapsRow(const std::string& label, const GapsLanguageFigures& figures) {
  return Format("%-10s%22d %10.4f\n", label.c_str(), figures.queries_about_removed, figures.recall);
}

std::string SuggestRow(const std::string& label, const SuggestMeans& means) {
  return Format("%-10s%8d %15.4f %15.4f %15.4f\n", label.c_str(), means.queries, means.answered_at_half,
                means.answered_at_end, means.mean_typed_fraction);
}

}  // namespace

std::string SuggestReportToJson(const SuggestReport& report, int indent) {
  ordered_json languages = ordered_json::object();
  for (const auto& [lang, means] : report.by_language) {
    ordered_json entry = {{"queries", means.queries}};
    entry.update(SuggestMeansJson(means));
    languages[lang] = std::move(entry);
  }
  ordered_json object = {{"dataset", report.dataset}, {"queries", report.queries}};
  object.update(SuggestMeansJson(report.overall));
  object["by_language"] = std::move(languages);
  object["index_seconds"] = Rounded(report.index_seconds, 3);
  object["latency_ms"] = {{"p50", Rounded(report.latency_p50_ms, 3)}, {"p99", Rounded(report.latency_p99_ms, 3)}};
  return object.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

std::string SuggestReportToTable(const SuggestReport& report) {
  std::string table = report.dataset + ": " + std::to_string(report.documents) + " documents, " +
                      std::to_string(report.queries) + " judged queries typed one character at a time (" +
                      std::to_string(report.suggest_calls) + " Suggest calls)\n";
  table += "answered: a relevant document among the first " + std::to_string(kSuggestAnswerDepth) +
           " answer cards; typed fraction: how much of the query was typed when it showed for good\n\n";
  table += Format("%-10s%8s %15s %15s %15s\n", "", "queries", "answered@half", "answered@end", "typed fraction");
  table += SuggestRow("all", report.overall);
  for (const auto& [lang, means] : report.by_language) table += SuggestRow("  " + lang, means);
  table += "\n";
  table += Format("%-26s %11.3f\n", "index time (s)", report.index_seconds);
  table += Format("%-26s %11.3f\n", "Suggest latency p50 (ms)", report.latency_p50_ms);
  table += Format("%-26s %11.3f\n", "Suggest latency p99 (ms)", report.latency_p99_ms);
  return table;
}

std::string EvalReportToJson(const EvalReport& report, int indent) {
  ordered_json peers = ordered_json::object();
  for (const EngineReport& peer : report.peers) peers[peer.name] = PeerJson(peer);
  ordered_json object = {
      {"dataset", report.dataset},
      {"documents", report.documents},
      {"queries", report.queries},
      {"metrics", MetricsJson(report.helpdex.overall)},
      {"by_language", ByLanguageJson(report.helpdex.by_language)},
      {"index_seconds", Rounded(report.helpdex.index_seconds, 3)},
      {"latency_ms", LatencyJson(report.helpdex)},
      {"peers", peers},
      {"skipped_queries",
       {{"unsupported_language", report.skipped_unsupported_language},
        {"without_relevant", report.skipped_without_relevant}}},
      {"notes", report.notes},
  };
  if (report.learned >= 0) {
    object["learned"] = report.learned;
    object["learned_articles"] = report.learned_articles;
    object["learned_from"] = report.learned_from;
    object["learned_from_queries"] = report.learned_from_queries;
  }
  if (report.without_learning) {
    object["without_learning"] = {{"metrics", MetricsJson(report.without_learning->overall)},
                                  {"by_language", ByLanguageJson(report.without_learning->by_language)}};
  }
  return object.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

std::string EvalReportToTable(const EvalReport& report) {
  std::string table = report.dataset + ": " + std::to_string(report.documents) + " documents, " +
                      std::to_string(report.queries) + " judged queries";
  if (report.skipped_without_relevant + report.skipped_unsupported_language > 0) {
    table += " (skipped: " + std::to_string(report.skipped_without_relevant) + " without a relevant document, " +
             std::to_string(report.skipped_unsupported_language) + " in an unsupported language)";
  }
  table += "\nlatency: per query, fetching its top " + std::to_string(kRecallDepth) +
           " results (helpdex's come with snippets and facets)\n\n";
  std::string learning;
  if (report.learned >= 0) {
    learning = "learned " + std::to_string(report.learned) + " phrasings for " +
               std::to_string(report.learned_articles) + " articles from " +
               std::to_string(report.learned_from_queries) + " queries of " + report.learned_from + " (" +
               std::to_string(kLearnVisitsPerQuery) + " visits each); scored on the other queries\n\n";
  }
  if (report.without_learning) {
    EvalReport without = report;
    without.helpdex = *report.without_learning;
    without.helpdex.name = "helpdex";
    without.peers.clear();
    learning += "without learning:\n" + MetricsTable(without) + "\nwith learning:\n";
  }
  return table + learning + MetricsTable(report) + "\n" + CostTable(report);
}

std::string GapsReportToJson(const GapsReport& report, int indent) {
  ordered_json languages = ordered_json::object();
  for (const auto& [lang, figures] : report.by_language) {
    languages[lang] = {{"queries_about_removed", figures.queries_about_removed},
                       {"recall", Rounded(figures.recall, 4)}};
  }
  const ordered_json object = {
      {"precision@20", Rounded(report.precision_at_20, 4)},
      {"recall", Rounded(report.recall, 4)},
      {"dataset", report.dataset},
      {"documents", report.documents},
      {"removed", report.documents_removed},
      {"queries", report.queries},
      {"queries_about_removed", report.queries_about_removed},
      {"groups", report.groups},
      {"cards_when_removed", Rounded(report.cards_when_removed, 4)},
      {"results_when_removed", Rounded(report.results_when_removed, 4)},
      {"by_language", std::move(languages)},
      {"seed", report.seed},
      {"remove", report.remove},
      {"seconds", Rounded(report.seconds, 3)},
  };
  return object.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

std::string GapsReportToTable(const GapsReport& report) {
  std::string table = report.dataset + ": " + std::to_string(report.documents) + " documents, " +
                      std::to_string(report.documents_removed) + " removed (" + Format("%g", report.remove) +
                      " of those the queries point to, seed " + std::to_string(report.seed) + "); " +
                      std::to_string(report.queries) + " judged queries replayed by " +
                      std::to_string(kGapVisitsPerQuery) + " visits each\n";
  table += "about removed: every relevant document of the query was removed\n\n";
  table += Format("%-32s %10.4f\n", "precision@20", report.precision_at_20);
  table += Format("%-32s %10d\n", "groups in the report", report.groups);
  table += Format("%-32s %10.4f\n", "recall", report.recall);
  table += Format("%-32s %10.4f\n", "about removed, with a card", report.cards_when_removed);
  table += Format("%-32s %10.4f\n\n", "about removed, with results", report.results_when_removed);
  table += Format("%-10s%22s %10s\n", "", "about removed", "recall");
  table += GapsRow("all", {report.queries_about_removed, report.recall});
  for (const auto& [lang, figures] : report.by_language) table += GapsRow("  " + lang, figures);
  table += "\n";
  table += Format("%-32s %10.3f\n", "index time (s)", report.index_seconds);
  table += Format("%-32s %10.3f\n", "whole run (s)", report.seconds);
  return table;
}

}  // namespace helpdex::eval

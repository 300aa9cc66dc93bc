// The gap report's search part (gaps.h): intents from events, outcomes,
// zero causes, groups by what is asked, ranking.
#include "helpdex/analytics/gaps.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <set>
#include <unordered_map>

#include "helpdex/search/analysis.h"
#include "helpdex/search/closeness.h"
#include "helpdex/search/query_groups.h"
#include "gaps_parts.h"

namespace helpdex::analytics {
namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;
constexpr size_t kExamples = 5;
// A visit that searched and opened nothing is a weaker signal than one that
// then wrote to support: it may have read the snippet, or given up.
constexpr double kNotOpenedWeight = 0.3;
constexpr double kNoResultsWeight = 0.5;

// One thing a customer looked for: a search, or answers shown while typing
// that no search of the same question followed.
struct Intent {
  const Event* event = nullptr;
  std::optional<Language> language;  // the page's
  std::optional<Language> analysed;  // the one its words were analysed in (detected when the page had none)
  std::vector<std::string> terms;
  bool opened = false;
  bool contacted = false;
  std::optional<ZeroCause> zero;
};

bool IsOpening(EventType type) {
  return type == EventType::kSuggestOpened || type == EventType::kResultClicked || type == EventType::kAnswered;
}

// One intent per visit and wording: a visit repeating a search (a reload, a
// bot) is one search; this is also what bounds the work on a flood.
std::vector<Intent> CollectIntents(const std::vector<StoredEvent>& events) {
  std::vector<Intent> intents;
  std::set<std::string> seen;
  for (const StoredEvent& stored : events) {
    const Event& event = stored.event;
    if (event.type != EventType::kSearch && event.type != EventType::kSuggestShown) continue;
    const std::string folded = search::CollapseWhitespace(search::NormalizeText(event.query));
    if (folded.empty()) continue;
    const std::string key = event.visit + '\t' + EventTypeName(event.type).data() + '\t' + event.filters + '\t' + folded;
    if (!seen.insert(key).second) continue;
    Intent intent;
    intent.event = &event;
    intent.language = ParseLanguage(event.language);
    intent.analysed = intent.language ? intent.language : search::DetectLanguage(event.query);
    intent.terms = search::IntentTerms(event.query, intent.analysed);
    if (intent.terms.empty()) continue;
    intents.push_back(std::move(intent));
  }
  return intents;
}

// What happened after each intent in the same visit: an article opened (by
// the same question or from what it showed), a message to support.
void ReadOutcomes(std::vector<Intent>& intents, const std::vector<StoredEvent>& events, const GapOptions& options) {
  std::unordered_map<std::string, std::vector<const Event*>> by_visit;
  for (const StoredEvent& stored : events) by_visit[stored.event.visit].push_back(&stored.event);
  const int64_t window = std::chrono::duration_cast<std::chrono::milliseconds>(options.outcome_window).count();
  std::unordered_map<const Event*, std::vector<std::string>> terms_of;  // each opening's query, analysed once
  for (Intent& intent : intents) {
    const Event& asked = *intent.event;
    for (const Event* later : by_visit[asked.visit]) {
      if (later->at_ms < asked.at_ms || later->at_ms - asked.at_ms > window || later == &asked) continue;
      if (IsOpening(later->type)) {
        const bool shown = std::find(asked.shown.begin(), asked.shown.end(), later->article) != asked.shown.end();
        auto [cached, fresh] = terms_of.try_emplace(later);
        if (fresh) cached->second = search::IntentTerms(later->query, intent.language);
        const bool same = search::SameIntent(intent.terms, cached->second);
        intent.opened = intent.opened || shown || same;
      } else if (later->type == EventType::kContactSubmitted) {
        intent.contacted = true;
      }
    }
  }
}

// Answers shown while typing, followed by a search of the same question in
// the same visit, are that search: counted once, as the search.
using VisitIndex = std::unordered_map<std::string, std::vector<size_t>>;

VisitIndex IndexByVisit(const std::vector<Intent>& intents) {
  VisitIndex index;
  for (size_t i = 0; i < intents.size(); ++i) index[intents[i].event->visit].push_back(i);
  return index;
}

void DropTypingBeforeSearches(std::vector<Intent>& intents, const GapOptions& options) {
  const int64_t window = std::chrono::duration_cast<std::chrono::milliseconds>(options.outcome_window).count();
  std::vector<bool> drop(intents.size(), false);
  VisitIndex by_visit = IndexByVisit(intents);
  for (size_t i = 0; i < intents.size(); ++i) {
    if (intents[i].event->type != EventType::kSuggestShown) continue;
    for (size_t j : by_visit[intents[i].event->visit]) {
      const Event& later = *intents[j].event;
      if (later.type == EventType::kSearch && later.visit == intents[i].event->visit &&
          later.at_ms >= intents[i].event->at_ms && later.at_ms - intents[i].event->at_ms <= window &&
          search::SameIntent(intents[i].terms, intents[j].terms)) {
        drop[i] = true;
        break;
      }
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < intents.size(); ++i) {
    if (drop[i]) continue;
    if (kept != i) intents[kept] = std::move(intents[i]);  // never a self-move, which empties a vector
    ++kept;
  }
  intents.resize(kept);
}

bool FoundSomething(const Event& event) {
  return event.type == EventType::kSearch ? event.results > 0 : !event.shown.empty();
}

// Why a search found nothing; nullopt when it found something.
// What today's index finds for a query, without filters, in any language:
// one search per distinct wording and language.
class ExistsCache {
 public:
  explicit ExistsCache(search::Searcher& searcher) : searcher_(searcher) {}
  // nullopt: nothing; true: something in `language`; false: only in others.
  std::optional<bool> Find(const std::string& query, std::optional<Language> language) {
    const std::string key = std::string(language ? LanguageCode(*language) : "") + '\t' + query;
    auto [found, fresh] = cache_.try_emplace(key);
    if (fresh) {
      search::SearchRequest request{.query = query, .query_language = language, .page_size = 10};
      Result<search::SearchResponse> response = searcher_.Search(request);
      if (response.ok() && !response->results.empty()) {
        found->second = std::any_of(response->results.begin(), response->results.end(),
                                    [](const search::SearchResult& result) { return !result.other_language; });
      }
    }
    return found->second;
  }

 private:
  search::Searcher& searcher_;
  std::unordered_map<std::string, std::optional<bool>> cache_;
};

std::optional<ZeroCause> ClassifyZero(const Intent& intent, const std::vector<Intent>& intents,
                                      const std::vector<size_t>& same_visit, ExistsCache& exists,
                                      const GapOptions& options) {
  const Event& asked = *intent.event;
  if (FoundSomething(asked)) return std::nullopt;
  const int64_t window = std::chrono::duration_cast<std::chrono::milliseconds>(options.typo_window).count();
  const std::string folded = search::NormalizeText(asked.query);
  for (size_t index : same_visit) {
    const Intent& other = intents[index];
    const Event& later = *other.event;
    if (later.visit != asked.visit || later.at_ms < asked.at_ms || later.at_ms - asked.at_ms > window ||
        &later == &asked || !FoundSomething(later)) {
      continue;
    }
    if (search::SameIntent(intent.terms, other.terms) ||
        search::EditDistance(folded, search::NormalizeText(later.query), 2) <= 2) {
      return ZeroCause::kCorrectedTypo;
    }
  }
  // The same query without filters and in any language: what exists today.
  std::optional<bool> in_language = exists.Find(asked.query, intent.language);
  if (!in_language) return ZeroCause::kContentGap;
  if (!asked.filters.empty()) return ZeroCause::kFilter;
  return *in_language ? ZeroCause::kContentGap : ZeroCause::kOtherLanguage;
}

// Searches asking the same question: the same content words up to word
// order, inflection and one typo (search::SameIntent).
struct Question {
  std::vector<std::string> terms;  // of the first member
  std::optional<Language> language;  // the language its words were analysed in
  std::vector<const Intent*> members;
};

std::vector<Question> GroupByQuestion(const std::vector<const Intent*>& failing) {
  std::vector<Question> questions;
  for (const Intent* intent : failing) {
    auto found = std::find_if(questions.begin(), questions.end(), [&](const Question& question) {
      return search::SameIntent(question.terms, intent->terms);
    });
    if (found == questions.end()) {
      questions.push_back(Question{intent->terms, intent->analysed, {intent}});
    } else {
      found->members.push_back(intent);
    }
  }
  return questions;
}

// Questions on one topic are joined when the words they share carry most of
// the weight of the shorter one and a good part of the longer one's, each
// word weighted by its rarity (inverse document frequency) among the public
// articles of its language (TopicWeights). The measure is the
// weighted overlap over the smaller set that the ticket topics use for tags
// (gaps_tickets.cc, kTagSimilarity), with a second bound against chaining:
// - kShareOfSmaller > 0.5: one of two equally rare words is not a topic
//   ("reset password" / "password expired" stay apart), two of three are
//   ("how to host a minecraft server" / "run my own minecraft server": 0.67
//   even when every word weighs the same).
// - kShareOfLarger: a one-word question ("server") is contained in every
//   question with that word, and would chain unrelated topics together
//   through it; it joins only when its word holds at least this share of the
//   longer question too. 0.4 lies below the 0.5 that equal weights give a
//   two-word question inside a four-word one ("minecraft server" / "minecraft
//   server hosting plan": 0.61 with the weights of tests/server/gaps_test.cc)
//   and above the 0.23 that "server", used by many of a hosting help
//   centre's articles, holds of "minecraft server".
constexpr double kShareOfSmaller = 0.6;
constexpr double kShareOfLarger = 0.4;

using LanguageKey = std::optional<Language>;

// Inverse document frequency of each question word among the public
// articles of its language: a word the help centre's articles seldom use
// ("minecraft") says what a topic is about, a word most of them use
// ("server" in a hosting help centre) does not. The failing searches are not
// counted: every search of a topic has the topic's word, which would make
// the word that defines a topic the commonest of all (measured on the five
// Minecraft wordings: counted with the searches, "minecraft" weighed less
// than "run", and "run my own minecraft server" stayed out of its topic).
// A language without articles weighs every word the same.
class TopicWeights {
 public:
  explicit TopicWeights(const search::ArticleTerms& articles) : articles_(articles) {}

  double Weight(const LanguageKey& language, const std::string& term) const {
    if (!language) return search::InverseDocumentFrequency(0, 0);
    return search::InverseDocumentFrequency(articles_.Articles(*language), articles_.ArticlesWith(*language, term));
  }

  double Weight(const LanguageKey& language, const std::vector<std::string>& terms) const {
    double sum = 0;
    for (const std::string& term : terms) sum += Weight(language, term);
    return sum;
  }

  // The weight of the words `a` and `b` (sorted, from IntentTerms) share.
  double Shared(const LanguageKey& language, const std::vector<std::string>& a,
                const std::vector<std::string>& b) const {
    double sum = 0;
    for (const std::string& term : a) {
      if (std::binary_search(b.begin(), b.end(), term)) sum += Weight(language, term);
    }
    return sum;
  }

 private:
  const search::ArticleTerms& articles_;
};

bool SameTopic(const Question& a, const Question& b, const TopicWeights& weights) {
  if (a.language != b.language) return false;
  const double shared = weights.Shared(a.language, a.terms, b.terms);
  if (shared <= 0) return false;
  const double wa = weights.Weight(a.language, a.terms);
  const double wb = weights.Weight(b.language, b.terms);
  return shared >= kShareOfSmaller * std::min(wa, wb) && shared >= kShareOfLarger * std::max(wa, wb);
}


// Topics: questions joined (union-find) by SameTopic, in the order their
// first question came. Only questions sharing a word are compared.
std::vector<std::vector<const Question*>> GroupByTopic(const std::vector<Question>& questions,
                                                       const TopicWeights& weights) {
  std::map<std::pair<LanguageKey, std::string>, std::vector<size_t>> with_term;
  for (size_t i = 0; i < questions.size(); ++i) {
    for (const std::string& term : questions[i].terms) with_term[{questions[i].language, term}].push_back(i);
  }
  UnionFind sets(questions.size());
  std::vector<size_t> compared(questions.size(), SIZE_MAX);  // the last i each j was compared with
  for (size_t i = 0; i < questions.size(); ++i) {
    for (const std::string& term : questions[i].terms) {
      for (size_t j : with_term[{questions[i].language, term}]) {
        if (j <= i || compared[j] == i) continue;
        compared[j] = i;
        if (sets.Find(i) != sets.Find(j) && SameTopic(questions[i], questions[j], weights)) sets.Join(i, j);
      }
    }
  }
  std::vector<std::vector<const Question*>> topics;
  std::unordered_map<size_t, size_t> topic_of_root;
  for (size_t i = 0; i < questions.size(); ++i) {
    auto [found, fresh] = topic_of_root.try_emplace(sets.Find(i), topics.size());
    if (fresh) topics.emplace_back();
    topics[found->second].push_back(&questions[i]);
  }
  return topics;
}

// An article is named as the nearest only when it holds more than half of
// the topic's weight, with a margin: the content words of the topic's
// searches, each weighted by the share of its searches that use it and by
// its rarity among the articles of the language (search::ArticleTerms). An
// article holding only the common one of two words ("domain" of "domain
// transfer") holds well under half, so an unrelated article that merely
// shares a word is not named.
constexpr double kNearestShare = 0.6;

struct Wording {
  std::string text;
  std::vector<std::string> terms;
  int count = 0;        // searches (one per visit and wording)
  double typical = 0;   // how much of the rest of the topic it says, see Summarize
};

SearchGap Summarize(const std::vector<const Question*>& topic, const GapOptions& options, int64_t now_ms,
                    const TopicWeights& weights, const search::ArticleTerms& articles) {
  SearchGap gap;
  const LanguageKey language = topic.front()->language;
  // Per visit: the worst outcome it had (contact > no results > not opened).
  std::map<std::string, const Intent*> by_visit;
  std::vector<Wording> wordings;
  std::map<std::string, size_t> wording_index;
  for (const Question* question : topic) {
    for (const Intent* intent : question->members) {
      const std::string text = search::CollapseWhitespace(intent->event->query);
      auto [found, fresh] = wording_index.try_emplace(text, wordings.size());
      if (fresh) wordings.push_back(Wording{text, intent->terms});
      ++wordings[found->second].count;
      const Intent*& kept = by_visit[intent->event->visit];
      auto rank = [](const Intent* i) { return i->contacted ? 2 : (i->zero ? 1 : 0); };
      if (kept == nullptr || rank(intent) > rank(kept)) kept = intent;
    }
  }
  gap.trend.assign(static_cast<size_t>(std::max(options.trend_days, 1)), 0);
  for (const auto& [visit, intent] : by_visit) {
    ++gap.visits;
    if (intent->contacted) ++gap.contact_visits;
    else if (intent->zero) ++gap.no_results_visits;
    else ++gap.not_opened_visits;
    ++gap.languages[intent->event->language.empty() ? "unknown" : intent->event->language];
    const int64_t age_days = (now_ms - intent->event->at_ms) / kDayMs;
    if (age_days >= 0 && age_days < static_cast<int64_t>(gap.trend.size())) {
      ++gap.trend[gap.trend.size() - 1 - static_cast<size_t>(age_days)];
    }
  }
  // The label is the most typical wording: its own searches plus, for every
  // other wording's searches, the share of the larger word weight the two
  // share. The most frequent wording wins among wordings of one question;
  // across a topic, the one that says most of what the others say.
  for (Wording& wording : wordings) {
    wording.typical = wording.count;
    const double own = weights.Weight(language, wording.terms);
    for (const Wording& other : wordings) {
      if (&other == &wording) continue;
      const double larger = std::max(own, weights.Weight(language, other.terms));
      if (larger > 0) wording.typical += other.count * weights.Shared(language, wording.terms, other.terms) / larger;
    }
  }
  std::stable_sort(wordings.begin(), wordings.end(), [](const Wording& a, const Wording& b) {
    if (std::abs(a.typical - b.typical) > 1e-9) return a.typical > b.typical;
    return a.count > b.count;
  });
  gap.query = wordings.front().text;
  for (size_t i = 1; i < wordings.size() && gap.examples.size() < kExamples; ++i) gap.examples.push_back(wordings[i].text);
  for (const Wording& wording : wordings) gap.wordings.push_back(wording.text);
  gap.expected_tickets = gap.contact_visits + kNoResultsWeight * gap.no_results_visits +
                         kNotOpenedWeight * gap.not_opened_visits;
  // The nearest article, only when it holds most of what the topic asks.
  if (language) {
    std::map<std::string, double> weighted;
    int searches = 0;
    for (const Wording& wording : wordings) {
      searches += wording.count;
      for (const std::string& term : wording.terms) weighted[term] += wording.count;
    }
    for (auto& [term, weight] : weighted) weight /= searches;
    std::optional<search::ClosestArticle> closest = articles.Closest(weighted, *language);
    if (closest && closest->share >= kNearestShare) {
      gap.nearest = search::LinkTo(*closest->article);
      gap.nearest_share = closest->share;
    }
  }
  return gap;
}

}  // namespace

std::string_view ZeroCauseName(ZeroCause cause) {
  switch (cause) {
    case ZeroCause::kContentGap: return "content_gap";
    case ZeroCause::kFilter: return "filter";
    case ZeroCause::kOtherLanguage: return "other_language";
    case ZeroCause::kCorrectedTypo: return "corrected_typo";
  }
  return "content_gap";
}

std::optional<std::vector<TicketGap>> TicketGapCache::Find(long public_generation, long agent_generation,
                                                           const GapOptions& options) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (key_ != std::make_tuple(public_generation, agent_generation, options.ticket_coverage, options.min_tickets)) {
    return std::nullopt;
  }
  return gaps_;
}

void TicketGapCache::Store(long public_generation, long agent_generation, const GapOptions& options,
                           std::vector<TicketGap> gaps) {
  std::lock_guard<std::mutex> lock(mutex_);
  key_ = std::make_tuple(public_generation, agent_generation, options.ticket_coverage, options.min_tickets);
  gaps_ = std::move(gaps);
}

namespace {

Result<std::vector<TicketGap>> TicketGaps(search::Searcher& agent, long public_generation,
                                          const std::vector<search::DocumentRecord>& articles,
                                          const GapOptions& options, TicketGapCache* cache) {
  if (cache != nullptr) {
    if (auto cached = cache->Find(public_generation, agent.generation(), options)) return *cached;
  }
  Result<std::vector<TicketGap>> gaps = BuildTicketGaps(agent, articles, options);
  if (gaps.ok() && cache != nullptr) cache->Store(public_generation, agent.generation(), options, *gaps);
  return gaps;
}

}  // namespace

Result<GapReport> BuildGapReport(const std::vector<StoredEvent>& events, search::Index& index,
                                 const GapOptions& options, search::Index* agent_index,
                                 TicketGapCache* ticket_cache) {
  Result<std::shared_ptr<search::Searcher>> searcher = index.AcquireSearcher();
  if (!searcher.ok()) return searcher.error();
  try {
    const int64_t now_ms = options.now_ms != 0 ? options.now_ms
                                               : std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     std::chrono::system_clock::now().time_since_epoch())
                                                     .count();
    std::vector<Intent> intents = CollectIntents(events);
    DropTypingBeforeSearches(intents, options);
    ReadOutcomes(intents, events, options);
    GapReport report;
    report.searches_seen = static_cast<int>(intents.size());
    report.to_ms = now_ms;
    report.trend_days = options.trend_days;
    std::vector<const Intent*> failing;
    VisitIndex by_visit = IndexByVisit(intents);
    ExistsCache exists(**searcher);
    for (Intent& intent : intents) {
      intent.zero = ClassifyZero(intent, intents, by_visit[intent.event->visit], exists, options);
      if (intent.zero) ++report.zero_causes[std::string(ZeroCauseName(*intent.zero))];
      // Explained zeros are not gaps: the customer found it, or it exists.
      if (intent.zero && *intent.zero != ZeroCause::kContentGap) continue;
      if (intent.zero || intent.contacted || !intent.opened) failing.push_back(&intent);
    }
    // The public articles, read once for the searches, the article parts
    // and the tickets.
    Result<std::vector<search::DocumentRecord>> articles = (*searcher)->Documents("article");
    if (!articles.ok()) return articles.error();
    // Analysed only when there is something to group.
    static const std::vector<search::DocumentRecord> kNone;
    const search::ArticleTerms article_terms(failing.empty() ? kNone : *articles);
    const std::vector<Question> questions = GroupByQuestion(failing);
    const TopicWeights weights(article_terms);
    for (const std::vector<const Question*>& topic : GroupByTopic(questions, weights)) {
      SearchGap gap = Summarize(topic, options, now_ms, weights, article_terms);
      if (gap.visits >= options.min_visits) report.searches.push_back(std::move(gap));
    }
    std::stable_sort(report.searches.begin(), report.searches.end(), [](const SearchGap& a, const SearchGap& b) {
      if (a.expected_tickets != b.expected_tickets) return a.expected_tickets > b.expected_tickets;
      return a.visits > b.visits;
    });
    if (report.searches.size() > options.max_groups) report.searches.resize(options.max_groups);
    ArticleGaps article_gaps = BuildArticleGaps(events, *articles, options, now_ms);
    report.translations = std::move(article_gaps.translations);
    report.review = std::move(article_gaps.review);
    report.funnel = std::move(article_gaps.funnel);
    if (agent_index != nullptr) {
      Result<std::shared_ptr<search::Searcher>> agent = agent_index->AcquireSearcher();
      if (!agent.ok()) return agent.error();
      Result<std::vector<TicketGap>> tickets =
          TicketGaps(**agent, (*searcher)->generation(), *articles, options, ticket_cache);
      if (!tickets.ok()) return tickets.error();
      report.tickets = std::move(tickets).value();
    }
    return report;
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, "the gap report failed unexpectedly", ""};
  }
}

Result<GapReport> LoadGapReport(const stores::EventLog& events, search::Index& index, const GapOptions& options,
                                search::Index* agent_index, TicketGapCache* ticket_cache) {
  GapOptions fixed = options;
  if (fixed.now_ms == 0) {
    fixed.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  }
  constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
  const int64_t since_ms = fixed.now_ms - static_cast<int64_t>(std::max(fixed.window_days, 1)) * kDayMs;
  Result<std::vector<StoredEvent>> read = events.Read({.since_ms = since_ms, .limit = kMaxReportEvents});
  if (!read.ok()) return read.error();
  Result<GapReport> report = BuildGapReport(*read, index, fixed, agent_index, ticket_cache);
  if (report.ok()) {
    report->events_read = static_cast<int64_t>(read->size());
    report->from_ms = since_ms;
    report->window_days = std::max(fixed.window_days, 1);
  }
  return report;
}

}  // namespace helpdex::analytics

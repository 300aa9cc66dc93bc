// The gap report's ticket part (gaps.h): resolved tickets that no public
// article answers well, grouped by topic, each topic with a draft article.
//
// A ticket is answered when the public article closest to it holds most of
// its distinctive words (search::TicketCoverage). The rest are linked when
// they share their rarer tags (tags are shared across languages, so one topic
// gathers its tickets from every language) or, in one language, their
// distinctive words. A topic whose every common tag already labels an article
// is left out: the help centre has articles on it, spread over more than one.
// Drafts carry no customer identifier (DraftRedactor) and are internal.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <unordered_map>

#include "gaps_parts.h"
#include "helpdex/search/analysis.h"
#include "helpdex/indexer/article.h"
#include "helpdex/indexer/redaction.h"

namespace helpdex::analytics {
namespace {

constexpr double kTagSimilarity = 0.4;       // weighted share of the smaller tag set
constexpr double kWordSimilarity = 0.25;     // Jaccard of distinctive words, same language
constexpr size_t kExamples = 5;
constexpr size_t kShortParagraph = 40;       // greetings and sign-offs are shorter
constexpr size_t kMaxAnswerBytes = 300;

struct Candidate {
  search::DocumentRecord record;
  search::TicketCoverage coverage;
  // Read once: clustering compares every pair.
  std::set<std::string> tags;
  double tag_weight = 0;
  std::set<std::string> words;
};

// Rarer tags say more: inverse document frequency over tickets and articles.
class TagWeights {
 public:
  TagWeights(const std::vector<search::DocumentRecord>& tickets, const std::vector<search::DocumentRecord>& articles) {
    for (const auto* records : {&tickets, &articles}) {
      for (const search::DocumentRecord& record : *records) {
        for (const std::string& tag : std::set<std::string>(record.tags.begin(), record.tags.end())) ++frequency_[tag];
        ++documents_;
      }
    }
  }
  double Weight(const std::string& tag) const {
    auto found = frequency_.find(tag);
    const double frequency = found == frequency_.end() ? 1.0 : found->second;
    return std::log(1.0 + documents_ / frequency);
  }

 private:
  std::unordered_map<std::string, int> frequency_;
  double documents_ = 0;
};

double TagSimilarity(const Candidate& a, const Candidate& b, const TagWeights& weights) {
  if (a.tags.empty() || b.tags.empty()) return 0;
  double shared = 0;
  for (const std::string& tag : a.tags) {
    if (b.tags.contains(tag)) shared += weights.Weight(tag);
  }
  const double smaller = std::min(a.tag_weight, b.tag_weight);
  return smaller > 0 ? shared / smaller : 0;
}

double WordSimilarity(const Candidate& a, const Candidate& b) {
  if (a.record.language != b.record.language) return 0;
  size_t shared = 0;
  for (const std::string& word : a.words) shared += b.words.contains(word) ? 1 : 0;
  const size_t all = a.words.size() + b.words.size() - shared;
  return all == 0 ? 0 : static_cast<double>(shared) / static_cast<double>(all);
}


// Groups of candidates (indexes), each with its number of links (how typical
// each member is), largest group first.
struct Cluster {
  std::vector<size_t> members;
  std::vector<int> links;
};

std::vector<Cluster> ClusterTickets(const std::vector<Candidate>& candidates, const TagWeights& weights) {
  UnionFind sets(candidates.size());
  std::vector<int> links(candidates.size(), 0);
  for (size_t i = 0; i < candidates.size(); ++i) {
    for (size_t j = i + 1; j < candidates.size(); ++j) {
      if (TagSimilarity(candidates[i], candidates[j], weights) >= kTagSimilarity ||
          WordSimilarity(candidates[i], candidates[j]) >= kWordSimilarity) {
        sets.Join(i, j);
        ++links[i];
        ++links[j];
      }
    }
  }
  std::map<size_t, Cluster> by_root;
  for (size_t i = 0; i < candidates.size(); ++i) {
    Cluster& cluster = by_root[sets.Find(i)];
    cluster.members.push_back(i);
    cluster.links.push_back(links[i]);
  }
  std::vector<Cluster> clusters;
  for (auto& [root, cluster] : by_root) clusters.push_back(std::move(cluster));
  std::stable_sort(clusters.begin(), clusters.end(),
                   [](const Cluster& a, const Cluster& b) { return a.members.size() > b.members.size(); });
  return clusters;
}

// Tags carried by most of the tickets, rarest first.
std::vector<std::string> CommonTags(const std::vector<const Candidate*>& members, const TagWeights& weights) {
  std::map<std::string, size_t> count;
  for (const Candidate* member : members) {
    for (const std::string& tag : std::set<std::string>(member->record.tags.begin(), member->record.tags.end())) {
      ++count[tag];
    }
  }
  // Most of them; at least half when no tag is on most (two sub-topics).
  std::vector<std::string> common;
  for (const auto& [tag, n] : count) {
    if (2 * n > members.size()) common.push_back(tag);
  }
  if (common.empty()) {
    for (const auto& [tag, n] : count) {
      if (2 * n == members.size()) common.push_back(tag);
    }
  }
  std::stable_sort(common.begin(), common.end(),
                   [&](const std::string& a, const std::string& b) { return weights.Weight(a) > weights.Weight(b); });
  return common;
}

// Words most of the tickets share (in the first one's language), when they
// have no tags to name the topic by.
std::vector<std::string> CommonWords(const std::vector<const Candidate*>& members) {
  std::map<std::string, size_t> count;
  for (const Candidate* member : members) {
    for (const std::string& word : member->coverage.key_terms) ++count[word];
  }
  std::vector<std::pair<std::string, size_t>> ordered(count.begin(), count.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> words;
  for (size_t i = 0; i < ordered.size() && words.size() < 3; ++i) words.push_back(ordered[i].first);
  return words;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (const std::string& part : parts) {
    if (!joined.empty()) joined += separator;
    joined += part;
  }
  return joined;
}

// The paragraphs of a resolution worth keeping in an article: greetings,
// thanks and signatures ("Hi [name],", "Best regards,\nNoah") are short.
std::vector<std::string> SubstantialParagraphs(const std::string& text) {
  std::vector<std::string> kept;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    std::string paragraph = text.substr(start, end - start);
    start = end + 2;
    while (!paragraph.empty() && (paragraph.back() == '\n' || paragraph.back() == ' ')) paragraph.pop_back();
    while (!paragraph.empty() && (paragraph.front() == '\n' || paragraph.front() == ' ')) paragraph.erase(0, 1);
    if (paragraph.size() < kShortParagraph) continue;
    // Chat with the customer ("Perfect, thanks [name]. I'll mark this solved").
    if (paragraph.find("[name]") != std::string::npos && paragraph.size() < 5 * kShortParagraph) continue;
    kept.push_back(std::move(paragraph));
  }
  return kept;
}

bool IsList(const std::string& paragraph) {
  return paragraph.starts_with("1.") || paragraph.starts_with("- ") || paragraph.starts_with("* ");
}

// Without Markdown marks, on one line, cut at a sentence end or a UTF-8
// boundary.
std::string PlainAnswer(const std::string& paragraph) {
  std::string plain;
  for (char c : paragraph) {
    if (c == '*' || c == '`' || c == '_') continue;
    plain.push_back(c == '\n' ? ' ' : c);
  }
  if (plain.size() <= kMaxAnswerBytes) return plain;
  size_t cut = plain.rfind(". ", kMaxAnswerBytes);
  if (cut != std::string::npos && cut > kMaxAnswerBytes / 3) return plain.substr(0, cut + 1);
  return search::CutUtf8(plain, kMaxAnswerBytes) + "…";
}

// The first paragraph that says something by itself (not a list, not an
// introduction to one); else the first list, the steps.
std::string ShortAnswer(const std::vector<std::string>& paragraphs) {
  for (const std::string& paragraph : paragraphs) {
    if (!IsList(paragraph) && !paragraph.ends_with(':')) return PlainAnswer(paragraph);
  }
  for (const std::string& paragraph : paragraphs) {
    if (IsList(paragraph)) return PlainAnswer(paragraph);
  }
  return "";
}

// The draft's language: that of most tickets, English on a tie when present.
Language DraftLanguage(const std::vector<const Candidate*>& members) {
  std::map<Language, int> count;
  for (const Candidate* member : members) ++count[member->record.language];
  Language best = members.front()->record.language;
  for (const auto& [language, n] : count) {
    if (n > count[best] || (n == count[best] && language == Language::kEnglish)) best = language;
  }
  return best;
}

// A draft leaves the support desk (a writer edits it, then the public reads
// it), so on top of the redaction every ticket had when it was indexed, the
// customers' web addresses and domain names go too ("my site
// shop-example.com"): an agent needs them in the ticket, an article never
// does. Domains the public articles already mention (the help centre's own,
// the tools they point to) stay readable, as do links within the help centre
// ("/articles/...", which have no host).
class DraftRedactor {
 public:
  explicit DraftRedactor(const std::vector<search::DocumentRecord>& articles) {
    std::set<std::string> domains;
    for (const search::DocumentRecord& article : articles) {
      for (const std::string* text : {&article.title, &article.answer, &article.html}) {
        for (std::string& domain : indexer::WebDomainsIn(*text)) domains.insert(std::move(domain));
      }
    }
    keep_.assign(domains.begin(), domains.end());
  }

  std::string operator()(const std::string& text, Language language) const {
    indexer::RedactionContext context{.region = indexer::RegionForLanguage(language)};
    context.web_addresses = true;
    context.keep_domains = keep_;
    return redactor_.Redact(text, context, nullptr);
  }

 private:
  indexer::Redactor redactor_;
  std::vector<std::string> keep_;
};

// Drafts are for the writers: internal until one of them publishes it.
// indexer::WriteArticle writes every article public, so the draft's front
// matter (the part before the second "---" line) is changed here.
std::string AsInternal(std::string article) {
  const size_t front_end = article.find("\n---\n", 4);
  const size_t at = article.find("\naudience: public\n");
  if (at != std::string::npos && front_end != std::string::npos && at < front_end) {
    article.replace(at, std::string_view("\naudience: public\n").size(), "\naudience: internal\n");
  }
  return article;
}

void AddDraft(TicketGap& gap, const std::vector<const Candidate*>& members, const DraftRedactor& redact) {
  const Language language = DraftLanguage(members);
  auto chosen = std::find_if(members.begin(), members.end(),
                             [&](const Candidate* member) { return member->record.language == language; });
  const search::DocumentRecord& source = (*chosen)->record;
  const std::string title = redact(source.title, language);
  const std::vector<std::string> paragraphs = SubstantialParagraphs(redact(source.resolution, language));
  std::string slug = indexer::SlugFrom(gap.tags.empty() ? title : Join(gap.tags, " "));
  if (slug.empty()) slug = indexer::SlugFrom(source.id);
  std::vector<std::string> ids;
  for (const Candidate* member : members) ids.push_back(member->record.id);

  std::string body = "## " + title + "\n\n";
  for (const std::string& paragraph : paragraphs) body += paragraph + "\n\n";
  std::string also;
  for (const Candidate* member : members) {
    if (member == *chosen) continue;
    also += "- " + redact(member->record.title, member->record.language) + " (" + member->record.id + ", " +
            std::string(LanguageCode(member->record.language)) + ")\n";
  }
  if (!also.empty()) body += "## Asked in other tickets\n\n" + also;

  indexer::ArticleDraft draft{
      .id = "draft-" + slug,
      .title = title,
      .language = language,
      .slug = slug,
      .tags = gap.tags,
      .translation_key = slug,
      .answer = ShortAnswer(paragraphs),
      .body = body,
      .draft_note = "from resolved tickets " + Join(ids, ", ") + "; redacted; check and rewrite before publishing",
  };
  gap.draft_path = "content/" + std::string(LanguageCode(language)) + "/" + slug + ".md";
  gap.draft_markdown = AsInternal(indexer::WriteArticle(draft));
}

TicketGap Summarize(const Cluster& cluster, const std::vector<Candidate>& candidates, const TagWeights& weights,
                    const DraftRedactor& redact) {
  // The most typical ticket (the most links) first.
  std::vector<size_t> order(cluster.members.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cluster.links[a] > cluster.links[b]; });
  std::vector<const Candidate*> members;
  for (size_t i : order) members.push_back(&candidates[cluster.members[i]]);

  TicketGap gap;
  gap.tags = CommonTags(members, weights);
  gap.topic = Join(gap.tags.empty() ? CommonWords(members) : gap.tags, " / ");
  gap.tickets = static_cast<int>(members.size());
  gap.expected_tickets = gap.tickets;
  double coverage = 0;
  for (const Candidate* member : members) {
    ++gap.languages[std::string(LanguageCode(member->record.language))];
    coverage += member->coverage.coverage;
    if (gap.examples.size() < kExamples) {
      gap.examples.push_back(TicketExample{member->record.id, member->record.title,
                                           std::string(LanguageCode(member->record.language)),
                                           search::DocumentUrl(member->record)});
    }
  }
  gap.coverage = coverage / static_cast<double>(members.size());
  gap.nearest = members.front()->coverage.best_article;
  AddDraft(gap, members, redact);
  return gap;
}

}  // namespace

Result<std::vector<TicketGap>> BuildTicketGaps(search::Searcher& agent,
                                               const std::vector<search::DocumentRecord>& articles,
                                               const GapOptions& options) {
  Result<std::vector<search::DocumentRecord>> tickets = agent.Documents("ticket");
  if (!tickets.ok()) return tickets.error();
  const TagWeights weights(*tickets, articles);
  std::set<std::string> article_tags;
  for (const search::DocumentRecord& article : articles) article_tags.insert(article.tags.begin(), article.tags.end());

  std::vector<Candidate> uncovered;
  for (search::DocumentRecord& ticket : *tickets) {
    Result<search::TicketCoverage> coverage = agent.CoverTicket(ticket.id);
    if (!coverage.ok()) return coverage.error();
    if (coverage->coverage >= options.ticket_coverage) continue;
    Candidate candidate{std::move(ticket), std::move(coverage).value()};
    candidate.tags.insert(candidate.record.tags.begin(), candidate.record.tags.end());
    for (const std::string& tag : candidate.tags) candidate.tag_weight += weights.Weight(tag);
    candidate.words.insert(candidate.coverage.key_terms.begin(), candidate.coverage.key_terms.end());
    uncovered.push_back(std::move(candidate));
  }
  std::vector<TicketGap> gaps;
  const DraftRedactor redact(articles);
  for (const Cluster& cluster : ClusterTickets(uncovered, weights)) {
    if (static_cast<int>(cluster.members.size()) < options.min_tickets) continue;
    TicketGap gap = Summarize(cluster, uncovered, weights, redact);
    const bool all_tags_have_articles =
        !gap.tags.empty() && std::all_of(gap.tags.begin(), gap.tags.end(),
                                         [&](const std::string& tag) { return article_tags.contains(tag); });
    if (all_tags_have_articles) continue;
    gaps.push_back(std::move(gap));
  }
  std::stable_sort(gaps.begin(), gaps.end(),
                   [](const TicketGap& a, const TicketGap& b) { return a.expected_tickets > b.expected_tickets; });
  return gaps;
}

}  // namespace helpdex::analytics

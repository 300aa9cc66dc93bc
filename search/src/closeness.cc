// Closeness of articles to questions (closeness.h).
#include "helpdex/search/closeness.h"

#include <algorithm>
#include <cmath>

#include "helpdex/search/query_groups.h"

namespace helpdex::search {

double InverseDocumentFrequency(size_t documents, size_t with_term) {
  const double n = static_cast<double>(documents);
  const double df = static_cast<double>(std::min(with_term, documents));
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

ArticleTerms::ArticleTerms(const std::vector<DocumentRecord>& articles) {
  for (const DocumentRecord& article : articles) {
    if (article.type != "article") continue;
    PerLanguage& language = languages_[article.language];
    const size_t index = language.articles.size();
    language.articles.push_back(&article);
    // What a reader sees: the title, the short answer and every section.
    std::string text = article.title;
    text += '\n';
    text += article.answer_text.empty() ? article.answer : article.answer_text;
    for (const Section& section : article.sections) {
      text += '\n';
      text += section.title;
      text += '\n';
      text += section.text;
    }
    for (const std::string& term : IntentTerms(text, article.language)) language.postings[term].push_back(index);
  }
}

size_t ArticleTerms::Articles(Language language) const {
  auto found = languages_.find(language);
  return found == languages_.end() ? 0 : found->second.articles.size();
}

size_t ArticleTerms::ArticlesWith(Language language, const std::string& term) const {
  auto found = languages_.find(language);
  if (found == languages_.end()) return 0;
  auto posting = found->second.postings.find(term);
  return posting == found->second.postings.end() ? 0 : posting->second.size();
}

std::optional<ClosestArticle> ArticleTerms::Closest(const std::map<std::string, double>& weighted,
                                                    Language language) const {
  auto found = languages_.find(language);
  if (found == languages_.end()) return std::nullopt;
  const PerLanguage& in_language = found->second;
  double total = 0;
  std::unordered_map<size_t, double> held;  // article index -> weight it holds
  for (const auto& [term, weight] : weighted) {
    auto posting = in_language.postings.find(term);
    const size_t with_term = posting == in_language.postings.end() ? 0 : posting->second.size();
    const double w = weight * InverseDocumentFrequency(in_language.articles.size(), with_term);
    total += w;
    if (posting == in_language.postings.end()) continue;
    for (size_t index : posting->second) held[index] += w;
  }
  if (total <= 0 || held.empty()) return std::nullopt;
  std::optional<ClosestArticle> best;
  for (const auto& [index, weight] : held) {
    const DocumentRecord* article = in_language.articles[index];
    const double share = weight / total;
    if (!best || share > best->share + 1e-12 ||
        (std::abs(share - best->share) <= 1e-12 && article->id < best->article->id)) {
      best = ClosestArticle{article, share};
    }
  }
  return best;
}

}  // namespace helpdex::search

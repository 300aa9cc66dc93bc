// File: closeness.h
// How close an article is to what customers ask, in the words that matter:
// the content words of a question (IntentTerms, query_groups.h) weighted by
// their rarity among the public articles of its language (inverse document
// frequency), and the share of that weight an article holds. The gap report
// uses it to name a "nearest article" only when one really is near, and to
// weight words when it groups failing searches by topic.
//
//   ArticleTerms terms(articles);   // the public articles, analysed once
//   std::optional<ClosestArticle> near = terms.Closest({{"minecraft", 1}, {"server", 1}}, Language::kEnglish);
//   // nullopt: no article of that language holds any of the words
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "helpdex/search/document.h"
#include "helpdex/search/language.h"

namespace helpdex::search {

// Robertson and Spärck Jones' inverse document frequency, as BM25 uses it
// (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework", eq.
// 3.3, with the +1 inside the log that keeps it positive): a word in every
// document weighs almost nothing, a word in none weighs most.
double InverseDocumentFrequency(size_t documents, size_t with_term);

struct ClosestArticle {
  const DocumentRecord* article = nullptr;  // one of the records given to ArticleTerms
  double share = 0;                         // of the question's weight the article holds, 0..1
};

// The content words of each public article (title, answer, headings and
// text, analysed as IntentTerms analyses a query in the article's language),
// read once. Holds pointers into `articles`, which must outlive it.
class ArticleTerms {
 public:
  explicit ArticleTerms(const std::vector<DocumentRecord>& articles);

  // Articles in `language`, and those of them that contain `term` (a term
  // from IntentTerms in that language).
  size_t Articles(Language language) const;
  size_t ArticlesWith(Language language, const std::string& term) const;

  // The article of `language` that holds the largest share of `weighted`
  // (term -> weight; each term's weight is multiplied by its inverse
  // document frequency among the articles of `language`), ties to the
  // lower id. nullopt when no article holds any of the terms.
  std::optional<ClosestArticle> Closest(const std::map<std::string, double>& weighted, Language language) const;

 private:
  struct PerLanguage {
    std::vector<const DocumentRecord*> articles;
    std::unordered_map<std::string, std::vector<size_t>> postings;  // term -> indexes into articles
  };
  std::map<Language, PerLanguage> languages_;
};

}  // namespace helpdex::search

// File: params.h
// Turning raw request parameters into typed requests. Pistache 0.0.5 hands
// query values over still percent-encoded (pistacheio/pistache#1179), so every
// value goes through DecodeParameter() here, which also rejects NUL and
// invalid UTF-8. Errors are helpdex::Error values whose `where` is the
// parameter name. Free of Pistache so it can be unit-tested and fuzzed
// (tests/server/params_test.cc, tests/fuzz/params_fuzzer.cc); the server's
// QuerySource() (server/src/routes.h) adapts a Pistache request:
//
//   Result<SearchRequest> request = ParseSearchRequest(QuerySource(http));
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/error.h"
#include "helpdex/search/language.h"
#include "helpdex/search/searcher.h"

namespace helpdex::server {

// Returns the raw (still encoded) value of a query parameter, or nullopt.
using RawParameterSource = std::function<std::optional<std::string>(std::string_view name)>;

// Decodes ('+' is a space, as browsers send forms; search::PercentDecode) and
// validates the parameter `name`: kInvalidInput (where = name) for a malformed
// escape, a NUL byte or invalid UTF-8. nullopt when absent.
Result<std::optional<std::string>> DecodeParameter(std::string_view name,
                                                   const RawParameterSource& source);

// The fields of an application/x-www-form-urlencoded body (the agent sign-in
// and sign-out forms), decoded and validated like query values. A repeated
// field keeps its first value, as query parameters do.
using FormFields = std::map<std::string, std::string, std::less<>>;
inline constexpr size_t kMaxFormFields = 32;

// kInvalidInput (where = the field's name, or "body" when the name itself is
// malformed or there are more than kMaxFormFields fields). The body's size is
// bounded by Pistache's maxRequestSize before it gets here.
Result<FormFields> ParseFormBody(std::string_view body);

// The value of a form field, or nullopt when the form lacks it.
std::optional<std::string> FormValue(const FormFields& fields, std::string_view name);

// The search parameters shared by /api/search and /search:
//   q     free text ("" when absent)
//   lang  one of en nb tr cs ru el (aliases no, nn); filters results
//   ui    the page's language (same values): the analysis and a preference,
//         never a filter (SearchRequest::query_language)
//   exact 1: the words as typed, no automatic retry with the spelling
//         correction when they find nothing ("search instead for")
//   type  "", "article" or "ticket"
//   tag   comma-separated tags, all required (AND). A repeated `tag=` keeps only
//         its first value: Pistache 0.0.5 stores query parameters in a map.
//   category  a category key (content/categories/): only its articles
//   page  1-based page number; size: results per page. Non-numeric values are
//         errors, numbers out of range are clamped later by NormalizeRequest().
Result<search::SearchRequest> ParseSearchRequest(const RawParameterSource& source);

// A language parameter: nullopt when absent or empty, kInvalidInput naming
// `name` when it is not one of en nb tr cs ru el (or an alias).
Result<std::optional<Language>> LanguageParameter(std::string_view name, const RawParameterSource& source);

// The parameters of /api/suggest:
//   q       the text typed so far ("" when absent); at most kMaxQueryBytes
//   lang    one of en nb tr cs ru el (aliases no, nn): the analysis language
//           and a preference, not a filter; absent: the caller decides
//   format  "" or "json" (the design.md object), or "opensearch" (the
//           browser's ["q", [completions]])
struct SuggestParameters {
  search::SuggestRequest request;
  bool opensearch = false;
};
Result<SuggestParameters> ParseSuggestRequest(const RawParameterSource& source);

// The parameters of /gaps and /api/gaps:
//   min_visits  1..1000: show a search from this many distinct visits
//               (absent: GapOptions' default); anything else is kInvalidInput
//   review_after_days  1..3650: an article is to review when `reviewed` is
//               older (absent: a year)
//   format      "" or "json", or "csv" (the API's searches table)
inline constexpr int kMaxGapMinVisits = 1000;
inline constexpr int kMaxReviewAfterDays = 3650;
struct GapParameters {
  std::optional<int> min_visits;
  std::optional<int> review_after_days;
  bool csv = false;
};
Result<GapParameters> ParseGapRequest(const RawParameterSource& source);

// The best supported language of an Accept-Language header value, honouring
// q-values ("nb-NO;q=0.9, en;q=0.8" -> nb; "no" and "nn" -> nb); nullopt when
// none is supported.
std::optional<Language> PreferredLanguage(std::string_view accept_language);

// Slugs are [a-z0-9-]{1,100} (design.md); anything else cannot name an article.
bool IsValidSlug(std::string_view slug);

// Joins tags for a `tag=` value ("a,b"); search::PercentEncode() it for a URL.
std::string JoinTags(const std::vector<std::string>& tags);

}  // namespace helpdex::server

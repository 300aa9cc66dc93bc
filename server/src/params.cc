#include "helpdex/server/params.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <vector>

#include "helpdex/search/text.h"

namespace helpdex::server {
namespace {

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

Error ParameterError(std::string_view name, std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), std::string(name)};
}

// Parses a decimal integer. Values beyond int range saturate, because
// NormalizeRequest() clamps them anyway; only non-numbers are errors.
Result<int> ParseInteger(std::string_view name, std::string_view text) {
  long long value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [stop, error] = std::from_chars(begin, end, value);
  if (begin == end || stop != end || (error != std::errc() && error != std::errc::result_out_of_range)) {
    return ParameterError(name, std::string(name) + " must be a whole number");
  }
  if (error == std::errc::result_out_of_range) return text.front() == '-' ? INT_MIN : INT_MAX;
  return static_cast<int>(std::clamp<long long>(value, INT_MIN, INT_MAX));
}

}  // namespace

Result<std::optional<std::string>> DecodeParameter(std::string_view name,
                                                   const RawParameterSource& source) {
  std::optional<std::string> raw = source(name);
  if (!raw) return std::optional<std::string>();
  std::optional<std::string> decoded = search::PercentDecode(*raw, search::Plus::kSpace);
  if (!decoded) {
    return ParameterError(name, std::string(name) + " contains a malformed percent escape");
  }
  if (decoded->find('\0') != std::string::npos) {
    return ParameterError(name, std::string(name) + " contains a NUL character");
  }
  if (!search::IsValidUtf8(*decoded)) {
    return ParameterError(name, std::string(name) + " is not valid UTF-8");
  }
  return decoded;
}

Result<FormFields> ParseFormBody(std::string_view body) {
  FormFields fields;
  size_t count = 0;
  for (std::string_view pair : Split(body, '&')) {
    if (pair.empty()) continue;  // "a=1&&b=2" and a trailing '&' are harmless
    if (++count > kMaxFormFields) return ParameterError("body", "the form has too many fields");
    size_t equals = pair.find('=');
    std::string_view raw_name = pair.substr(0, equals);
    std::string_view raw_value = equals == std::string_view::npos ? "" : pair.substr(equals + 1);
    std::optional<std::string> name = search::PercentDecode(raw_name, search::Plus::kSpace);
    if (!name || name->empty() || name->find('\0') != std::string::npos || !search::IsValidUtf8(*name)) {
      return ParameterError("body", "the form has a malformed field name");
    }
    // The field's own value goes through the same checks as a query value.
    Result<std::optional<std::string>> value = DecodeParameter(
        *name, [raw_value](std::string_view) { return std::optional<std::string>(raw_value); });
    if (!value.ok()) return value.error();
    fields.emplace(std::move(*name), std::move(**value));  // emplace keeps the first
  }
  return fields;
}

std::optional<std::string> FormValue(const FormFields& fields, std::string_view name) {
  auto found = fields.find(name);
  if (found == fields.end()) return std::nullopt;
  return found->second;
}

Result<std::optional<Language>> LanguageParameter(std::string_view name, const RawParameterSource& source) {
  Result<std::optional<std::string>> value = DecodeParameter(name, source);
  if (!value.ok()) return value.error();
  if (!*value || search::Trim(**value, search::kHttpWhitespace).empty()) return std::optional<Language>();
  std::optional<Language> language = ParseLanguage(search::Trim(**value, search::kHttpWhitespace));
  if (!language) {
    return ParameterError(std::string(name),
                          std::string(name) + " must be one of " + std::string(SupportedLanguageList()));
  }
  return language;
}

// A 0/1 parameter: nullopt when absent or blank.
Result<std::optional<bool>> FlagParameter(std::string_view name, const RawParameterSource& source) {
  Result<std::optional<std::string>> text = DecodeParameter(name, source);
  if (!text.ok()) return text.error();
  const std::string_view value = *text ? search::Trim(**text, search::kHttpWhitespace) : "";
  if (value.empty()) return std::optional<bool>();
  if (value != "1" && value != "0") return ParameterError(std::string(name), std::string(name) + " must be 0 or 1");
  return std::optional<bool>(value == "1");
}

Result<search::SearchRequest> ParseSearchRequest(const RawParameterSource& source) {
  search::SearchRequest request;

  Result<std::optional<std::string>> q = DecodeParameter("q", source);
  if (!q.ok()) return q.error();
  if (*q) request.query = std::move(**q);

  Result<std::optional<Language>> lang = LanguageParameter("lang", source);
  if (!lang.ok()) return lang.error();
  request.language = *lang;
  // ui=: the page's language, a preference and the analysis, not a filter.
  Result<std::optional<Language>> ui = LanguageParameter("ui", source);
  if (!ui.ok()) return ui.error();
  request.query_language = *ui;
  // exact=1: the words as typed, without the automatic spelling retry.
  Result<std::optional<bool>> exact = FlagParameter("exact", source);
  if (!exact.ok()) return exact.error();
  if (*exact) request.retry_with_correction = !**exact;
  // facets=1: count the facets and the exact total (the API's default is not
  // to: counting examines thousands of matches the caller may not show).
  Result<std::optional<bool>> facets = FlagParameter("facets", source);
  if (!facets.ok()) return facets.error();
  if (*facets) request.with_facets = **facets;

  Result<std::optional<std::string>> type = DecodeParameter("type", source);
  if (!type.ok()) return type.error();
  if (*type) {
    std::string_view value = search::Trim(**type, search::kHttpWhitespace);
    if (!value.empty() && value != "article" && value != "ticket") {
      return ParameterError("type", "type must be article or ticket");
    }
    request.type = std::string(value);
  }

  // category=KEY: only that category's articles (with no q, a listing).
  Result<std::optional<std::string>> category = DecodeParameter("category", source);
  if (!category.ok()) return category.error();
  if (*category) request.category = std::string(search::Trim(**category, search::kHttpWhitespace));

  Result<std::optional<std::string>> tags = DecodeParameter("tag", source);
  if (!tags.ok()) return tags.error();
  if (*tags) {
    for (std::string_view tag : Split(**tags, ',')) {
      tag = search::Trim(tag, search::kHttpWhitespace);
      if (!tag.empty()) request.tags.emplace_back(tag);
    }
  }

  for (auto [name, field] : {std::pair<std::string_view, int*>{"page", &request.page},
                             std::pair<std::string_view, int*>{"size", &request.page_size}}) {
    Result<std::optional<std::string>> text = DecodeParameter(name, source);
    if (!text.ok()) return text.error();
    if (!*text || search::Trim(**text, search::kHttpWhitespace).empty()) continue;
    Result<int> number = ParseInteger(name, search::Trim(**text, search::kHttpWhitespace));
    if (!number.ok()) return number.error();
    *field = *number;
  }
  return request;
}

Result<SuggestParameters> ParseSuggestRequest(const RawParameterSource& source) {
  SuggestParameters parameters;
  Result<std::optional<std::string>> q = DecodeParameter("q", source);
  if (!q.ok()) return q.error();
  if (*q) parameters.request.text = std::move(**q);
  // The same limit as /api/search, checked before any work is done.
  if (parameters.request.text.size() > search::kMaxQueryBytes) {
    return Error{ErrorCode::kQueryTooLong,
                 "q is longer than " + std::to_string(search::kMaxQueryBytes) + " bytes", "q"};
  }

  // lang= filters, ui= (the page's language) prefers, as on /api/search.
  Result<std::optional<Language>> lang = LanguageParameter("lang", source);
  if (!lang.ok()) return lang.error();
  parameters.request.only_language = *lang;
  Result<std::optional<Language>> ui = LanguageParameter("ui", source);
  if (!ui.ok()) return ui.error();
  parameters.request.language = *ui ? *ui : *lang;

  Result<std::optional<std::string>> format = DecodeParameter("format", source);
  if (!format.ok()) return format.error();
  if (*format) {
    std::string_view value = search::Trim(**format, search::kHttpWhitespace);
    if (value == "opensearch") {
      parameters.opensearch = true;
    } else if (!value.empty() && value != "json") {
      return ParameterError("format", "format must be json or opensearch");
    }
  }
  return parameters;
}

namespace {

// An optional whole number in [1, max]: nullopt when absent or empty.
Result<std::optional<int>> BoundedCount(const char* name, int max, const RawParameterSource& source) {
  Result<std::optional<std::string>> raw = DecodeParameter(name, source);
  if (!raw.ok()) return raw.error();
  if (!*raw || search::Trim(**raw, search::kHttpWhitespace).empty()) return std::optional<int>();
  const std::string range = std::string(name) + " must be a whole number from 1 to " + std::to_string(max);
  Result<int> number = ParseInteger(name, search::Trim(**raw, search::kHttpWhitespace));
  if (!number.ok() || *number < 1 || *number > max) return ParameterError(name, range);
  return std::optional<int>(*number);
}

}  // namespace

Result<GapParameters> ParseGapRequest(const RawParameterSource& source) {
  GapParameters parameters;
  Result<std::optional<int>> min_visits = BoundedCount("min_visits", kMaxGapMinVisits, source);
  if (!min_visits.ok()) return min_visits.error();
  parameters.min_visits = *min_visits;
  Result<std::optional<int>> review_after_days = BoundedCount("review_after_days", kMaxReviewAfterDays, source);
  if (!review_after_days.ok()) return review_after_days.error();
  parameters.review_after_days = *review_after_days;

  Result<std::optional<std::string>> format = DecodeParameter("format", source);
  if (!format.ok()) return format.error();
  if (*format) {
    std::string_view value = search::Trim(**format, search::kHttpWhitespace);
    if (value == "csv") {
      parameters.csv = true;
    } else if (!value.empty() && value != "json") {
      return ParameterError("format", "format must be json or csv");
    }
  }
  return parameters;
}

std::optional<Language> PreferredLanguage(std::string_view accept_language) {
  std::optional<Language> best;
  double best_quality = 0;
  for (std::string_view item : Split(accept_language, ',')) {
    std::vector<std::string_view> fields = Split(item, ';');
    std::string_view tag = search::Trim(fields[0], search::kHttpWhitespace);
    double quality = 1.0;
    for (size_t i = 1; i < fields.size(); ++i) {
      std::string_view field = search::Trim(fields[i], search::kHttpWhitespace);
      if (field.size() > 2 && (field[0] == 'q' || field[0] == 'Q') && field[1] == '=') {
        std::string number(field.substr(2));
        char* end = nullptr;
        quality = std::strtod(number.c_str(), &end);
        if (end == number.c_str()) quality = 0;
      }
    }
    std::string_view primary = tag.substr(0, tag.find('-'));
    std::optional<Language> language = ParseLanguage(primary);
    // Strictly greater: among equal q-values the first listed wins.
    if (language && quality > best_quality) {
      best = language;
      best_quality = quality;
    }
  }
  return best;
}

bool IsValidSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > 100) return false;
  return std::all_of(slug.begin(), slug.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string joined;
  for (const std::string& tag : tags) {
    if (!joined.empty()) joined += ',';
    joined += tag;
  }
  return joined;
}

}  // namespace helpdex::server

// params.h: what a client of /api/search, /api/suggest, /api/gaps and the
// sign-in form sees when it sends odd parameters. Each table row is a raw
// query string (or form body) as it arrives, still percent-encoded, and what
// comes back: the parsed value, or the error's code and the parameter it
// names (Error::where, the "parameter" of the JSON error body).
#include "helpdex/server/params.h"

#include <gtest/gtest.h>
#include <pistache/http.h>

#include <climits>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace helpdex::server {
namespace {

// A parameter source over a raw query string, keeping the first value of a
// repeated name as Pistache's Uri::Query does (see RepeatedQueryParameter
// below, which checks that against Pistache itself).
RawParameterSource QueryString(std::string query) {
  auto values = std::make_shared<std::map<std::string, std::string, std::less<>>>();
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const size_t equals = pair.find('=');
    if (!pair.empty()) {
      values->emplace(pair.substr(0, equals), equals == std::string::npos ? "" : pair.substr(equals + 1));
    }
    start = end + 1;
  }
  return [values](std::string_view name) -> std::optional<std::string> {
    auto found = values->find(name);
    if (found == values->end()) return std::nullopt;
    return found->second;
  };
}

// The expected error of a row; `parameter` empty means "no error".
struct Expected {
  ErrorCode code = ErrorCode::kInvalidInput;
  std::string parameter;
  std::string message_has;  // a fragment a person reading the message relies on
};

void ExpectError(const Error& error, const Expected& expected, const std::string& row) {
  EXPECT_EQ(error.code, expected.code) << row << ": " << error.ToString();
  EXPECT_EQ(error.where, expected.parameter) << row << ": " << error.ToString();
  EXPECT_NE(error.message.find(expected.message_has), std::string::npos) << row << ": " << error.ToString();
}

// --- /api/search and /search -------------------------------------------------

struct SearchRow {
  std::string query_string;
  Expected error;                                                // parameter "" = parses
  std::function<void(const search::SearchRequest&)> check = {};  // when it parses
};

TEST(ParseSearchRequestTest, Table) {
  const std::string kLongQ(2000, 'a');
  const std::vector<SearchRow> rows = {
      {"q=password+reset", {}, [](auto& r) { EXPECT_EQ(r.query, "password reset"); }},  // '+' is a space
      {"q=%C5%9Fifre%2Bhesap", {}, [](auto& r) { EXPECT_EQ(r.query, "şifre+hesap"); }},
      {"", {}, [](auto& r) {
         EXPECT_EQ(r.query, "");
         EXPECT_EQ(r.page, 1);
         EXPECT_EQ(r.page_size, 10);
         EXPECT_TRUE(r.retry_with_correction);
       }},
      {"q=%zz", {ErrorCode::kInvalidInput, "q", "malformed percent escape"}},
      {"q=abc%4", {ErrorCode::kInvalidInput, "q", "malformed percent escape"}},
      {"tag=a%zz", {ErrorCode::kInvalidInput, "tag", "malformed percent escape"}},
      {"q=%C0%AF", {ErrorCode::kInvalidInput, "q", "not valid UTF-8"}},       // overlong '/'
      {"q=%ED%A0%80", {ErrorCode::kInvalidInput, "q", "not valid UTF-8"}},    // a surrogate
      {"q=%FF", {ErrorCode::kInvalidInput, "q", "not valid UTF-8"}},
      {"q=a%00b", {ErrorCode::kInvalidInput, "q", "NUL"}},
      {"size=1e3", {ErrorCode::kInvalidInput, "size", "size must be a whole number"}},
      {"page=two", {ErrorCode::kInvalidInput, "page", "page must be a whole number"}},
      {"page=1.5", {ErrorCode::kInvalidInput, "page", "whole number"}},
      {"page=2&size=20", {}, [](auto& r) {
         EXPECT_EQ(r.page, 2);
         EXPECT_EQ(r.page_size, 20);
       }},
      // Numbers out of range are not errors here: they saturate, and
      // NormalizeRequest() clamps them (ParseThenNormalize below).
      {"size=99999999999999999999", {}, [](auto& r) { EXPECT_EQ(r.page_size, INT_MAX); }},
      {"page=-99999999999999999999", {}, [](auto& r) { EXPECT_EQ(r.page, INT_MIN); }},
      {"size=+5", {}, [](auto& r) { EXPECT_EQ(r.page_size, 5); }},     // "+" decodes to a space, trimmed
      {"size=%2B5", {}, [](auto& r) { EXPECT_EQ(r.page_size, 5); }},   // an explicit '+' sign
      {"size=", {}, [](auto& r) { EXPECT_EQ(r.page_size, 10); }},      // empty: the default
      {"lang=nb", {}, [](auto& r) { EXPECT_EQ(r.language, Language::kNorwegian); }},
      {"lang=no", {}, [](auto& r) { EXPECT_EQ(r.language, Language::kNorwegian); }},
      {"lang=", {}, [](auto& r) { EXPECT_EQ(r.language, std::nullopt); }},
      {"lang=tk", {ErrorCode::kInvalidInput, "lang", "en, nb, tr, cs, ru, el"}},
      {"ui=tr", {}, [](auto& r) {
         EXPECT_EQ(r.query_language, Language::kTurkish);
         EXPECT_EQ(r.language, std::nullopt);  // ui= is a preference, not a filter
       }},
      {"ui=xx", {ErrorCode::kInvalidInput, "ui", "ui must be one of"}},
      {"exact=1", {}, [](auto& r) { EXPECT_FALSE(r.retry_with_correction); }},
      {"exact=0", {}, [](auto& r) { EXPECT_TRUE(r.retry_with_correction); }},
      {"exact=yes", {ErrorCode::kInvalidInput, "exact", "exact must be 0 or 1"}},
      {"exact=1%0A", {ErrorCode::kInvalidInput, "exact", "exact must be 0 or 1"}},  // only spaces and tabs are trimmed
      {"type=ticket", {}, [](auto& r) { EXPECT_EQ(r.type, "ticket"); }},
      {"type=faq", {ErrorCode::kInvalidInput, "type", "type must be article or ticket"}},
      {"tag=billing,+2fa,,%20", {}, [](auto& r) { EXPECT_EQ(r.tags, (std::vector<std::string>{"billing", "2fa"})); }},
      // A repeated parameter keeps its first value (the source decides; see
      // RepeatedQueryParameterKeepsItsFirstValue).
      {"tag=a&tag=b&q=first&q=second", {}, [](auto& r) {
         EXPECT_EQ(r.tags, std::vector<std::string>{"a"});
         EXPECT_EQ(r.query, "first");
       }},
      // The byte limit is the searcher's (NormalizeRequest); the parser hands
      // the whole text on.
      {"q=" + kLongQ, {}, [](auto& r) { EXPECT_EQ(r.query.size(), 2000u); }},
  };
  for (const SearchRow& row : rows) {
    Result<search::SearchRequest> parsed = ParseSearchRequest(QueryString(row.query_string));
    if (row.error.parameter.empty()) {
      ASSERT_TRUE(parsed.ok()) << row.query_string.substr(0, 80) << ": " << parsed.error().ToString();
      row.check(*parsed);
    } else {
      ASSERT_FALSE(parsed.ok()) << row.query_string;
      ExpectError(parsed.error(), row.error, row.query_string);
    }
  }
}

// What /api/search answers for a 2,000-byte q: 400 query_too_long naming q,
// the size and the limit (search::kMaxQueryBytes, 1024).
TEST(ParseSearchRequestTest, ParseThenNormalizeRejectsA2000ByteQuery) {
  Result<search::SearchRequest> parsed = ParseSearchRequest(QueryString("q=" + std::string(2000, 'a')));
  ASSERT_TRUE(parsed.ok());
  Result<search::SearchRequest> normalized = search::NormalizeRequest(*parsed);
  ASSERT_FALSE(normalized.ok());
  ExpectError(normalized.error(), {ErrorCode::kQueryTooLong, "q", "2000 bytes; the limit is 1024"}, "2000 bytes");

  Result<search::SearchRequest> at_limit = ParseSearchRequest(QueryString("q=" + std::string(1024, 'a')));
  ASSERT_TRUE(at_limit.ok());
  EXPECT_TRUE(search::NormalizeRequest(*at_limit).ok());

  // Saturated page numbers are clamped, never an error.
  Result<search::SearchRequest> huge = ParseSearchRequest(QueryString("page=99999999999999999999&size=0"));
  ASSERT_TRUE(huge.ok());
  Result<search::SearchRequest> clamped = search::NormalizeRequest(*huge);
  ASSERT_TRUE(clamped.ok());
  EXPECT_EQ(clamped->page, search::kMaxPage);
  EXPECT_EQ(clamped->page_size, 1);
}

// Pistache 0.0.5 stores query parameters in a map and its parser adds each
// pair with Uri::Query::add: the first value of a repeated name wins. This is
// what the server's QuerySource() reads (params.h documents it for tag=).
TEST(ParseSearchRequestTest, RepeatedQueryParameterKeepsItsFirstValue) {
  Pistache::Http::Uri::Query query;
  query.add("tag", "billing");
  query.add("tag", "2fa");
  Result<search::SearchRequest> parsed =
      ParseSearchRequest([&query](std::string_view name) { return query.get(std::string(name)); });
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->tags, std::vector<std::string>{"billing"});
}

// --- /api/suggest ------------------------------------------------------------

TEST(ParseSuggestRequestTest, Table) {
  struct Row {
    std::string query_string;
    Expected error;
    std::function<void(const SuggestParameters&)> check = {};
  };
  const std::vector<Row> rows = {
      {"q=passw", {}, [](auto& p) {
         EXPECT_EQ(p.request.text, "passw");
         EXPECT_FALSE(p.opensearch);
       }},
      // Unlike /api/search, the limit is checked here, before any work.
      {"q=" + std::string(2000, 'a'), {ErrorCode::kQueryTooLong, "q", "longer than 1024 bytes"}},
      {"q=" + std::string(1024, 'a'), {}, [](auto& p) { EXPECT_EQ(p.request.text.size(), 1024u); }},
      {"q=%zz", {ErrorCode::kInvalidInput, "q", "malformed percent escape"}},
      {"q=%C0%AF", {ErrorCode::kInvalidInput, "q", "not valid UTF-8"}},
      {"lang=nb", {}, [](auto& p) {
         EXPECT_EQ(p.request.only_language, Language::kNorwegian);
         EXPECT_EQ(p.request.language, Language::kNorwegian);  // no ui=: the analysis follows lang=
       }},
      {"lang=nb&ui=en", {}, [](auto& p) {
         EXPECT_EQ(p.request.only_language, Language::kNorwegian);
         EXPECT_EQ(p.request.language, Language::kEnglish);
       }},
      {"format=opensearch", {}, [](auto& p) { EXPECT_TRUE(p.opensearch); }},
      {"format=json", {}, [](auto& p) { EXPECT_FALSE(p.opensearch); }},
      {"format=xml", {ErrorCode::kInvalidInput, "format", "format must be json or opensearch"}},
  };
  for (const Row& row : rows) {
    Result<SuggestParameters> parsed = ParseSuggestRequest(QueryString(row.query_string));
    if (row.error.parameter.empty()) {
      ASSERT_TRUE(parsed.ok()) << row.query_string.substr(0, 80) << ": " << parsed.error().ToString();
      row.check(*parsed);
    } else {
      ASSERT_FALSE(parsed.ok()) << row.query_string.substr(0, 80);
      ExpectError(parsed.error(), row.error, row.query_string.substr(0, 80));
    }
  }
}

// --- /gaps and /api/gaps -----------------------------------------------------

TEST(ParseGapRequestTest, Table) {
  struct Row {
    std::string query_string;
    Expected error;
    std::function<void(const GapParameters&)> check = {};
  };
  const std::vector<Row> rows = {
      {"", {}, [](auto& p) {
         EXPECT_EQ(p.min_visits, std::nullopt);
         EXPECT_EQ(p.review_after_days, std::nullopt);
         EXPECT_FALSE(p.csv);
       }},
      {"min_visits=3&review_after_days=30&format=csv", {}, [](auto& p) {
         EXPECT_EQ(p.min_visits, 3);
         EXPECT_EQ(p.review_after_days, 30);
         EXPECT_TRUE(p.csv);
       }},
      {"min_visits=1000", {}, [](auto& p) { EXPECT_EQ(p.min_visits, kMaxGapMinVisits); }},
      {"min_visits=1001", {ErrorCode::kInvalidInput, "min_visits", "from 1 to 1000"}},
      {"min_visits=0", {ErrorCode::kInvalidInput, "min_visits", "from 1 to 1000"}},
      {"min_visits=1e3", {ErrorCode::kInvalidInput, "min_visits", "whole number"}},
      {"review_after_days=3651", {ErrorCode::kInvalidInput, "review_after_days", "from 1 to 3650"}},
      {"format=xml", {ErrorCode::kInvalidInput, "format", "format must be json or csv"}},
  };
  for (const Row& row : rows) {
    Result<GapParameters> parsed = ParseGapRequest(QueryString(row.query_string));
    if (row.error.parameter.empty()) {
      ASSERT_TRUE(parsed.ok()) << row.query_string << ": " << parsed.error().ToString();
      row.check(*parsed);
    } else {
      ASSERT_FALSE(parsed.ok()) << row.query_string;
      ExpectError(parsed.error(), row.error, row.query_string);
    }
  }
}

// --- application/x-www-form-urlencoded bodies (agent sign-in, contact) ---------

TEST(ParseFormBodyTest, Table) {
  struct Row {
    std::string body;
    Expected error;
    FormFields fields = {};  // when it parses
  };
  const std::string kTooMany = [] {
    std::string body;
    for (size_t i = 0; i <= kMaxFormFields; ++i) body += "f" + std::to_string(i) + "=1&";
    return body;
  }();
  const std::vector<Row> rows = {
      {"name=ada+lovelace&password=p%40ss%2B1", {}, {{"name", "ada lovelace"}, {"password", "p@ss+1"}}},
      {"name=ada&name=eve", {}, {{"name", "ada"}}},  // a repeated field keeps its first value
      {"a=1&&b=2&", {}, {{"a", "1"}, {"b", "2"}}},    // empty pairs are harmless
      {"flag", {}, {{"flag", ""}}},
      {"", {}, {}},
      {"next=%zz", {ErrorCode::kInvalidInput, "next", "next contains a malformed percent escape"}},
      {"subject=%C0%AF", {ErrorCode::kInvalidInput, "subject", "subject is not valid UTF-8"}},
      {"subject=a%00", {ErrorCode::kInvalidInput, "subject", "NUL"}},
      {"%zz=1", {ErrorCode::kInvalidInput, "body", "malformed field name"}},
      {"=1", {ErrorCode::kInvalidInput, "body", "malformed field name"}},
      {"%C0%AF=1", {ErrorCode::kInvalidInput, "body", "malformed field name"}},
      {kTooMany, {ErrorCode::kInvalidInput, "body", "too many fields"}},
  };
  for (const Row& row : rows) {
    Result<FormFields> parsed = ParseFormBody(row.body);
    if (row.error.parameter.empty()) {
      ASSERT_TRUE(parsed.ok()) << row.body << ": " << parsed.error().ToString();
      EXPECT_EQ(*parsed, row.fields) << row.body;
    } else {
      ASSERT_FALSE(parsed.ok()) << row.body;
      ExpectError(parsed.error(), row.error, row.body);
    }
  }
  EXPECT_EQ(FormValue(*ParseFormBody("a=1"), "a"), "1");
  EXPECT_EQ(FormValue(*ParseFormBody("a=1"), "b"), std::nullopt);
}

// --- Accept-Language -----------------------------------------------------------

TEST(PreferredLanguageTest, Table) {
  const std::vector<std::pair<std::string, std::optional<Language>>> rows = {
      {"tr;q=0.9, en;q=0.8", Language::kTurkish},
      {"en;q=0.8, tr;q=0.9", Language::kTurkish},   // the q-value decides, not the order
      {"tr;q=0.5, en;q=0.5", Language::kTurkish},   // equal q-values: the first listed
      {"nb-NO;q=0.9, en;q=0.8", Language::kNorwegian},
      {"nn", Language::kNorwegian},
      {"fr, de;q=0.9, cs;q=0.1", Language::kCzech},  // unsupported languages are skipped
      {"*;q=0", std::nullopt},
      {"*", std::nullopt},                           // a wildcard names no language
      {"en;q=0", std::nullopt},                      // q=0: "not acceptable"
      {"en;q=abc, tr;q=0.1", Language::kTurkish},    // a malformed q-value counts as 0
      {"en;Q=0.2, tr;q=0.1", Language::kEnglish},
      {"fr", std::nullopt},
      {"", std::nullopt},
      {",;,;;q=", std::nullopt},
  };
  for (const auto& [header, expected] : rows) {
    EXPECT_EQ(PreferredLanguage(header), expected) << header;
  }
}

// --- smaller helpers -------------------------------------------------------------

TEST(DecodeParameterTest, AbsentIsNulloptAndErrorsNameTheParameter) {
  Result<std::optional<std::string>> absent = DecodeParameter("q", QueryString("lang=en"));
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, std::nullopt);
  Result<std::optional<std::string>> bad = DecodeParameter("next", QueryString("next=%2"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "next");
}

TEST(IsValidSlugTest, LowerCaseDigitsAndHyphensUpTo100) {
  EXPECT_TRUE(IsValidSlug("reset-password-2"));
  EXPECT_TRUE(IsValidSlug(std::string(100, 'a')));
  EXPECT_FALSE(IsValidSlug(std::string(101, 'a')));
  EXPECT_FALSE(IsValidSlug(""));
  EXPECT_FALSE(IsValidSlug("Reset"));
  EXPECT_FALSE(IsValidSlug("../etc"));
}

TEST(JoinTagsTest, CommaSeparated) {
  EXPECT_EQ(JoinTags({"a", "b c"}), "a,b c");
  EXPECT_EQ(JoinTags({}), "");
}

}  // namespace
}  // namespace helpdex::server

// Integration tests for helpdex::server: the real Pistache server on a free
// loopback port, over an index built from fixtures/kb/ (see
// fixtures/README.txt for what each fixture article is for), driven with
// cpp-httplib. Each test checks status codes, Content-Type and exact JSON.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../support/integration.h"
#include "helpdex/indexer/indexer.h"
#include "helpdex/server/server.h"
#include "server_fixture.h"

namespace helpdex::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
using helpdex::testing::Encode;

const fs::path kFixtureKb = fs::path(HELPDEX_FIXTURES_DIR) / "kb";

void IndexOrDie(const fs::path& content, const fs::path& index) {
  indexer::IndexOptions options{.content_dir = content.string(), .index_dir = index.string()};
  Result<indexer::IndexReport> report = indexer::BuildIndex(options);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  for (const Error& error : report->errors) ADD_FAILURE() << error.ToString();
}

class ServerTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = kFixtureKb}); }

  // GET that must answer `status` with a JSON body; returns the body parsed.
  static json GetJson(const std::string& path, int status = 200) {
    httplib::Result result = Get(path);
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, status) << path << "\n" << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
    ExpectNoLibraryText(result->body);
    json body = json::parse(result->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << "not JSON: " << result->body;
    return body;
  }

  static json Search(const std::string& query_string) {
    return GetJson("/api/search?" + query_string);
  }

  static std::vector<std::string> ResultIds(const json& response) {
    std::vector<std::string> ids;
    for (const json& result : response["results"]) ids.push_back(result["id"]);
    return ids;
  }

  static void ExpectNoLibraryText(const std::string& body) {
    EXPECT_THAT(body, Not(HasSubstr("basic_string")));
    EXPECT_THAT(body, Not(HasSubstr("Xapian")));
    EXPECT_THAT(body, Not(HasSubstr("std::")));
  }

  static void ExpectApiError(const std::string& path, int status, const std::string& code,
                             const std::string& parameter) {
    json body = GetJson(path, status);
    EXPECT_EQ(body["error"]["code"], code) << path;
    EXPECT_TRUE(body["error"]["message"].is_string()) << path;
    if (parameter.empty()) {
      EXPECT_FALSE(body["error"].contains("parameter")) << path;
    } else {
      EXPECT_EQ(body["error"]["parameter"], parameter) << path;
    }
  }

};

TEST_F(ServerTest, HealthzAnswersOk) {
  json body = GetJson("/healthz");
  EXPECT_EQ(body, json({{"status", "ok"}}));
}

TEST_F(ServerTest, ReadyzReportsTheLiveGeneration) {
  json body = GetJson("/readyz");
  EXPECT_EQ(body["status"], "ready");
  EXPECT_GE(body["generation"].get<long>(), 1);
}

TEST_F(ServerTest, MetricsUsePrometheusTextWithBoundedLabels) {
  Search("q=website");
  httplib::Result result = Get("/metrics");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->get_header_value("Content-Type"), HasSubstr("text/plain"));
  EXPECT_THAT(result->body, HasSubstr("helpdex_http_requests_total{route=\"api_search\",code=\"200\"}"));
  EXPECT_THAT(result->body, HasSubstr("helpdex_index_generation "));
  EXPECT_THAT(result->body, HasSubstr("helpdex_index_documents "));
  EXPECT_THAT(result->body, Not(HasSubstr("website")));  // no query text in labels
  EXPECT_THAT(result->body, HasSubstr("helpdex_analytics_available 1\n"));
  // Durations per route, both indexes' gauges and the process's own figures.
  EXPECT_THAT(result->body, HasSubstr("helpdex_http_request_duration_seconds_bucket{route=\"api_search\",le=\"+Inf\"} "));
  EXPECT_THAT(result->body, HasSubstr("helpdex_http_request_duration_seconds_count{route=\"api_search\"} "));
  EXPECT_THAT(result->body, HasSubstr("helpdex_agent_index_generation "));
  EXPECT_THAT(result->body, Not(HasSubstr("helpdex_agent_index_generation -1")));
  EXPECT_THAT(result->body, HasSubstr("helpdex_index_age_seconds "));
  EXPECT_THAT(result->body, Not(HasSubstr("helpdex_index_age_seconds -1")));
  EXPECT_THAT(result->body, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(result->body, HasSubstr("process_cpu_seconds_total "));
  EXPECT_THAT(result->body, HasSubstr("process_open_fds "));
  EXPECT_THAT(result->body, HasSubstr("helpdex_events_total{result=\"failed\"} 0\n"));
  EXPECT_THAT(result->body, HasSubstr("helpdex_events_queued "));
}

// A damaged events.db costs the analytics, never the help centre: search is
// served, the log says what is off and how to repair it, /metrics shows it.
TEST(AnalyticsOffTest, ADamagedEventsDbLeavesSearchServingAndSaysSo) {
  const fs::path root = fs::temp_directory_path() / ("helpdex-analytics-off-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "data");
  ASSERT_TRUE(indexer::BuildIndex({.content_dir = testing::KnowledgeBase().string(),
                                   .index_dir = (root / "index").string()})
                  .ok());
  {
    std::ofstream garbage(root / "data" / "events.db", std::ios::binary);
    garbage << std::string(16384, 'Z');
  }
  ServerOptions options{.index_dir = (root / "index").string(), .data_dir = (root / "data").string(),
                        .address = "127.0.0.1", .port = 0, .threads = 2};
  ::testing::internal::CaptureStderr();
  Result<std::unique_ptr<Server>> server = Server::Start(options);
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  EXPECT_THAT(log, HasSubstr("\"event\":\"analytics_unavailable\""));
  EXPECT_THAT(log, HasSubstr("events.db"));
  EXPECT_THAT(log, HasSubstr("move"));

  httplib::Client client("127.0.0.1", (*server)->port());
  httplib::Result search = client.Get("/api/search?q=password");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  EXPECT_FALSE(json::parse(search->body)["results"].empty());
  httplib::Result page = client.Get("/search?q=password");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  httplib::Result metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("helpdex_analytics_available 0\n"));
  (*server)->Shutdown();
  fs::remove_all(root);
}

TEST_F(ServerTest, MetricsCountResponseCacheHits) {
  auto hits = [] {
    const std::string body = Get("/metrics")->body;
    const std::string name = "helpdex_response_cache_lookups_total{result=\"hit\"} ";
    const size_t at = body.find(name);
    EXPECT_NE(at, std::string::npos) << body;
    return at == std::string::npos ? -1L : std::stol(body.substr(at + name.size()));
  };
  const long before = hits();
  Search("q=cache+metrics+probe+slow");
  Search("q=cache+metrics+probe+slow");  // the same request again: answered from the cache
  EXPECT_EQ(hits(), before + 1);
}

// --- Search API ------------------------------------------------------------

struct LanguageCase {
  std::string lang;
  std::string query;  // an inflected form where the language's stemmer conflates it
  std::string expected_first_id;
};

void PrintTo(const LanguageCase& c, std::ostream* os) { *os << c.lang << " \"" << c.query << "\""; }

class ServerLanguageTest : public ServerTest,
                           public ::testing::WithParamInterface<LanguageCase> {};

TEST_P(ServerLanguageTest, InflectedQueryFindsTheSlowSiteArticleFirst) {
  const LanguageCase& c = GetParam();
  json body = Search("q=" + Encode(c.query) + "&lang=" + c.lang);
  ASSERT_FALSE(body["results"].empty()) << c.query;
  EXPECT_EQ(body["results"][0]["id"], c.expected_first_id) << c.query;
  for (const json& result : body["results"]) EXPECT_EQ(result["lang"], c.lang);
}

INSTANTIATE_TEST_SUITE_P(
    AllLanguages, ServerLanguageTest,
    ::testing::Values(
        LanguageCase{"en", "websites slow", "en-site-slow"},        // websit, slow
        LanguageCase{"nb", "treg nettsidene", "nb-site-slow"},      // nettsid
        LanguageCase{"tr", "web siteler yavaş", "tr-site-slow"},    // sitem/siteler -> site
        LanguageCase{"cs", "pomalého webu", "cs-site-slow"},        // pomal, web (light stemmer)
        LanguageCase{"ru", "сайта медленный", "ru-site-slow"},      // сайт, медлен
        LanguageCase{"el", "ΑΡΓΟΙ ΙΣΤΟΤΟΠΟΙ", "el-site-slow"}),      // αργ, ιστοτοπ (libstemmer greek)
    [](const ::testing::TestParamInfo<LanguageCase>& info) { return info.param.lang; });

// The done-when of the help-centre issue: a customer on the English home page
// (the default) types the question in their own language and gets the answer
// in that language first. The page language is an analysis hint, not a filter.
TEST_P(ServerLanguageTest, ResultsPageFindsTheQuestionInAnyLanguageFromTheDefaultPage) {
  const std::map<std::string, std::string> customer_questions = {
      {"en", "my site is so slow"},          {"nb", "nettsiden min er veldig treg"},
      {"tr", "sitem çok yavaş açılıyor"},    {"cs", "můj web je hrozně pomalý"},
      {"ru", "мой сайт очень медленно грузится"}, {"el", "ο ιστότοπός μου είναι πολύ αργός"}};
  const LanguageCase& c = GetParam();
  httplib::Result result = Get("/search?q=" + Encode(customer_questions.at(c.lang)));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200);
  const std::string& page = result->body;
  const size_t first_title = page.find("result__title");
  ASSERT_NE(first_title, std::string::npos) << page;
  const size_t link_lang = page.find("?lang=", first_title);
  ASSERT_NE(link_lang, std::string::npos);
  EXPECT_EQ(page.substr(link_lang, 8), "?lang=" + c.lang) << page.substr(first_title, 200);
}

TEST_F(ServerTest, SearchResponseHasTheDocumentedShape) {
  json body = Search("q=websites+slow&lang=en");
  for (const char* field : {"query", "total", "results", "facets", "did_you_mean"}) {
    EXPECT_TRUE(body.contains(field)) << field;
  }
  EXPECT_EQ(body["query"], "websites slow");  // '+' decodes to a space
  ASSERT_FALSE(body["results"].empty());
  const json& first = body["results"][0];
  EXPECT_EQ(first["id"], "en-site-slow");
  EXPECT_EQ(first["type"], "article");
  EXPECT_EQ(first["title"], "My website is slow");
  EXPECT_EQ(first["lang"], "en");
  EXPECT_THAT(first["url"].get<std::string>(), HasSubstr("/articles/website-slow"));
  EXPECT_THAT(first["snippet"].get<std::string>(), HasSubstr("<mark>"));
  EXPECT_TRUE(first["score"].is_number());
  EXPECT_TRUE(body["did_you_mean"].is_null() || body["did_you_mean"].is_string());
  // Facets only when asked for: counting them examines every match.
  EXPECT_EQ(body["facets"], json::object());
  EXPECT_TRUE(Search("q=websites+slow&lang=en&facets=1")["facets"]["lang"].is_object());
}

TEST_F(ServerTest, FacetsParameterMustBeZeroOrOne) {
  httplib::Result result = Get("/api/search?q=slow&facets=yes");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(json::parse(result->body)["error"]["parameter"], "facets");
  EXPECT_EQ(Search("q=IMAP&facets=0")["facets"], json::object());
}

TEST_F(ServerTest, FacetsCountMatchesPerLanguageTagAndType) {
  // One article in four languages: one result (its versions listed on it);
  // the language facet counts every version (what lang= would list), types
  // and tags count articles, as the results do.
  json body = Search("q=IMAP&facets=1");
  EXPECT_EQ(body["total"], 1);
  ASSERT_EQ(body["results"].size(), 1u);
  EXPECT_EQ(body["results"][0]["translations"].size(), 3u);
  EXPECT_EQ(body["facets"]["lang"], json({{"cs", 1}, {"el", 1}, {"en", 1}, {"nb", 1}}));
  EXPECT_EQ(body["facets"]["tag"]["email"], 1);
  EXPECT_EQ(body["facets"]["type"]["article"], 1);
}

TEST_F(ServerTest, LanguageFilterKeepsOnlyThatLanguage) {
  json body = Search("q=IMAP&lang=cs");
  EXPECT_THAT(ResultIds(body), ::testing::ElementsAre("cs-email-setup"));
}

TEST_F(ServerTest, TagFilterIsAnAndOfTags) {
  EXPECT_THAT(ResultIds(Search("q=password&lang=en&tag=security")),
              ::testing::ElementsAre("en-password-reset"));
  EXPECT_THAT(ResultIds(Search("q=password&lang=en&tag=security,account")),
              ::testing::ElementsAre("en-password-reset"));
  EXPECT_TRUE(Search("q=password&lang=en&tag=security,email")["results"].empty());
}

TEST_F(ServerTest, TypeFilterAndPublicViewerSeeNoTickets) {
  EXPECT_EQ(Search("q=IMAP&type=article")["total"], 1);
  EXPECT_TRUE(Search("q=IMAP&type=ticket")["results"].empty());
  ExpectApiError("/api/search?q=IMAP&type=secret", 400, "invalid_parameter", "type");
}

TEST_F(ServerTest, PagingReturnsTheRequestedSlice) {
  json first = Search("q=e-mail&ui=en&size=1&page=1");
  json second = Search("q=e-mail&ui=en&size=1&page=2");
  ASSERT_EQ(first["results"].size(), 1u);
  ASSERT_EQ(second["results"].size(), 1u);
  EXPECT_NE(first["results"][0]["id"], second["results"][0]["id"]);
  EXPECT_EQ(second["page"], 2);
  EXPECT_EQ(second["size"], 1);
  EXPECT_EQ(second["total"], 2);
}

TEST_F(ServerTest, OutOfRangePagingIsClampedNotRejected) {
  json body = Search("q=IMAP&size=500&page=0");
  EXPECT_EQ(body["size"], 50);
  EXPECT_EQ(body["page"], 1);
  EXPECT_EQ(Search("q=IMAP&page=99999999999999999999")["page"], 100);
}

TEST_F(ServerTest, EmptyQueryAnswersWithNoResults) {
  json body = Search("q=");
  EXPECT_EQ(body["total"], 0);
  EXPECT_TRUE(body["results"].empty());
  EXPECT_TRUE(body["did_you_mean"].is_null());
  EXPECT_EQ(Search("")["total"], 0);
}

// --- Errors ----------------------------------------------------------------

TEST_F(ServerTest, BadParametersAreNamedInTheError) {
  ExpectApiError("/api/search?q=x&lang=xx", 400, "invalid_parameter", "lang");
  ExpectApiError("/api/search?q=x&page=two", 400, "invalid_parameter", "page");
  ExpectApiError("/api/search?q=x&size=1e3", 400, "invalid_parameter", "size");
  ExpectApiError("/api/search?q=%FF", 400, "invalid_parameter", "q");
  ExpectApiError("/api/search?q=a%00b", 400, "invalid_parameter", "q");
  ExpectApiError("/api/search?q=%C0%AF", 400, "invalid_parameter", "q");  // overlong '/'
  ExpectApiError("/api/search?q=%zz", 400, "invalid_parameter", "q");
  ExpectApiError("/api/search?q=x&tag=%ED%A0%80", 400, "invalid_parameter", "tag");  // surrogate
}

TEST_F(ServerTest, LongQueryIsRejectedNamingQ) {
  ExpectApiError("/api/search?q=" + std::string(2000, 'a'), 400, "query_too_long", "q");
  httplib::Result page = Get("/search?q=" + std::string(2000, 'a'));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 400);
  EXPECT_THAT(page->get_header_value("Content-Type"), HasSubstr("text/html"));
}

TEST_F(ServerTest, HugeRequestIsRefusedAndTheServerLivesOn) {
  for (size_t size : {size_t{100} * 1024, size_t{10} * 1024 * 1024}) {
    httplib::Result result = Get("/api/search?q=" + std::string(size, 'a'));
    // Pistache answers 413 and closes; the client may also fail while still
    // sending. Either way no library text, and the server keeps serving.
    if (result) {
      EXPECT_THAT(result->status, ::testing::AnyOf(413, 414)) << size;
      ExpectNoLibraryText(result->body);
    }
    EXPECT_EQ(GetJson("/healthz")["status"], "ok");
  }
}

TEST_F(ServerTest, UnknownApiPathIsJson404) {
  ExpectApiError("/api/nope", 404, "not_found", "");
}

TEST_F(ServerTest, UnknownPageIsHtml404) {
  for (const char* path : {"/nope", "/articles/no-such-article", "/articles/..%2F..%2Fetc%2Fpasswd",
                           "/articles/UPPER", "/articles/website-slow?lang=xx"}) {
    httplib::Result result = Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_THAT(result->status, ::testing::AnyOf(404, 400)) << path;
    EXPECT_EQ(result->get_header_value("Content-Type"), "text/html; charset=utf-8") << path;
    EXPECT_THAT(result->body, HasSubstr("<html lang=\"en\"")) << path;
    ExpectNoLibraryText(result->body);
  }
  EXPECT_EQ(Get("/articles/no-such-article")->status, 404);
  EXPECT_THAT(Get("/nope")->body, HasSubstr("Page not found"));
}

TEST_F(ServerTest, StaticFilesAreServedByExactNameOnly) {
  httplib::Result css = Get("/static/style.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_FALSE(css->get_header_value("ETag").empty());
  httplib::Result cached = Get("/static/style.css", {{"If-None-Match", css->get_header_value("ETag")}});
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  for (const char* path :
       {"/static/..%2f..%2fetc%2fpasswd", "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/%252e%252e%252fetc%252fpasswd", "/static/style.css%00.png", "/static/../i18n.json",
        "/static/", "/static/sub/style.css", "/static/STYLE.CSS"}) {
    httplib::Result result = Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 404) << path;
    EXPECT_THAT(result->body, Not(HasSubstr("root:"))) << path;
  }
}

// --- Pages -----------------------------------------------------------------

void ExpectPageHeaders(const httplib::Result& result, const std::string& language) {
  ASSERT_TRUE(result);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(result->get_header_value("Content-Security-Policy"),
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(result->get_header_value("Referrer-Policy"), "same-origin");
  EXPECT_EQ(result->get_header_value("Content-Language"), language);
  EXPECT_EQ(result->get_header_value("Vary"), "Cookie, Accept-Language");
  EXPECT_THAT(result->body, HasSubstr("<html lang=\"" + language + "\""));
  // The CSP forbids inline script and style; the templates must not need them.
  // Scripts come only from /static/ files (suggest.js), never inline.
  for (size_t at = result->body.find("<script"); at != std::string::npos;
       at = result->body.find("<script", at + 1)) {
    EXPECT_EQ(result->body.compare(at, 21, "<script src=\"/static/"), 0)
        << result->body.substr(at, 60);
  }
  EXPECT_THAT(result->body, Not(HasSubstr("style=")));
}

TEST_F(ServerTest, HomePageHasALabelledSearchForm) {
  httplib::Result result = Get("/");
  ExpectPageHeaders(result, "en");
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("<label class=\"search-form__label\" for=\"search-q\">"));
  EXPECT_THAT(result->body, HasSubstr("action=\"/search\""));
  EXPECT_THAT(result->body, HasSubstr("<main id=\"main\""));
  EXPECT_THAT(result->body, HasSubstr("<header"));
}

TEST_F(ServerTest, AcceptLanguagePicksTheInterfaceLanguage) {
  httplib::Result norwegian = Get("/", {{"Accept-Language", "nb-NO,nb;q=0.9,en;q=0.5"}});
  ExpectPageHeaders(norwegian, "nb");
  EXPECT_THAT(norwegian->body, HasSubstr("Søk"));
  ExpectPageHeaders(Get("/", {{"Accept-Language", "fr;q=1, no;q=0.8, en;q=0.5"}}), "nb");
  ExpectPageHeaders(Get("/", {{"Accept-Language", "en;q=0.2, tr;q=0.9"}}), "tr");
  ExpectPageHeaders(Get("/", {{"Accept-Language", "de"}}), "en");
  // ui= and lang= come before the header.
  ExpectPageHeaders(Get("/?ui=ru", {{"Accept-Language", "nb"}}), "ru");
  ExpectPageHeaders(Get("/search?q=web&lang=cs", {{"Accept-Language", "nb"}}), "cs");
}

TEST_F(ServerTest, ResultsPageHighlightsAndLinksToTheSection) {
  httplib::Result result = Get("/search?q=websites+slow&lang=en");
  ExpectPageHeaders(result, "en");
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("<mark>"));
  EXPECT_THAT(result->body, HasSubstr("My website is slow</a>"));
  EXPECT_THAT(result->body, HasSubstr("&#x2F;articles&#x2F;website-slow?lang=en"));
  EXPECT_THAT(result->body, HasSubstr("value=\"websites slow\""));
  // Facet links and the way back to all languages keep the interface language.
  EXPECT_THAT(result->body, HasSubstr("Search in all languages"));
  EXPECT_THAT(result->body, HasSubstr("ui=en"));
}

TEST_F(ServerTest, ResultsPageShowsCountsFacetsAndPaging) {
  httplib::Result result = Get("/search?q=e-mail+IMAP&size=1&ui=en");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("2 results"));
  EXPECT_THAT(result->body, HasSubstr("Čeština"));                  // lang facet, by autonym
  EXPECT_THAT(result->body, HasSubstr("lang=cs&amp;ui=en"));         // adds the filter
  EXPECT_THAT(result->body, HasSubstr("rel=\"next\""));
  EXPECT_THAT(result->body, HasSubstr("page=2"));
  httplib::Result russian = Get("/search?q=e-mail+IMAP&ui=ru");
  EXPECT_THAT(russian->body, HasSubstr("2 результата"));  // Russian "few" plural form
}

TEST_F(ServerTest, ResultsPageSaysWhenNothingWasFound) {
  httplib::Result result = Get("/search?q=qqqqnothing&lang=nb");
  ExpectPageHeaders(result, "nb");
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("Fant ingen artikler"));
  httplib::Result empty = Get("/search?q=");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_THAT(empty->body, HasSubstr("Type a question"));
}

TEST_F(ServerTest, ATypoThatFindsNothingShowsTheCorrectedResultsAndSaysSo) {
  json body = Search("q=wesbite+slow&lang=en");
  EXPECT_EQ(body["query"], "wesbite slow");
  ASSERT_FALSE(body["results"].empty());
  EXPECT_EQ(body["results"][0]["id"], "en-site-slow");
  httplib::Result page = Get("/search?q=wesbite+sloow&ui=en");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("Showing results for"));
  EXPECT_THAT(page->body, HasSubstr("<strong>website slow</strong>"));
  EXPECT_THAT(page->body, HasSubstr("<em>wesbite sloow</em>"));
}

TEST_F(ServerTest, ResultsInAnotherLanguageAreLabelledOnThePage) {
  json body = Search("q=" + Encode("сайт медленно"));
  EXPECT_EQ(body["query_lang"], "ru");
  // The password article has no Norwegian version: shown, flagged.
  httplib::Result page = Get("/search?q=password&ui=nb");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("På et annet språk"));
  // The e-mail article has one: the Norwegian version, unflagged.
  httplib::Result translated = Get("/search?q=imap&ui=nb");
  ASSERT_TRUE(translated);
  EXPECT_THAT(translated->body, HasSubstr("email-setup?lang=nb"));
  EXPECT_THAT(translated->body, Not(HasSubstr("På et annet språk")));
}

TEST_F(ServerTest, QueryIsEscapedEverywhereItIsEchoed) {
  for (const std::string query : {"<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
                                  "'; javascript:alert(1) //"}) {
    httplib::Result page = Get("/search?q=" + Encode(query));
    ASSERT_TRUE(page) << query;
    EXPECT_EQ(page->status, 200) << query;
    // The page's own <script src="/static/..."> tag is expected; the query's is not.
    EXPECT_THAT(page->body, Not(HasSubstr("<script>")));
    EXPECT_THAT(page->body, Not(HasSubstr("<img")));
    EXPECT_THAT(page->body, Not(HasSubstr("\"><img")));
    EXPECT_THAT(page->body, Not(HasSubstr("'; javascript")));
    json api = Search("q=" + Encode(query));
    EXPECT_EQ(api["query"], query);
  }
  EXPECT_THAT(Get("/search?q=" + Encode("<script>alert(1)</script>"))->body,
              HasSubstr("value=\"&lt;script&gt;alert(1)&lt;&#x2F;script&gt;\""));
  EXPECT_THAT(Get("/search?q=" + Encode("\"><img src=x onerror=alert(1)>"))->body,
              HasSubstr("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""));
}

TEST_F(ServerTest, ArticlePageShowsAnswerTagsAndTranslations) {
  httplib::Result result = Get("/articles/website-slow?lang=en");
  ExpectPageHeaders(result, "en");
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("<h1>My website is slow</h1>"));
  EXPECT_THAT(result->body, HasSubstr("Turn on caching and compress your images."));
  EXPECT_THAT(result->body, HasSubstr(">Performance</a>"));  // the topic by its name (topic_performance)
  EXPECT_THAT(result->body, HasSubstr("2026-10-12"));
  EXPECT_THAT(result->body, HasSubstr("Nettsiden min er treg"));          // translation link
  EXPECT_THAT(result->body, HasSubstr("rel=\"alternate\" hreflang=\"nb\""));
  EXPECT_THAT(result->body, HasSubstr("<article lang=\"en\">"));
}

TEST_F(ServerTest, LangPicksAmongArticlesSharingASlug) {
  httplib::Result norwegian = Get("/articles/email-setup?lang=nb");
  ExpectPageHeaders(norwegian, "nb");
  EXPECT_THAT(norwegian->body, HasSubstr("Sette opp e-post på mobilen"));
  httplib::Result russian = Get("/articles/website-slow?lang=ru");
  ExpectPageHeaders(russian, "ru");
  EXPECT_THAT(russian->body, HasSubstr("Мой сайт медленно работает"));
}

TEST_F(ServerTest, ArticleMarkdownCannotInjectScript) {
  httplib::Result result = Get("/articles/unsafe-markdown?lang=en");
  ExpectPageHeaders(result, "en");
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(result->body, HasSubstr("Embedding widgets safely"));
  EXPECT_THAT(result->body, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(result->body, Not(HasSubstr("javascript:")));
}

TEST_F(ServerTest, InternalArticleIsInvisibleEverywhere) {
  json api = Search("q=zqxjkvinternal");
  EXPECT_EQ(api["total"], 0);
  EXPECT_TRUE(api["results"].empty());
  EXPECT_THAT(api.dump(), Not(HasSubstr("runbook")));
  EXPECT_TRUE(Search("q=zqxjkvinternal&lang=en")["results"].empty());
  httplib::Result page = Get("/search?q=zqxjkvinternal");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, Not(HasSubstr("runbook")));
  EXPECT_THAT(page->body, Not(HasSubstr("internal-runbook")));
  for (const char* path : {"/articles/internal-runbook", "/articles/internal-runbook?lang=en"}) {
    httplib::Result article = Get(path);
    ASSERT_TRUE(article);
    EXPECT_EQ(article->status, 404) << path;
    EXPECT_THAT(article->body, Not(HasSubstr("zqxjkvinternal"))) << path;
  }
}

TEST_F(ServerTest, HeadRequestsDoNotCrashTheServer) {
  httplib::Client client = Client();
  httplib::Result result = client.Head("/healthz");
  ASSERT_TRUE(result);
  // Answered like GET (the edge routes HEAD as GET; language_seo_test.cc
  // compares the two byte for byte).
  EXPECT_EQ(result->status, 200);
  EXPECT_TRUE(result->body.empty());
  EXPECT_EQ(GetJson("/healthz")["status"], "ok");
}

// --- Re-indexing while serving --------------------------------------------

// Its own suite, so that it re-indexes an index no other test reads.
class ServerReindexTest : public helpdex::testing::HelpCentreTest {
 protected:
  static void SetUpTestSuite() { SetUpHelpCentre({.content_dir = kFixtureKb}); }
};

TEST_F(ServerReindexTest, ReindexingWhileServingLosesNoRequest) {
  ASSERT_NE(server(), nullptr);
  fs::path index = index_dir();

  std::atomic<bool> stop = false;
  std::atomic<int> answered = 0;
  std::atomic<int> failed = 0;
  std::thread client_thread([&] {
    httplib::Client client = Client();
    while (!stop) {
      httplib::Result result = client.Get("/api/search?q=website&lang=en");
      if (result && result->status == 200) {
        ++answered;
      } else {
        ++failed;
      }
    }
  });

  IndexOrDie(kFixtureKb, index);  // same content: a new generation all the same
  fs::path modified = root() / "content";
  fs::copy(kFixtureKb, modified, fs::copy_options::recursive);
  std::ofstream(modified / "en" / "new-article.md") << R"(---
id: en-new-article
title: Brand new quokkaword article
lang: en
slug: new-article
tags: [news]
audience: public
translation_key: new-article
reviewed: 2026-11-01
answer: >-
  The quokkaword answer.
---
Only in the second re-index: quokkaword.
)";
  IndexOrDie(modified, index);

  httplib::Client client = Client();
  bool found = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!found && std::chrono::steady_clock::now() < deadline) {
    httplib::Result result = client.Get("/api/search?q=quokkaword");
    if (result && result->status == 200) {
      json body = json::parse(result->body);
      found = !body["results"].empty() && body["results"][0]["id"] == "en-new-article";
    }
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  client_thread.join();
  StopServer();

  EXPECT_TRUE(found) << "the new generation was not served within 5 s";
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(failed.load(), 0);
}

}  // namespace
}  // namespace helpdex::server

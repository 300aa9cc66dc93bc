// Article files: YAML front matter between --- lines, then Markdown.
#include "helpdex/indexer/article.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <memory>
#include <regex>
#include <set>

#include "helpdex/indexer/categories.h"
#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"
#include "helpdex/search/text.h"

namespace helpdex::indexer {
namespace {

using nlohmann::json;

Error InvalidAt(std::string_view path, int line, std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), std::string(path) + ":" + std::to_string(line)};
}

// 1-based line of the byte at `offset`.
int LineOf(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// Offset of the first line holding invalid UTF-8, or npos.
size_t FirstInvalidUtf8Offset(std::string_view text) {
  if (search::IsValidUtf8(text)) return std::string_view::npos;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    if (!search::IsValidUtf8(text.substr(start, end - start))) return start;
    start = end;
  }
  return std::string_view::npos;
}

std::string StripCarriageReturns(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') continue;
    out += bytes[i];
  }
  return out;
}

json YamlToJson(const YAML::Node& node, int depth = 0) {
  if (depth > 32) return nullptr;
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const YAML::Node& item : node) array.push_back(YamlToJson(item, depth + 1));
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& item : node) {
        object[item.first.Scalar()] = YamlToJson(item.second, depth + 1);
      }
      return object;
    }
    case YAML::NodeType::Scalar:
      return node.Scalar();
    default:
      return nullptr;
  }
}

// Reads front-matter fields, remembering which were consumed so that the
// unknown ones can be kept.
class FrontMatter {
 public:
  FrontMatter(std::string_view path, const YAML::Node& root, int first_line)
      : path_(path), root_(root), first_line_(first_line) {}

  int LineOfField(const std::string& key) const {
    const YAML::Node node = root_[key];
    if (node && node.Mark().line >= 0) return first_line_ + node.Mark().line;
    return first_line_ - 1;  // the opening --- line
  }

  // A scalar field; nullopt when absent. Errors when present but not a scalar.
  Result<std::optional<std::string>> Scalar(const std::string& key) {
    used_.insert(key);
    const YAML::Node node = root_[key];
    if (!node || node.IsNull()) return std::optional<std::string>();
    if (!node.IsScalar()) {
      return InvalidAt(path_, LineOfField(key), "front matter field '" + key + "' must be a single value");
    }
    return std::optional<std::string>(node.Scalar());
  }

  Result<std::string> Required(const std::string& key) {
    Result<std::optional<std::string>> value = Scalar(key);
    if (!value.ok()) return value.error();
    if (!value->has_value() || (*value)->empty()) {
      return InvalidAt(path_, first_line_ - 1, "front matter is missing the required field '" + key + "'");
    }
    return **value;
  }

  Result<std::vector<std::string>> List(const std::string& key) {
    used_.insert(key);
    const YAML::Node node = root_[key];
    std::vector<std::string> items;
    if (!node || node.IsNull()) return items;
    if (node.IsScalar()) {
      items.push_back(node.Scalar());
      return items;
    }
    if (!node.IsSequence()) {
      return InvalidAt(path_, LineOfField(key), "front matter field '" + key + "' must be a list");
    }
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) {
        return InvalidAt(path_, LineOfField(key), "front matter field '" + key + "' must be a list of words");
      }
      items.push_back(item.Scalar());
    }
    return items;
  }

  std::string UnknownFieldsJson() const {
    json extra = json::object();
    for (const auto& item : root_) {
      const std::string key = item.first.Scalar();
      if (!used_.count(key)) extra[key] = YamlToJson(item.second);
    }
    return extra.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  Error At(const std::string& key, std::string message) const {
    return InvalidAt(path_, LineOfField(key), "front matter field '" + key + "': " + message);
  }

 private:
  std::string_view path_;
  YAML::Node root_;
  int first_line_;  // file line of the YAML's first line
  std::set<std::string> used_;
};

bool IsIsoDate(const std::string& date) {
  static const std::regex kDate(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  return std::regex_match(date, kDate);
}

bool IsValidId(const std::string& id) {
  if (id.size() > 200) return false;
  for (unsigned char c : id) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

std::string FileStem(std::string_view path) {
  std::string name(path.substr(path.find_last_of('/') + 1));
  if (const size_t dot = name.rfind('.'); dot != std::string::npos) name.resize(dot);
  return name;
}

}  // namespace

Result<FrontMatterSplit> SplitFrontMatter(std::string_view path, std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  const std::string text = StripCarriageReturns(bytes);
  if (text.rfind("---\n", 0) != 0 && text != "---") {
    return InvalidAt(path, 1, "the file must start with a '---' line opening the front matter");
  }
  size_t line_start = 4;
  int line = 2;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    const std::string_view current(text.data() + line_start, line_end - line_start);
    if (current == "---" || current == "...") {
      FrontMatterSplit split;
      split.yaml = text.substr(4, line_start - 4);
      split.body = line_end < text.size() ? text.substr(line_end + 1) : std::string();
      split.body_first_line = line + 1;
      return split;
    }
    line_start = line_end + 1;
    ++line;
  }
  return InvalidAt(path, 1, "the front matter opened here is never closed with a '---' line");
}

Result<search::DocumentRecord> ParseArticle(std::string_view path, std::string_view bytes,
                                            const CategoryFiles* categories) {
  if (bytes.size() > kMaxArticleBytes) {
    return InvalidAt(path, 1, "the file is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                                  std::to_string(kMaxArticleBytes));
  }
  if (const size_t bad = FirstInvalidUtf8Offset(bytes); bad != std::string_view::npos) {
    return InvalidAt(path, LineOf(bytes, bad), "the file is not valid UTF-8");
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return InvalidAt(path, LineOf(bytes, bytes.find('\0')), "the file contains a NUL byte");
  }
  Result<FrontMatterSplit> split = SplitFrontMatter(path, bytes);
  if (!split.ok()) return split.error();

  YAML::Node root;
  try {
    root = YAML::Load(split->yaml);
  } catch (const YAML::Exception& e) {
    return InvalidAt(path, 2 + std::max(0, e.mark.line), "front matter is not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) return InvalidAt(path, 2, "front matter must be a YAML mapping of fields");

  FrontMatter fields(path, root, 2);
  search::DocumentRecord record;
  record.source_path = std::string(path);

  Result<std::string> id = fields.Required("id");
  if (!id.ok()) return id.error();
  if (!IsValidId(*id)) return fields.At("id", "must be at most 200 characters without spaces");
  record.id = *id;

  Result<std::string> title = fields.Required("title");
  if (!title.ok()) return title.error();
  record.title = *title;

  Result<std::string> lang = fields.Required("lang");
  if (!lang.ok()) return lang.error();
  std::optional<Language> language = ParseLanguage(*lang);
  if (!language || *lang != LanguageCode(*language)) {
    return fields.At("lang", "unknown language '" + *lang + "' (expected one of " +
                                 std::string(SupportedLanguageList()) + ")");
  }
  record.language = *language;

  Result<std::optional<std::string>> slug = fields.Scalar("slug");
  if (!slug.ok()) return slug.error();
  record.slug = slug->value_or(FileStem(path));
  if (!IsValidSlug(record.slug)) {
    return fields.At("slug", "'" + record.slug + "' must be lower-case a-z, 0-9 and single hyphens");
  }

  Result<std::vector<std::string>> tags = fields.List("tags");
  if (!tags.ok()) return tags.error();
  record.tags = *tags;

  Result<std::optional<std::string>> audience = fields.Scalar("audience");
  if (!audience.ok()) return audience.error();
  record.audience = audience->value_or("public");
  if (record.audience != "public" && record.audience != "internal") {
    return fields.At("audience", "must be 'public' or 'internal', not '" + record.audience + "'");
  }

  Result<std::optional<std::string>> translation_key = fields.Scalar("translation_key");
  if (!translation_key.ok()) return translation_key.error();
  record.translation_key = translation_key->value_or(record.id);

  Result<std::optional<std::string>> reviewed = fields.Scalar("reviewed");
  if (!reviewed.ok()) return reviewed.error();
  record.reviewed = reviewed->value_or("");
  if (!record.reviewed.empty() && !IsIsoDate(record.reviewed)) {
    return fields.At("reviewed", "'" + record.reviewed + "' is not an ISO date (YYYY-MM-DD)");
  }

  Result<std::optional<std::string>> answer = fields.Scalar("answer");
  if (!answer.ok()) return answer.error();
  record.answer = answer->value_or("");
  if (!record.answer.empty()) {
    // Agents paste the answer as Markdown (as written) or as plain text, and
    // pages show it rendered.
    Result<CheckedMarkdown> checked_answer = CheckArticleMarkdown(record.answer);
    if (!checked_answer.ok()) return fields.At("answer", checked_answer.error().message);
    RenderedMarkdown answer_rendered = RenderArticleMarkdown(*checked_answer);
    record.answer_html = std::move(answer_rendered.html);
    for (const search::Section& part : answer_rendered.sections) {
      if (!part.title.empty()) record.answer_text += part.title + "\n";
      record.answer_text += part.text;
    }
    while (!record.answer_text.empty() && record.answer_text.back() == '\n') record.answer_text.pop_back();
  }

  Result<std::optional<std::string>> category = fields.Scalar("category");
  if (!category.ok()) return category.error();
  record.category = category->value_or("");
  if (!record.category.empty() && !IsValidSlug(record.category)) {
    return fields.At("category", "'" + record.category +
                                     "' must be a category key (lower-case a-z, 0-9 and single hyphens)");
  }
  if (categories != nullptr) {
    const std::string where = std::string(path) + ":" + std::to_string(fields.LineOfField("category"));
    Result<bool> applied = ApplyCategory(record, *categories, where);
    if (!applied.ok()) return applied.error();
  }

  record.extra_json = fields.UnknownFieldsJson();
  Result<CheckedMarkdown> checked_body = CheckArticleMarkdown(split->body);
  if (!checked_body.ok()) {
    // The check counts the body's lines; the file's line is further down.
    const int body_line = checked_body.error().where.empty() ? 1 : std::stoi(checked_body.error().where);
    return InvalidAt(path, split->body_first_line + body_line - 1, checked_body.error().message);
  }
  RenderedMarkdown rendered = RenderArticleMarkdown(*checked_body);
  record.html = std::move(rendered.html);
  record.sections = std::move(rendered.sections);
  record.links = std::move(rendered.links);
  return record;
}

namespace {

// Any script to ASCII ("Převod domény" -> "Prevod domeny", "Перенос домена"
// -> "Perenos domena"), so that every language gets a readable slug. ASCII
// text is returned as it is without asking ICU. The transliterator is made
// once per thread (creating one compiles its rules: about a millisecond) and
// is not shared, because an ICU Transliterator is not thread-safe.
std::string ToAscii(std::string_view text) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::string(text);
  }
  thread_local std::unique_ptr<icu::Transliterator> to_ascii = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(
        icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(made) : nullptr;
  }();
  if (!to_ascii) return std::string(text);  // no ICU data: the ASCII letters of the text still count
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  to_ascii->transliterate(unicode);
  std::string ascii;
  unicode.toUTF8String(ascii);
  return ascii;
}

bool IsSlugCharacter(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The readable part of a derived slug: at most this many bytes, so that the
// hash suffix still fits in kMaxSlugBytes.
constexpr size_t kMaxReadableSlugBytes = 80;
// Hex digits of the id's hash after the readable part: 40 bits, so two ids
// with the same readable part collide once in about a trillion pairs.
constexpr size_t kSlugHashDigits = 10;

}  // namespace

bool IsValidSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugBytes) return false;
  if (slug.front() == '-' || slug.back() == '-') return false;
  for (size_t i = 0; i < slug.size(); ++i) {
    if (slug[i] == '-' ? slug[i - 1] == '-' : !IsSlugCharacter(slug[i])) return false;
  }
  return true;
}

std::string SlugForId(std::string_view id) {
  if (IsValidSlug(id)) return std::string(id);
  std::string readable;
  for (char c : ToAscii(id)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (IsSlugCharacter(c)) {
      if (readable.size() == kMaxReadableSlugBytes) break;
      readable.push_back(c);
    } else if (!readable.empty() && readable.back() != '-') {
      if (readable.size() + 1 >= kMaxReadableSlugBytes) break;
      readable.push_back('-');
    }
  }
  while (!readable.empty() && readable.back() == '-') readable.pop_back();
  if (readable.empty()) readable = "doc";
  // The first digits of FNV-1a 64: its high bits are the well-mixed ones.
  return readable + '-' + search::schema::SourceHash(id).substr(0, kSlugHashDigits);
}

std::string SlugFrom(std::string_view raw, size_t max_words) {
  const std::string text = ToAscii(raw);
  std::string slug;
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    if (!keep) {
      in_word = false;
      continue;
    }
    if (!in_word) {
      if (words == max_words) break;
      if (!slug.empty()) slug.push_back('-');
      ++words;
      in_word = true;
    }
    slug.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  return slug;
}

std::string WriteArticle(const ArticleDraft& draft) {
  const std::string slug = draft.slug.empty() ? SlugFrom(draft.title) : draft.slug;
  YAML::Emitter yaml;
  yaml << YAML::BeginMap;
  yaml << YAML::Key << "id" << YAML::Value << draft.id;
  yaml << YAML::Key << "title" << YAML::Value << YAML::DoubleQuoted << draft.title;
  yaml << YAML::Key << "lang" << YAML::Value << std::string(LanguageCode(draft.language));
  yaml << YAML::Key << "slug" << YAML::Value << slug;
  yaml << YAML::Key << "tags" << YAML::Value << YAML::Flow << draft.tags;
  yaml << YAML::Key << "audience" << YAML::Value << "public";
  yaml << YAML::Key << "translation_key" << YAML::Value
       << (draft.translation_key.empty() ? slug : draft.translation_key);
  if (!draft.answer.empty()) {
    yaml << YAML::Key << "answer" << YAML::Value << YAML::DoubleQuoted << draft.answer;
  }
  if (!draft.draft_note.empty()) {
    yaml << YAML::Key << "draft" << YAML::Value << YAML::DoubleQuoted << draft.draft_note;
  }
  yaml << YAML::EndMap;
  std::string body = draft.body;
  if (!body.empty() && body.back() != '\n') body.push_back('\n');
  return "---\n" + std::string(yaml.c_str()) + "\n---\n\n" + body;
}

}  // namespace helpdex::indexer

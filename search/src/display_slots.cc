#include "display_slots.h"

#include <optional>
#include <stdexcept>

#include "helpdex/search/analysis.h"
#include "helpdex/search/schema.h"

namespace helpdex::search {
namespace {

// Version 2 added the category fields at the end; version 1 slots (an index
// written before) are still read, without a category.
constexpr char kDisplayVersion = '\x02';
constexpr char kDisplayVersionWithoutCategory = '\x01';
constexpr char kSectionTextVersion = '\x01';

class FieldWriter {
 public:
  explicit FieldWriter(char version) { bytes_ += version; }
  void Count(size_t n) {
    do {
      unsigned char byte = n & 0x7f;
      n >>= 7;
      if (n != 0) byte |= 0x80;
      bytes_ += static_cast<char>(byte);
    } while (n != 0);
  }
  void Text(std::string_view text) {
    Count(text.size());
    bytes_ += text;
  }
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class FieldReader {
 public:
  FieldReader(std::string_view bytes, char version) : rest_(bytes) {
    ok_ = !rest_.empty() && rest_.front() == version;
    if (ok_) rest_.remove_prefix(1);
  }
  std::optional<size_t> Count() {
    size_t n = 0;
    for (int shift = 0; ok_ && shift < 64; shift += 7) {
      if (rest_.empty()) break;
      const unsigned char byte = static_cast<unsigned char>(rest_.front());
      rest_.remove_prefix(1);
      n |= static_cast<size_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return n;
    }
    ok_ = false;
    return std::nullopt;
  }
  bool Text(std::string& out) {
    const std::optional<size_t> size = Count();
    if (!size || *size > rest_.size()) return ok_ = false;
    out.assign(rest_.substr(0, *size));
    rest_.remove_prefix(*size);
    return true;
  }
  // Each item of a list; refuses a count larger than the bytes could hold.
  std::optional<size_t> ListSize() {
    const std::optional<size_t> count = Count();
    if (!count || *count > rest_.size()) {
      ok_ = false;
      return std::nullopt;
    }
    return count;
  }
  bool Finished() const { return ok_ && rest_.empty(); }

 private:
  std::string_view rest_;
  bool ok_ = false;
};

}  // namespace

std::string OpeningOf(const DisplayRecord& record) {
  for (const Section& section : record.sections) {
    if (!section.text.empty()) return CutUtf8(section.text, kOpeningBytes);
  }
  return "";
}

std::string EncodeDisplaySlot(const DisplayRecord& record) {
  FieldWriter out(kDisplayVersion);
  for (const std::string* field :
       {&record.id, &record.type, &record.title, &record.slug, &record.audience, &record.translation_key,
        &record.reviewed, &record.answer, &record.answer_text, &record.answer_html, &record.created}) {
    out.Text(*field);
  }
  out.Text(LanguageCode(record.language));
  out.Text(record.opening.empty() ? OpeningOf(record) : record.opening);
  out.Count(record.tags.size());
  for (const std::string& tag : record.tags) out.Text(tag);
  out.Count(record.sections.size());
  for (const Section& section : record.sections) {
    out.Text(section.anchor);
    out.Text(section.title);
  }
  out.Text(record.category);
  out.Text(record.category_title);
  out.Text(record.category_description);
  out.Text(std::to_string(record.category_rank));
  out.Text(std::to_string(record.category_article_rank));
  return out.Take();
}

namespace {

bool ReadRank(FieldReader& in, int& rank) {
  std::string text;
  if (!in.Text(text) || text.empty() || text.size() > 6) return false;
  size_t used = 0;
  try {
    rank = std::stoi(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

}  // namespace

bool DecodeDisplaySlot(std::string_view bytes, DisplayRecord& record) {
  const bool with_category = bytes.empty() || bytes.front() != kDisplayVersionWithoutCategory;
  FieldReader in(bytes, with_category ? kDisplayVersion : kDisplayVersionWithoutCategory);
  for (std::string* field :
       {&record.id, &record.type, &record.title, &record.slug, &record.audience, &record.translation_key,
        &record.reviewed, &record.answer, &record.answer_text, &record.answer_html, &record.created}) {
    if (!in.Text(*field)) return false;
  }
  std::string lang;
  if (!in.Text(lang) || !in.Text(record.opening)) return false;
  const std::optional<Language> language = ParseLanguage(lang);
  if (!language) return false;
  record.language = *language;
  const std::optional<size_t> tags = in.ListSize();
  if (!tags) return false;
  record.tags.assign(*tags, "");
  for (std::string& tag : record.tags) {
    if (!in.Text(tag)) return false;
  }
  const std::optional<size_t> sections = in.ListSize();
  if (!sections) return false;
  record.sections.assign(*sections, Section{});
  for (Section& section : record.sections) {
    if (!in.Text(section.anchor) || !in.Text(section.title)) return false;
  }
  if (with_category) {
    if (!in.Text(record.category) || !in.Text(record.category_title) || !in.Text(record.category_description) ||
        !ReadRank(in, record.category_rank) || !ReadRank(in, record.category_article_rank)) {
      return false;
    }
  }
  return in.Finished();
}

std::string EncodeSectionTextSlot(const DisplayRecord& record) {
  FieldWriter out(kSectionTextVersion);
  if (record.type == schema::kTypeTicket) {
    out.Count(2);
    out.Text(record.problem);
    out.Text(record.resolution);
    return out.Take();
  }
  out.Count(record.sections.size());
  for (const Section& section : record.sections) out.Text(section.text);
  return out.Take();
}

bool DecodeSectionTextSlot(std::string_view bytes, DisplayRecord& record) {
  FieldReader in(bytes, kSectionTextVersion);
  const std::optional<size_t> count = in.ListSize();
  if (!count) return false;
  if (record.type == schema::kTypeTicket) {
    return *count == 2 && in.Text(record.problem) && in.Text(record.resolution) && in.Finished();
  }
  if (*count != record.sections.size()) return false;
  for (Section& section : record.sections) {
    if (!in.Text(section.text)) return false;
  }
  return in.Finished();
}

}  // namespace helpdex::search

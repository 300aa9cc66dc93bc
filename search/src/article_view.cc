// The table of contents and the meta description of an article page.
#include "helpdex/search/article_view.h"

namespace helpdex::search {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

bool StartsCharacter(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

// Appends `text` to `out` with every run of white space as one space.
void AppendCollapsed(std::string_view text, std::string& out) {
  for (char c : text) {
    if (IsSpace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
}

// The plain text a description is cut from: the answer, else the body.
std::string DescriptionSource(const DisplayRecord& record) {
  std::string text;
  if (!record.answer.empty()) {
    AppendCollapsed(record.answer_text.empty() ? record.answer : record.answer_text, text);
  }
  for (const Section& section : record.sections) {
    // More than enough, in bytes: a character is at most 4.
    if (text.size() > 4 * kMetaDescriptionChars) break;
    if (!record.answer.empty()) break;
    AppendCollapsed(section.text, text);
    if (!text.empty() && text.back() != ' ') text += ' ';
  }
  if (text.empty()) AppendCollapsed(record.opening, text);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

size_t CountCharacters(std::string_view text) {
  size_t characters = 0;
  for (char c : text) characters += StartsCharacter(c);
  return characters;
}

}  // namespace

std::vector<Section> TableOfContents(const DisplayRecord& record) {
  std::vector<Section> entries;
  for (const Section& section : record.sections) {
    if (section.level == 2 && !section.anchor.empty()) entries.push_back(Section{section.anchor, section.title, "", 2});
  }
  if (entries.size() < kMinTocSections) entries.clear();
  return entries;
}

std::string MetaDescription(const DisplayRecord& record) {
  const std::string text = DescriptionSource(record);
  if (CountCharacters(text) <= kMetaDescriptionChars) return text;
  // Too long: keep the whole words that fit in front of "…" (a first word
  // longer than that is cut where it must be).
  size_t characters = 0;
  size_t end = 0;         // byte where the kept characters end
  size_t word_end = 0;    // byte where the last whole word ends
  for (; end < text.size(); ++end) {
    if (!StartsCharacter(text[end])) continue;
    if (characters == kMetaDescriptionChars - 1) break;
    if (text[end] == ' ') word_end = end;
    ++characters;
  }
  if (end < text.size() && text[end] == ' ') word_end = end;
  std::string cut = text.substr(0, word_end > 0 ? word_end : end);
  while (!cut.empty() && (cut.back() == ' ' || cut.back() == ',' || cut.back() == ';' || cut.back() == ':')) {
    cut.pop_back();
  }
  return cut + "…";
}

}  // namespace helpdex::search

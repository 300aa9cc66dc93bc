// MarkdownToPlainText(): a single pass over each line; every lookahead (a
// link's closing bracket and parenthesis, an autolink's '>') is bounded by
// kMaxLookahead, so hostile text costs at most a constant per byte.
#include "helpdex/search/markdown_text.h"

#include <algorithm>
#include <cctype>

namespace helpdex::search {
namespace {

constexpr size_t kMaxLookahead = 500;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool IsPunct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A link destination worth showing as text: the web, mail, or a path on this
// site. Anything else (javascript:, data:, ...) is left out altogether.
bool ShowableUrl(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:") ||
         (url.starts_with("/") && !url.starts_with("//"));
}

void Inline(std::string_view text, std::string& out);

// "[text](url ...)" at `open` (text[open] == '['): its end (one past ')'),
// and the text and url; npos when it is not a link within the lookahead.
size_t ParseLink(std::string_view text, size_t open, std::string_view& label, std::string_view& url) {
  const size_t limit = std::min(text.size(), open + kMaxLookahead);
  size_t close = open + 1;
  while (close < limit && text[close] != ']') close += text[close] == '\\' ? 2 : 1;
  if (close + 1 >= limit || text[close] != ']' || text[close + 1] != '(') return std::string_view::npos;
  int depth = 1;
  size_t end = close + 2;
  for (; end < limit && depth > 0; ++end) {
    if (text[end] == '(') ++depth;
    if (text[end] == ')') --depth;
  }
  if (depth != 0) return std::string_view::npos;
  label = text.substr(open + 1, close - open - 1);
  url = text.substr(close + 2, end - 1 - (close + 2));
  if (size_t space = url.find(' '); space != std::string_view::npos) url = url.substr(0, space);  // a "title"
  if (url.size() >= 2 && url.front() == '<' && url.back() == '>') url = url.substr(1, url.size() - 2);
  return end;
}

// Emphasis markers: a run that opens or closes (a space or punctuation on
// exactly one side), or '*' inside a word; "a * b" and snake_case stay.
bool IsEmphasis(std::string_view text, size_t start, size_t run, char marker) {
  const bool left_open = start == 0 || IsSpace(text[start - 1]) || IsPunct(text[start - 1]);
  const bool right_open = start + run >= text.size() || IsSpace(text[start + run]) || IsPunct(text[start + run]);
  if (left_open != right_open) return true;
  return marker == '*' && !left_open && !right_open;
}

void Inline(std::string_view text, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && IsPunct(text[i + 1])) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if (c == '`') {
      while (i < text.size() && text[i] == '`') ++i;
      continue;
    }
    if (c == '[' || (c == '!' && i + 1 < text.size() && text[i + 1] == '[')) {
      const bool image = c == '!';
      std::string_view label, url;
      const size_t end = ParseLink(text, image ? i + 1 : i, label, url);
      if (end != std::string_view::npos) {
        Inline(label, out);
        if (!image && ShowableUrl(url) && url != label) {
          out += " (";
          out += url;
          out += ')';
        }
        i = end;
        continue;
      }
    }
    if (c == '<') {
      const size_t limit = std::min(text.size(), i + kMaxLookahead);
      size_t close = i + 1;
      while (close < limit && text[close] != '>' && !IsSpace(text[close])) ++close;
      const std::string_view inside = text.substr(i + 1, close - i - 1);
      if (close < limit && text[close] == '>' && (ShowableUrl(inside) && !inside.starts_with("/"))) {
        out += inside;
        i = close + 1;
        continue;
      }
    }
    if (c == '*' || c == '_' || c == '~') {
      size_t run = 0;
      while (i + run < text.size() && text[i + run] == c) ++run;
      const bool drop = c == '~' ? run >= 2 : IsEmphasis(text, i, run, c);
      if (!drop) out.append(text.substr(i, run));
      i += run;
      continue;
    }
    out += c;
    ++i;
  }
}

// "---", "***", "___" (3 or more, spaces allowed): a rule, no text.
bool IsThematicBreak(std::string_view rest) {
  if (rest.empty()) return false;
  const char marker = rest.front();
  if (marker != '-' && marker != '*' && marker != '_') return false;
  int count = 0;
  for (char c : rest) {
    if (c == marker) {
      ++count;
    } else if (!IsSpace(c)) {
      return false;
    }
  }
  return count >= 3;
}

}  // namespace

std::string MarkdownToPlainText(std::string_view markdown) {
  std::string out;
  bool in_fence = false;
  size_t start = 0;
  while (start <= markdown.size()) {
    size_t end = markdown.find('\n', start);
    if (end == std::string_view::npos) end = markdown.size();
    std::string_view line = markdown.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool last = end == markdown.size();
    start = end + 1;

    size_t indent = 0;
    while (indent < line.size() && IsSpace(line[indent])) ++indent;
    std::string_view rest = line.substr(indent);
    std::string text;
    if (rest.starts_with("```") || rest.starts_with("~~~")) {
      in_fence = !in_fence;  // the fence line itself shows nothing, not even a line
      if (last) break;
      continue;
    }
    if (in_fence) {
      text = line;  // code as written
    } else if (IsThematicBreak(rest)) {
      if (last) break;
      continue;  // a rule: no line of its own
    } else {
      while (rest.starts_with(">")) {
        rest.remove_prefix(1);
        if (rest.starts_with(" ")) rest.remove_prefix(1);
      }
      size_t hashes = 0;
      while (hashes < rest.size() && hashes < 7 && rest[hashes] == '#') ++hashes;
      if (hashes >= 1 && hashes <= 6 && (hashes == rest.size() || rest[hashes] == ' ')) {
        rest.remove_prefix(hashes);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      }
      text.assign(line.substr(0, indent));
      if (rest.size() >= 2 && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+') && rest[1] == ' ') {
        text += "• ";
        rest.remove_prefix(2);
      } else {
        size_t digits = 0;
        while (digits < rest.size() && digits < 9 && IsDigit(rest[digits])) ++digits;
        if (digits > 0 && digits + 1 < rest.size() && (rest[digits] == '.' || rest[digits] == ')') &&
            rest[digits + 1] == ' ') {
          text.append(rest.substr(0, digits + 2));  // "1. " stays as written
          rest.remove_prefix(digits + 2);
        }
      }
      Inline(rest, text);
    }
    out += text;
    if (last) break;
    out += '\n';
  }
  while (!out.empty() && (out.back() == '\n' || IsSpace(out.back()))) out.pop_back();
  return out;
}

}  // namespace helpdex::search

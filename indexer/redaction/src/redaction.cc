// Redaction of personal data in ticket text (see redaction.h).
//
// The text is held as a list of pieces. Each pass looks only at the pieces
// that are still plain text and cuts what it finds out into a frozen
// placeholder piece, so a later pass can neither match inside a placeholder
// nor across one, and never sees half of something an earlier pass took.
// Pieces are always valid UTF-8: invalid bytes are frozen up front (kept as
// they are, never matched). That also keeps libphonenumber working, because
// its matcher silently finds nothing in a text with a single invalid byte.
//
// Decisions a reviewer will look for:
// - libphonenumber's PhoneNumberMatch::start()/length() are byte offsets into
//   the UTF-8 text (measured with Greek and Norwegian letters before the
//   number), so they are used as they are.
// - libphonenumber is far from linear on long digit-heavy text (a 1 MB run of
//   digits took over 20 s, and each match re-scans the rest of the text), so
//   phone candidates are found with a linear scan first, and the matcher only
//   ever sees a short window around one candidate.
// - A dotted quad is an IPv4 address unless it is part of a longer dotted
//   number ("1.2.3.4.5" is an OID or version and stays whole), glued to a
//   letter ("v1.2.3.4") or follows a version word ("version 1.2.3.4").
// - libphonenumber still costs 0.5-6 us per byte, so each call has a budget
//   (kPhoneBudgetBytes). Past it, phone-like runs of 7+ digits are replaced
//   unverified: a huge paste of numbers loses more than it must, but nothing
//   leaks and the output does not depend on the machine's speed.
// - Phone numbers are looked for in the ticket's region only; +CC numbers
//   (and 00CC) are found in every region. A national number from another
//   country without its +CC is missed: trying all six regions would turn
//   most 8-10 digit order numbers into phones.
// - Cards, IBANs and national ids are checked whatever the region (a Turkish
//   customer may write in English). Besides Luhn, a card must start with a
//   card industry digit (PlausibleCardPrefix) and, when written in groups,
//   be grouped like a card (4-4-4-4, 4-6-5, ...), so that timestamps and rows
//   of small numbers do not become cards by chance.
// - Names match whole words after case folding, NFKC and accent removal
//   ("Jiri" matches "Jiří"), plus the genitive "s" ("Nordmanns"), but not
//   other inflected forms ("Nováka", "Νίκο").
// - Placeholders already in the input are kept and not counted again, so
//   redaction is idempotent.
// - On any internal failure Redact() fails closed: it returns an empty string
//   rather than text that may still hold personal data.

#include "helpdex/indexer/redaction.h"

#include <arpa/inet.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_set>
#include <utility>

#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"

namespace helpdex::indexer {

int RedactionCounts::Total() const {
  int total = 0;
  for (const auto& [kind, count] : by_kind) total += count;
  return total;
}

void RedactionCounts::Add(const RedactionCounts& other) {
  for (const auto& [kind, count] : other.by_kind) by_kind[kind] += count;
}

std::string RegionForLanguage(Language language) {
  switch (language) {
    case Language::kEnglish:
      return "US";
    case Language::kNorwegian:
      return "NO";
    case Language::kTurkish:
      return "TR";
    case Language::kCzech:
      return "CZ";
    case Language::kRussian:
      return "RU";
    case Language::kGreek:
      return "GR";
  }
  return "US";
}

namespace {

struct Kind {
  std::string_view key;
  std::string_view placeholder;
};
constexpr Kind kEmail{"email", "[email]"};
constexpr Kind kPhone{"phone", "[phone]"};
constexpr Kind kCard{"card", "[card]"};
constexpr Kind kIban{"iban", "[iban]"};
constexpr Kind kIp{"ip", "[ip]"};
constexpr Kind kNationalId{"national_id", "[national-id]"};
constexpr Kind kSecret{"secret", "[secret]"};
constexpr Kind kName{"name", "[name]"};
constexpr Kind kUrl{"url", "[url]"};
constexpr Kind kDomain{"domain", "[domain]"};

// Phone candidates longer than this are matched in overlapping windows, so
// that libphonenumber never sees a long text: its cost per window grows
// with the square of the numbers in it (measured: 0.4 ms for 64 bytes of
// "91234567 91234567 ...", 9.5 ms for 256). A formatted number with its
// country code is under kPhoneWindowOverlap bytes, so every number lies
// wholly inside at least one window.
constexpr size_t kPhoneWindow = 64;
constexpr size_t kPhoneWindowOverlap = 32;
// Context given to libphonenumber on each side of a short candidate, so that
// its own checks (a letter glued to the number, a currency sign) still apply.
constexpr size_t kPhoneContext = 24;
constexpr int kPhoneMaxTries = 64;
// Even so, libphonenumber costs 0.5-6 us per byte, so one call hands it at
// most this many window bytes (about 0.4 s at worst; an ordinary ticket
// uses a few KB). Past the budget, phone-like runs are redacted without
// asking libphonenumber (see FindPhones): a huge paste of numbers then loses
// more than it must, but leaks nothing, and the result does not depend on
// the machine's speed.
constexpr size_t kPhoneBudgetBytes = 64 * 1024;
constexpr int kFallbackPhoneDigits = 7;

struct Span {
  size_t begin = 0;
  size_t end = 0;
};
using Spans = std::vector<Span>;

struct Piece {
  std::string text;
  bool frozen = false;  // a placeholder or bytes that are not UTF-8; no pass looks inside
};
using Pieces = std::vector<Piece>;

// ---------------------------------------------------------------------------
// UTF-8 and character helpers

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsDigit(c) || IsAsciiAlpha(c); }
bool IsWordByte(char c) { return IsAsciiAlnum(c) || c == '_'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence at text[i] (decoded into *cp), or 0 when
// the bytes there are not valid UTF-8 (overlong forms and surrogates included).
size_t DecodeUtf8(std::string_view text, size_t i, char32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t length;
  char32_t value;
  char32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2, value = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3, value = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if (!IsContinuation(text[i + k])) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return length;
}

// Moves a byte offset to the start of the code point it falls in.
size_t AlignBack(std::string_view text, size_t i) {
  if (i > text.size()) return text.size();
  while (i > 0 && i < text.size() && IsContinuation(text[i])) --i;
  return i;
}

// Moves a byte offset to the end of the code point it falls in.
size_t AlignForward(std::string_view text, size_t i) {
  while (i < text.size() && IsContinuation(text[i])) ++i;
  return std::min(i, text.size());
}

size_t NextCodePoint(std::string_view text, size_t i) { return AlignForward(text, i + 1); }

std::string_view Before(std::string_view text, size_t pos, size_t max_bytes) {
  const size_t begin = AlignForward(text, pos > max_bytes ? pos - max_bytes : 0);
  return text.substr(begin, pos - begin);
}

std::string_view After(std::string_view text, size_t pos, size_t max_bytes) {
  const size_t end = AlignBack(text, std::min(text.size(), pos + max_bytes));
  return end > pos ? text.substr(pos, end - pos) : std::string_view();
}

// A horizontal space some people type between digit groups: NBSP, thin
// space, narrow NBSP. Returns its length in bytes, or 0.
size_t UnicodeSpaceAt(std::string_view text, size_t i) {
  if (text.compare(i, 2, "\xC2\xA0") == 0) return 2;
  if (text.compare(i, 3, "\xE2\x80\x89") == 0 || text.compare(i, 3, "\xE2\x80\xAF") == 0) return 3;
  return 0;
}

// ---------------------------------------------------------------------------
// Pieces

// Placeholders already in the text (text redacted before, or typed by
// someone) are frozen and not counted, so redacting twice changes nothing.
Pieces FreezePlaceholders(Pieces pieces) {
  static constexpr std::array<std::string_view, 10> kPlaceholders = {
      "[email]", "[phone]", "[card]", "[iban]", "[ip]", "[national-id]", "[secret]", "[name]", "[url]", "[domain]"};
  Pieces out;
  out.reserve(pieces.size());
  for (Piece& piece : pieces) {
    if (piece.frozen || piece.text.find('[') == std::string::npos) {
      out.push_back(std::move(piece));
      continue;
    }
    size_t pos = 0;
    for (size_t at = piece.text.find('['); at != std::string::npos; at = piece.text.find('[', at + 1)) {
      for (std::string_view placeholder : kPlaceholders) {
        if (piece.text.compare(at, placeholder.size(), placeholder) != 0) continue;
        if (at > pos) out.push_back({piece.text.substr(pos, at - pos), false});
        out.push_back({std::string(placeholder), true});
        pos = at + placeholder.size();
        break;
      }
    }
    if (pos < piece.text.size()) out.push_back({piece.text.substr(pos), false});
  }
  return out;
}

Pieces SplitValidUtf8(std::string_view text) {
  Pieces pieces;
  size_t run = 0;  // start of the current valid run
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp;
    const size_t length = DecodeUtf8(text, i, &cp);
    if (length > 0) {
      i += length;
      continue;
    }
    if (i > run) pieces.push_back({std::string(text.substr(run, i - run)), false});
    size_t bad_end = i + 1;
    while (bad_end < text.size() && DecodeUtf8(text, bad_end, &cp) == 0) ++bad_end;
    pieces.push_back({std::string(text.substr(i, bad_end - i)), true});
    i = run = bad_end;
  }
  if (run < text.size()) pieces.push_back({std::string(text.substr(run)), false});
  return pieces;
}

// Sorted, inside the text, on code point boundaries, and overlapping spans
// merged, so that a replacement never leaves half of either match behind.
Spans NormalizeSpans(Spans spans, std::string_view text) {
  for (Span& span : spans) {
    span.end = AlignForward(text, std::min(span.end, text.size()));
    span.begin = AlignBack(text, std::min(span.begin, span.end));
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin || (a.begin == b.begin && a.end > b.end); });
  Spans merged;
  for (const Span& span : spans) {
    if (span.end <= span.begin) continue;
    if (!merged.empty() && span.begin < merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

template <typename Find>
void RunPass(Pieces& pieces, const Kind& kind, RedactionCounts& counts, Find&& find) {
  Pieces out;
  out.reserve(pieces.size());
  for (Piece& piece : pieces) {
    if (piece.frozen || piece.text.empty()) {
      out.push_back(std::move(piece));
      continue;
    }
    Spans spans = NormalizeSpans(find(std::string_view(piece.text)), piece.text);
    if (spans.empty()) {
      out.push_back(std::move(piece));
      continue;
    }
    size_t pos = 0;
    for (const Span& span : spans) {
      if (span.begin > pos) out.push_back({piece.text.substr(pos, span.begin - pos), false});
      out.push_back({std::string(kind.placeholder), true});
      ++counts.by_kind[std::string(kind.key)];
      pos = span.end;
    }
    if (pos < piece.text.size()) out.push_back({piece.text.substr(pos), false});
  }
  pieces = std::move(out);
}

// ---------------------------------------------------------------------------
// RE2 helpers

Span SpanOf(std::string_view text, const re2::StringPiece& group) {
  const auto begin = static_cast<size_t>(group.data() - text.data());
  return {begin, begin + group.size()};
}

// Calls on_match(groups) for each match of `re`; on_match returns where to
// search next (0 meaning just past the match). Each search starts where the
// last one stopped, so the whole loop stays linear for patterns of bounded
// length even when on_match rejects a candidate and asks to retry one
// character later.
template <typename OnMatch>
void ForEachMatch(const RE2& re, std::string_view text, OnMatch&& on_match) {
  const int groups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> match(static_cast<size_t>(groups));
  size_t pos = 0;
  while (pos <= text.size() && re.Match(re2::StringPiece(text.data(), text.size()), pos, text.size(), RE2::UNANCHORED,
                                        match.data(), groups)) {
    const Span whole = SpanOf(text, match[0]);
    size_t next = on_match(match);
    if (next == 0) next = whole.end;
    if (next <= pos) next = NextCodePoint(text, pos);  // an empty match, or a retry that would not move
    pos = next;
  }
}

// Trailing punctuation that ends a sentence rather than a URL value.
size_t TrimTrailingPunctuation(std::string_view text, size_t begin, size_t end) {
  while (end > begin && std::string_view(".,;:!?)]}").find(text[end - 1]) != std::string_view::npos) --end;
  return end;
}

// ---------------------------------------------------------------------------
// Checksums

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// The first digit names the card's industry. Cards start with 2-6 (Mir,
// Amex, Visa, Mastercard, Discover, JCB, UnionPay, Maestro) or 9 (Troy and
// other domestic schemes); 1 only for 15-digit UATP cards. Ruling out the
// rest keeps millisecond timestamps ("1710500000123") and other ids that pass
// Luhn by chance (one in ten do) from becoming cards.
bool PlausibleCardPrefix(std::string_view digits) {
  const char first = digits.front();
  return (first >= '2' && first <= '6') || first == '9' || (first == '1' && digits.size() == 15);
}

int IbanLength(std::string_view country) {
  // ISO 13616 registry lengths. A country missing here is not redacted as an
  // IBAN: trying every length would let one in five random strings through.
  static constexpr std::pair<std::string_view, int> kLengths[] = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
      {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
      {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
      {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28},
      {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28},
      {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22},
      {"MK", 19}, {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
      {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
      {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28},
      {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
  };
  for (const auto& [code, length] : kLengths) {
    if (code == country) return length;
  }
  return 0;
}

bool IbanValid(std::string_view iban) {  // upper-case letters and digits only
  if (iban.size() < 5) return false;
  int remainder = 0;
  const auto feed = [&](char c) {
    if (IsDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    }
  };
  for (size_t i = 4; i < iban.size(); ++i) feed(iban[i]);
  for (size_t i = 0; i < 4; ++i) feed(iban[i]);
  return remainder == 1;
}

int DigitAt(std::string_view digits, size_t i) { return digits[i] - '0'; }

int DaysInMonth(int month, std::optional<int> year) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && year && !(*year % 4 == 0 && (*year % 100 != 0 || *year % 400 == 0))) return 28;
  return kDays[static_cast<size_t>(month - 1)];
}

bool ValidDate(int day, int month, std::optional<int> year) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(month, year);
}

// Norwegian fødselsnummer, D-number (day + 40) or H-number (month + 40).
bool NorwegianIdValid(std::string_view d) {
  if (d.size() != 11) return false;
  int day = DigitAt(d, 0) * 10 + DigitAt(d, 1);
  int month = DigitAt(d, 2) * 10 + DigitAt(d, 3);
  if (day > 40) day -= 40;
  if (month > 40) month -= 40;
  if (!ValidDate(day, month, std::nullopt)) return false;
  static constexpr std::array<int, 9> kWeights1 = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr std::array<int, 10> kWeights2 = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  const auto control = [&](const auto& weights) {
    int sum = 0;
    for (size_t i = 0; i < weights.size(); ++i) sum += weights[i] * DigitAt(d, i);
    const int k = 11 - sum % 11;
    return k == 11 ? 0 : k;  // 10 cannot be written as one digit: such numbers are never issued
  };
  return control(kWeights1) == DigitAt(d, 9) && control(kWeights2) == DigitAt(d, 10);
}

// Turkish TC kimlik numarası.
bool TurkishIdValid(std::string_view d) {
  if (d.size() != 11 || d[0] == '0') return false;
  const int odd = DigitAt(d, 0) + DigitAt(d, 2) + DigitAt(d, 4) + DigitAt(d, 6) + DigitAt(d, 8);
  const int even = DigitAt(d, 1) + DigitAt(d, 3) + DigitAt(d, 5) + DigitAt(d, 7);
  const int d10 = ((odd * 7 - even) % 10 + 10) % 10;
  if (d10 != DigitAt(d, 9)) return false;
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) sum += DigitAt(d, i);
  return sum % 10 == DigitAt(d, 10);
}

// Czech (and Slovak) rodné číslo: YYMMDD + 3 digits before 1954, + 4 digits
// with a mod-11 check since. Women's months are +50; from 2004 months may
// also be +20 (+70 for women) when a day's numbers run out.
bool CzechIdValid(std::string_view d) {
  if (d.size() != 9 && d.size() != 10) return false;
  const int yy = DigitAt(d, 0) * 10 + DigitAt(d, 1);
  int month = DigitAt(d, 2) * 10 + DigitAt(d, 3);
  const int day = DigitAt(d, 4) * 10 + DigitAt(d, 5);
  int year;
  if (d.size() == 9) {
    if (yy >= 54) return false;  // nine digits were only issued before 1954
    year = 1900 + yy;
  } else {
    year = yy >= 54 ? 1900 + yy : 2000 + yy;
  }
  if (month > 50) month -= 50;
  if (month > 20) {
    if (year < 2004) return false;
    month -= 20;
  }
  if (!ValidDate(day, month, year)) return false;
  if (d.size() == 9) return true;
  int64_t first9 = 0;
  for (size_t i = 0; i < 9; ++i) first9 = first9 * 10 + DigitAt(d, i);
  const int check = static_cast<int>(first9 % 11);
  return (check == 10 ? 0 : check) == DigitAt(d, 9);
}

// ---------------------------------------------------------------------------
// Digit groups: "4111 1111 1111 1111" is four groups joined by single spaces.

struct Group {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

// Calls on_token(groups) for each maximal run of ASCII digit groups where
// consecutive groups are joined by exactly one separator: one of the ASCII
// `separators` or a Unicode space (NBSP and friends).
template <typename OnToken>
void ForEachDigitToken(std::string_view text, std::string_view separators, OnToken&& on_token) {
  std::vector<Group> groups;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    groups.clear();
    while (true) {
      Group group{i, i};
      while (group.end < text.size() && IsDigit(text[group.end])) ++group.end;
      groups.push_back(group);
      i = group.end;
      if (i >= text.size()) break;
      size_t separator = 0;
      if (separators.find(text[i]) != std::string_view::npos) {
        separator = 1;
      } else {
        separator = UnicodeSpaceAt(text, i);
      }
      if (separator == 0 || i + separator >= text.size() || !IsDigit(text[i + separator])) break;
      i += separator;
    }
    on_token(groups);
  }
}

// True when the digits starting at `begin` belong to an identifier or a
// longer number before them: a letter or digit ("A1234"), a sign, "ORD-" or
// "1.". A slash is not glue: a card in a URL path is still a card.
bool GluedBefore(std::string_view text, size_t begin) {
  if (begin == 0) return false;
  const char c = text[begin - 1];
  if (IsWordByte(c) || c == '+') return true;
  if ((c == '-' || c == '.') && begin >= 2 && IsAsciiAlnum(text[begin - 2])) return true;
  return false;
}

// True when the digits ending at `end` run on into an identifier or a
// decimal ("1234abc", "1234.56").
bool GluedAfter(std::string_view text, size_t end) {
  if (end >= text.size()) return false;
  const char c = text[end];
  if (IsWordByte(c)) return true;
  if (c == '.' && end + 1 < text.size() && IsDigit(text[end + 1])) return true;
  return false;
}

std::string Digits(std::string_view text, const std::vector<Group>& groups, size_t first, size_t last) {
  std::string digits;
  for (size_t g = first; g < last; ++g) digits.append(text.substr(groups[g].begin, groups[g].size()));
  return digits;
}

Spans FindCards(std::string_view text) {
  Spans found;
  ForEachDigitToken(text, " -", [&](const std::vector<Group>& groups) {
    const size_t count = groups.size();
    std::vector<size_t> prefix(count + 1, 0);  // digits in groups [0, g)
    for (size_t g = 0; g < count; ++g) prefix[g + 1] = prefix[g] + groups[g].size();
    size_t first = 0;
    while (first < count) {
      bool matched = false;
      for (size_t last = std::min(count, first + 19); last > first; --last) {
        const size_t digits = prefix[last] - prefix[first];
        if (digits > 19) continue;
        if (digits < 13) break;
        // Grouped cards are written 4-4-4-4, 4-6-5 and so on: requiring that
        // shape keeps a run of small numbers ("10 20 30 40 ...") from being
        // read as a card whenever its digits happen to pass Luhn.
        if (last - first > 1) {
          bool shaped = groups[first].size() >= 4 && groups[first].size() <= 6;
          for (size_t g = first + 1; shaped && g + 1 < last; ++g) {
            shaped = groups[g].size() >= 3 && groups[g].size() <= 8;
          }
          if (!shaped || groups[last - 1].size() > 8) continue;
        }
        if (first == 0 && GluedBefore(text, groups[first].begin)) continue;
        if (last == count && GluedAfter(text, groups[last - 1].end)) continue;
        const std::string number = Digits(text, groups, first, last);
        if (!PlausibleCardPrefix(number) || !LuhnValid(number)) continue;
        found.push_back({groups[first].begin, groups[last - 1].end});
        first = last;
        matched = true;
        break;
      }
      if (!matched) ++first;
    }
  });
  return found;
}

Spans FindNationalIds(std::string_view text) {
  Spans found;
  ForEachDigitToken(text, " -/", [&](const std::vector<Group>& groups) {
    const size_t count = groups.size();
    const auto separator = [&](size_t g) { return text[groups[g].end]; };  // after group g
    size_t first = 0;
    while (first < count) {
      std::optional<size_t> last;
      const Group& a = groups[first];
      if (a.size() == 11 || a.size() == 10) {
        const std::string d(text.substr(a.begin, a.size()));
        if ((d.size() == 11 && (NorwegianIdValid(d) || TurkishIdValid(d))) || (d.size() == 10 && CzechIdValid(d))) {
          last = first + 1;
        }
      } else if (a.size() == 6 && first + 1 < count) {
        const Group& b = groups[first + 1];
        const char sep = separator(first);
        const std::string d = Digits(text, groups, first, first + 2);
        if ((b.size() == 5 && sep != '/' && NorwegianIdValid(d)) || (b.size() == 4 && CzechIdValid(d)) ||
            (b.size() == 3 && sep == '/' && CzechIdValid(d))) {
          last = first + 2;
        }
      }
      if (last && !(first == 0 && GluedBefore(text, groups[first].begin)) &&
          !(*last == count && GluedAfter(text, groups[*last - 1].end))) {
        found.push_back({groups[first].begin, groups[*last - 1].end});
        first = *last;
      } else {
        ++first;
      }
    }
  });
  return found;
}

// ---------------------------------------------------------------------------
// IP addresses

bool ValidIpv6(std::string_view candidate) {
  if (candidate.size() < 3 || candidate.size() > 45) return false;
  int colons = 0;
  int groups = 0;
  bool digit = false;
  for (size_t i = 0; i < candidate.size(); ++i) {
    colons += candidate[i] == ':';
    digit = digit || IsDigit(candidate[i]);
    groups += candidate[i] != ':' && (i == 0 || candidate[i - 1] == ':');
  }
  // A decimal digit keeps C++ scopes ("a::b") and hex words out; two colons
  // keep times ("10:30") out, and inet_pton rejects "10:30:15" and MACs. Two
  // groups at least: "1::" and "::1" identify nobody, and "1::" followed by
  // a placeholder would make redaction not idempotent (found by fuzzing).
  if (colons < 2 || !digit || groups < 2) return false;
  std::string copy(candidate);
  in6_addr address;
  return inet_pton(AF_INET6, copy.c_str(), &address) == 1;
}

Spans FindIpv6(std::string_view text) {
  Spans found;
  const auto in_run = [](char c) { return IsHex(c) || c == ':' || c == '.'; };
  size_t i = 0;
  while (i < text.size()) {
    if (!in_run(text[i])) {
      ++i;
      continue;
    }
    const size_t run_begin = i;
    while (i < text.size() && in_run(text[i])) ++i;
    const size_t run_end = i;
    if (run_end - run_begin > 64 || run_end - run_begin < 3) continue;
    if (run_end < text.size() && IsWordByte(text[run_end])) continue;
    if (std::count(text.begin() + static_cast<std::ptrdiff_t>(run_begin),
                   text.begin() + static_cast<std::ptrdiff_t>(run_end), ':') < 2) {
      continue;  // most runs are hex-looking words ("face", "added")
    }
    size_t end = run_end;
    while (end > run_begin && text[end - 1] == '.') --end;
    if (end - run_begin >= 2 && text[end - 1] == ':' && text[end - 2] != ':') --end;
    // The address may follow a label that is itself hex-like ("IPv6:fe80::1",
    // "ip:2001:db8::1"), so also try starting after each single colon.
    std::vector<size_t> starts;
    if (run_begin == 0 || !IsWordByte(text[run_begin - 1])) starts.push_back(run_begin);
    for (size_t k = run_begin; k + 1 < end && starts.size() < 8; ++k) {
      if (text[k] == ':' && text[k + 1] != ':' && (k == run_begin || text[k - 1] != ':')) starts.push_back(k + 1);
    }
    for (size_t start : starts) {
      if (start < end && ValidIpv6(text.substr(start, end - start))) {
        found.push_back({start, end});
        break;
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------
// Names

bool IsWordCodePoint(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

struct Word {
  size_t begin = 0;
  size_t end = 0;
  size_t code_points = 0;
  bool has_letter = false;
};

std::vector<Word> SplitWords(std::string_view text) {
  std::vector<Word> words;
  std::optional<Word> current;
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp;
    size_t length = DecodeUtf8(text, i, &cp);
    if (length == 0) {
      length = 1;
      cp = 0xFFFD;  // not reached for pieces, which are valid UTF-8
    }
    if (IsWordCodePoint(cp) && cp != 0xFFFD) {
      if (!current) current = Word{i, i, 0, false};
      current->end = i + length;
      ++current->code_points;
      current->has_letter = current->has_letter || u_isalpha(static_cast<UChar32>(cp));
    } else if (current) {
      words.push_back(*current);
      current.reset();
    }
    i += length;
  }
  if (current) words.push_back(*current);
  return words;
}

// Case folding (Turkish İ/ı, final sigma), NFKC and accents removed, so that
// "AYŞE", "ayse" and "Ayşe" all meet, as do "Παπαδόπουλος" and "ΠΑΠΑΔΟΠΟΥΛΟΣ".
std::string NameKey(std::string_view word) { return search::StripAccents(search::NormalizeText(word)); }

class NameMatcher {
 public:
  explicit NameMatcher(const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      if (!search::IsValidUtf8(name)) continue;
      std::vector<std::string> keys;
      for (const Word& word : SplitWords(name)) {
        if (!word.has_letter) continue;
        const std::string_view text = std::string_view(name).substr(word.begin, word.end - word.begin);
        std::string key = NameKey(text);
        if (key.empty()) continue;
        min_bytes_ = std::min(min_bytes_, text.size());
        max_bytes_ = std::max(max_bytes_, text.size());
        if (word.code_points >= 3) parts_.insert(key);
        keys.push_back(std::move(key));
      }
      if (keys.size() >= 2) full_names_.push_back(std::move(keys));
    }
    // The whole name first, so that "Kari Nordmann" becomes one [name].
    std::sort(full_names_.begin(), full_names_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  }

  bool empty() const { return parts_.empty() && full_names_.empty(); }

  // A part, or a part with the genitive "s" of Norwegian and English
  // ("Nordmanns konto"); other endings ("Nordmannsen", "Karius") are other
  // words.
  bool IsPart(const std::string& key) const {
    if (key.empty()) return false;
    if (parts_.count(key) > 0) return true;
    return key.size() > 3 && key.back() == 's' && parts_.count(key.substr(0, key.size() - 1)) > 0;
  }

  Spans Find(std::string_view text) const {
    Spans found;
    const std::vector<Word> words = SplitWords(text);
    std::vector<std::optional<std::string>> keys(words.size());
    const auto key = [&](size_t w) -> const std::string& {
      if (!keys[w]) {
        const Word& word = words[w];
        const size_t bytes = word.end - word.begin;
        // NFKC and case folding change a word's length only a little, so a
        // word far longer or shorter than every name part cannot match; this
        // keeps ICU off the bulk of a long ticket.
        if (!word.has_letter || bytes > 4 * max_bytes_ + 8 || 4 * bytes + 8 < min_bytes_) {
          keys[w] = std::string();
        } else {
          keys[w] = NameKey(text.substr(word.begin, bytes));
        }
      }
      return *keys[w];
    };
    size_t w = 0;
    while (w < words.size()) {
      size_t matched = 0;
      for (const auto& full : full_names_) {
        if (w + full.size() > words.size()) continue;
        bool same = true;
        for (size_t k = 0; same && k < full.size(); ++k) {
          same = key(w + k) == full[k];
          if (same && k > 0) same = JoinedOnOneLine(text, words[w + k - 1].end, words[w + k].begin);
        }
        if (same) {
          matched = full.size();
          break;
        }
      }
      if (matched == 0 && IsPart(key(w))) matched = 1;
      if (matched > 0) {
        found.push_back({words[w].begin, words[w + matched - 1].end});
        w += matched;
      } else {
        ++w;
      }
    }
    return found;
  }

 private:
  // Parts of a full name are separated by spaces, a hyphen or an
  // apostrophe ("Kari Nordmann", "Anne-Marie", "O'Brien"); a full stop or a
  // line break ends it ("Hilsen Kari. Nordmann ...").
  static bool JoinedOnOneLine(std::string_view text, size_t end, size_t begin) {
    if (begin - end > 6) return false;
    for (size_t i = end; i < begin;) {
      if (text[i] == ' ' || text[i] == '\t' || text[i] == '-' || text[i] == '\'') {
        ++i;
      } else if (const size_t space = UnicodeSpaceAt(text, i); space > 0) {
        i += space;
      } else if (text.compare(i, 3, "\xE2\x80\x99") == 0) {  // ’
        i += 3;
      } else {
        return false;
      }
    }
    return true;
  }

  std::vector<std::vector<std::string>> full_names_;
  std::unordered_set<std::string> parts_;
  size_t min_bytes_ = SIZE_MAX;
  size_t max_bytes_ = 0;
};

RE2::Options PatternOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  // Room for the Unicode classes' DFA on long tickets; RE2 falls back to its
  // (still linear) NFA when even this is exhausted.
  options.set_max_mem(int64_t{32} << 20);
  return options;
}

// ---------------------------------------------------------------------------
// Compiled patterns

struct CompiledPatterns {
  CompiledPatterns()
      : email(
            // Local part: letters of any script, digits and the usual
            // punctuation. "%40" and "[at]"/"(dot)" catch encoded and
            // obfuscated forms; the domain may be an IDN or punycode.
            R"([\p{L}\p{M}\p{N}_%+\-]+(?:\.[\p{L}\p{M}\p{N}_%+\-]+)*)"
            R"((?:@|＠|%40|[ \t]*[\[\(\{][ \t]*(?i:at)[ \t]*[\]\)\}][ \t]*))"
            R"((?:(?:(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?))"
            R"((?:\.|[ \t]*[\[\(\{][ \t]*(?i:dot)[ \t]*[\]\)\}][ \t]*))+)"
            R"((?:\p{L}[\p{L}\p{M}]+|(?i:xn--)[a-zA-Z0-9\-]+))"
            R"(|\[[0-9a-fA-F:.]+\]))",
            PatternOptions()),
        url_userinfo(R"([A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:\[\]]*:([^\s/?#]+)@[^\s/?#@]+)", PatternOptions()),
        authorization(R"((?i)(?:proxy-)?authori[sz]ation["']?[ \t]*[:=][ \t]*)"
                      R"((?:(?:bearer|basic|digest|token|negotiate|ntlm)[ \t]+)?([^\s"'][^\r\n"']*))",
                      PatternOptions()),
        bearer(R"((?i)(?:^|[^\p{L}\p{N}_])bearer[ \t]+([A-Za-z0-9\-._~+/]{16,}=*))", PatternOptions()),
        known_token(
            // JWTs and the key formats of the big API providers, wherever
            // they appear: their shape alone says what they are.
            R"((?:^|[^A-Za-z0-9_\-])()"
            R"(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)"
            R"(|(?:AKIA|ASIA)[0-9A-Z]{16})"
            R"(|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"
            R"(|xox[abposr]-[A-Za-z0-9\-]{10,})"
            R"(|[sr]k_(?:live|test)_[A-Za-z0-9]{16,})"
            R"(|AIza[0-9A-Za-z_\-]{35}|glpat-[A-Za-z0-9_\-]{20,}))",
            PatternOptions()),
        query_secret(R"re((?:&amp;|[?&#;]))re"
                     R"re((?i:(?:[a-z0-9]+[_.\-])*)re"
                     R"re((?:access_token|token|secret|password|passwd|pwd|signature|key|apikey|api_key))re"
                     R"re(|auth|sig|session|sessionid|session_id|jsessionid|phpsessid|sid|code))re"
                     R"re(=([^&#\s"'<>]+))re",
                     PatternOptions()),
        keyword_secret(
            // "password: x" and its kin in the six languages, with up to
            // three words between ("Passord til nettbanken: x"), the value
            // quoted or up to the next space, possibly on the next line.
            R"re((?i)(?:^|[^\p{L}\p{N}_]))re"
            R"re((?:pass\p{L}*|pwd|pin(?:kode)?|pin[ \-]?(?:code|kode|kodu|kód|код))re"
            R"re(|(?:api|access|auth|refresh|client|private|secret|license|licence|activation))re"
            R"re([ _\-]?(?:token|key|secret))re"
            R"re(|tokens?|secret|[şs][iİıI]fre\p{L}*|parola\p{L}*|hesl\p{L}*)re"
            R"re(|парол\p{L}*|пин(?:-?код)?|токен)re"
            R"re(|κωδικ\p{L}*|συνθηματικ\p{L}*))re"
            // "my password is x" too: a verb in place of the colon. Over-
            // redacting "the password is wrong" costs one word; missing a
            // password costs the customer's account.
            R"re((?:[ \t]+[\p{L}\p{M}]+){0,3}["']?[ \t]*)re"
            R"re((?::=|[:=]|[ \t](?:is|was|er|var|je|bylo|был[оа]?|είναι|ήταν)[ \t]))re"
            R"re([ \t]*(?:\r?\n[ \t]*)?)re"
            R"re((?:"([^"\r\n]*)"|'([^'\r\n]*)'|([^\s"']\S*)))re",
            PatternOptions()),
        iban(R"((?i)[a-z]{2}[0-9]{2}(?:[ \-]?[a-z0-9]){11,30})", PatternOptions()),
        ipv4(R"(([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3}))", PatternOptions()),
        version_before(
            R"((?i)(?:^|[^\p{L}]))"
            R"((?:version|versjon|versiyon|sürüm|sürümü|verze|verzi|верси[яи]|έκδοση|build|firmware|fw|ver\.?|v))"
            R"([ \t:]*$)",
            PatternOptions()),
        not_phone_before(
            // Order, invoice and reference numbers are not phones even when
            // their digits would dial; nor are amounts after a currency.
            R"re((?i)(?:(?:^|[^\p{L}]))re"
            R"re((?:orders?|ordre|ordrenr|ordrenummer|bestilling\p{L}*|sipariş\p{L}*|objednáv\p{L}*|zakáz\p{L}*)re"
            R"re(|заказ\p{L}*|παραγγελ\p{L}*|invoices?|faktura\p{L}*|fatura\p{L}*)re"
            R"re(|сч[её]т\p{L}*|τιμολ\p{L}*)re"
            R"re(|tickets?|case|sak|saksnr|saksnummer|ref|referanse|reference|kid|tracking|sporing\p{L}*|takip)re"
            R"re(|zásilk\p{L}*|трек\p{L}*|serial|serienummer|seri))re"
            R"re([ \t]*(?:no\.?|nr\.?|number|nummer|numarası|č\.|číslo|номер|αριθμός|αρ\.|id)?)re"
            R"re([ \t]*[:#.]?[ \t]*)re"
            R"re(|№[ \t]*)re"
            R"re(|(?:^|[^\p{L}])(?:kr|nok|usd|eur|gbp|tl|try|czk|kč|rub|руб|р)\.?[ \t]*)re"
            R"re(|[$€£₺₽¥][ \t]*)$)re",
            PatternOptions()),
        currency_after(
            R"((?i)^[ \t]*(?:kr|nok|usd|eur|gbp|tl|try|czk|kč|rub|руб|р\.|,-|[$€£₺₽¥])(?:[^\p{L}]|$))",
            PatternOptions()),
        date_like(R"([0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4})",
                  PatternOptions()),
        // A web address with its scheme or "www.": everything up to a space
        // or a character that cannot be in one unescaped.
        web_url(R"re((?i)(?:^|[^\p{L}\p{N}_])((?:(?:https?|ftps?|sftp|wss?)://|www\.)[^\s<>"'`]+))re",
                PatternOptions()),
        // A host name (labels of any script, the last one the top-level
        // domain, checked by PlausibleTopLevel) with an optional path, not
        // inside a path, an e-mail address or a longer dotted word.
        web_domain(R"re((?:^|[^\p{L}\p{N}_@.\-/\\]))re"
                   R"re(((?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+)re"
                   R"re(((?i:xn--[a-z0-9\-]+)|\p{L}+))re"
                   R"re((?:[:/][^\s<>"'`]*)?))re",
                   PatternOptions()) {}

  bool ok() const {
    for (const RE2* re : {&email, &url_userinfo, &authorization, &bearer, &known_token, &query_secret, &keyword_secret,
                          &iban, &ipv4, &version_before, &not_phone_before, &currency_after, &date_like, &web_url,
                          &web_domain}) {
      if (!re->ok()) return false;
    }
    return true;
  }

  const RE2 email;
  const RE2 url_userinfo;
  const RE2 authorization;
  const RE2 bearer;
  const RE2 known_token;
  const RE2 query_secret;
  const RE2 keyword_secret;
  const RE2 iban;
  const RE2 ipv4;
  const RE2 version_before;
  const RE2 not_phone_before;
  const RE2 currency_after;
  const RE2 date_like;
  const RE2 web_url;
  const RE2 web_domain;
};

// Every match of `re`, or of its first non-empty capturing group.
Spans FindGroup(const RE2& re, std::string_view text) {
  Spans found;
  ForEachMatch(re, text, [&](const std::vector<re2::StringPiece>& match) -> size_t {
    for (size_t g = 1; g < match.size(); ++g) {
      if (match[g].data() != nullptr && !match[g].empty()) {
        found.push_back(SpanOf(text, match[g]));
        return 0;
      }
    }
    if (match.size() == 1) found.push_back(SpanOf(text, match[0]));
    return 0;
  });
  return found;
}

// ---------------------------------------------------------------------------
// Web addresses and domain names

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// A top-level domain worth taking a dotted word for a host: a country code
// (ISO 3166-1 alpha-2 as delegated, with uk, eu, su and ac), a generic one
// in common use, an internationalised one (non-ASCII letters or "xn--").
// A file name with an extension that is no top-level domain ("index.php",
// "wp-config.php", "Node.js") stays; one whose extension is a country code
// ("setup.py") is taken for a host: in text that leaves the support desk a
// lost file name costs less than a customer's domain.
bool PlausibleTopLevel(std::string_view tld) {
  static const std::unordered_set<std::string> kCountry = [] {
    std::unordered_set<std::string> codes;
    constexpr std::string_view kList =
        "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz "
        "ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk "
        "fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq "
        "ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh "
        "mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk "
        "pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz "
        "tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm "
        "zw";
    for (size_t at = 0; at < kList.size(); at += 3) codes.emplace(kList.substr(at, 2));
    return codes;
  }();
  static const std::unordered_set<std::string> kGeneric = {
      "com", "net", "org", "info", "biz", "edu", "gov", "int", "name", "pro", "mobi", "asia", "tel", "travel",
      "app", "dev", "shop", "store", "online", "site", "website", "xyz", "tech", "cloud", "blog", "art", "club",
      "design", "page", "link", "live", "news", "space", "top", "vip", "work", "agency", "digital", "email",
      "host", "hosting", "media", "studio", "systems", "network", "solutions", "services", "support", "academy",
      "center", "company", "group", "global", "world", "today", "life", "house", "money", "fashion", "photo",
      "photography", "gallery", "restaurant", "cafe", "bar", "beer", "wine", "yoga", "fit", "fitness", "health",
      "care", "dental", "law", "legal", "consulting", "marketing", "rocks", "ninja", "guru", "expert", "software",
      "technology", "city", "london", "berlin", "oslo", "moscow", "istanbul", "plus", "events", "family", "green",
      "tips", "tools", "zone", "team", "chat", "social", "works", "one", "biz", "coop", "museum", "aero"};
  const std::string lower = AsciiLower(tld);
  if (lower.starts_with("xn--")) return true;
  if (std::any_of(lower.begin(), lower.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return true;
  }
  return lower.size() == 2 ? kCountry.contains(lower) : kGeneric.contains(lower);
}

// The host of a URL ("https://user@Shop.example.com:8080/x" -> "shop.example.com").
std::string HostOf(std::string_view url) {
  size_t begin = url.find("://");
  begin = begin == std::string_view::npos ? 0 : begin + 3;
  size_t end = url.find_first_of("/?#", begin);
  std::string_view authority = url.substr(begin, end == std::string_view::npos ? url.npos : end - begin);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (size_t colon = authority.find(':'); colon != std::string_view::npos) authority = authority.substr(0, colon);
  while (!authority.empty() && authority.back() == '.') authority.remove_suffix(1);
  return search::NormalizeText(authority);
}

bool KeptHost(const std::string& host, const std::vector<std::string>& keep) {
  for (const std::string& kept : keep) {
    if (kept.empty()) continue;
    if (host == kept || (host.size() > kept.size() && host.ends_with(kept) && host[host.size() - kept.size() - 1] == '.')) {
      return true;
    }
  }
  return false;
}

// The end of a web address in running text: without the punctuation that
// ends the sentence around it, and without a closing bracket it did not open.
size_t WebAddressEnd(std::string_view text, size_t begin, size_t end) {
  end = TrimTrailingPunctuation(text, begin, end);
  return end;
}

Spans FindUrls(const CompiledPatterns& p, std::string_view text, const std::vector<std::string>& keep) {
  Spans found;
  ForEachMatch(p.web_url, text, [&](const std::vector<re2::StringPiece>& match) -> size_t {
    Span url = SpanOf(text, match[1]);
    url.end = WebAddressEnd(text, url.begin, url.end);
    if (url.end <= url.begin || KeptHost(HostOf(text.substr(url.begin, url.end - url.begin)), keep)) return 0;
    found.push_back(url);
    return 0;
  });
  return found;
}

Spans FindDomains(const CompiledPatterns& p, std::string_view text, const std::vector<std::string>& keep) {
  Spans found;
  ForEachMatch(p.web_domain, text, [&](const std::vector<re2::StringPiece>& match) -> size_t {
    const Span labels = SpanOf(text, match[1]);
    const Span tld = SpanOf(text, match[2]);
    Span whole{labels.begin, SpanOf(text, match[0]).end};
    // Glued to more letters ("example.comfort" cannot be: RE2 is greedy, but
    // a digit or "_" after the top-level domain makes it another word).
    if (tld.end < text.size() && (IsWordByte(text[tld.end]) || text[tld.end] == '-')) return tld.end;
    if (!PlausibleTopLevel(text.substr(tld.begin, tld.end - tld.begin))) return tld.end;
    whole.end = WebAddressEnd(text, whole.begin, whole.end);
    if (whole.end < tld.end) whole.end = tld.end;
    const std::string host = search::NormalizeText(text.substr(labels.begin, tld.end - labels.begin));
    if (KeptHost(host, keep)) return whole.end;
    found.push_back(whole);
    return whole.end;
  });
  return found;
}

Spans FindQuerySecrets(const CompiledPatterns& p, std::string_view text) {
  Spans found;
  ForEachMatch(p.query_secret, text, [&](const std::vector<re2::StringPiece>& match) -> size_t {
    const Span value = SpanOf(text, match[1]);
    const size_t end = TrimTrailingPunctuation(text, value.begin, value.end);
    if (end > value.begin) found.push_back({value.begin, end});
    return 0;
  });
  return found;
}

Spans FindKeywordSecrets(const CompiledPatterns& p, std::string_view text) {
  Spans found;
  ForEachMatch(p.keyword_secret, text, [&](const std::vector<re2::StringPiece>& match) -> size_t {
    if (match[1].data() != nullptr && !match[1].empty()) {
      found.push_back(SpanOf(text, match[1]));
    } else if (match[2].data() != nullptr && !match[2].empty()) {
      found.push_back(SpanOf(text, match[2]));
    } else if (match[3].data() != nullptr) {
      // An unquoted value ends at a space; a comma or semicolon before that
      // ends the sentence ("heslo: x, jméno: y"), other punctuation may well
      // belong to the password ("Sommer2024!").
      Span value = SpanOf(text, match[3]);
      while (value.end > value.begin + 1 && (text[value.end - 1] == ',' || text[value.end - 1] == ';')) --value.end;
      found.push_back(value);
    }
    return 0;
  });
  return found;
}

Spans FindIbans(const CompiledPatterns& p, std::string_view text) {
  Spans found;
  ForEachMatch(p.iban, text, [&](const std::vector<re2::StringPiece>& match) -> size_t {
    const Span candidate = SpanOf(text, match[0]);
    const size_t retry = NextCodePoint(text, candidate.begin);
    if (candidate.begin > 0 && IsWordByte(text[candidate.begin - 1])) return retry;
    std::string country{static_cast<char>(std::toupper(static_cast<unsigned char>(text[candidate.begin]))),
                        static_cast<char>(std::toupper(static_cast<unsigned char>(text[candidate.begin + 1])))};
    const int length = IbanLength(country);
    if (length == 0) return retry;
    // Take exactly the country's length, so that a word or number after the
    // IBAN is neither swallowed nor allowed to spoil the checksum.
    std::string iban;
    size_t end = candidate.begin;
    for (; end < candidate.end && static_cast<int>(iban.size()) < length; ++end) {
      const char c = text[end];
      if (IsAsciiAlnum(c)) iban += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (static_cast<int>(iban.size()) != length || GluedAfter(text, end) || !IbanValid(iban)) return retry;
    found.push_back({candidate.begin, end});
    return end;
  });
  return found;
}

Spans FindIpv4(const CompiledPatterns& p, std::string_view text) {
  Spans found;
  ForEachMatch(p.ipv4, text, [&](const std::vector<re2::StringPiece>& match) -> size_t {
    const Span candidate = SpanOf(text, match[0]);
    const size_t retry = candidate.begin + 1;
    for (size_t g = 1; g <= 4; ++g) {
      if (std::stoi(std::string(match[g].data(), match[g].size())) > 255) return retry;
    }
    // Part of a longer dotted number ("1.2.3.4.5", "10.1.2.3.4"): an OID or
    // a version, not an address. A CIDR suffix or a port may follow.
    if (GluedBefore(text, candidate.begin)) return retry;
    if (candidate.end < text.size()) {
      const char next = text[candidate.end];
      if (IsWordByte(next)) return retry;
      if (next == '.' && candidate.end + 1 < text.size() && IsDigit(text[candidate.end + 1])) return retry;
    }
    if (RE2::PartialMatch(Before(text, candidate.begin, 24), p.version_before)) return retry;
    found.push_back(candidate);
    return 0;
  });
  return found;
}

bool CompactDate(std::string_view raw) {
  if (raw.size() != 8 || !std::all_of(raw.begin(), raw.end(), IsDigit)) return false;
  const auto number = [&](size_t at, size_t n) { return std::stoi(std::string(raw.substr(at, n))); };
  const int yyyy_first = number(0, 4);
  const int yyyy_last = number(4, 4);
  return (yyyy_first >= 1900 && yyyy_first <= 2099 && ValidDate(number(6, 2), number(4, 2), yyyy_first)) ||
         (yyyy_last >= 1900 && yyyy_last <= 2099 && ValidDate(number(0, 2), number(2, 2), yyyy_last));
}

bool AcceptPhone(const CompiledPatterns& p, std::string_view text, size_t begin, size_t end) {
  const std::string_view raw = text.substr(begin, end - begin);
  if (begin > 0) {
    const char c = text[begin - 1];
    if (IsWordByte(c) || c == '#' || c == '@' || c == '$' || c == '%' || c == '/') return false;
    if ((c == '-' || c == '.' || c == ',') && begin >= 2 && IsAsciiAlnum(text[begin - 2])) return false;
  }
  if (end < text.size()) {
    const char c = text[end];
    if (IsWordByte(c) || c == '%') return false;
    if ((c == '-' || c == '.' || c == ',' || c == '/' || c == ':') && end + 1 < text.size() && IsDigit(text[end + 1])) {
      return false;
    }
  }
  if (raw.find(':') != std::string_view::npos) return false;  // a time
  if (RE2::FullMatch(raw, p.date_like) || CompactDate(raw)) return false;
  if (RE2::PartialMatch(Before(text, begin, 48), p.not_phone_before)) return false;
  if (RE2::PartialMatch(After(text, end, 16), p.currency_after)) return false;
  return true;
}

void MatchPhoneWindow(const CompiledPatterns& p, std::string_view text, size_t window_begin, size_t window_end,
                      Span run, const std::string& region, Spans& found) {
  using i18n::phonenumbers::PhoneNumberMatch;
  using i18n::phonenumbers::PhoneNumberMatcher;
  using i18n::phonenumbers::PhoneNumberUtil;
  std::string window(text.substr(window_begin, window_end - window_begin));
  // The matcher finds nothing at all in a text holding a NUL byte.
  std::replace(window.begin(), window.end(), '\0', ' ');
  const auto collect = [&](const std::string& input, bool exit_code_rewritten) {
    PhoneNumberMatcher matcher(*PhoneNumberUtil::GetInstance(), input, region, PhoneNumberMatcher::VALID,
                               kPhoneMaxTries);
    PhoneNumberMatch match;
    while (matcher.HasNext() && matcher.Next(&match)) {
      if (match.start() < 0 || match.length() <= 0) continue;
      size_t begin = window_begin + static_cast<size_t>(match.start());
      const size_t end = begin + static_cast<size_t>(match.length());
      if (exit_code_rewritten && begin == run.begin + 1) begin = run.begin;  // the "+" stood for "00"
      // A match may run past the candidate ("+47 912 34 567 ext. 12") but
      // must start in it: one that starts in the context belongs to another.
      if (begin >= run.begin && begin < run.end && end <= text.size() && AcceptPhone(p, text, begin, end)) {
        found.push_back({begin, end});
      }
    }
  };
  collect(window, false);
  // "0047 ..." dials abroad from Europe but not from the US (011), so the
  // matcher only knows it in some regions. " +47 ..." has the same length,
  // so the offsets still hold.
  const size_t at = run.begin - window_begin;
  if (at + 2 < window.size() && window.compare(at, 2, "00") == 0 && window[at + 2] != '0' && IsDigit(window[at + 2])) {
    window[at] = ' ';
    window[at + 1] = '+';
    collect(window, true);
  }
}

Spans FindPhones(const CompiledPatterns& p, std::string_view text, const std::string& region, size_t& budget) {
  Spans found;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (!(IsDigit(c) || c == '+' || c == '(')) {
      ++i;
      continue;
    }
    // A run of digits and the punctuation numbers are written with.
    const size_t run_begin = i;
    size_t run_end = i;
    int digits = 0;
    while (i < text.size()) {
      const char d = text[i];
      if (IsDigit(d)) {
        ++digits;
        run_end = ++i;
      } else if (d == ' ' || d == '-' || d == '.' || d == '/' || d == '(' || d == ')' || d == '+') {
        ++i;
      } else if (const size_t space = UnicodeSpaceAt(text, i); space > 0) {
        i += space;
      } else {
        break;
      }
    }
    if (i == run_begin) i = run_begin + 1;
    if (digits < 5) continue;
    const Span run{run_begin, run_end};
    if (RE2::FullMatch(text.substr(run_begin, run_end - run_begin), p.date_like)) continue;
    // Out of budget: the rest of a phone-like run goes whole, unverified.
    const auto fall_back = [&](size_t from) {
      int rest = 0;
      for (size_t k = from; k < run_end; ++k) rest += IsDigit(text[k]);
      if (rest >= kFallbackPhoneDigits) found.push_back({from, run_end});
    };
    if (run_end - run_begin <= kPhoneWindow) {
      const size_t window_begin = AlignBack(text, run_begin > kPhoneContext ? run_begin - kPhoneContext : 0);
      const size_t window_end = AlignForward(text, std::min(text.size(), run_end + kPhoneContext));
      if (window_end - window_begin > budget) {
        budget = 0;
        fall_back(run_begin);
        continue;
      }
      budget -= window_end - window_begin;
      MatchPhoneWindow(p, text, window_begin, window_end, run, region, found);
      continue;
    }
    for (size_t start = run_begin; start < run_end; start += kPhoneWindow - kPhoneWindowOverlap) {
      const size_t window_begin = AlignBack(text, start);
      const size_t window_end = AlignForward(text, std::min(run_end, start + kPhoneWindow));
      if (window_end - window_begin > budget) {
        budget = 0;
        fall_back(window_begin);
        break;
      }
      budget -= window_end - window_begin;
      MatchPhoneWindow(p, text, window_begin, window_end, run, region, found);
      if (window_end >= run_end) break;
    }
  }
  return found;
}

std::string PhoneRegion(const std::string& region) {
  std::string upper;
  for (char c : region) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // An unknown region still finds every +CC number ("ZZ" is libphonenumber's
  // unknown region).
  const auto* util = i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  return util->GetCountryCodeForRegion(upper) != 0 ? upper : "ZZ";
}

}  // namespace

std::vector<std::string> WebDomainsIn(std::string_view text) {
  static const CompiledPatterns* const patterns = new CompiledPatterns();
  std::set<std::string> domains;
  const auto add = [&](std::string host) {
    // The registrable part: the last two labels, three under a country's
    // own second level ("example.co.uk", "firma.com.tr").
    std::vector<std::string> labels;
    for (size_t start = 0; start <= host.size();) {
      size_t dot = host.find('.', start);
      if (dot == std::string::npos) dot = host.size();
      labels.push_back(host.substr(start, dot - start));
      start = dot + 1;
    }
    if (labels.size() < 2) return;
    size_t keep = 2;
    static const std::unordered_set<std::string> kSecondLevel = {"co", "com", "org", "net", "ac", "gov", "edu",
                                                                 "gen", "biz", "info", "av", "bel", "web"};
    if (labels.size() >= 3 && labels.back().size() == 2 && kSecondLevel.contains(labels[labels.size() - 2])) keep = 3;
    std::string domain;
    for (size_t i = labels.size() - keep; i < labels.size(); ++i) domain += (domain.empty() ? "" : ".") + labels[i];
    domains.insert(domain);
  };
  try {
    if (!patterns->ok()) return {};
    const Pieces pieces = SplitValidUtf8(text);
    for (const Piece& piece : pieces) {
      if (piece.frozen) continue;
      for (const Span& span : FindUrls(*patterns, piece.text, {})) {
        add(HostOf(std::string_view(piece.text).substr(span.begin, span.end - span.begin)));
      }
      for (const Span& span : FindDomains(*patterns, piece.text, {})) {
        add(HostOf(std::string_view(piece.text).substr(span.begin, span.end - span.begin)));
      }
    }
  } catch (...) {
    return {};
  }
  return std::vector<std::string>(domains.begin(), domains.end());
}

struct Redactor::Patterns {
  CompiledPatterns compiled;
};

Redactor::Redactor() : patterns_(std::make_unique<Patterns>()) {}

Redactor::~Redactor() = default;

std::string Redactor::Redact(std::string_view text, const RedactionContext& context, RedactionCounts* counts) const {
  try {
    if (!patterns_ || !patterns_->compiled.ok()) return std::string();
    const auto& p = patterns_->compiled;
    RedactionCounts found;
    Pieces pieces = FreezePlaceholders(SplitValidUtf8(text));

    // Secrets first: "https://user:pass@host" would otherwise read as an
    // e-mail address, and a URL's host as an IP before its token is gone.
    RunPass(pieces, kSecret, found, [&](std::string_view t) { return FindGroup(p.url_userinfo, t); });
    RunPass(pieces, kSecret, found, [&](std::string_view t) { return FindGroup(p.authorization, t); });
    RunPass(pieces, kSecret, found, [&](std::string_view t) { return FindGroup(p.bearer, t); });
    RunPass(pieces, kSecret, found, [&](std::string_view t) { return FindGroup(p.known_token, t); });
    RunPass(pieces, kSecret, found, [&](std::string_view t) { return FindQuerySecrets(p, t); });
    RunPass(pieces, kSecret, found, [&](std::string_view t) { return FindKeywordSecrets(p, t); });
    RunPass(pieces, kEmail, found, [&](std::string_view t) { return FindGroup(p.email, t); });
    // Web addresses after e-mail addresses (whose domain goes with them) and
    // before numbers, so that a path's digits are not taken for a phone.
    if (context.web_addresses) {
      std::vector<std::string> keep;
      for (const std::string& domain : context.keep_domains) keep.push_back(search::NormalizeText(domain));
      RunPass(pieces, kUrl, found, [&](std::string_view t) { return FindUrls(p, t, keep); });
      RunPass(pieces, kDomain, found, [&](std::string_view t) { return FindDomains(p, t, keep); });
    }
    // IBANs before cards (an IBAN's digits can pass Luhn), cards and ids
    // before IPs and phones, so that none is half taken as a phone number.
    RunPass(pieces, kIban, found, [&](std::string_view t) { return FindIbans(p, t); });
    RunPass(pieces, kCard, found, FindCards);
    RunPass(pieces, kNationalId, found, FindNationalIds);
    RunPass(pieces, kIp, found, FindIpv6);
    RunPass(pieces, kIp, found, [&](std::string_view t) { return FindIpv4(p, t); });
    const std::string region = PhoneRegion(context.region);
    size_t phone_budget = kPhoneBudgetBytes;
    RunPass(pieces, kPhone, found, [&](std::string_view t) { return FindPhones(p, t, region, phone_budget); });
    // Names last: by now e-mail addresses that contain them are gone whole.
    const NameMatcher names(context.names);
    if (!names.empty()) {
      RunPass(pieces, kName, found, [&](std::string_view t) { return names.Find(t); });
    }

    std::string out;
    size_t size = 0;
    for (const Piece& piece : pieces) size += piece.text.size();
    out.reserve(size);
    for (const Piece& piece : pieces) out += piece.text;
    if (counts != nullptr) counts->Add(found);
    return out;
  } catch (...) {
    // Fail closed: partly redacted text could still hold personal data.
    return std::string();
  }
}

}  // namespace helpdex::indexer

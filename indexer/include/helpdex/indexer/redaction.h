// File: redaction.h
// Removes personal data from ticket text before anything is indexed or stored
// (platform.md B2 #3): e-mail addresses, phone numbers, payment cards, IBANs,
// IP addresses, national id numbers with a checksum, secrets in URLs and the
// requester's names. Each is replaced by a typed placeholder ("[email]") and
// counted by kind. Patterns are RE2 (linear time, no ReDoS); phone numbers
// come from libphonenumber; cards, IBANs and ids are only redacted when their
// checksum holds, so that an order number or a date stays.
//
//   Redactor redactor;
//   RedactionCounts counts;
//   std::string clean = redactor.Redact(text, {.region = "NO", .names = {"Kari Nordmann"}}, &counts);
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/search/language.h"

namespace helpdex::indexer {

// The kinds, their placeholders and their keys in RedactionCounts.
//   email        [email]
//   phone        [phone]
//   card         [card]         13-19 digits, Luhn-valid
//   iban         [iban]         mod-97 valid
//   ip           [ip]           IPv4 and IPv6
//   national_id  [national-id]  NO fødselsnummer, TR TC kimlik, CZ rodné číslo (checksums)
//   secret       [secret]       token/password/key values in URLs and "password: x"
//   name         [name]         the names the export gives for the requester
struct RedactionCounts {
  std::map<std::string, int> by_kind;  // kind -> replacements
  int Total() const;
  void Add(const RedactionCounts& other);
};

struct RedactionContext {
  // ISO 3166 region for national phone numbers ("NO", "TR", "CZ", "RU", "GR",
  // "US"); international (+CC) numbers are found in any region.
  std::string region = "US";
  // The requester's names as the export gives them ("Kari Nordmann"): the full
  // name and each part of three letters or more are replaced, case-insensitively.
  std::vector<std::string> names;
};

// The usual region of a language's customers: nb->NO, tr->TR, cs->CZ, ru->RU, el->GR, en->US.
std::string RegionForLanguage(Language language);

// Thread-safe after construction (compiled patterns are shared, read-only).
class Redactor {
 public:
  Redactor();
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // `text` is UTF-8 (invalid bytes are kept as they are). Never throws.
  std::string Redact(std::string_view text, const RedactionContext& context, RedactionCounts* counts) const;

 private:
  struct Patterns;
  std::unique_ptr<Patterns> patterns_;
};

}  // namespace helpdex::indexer

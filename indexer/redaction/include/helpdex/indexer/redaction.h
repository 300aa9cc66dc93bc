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
//   url          [url]          web addresses ("https://shop-example.com/cart", "www.x.no"), opt-in
//   domain       [domain]       host names ("shop-example.com", "shop-example.com/cart"), opt-in
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
  // Web addresses and domain names identify a customer as well as a name
  // does ("my site shop-example.com"), but an agent reading a ticket needs
  // them, so they are redacted only on request: for text that leaves the
  // support desk, such as a draft article made from tickets.
  bool web_addresses = false;
  // With web_addresses: domains that are public knowledge and stay readable
  // (the help centre's own, those its articles mention), with every host
  // under them ("nordlyshosting.com" keeps "mail.nordlyshosting.com").
  std::vector<std::string> keep_domains;
};

// The registrable domains ("nordlyshosting.com", "example.co.uk") of the web
// addresses and host names in `text`, sorted and unique: what an article
// already tells the public, for RedactionContext::keep_domains.
std::vector<std::string> WebDomainsIn(std::string_view text);

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

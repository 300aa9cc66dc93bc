// File: i18n.h
// Interface strings in the six languages, loaded once from templates/i18n.json
// and the files of templates/i18n/ (one a feature; each: language -> key -> text,
// or -> {"one", "few", "many", "other"} for plural forms with {n}; a key is
// defined in one file only). Immutable after Load(), so safe to share between threads.
//
//   Result<Translations> strings = Translations::Load("templates/i18n.json");
//   strings->Get(Language::kNorwegian, "search_button")   // "Søk"
//   strings->Plural(Language::kRussian, "results_count", 5) // "5 результатов"
#pragma once

#include <map>
#include <optional>
#include <string>

#include "helpdex/search/error.h"
#include "helpdex/search/language.h"

namespace helpdex::server {

class Translations {
 public:
  // Reads `path` and then every *.json in the i18n/ folder beside it.
  // kInvalidInput (where = the file) if a file is unreadable, is not the
  // expected JSON, defines a key another file defines, or a language lacks a
  // key that English has.
  static Result<Translations> Load(const std::string& path);

  // The text of `key`; the key itself if unknown (a visible, harmless bug).
  const std::string& Get(Language language, const std::string& key) const;

  // The text of `key`, or null when no file defines it (for labels with a
  // fallback, such as a topic's name: topic_TAG, else the tag as written).
  const std::string* Find(Language language, const std::string& key) const;

  // The plural form of `key` for `count`, with {n} replaced.
  std::string Plural(Language language, const std::string& key, long count) const;

  // All plain (non-plural) strings of a language, for templates ({{t.key}}).
  const std::map<std::string, std::string>& All(Language language) const;

 private:
  struct LanguageStrings {
    std::map<std::string, std::string> text;
    std::map<std::string, std::map<std::string, std::string>> plurals;
  };
  std::optional<Error> Merge(const std::string& path, std::map<std::string, std::string>* key_origin);

  std::map<Language, LanguageStrings> strings_;
};

// The CLDR plural category ("one", "few", "many", "other") of an integer.
std::string_view PluralCategory(Language language, long count);

}  // namespace helpdex::server

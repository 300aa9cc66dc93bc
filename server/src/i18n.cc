#include "i18n.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>
#include <sstream>

#include <nlohmann/json.hpp>

namespace helpdex::server {
namespace {

Error LoadError(const std::string& path, std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), path};
}

}  // namespace

std::string_view PluralCategory(Language language, long count) {
  long n = count < 0 ? -count : count;
  long last_digit = n % 10;
  long last_two = n % 100;
  switch (language) {
    case Language::kCzech:
      if (n == 1) return "one";
      if (n >= 2 && n <= 4) return "few";
      return "other";
    case Language::kRussian:
      if (last_digit == 1 && last_two != 11) return "one";
      if (last_digit >= 2 && last_digit <= 4 && (last_two < 12 || last_two > 14)) return "few";
      return "many";
    case Language::kEnglish:
    case Language::kNorwegian:
    case Language::kTurkish:
    case Language::kGreek:
      return n == 1 ? "one" : "other";
  }
  return "other";
}

// One file's strings into `translations`. A key that an earlier file already
// gave a language is an error naming both files: features keep their strings
// in files of their own (templates/i18n/*.json), and none overrides another.
std::optional<Error> Translations::Merge(const std::string& path,
                                        std::map<std::string, std::string>* key_origin) {
  std::ifstream file(path);
  if (!file) return LoadError(path, "cannot read the interface strings");
  std::stringstream bytes;
  bytes << file.rdbuf();
  nlohmann::json json = nlohmann::json::parse(bytes.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return LoadError(path, "is not a JSON object");

  for (Language language : kAllLanguages) {
    std::string code(LanguageCode(language));
    if (!json.contains(code) || !json[code].is_object()) {
      return LoadError(path, "has no strings for language " + code);
    }
    LanguageStrings& strings = strings_[language];
    for (const auto& [key, value] : json[code].items()) {
      auto [origin, fresh] = key_origin->emplace(code + "." + key, path);
      if (!fresh) return LoadError(path, code + "." + key + " is already defined in " + origin->second);
      if (value.is_string()) {
        strings.text[key] = value.get<std::string>();
      } else if (value.is_object()) {
        for (const auto& [category, form] : value.items()) {
          if (!form.is_string()) return LoadError(path, code + "." + key + " has a non-text form");
          strings.plurals[key][category] = form.get<std::string>();
        }
        if (!strings.plurals[key].contains("other")) {
          return LoadError(path, code + "." + key + " has no \"other\" form");
        }
      } else {
        return LoadError(path, code + "." + key + " is neither text nor plural forms");
      }
    }
  }
  return std::nullopt;
}

Result<Translations> Translations::Load(const std::string& path) {
  // i18n.json, then every *.json of the i18n/ folder beside it, in name order.
  std::vector<std::string> paths{path};
  std::filesystem::path folder = std::filesystem::path(path).parent_path() / "i18n";
  std::error_code ignored;
  if (std::filesystem::is_directory(folder, ignored)) {
    std::vector<std::string> more;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ignored)) {
      if (entry.path().extension() == ".json") more.push_back(entry.path().string());
    }
    std::sort(more.begin(), more.end());
    paths.insert(paths.end(), more.begin(), more.end());
  }

  Translations translations;
  std::map<std::string, std::string> key_origin;
  for (const std::string& file : paths) {
    if (auto error = translations.Merge(file, &key_origin)) return *error;
  }
  // Every language must say everything English says, so no page shows a key.
  const LanguageStrings& english = translations.strings_[Language::kEnglish];
  for (Language language : kAllLanguages) {
    const LanguageStrings& strings = translations.strings_[language];
    std::string code(LanguageCode(language));
    for (const auto& [key, text] : english.text) {
      if (!strings.text.contains(key)) return LoadError(key_origin.at("en." + key), code + " lacks the key " + key);
    }
    for (const auto& [key, forms] : english.plurals) {
      if (!strings.plurals.contains(key)) return LoadError(key_origin.at("en." + key), code + " lacks the key " + key);
    }
  }
  return translations;
}

const std::string& Translations::Get(Language language, const std::string& key) const {
  const LanguageStrings& strings = strings_.at(language);
  auto found = strings.text.find(key);
  return found == strings.text.end() ? key : found->second;
}

const std::string* Translations::Find(Language language, const std::string& key) const {
  const LanguageStrings& strings = strings_.at(language);
  auto found = strings.text.find(key);
  return found == strings.text.end() ? nullptr : &found->second;
}

std::string Translations::Plural(Language language, const std::string& key, long count) const {
  const LanguageStrings& strings = strings_.at(language);
  auto forms = strings.plurals.find(key);
  if (forms == strings.plurals.end()) return key;
  auto form = forms->second.find(std::string(PluralCategory(language, count)));
  std::string text = form != forms->second.end() ? form->second : forms->second.at("other");
  size_t at = text.find("{n}");
  if (at != std::string::npos) text.replace(at, 3, std::to_string(count));
  return text;
}

const std::map<std::string, std::string>& Translations::All(Language language) const {
  return strings_.at(language).text;
}

}  // namespace helpdex::server

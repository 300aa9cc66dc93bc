#include "helpdex/search/spelling.h"

#include <array>
#include <filesystem>
#include <memory>
#include <mutex>

#include <hunspell.hxx>
#include <unicode/locid.h>
#include <unicode/ucnv.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "helpdex/search/document.h"
#include "helpdex/search/schema.h"

namespace helpdex::search {
namespace {

// The Hunspell dictionary of each language, and the Debian package with it.
struct DictionaryFile {
  Language language;
  std::string_view name;     // <dir>/<name>.aff and .dic
  std::string_view package;  // Debian 12
};
constexpr std::array<DictionaryFile, 6> kDictionaryFiles = {{
    {Language::kEnglish, "en_US", "hunspell-en-us"},
    {Language::kNorwegian, "nb_NO", "hunspell-no"},
    {Language::kTurkish, "tr_TR", "hunspell-tr"},
    {Language::kCzech, "cs_CZ", "hunspell-cs"},
    {Language::kRussian, "ru_RU", "hunspell-ru"},
    {Language::kGreek, "el_GR", "hunspell-el"},
}};

// Words looked up per query: a pasted paragraph of unknown words must not
// cost a dictionary suggestion each.
constexpr size_t kMaxLookups = 8;
// Words shorter than this are never corrected ("jsem" is, "je" is not).
constexpr size_t kMinLetters = 3;
// Longer "words" are codes, URLs or noise, not typos.
constexpr size_t kMaxWordBytes = 64;
// An all-capitals word this short is an acronym (VPN, DKIM), not a typo.
constexpr size_t kMaxAcronymLetters = 5;
// Edits the index's own candidate may be away from the typed word.
constexpr unsigned kMaxQueryEdits = 2;
// Documents read to find how the articles write a word.
constexpr Xapian::doccount kDisplayDocuments = 3;

size_t LanguageSlot(Language language) {
  for (size_t i = 0; i < kDictionaryFiles.size(); ++i) {
    if (kDictionaryFiles[i].language == language) return i;
  }
  return 0;
}

icu::Locale LocaleOf(std::optional<Language> language) {
  return language ? icu::Locale(std::string(LanguageCode(*language)).c_str()) : icu::Locale::getRoot();
}

std::string ToUtf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::string Lowercase(std::string_view word, std::optional<Language> language) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  return ToUtf8(text.toLower(LocaleOf(language)));
}

std::string Uppercase(std::string_view word, std::optional<Language> language) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  return ToUtf8(text.toUpper(LocaleOf(language)));
}

bool HasUppercase(std::string_view word) {
  for (Xapian::Utf8Iterator it(word.data(), word.size()); it != Xapian::Utf8Iterator(); ++it) {
    if (u_isupper(static_cast<UChar32>(*it))) return true;
  }
  return false;
}

bool HasLowercase(std::string_view word) {
  for (Xapian::Utf8Iterator it(word.data(), word.size()); it != Xapian::Utf8Iterator(); ++it) {
    if (u_islower(static_cast<UChar32>(*it))) return true;
  }
  return false;
}

// The correction written the way the typed word was: "Sıfırlma" ->
// "Sıfırlama", "PASWORD" -> "PASSWORD" (Turkish i -> İ).
std::string MatchCase(const std::string& display, std::string_view typed, std::optional<Language> language) {
  if (HasUppercase(typed) && !HasLowercase(typed)) return Uppercase(display, language);
  Xapian::Utf8Iterator first(typed.data(), typed.size());
  if (first == Xapian::Utf8Iterator() || !u_isupper(static_cast<UChar32>(*first))) return display;
  Xapian::Utf8Iterator head(display);
  if (head == Xapian::Utf8Iterator()) return display;
  const size_t rest = static_cast<size_t>((++head).raw() - display.data());
  return Uppercase(display.substr(0, rest), language) + display.substr(rest);
}

// Greek writes σ at the end of a word as ς; case folding merged them.
std::string FinalSigma(std::string word) {
  static const std::string kSigma = "σ";
  if (word.ends_with(kSigma)) word.replace(word.size() - kSigma.size(), kSigma.size(), "ς");
  return word;
}

bool IsWordChar(unsigned ch) { return Xapian::Unicode::is_wordchar(ch); }
bool IsApostrophe(unsigned ch) { return ch == '\'' || ch == 0x2019; }

// The text cut into words and the text between them, as [begin, end) byte
// ranges. A word is a run of word characters (Xapian's, as TermGenerator
// reads them), with an apostrophe inside it ("can't") kept.
struct Piece {
  size_t begin;
  size_t end;
  bool word;
};

std::vector<Piece> SplitPieces(std::string_view text) {
  std::vector<Piece> pieces;
  const char* base = text.data();
  Xapian::Utf8Iterator it(text.data(), text.size());
  const Xapian::Utf8Iterator end;
  size_t position = 0;
  while (it != end) {
    const size_t start = static_cast<size_t>(it.raw() - base);
    const bool word = IsWordChar(*it);
    ++it;
    while (it != end) {
      unsigned ch = *it;
      if (word && IsApostrophe(ch)) {
        Xapian::Utf8Iterator next = it;
        ++next;
        if (next == end || !IsWordChar(*next)) break;
        it = next;
        continue;
      }
      if (IsWordChar(ch) != word) break;
      ++it;
    }
    position = it == end ? text.size() : static_cast<size_t>(it.raw() - base);
    pieces.push_back({start, position, word});
  }
  return pieces;
}

// A Hunspell dictionary. Hunspell objects are not thread-safe: every call
// holds the mutex. Words cross in UTF-8; the dictionary's own encoding
// (nb_NO is ISO-8859-1, el_GR ISO-8859-7) is converted to and from, and a
// word the encoding cannot hold is unknown to the dictionary.
class Dictionary {
 public:
  Dictionary(const std::string& aff, const std::string& dic) : hunspell_(aff.c_str(), dic.c_str()) {
    encoding_ = hunspell_.get_dict_encoding();
    utf8_ = encoding_ == "UTF-8" || encoding_ == "utf-8" || encoding_ == "UTF8";
  }

  bool Knows(std::string_view word) {
    std::optional<std::string> converted = FromUtf8(word);
    if (!converted) return false;
    std::lock_guard lock(mutex_);
    return hunspell_.spell(*converted);
  }

 private:
  static std::string Convert(const char* to, const char* from, std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    std::string out(text.size() * 4 + 16, '\0');
    const int32_t length = ucnv_convert(to, from, out.data(), static_cast<int32_t>(out.size()), text.data(),
                                        static_cast<int32_t>(text.size()), &status);
    if (U_FAILURE(status)) return {};
    out.resize(static_cast<size_t>(length));
    return out;
  }

  std::optional<std::string> FromUtf8(std::string_view word) const {
    if (utf8_) return std::string(word);
    std::string converted = Convert(encoding_.c_str(), "UTF-8", word);
    // Characters the encoding lacks come back as substitutes: not a word of it.
    if (converted.empty() || Convert("UTF-8", encoding_.c_str(), converted) != word) return std::nullopt;
    return converted;
  }

  std::mutex mutex_;
  Hunspell hunspell_;
  std::string encoding_;
  bool utf8_ = true;
};

std::filesystem::path DictionaryPath(std::string_view dir, const DictionaryFile& file, std::string_view ext) {
  return std::filesystem::path(dir) / (std::string(file.name) + std::string(ext));
}

// The language's dictionary, loaded on first use (0.1-0.8 s) and kept for the
// program; nullptr when it is not installed (CheckSpellingDictionaries()
// reports that at start-up).
Dictionary* DictionaryFor(Language language) {
  static std::array<std::once_flag, kDictionaryFiles.size()> once;
  static std::array<std::unique_ptr<Dictionary>, kDictionaryFiles.size()> dictionaries;
  const size_t slot = LanguageSlot(language);
  std::call_once(once[slot], [slot] {
    const DictionaryFile& file = kDictionaryFiles[slot];
    const auto aff = DictionaryPath(kHunspellDictionaryDir, file, ".aff");
    const auto dic = DictionaryPath(kHunspellDictionaryDir, file, ".dic");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(aff, ec) || !std::filesystem::is_regular_file(dic, ec)) return;
    dictionaries[slot] = std::make_unique<Dictionary>(aff.string(), dic.string());
  });
  return dictionaries[slot].get();
}

struct Candidate {
  std::string term;     // normalised, as the index has it ("sifirlama")
  std::string display;  // as the articles or the dictionary write it ("sıfırlama")
};

// The checks of one query (or one suggestion call) in one language.
class Speller {
 public:
  Speller(const Xapian::Database& db, std::optional<Language> language, const Xapian::Database* dictionary)
      : db_(db),
        dictionary_(dictionary != nullptr ? *dictionary : db),
        language_(language),
        analyzer_(language ? AnalyzerFor(*language) : NeutralAnalyzer()),
        stem_(analyzer_.MakeStemmer()) {
    if (language) language_term_ = schema::Term(schema::kLanguage, LanguageCode(*language));
  }

  const Analyzer& analyzer() const { return analyzer_; }

  // The word's index form when it may be corrected at all: not a stop word,
  // long enough, no digits, not an acronym, one word after analysis.
  std::optional<std::string> Correctable(std::string_view surface) const {
    if (surface.size() > kMaxWordBytes) return std::nullopt;
    const std::string normalized = analyzer_.Normalize(surface);
    if (normalized.empty() || normalized.find(' ') != std::string::npos) return std::nullopt;
    if (CountCodePoints(normalized) < kMinLetters) return std::nullopt;
    for (char c : normalized) {
      if (c >= '0' && c <= '9') return std::nullopt;
    }
    if (!HasLowercase(surface) && CountCodePoints(surface) <= kMaxAcronymLetters) return std::nullopt;
    if (analyzer_.stopper() != nullptr && (*analyzer_.stopper())(normalized)) return std::nullopt;
    return normalized;
  }

  // True when the index knows the word in any form (as written, its stem in
  // the language, without accents).
  bool Indexed(const std::string& normalized) {
    if (db_.term_exists(normalized)) return true;
    if (!stem_.is_none() && db_.term_exists(schema::StemmedTerm(stem_, normalized))) return true;
    return db_.term_exists(std::string(schema::kFolded) + StripAccents(normalized));
  }

  // True when the index knows the word in any form (as written, its stem in
  // the language, without accents) or the language's dictionary knows it.
  bool Known(const std::string& normalized, std::string_view surface) {
    if (db_.term_exists(normalized)) return true;
    if (!stem_.is_none() && db_.term_exists(schema::StemmedTerm(stem_, normalized))) return true;
    if (db_.term_exists(std::string(schema::kFolded) + StripAccents(normalized))) return true;
    return DictionaryKnows(surface);
  }

  // The best correction of an unknown word: the index's own spelling
  // candidate, when it belongs to the language. Hunspell is asked whether a
  // word is real (microseconds), never for suggestions: those took 65-530 ms
  // a word (up to 5 s under AddressSanitizer, which failed the re-index
  // test's deadline) and every spelling test passes without them.
  std::optional<Candidate> Correct(const std::string& normalized, unsigned max_edits) {
    const std::string candidate = dictionary_.get_spelling_suggestion(normalized, max_edits);
    if (!candidate.empty() && candidate != normalized && db_.term_exists(candidate)) {
      std::string display = DisplayForm(candidate);
      if (InLanguage(candidate) || DictionaryKnows(display)) return Candidate{candidate, std::move(display)};
    }
    return std::nullopt;
  }

 private:
  // Only the text's own language's dictionary: the callers correct nothing
  // when the language is unknown (consulting all six loaded 180 MB and took
  // 2.1 s on the first such query, 6 s under AddressSanitizer).
  bool DictionaryKnows(std::string_view word) {
    if (!language_) return false;
    Dictionary* dictionary = DictionaryFor(*language_);
    return dictionary != nullptr && dictionary->Knows(word);
  }

  // True when a document in the query's language has the term (any document
  // when the language is unknown).
  bool InLanguage(const std::string& term) {
    if (language_term_.empty()) return db_.term_exists(term);
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), Xapian::Query(language_term_)));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return !enquire.get_mset(0, 1).empty();
  }

  // How the articles write an index term: a word of theirs that the analysis
  // turns into it, in lower case where they have it so ("sifirlama" ->
  // "sıfırlama", "αργοσ" -> "αργός"); documents in the query's language first.
  std::string DisplayForm(const std::string& term) {
    std::string capitalised;
    const size_t letters = CountCodePoints(term);
    for (bool in_language : {true, false}) {
      if (in_language && language_term_.empty()) continue;
      Xapian::Enquire enquire(db_);
      Xapian::Query query(term);
      if (in_language) query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(language_term_));
      enquire.set_query(query);
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      const Xapian::MSet mset = enquire.get_mset(0, kDisplayDocuments);
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        Result<DocumentRecord> record = ReadDocumentRecord(it.get_document());
        if (!record.ok()) continue;
        const Analyzer& analyzer = AnalyzerFor(record->language);
        std::vector<const std::string*> texts = {&record->title, &record->answer_text, &record->answer};
        for (const Section& section : record->sections) {
          texts.push_back(&section.title);
          texts.push_back(&section.text);
        }
        for (const std::string* text : texts) {
          for (const Piece& piece : SplitPieces(*text)) {
            if (!piece.word) continue;
            const std::string_view word(text->data() + piece.begin, piece.end - piece.begin);
            const size_t count = CountCodePoints(word);
            if (count + 1 < letters || count > letters + 1) continue;  // folding rarely changes the length
            if (analyzer.Normalize(word) != term) continue;
            if (!HasUppercase(word)) return std::string(word);
            if (capitalised.empty()) capitalised = std::string(word);
          }
        }
      }
      if (!capitalised.empty()) break;
    }
    if (!capitalised.empty()) return Lowercase(capitalised, language_);
    return language_ == Language::kGreek ? FinalSigma(term) : term;
  }

  const Xapian::Database& db_;
  // The spelling table: a local lexicon over remote shards, which serve none.
  const Xapian::Database& dictionary_;
  std::optional<Language> language_;
  const Analyzer& analyzer_;
  Xapian::Stem stem_;
  std::string language_term_;  // "Len", ... ("" when the language is unknown)
};

}  // namespace

std::string JoinCorrectedWords(const std::vector<CorrectedWord>& pieces) {
  std::string joined;
  for (const CorrectedWord& piece : pieces) joined += piece.text;
  return joined;
}

std::optional<Error> CheckSpellingDictionaries(std::string_view dir) {
  for (const DictionaryFile& file : kDictionaryFiles) {
    for (std::string_view ext : {".aff", ".dic"}) {
      const auto path = DictionaryPath(dir, file, ext);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        return Error{ErrorCode::kInternal,
                     "the " + std::string(LanguageCode(file.language)) + " spelling dictionary " + path.string() +
                         " is missing: install " + std::string(file.package) + " (tools/deps installs it)",
                     std::string(file.package)};
      }
    }
  }
  return std::nullopt;
}

std::optional<Language> SpellingLanguageOf(const Analyzer& analyzer) {
  if (&analyzer == &NeutralAnalyzer()) return std::nullopt;
  return analyzer.language();
}

namespace {

// Each word of `typed` that `needs_correction(speller, normalized, surface)`
// replaced by the index's own candidate in the language, in display spelling
// and the typed word's case; nullopt when no word changed.
template <typename NeedsCorrection>
std::optional<std::vector<CorrectedWord>> ReplaceWords(const Xapian::Database& db, std::string_view typed,
                                                       std::optional<Language> language,
                                                       const Xapian::Database* dictionary,
                                                       NeedsCorrection needs_correction) {
  try {
    Speller speller(db, language, dictionary);
    std::vector<CorrectedWord> pieces;
    bool changed = false;
    size_t lookups = 0;
    for (const Piece& piece : SplitPieces(typed)) {
      std::string text(typed.substr(piece.begin, piece.end - piece.begin));
      if (piece.word && lookups < kMaxLookups) {
        std::optional<std::string> normalized = speller.Correctable(text);
        if (normalized && needs_correction(speller, *normalized, text)) {
          ++lookups;
          if (std::optional<Candidate> candidate = speller.Correct(*normalized, kMaxQueryEdits)) {
            pieces.push_back({MatchCase(candidate->display, text, language), true});
            changed = true;
            continue;
          }
        }
      }
      pieces.push_back({std::move(text), false});
    }
    if (!changed) return std::nullopt;
    return pieces;
  } catch (const Xapian::Error&) {
    return std::nullopt;  // no suggestion is better than a failed search
  }
}

}  // namespace

std::optional<std::vector<CorrectedWord>> CorrectSpelling(const Xapian::Database& db, std::string_view typed,
                                                          std::optional<Language> language,
                                                          const Xapian::Database* dictionary) {
  // Whether a word is real can only be judged in a language.
  if (!language) return std::nullopt;
  // A word neither the index (in any form) nor the dictionary knows.
  return ReplaceWords(db, typed, language, dictionary,
                      [](Speller& speller, const std::string& normalized, std::string_view surface) {
    return !speller.Known(normalized, surface);
  });
}

std::optional<std::vector<CorrectedWord>> NearestIndexedWords(const Xapian::Database& db, std::string_view typed,
                                                               std::optional<Language> language,
                                                               const Xapian::Database* dictionary) {
  // Any word the index lacks, real or not: the index's own candidate is a
  // word the articles use.
  return ReplaceWords(db, typed, language, dictionary, [](Speller& speller, const std::string& normalized, std::string_view) {
    return !speller.Indexed(normalized);
  });
}

std::optional<std::string> CorrectedTerm(const Xapian::Database& db, std::string_view typed,
                                         const std::string& normalized_word, std::optional<Language> language,
                                         unsigned max_edits, const Xapian::Database* dictionary) {
  if (!language) return std::nullopt;  // as CorrectSpelling
  try {
    Speller speller(db, language, dictionary);
    // The word as typed, so that the dictionary sees its letters (ı, ς).
    std::string surface = normalized_word;
    for (const Piece& piece : SplitPieces(typed)) {
      if (!piece.word) continue;
      const std::string_view word = typed.substr(piece.begin, piece.end - piece.begin);
      if (speller.analyzer().Normalize(word) == normalized_word) {
        surface = std::string(word);
        break;
      }
    }
    std::optional<std::string> normalized = speller.Correctable(surface);
    if (!normalized || *normalized != normalized_word || speller.Known(*normalized, surface)) return std::nullopt;
    std::optional<Candidate> candidate = speller.Correct(*normalized, max_edits);
    if (!candidate) return std::nullopt;
    return candidate->term;
  } catch (const Xapian::Error&) {
    return std::nullopt;
  }
}

}  // namespace helpdex::search

namespace helpdex::search {

bool IsDictionaryWord(std::string_view normalized_word, Language language) {
  Dictionary* dictionary = DictionaryFor(language);
  if (dictionary == nullptr) return false;
  const std::string word(normalized_word);
  if (dictionary->Knows(word)) return true;
  // Folding merged the word-final ς into σ; the dictionary spells it ς.
  return language == Language::kGreek && dictionary->Knows(FinalSigma(word));
}

}  // namespace helpdex::search

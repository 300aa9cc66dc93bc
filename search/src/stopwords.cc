// Our own short stop lists: pronouns, articles, prepositions, conjunctions,
// auxiliaries and question words, the words that occur in almost every
// support question ("how do I ...", "hvordan kan jeg ...", "как мне ...").
// Content words (site, page, password...) never belong here.
#include "stopwords.h"

#include <sstream>
#include <unordered_set>

#include "helpdex/search/analysis.h"

namespace helpdex::search {
namespace {

constexpr const char* kEnglish =
    "a an and are as at be been being but by can could did do does doing for from had has have having he her "
    "here hers him his how i if in into is it its just me my myself no nor not of off on once only or other "
    "our ours out over own same she should so some such than that the their theirs them then there these they "
    "this those through to too under until up very was we were what when where which while who whom why will "
    "with would you your yours yourself i'm i've i'd don't doesn't didn't can't won't isn't it's there's";

constexpr const char* kNorwegian =
    "og i jeg det at en et ei den til er som på de med han av ikke der så var meg seg men ett har om vi min "
    "mitt mine ha hadde hun nå over da ved fra du ut sin sitt sine dem oss opp man kan hans hvor eller hva "
    "skal selv her alle vil bli ble blitt kunne inn når være kom noen noe ville dere deres kun ja etter ned "
    "skulle denne for deg si mot å hvorfor dette disse uten hvordan ingen din ditt dine blir samme hvilken "
    "hvilke mellom vår vårt våre hver hvem hvis både bare enn fordi før mange også slik vært begge siden "
    "får få fikk gjør gjøre gjorde må måtte jo vel";

constexpr const char* kTurkish =
    "acaba ama ancak aslında ayrıca bana bazı belki ben beni benim bile bir biri birkaç biz bize bizi bizim "
    "böyle bu buna bunda bundan bunlar bunu bunun burada çok çünkü da daha de değil diye eğer en gibi göre "
    "hangi hem henüz hep hepsi her hiç için ile ise işte kadar kendi ki kim mi mı mu mü nasıl ne neden "
    "nerede niye niçin o ona ondan onlar onu onun oysa öyle sadece sen seni senin siz size sizi sizin şu "
    "şuna şunu tüm ve veya ya yani yine zaten olarak olan";

constexpr const char* kCzech =
    "a aby ale ani asi až bez by byl byla byli bylo být co což či do ho i jak jako je jeho její jejich jen "
    "jenž ještě jestli již jsem jsi jsme jsou jste k kam kde kdo když ke která které který kteří mají mám "
    "máme máte mé mi mít mne mně můj může na nad nám nás ne nebo než o od on ona ono oni ony po pod pokud "
    "potom pro proč protože před při s se si svůj své svých tak také takže tam tedy ten tento to tohle toho "
    "tom tomto tu tuto ty tyto u už v vám vás ve vy z za zda ze že já ty mě mi jí ji";

constexpr const char* kRussian =
    "и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только ее её мне "
    "было вот от меня еще ещё нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас "
    "вам ведь там потом себя ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без чего "
    "тоже себе под будет ж тогда кто этот того потому этого какой ним здесь этом мой тем чтобы нее были "
    "куда зачем всех можно при об хоть после над тот через эти нас про всего них какая эту моя этой перед "
    "том такой им более всю между почему как мой моего моей моих мои свой свою своего";

constexpr const char* kGreek =
    "ο η το οι τα του της των τον την τη και κι είμαι είσαι είναι είμαστε είστε ήταν στο στον στη στην "
    "στα στους στις μα αλλά από για προς με σε ως παρά αντί κατά μετά θα να δε δεν μη μην επί ενώ εάν "
    "αν τότε που πού πως πώς ποιος ποια ποιο ποιοι ποιες αυτός αυτή αυτό αυτοί αυτών αυτούς αυτές αυτά "
    "εκείνος εκείνη εκείνο όπως όμως ίσως όσο ότι μου σου μας σας τους τις ένα ένας μία μια έχω έχει "
    "έχουν γιατί όταν πολύ";

class WordListStopper : public Xapian::Stopper {
 public:
  explicit WordListStopper(const char* words) {
    std::istringstream stream(words);
    for (std::string word; stream >> word;) {
      const std::string normalized = NormalizeText(word);
      words_.insert(normalized);
      words_.insert(StripAccents(normalized));
    }
  }
  bool operator()(const std::string& word) const override { return words_.count(word) > 0; }
  std::string get_description() const override { return "helpdex stop list"; }

 private:
  std::unordered_set<std::string> words_;
};

}  // namespace

const Xapian::Stopper& StopperFor(Language language) {
  static const WordListStopper kEn(kEnglish), kNb(kNorwegian), kTr(kTurkish), kCs(kCzech), kRu(kRussian),
      kEl(kGreek);
  switch (language) {
    case Language::kEnglish: return kEn;
    case Language::kNorwegian: return kNb;
    case Language::kTurkish: return kTr;
    case Language::kCzech: return kCs;
    case Language::kRussian: return kRu;
    case Language::kGreek: return kEl;
  }
  return kEn;
}

}  // namespace helpdex::search

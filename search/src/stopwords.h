// Stop words per language: the function words that carry no topic. Used at
// index time (no stemmed term for them) and query time (dropped unless the
// query is nothing but stop words).
#pragma once

#include <xapian.h>

#include "helpdex/search/language.h"

namespace helpdex::search {

// Matches a normalised word, with or without its accents ("είναι", "ειναι").
// Thread-safe; lives for the whole program.
const Xapian::Stopper& StopperFor(Language language);

}  // namespace helpdex::search

// Norwegian compounds: "passord" should find "e-postpassordet" and
// "nettsidehastighet" should find "nettside" + "hastighet". Compounds are
// split against the index's own vocabulary, so no dictionary is needed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace helpdex::search {

// The words of normalised text: runs of letters and digits (any script).
std::vector<std::string> Words(std::string_view normalized);

// Adds schema::kReversedStem terms (the stem written backwards) for the words
// of `normalized`, so that a query can find the compounds ending with a word.
void IndexReversedStems(Xapian::Document& doc, std::string_view normalized, Xapian::Stem& stem,
                        const Xapian::Stopper* stopper);

// For each content word: the compounds that start or end with it, and the
// parts of a compound the index knows. Empty when nothing applies.
Xapian::Query CompoundQuery(const Xapian::Database& db, const std::vector<std::string>& words, Xapian::Stem& stem,
                            const Xapian::Stopper* stopper);

}  // namespace helpdex::search

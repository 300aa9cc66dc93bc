// File: xapian_error.h
// The one guard for Xapian exceptions (conventions.md 2.5). A Xapian::Error
// thrown inside search/, indexer/ or the stores becomes an Error that names
// the operation and the index generation or path it was working on, so no
// Xapian exception type travels further.
//
//   Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
//     return GuardXapian("the search", impl_->where, [&] { return impl_->Search(request); });
//   }
//   // a corrupt generation -> "var/index/gen-000042: the search failed (DatabaseCorruptError)"
#pragma once

#include <xapian.h>

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "helpdex/search/error.h"

namespace helpdex::search {

// "<what> failed (<Xapian error type>)" at `where` (a generation directory or
// a database path). Xapian's own message is left out: it repeats the path and
// must not reach a person (Error::message). kIndexUnavailable suits readers;
// a writer passes kInternal.
Error FromXapian(const Xapian::Error& error, std::string_view what, std::string where,
                 ErrorCode code = ErrorCode::kIndexUnavailable);

// Runs `body`, which returns a Result<T> (give a lambda returning a plain T an
// explicit `-> Result<T>`). A Xapian::Error becomes FromXapian(error, what,
// where); any other std::exception a kInternal "<what> failed unexpectedly".
template <class F>
auto GuardXapian(std::string_view what, const std::string& where, F&& body) -> decltype(body()) {
  try {
    return std::forward<F>(body)();
  } catch (const Xapian::Error& e) {
    return FromXapian(e, what, where);
  } catch (const std::exception&) {
    return Error{ErrorCode::kInternal, std::string(what) + " failed unexpectedly", where};
  }
}

}  // namespace helpdex::search

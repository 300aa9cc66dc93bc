#include "helpdex/search/xapian_error.h"

namespace helpdex::search {

Error FromXapian(const Xapian::Error& error, std::string_view what, std::string where, ErrorCode code) {
  return Error{code, std::string(what) + " failed (" + error.get_type() + ")", std::move(where)};
}

}  // namespace helpdex::search

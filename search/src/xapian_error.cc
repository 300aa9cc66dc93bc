#include "helpdex/search/xapian_error.h"

namespace helpdex::search {

Error FromXapian(const Xapian::Error& error, std::string_view what, std::string where, ErrorCode code) {
  std::string message = std::string(what) + " failed (" + error.get_type() + ")";
  // A remote shard's errors carry its address ("remote:tcp(10.0.0.11:33333)"):
  // which of several shards failed.
  const std::string& context = error.get_context();
  if (context.starts_with("remote:")) message += " at shard " + context;
  return Error{code, std::move(message), std::move(where)};
}

}  // namespace helpdex::search

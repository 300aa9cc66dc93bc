// Fuzz target: any bytes as a client's side of one connection, through
// framing::RequestFramer (the HTTP edge in front of Pistache). Fed whole and
// fed in pieces it must frame the same requests and the same error; every
// framed request must be a fixed point (framed again alone, it comes out
// unchanged, with no error), within the limits; every error names where.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "helpdex/framing/request_framer.h"

namespace {

using helpdex::framing::FramedRequest;
using helpdex::framing::FramingError;
using helpdex::framing::FramingLimits;
using helpdex::framing::RequestFramer;

constexpr FramingLimits kLimits{.max_request_line_bytes = 512, .max_head_bytes = 2048, .max_headers = 20,
                                .max_body_bytes = 4096};

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 16;  // the first byte picks the read size
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  RequestFramer whole(kLimits);
  std::vector<FramedRequest> whole_out;
  const std::optional<FramingError> whole_error = whole.Feed(bytes, whole_out);

  RequestFramer pieces(kLimits);
  std::vector<FramedRequest> pieces_out;
  std::optional<FramingError> pieces_error;
  for (size_t at = 0; at < bytes.size() && !pieces_error; at += piece) {
    pieces_error = pieces.Feed(bytes.substr(at, piece), pieces_out);
  }
  // Fed in pieces, an over-long head can be noticed before its end: the
  // error may differ in kind, never in whether there is one.
  Check(whole_error.has_value() == pieces_error.has_value());
  Check(whole_out.size() == pieces_out.size());
  for (size_t i = 0; i < whole_out.size(); ++i) {
    Check(whole_out[i].bytes == pieces_out[i].bytes);
    Check(whole_out[i].keep_alive == pieces_out[i].keep_alive);
  }

  for (const FramedRequest& request : whole_out) {
    Check(request.bytes.size() <= kLimits.max_head_bytes + 32 + kLimits.max_body_bytes);
    RequestFramer again(kLimits);
    std::vector<FramedRequest> again_out;
    Check(!again.Feed(request.bytes, again_out));
    Check(again_out.size() == 1 && again_out[0].bytes == request.bytes);
    Check(again.phase() == helpdex::framing::Phase::kIdle);
  }
  if (whole_error) {
    const int status = whole_error->status;
    Check(status == 400 || status == 413 || status == 414 || status == 431 || status == 501 || status == 505);
    Check(!whole_error->where.empty() && !whole_error->reason.empty() && !whole_error->code.empty());
    const std::string response = helpdex::framing::ErrorResponse(*whole_error);
    Check(response.find("\r\nConnection: close\r\n") != std::string::npos);
    // Once refused, nothing more is framed.
    std::vector<FramedRequest> after;
    Check(whole.Feed("GET / HTTP/1.1\r\n\r\n", after).has_value() && after.empty());
  }
  return 0;
}

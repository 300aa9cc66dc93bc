#include "helpdex/indexer/lines.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace helpdex::indexer {
namespace {

namespace fs = std::filesystem;

// The lines of a file, gzipped or not (gzread passes plain files through).
class LineReader {
 public:
  static Result<std::unique_ptr<LineReader>> Open(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return Error{ErrorCode::kInvalidInput, "no such file", path.string()};
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) return Error{ErrorCode::kInvalidInput, "cannot open the file", path.string()};
    gzbuffer(file, 1 << 17);
    return std::unique_ptr<LineReader>(new LineReader(file));
  }
  ~LineReader() { gzclose(file_); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line, without its end of line. False at the end of the file, or
  // at a gzip error (then corrupt() is true).
  bool Next(std::string& line) {
    line.clear();
    while (true) {
      // A line cut short by a gzip error is not a line.
      if (position_ == size_ && !Refill()) return !line.empty() && !corrupt_;
      const char* start = buffer_ + position_;
      const void* newline = std::memchr(start, '\n', size_ - position_);
      if (newline != nullptr) {
        line.append(start, static_cast<const char*>(newline));
        position_ = static_cast<int>(static_cast<const char*>(newline) - buffer_) + 1;
        return true;
      }
      line.append(start, size_ - position_);
      position_ = size_;
    }
  }

  bool corrupt() const { return corrupt_; }

 private:
  explicit LineReader(gzFile file) : file_(file) {}

  bool Refill() {
    const int read = gzread(file_, buffer_, sizeof buffer_);
    // A gzip stream cut short reads as a plain end of file; only gzerror()
    // tells (Z_BUF_ERROR, "unexpected end of file").
    int gzip_error = Z_OK;
    if (read <= 0) gzerror(file_, &gzip_error);
    corrupt_ = corrupt_ || read < 0 || gzip_error != Z_OK;
    size_ = std::max(read, 0);
    position_ = 0;
    return size_ > 0;
  }

  gzFile file_;
  char buffer_[1 << 16];
  int size_ = 0;      // bytes in buffer_
  int position_ = 0;  // next unread byte of buffer_
  bool corrupt_ = false;
};

}  // namespace

Result<int> ForEachLine(const fs::path& path, const LineHandler& on_line) {
  Result<std::unique_ptr<LineReader>> reader = LineReader::Open(path);
  if (!reader.ok()) return reader.error();
  int line_number = 0;
  std::string line;
  while ((*reader)->Next(line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (std::optional<Error> error = on_line(line_number, line)) return *error;
  }
  if ((*reader)->corrupt()) {
    return Error{ErrorCode::kInvalidInput, "the file is corrupt (gzip error) after line " + std::to_string(line_number),
                 path.string()};
  }
  return line_number;
}


}  // namespace helpdex::indexer

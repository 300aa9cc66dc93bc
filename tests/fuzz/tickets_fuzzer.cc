// Fuzz target: one ticket export, read as JSON Lines, CSV and a Zendesk JSON
// export in turn. It must never crash or throw, and every error must name the
// file (with a line or record number for a bad record).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "helpdex/indexer/tickets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "helpdex-tickets-fuzz-XXXXXX").string();
    return std::filesystem::path(::mkdtemp(pattern.data()));
  }();
  for (const char* name : {"export.jsonl", "export.csv", "export.json"}) {
    const std::filesystem::path path = dir / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                  static_cast<std::streamsize>(size));
    const auto check_where = [&](const helpdex::Error& error) {
      if (error.where.rfind(path.string(), 0) != 0) std::abort();
    };
    helpdex::Result<int> read = helpdex::indexer::ReadTicketsFile(
        path.string(),
        [](const helpdex::indexer::Ticket& ticket) {
          if (ticket.id.empty()) std::abort();
        },
        check_where);
    if (!read.ok()) check_where(read.error());
  }
  return 0;
}

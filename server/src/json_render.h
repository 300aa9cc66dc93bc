// File: json_render.h
// JSON helpers of the API. The search response shape lives in helpdex/search/json.h.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "helpdex/search/searcher.h"

namespace helpdex::server {

// Serialises for the wire: invalid UTF-8 is replaced, never thrown.
std::string DumpJson(const nlohmann::json& json);

}  // namespace helpdex::server

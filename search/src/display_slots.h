// The encoding of schema::kSlotDisplay and schema::kSlotSectionText: what a
// document shows, stored apart from its data so that results, cards and links
// never parse the body's JSON and HTML.
//
// Both are a version byte followed by fields, each a LEB128 length and its
// bytes (lists: a count, then their items). Readers refuse anything else (a
// truncated value, a length past the end, another version, bytes left over):
// a damaged slot is an error, never a half-filled card.
#pragma once

#include <string>
#include <string_view>

#include "helpdex/search/document.h"

namespace helpdex::search {

// The start of the first section text that is not empty, at most
// kOpeningBytes: DisplayRecord::opening.
std::string OpeningOf(const DisplayRecord& record);

// The display fields of `record` (everything of DisplayRecord but the section
// texts, the problem and the resolution; the opening from the sections).
std::string EncodeDisplaySlot(const DisplayRecord& record);

// Fills the display fields of `record` from EncodeDisplaySlot()'s bytes.
// False, leaving `record` unspecified, when `bytes` are not such an encoding.
bool DecodeDisplaySlot(std::string_view bytes, DisplayRecord& record);

// The section texts in order (a ticket: its problem and resolution).
std::string EncodeSectionTextSlot(const DisplayRecord& record);

// Sets the texts of `record.sections` (a ticket: problem and resolution) from
// EncodeSectionTextSlot()'s bytes; the sections must already be there (from
// the display slot or the data). False when the bytes are not such an
// encoding or their count differs.
bool DecodeSectionTextSlot(std::string_view bytes, DisplayRecord& record);

}  // namespace helpdex::search

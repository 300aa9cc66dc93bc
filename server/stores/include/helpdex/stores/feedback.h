// File: feedback.h
// "Did this help?" on every article page: what a customer may send, checked
// in one place for the no-JavaScript form (POST /articles/feedback) and for
// POST /api/events {"type": "feedback"}. The answer is stored as an
// EventType::kFeedback event (events.h), which redacts the comment.
//
//   Result<FeedbackAnswer> answer = ParseFeedback("0", "didnt_answer", "It stops at step 3");
//   if (answer.ok()) event.helpful = answer->helpful ? 1 : 0;
#pragma once

#include <string>
#include <string_view>

#include "helpdex/search/error.h"

namespace helpdex::stores {

inline constexpr size_t kMaxFeedbackCommentCharacters = 1000;

// The reasons a customer may give for "no" (the form's radio values).
inline constexpr std::string_view kFeedbackReasonNotRelated = "not_related";
inline constexpr std::string_view kFeedbackReasonDidntAnswer = "didnt_answer";

struct FeedbackAnswer {
  bool helpful = false;
  std::string reason;   // "", "not_related" or "didnt_answer"; always "" for a yes
  std::string comment;  // trimmed, as written (the event store redacts it)
};

// `helpful` must be "1" or "0"; `reason` "", "not_related" or "didnt_answer"
// (dropped for a yes: the form sends the radio whichever button is pressed);
// `comment` valid UTF-8 of at most kMaxFeedbackCommentCharacters code points.
// kInvalidInput naming the field ("helpful", "reason", "comment") otherwise.
Result<FeedbackAnswer> ParseFeedback(std::string_view helpful, std::string_view reason, std::string_view comment);

}  // namespace helpdex::stores

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

// The reasons a customer may give for "no" (the form's radio values),
// asked after the "no" (the article page's second step).
inline constexpr std::string_view kFeedbackReasonNotRelated = "not_related";
inline constexpr std::string_view kFeedbackReasonDidntAnswer = "didnt_answer";
inline constexpr std::string_view kFeedbackReasonOutdated = "outdated";
inline constexpr std::string_view kFeedbackReasonHardToFollow = "hard_to_follow";
inline constexpr std::string_view kFeedbackReasonOther = "other";
inline constexpr std::string_view kFeedbackReasons[] = {kFeedbackReasonOutdated, kFeedbackReasonDidntAnswer,
                                                        kFeedbackReasonHardToFollow, kFeedbackReasonNotRelated,
                                                        kFeedbackReasonOther};

struct FeedbackAnswer {
  bool helpful = false;
  std::string reason;   // "" or one of kFeedbackReasons; always "" for a yes
  std::string comment;  // trimmed, as written (the event store redacts it)
};

// `helpful` must be "1" or "0"; `reason` "" or one of kFeedbackReasons
// (dropped for a yes: the form sends the radio whichever button is pressed);
// `comment` valid UTF-8 of at most kMaxFeedbackCommentCharacters code points.
// kInvalidInput naming the field ("helpful", "reason", "comment") otherwise.
Result<FeedbackAnswer> ParseFeedback(std::string_view helpful, std::string_view reason, std::string_view comment);

}  // namespace helpdex::stores

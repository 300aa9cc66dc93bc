// Checks for "did this help?" answers (feedback.h).
#include "helpdex/stores/feedback.h"

#include <algorithm>
#include <iterator>

#include "helpdex/search/analysis.h"
#include "helpdex/search/text.h"

namespace helpdex::stores {
Result<FeedbackAnswer> ParseFeedback(std::string_view helpful, std::string_view reason, std::string_view comment) {
  FeedbackAnswer answer;
  if (helpful == "1") {
    answer.helpful = true;
  } else if (helpful != "0") {
    return Error{ErrorCode::kInvalidInput, "helpful must be 1 (yes) or 0 (no)", "helpful"};
  }
  if (!reason.empty() && std::find(std::begin(kFeedbackReasons), std::end(kFeedbackReasons), reason) ==
                              std::end(kFeedbackReasons)) {
    return Error{ErrorCode::kInvalidInput,
                 "reason must be outdated, didnt_answer, hard_to_follow, not_related, other or empty", "reason"};
  }
  // A customer may tick a reason and then press "Yes": the yes wins.
  if (!answer.helpful) answer.reason = std::string(reason);
  if (!search::IsValidUtf8(comment)) {
    return Error{ErrorCode::kInvalidInput, "comment must be valid UTF-8", "comment"};
  }
  const std::string_view trimmed = search::Trim(comment);
  if (search::CountCodePoints(trimmed) > kMaxFeedbackCommentCharacters) {
    return Error{ErrorCode::kInvalidInput,
                 "comment must be at most " + std::to_string(kMaxFeedbackCommentCharacters) + " characters",
                 "comment"};
  }
  answer.comment = std::string(trimmed);
  return answer;
}

}  // namespace helpdex::stores

#include "libs/common/code_name.h"

namespace backplan {

absl::string_view GoCodeName(int code) {
  static constexpr absl::string_view kNames[kStatusCodeCount] = {
      "OK",
      "Canceled",
      "Unknown",
      "InvalidArgument",
      "DeadlineExceeded",
      "NotFound",
      "AlreadyExists",
      "PermissionDenied",
      "ResourceExhausted",
      "FailedPrecondition",
      "Aborted",
      "OutOfRange",
      "Unimplemented",
      "Internal",
      "Unavailable",
      "DataLoss",
      "Unauthenticated"};
  if (code < 0 || code >= kStatusCodeCount) return "";
  return kNames[code];
}

}  // namespace backplan

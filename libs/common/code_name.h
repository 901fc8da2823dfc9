// The names gRPC's Go implementation gives status codes ("OK",
// "InvalidArgument", "Unavailable", ...), which go-grpc-prometheus uses as
// the `grpc_code` label and the load tool prints. absl::StatusCode and
// grpc::StatusCode share the numbering 0..16.
//
//   GoCodeName(3) == "InvalidArgument"
#ifndef BACKPLAN_LIBS_COMMON_CODE_NAME_H_
#define BACKPLAN_LIBS_COMMON_CODE_NAME_H_

#include "absl/strings/string_view.h"

namespace backplan {

// Number of status codes: names exist for 0 .. kStatusCodeCount - 1.
inline constexpr int kStatusCodeCount = 17;

// The Go name of `code`; empty for a number outside 0..16.
absl::string_view GoCodeName(int code);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_COMMON_CODE_NAME_H_

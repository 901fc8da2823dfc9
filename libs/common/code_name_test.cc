#include "libs/common/code_name.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace backplan {
namespace {

TEST(GoCodeName, MatchesAbslNumbering) {
  EXPECT_EQ(GoCodeName(static_cast<int>(absl::StatusCode::kOk)), "OK");
  EXPECT_EQ(GoCodeName(static_cast<int>(absl::StatusCode::kCancelled)),
            "Canceled");
  EXPECT_EQ(GoCodeName(static_cast<int>(absl::StatusCode::kInvalidArgument)),
            "InvalidArgument");
  EXPECT_EQ(GoCodeName(static_cast<int>(absl::StatusCode::kUnavailable)),
            "Unavailable");
  EXPECT_EQ(GoCodeName(static_cast<int>(absl::StatusCode::kUnauthenticated)),
            "Unauthenticated");
}

TEST(GoCodeName, EmptyOutsideTheRange) {
  EXPECT_EQ(GoCodeName(-1), "");
  EXPECT_EQ(GoCodeName(kStatusCodeCount), "");
}

}  // namespace
}  // namespace backplan

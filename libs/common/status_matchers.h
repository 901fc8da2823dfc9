// GoogleTest matchers for absl::Status and absl::StatusOr<T>, which Debian
// 12's Abseil does not ship.
//
//   EXPECT_THAT(Validate(plan), IsOk());
//   EXPECT_THAT(Validate(plan), StatusIs(absl::StatusCode::kInvalidArgument,
//                                        HasSubstr("task \"b\"")));
//   ASSERT_OK_AND_ASSIGN(Plan plan, Load("x.yaml"));
#ifndef BACKPLAN_LIBS_COMMON_STATUS_MATCHERS_H_
#define BACKPLAN_LIBS_COMMON_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace backplan::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = ::backplan::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(status.message()), result_listener);
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::backplan::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.ok();
}

}  // namespace backplan::testing

#define BACKPLAN_TEST_CONCAT_INNER_(a, b) a##b
#define BACKPLAN_TEST_CONCAT_(a, b) BACKPLAN_TEST_CONCAT_INNER_(a, b)

// Asserts that `rexpr` (an absl::StatusOr<T>) is OK and moves its value into
// `lhs`, which may be a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                       \
  auto BACKPLAN_TEST_CONCAT_(statusor_, __LINE__) = (rexpr);   \
  ASSERT_TRUE(BACKPLAN_TEST_CONCAT_(statusor_, __LINE__).ok()) \
      << BACKPLAN_TEST_CONCAT_(statusor_, __LINE__).status();  \
  lhs = std::move(BACKPLAN_TEST_CONCAT_(statusor_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::backplan::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::backplan::testing::IsOk())

#endif  // BACKPLAN_LIBS_COMMON_STATUS_MATCHERS_H_

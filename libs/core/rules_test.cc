// The shared rules: attribute ranges (attributes.h) and tenant names
// (tenant.h).
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/attributes.h"
#include "libs/core/tenant.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FindAttributeProblem, AcceptsUnsetAndInRangeValues) {
  TaskAttributes a;
  EXPECT_FALSE(FindAttributeProblem(a).has_value());
  a.importance = 10;
  a.difficulty = 1;
  a.rice_reach = 0;
  a.rice_impact = 0.25;
  a.rice_confidence = 1;
  a.rice_effort = 0.5;
  EXPECT_FALSE(FindAttributeProblem(a).has_value());
}

TEST(FindAttributeProblem, NamesTheFirstBrokenAttribute) {
  TaskAttributes a;
  a.risk_reduction = 11;
  a.rice_effort = 0;
  auto problem = FindAttributeProblem(a);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->attribute, "risk_reduction");
  EXPECT_EQ(problem->problem,
            "risk_reduction 11 is out of range 1-10 (0 = unset)");
  a.risk_reduction = 0;
  problem = FindAttributeProblem(a);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->attribute, "rice_effort");
  a.rice_effort = 1;
  a.rice_reach = std::nan("");
  EXPECT_EQ(FindAttributeProblem(a)->attribute, "rice_reach");
  a.rice_reach = 1;
  a.rice_impact = 4;
  EXPECT_THAT(FindAttributeProblem(a)->problem, HasSubstr("one of 3, 2, 1"));
  a.rice_impact = 1;
  a.difficulty = -1;
  EXPECT_EQ(FindAttributeProblem(a)->attribute, "difficulty");
}

TEST(ValidateTenantName, OneRule) {
  EXPECT_OK(ValidateTenantName("acme"));
  EXPECT_OK(ValidateTenantName("a.b_c-9"));
  EXPECT_OK(ValidateTenantName(std::string(64, 'x')));
  for (const std::string& bad :
       {std::string(), std::string(65, 'x'), std::string("a/b"),
        std::string("a{b}"), std::string("a b"), std::string("a\nb"),
        std::string("caf\xc3\xa9")}) {
    EXPECT_THAT(ValidateTenantName(bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("must be 1-64 of [A-Za-z0-9._-]")))
        << bad;
  }
}

}  // namespace
}  // namespace backplan

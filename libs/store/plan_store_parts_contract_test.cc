// The PlanStore contract of GetPlanParts (partial reads and digests), for
// the in-memory fake and RedisPlanStore alike (plan_store_contract_test.h).
#include <cstdint>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/plan_store_contract_test.h"

namespace backplan::testing {
namespace {

using ::testing::HasSubstr;

EventInfo Event(absl::string_view type) {
  return EventInfo{std::string(type), "r"};
}

TEST_P(PlanStoreContractTest, GetPlanPartsReadsOnlyWhatIsAsked) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "plan", Event("c")).status());
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kPriorities, 1, "prio",
                             Event("p")));
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kSchedule, 1, "sched",
                             Event("s")));
  PlanReadOptions only_plan;
  ASSERT_OK_AND_ASSIGN(StoredPlan plan,
                       store().GetPlanParts(kTenant, "p", only_plan));
  EXPECT_EQ(plan.data, "plan");
  EXPECT_EQ(plan.version, 1);
  EXPECT_FALSE(plan.unchanged);
  EXPECT_FALSE(plan.priorities.has_value());
  EXPECT_FALSE(plan.schedule.has_value());
  EXPECT_FALSE(plan.simulation.has_value());

  PlanReadOptions with_priorities;
  with_priorities.priorities = true;
  with_priorities.simulation = true;  // Asked for, but absent.
  ASSERT_OK_AND_ASSIGN(plan,
                       store().GetPlanParts(kTenant, "p", with_priorities));
  EXPECT_EQ(plan.data, "plan");
  ASSERT_TRUE(plan.priorities.has_value());
  EXPECT_EQ(plan.priorities->data, "prio");
  EXPECT_EQ(plan.priorities->plan_version, 1);
  EXPECT_FALSE(plan.schedule.has_value());
  EXPECT_FALSE(plan.simulation.has_value());

  PlanReadOptions all;
  all.priorities = all.schedule = all.simulation = true;
  ASSERT_OK_AND_ASSIGN(plan, store().GetPlanParts(kTenant, "p", all));
  ASSERT_TRUE(plan.schedule.has_value());
  EXPECT_EQ(plan.schedule->data, "sched");

  EXPECT_THAT(store().GetPlanParts(kTenant, "missing", all),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  EXPECT_THAT(
      store().GetPlanParts("bad tenant", "p", all),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tenant")));
}

TEST_P(PlanStoreContractTest, GetPlanPartsLeavesOutDataWithAKnownDigest) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "plan", Event("c")).status());
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kPriorities, 1, "prio",
                             Event("p")));
  PlanReadOptions read;
  read.priorities = true;
  read.digests = true;
  ASSERT_OK_AND_ASSIGN(StoredPlan first,
                       store().GetPlanParts(kTenant, "p", read));
  ASSERT_FALSE(first.digest.empty());
  ASSERT_TRUE(first.priorities.has_value());
  ASSERT_FALSE(first.priorities->digest.empty());
  EXPECT_EQ(first.data, "plan");
  EXPECT_FALSE(first.unchanged);

  read.known_plan_digest = first.digest;
  read.known_priorities_digest = first.priorities->digest;
  ASSERT_OK_AND_ASSIGN(StoredPlan again,
                       store().GetPlanParts(kTenant, "p", read));
  EXPECT_TRUE(again.unchanged);
  EXPECT_EQ(again.data, "");
  EXPECT_EQ(again.digest, first.digest);
  EXPECT_EQ(again.version, 1);
  ASSERT_TRUE(again.priorities.has_value());
  EXPECT_TRUE(again.priorities->unchanged);
  EXPECT_EQ(again.priorities->data, "");
  EXPECT_EQ(again.priorities->plan_version, 1);

  // New priorities for the same plan version: sent again, plan still not.
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kPriorities, 1, "prio2",
                             Event("p")));
  ASSERT_OK_AND_ASSIGN(again, store().GetPlanParts(kTenant, "p", read));
  EXPECT_TRUE(again.unchanged);
  ASSERT_TRUE(again.priorities.has_value());
  EXPECT_FALSE(again.priorities->unchanged);
  EXPECT_EQ(again.priorities->data, "prio2");
  EXPECT_NE(again.priorities->digest, first.priorities->digest);

  // The same bytes under a new version are a new digest: a cache keyed by
  // digest never serves a value made for another version.
  ASSERT_OK(store().PutPlan(kTenant, "p", 1, "plan", Event("u")).status());
  ASSERT_OK_AND_ASSIGN(again, store().GetPlanParts(kTenant, "p", read));
  EXPECT_FALSE(again.unchanged);
  EXPECT_EQ(again.data, "plan");
  EXPECT_EQ(again.version, 2);
  EXPECT_NE(again.digest, first.digest);

  // Deleted and created again with other bytes at version 1: new digest.
  ASSERT_OK(store().DeletePlan(kTenant, "p"));
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "other", Event("c")).status());
  ASSERT_OK_AND_ASSIGN(again, store().GetPlanParts(kTenant, "p", read));
  EXPECT_FALSE(again.unchanged);
  EXPECT_EQ(again.data, "other");
  EXPECT_EQ(again.version, 1);
  EXPECT_NE(again.digest, first.digest);
  EXPECT_FALSE(again.priorities.has_value());
}

}  // namespace
}  // namespace backplan::testing

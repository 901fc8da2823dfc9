// The PlanStore contract for listing summaries (plan_store.h PlanSummary,
// EventInfo::summary): kept at write time, in the same step as the write,
// and listed without reading the plans' data. Runs against both stores with
// the rest of the contract suite (plan_store_contract_test.h).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/plan_store_contract_test.h"

namespace backplan::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

EventInfo WithSummary(absl::string_view type, absl::string_view summary) {
  EventInfo event;
  event.type = std::string(type);
  event.request_id = "r";
  event.summary = std::string(summary);
  return event;
}

// The only plan of kTenant's listing.
PlanSummary OnlyListed(PlanStore& store) {
  absl::StatusOr<PlanPage> page = store.ListPlans(kTenant, 10, "");
  EXPECT_TRUE(page.ok()) << page.status();
  if (!page.ok() || page->plans.size() != 1) {
    ADD_FAILURE() << "expected one listed plan";
    return PlanSummary{};
  }
  return page->plans[0];
}

TEST_P(PlanStoreContractTest, SummaryIsKeptWithEachPlanWrite) {
  // Redis TIME and this process's clock are the same machine's clock; the
  // margin only absorbs rounding.
  const absl::Time before = absl::Now() - absl::Seconds(1);
  ASSERT_OK(store()
                .PutPlan(kTenant, "p1", 0, "data-1",
                         WithSummary("plan.created", "first"))
                .status());
  PlanSummary listed = OnlyListed(store());
  EXPECT_EQ(listed.plan_id, "p1");
  EXPECT_EQ(listed.version, 1);
  EXPECT_EQ(listed.summary, "first");
  EXPECT_GE(listed.updated_at, before);
  EXPECT_LE(listed.updated_at, absl::Now() + absl::Seconds(1));
  EXPECT_EQ(listed.schedule_summary, "");
  EXPECT_EQ(listed.schedule_plan_version, 0);

  const absl::Time first_write = listed.updated_at;
  ASSERT_OK(store()
                .PutPlan(kTenant, "p1", 1, "data-2",
                         WithSummary("plan.edited", std::string("two\0b", 5)))
                .status());
  listed = OnlyListed(store());
  EXPECT_EQ(listed.version, 2);
  EXPECT_EQ(listed.summary, std::string("two\0b", 5));  // Opaque bytes.
  EXPECT_GE(listed.updated_at, first_write);

  // The idempotent form keeps it too; a write without one clears it (it
  // described the old data).
  IdempotencyRecord record;
  record.method = "EditPlan";
  record.key = "k1";
  record.request_hash = "h";
  record.response = "resp";
  ASSERT_OK(store()
                .PutPlanOnce(kTenant, "p1", 2, "data-3",
                             WithSummary("plan.edited", "three"), record)
                .status());
  EXPECT_EQ(OnlyListed(store()).summary, "three");
  ASSERT_OK(store()
                .PutPlan(kTenant, "p1", 3, "data-4", WithSummary("e", ""))
                .status());
  listed = OnlyListed(store());
  EXPECT_EQ(listed.version, 4);
  EXPECT_EQ(listed.summary, "");
}

TEST_P(PlanStoreContractTest, ScheduleSummaryComesFromTheLatestSchedule) {
  ASSERT_OK(store()
                .PutPlan(kTenant, "p1", 0, "plan", WithSummary("c", "plan-1"))
                .status());
  ASSERT_OK(store().PutStage(kTenant, "p1", StagePart::kSchedule, 1, "sched",
                             WithSummary("schedule.updated", "feasible")));
  // Other stages' summaries are not the schedule's.
  ASSERT_OK(store().PutStage(kTenant, "p1", StagePart::kPriorities, 1, "prio",
                             WithSummary("priorities.updated", "ignored")));
  PlanSummary listed = OnlyListed(store());
  EXPECT_EQ(listed.summary, "plan-1");
  EXPECT_EQ(listed.schedule_summary, "feasible");
  EXPECT_EQ(listed.schedule_plan_version, 1);

  // An edit leaves the schedule where it was: the listing shows it is stale.
  ASSERT_OK(store()
                .PutPlan(kTenant, "p1", 1, "plan2", WithSummary("e", "plan-2"))
                .status());
  listed = OnlyListed(store());
  EXPECT_EQ(listed.version, 2);
  EXPECT_EQ(listed.schedule_summary, "feasible");
  EXPECT_EQ(listed.schedule_plan_version, 1);

  // A refused (stale) schedule write changes nothing.
  EXPECT_THAT(store().PutStage(kTenant, "p1", StagePart::kSchedule, 1, "old",
                               WithSummary("schedule.updated", "stale")),
              StatusIs(absl::StatusCode::kAborted, ::testing::_));
  ASSERT_OK(store().PutStage(kTenant, "p1", StagePart::kSchedule, 2, "new",
                             WithSummary("schedule.updated", "misses by 3")));
  listed = OnlyListed(store());
  EXPECT_EQ(listed.schedule_summary, "misses by 3");
  EXPECT_EQ(listed.schedule_plan_version, 2);
}

TEST_P(PlanStoreContractTest, PagesCarryEachPlansOwnSummary) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = absl::StrCat("p", i);
    ASSERT_OK(store()
                  .PutPlan(kTenant, id, 0, "d", WithSummary("c", "s-" + id))
                  .status());
  }
  ASSERT_OK(store().PutStage(kTenant, "p3", StagePart::kSchedule, 1, "s",
                             WithSummary("schedule.updated", "on time")));
  ASSERT_OK_AND_ASSIGN(PlanPage first, store().ListPlans(kTenant, 3, ""));
  ASSERT_THAT(first.plans, SizeIs(3));
  ASSERT_OK_AND_ASSIGN(PlanPage second,
                       store().ListPlans(kTenant, 3, first.next_page_token));
  ASSERT_THAT(second.plans, SizeIs(2));
  EXPECT_EQ(second.next_page_token, "");
  std::vector<PlanSummary> all = first.plans;
  all.insert(all.end(), second.plans.begin(), second.plans.end());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(all[i].plan_id, absl::StrCat("p", i));
    EXPECT_EQ(all[i].summary, absl::StrCat("s-p", i));
    EXPECT_EQ(all[i].schedule_summary, i == 3 ? "on time" : "");
    EXPECT_EQ(all[i].schedule_plan_version, i == 3 ? 1 : 0);
  }
}

TEST_P(PlanStoreContractTest, OversizedSummaryIsRefusedAndWritesNothing) {
  const std::string big(kMaxSummaryBytes + 1, 's');
  EXPECT_THAT(
      store().PutPlan(kTenant, "p1", 0, "d", WithSummary("c", big)).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("summary")));
  EXPECT_THAT(store().GetPlan(kTenant, "p1").status(),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  ASSERT_OK(store()
                .PutPlan(kTenant, "p1", 0, "d",
                         WithSummary("c", std::string(kMaxSummaryBytes, 's')))
                .status());
  EXPECT_THAT(
      store().PutStage(kTenant, "p1", StagePart::kSchedule, 1, "s",
                       WithSummary("schedule.updated", big)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("summary")));
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store().GetPlan(kTenant, "p1"));
  EXPECT_FALSE(stored.schedule.has_value());
}

}  // namespace
}  // namespace backplan::testing

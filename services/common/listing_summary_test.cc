#include "services/common/listing_summary.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace backplan {
namespace {

v1::Plan ThreeTaskPlan(const std::string& title) {
  v1::Plan plan;
  plan.mutable_outcome()->set_title(title);
  plan.mutable_outcome()->mutable_target_date()->set_year(2027);
  plan.mutable_outcome()->mutable_target_date()->set_month(6);
  plan.mutable_outcome()->mutable_target_date()->set_day(30);
  for (int i = 0; i < 3; ++i) plan.add_tasks()->set_id(std::to_string(i));
  return plan;
}

TEST(ListingSummary, MergesPlanScheduleAndStoreFields) {
  PlanSummary listed;
  listed.plan_id = "p1";
  listed.version = 4;
  listed.summary = PlanListingSummary(ThreeTaskPlan("ship the reader"));
  listed.updated_at = absl::FromUnixMicros(1790000000123456);
  v1::Timeline late;
  late.set_feasible(false);
  late.set_days_short(7);
  listed.schedule_summary = ScheduleListingSummary(late);
  listed.schedule_plan_version = 3;

  v1::PlanSummary out;
  ListedPlanToProto(listed, &out);
  EXPECT_EQ(out.plan_id(), "p1");
  EXPECT_EQ(out.version(), 4);
  EXPECT_EQ(out.title(), "ship the reader");
  EXPECT_EQ(out.target_date().year(), 2027);
  EXPECT_EQ(out.target_date().day(), 30);
  EXPECT_EQ(out.task_count(), 3);
  EXPECT_EQ(out.feasibility(), v1::INFEASIBLE);
  EXPECT_EQ(out.days_short(), 7);
  EXPECT_EQ(out.schedule_version(), 3);
  EXPECT_EQ(out.updated_unix_micros(), 1790000000123456);

  v1::Timeline on_time;
  on_time.set_feasible(true);
  listed.schedule_summary = ScheduleListingSummary(on_time);
  ListedPlanToProto(listed, &out);
  EXPECT_EQ(out.feasibility(), v1::FEASIBLE);
  EXPECT_EQ(out.days_short(), 0);
}

TEST(ListingSummary, UnscheduledAndOldPlans) {
  PlanSummary listed;
  listed.plan_id = "p1";
  listed.version = 1;
  listed.summary = PlanListingSummary(ThreeTaskPlan("t"));
  v1::PlanSummary out;
  ListedPlanToProto(listed, &out);
  EXPECT_EQ(out.feasibility(), v1::UNSCHEDULED);
  EXPECT_EQ(out.schedule_version(), 0);

  // Stored before summaries existed: only id and version.
  PlanSummary old;
  old.plan_id = "old";
  old.version = 9;
  ListedPlanToProto(old, &out);
  EXPECT_EQ(out.plan_id(), "old");
  EXPECT_EQ(out.version(), 9);
  EXPECT_EQ(out.title(), "");
  EXPECT_FALSE(out.has_target_date());
  EXPECT_EQ(out.feasibility(), v1::FEASIBILITY_UNSPECIFIED);
  EXPECT_EQ(out.updated_unix_micros(), 0);
}

TEST(ListingSummary, LongTitlesAreCutAtACharacterBoundary) {
  // 2-byte characters: a cut at an odd byte would split one.
  std::string title = "a";
  for (int i = 0; i < 400; ++i) title += "\xC3\xA9";  // "é"
  PlanSummary listed;
  listed.summary = PlanListingSummary(ThreeTaskPlan(title));
  EXPECT_LT(listed.summary.size(), kMaxSummaryBytes);
  v1::PlanSummary out;
  ListedPlanToProto(listed, &out);
  // Byte 512 would be the second half of a character: cut before it.
  EXPECT_EQ(out.title().size(), kMaxSummaryTitleBytes - 1);
  EXPECT_EQ(out.title(), title.substr(0, kMaxSummaryTitleBytes - 1));
}

}  // namespace
}  // namespace backplan

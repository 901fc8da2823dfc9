#include "libs/schedule/rcpsp_plan.h"

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace {

using ::backplan::testing::kMonday;
using ::backplan::testing::MondayRequest;
using ::backplan::testing::TeamPlanShape;
using ::testing::HasSubstr;
using ::testing::SizeIs;

Plan TwoTaskPlan(absl::CivilDay target) {
  Plan plan;
  plan.outcome.title = "done";
  plan.outcome.target_date = target;
  plan.outcome.start_date = kMonday;
  plan.resources.push_back({"dev", 1, {}, {}});
  for (const char* id : {"a", "b"}) {
    Task task;
    task.id = id;
    task.duration_days = 3;
    task.demands.push_back({"dev", 1});
    plan.tasks.push_back(task);
  }
  return plan;
}

const ScheduledNode& Node(const ResourceTimeline& rt, const std::string& id) {
  const ScheduledNode* node = FindNode(rt.timeline, id);
  EXPECT_NE(node, nullptr) << id;
  return *node;
}

TEST(ScheduleWithResources, BackwardEndsOnTheTarget) {
  // Target on a Sunday: the final milestone is the Friday before.
  const Plan plan = TwoTaskPlan(absl::CivilDay(2026, 3, 15));
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kBackward), {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(rt->timeline.final_milestone, absl::CivilDay(2026, 3, 13));
  const ScheduledNode& a = Node(*rt, "a");
  const ScheduledNode& b = Node(*rt, "b");
  const ScheduledNode& late = a.deadline > b.deadline ? a : b;
  const ScheduledNode& early = a.deadline > b.deadline ? b : a;
  EXPECT_EQ(late.deadline, absl::CivilDay(2026, 3, 13));
  EXPECT_EQ(late.planned_start, absl::CivilDay(2026, 3, 11));
  EXPECT_EQ(early.deadline, absl::CivilDay(2026, 3, 10));
  EXPECT_EQ(early.planned_start, absl::CivilDay(2026, 3, 6));
  EXPECT_EQ(rt->makespan_days, 6);
  EXPECT_EQ(rt->critical_path_bound_days, 3);
  EXPECT_EQ(rt->resource_bound_days, 6);
  EXPECT_EQ(rt->lower_bound_days, 6);
  EXPECT_EQ(rt->gap_percent, 0.0);
  EXPECT_TRUE(rt->timeline.feasible);
  // The resource-free dates stay: both tasks could end on the target.
  EXPECT_EQ(a.latest_finish, absl::CivilDay(2026, 3, 13));
}

TEST(ScheduleWithResources, ForwardFromTheStartDate) {
  const Plan plan = TwoTaskPlan(absl::CivilDay(2026, 3, 31));
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward), {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  const ScheduledNode& a = Node(*rt, "a");
  const ScheduledNode& b = Node(*rt, "b");
  const ScheduledNode& first = a.planned_start < b.planned_start ? a : b;
  const ScheduledNode& second = a.planned_start < b.planned_start ? b : a;
  EXPECT_EQ(first.planned_start, kMonday);
  EXPECT_EQ(first.deadline, absl::CivilDay(2026, 3, 4));
  EXPECT_EQ(second.planned_start, absl::CivilDay(2026, 3, 5));
  EXPECT_EQ(second.deadline, absl::CivilDay(2026, 3, 9));
  EXPECT_EQ(rt->timeline.final_milestone, absl::CivilDay(2026, 3, 9));
  EXPECT_EQ(rt->timeline.earliest_finish, absl::CivilDay(2026, 3, 9));
}

TEST(ScheduleWithResources, ReducedCapacityDaysAreRespected) {
  Plan plan = TwoTaskPlan(absl::CivilDay(2026, 3, 31));
  plan.tasks.pop_back();
  // Nobody on Wednesday: three days in a row means Thursday to Monday.
  plan.resources[0].reduced_days.push_back({absl::CivilDay(2026, 3, 4), 0});
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward), {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(Node(*rt, "a").planned_start, absl::CivilDay(2026, 3, 5));
  EXPECT_EQ(Node(*rt, "a").deadline, absl::CivilDay(2026, 3, 9));
  EXPECT_EQ(rt->resource_bound_days, 4);  // Wednesday is lost.

  // Backward from Friday the 6th: Wednesday blocked, so Thursday-Friday is
  // too short; the task ends Tuesday.
  plan.outcome.target_date = absl::CivilDay(2026, 3, 6);
  rt = ScheduleWithResources(plan, MondayRequest(ScheduleMode::kBackward), {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(Node(*rt, "a").deadline, absl::CivilDay(2026, 3, 3));
  EXPECT_EQ(Node(*rt, "a").planned_start, absl::CivilDay(2026, 2, 27));
  EXPECT_FALSE(rt->timeline.feasible);  // Starts before the start date.
  EXPECT_EQ(rt->timeline.days_short, 1);
}

TEST(ScheduleWithResources, InfeasibleTargetIsAnAnswer) {
  const Plan plan = TwoTaskPlan(absl::CivilDay(2026, 3, 4));
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kBackward), {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(rt->timeline.final_milestone, absl::CivilDay(2026, 3, 4));
  EXPECT_FALSE(rt->timeline.feasible);
  EXPECT_EQ(rt->timeline.days_short, 3);
  EXPECT_EQ(rt->timeline.earliest_finish, absl::CivilDay(2026, 3, 9));
}

TEST(ScheduleWithResources, FixedDeadlineHoldsBackward) {
  Plan plan = TwoTaskPlan(absl::CivilDay(2026, 3, 31));
  plan.tasks[1].fixed_deadline = absl::CivilDay(2026, 3, 20);
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kBackward), {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(Node(*rt, "b").deadline, absl::CivilDay(2026, 3, 20));
  EXPECT_EQ(Node(*rt, "a").deadline, absl::CivilDay(2026, 3, 31));
  EXPECT_TRUE(rt->timeline.feasible);
}

TEST(ScheduleWithResources, DemandsAddingUpAboveCapacityAreRefused) {
  Plan plan = TwoTaskPlan(absl::CivilDay(2026, 3, 31));
  plan.tasks[1].demands.push_back({"dev", 1});
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kBackward), {});
  EXPECT_EQ(rt.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rt.status().message(), HasSubstr("\"b\""));
  EXPECT_THAT(rt.status().message(), HasSubstr("\"dev\""));
}

TEST(ScheduleWithResources, CallerOrderIsFollowed) {
  const Plan plan = TwoTaskPlan(absl::CivilDay(2026, 3, 31));
  ResourceScheduleOptions options;
  options.max_schedules = 1;
  options.priority_order = {"b", "a"};
  absl::StatusOr<ResourceTimeline> rt = ScheduleWithResources(
      plan, MondayRequest(ScheduleMode::kForward), options);
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(Node(*rt, "b").planned_start, kMonday);
  EXPECT_EQ(rt->best_rule, "caller order");
  // Backward: b still comes first, a ends on the target.
  rt = ScheduleWithResources(plan, MondayRequest(ScheduleMode::kBackward),
                             options);
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(Node(*rt, "a").deadline, absl::CivilDay(2026, 3, 31));
}

// 20 tasks of 0-4 days; "ops" has two people; "team" one on 2026-03-10.
Plan RandomTeamPlan(uint32_t seed) {
  std::mt19937 gen(seed);
  TeamPlanShape shape;
  shape.start = kMonday;
  shape.target = absl::CivilDay(2026, 6, 30);
  shape.ops_capacity = 2;
  shape.team_reduced_day = absl::CivilDay(2026, 3, 10);
  shape.tasks = 20;
  shape.min_days = 0;
  shape.max_days = 4;
  shape.max_team_units = 3;
  shape.max_qa_units = 2;
  shape.ops_one_in = 3;
  shape.dependency_one_in = 3;
  return ::backplan::testing::RandomTeamPlan(gen, shape);
}

TEST(ScheduleWithResources, NamedMembersAreNeverDoubleBooked) {
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    const Plan plan = RandomTeamPlan(seed);
    for (ScheduleMode mode :
         {ScheduleMode::kBackward, ScheduleMode::kForward}) {
      ResourceScheduleOptions options;
      options.seed = seed;
      options.max_schedules = 100;
      absl::StatusOr<ResourceTimeline> rt =
          ScheduleWithResources(plan, MondayRequest(mode), options);
      ASSERT_TRUE(rt.ok()) << rt.status();
      const WorkingCalendar calendar = WorkingCalendar::Default();
      std::set<std::pair<std::string, int64_t>> busy;  // (member, day index)
      std::vector<int64_t> team_per_day(400, 0);
      for (size_t n = 0; n < rt->timeline.nodes.size(); ++n) {
        const ScheduledNode& node = rt->timeline.nodes[n];
        if (node.kind != PlanGraph::Kind::kTask || node.duration_days == 0) {
          EXPECT_THAT(rt->assignees[n], SizeIs(0));
          continue;
        }
        const Task& task = plan.tasks[node.source_index];
        size_t named = 0;
        for (const ResourceDemand& d : task.demands) {
          if (d.pool != "ops") named += d.units;
        }
        EXPECT_EQ(rt->assignees[n].size(), named) << node.id;
        const int64_t first = calendar.IndexOf(node.planned_start);
        const int64_t last = calendar.IndexOf(node.deadline);
        EXPECT_EQ(last - first + 1, node.duration_days) << node.id;
        for (const std::string& member : rt->assignees[n]) {
          for (int64_t day = first; day <= last; ++day) {
            EXPECT_TRUE(busy.insert({member, day}).second)
                << member << " twice on day " << day << " seed " << seed;
          }
        }
        for (int64_t day = first; day <= last; ++day) {
          const int64_t slot =
              day - calendar.IndexOf(absl::CivilDay(2026, 1, 1));
          ASSERT_GE(slot, 0);
          ASSERT_LT(slot, 400);
          team_per_day[slot] += task.demands[0].units;
        }
      }
      const int64_t reduced = calendar.IndexOf(absl::CivilDay(2026, 3, 10)) -
                              calendar.IndexOf(absl::CivilDay(2026, 1, 1));
      for (int64_t s = 0; s < 400; ++s) {
        EXPECT_LE(team_per_day[s], s == reduced ? 1 : 3) << "seed " << seed;
      }
      EXPECT_GE(rt->makespan_days, rt->lower_bound_days);
      EXPECT_GE(rt->gap_percent, 0.0);
    }
  }
}

TEST(ScheduleWithResources, DeterministicPerSeed) {
  const Plan plan = RandomTeamPlan(5);
  ResourceScheduleOptions options;
  options.seed = 99;
  options.max_schedules = 300;
  absl::StatusOr<ResourceTimeline> a = ScheduleWithResources(
      plan, MondayRequest(ScheduleMode::kBackward), options);
  absl::StatusOr<ResourceTimeline> b = ScheduleWithResources(
      plan, MondayRequest(ScheduleMode::kBackward), options);
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t n = 0; n < a->timeline.nodes.size(); ++n) {
    EXPECT_EQ(a->timeline.nodes[n].deadline, b->timeline.nodes[n].deadline);
  }
  EXPECT_EQ(a->assignees, b->assignees);
}

}  // namespace
}  // namespace backplan

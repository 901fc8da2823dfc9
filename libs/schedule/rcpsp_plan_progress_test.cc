// ScheduleWithResources with progress, resource slack and waits: plans with
// people re-planned from an as-of date, checked by an independent checker
// (days per member, people per pool per day, dependencies, actual dates).
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/rcpsp_plan.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace {

using ::backplan::testing::kMonday;
using ::backplan::testing::MondayRequest;
using ::backplan::testing::TeamPlanShape;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// 16 tasks of 1-5 days; "ops" has one person; "team" one on 2026-03-17.
Plan RandomTeamPlan(std::mt19937& gen) {
  TeamPlanShape shape;
  shape.start = kMonday;
  shape.target = absl::CivilDay(2026, 7, 31);
  shape.team_reduced_day = absl::CivilDay(2026, 3, 17);
  return ::backplan::testing::RandomTeamPlan(gen, shape);
}

int Capacity(const ResourcePool& pool, absl::CivilDay day) {
  int capacity = pool.capacity;
  for (const CapacityException& c : pool.reduced_days) {
    if (c.day == day) capacity = std::min(capacity, c.capacity);
  }
  return capacity;
}

// Independent checks of a re-planned timeline: every pool within its
// capacity and no member on two tasks on any working day (done tasks use
// nobody), every assignee is a member of a pool the task needs, work not
// started begins on or after as_of and after its dependencies.
void CheckReplan(const Plan& plan, const ResourceTimeline& rt,
                 absl::CivilDay as_of) {
  const WorkingCalendar calendar = WorkingCalendar::Default();
  std::set<std::pair<std::string, absl::CivilDay>> busy;
  std::map<std::pair<std::string, absl::CivilDay>, int> used;
  absl::flat_hash_map<std::string, const ScheduledNode*> by_id;
  for (size_t n = 0; n < rt.timeline.nodes.size(); ++n) {
    const ScheduledNode& node = rt.timeline.nodes[n];
    by_id[node.id] = &node;
    if (node.kind != PlanGraph::Kind::kTask) continue;
    const Task& task = plan.tasks[node.source_index];
    if (task.progress.status == TaskStatus::kDone) {
      EXPECT_EQ(node.deadline, *task.progress.actual_finish) << node.id;
      EXPECT_THAT(rt.assignees[n], IsEmpty()) << node.id;
      continue;
    }
    if (node.duration_days == 0) continue;
    if (rt.timeline.feasible || rt.timeline.mode == ScheduleMode::kForward) {
      EXPECT_GE(node.planned_start, as_of) << node.id;
    }
    for (absl::CivilDay day = node.planned_start; day <= node.deadline; ++day) {
      if (!calendar.IsWorkingDay(day)) continue;
      for (const ResourceDemand& d : task.demands)
        used[{d.pool, day}] += d.units;
      for (const std::string& who : rt.assignees[n]) {
        EXPECT_TRUE(busy.insert({who, day}).second)
            << who << " twice on " << day << " (" << node.id << ")";
      }
    }
    size_t named = 0;
    for (const ResourceDemand& d : task.demands) {
      for (const ResourcePool& pool : plan.resources) {
        if (pool.name == d.pool && !pool.members.empty()) named += d.units;
      }
    }
    EXPECT_EQ(rt.assignees[n].size(), named) << node.id;
  }
  for (const auto& [key, units] : used) {
    for (const ResourcePool& pool : plan.resources) {
      if (pool.name == key.first) {
        EXPECT_LE(units, Capacity(pool, key.second))
            << pool.name << " on " << key.second;
      }
    }
  }
  for (const Dependency& dep : plan.dependencies) {
    const ScheduledNode& from = *by_id.at(dep.predecessor_id);
    const ScheduledNode& to = *by_id.at(dep.successor_id);
    if (to.status != TaskStatus::kNotStarted) continue;
    EXPECT_GE(calendar.IndexOf(to.planned_start),
              calendar.IndexOf(from.deadline) + 1 + dep.lag_days)
        << dep.predecessor_id << " -> " << dep.successor_id;
  }
}

TEST(ResourceProgress, ReplansTheRestWithoutDoubleBooking) {
  std::mt19937 gen(2202);
  int kept_checked = 0;
  for (int round = 0; round < 12; ++round) {
    Plan plan = RandomTeamPlan(gen);
    ResourceScheduleOptions options;
    options.seed = round;
    options.max_schedules = 100;
    absl::StatusOr<ResourceTimeline> first = ScheduleWithResources(
        plan, MondayRequest(ScheduleMode::kForward), options);
    ASSERT_TRUE(first.ok()) << first.status();
    // A week and a half in: what ended is done (a day late, to move
    // things), what runs is in progress with its people kept.
    const absl::CivilDay as_of(2026, 3, 12);
    const WorkingCalendar calendar = WorkingCalendar::Default();
    for (size_t n = 0; n < first->timeline.nodes.size(); ++n) {
      const ScheduledNode& node = first->timeline.nodes[n];
      if (node.kind != PlanGraph::Kind::kTask) continue;
      TaskProgress& progress = plan.tasks[node.source_index].progress;
      if (node.deadline < as_of) {
        progress.status = TaskStatus::kDone;
        progress.actual_start = node.planned_start;
        progress.actual_finish = node.deadline + 1;
      } else if (node.planned_start < as_of) {
        progress.status = TaskStatus::kInProgress;
        progress.actual_start = node.planned_start;
        progress.remaining_days = static_cast<int>(
            calendar.IndexOf(node.deadline) - calendar.IndexOf(as_of) + 1);
        options.kept_assignees[node.id] = first->assignees[n];
      }
    }
    for (ScheduleMode mode :
         {ScheduleMode::kForward, ScheduleMode::kBackward}) {
      ScheduleRequest request = MondayRequest(mode);
      request.as_of = as_of;
      absl::StatusOr<ResourceTimeline> again =
          ScheduleWithResources(plan, request, options);
      ASSERT_TRUE(again.ok()) << again.status();
      SCOPED_TRACE(round);
      CheckReplan(plan, *again, as_of);
      for (size_t n = 0; n < again->timeline.nodes.size(); ++n) {
        const std::string& id = again->timeline.nodes[n].id;
        auto kept = options.kept_assignees.find(id);
        // Going forward, work in progress continues from as_of with its
        // people; backward it may move, and keeps them when they are free.
        if (kept == options.kept_assignees.end() ||
            mode == ScheduleMode::kBackward ||
            again->timeline.nodes[n].duration_days == 0) {
          continue;
        }
        EXPECT_EQ(again->timeline.nodes[n].planned_start, as_of) << id;
        EXPECT_EQ(again->assignees[n], kept->second) << id;
        ++kept_checked;
      }
    }
  }
  EXPECT_GT(kept_checked, 10);  // The test exercised in-progress tasks.
}

TEST(ResourceProgress, DoneTasksFreeTheirPeople) {
  // One developer, three 2-day tasks; "a" is done, so "b" and "c" follow
  // each other from as_of.
  Plan plan;
  plan.outcome.title = "ship";
  plan.outcome.target_date = absl::CivilDay(2026, 3, 31);
  plan.outcome.start_date = kMonday;
  plan.resources.push_back({"dev", 1, {"dana"}, {}});
  for (const char* id : {"a", "b", "c"}) {
    Task task;
    task.id = id;
    task.duration_days = 2;
    task.demands.push_back({"dev", 1});
    plan.tasks.push_back(task);
  }
  plan.tasks[0].progress.status = TaskStatus::kDone;
  plan.tasks[0].progress.actual_finish = absl::CivilDay(2026, 3, 3);
  ScheduleRequest request = MondayRequest(ScheduleMode::kForward);
  request.as_of = absl::CivilDay(2026, 3, 4);
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, request, {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(rt->timeline.nodes[0].deadline, absl::CivilDay(2026, 3, 3));
  EXPECT_EQ(rt->timeline.final_milestone, absl::CivilDay(2026, 3, 9));
  EXPECT_EQ(rt->makespan_days, 4);
  EXPECT_THAT(rt->assignees[1], ElementsAre("dana"));
}

TEST(ResourceSlackOfPlan, TesterQueueIsResourceCritical) {
  // dev (3 days, no people) has dependency slack; qa and docs both need the
  // only tester, so the one that goes second waits for the pool, not for a
  // dependency, and neither has resource slack.
  Plan plan;
  plan.outcome.title = "ship";
  plan.outcome.target_date = absl::CivilDay(2026, 3, 31);
  plan.outcome.start_date = kMonday;
  plan.resources.push_back({"testers", 1, {"tess"}, {}});
  auto add = [&](const char* id, int days, bool tester) {
    Task task;
    task.id = id;
    task.duration_days = days;
    if (tester) task.demands.push_back({"testers", 1});
    plan.tasks.push_back(task);
  };
  add("t-dev", 3, false);
  add("t-qa", 4, true);
  add("t-docs", 4, true);
  absl::StatusOr<ResourceTimeline> rt =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward), {});
  ASSERT_TRUE(rt.ok()) << rt.status();
  EXPECT_EQ(rt->makespan_days, 8);
  EXPECT_EQ(rt->resource_slack_days[0], 5);
  EXPECT_FALSE(rt->resource_critical[0]);
  EXPECT_TRUE(rt->resource_critical[1]);
  EXPECT_TRUE(rt->resource_critical[2]);
  // The dependency-only fields keep their meaning: no dependencies, so
  // the testers' tasks show slack there.
  EXPECT_GT(rt->timeline.nodes[1].slack_days, 0);
  const int second =
      rt->timeline.nodes[1].planned_start > rt->timeline.nodes[2].planned_start
          ? 1
          : 2;
  const ResourceWait& wait = rt->waits[second];
  EXPECT_EQ(wait.kind, ResourceWait::Kind::kPool);
  EXPECT_EQ(wait.pool, "testers");
  EXPECT_EQ(wait.member, "tess");
  EXPECT_EQ(wait.text, "waits for pool testers after " + wait.task + " (tess)");

  absl::StatusOr<ResourceTimeline> back =
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kBackward), {});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->resource_critical[1]);
  EXPECT_TRUE(back->resource_critical[2]);
  const int earlier = back->timeline.nodes[1].planned_start <
                              back->timeline.nodes[2].planned_start
                          ? 1
                          : 2;
  EXPECT_EQ(back->waits[earlier].kind, ResourceWait::Kind::kPool);
  EXPECT_EQ(back->waits[earlier].text, "pool testers is needed for " +
                                           back->waits[earlier].task +
                                           " next (tess)");
}

TEST(ResourceSearch, StoppedRunRepeatsWithItsScheduleCount) {
  // A time limit is not repeatable; the schedule count it reached is: the
  // same seed with max_schedules = that count gives the same timeline.
  std::mt19937 gen(7);
  for (int round = 0; round < 4; ++round) {
    const Plan plan = RandomTeamPlan(gen);
    ResourceScheduleOptions stopped;
    stopped.seed = round;
    stopped.max_schedules = 1000000;
    int calls = 0;
    const int stop_after = 40 + 60 * round;  // A deterministic "clock".
    stopped.out_of_time = [&] { return ++calls > stop_after; };
    absl::StatusOr<ResourceTimeline> a = ScheduleWithResources(
        plan, MondayRequest(ScheduleMode::kBackward), stopped);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_LT(a->schedules, stopped.max_schedules);
    ResourceScheduleOptions counted;
    counted.seed = round;
    counted.max_schedules = a->schedules;
    absl::StatusOr<ResourceTimeline> b = ScheduleWithResources(
        plan, MondayRequest(ScheduleMode::kBackward), counted);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(b->schedules, a->schedules);
    EXPECT_EQ(b->makespan_days, a->makespan_days) << round;
    for (size_t n = 0; n < a->timeline.nodes.size(); ++n) {
      EXPECT_EQ(a->timeline.nodes[n].deadline, b->timeline.nodes[n].deadline);
    }
    EXPECT_EQ(a->assignees, b->assignees);
  }
}

}  // namespace
}  // namespace backplan

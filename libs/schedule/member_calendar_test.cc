// Calendars per person in ScheduleWithResources: members' days off and
// part-time weekdays, tasks naming a member. Randomized plans are checked
// by an independent checker on every returned schedule.
#include "libs/schedule/member_calendar.h"

#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/schedule/rcpsp_plan.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace {

using ::backplan::testing::kMonday;
using ::backplan::testing::MondayRequest;
using ::backplan::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Written from the contract, not from member_calendar.cc.
bool Works(const ResourcePool& pool, const std::string& member,
           absl::CivilDay day) {
  for (const MemberCalendar& c : pool.member_calendars) {
    if (c.member != member) continue;
    for (absl::CivilDay off : c.days_off) {
      if (off == day) return false;
    }
    if (c.working_weekdays.empty()) return true;
    for (absl::Weekday w : c.working_weekdays) {
      if (w == absl::GetWeekday(day)) return true;
    }
    return false;
  }
  return true;
}

const ResourcePool* PoolOf(const Plan& plan, const std::string& member) {
  for (const ResourcePool& pool : plan.resources) {
    for (const std::string& m : pool.members) {
      if (m == member) return &pool;
    }
  }
  return nullptr;
}

// Independent checks: every assignee works every day of their task (days
// off, part-time weekdays), is on one task a day, belongs to a pool the
// task needs, and the named members are on their tasks; each pool has at
// most min(reduced capacity, members working) busy on a day; dependencies
// hold; the work stays within [start, target] when feasible.
void CheckStaffing(const Plan& plan, const ResourceTimeline& rt,
                   std::optional<absl::CivilDay> as_of = std::nullopt) {
  const WorkingCalendar calendar = WorkingCalendar::Default();
  std::set<std::pair<std::string, absl::CivilDay>> busy;
  std::map<std::pair<std::string, absl::CivilDay>, int> used;
  absl::flat_hash_map<std::string, const ScheduledNode*> by_id;
  for (size_t n = 0; n < rt.timeline.nodes.size(); ++n) {
    const ScheduledNode& node = rt.timeline.nodes[n];
    by_id[node.id] = &node;
    if (node.kind != PlanGraph::Kind::kTask || node.duration_days == 0) {
      continue;
    }
    const Task& task = plan.tasks[node.source_index];
    if (task.progress.status == TaskStatus::kDone) {
      EXPECT_TRUE(rt.assignees[n].empty()) << node.id;
      continue;
    }
    if (as_of && rt.timeline.mode == ScheduleMode::kForward) {
      EXPECT_GE(node.planned_start, *as_of) << node.id;
    }
    EXPECT_EQ(calendar.IndexOf(node.deadline) -
                  calendar.IndexOf(node.planned_start) + 1,
              node.duration_days)
        << node.id;
    size_t people = 0;
    for (const ResourceDemand& d : task.demands) {
      for (const ResourcePool& pool : plan.resources) {
        if (pool.name == d.pool && !pool.members.empty()) people += d.units;
      }
      if (!d.member.empty()) {
        EXPECT_NE(
            std::find(rt.assignees[n].begin(), rt.assignees[n].end(), d.member),
            rt.assignees[n].end())
            << node.id << " without " << d.member;
      }
    }
    EXPECT_EQ(rt.assignees[n].size(), people) << node.id;
    for (absl::CivilDay day = node.planned_start; day <= node.deadline; ++day) {
      if (!calendar.IsWorkingDay(day)) continue;
      for (const ResourceDemand& d : task.demands)
        used[{d.pool, day}] += d.units;
      for (const std::string& who : rt.assignees[n]) {
        const ResourcePool* pool = PoolOf(plan, who);
        ASSERT_NE(pool, nullptr) << who;
        EXPECT_TRUE(Works(*pool, who, day))
            << who << " is off on " << day << " but on " << node.id;
        EXPECT_TRUE(busy.insert({who, day}).second)
            << who << " twice on " << day;
      }
    }
  }
  for (const auto& [key, units] : used) {
    for (const ResourcePool& pool : plan.resources) {
      if (pool.name != key.first) continue;
      int capacity = pool.capacity;
      for (const CapacityException& c : pool.reduced_days) {
        if (c.day == key.second) capacity = std::min(capacity, c.capacity);
      }
      int working = pool.members.empty() ? pool.capacity : 0;
      for (const std::string& m : pool.members)
        working += Works(pool, m, key.second);
      EXPECT_LE(units, std::min(capacity, working))
          << pool.name << " on " << key.second;
    }
  }
  for (const Dependency& dep : plan.dependencies) {
    const ScheduledNode& from = *by_id.at(dep.predecessor_id);
    const ScheduledNode& to = *by_id.at(dep.successor_id);
    if (to.status != TaskStatus::kNotStarted) continue;
    const int64_t ready = calendar.IndexOf(from.deadline) + 1 + dep.lag_days;
    EXPECT_GE(
        calendar.IndexOf(to.planned_start),
        from.duration_days == 0 ? ready - 1 + (to.duration_days == 0) : ready)
        << dep.predecessor_id << " -> " << dep.successor_id;
  }
  if (rt.timeline.mode == ScheduleMode::kForward) {
    for (const ScheduledNode& node : rt.timeline.nodes) {
      EXPECT_GE(node.planned_start, *plan.outcome.start_date) << node.id;
    }
  } else {
    EXPECT_LE(rt.timeline.final_milestone, plan.outcome.target_date);
  }
  EXPECT_GE(rt.makespan_days, rt.lower_bound_days);
}

Plan RandomCalendarPlan(std::mt19937& gen) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(gen);
  };
  Plan plan;
  plan.outcome.title = "ship";
  plan.outcome.target_date = absl::CivilDay(2026, 9, 30);
  plan.outcome.start_date = kMonday;
  plan.resources.push_back({"team", 3, {"ann", "bob", "cy"}, {}});
  plan.resources.push_back({"qa", 2, {"dee", "eve"}, {}});
  plan.resources.push_back({"ops", 1, {}, {}});
  if (uniform(0, 1) == 0) {
    plan.resources[0].reduced_days.push_back({kMonday + uniform(0, 20), 2});
  }
  // Leave for some members, part-time for others.
  const std::vector<absl::Weekday> weekdays = {
      absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
      absl::Weekday::thursday, absl::Weekday::friday};
  for (ResourcePool& pool : plan.resources) {
    for (const std::string& member : pool.members) {
      if (uniform(0, 2) == 0) continue;
      MemberCalendar c;
      c.member = member;
      if (uniform(0, 2) == 0) {  // Part-time: three weekdays in a row.
        const int from = uniform(0, 2);
        c.working_weekdays.assign(weekdays.begin() + from,
                                  weekdays.begin() + from + 3);
      }
      for (int d = uniform(0, 4); d > 0; --d) {
        const absl::CivilDay day = kMonday + uniform(0, 40);
        if (std::find(c.days_off.begin(), c.days_off.end(), day) ==
            c.days_off.end()) {
          c.days_off.push_back(day);
        }
      }
      pool.member_calendars.push_back(c);
    }
  }
  for (int i = 0; i < 12; ++i) {
    Task task;
    task.id = "t" + std::to_string(i);
    task.duration_days = uniform(1, 3);
    if (uniform(0, 3) == 0) {
      task.demands.push_back(
          {"team", 1, plan.resources[0].members[uniform(0, 2)]});
    } else {
      task.demands.push_back({"team", uniform(1, 2)});
    }
    if (uniform(0, 2) == 0) task.demands.push_back({"qa", 1});
    if (uniform(0, 3) == 0) task.demands.push_back({"ops", 1});
    plan.tasks.push_back(task);
    if (i > 0 && uniform(0, 1) == 0) {
      plan.dependencies.push_back(
          {"t" + std::to_string(uniform(0, i - 1)), task.id, uniform(0, 1)});
    }
  }
  return plan;
}

TEST(MemberCalendar, RandomPlansNeverUseAMemberOnTheirDaysOff) {
  std::mt19937 gen(22);
  int checked = 0;
  for (int round = 0; round < 60; ++round) {
    const Plan plan = RandomCalendarPlan(gen);
    for (const ScheduleMode mode :
         {ScheduleMode::kForward, ScheduleMode::kBackward}) {
      ResourceScheduleOptions options;
      options.seed = static_cast<uint64_t>(round);
      options.max_schedules = 50;
      absl::StatusOr<ResourceTimeline> rt =
          ScheduleWithResources(plan, MondayRequest(mode), options);
      if (!rt.ok()) {
        // Only a task whose pools never have the people for its length.
        EXPECT_THAT(rt.status().message(), HasSubstr("in a row"))
            << rt.status();
        continue;
      }
      SCOPED_TRACE(::testing::Message()
                   << "round " << round << " mode " << static_cast<int>(mode));
      CheckStaffing(plan, *rt);
      ++checked;
    }
  }
  EXPECT_GE(checked, 100);
}

TEST(MemberCalendar, RandomReplansFromProgressKeepCalendars) {
  std::mt19937 gen(2022);
  const absl::CivilDay as_of(2026, 3, 12);
  const WorkingCalendar calendar = WorkingCalendar::Default();
  int checked = 0;
  for (int round = 0; round < 30; ++round) {
    Plan plan = RandomCalendarPlan(gen);
    ResourceScheduleOptions options;
    options.seed = static_cast<uint64_t>(round);
    options.max_schedules = 50;
    absl::StatusOr<ResourceTimeline> first = ScheduleWithResources(
        plan, MondayRequest(ScheduleMode::kForward), options);
    if (!first.ok()) continue;
    for (size_t n = 0; n < first->timeline.nodes.size(); ++n) {
      const ScheduledNode& node = first->timeline.nodes[n];
      if (node.kind != PlanGraph::Kind::kTask) continue;
      TaskProgress& progress = plan.tasks[node.source_index].progress;
      if (node.deadline < as_of) {
        progress.status = TaskStatus::kDone;
        progress.actual_start = node.planned_start;
        progress.actual_finish = node.deadline;
      } else if (node.planned_start < as_of) {
        progress.status = TaskStatus::kInProgress;
        progress.actual_start = node.planned_start;
        progress.remaining_days = static_cast<int>(
            calendar.IndexOf(node.deadline) - calendar.IndexOf(as_of) + 1);
        options.kept_assignees[node.id] = first->assignees[n];
      }
    }
    for (const ScheduleMode mode :
         {ScheduleMode::kForward, ScheduleMode::kBackward}) {
      ScheduleRequest request = MondayRequest(mode);
      request.as_of = as_of;
      absl::StatusOr<ResourceTimeline> again =
          ScheduleWithResources(plan, request, options);
      if (!again.ok()) {
        EXPECT_THAT(again.status().message(), HasSubstr("in a row"))
            << again.status();
        continue;
      }
      SCOPED_TRACE(::testing::Message()
                   << "round " << round << " mode " << static_cast<int>(mode));
      CheckStaffing(plan, *again, as_of);
      ++checked;
    }
  }
  EXPECT_GE(checked, 40);
}

Plan OneMemberPlan() {
  Plan plan;
  plan.outcome.title = "ship";
  plan.outcome.target_date = absl::CivilDay(2026, 3, 31);
  plan.outcome.start_date = kMonday;
  plan.resources.push_back({"dev", 2, {"ann", "bob"}, {}});
  Task task;
  task.id = "build";
  task.duration_days = 2;
  task.demands.push_back({"dev", 1, "ann"});
  plan.tasks.push_back(task);
  return plan;
}

TEST(MemberCalendar, NamedMemberWaitsForTheirDayOff) {
  Plan plan = OneMemberPlan();
  // Ann is off on Tuesday: two days in a row from Wednesday.
  plan.resources[0].member_calendars.push_back(
      {"ann", {}, {absl::CivilDay(2026, 3, 3)}});
  ASSERT_OK_AND_ASSIGN(
      ResourceTimeline rt,
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward),
                            ResourceScheduleOptions()));
  EXPECT_EQ(rt.timeline.nodes[0].planned_start, absl::CivilDay(2026, 3, 4));
  EXPECT_EQ(rt.timeline.nodes[0].deadline, absl::CivilDay(2026, 3, 5));
  EXPECT_THAT(rt.assignees[0], ElementsAre("ann"));
  // Unnamed, Bob takes it on Monday.
  plan.tasks[0].demands[0].member.clear();
  ASSERT_OK_AND_ASSIGN(
      rt, ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward),
                                ResourceScheduleOptions()));
  EXPECT_EQ(rt.timeline.nodes[0].planned_start, kMonday);
  EXPECT_THAT(rt.assignees[0], ElementsAre("bob"));
}

TEST(MemberCalendar, TwoTasksNamingOneMemberDoNotOverlap) {
  Plan plan = OneMemberPlan();
  Task other = plan.tasks[0];
  other.id = "test";
  plan.tasks.push_back(other);
  ASSERT_OK_AND_ASSIGN(
      ResourceTimeline rt,
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward),
                            ResourceScheduleOptions()));
  CheckStaffing(plan, rt);
  EXPECT_EQ(rt.makespan_days, 4);
}

TEST(MemberCalendar, PartTimeMemberTooShortForTaskIsRefused) {
  Plan plan = OneMemberPlan();
  plan.resources[0].member_calendars.push_back(
      {"ann", {absl::Weekday::monday, absl::Weekday::wednesday}, {}});
  EXPECT_THAT(
      ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward),
                            ResourceScheduleOptions()),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("task \"build\""), HasSubstr("\"ann\""))));
}

TEST(MemberCalendar, ValidationNamesMemberAndDate) {
  Plan plan = OneMemberPlan();
  plan.resources[0].member_calendars.push_back(
      {"ann", {}, {absl::CivilDay(2026, 3, 3), absl::CivilDay(2026, 3, 3)}});
  EXPECT_THAT(ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward),
                                    ResourceScheduleOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("resources[0].member_calendars[0].days_off[1]:"
                                 " member \"ann\": day off 2026-03-03 listed "
                                 "twice")));
  plan = OneMemberPlan();
  plan.resources[0].member_calendars.push_back({"zed", {}, {}});
  EXPECT_THAT(ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward),
                                    ResourceScheduleOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("member \"zed\" is not in pool \"dev\"")));
  plan = OneMemberPlan();
  plan.tasks[0].demands[0].member = "zed";
  EXPECT_THAT(ScheduleWithResources(plan, MondayRequest(ScheduleMode::kForward),
                                    ResourceScheduleOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].demands[0].member: task \"build\": "
                                 "member \"zed\" is not in pool \"dev\"")));
}

}  // namespace
}  // namespace backplan

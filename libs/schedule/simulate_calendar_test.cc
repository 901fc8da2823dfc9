// Simulate on plans whose people have calendars (member_calendar.h): each
// run is staffed as the deterministic resource schedule is, so days off and
// named members move the simulated dates exactly as they move
// ScheduleWithResources's.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/compute_pool.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/rcpsp_plan.h"
#include "libs/schedule/simulate.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace {

using ::backplan::testing::D;
using ::backplan::testing::kMonday;
using ::backplan::testing::StatusIs;
using ::testing::_;
using ::testing::AllOf;
using ::testing::HasSubstr;

Task Fixed(const std::string& id, int days, const ResourceDemand& demand) {
  Task task;
  task.id = id;
  task.duration_days = days;
  task.optimistic_days = days;
  task.pessimistic_days = days;
  task.demands.push_back(demand);
  return task;
}

// a (5 days) then b (3 days), both for one person of "dev"; Monday to
// Friday: b ends on Wednesday of the second week.
Plan TwoTaskPlan(int dev_capacity, const std::string& named) {
  Plan plan;
  plan.outcome.title = "ship";
  plan.outcome.start_date = kMonday;
  plan.outcome.target_date = D(2026, 3, 13);
  std::vector<std::string> members = {"ann", "bob"};
  members.resize(dev_capacity);
  plan.resources.push_back({"dev", dev_capacity, members, {}});
  plan.tasks = {Fixed("a", 5, {"dev", 1, named}),
                Fixed("b", 3, {"dev", 1, named})};
  plan.dependencies = {{"a", "b", 0}};
  return plan;
}

void ExpectFinish(const SimulationResult& r, absl::CivilDay day) {
  EXPECT_EQ(r.deterministic_finish, day);
  for (double q : {10.0, 50.0, 80.0, 95.0}) {
    ASSERT_NE(r.Percentile(q), nullptr) << q;
    EXPECT_EQ(r.Percentile(q)->day, day) << "P" << q;
  }
  ASSERT_EQ(r.finish_days.size(), 1u);
  EXPECT_EQ(r.finish_days[0].day, day);
}

TEST(SimulateCalendars, WeekOffOfTheOnlyMemberShiftsPercentilesByThatWeek) {
  Plan plan = TwoTaskPlan(1, "");
  SimulationOptions options;
  options.iterations = 200;
  options.seed = 3;
  ASSERT_OK_AND_ASSIGN(SimulationResult before, Simulate(plan, options));
  ExpectFinish(before, D(2026, 3, 11));
  EXPECT_EQ(before.probability_on_time, 1.0);

  // Ann is off the whole second week: b waits for her until the third.
  MemberCalendar leave{"ann", {}, {}};
  for (int d = 0; d < 5; ++d) leave.days_off.push_back(D(2026, 3, 9) + d);
  plan.resources[0].member_calendars.push_back(leave);
  ASSERT_OK_AND_ASSIGN(SimulationResult after, Simulate(plan, options));
  ExpectFinish(after, D(2026, 3, 18));
  EXPECT_EQ(after.Percentile(50)->day - before.Percentile(50)->day, 7);
  EXPECT_EQ(after.Percentile(95)->day - before.Percentile(95)->day, 7);
  EXPECT_EQ(after.probability_on_time, 0.0);
}

TEST(SimulateCalendars, DemandsAddingUpAboveCapacityAreRefused) {
  // Two demands on "dev" in one task: 2 of a pool of 1 (as in
  // ScheduleWithResources, which shares the check).
  Plan plan = TwoTaskPlan(1, "");
  plan.resources[0].member_calendars.push_back({"ann", {}, {}});
  plan.tasks[1].demands.push_back({"dev", 1});
  SimulationOptions options;
  options.iterations = 10;
  EXPECT_THAT(Simulate(plan, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("tasks[1].demands"), HasSubstr("\"b\""),
                             HasSubstr("needs 2 of pool \"dev\""))));
}

TEST(SimulateCalendars, NamedMemberIsWaitedForThoughOthersAreFree) {
  // Two people, but both tasks must be done by ann, who is off week two.
  Plan plan = TwoTaskPlan(2, "ann");
  MemberCalendar leave{"ann", {}, {}};
  for (int d = 0; d < 5; ++d) leave.days_off.push_back(D(2026, 3, 9) + d);
  plan.resources[0].member_calendars.push_back(leave);
  SimulationOptions options;
  options.iterations = 100;
  ASSERT_OK_AND_ASSIGN(SimulationResult named, Simulate(plan, options));
  ExpectFinish(named, D(2026, 3, 18));
  // Not named: bob does b in week two.
  for (Task& task : plan.tasks) task.demands[0].member.clear();
  ASSERT_OK_AND_ASSIGN(SimulationResult anyone, Simulate(plan, options));
  ExpectFinish(anyone, D(2026, 3, 11));
}

TEST(SimulateCalendars, TaskNoMemberCanEverDoIsRefusedNamingIt) {
  Plan plan = TwoTaskPlan(1, "ann");
  // Ann works Mondays and Wednesdays only: never five days in a row.
  plan.resources[0].member_calendars.push_back(
      {"ann", {absl::Weekday::monday, absl::Weekday::wednesday}, {}});
  SimulationOptions options;
  options.iterations = 10;
  EXPECT_THAT(
      Simulate(plan, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task \"a\"")));
}

// Staffing each run day by day costs ~2.8 us per node (BENCHMARKS.md), so
// plans with member calendars have their own, smaller budget of runs times
// nodes. The check comes before any run, and `stop` shows which requests
// got past it.
TEST(SimulateCalendars, WorkAboveTheCalendarBudgetIsRefusedNamingIt) {
  Plan plan = TwoTaskPlan(1, "");
  plan.tasks.clear();
  plan.dependencies.clear();
  for (int t = 0; t < 40; ++t) {
    plan.tasks.push_back(Fixed("t" + std::to_string(t), 1, {"dev", 1, ""}));
  }
  plan.resources[0].member_calendars.push_back({"ann", {}, {D(2026, 3, 4)}});
  const int64_t nodes = 41;  // 40 tasks and the outcome.
  SimulationOptions options;
  options.iterations = kMaxSimulationIterations;
  ASSERT_GT(options.iterations * nodes, kMaxSimulationCalendarWork);
  ASSERT_LE(options.iterations * nodes, kMaxSimulationWork);
  EXPECT_THAT(
      Simulate(plan, options),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("iterations: "),
                     HasSubstr(std::to_string(kMaxSimulationCalendarWork)),
                     HasSubstr("member calendars"))));
  options.stop = [] { return true; };
  // At the budget: accepted (then stopped before its first run).
  options.iterations = static_cast<int>(kMaxSimulationCalendarWork / nodes);
  EXPECT_THAT(Simulate(plan, options),
              StatusIs(absl::StatusCode::kDeadlineExceeded, _));
  options.iterations = options.iterations + 1;
  EXPECT_THAT(Simulate(plan, options),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  // Without member calendars the general budget applies.
  plan.resources[0].member_calendars.clear();
  options.iterations = kMaxSimulationIterations;
  EXPECT_THAT(Simulate(plan, options),
              StatusIs(absl::StatusCode::kDeadlineExceeded, _));
}

TEST(SimulateCalendars, RangedRunsNeverFinishBeforeTheFixedLeave) {
  // With ranges the leave still holds: b can never finish in week two.
  Plan plan = TwoTaskPlan(1, "");
  plan.tasks[0].optimistic_days = 2;
  plan.tasks[0].pessimistic_days = 9;
  MemberCalendar leave{"ann", {}, {}};
  for (int d = 0; d < 5; ++d) leave.days_off.push_back(D(2026, 3, 9) + d);
  plan.resources[0].member_calendars.push_back(leave);
  SimulationOptions options;
  options.iterations = 2000;
  options.seed = 11;
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  for (const FinishDay& f : r.finish_days) {
    EXPECT_FALSE(f.day >= D(2026, 3, 9) && f.day <= D(2026, 3, 15))
        << absl::FormatCivilTime(f.day);
  }
  // a ends by Friday of week one in some runs (b then waits for week
  // three: Wednesday 18th); in others a runs into week three.
  EXPECT_GT(r.ProbabilityBy(D(2026, 3, 18)), 0.0);
  EXPECT_LT(r.ProbabilityBy(D(2026, 3, 18)), 1.0);
}

TEST(SimulateCalendars, SameAnswerOnAnyNumberOfThreads) {
  // Ranged durations, a leave, a part-timer and a named member, with runs
  // split over a pool: the staffing state is per worker, the availability
  // table shared read-only.
  Plan plan = TwoTaskPlan(2, "");
  plan.tasks[0].optimistic_days = 2;
  plan.tasks[0].pessimistic_days = 9;
  // Bob works four days a week: c fits in one of his weeks.
  plan.tasks.push_back(Fixed("c", 3, {"dev", 1, "bob"}));
  plan.tasks[2].optimistic_days = 1;
  plan.tasks[2].pessimistic_days = 4;
  plan.dependencies.push_back({"a", "c", 0});
  MemberCalendar leave{"ann", {}, {}};
  for (int d = 0; d < 5; ++d) leave.days_off.push_back(D(2026, 3, 9) + d);
  plan.resources[0].member_calendars = {
      leave,
      {"bob",
       {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
        absl::Weekday::thursday},
       {}}};
  SimulationOptions options;
  options.iterations = 3000;
  options.seed = 17;
  ASSERT_OK_AND_ASSIGN(SimulationResult one, Simulate(plan, options));
  ComputePool pool(3);
  options.pool = &pool;
  ASSERT_OK_AND_ASSIGN(SimulationResult four, Simulate(plan, options));
  ASSERT_EQ(one.finish_days.size(), four.finish_days.size());
  EXPECT_GT(one.finish_days.size(), 3u);
  for (size_t i = 0; i < one.finish_days.size(); ++i) {
    EXPECT_EQ(one.finish_days[i].day, four.finish_days[i].day);
    EXPECT_EQ(one.finish_days[i].runs, four.finish_days[i].runs);
  }
  for (size_t t = 0; t < one.tasks.size(); ++t) {
    EXPECT_EQ(one.tasks[t].criticality, four.tasks[t].criticality);
  }
}

// RandomTeamPlan with calendars: leave and part-time weekdays for some of
// its named members, and some demands naming a member.
Plan RandomCalendarTeamPlan(std::mt19937& gen) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(gen);
  };
  testing::TeamPlanShape shape;
  shape.start = kMonday;
  shape.target = D(2026, 6, 30);
  shape.team_reduced_day = kMonday + uniform(0, 20);
  shape.tasks = uniform(4, 14);
  shape.max_days = 4;
  Plan plan = testing::RandomTeamPlan(gen, shape);
  for (ResourcePool& pool : plan.resources) {
    for (const std::string& member : pool.members) {
      if (uniform(0, 2) == 0) continue;
      MemberCalendar c;
      c.member = member;
      if (uniform(0, 3) == 0) {
        const int from = uniform(1, 2);  // Three weekdays in a row.
        for (int w = from; w < from + 3; ++w) {
          c.working_weekdays.push_back(static_cast<absl::Weekday>(w - 1));
        }
      }
      for (int d = uniform(0, 5); d > 0; --d) {
        const absl::CivilDay day = kMonday + uniform(0, 45);
        if (std::find(c.days_off.begin(), c.days_off.end(), day) ==
            c.days_off.end()) {
          c.days_off.push_back(day);
        }
      }
      pool.member_calendars.push_back(c);
    }
  }
  for (Task& task : plan.tasks) {
    if (uniform(0, 3) == 0 && task.demands[0].units == 1) {
      task.demands[0].member = plan.resources[0].members[uniform(0, 2)];
    }
  }
  return plan;
}

// Property: with every duration fixed, each run of the simulation is the
// forward resource schedule of the same priority order (one SGS pass,
// staffed), so the two agree on the finish day, and fail alike.
TEST(SimulateCalendars, ZeroVarianceRunsFinishWithTheResourceSchedule) {
  std::mt19937 gen(2222);
  int agreed = 0, refused = 0, changed = 0;
  for (int seed = 0; seed < 300; ++seed) {
    const Plan plan = RandomCalendarTeamPlan(gen);
    std::vector<std::string> order;
    for (const Task& task : plan.tasks) order.push_back(task.id);
    std::shuffle(order.begin(), order.end(), gen);
    SCOPED_TRACE(::testing::Message() << "plan " << seed);

    ScheduleRequest request;
    request.mode = ScheduleMode::kForward;
    request.today = kMonday;
    ResourceScheduleOptions one_pass;
    one_pass.max_schedules = 1;
    one_pass.priority_order = order;
    absl::StatusOr<ResourceTimeline> rt =
        ScheduleWithResources(plan, request, one_pass);

    SimulationOptions options;
    options.iterations = 3;
    options.seed = static_cast<uint64_t>(seed);
    options.today = kMonday;
    options.priority_order = order;
    absl::StatusOr<SimulationResult> sim = Simulate(plan, options);
    ASSERT_EQ(rt.ok(), sim.ok()) << rt.status() << " / " << sim.status();
    if (!rt.ok()) {
      EXPECT_EQ(rt.status().message(), sim.status().message());
      ++refused;
      continue;
    }
    ASSERT_TRUE(sim->resource_constrained);
    EXPECT_EQ(sim->deterministic_finish, rt->timeline.final_milestone);
    ASSERT_EQ(sim->finish_days.size(), 1u);
    EXPECT_EQ(sim->finish_days[0].day, rt->timeline.final_milestone);
    EXPECT_EQ(sim->Percentile(50)->day, rt->timeline.final_milestone);
    ++agreed;

    // Without calendars the finish differs in many plans (so the check
    // above is not about plans the calendars leave alone).
    Plan plain = plan;
    for (ResourcePool& pool : plain.resources) pool.member_calendars.clear();
    for (Task& task : plain.tasks) task.demands[0].member.clear();
    ASSERT_OK_AND_ASSIGN(SimulationResult free_sim, Simulate(plain, options));
    changed += free_sim.deterministic_finish != sim->deterministic_finish;
  }
  EXPECT_GE(agreed, 250);
  EXPECT_GT(changed, 50);
  RecordProperty("refused", refused);
}

}  // namespace
}  // namespace backplan

#include "libs/schedule/options.h"

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/plan_graph.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/options_internal.h"
#include "libs/schedule/rcpsp_plan.h"

namespace backplan {
namespace {

using ::backplan::testing::SevenDayPlan;
using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr absl::CivilDay kPlanStart(2027, 3, 1);  // A Monday.

Task ScoredTask(const std::string& id, int days, bool optional = false,
                int importance = 0) {
  Task task;
  task.id = id;
  task.title = id;
  task.duration_days = days;
  task.optional = optional;
  task.attributes.importance = importance;
  return task;
}

OptionsRequest Request(absl::CivilDay target) {
  OptionsRequest request;
  request.target = target;
  request.today = kPlanStart;
  request.simulation.iterations = 50;
  request.simulation.seed = 3;
  request.resources.max_schedules = 30;
  request.resources.seed = 5;
  return request;
}

absl::CivilDay EarliestFinish(const Plan& plan) {
  ScheduleRequest request;
  request.mode = ScheduleMode::kForward;
  request.today = kPlanStart;
  absl::StatusOr<Timeline> timeline = Schedule(plan, request);
  EXPECT_TRUE(timeline.ok()) << timeline.status();
  return timeline->earliest_finish;
}

TEST(CutScope, CutsTheCheapestWorkOnTheCriticalChain) {
  // a (10, mandatory) and b (8, optional) and c (6, optional) in a chain:
  // the target needs 6 days gone; c is cheaper than b.
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 11);
  plan.tasks = {ScoredTask("a", 10), ScoredTask("b", 8, true, 9),
                ScoredTask("c", 6, true, 2)};
  plan.dependencies = {{"a", "b", 0}, {"b", "c", 0}};
  ASSERT_OK_AND_ASSIGN(PlanOptions options,
                       FindOptions(plan, Request(kPlanStart + 17)));
  EXPECT_TRUE(options.cut.found);
  EXPECT_TRUE(options.cut.exact);
  EXPECT_THAT(options.cut.cut_ids, ElementsAre("c"));
  EXPECT_DOUBLE_EQ(options.cut.value_lost, 2);
  EXPECT_EQ(options.cut.days_gained, 6);
  EXPECT_EQ(options.cut.score.finish, kPlanStart + 17);
  EXPECT_EQ(options.baseline.finish, kPlanStart + 23);
  EXPECT_TRUE(options.cut.score.holds);
  EXPECT_DOUBLE_EQ(options.cut.score.probability_on_time, 1.0);
  EXPECT_EQ(options.date.date, kPlanStart + 23);
  EXPECT_EQ(options.date.working_days_later, 6);
  EXPECT_FALSE(options.people.applicable);
}

TEST(CutScope, SaysWhenNoCutCanReachTheTarget) {
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 30);
  plan.tasks = {ScoredTask("a", 20), ScoredTask("b", 5, true)};
  plan.dependencies = {{"a", "b", 0}};
  ASSERT_OK_AND_ASSIGN(PlanOptions options,
                       FindOptions(plan, Request(kPlanStart + 10)));
  EXPECT_FALSE(options.cut.found);
  EXPECT_THAT(options.cut.note, HasSubstr("cannot reach"));
  EXPECT_EQ(options.cut.optional_items, 1);
  options.cut = {};
  OptionsRequest greedy = Request(kPlanStart + 10);
  greedy.max_exact_items = 0;
  ASSERT_OK_AND_ASSIGN(options, FindOptions(plan, greedy));
  EXPECT_FALSE(options.cut.found);
  EXPECT_FALSE(options.cut.exact);
}

TEST(CutScope, AGoalTakesItsSubTreeButNotSharedWork) {
  // g-extra (optional) lists x and shared; g-core lists shared too.
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 60);
  plan.outcome_goal_id = "g-out";
  plan.tasks = {ScoredTask("core", 5), ScoredTask("shared", 3),
                ScoredTask("x", 20)};
  Goal out{"g-out", "out", {"g-core", "g-extra"}, {}};
  Goal core{"g-core", "core", {}, {"core", "shared"}};
  Goal extra{"g-extra", "extra", {}, {"x", "shared"}};
  extra.optional = true;
  plan.goals = {out, core, extra};
  std::vector<std::string> removed;
  ASSERT_OK_AND_ASSIGN(Plan cut, PlanWithout(plan, {"g-extra"}, &removed));
  EXPECT_THAT(removed, ElementsAre("x"));
  EXPECT_EQ(cut.goals.size(), 2u);
  ASSERT_OK_AND_ASSIGN(PlanOptions options,
                       FindOptions(plan, Request(kPlanStart + 6)));
  EXPECT_THAT(options.cut.cut_ids, ElementsAre("g-extra"));
  EXPECT_THAT(options.cut.removed_task_ids, ElementsAre("x"));
  EXPECT_DOUBLE_EQ(options.cut.value_lost, 5);  // x's unset importance.
}

TEST(CutScope, AMandatoryDependentKeepsItsPredecessor) {
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 60);
  plan.tasks = {ScoredTask("opt", 10, true), ScoredTask("must", 2)};
  plan.dependencies = {{"opt", "must", 0}};
  EXPECT_THAT(PlanWithout(plan, {"opt"}, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must")));
  ASSERT_OK_AND_ASSIGN(PlanOptions options,
                       FindOptions(plan, Request(kPlanStart + 3)));
  EXPECT_FALSE(options.cut.found);
}

// Random plans: goals under the outcome, tasks in one or two goals, a few
// explicit dependencies, up to 12 optional items.
Plan RandomPlan(std::mt19937& gen) {
  for (;;) {
    Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 200);
    plan.outcome_goal_id = "g0";
    const int goals = absl::Uniform(gen, 1, 5);
    const int tasks = absl::Uniform(gen, 3, 10);
    for (int g = 0; g < goals; ++g) {
      Goal goal;
      goal.id = absl::StrCat("g", g);
      goal.title = goal.id;
      if (g > 0) {
        plan.goals[absl::Uniform(gen, 0, g)].sub_goal_ids.push_back(goal.id);
        goal.optional = absl::Bernoulli(gen, 0.4);
      }
      plan.goals.push_back(goal);
    }
    for (int t = 0; t < tasks; ++t) {
      Task task = ScoredTask(absl::StrCat("t", t), absl::Uniform(gen, 1, 9),
                             absl::Bernoulli(gen, 0.6));
      plan.tasks.push_back(task);
      plan.goals[absl::Uniform(gen, 0, goals)].task_ids.push_back(task.id);
      if (absl::Bernoulli(gen, 0.2)) {
        plan.goals[absl::Uniform(gen, 0, goals)].task_ids.push_back(task.id);
      }
    }
    for (int d = absl::Uniform(gen, 0, 4); d > 0; --d) {
      const int a = absl::Uniform(gen, 0, tasks),
                b = absl::Uniform(gen, 0, tasks);
      if (a < b) {
        plan.dependencies.push_back({absl::StrCat("t", a), absl::StrCat("t", b),
                                     absl::Uniform(gen, 0, 3)});
      }
    }
    for (Goal& goal : plan.goals) {
      std::sort(goal.task_ids.begin(), goal.task_ids.end());
      goal.task_ids.erase(
          std::unique(goal.task_ids.begin(), goal.task_ids.end()),
          goal.task_ids.end());
    }
    if (ValidatePlan(plan).ok()) return plan;
  }
}

TEST(CutScope, ExactMatchesBruteForceOnRandomPlans) {
  std::mt19937 gen(21);
  int found = 0, not_found = 0, greedy_worse = 0;
  for (int round = 0; round < 150; ++round) {
    Plan plan = RandomPlan(gen);
    ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
    OptionsRequest request = Request(kPlanStart);
    for (const Task& task : plan.tasks) {
      request.task_values[task.id] = absl::Uniform(gen, 0, 6);
    }
    options_internal::CutModel model(plan, graph, request.task_values);
    const std::vector<int>& items = model.marked();
    ASSERT_LE(items.size(), 12u);
    const absl::CivilDay full = EarliestFinish(plan);
    request.target = full - absl::Uniform(gen, 0, 12);
    if (request.target < kPlanStart) request.target = kPlanStart;

    // Every subset of the optional items.
    double best = std::numeric_limits<double>::infinity();
    std::vector<int64_t> scratch;
    for (uint32_t mask = 0; mask < (1u << items.size()); ++mask) {
      std::vector<std::string> cut;
      std::vector<char> removed(model.num_nodes(), 0);
      for (size_t k = 0; k < items.size(); ++k) {
        if (mask & (1u << k)) {
          cut.push_back(model.id(items[k]));
          removed[items[k]] = 1;
        }
      }
      std::vector<std::string> removed_ids;
      absl::StatusOr<Plan> without = PlanWithout(plan, cut, &removed_ids);
      if (!without.ok()) continue;
      const absl::CivilDay finish = EarliestFinish(*without);
      model.Close(&removed);
      // The search's own pass agrees with cpm.h on the rebuilt plan.
      ASSERT_EQ(kPlanStart + model.Finish(removed, &scratch), finish)
          << "round " << round << " mask " << mask;
      if (finish > request.target) continue;
      double value = 0;
      for (const std::string& id : removed_ids)
        value += request.task_values[id];
      best = std::min(best, value);
    }

    ASSERT_OK_AND_ASSIGN(PlanOptions exact, FindOptions(plan, request));
    ASSERT_TRUE(exact.cut.exact);
    ASSERT_EQ(exact.cut.found, best < std::numeric_limits<double>::infinity())
        << "round " << round;
    request.max_exact_items = 0;
    ASSERT_OK_AND_ASSIGN(PlanOptions greedy, FindOptions(plan, request));
    ASSERT_EQ(greedy.cut.exact, model.items().empty());
    if (!exact.cut.found) {
      ++not_found;
      EXPECT_FALSE(greedy.cut.found)
          << "round " << round << " greedy cut "
          << absl::StrJoin(greedy.cut.cut_ids, ",") << " finish "
          << greedy.cut.score.finish << " target " << request.target;
      continue;
    }
    ++found;
    EXPECT_NEAR(exact.cut.value_lost, best, 1e-9) << "round " << round;
    EXPECT_LE(exact.cut.score.finish, request.target);
    ASSERT_OK_AND_ASSIGN(Plan cut,
                         PlanWithout(plan, exact.cut.cut_ids, nullptr));
    EXPECT_EQ(EarliestFinish(cut), exact.cut.score.finish);
    EXPECT_EQ(exact.cut.days_gained,
              exact.baseline.finish - exact.cut.score.finish);
    if (greedy.cut.found) {
      EXPECT_LE(greedy.cut.score.finish, request.target);
      EXPECT_GE(greedy.cut.value_lost, best - 1e-9);
      greedy_worse += greedy.cut.value_lost > best + 1e-9;
    }
  }
  // Both outcomes happen, so neither side of the comparison is vacuous.
  EXPECT_GT(found, 30);
  EXPECT_GT(not_found, 5);
  RecordProperty("greedy_worse", greedy_worse);
}

TEST(CutScope, StopEndsTheSearch) {
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 400);
  for (int t = 0; t < 20; ++t) {
    plan.tasks.push_back(ScoredTask(absl::StrCat("t", t), 10, true));
    if (t > 0) {
      plan.dependencies.push_back(
          {absl::StrCat("t", t - 1), absl::StrCat("t", t), 0});
    }
  }
  OptionsRequest request = Request(kPlanStart + 50);
  int polls = 0;
  request.stop = [&polls] { return ++polls > 3; };
  EXPECT_THAT(FindOptions(plan, request),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
}

TEST(Options, RefusesBadInput) {
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 30);
  plan.tasks = {ScoredTask("a", 3)};
  for (double c : {0.0, 1.0, -0.5, 1.5}) {
    OptionsRequest request = Request(kPlanStart + 10);
    request.confidence = c;
    EXPECT_THAT(
        FindOptions(plan, request),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("confidence")));
  }
  EXPECT_THAT(
      FindOptions(plan, Request(kPlanStart - 1)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("target")));
  plan.outcome_goal_id = "g";
  plan.goals = {Goal{"g", "g", {}, {"a"}}};
  plan.goals[0].optional = true;
  EXPECT_THAT(FindOptions(plan, Request(kPlanStart + 10)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("goals[0].optional")));
}

TEST(Options, ConfidenceMovesTheDateToThePercentile) {
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 30);
  Task a = ScoredTask("a", 10);
  a.optimistic_days = 8;
  a.pessimistic_days = 20;
  plan.tasks = {a, ScoredTask("b", 4, true)};
  plan.dependencies = {{"a", "b", 0}};
  OptionsRequest request = Request(kPlanStart + 13);
  request.confidence = 0.8;
  request.simulation.iterations = 400;
  ASSERT_OK_AND_ASSIGN(PlanOptions options, FindOptions(plan, request));
  EXPECT_EQ(options.baseline.finish, kPlanStart + 13);
  EXPECT_FALSE(options.baseline.holds);  // Deterministically just on time.
  EXPECT_GT(options.date.date, kPlanStart + 13);
  EXPECT_GE(options.date.probability_on_time, 0.8);
  EXPECT_EQ(options.date.date, options.baseline.finish_at_confidence);
  // The cut aims earlier by the plan's buffer, so b goes.
  EXPECT_THAT(options.cut.cut_ids, ElementsAre("b"));
  EXPECT_GT(options.cut.score.probability_on_time,
            options.baseline.probability_on_time);
}

// Add people: random small plans with two pools against every split of up
// to three extra units per pool.
TEST(AddPeople, MatchesExhaustiveSearchOnRandomPlans) {
  std::mt19937 gen(22);
  int found = 0, helped = 0;
  for (int round = 0; round < 25; ++round) {
    Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 200);
    plan.resources = {ResourcePool{"dev", 1, {}, {}},
                      ResourcePool{"qa", absl::Uniform(gen, 1, 3), {}, {}}};
    const int tasks = absl::Uniform(gen, 3, 8);
    for (int t = 0; t < tasks; ++t) {
      Task task = ScoredTask(absl::StrCat("t", t), absl::Uniform(gen, 1, 6));
      task.demands.push_back({absl::Bernoulli(gen, 0.6) ? "dev" : "qa", 1});
      plan.tasks.push_back(task);
      if (t > 0 && absl::Bernoulli(gen, 0.3)) {
        plan.dependencies.push_back(
            {absl::StrCat("t", absl::Uniform(gen, 0, t)), task.id, 0});
      }
    }
    OptionsRequest request = Request(kPlanStart);
    request.max_extra_units = 3;
    ScheduleRequest forward;
    forward.mode = ScheduleMode::kForward;
    forward.today = kPlanStart;
    auto finish_with = [&](int dev, int qa) {
      Plan p = plan;
      p.resources[0].capacity += dev;
      p.resources[1].capacity += qa;
      absl::StatusOr<ResourceTimeline> rt =
          ScheduleWithResources(p, forward, request.resources);
      EXPECT_TRUE(rt.ok()) << rt.status();
      return rt->timeline.final_milestone;
    };
    const absl::CivilDay now = finish_with(0, 0);
    request.target = std::max(kPlanStart, now - absl::Uniform(gen, 0, 8));
    // Fewest units in total, then the lexicographically smallest split.
    int best_dev = -1, best_qa = -1;
    for (int total = 0; total <= 3 && best_dev < 0; ++total) {
      for (int dev = 0; dev <= total && best_dev < 0; ++dev) {
        if (finish_with(dev, total - dev) <= request.target) {
          best_dev = dev;
          best_qa = total - dev;
        }
      }
    }
    ASSERT_OK_AND_ASSIGN(PlanOptions options, FindOptions(plan, request));
    ASSERT_TRUE(options.people.applicable);
    ASSERT_EQ(options.people.found, best_dev >= 0) << "round " << round;
    if (best_dev < 0) continue;
    ++found;
    helped += best_dev + best_qa > 0;
    EXPECT_EQ(options.people.total_extra_units, best_dev + best_qa);
    std::vector<std::pair<std::string, int>> want;
    if (best_dev > 0) want.emplace_back("dev", best_dev);
    if (best_qa > 0) want.emplace_back("qa", best_qa);
    EXPECT_EQ(options.people.extra, want) << "round " << round;
    EXPECT_EQ(options.people.score.finish, finish_with(best_dev, best_qa));
    EXPECT_LE(options.people.score.finish, request.target);
  }
  EXPECT_GT(found, 5);
  EXPECT_GT(helped, 3);
}

TEST(AddPeople, NotApplicableWithoutPools) {
  Plan plan = SevenDayPlan(kPlanStart, kPlanStart + 30);
  plan.tasks = {ScoredTask("a", 3)};
  ASSERT_OK_AND_ASSIGN(PlanOptions options,
                       FindOptions(plan, Request(kPlanStart + 30)));
  EXPECT_FALSE(options.people.applicable);
  EXPECT_TRUE(options.cut.found);  // Already on time: nothing to cut.
  EXPECT_THAT(options.cut.cut_ids, IsEmpty());
  EXPECT_TRUE(options.baseline.holds);
}

}  // namespace
}  // namespace backplan

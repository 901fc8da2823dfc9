#include "libs/prioritize/prioritize.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/random/distributions.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::AllOf;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Task MakeTask(std::string id, int days, int importance = 0,
              int difficulty = 0) {
  Task task;
  task.id = std::move(id);
  task.title = task.id;
  task.duration_days = days;
  task.attributes.importance = importance;
  task.attributes.difficulty = difficulty;
  return task;
}

Plan MakePlan(std::vector<Task> tasks, std::vector<Dependency> deps = {}) {
  Plan plan;
  plan.version = 7;
  plan.outcome.title = "ship";
  plan.outcome.target_date = absl::CivilDay(2027, 6, 30);
  plan.tasks = std::move(tasks);
  plan.dependencies = std::move(deps);
  return plan;
}

PrioritizeOptions Method(PrioritizationMethod method) {
  PrioritizeOptions options;
  options.method = method;
  return options;
}

const TaskPriority* Find(const Priorities& p, const std::string& id) {
  for (const TaskPriority& t : p.tasks) {
    if (t.task_id == id) return &t;
  }
  return nullptr;
}

double SumOf(const std::vector<Contribution>& terms) {
  double sum = 0;
  for (const Contribution& c : terms) sum += c.contribution;
  return sum;
}

// Four independent tasks that every simple method orders differently.
Plan FourTasks() {
  return MakePlan({MakeTask("a", 1, 5, 3), MakeTask("b", 1, 8, 7),
                   MakeTask("c", 1, 8, 2), MakeTask("d", 1, 0, 3)});
}

TEST(Prioritize, ImportanceFirstTiesByLowerDifficulty) {
  ASSERT_OK_AND_ASSIGN(
      Priorities p,
      Prioritize(FourTasks(), Method(PrioritizationMethod::kImportance)));
  // c and b share importance 8; c is easier. a and d tie fully (d's unset
  // importance reads as 5): by id.
  EXPECT_THAT(p.execution_order, ElementsAre("c", "b", "a", "d"));
  EXPECT_EQ(p.method, PrioritizationMethod::kImportance);
  EXPECT_EQ(p.plan_version, 7);
  const TaskPriority& c = p.tasks[0];
  EXPECT_EQ(c.rank, 1);
  EXPECT_DOUBLE_EQ(c.own_score, 8.09);
  ASSERT_EQ(c.contributions.size(), 2u);
  EXPECT_EQ(c.contributions[0].criterion, "importance");
  EXPECT_EQ(c.contributions[0].contribution, 8);
  EXPECT_EQ(c.contributions[1].criterion, "difficulty");
  EXPECT_EQ(c.contributions[1].raw_value, 2);
  EXPECT_EQ(c.contributions[1].normalized_value, 9);
  EXPECT_DOUBLE_EQ(c.contributions[1].contribution, 0.09);
  EXPECT_DOUBLE_EQ(SumOf(c.contributions), 8.09);
  EXPECT_EQ(Find(p, "d")->contributions[0].note, "unset = 5");
  EXPECT_EQ(Find(p, "d")->rank, 4);
}

TEST(Prioritize, HardestFirstTiesByHigherImportance) {
  ASSERT_OK_AND_ASSIGN(
      Priorities p,
      Prioritize(FourTasks(), Method(PrioritizationMethod::kHardestFirst)));
  EXPECT_THAT(p.execution_order, ElementsAre("b", "a", "d", "c"));
  EXPECT_DOUBLE_EQ(p.tasks[0].own_score, 7.08);
  EXPECT_DOUBLE_EQ(SumOf(p.tasks[0].contributions), 7.08);
}

TEST(Prioritize, QuickWinsIsImportanceOverDifficulty) {
  ASSERT_OK_AND_ASSIGN(
      Priorities p,
      Prioritize(FourTasks(), Method(PrioritizationMethod::kQuickWins)));
  EXPECT_THAT(p.execution_order, ElementsAre("c", "a", "d", "b"));
  const TaskPriority& c = p.tasks[0];
  EXPECT_DOUBLE_EQ(c.own_score, 4);
  ASSERT_EQ(c.contributions.size(), 2u);
  // importance 8 x 1/difficulty 2 = 4; the divisor itself adds nothing.
  EXPECT_DOUBLE_EQ(c.contributions[0].weight, 0.5);
  EXPECT_DOUBLE_EQ(c.contributions[0].contribution, 4);
  EXPECT_EQ(c.contributions[1].weight, 0);
  EXPECT_EQ(c.contributions[1].note, "divisor");
  EXPECT_EQ(c.order_value, 8);
  EXPECT_EQ(c.order_size, 2);
  EXPECT_DOUBLE_EQ(SumOf(c.contributions), 4);
}

Task WsjfTask(std::string id, int days, int value, int time, int risk) {
  Task task = MakeTask(std::move(id), days);
  task.attributes.business_value = value;
  task.attributes.time_criticality = time;
  task.attributes.risk_reduction = risk;
  return task;
}

TEST(Prioritize, WsjfDividesCostOfDelayByDuration) {
  Plan plan = MakePlan({WsjfTask("y", 10, 10, 10, 10),  // 30 / 10 = 3
                        WsjfTask("z", 1, 3, 3, 3),      // 9 / 1 = 9
                        WsjfTask("x", 2, 8, 5, 5),      // 18 / 2 = 9
                        WsjfTask("w", 3, 0, 0, 0),      // 15 / 3 = 5
                        MakeTask("m", 0)});             // milestone
  ASSERT_OK_AND_ASSIGN(Priorities p,
                       Prioritize(plan, Method(PrioritizationMethod::kWsjf)));
  EXPECT_THAT(p.execution_order, ElementsAre("x", "z", "w", "y"));
  EXPECT_THAT(p.unranked_task_ids, ElementsAre("m"));
  const TaskPriority& x = p.tasks[0];
  EXPECT_DOUBLE_EQ(x.own_score, 9);
  ASSERT_EQ(x.contributions.size(), 4u);
  EXPECT_EQ(x.contributions[0].criterion, "business_value");
  EXPECT_DOUBLE_EQ(x.contributions[0].weight, 0.5);
  EXPECT_DOUBLE_EQ(x.contributions[0].contribution, 4);
  EXPECT_EQ(x.contributions[3].criterion, "job_size");
  EXPECT_EQ(x.contributions[3].raw_value, 2);
  EXPECT_DOUBLE_EQ(SumOf(x.contributions), 9);
  EXPECT_EQ(Find(p, "w")->contributions[1].note, "unset = 5");
}

Task RiceTask(std::string id, double reach, double impact, double confidence,
              double effort) {
  Task task = MakeTask(std::move(id), 1);
  task.attributes.rice_reach = reach;
  task.attributes.rice_impact = impact;
  task.attributes.rice_confidence = confidence;
  task.attributes.rice_effort = effort;
  return task;
}

TEST(Prioritize, RiceScoresReachImpactConfidenceOverEffort) {
  Plan plan = MakePlan({RiceTask("a", 2000, 2, 0.8, 4),  // 800
                        RiceTask("b", 500, 3, 1, 1),     // 1500
                        RiceTask("c", 100, 0.25, 0.5, 2)});
  ASSERT_OK_AND_ASSIGN(Priorities p,
                       Prioritize(plan, Method(PrioritizationMethod::kRice)));
  EXPECT_THAT(p.execution_order, ElementsAre("b", "a", "c"));
  const TaskPriority* a = Find(p, "a");
  EXPECT_THAT(a->own_score, DoubleNear(800, 1e-9));
  ASSERT_EQ(a->contributions.size(), 4u);
  EXPECT_EQ(a->contributions[0].criterion, "rice_reach");
  EXPECT_EQ(a->contributions[3].criterion, "rice_effort");
  // reach 2000 x (impact 2 x confidence 0.8 / effort 4) = 800.
  EXPECT_DOUBLE_EQ(a->contributions[0].weight, 0.4);
  EXPECT_DOUBLE_EQ(a->contributions[0].contribution, 800);
  EXPECT_EQ(a->contributions[3].contribution, 0);
  EXPECT_EQ(a->contributions[3].note, "divisor");
  EXPECT_DOUBLE_EQ(a->order_value, 3200);
  EXPECT_EQ(a->order_size, 4);
  EXPECT_THAT(SumOf(a->contributions), DoubleNear(800, 1e-9));
}

TEST(Prioritize, RiceNamesTaskAndMissingField) {
  Plan plan = MakePlan({RiceTask("a", 2000, 2, 0.8, 4),
                        RiceTask("b", 500, 3, 1, 1), MakeTask("m", 0)});
  plan.tasks[1].attributes.rice_confidence.reset();
  EXPECT_THAT(Prioritize(plan, Method(PrioritizationMethod::kRice)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("tasks[1].attributes.rice_confidence"),
                             HasSubstr("task \"b\""), HasSubstr("missing"))));
  // Other methods do not need RICE inputs, and milestones (m) never do.
  plan.tasks[1].attributes.rice_confidence = 1;
  EXPECT_OK(Prioritize(plan, Method(PrioritizationMethod::kRice)));
  plan.tasks[0].attributes.rice_reach.reset();
  EXPECT_OK(Prioritize(plan, Method(PrioritizationMethod::kImportance)));
}

TEST(Prioritize, AttributesOutOfRangeNameTaskAndField) {
  // BuildPlanGraph refuses these too; hand in the graph of a valid copy to
  // reach Prioritize's own check.
  Plan plan = FourTasks();
  ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
  Plan bad = plan;
  bad.tasks[2].attributes.difficulty = 11;
  EXPECT_THAT(Prioritize(bad, graph, Method(PrioritizationMethod::kImportance)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("tasks[2].attributes.difficulty"),
                             HasSubstr("task \"c\""), HasSubstr("11"))));
  bad = plan;
  bad.tasks[1].attributes.rice_impact = 1.5;
  EXPECT_THAT(Prioritize(bad, graph, Method(PrioritizationMethod::kImportance)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("tasks[1].attributes.rice_impact"),
                             HasSubstr("task \"b\""))));
  bad = plan;
  bad.tasks[0].attributes.rice_effort = 0;
  EXPECT_THAT(Prioritize(bad, graph, Method(PrioritizationMethod::kImportance)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].attributes.rice_effort")));
  bad = plan;
  bad.tasks[0].attributes.rice_reach = NAN;
  EXPECT_THAT(Prioritize(bad, graph, Method(PrioritizationMethod::kImportance)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].attributes.rice_reach")));
  // Through the one-argument form, BuildPlanGraph's own error comes back.
  bad = plan;
  bad.tasks[3].attributes.importance = -1;
  EXPECT_THAT(
      Prioritize(bad, Method(PrioritizationMethod::kImportance)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tasks[3]")));
}

TEST(Prioritize, RefusesGraphOfAnotherPlan) {
  ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(FourTasks()));
  Plan other = FourTasks();
  other.tasks[1].id = "bb";
  EXPECT_THAT(Prioritize(other, graph, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("BuildPlanGraph(plan)")));
  other.tasks.pop_back();
  EXPECT_THAT(Prioritize(other, graph, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("BuildPlanGraph(plan)")));
}

// Importance 1-10 with difficulty 5 everywhere: own score = importance + .06.
Plan ImportanceChain() {
  return MakePlan({MakeTask("a", 1, 5, 5), MakeTask("b", 1, 2, 5),
                   MakeTask("c", 1, 9, 5), MakeTask("d", 1, 7, 5)},
                  {{"a", "b", 0}, {"b", "c", 0}});
}

TEST(Prioritize, PrerequisitesInheritAlongAChain) {
  ASSERT_OK_AND_ASSIGN(
      Priorities p,
      Prioritize(ImportanceChain(), Method(PrioritizationMethod::kImportance)));
  // a -> b -> c with c at 9: a and b inherit 9.06, but the chain is worth
  // 16.18 / 3 = 5.39 per task and d alone 7.06, so d goes first.
  EXPECT_THAT(p.execution_order, ElementsAre("d", "a", "b", "c"));
  EXPECT_EQ(p.num_sets, 2);
  EXPECT_EQ(Find(p, "a")->set_tasks, 3);
  EXPECT_EQ(Find(p, "a")->set_index, 2);
  EXPECT_DOUBLE_EQ(Find(p, "a")->set_ratio, 16.18 / 3);
  EXPECT_THAT(Find(p, "a")->unlocks, ElementsAre("b", "c"));
  EXPECT_THAT(Find(p, "a")->reason,
              HasSubstr("first of a set of 3 tasks together worth score 5.39 "
                        "per task: unlocks b and c"));
  EXPECT_THAT(Find(p, "c")->reason, HasSubstr("completes a set of 3"));
  EXPECT_THAT(Find(p, "d")->reason, HasSubstr("on its own"));
  EXPECT_DOUBLE_EQ(p.weighted_completion,
                   7.06 * 1 + 5.06 * 2 + 2.06 * 3 + 9.06 * 4);
  const TaskPriority* a = Find(p, "a");
  EXPECT_DOUBLE_EQ(a->own_score, 5.06);
  EXPECT_DOUBLE_EQ(a->effective_score, 9.06);
  EXPECT_EQ(a->inherited_from, "c");
  EXPECT_EQ(Find(p, "b")->inherited_from, "c");
  EXPECT_THAT(Find(p, "c")->inherited_from, IsEmpty());
  EXPECT_THAT(Find(p, "d")->inherited_from, IsEmpty());
  EXPECT_DOUBLE_EQ(Find(p, "d")->effective_score, 7.06);
}

TEST(Prioritize, DiamondTakesTheBestBranch) {
  // a -> b -> d, a -> c -> d; e independent.
  Plan plan = MakePlan(
      {MakeTask("a", 1, 1, 5), MakeTask("b", 1, 9, 5), MakeTask("c", 1, 4, 5),
       MakeTask("d", 1, 3, 5), MakeTask("e", 1, 7, 5)},
      {{"a", "b", 0}, {"a", "c", 0}, {"b", "d", 0}, {"c", "d", 0}});
  ASSERT_OK_AND_ASSIGN(
      Priorities p,
      Prioritize(plan, Method(PrioritizationMethod::kImportance)));
  EXPECT_EQ(Find(p, "a")->inherited_from, "b");
  EXPECT_DOUBLE_EQ(Find(p, "a")->effective_score, 9.06);
  // c keeps its own 4 (d's 3 is lower).
  EXPECT_THAT(Find(p, "c")->inherited_from, IsEmpty());
  EXPECT_DOUBLE_EQ(Find(p, "c")->effective_score, 4.06);
  // e (7.06) beats {a, b} (5.06 per task), which beats c (4.06), then d.
  EXPECT_THAT(p.execution_order, ElementsAre("e", "a", "b", "c", "d"));
}

TEST(Prioritize, InheritanceTieNamesLowestId) {
  // p feeds two dependents of equal score; the lower id is named.
  Plan plan = MakePlan(
      {MakeTask("p", 1, 1, 5), MakeTask("z", 1, 8, 5), MakeTask("k", 1, 8, 5)},
      {{"p", "z", 0}, {"p", "k", 0}});
  ASSERT_OK_AND_ASSIGN(
      Priorities p,
      Prioritize(plan, Method(PrioritizationMethod::kImportance)));
  EXPECT_EQ(Find(p, "p")->inherited_from, "k");
  EXPECT_THAT(p.execution_order, ElementsAre("p", "k", "z"));
}

TEST(Prioritize, GoalsAndMilestonesPassTheMaxThrough) {
  // s1 makes sub-goal S hold; S precedes t1, which makes G hold. s2 precedes
  // the 0-day task m, which precedes t2.
  Plan plan = MakePlan({MakeTask("t1", 2, 9, 5), MakeTask("s1", 3, 1, 5),
                        MakeTask("s2", 1, 2, 5), MakeTask("m", 0, 10, 5),
                        MakeTask("t2", 1, 6, 5), MakeTask("x", 1, 8, 5)},
                       {{"s2", "m", 0}, {"m", "t2", 0}});
  plan.goals = {Goal{"S", "sub", {}, {"s1"}}, Goal{"G", "top", {"S"}, {"t1"}}};
  plan.outcome_goal_id = "G";
  ASSERT_OK_AND_ASSIGN(
      Priorities p,
      Prioritize(plan, Method(PrioritizationMethod::kImportance)));
  EXPECT_EQ(Find(p, "s1")->inherited_from, "t1");
  EXPECT_DOUBLE_EQ(Find(p, "s1")->effective_score, 9.06);
  // m's own importance (10) does not count: milestones are not scored.
  EXPECT_EQ(Find(p, "s2")->inherited_from, "t2");
  EXPECT_DOUBLE_EQ(Find(p, "s2")->effective_score, 6.06);
  EXPECT_EQ(Find(p, "m"), nullptr);
  EXPECT_THAT(p.unranked_task_ids, ElementsAre("m"));
  // x (8.06) first; then {s1, t1} (5.06 per task) before {s2, t2} (4.06).
  EXPECT_THAT(p.execution_order, ElementsAre("x", "s1", "t1", "s2", "t2"));
  EXPECT_THAT(Find(p, "s2")->unlocks, ElementsAre("t2"));
}

TEST(Prioritize, WeightedNormalisesCriteriaAndScalesWeights) {
  // Importance 2..8 and job size 1..5 (shorter preferred), weights 3 : 1.
  Plan plan = MakePlan({MakeTask("a", 1, 2), MakeTask("b", 5, 8),
                        MakeTask("c", 3, 5), MakeTask("m", 0, 10)});
  PrioritizeOptions options = Method(PrioritizationMethod::kWeighted);
  options.criteria = {{Criterion::kImportance, 3, false},
                      {Criterion::kJobSize, 1, true},
                      {Criterion::kRiskReduction, 1, false}};
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
  ASSERT_EQ(p.weights.size(), 3u);
  EXPECT_EQ(p.weights[0].criterion, "importance");
  EXPECT_DOUBLE_EQ(p.weights[0].weight, 0.6);
  EXPECT_DOUBLE_EQ(p.weights[1].weight, 0.2);
  EXPECT_EQ(p.weights[0].min_value, 2);
  EXPECT_EQ(p.weights[0].max_value, 8);
  EXPECT_TRUE(p.weights[1].prefer_lower);
  EXPECT_FALSE(p.ahp.has_value());
  // a: 0.6 * 0 + 0.2 * 1 = 0.2; b: 0.6 * 1 + 0.2 * 0 = 0.6;
  // c: 0.6 * 0.5 + 0.2 * 0.5 = 0.4. Risk reduction is 5 for all: no spread,
  // normalised to 0.
  EXPECT_THAT(p.execution_order, ElementsAre("b", "c", "a"));
  const TaskPriority* c = Find(p, "c");
  EXPECT_DOUBLE_EQ(c->own_score, 0.4);
  ASSERT_EQ(c->contributions.size(), 3u);
  EXPECT_EQ(c->contributions[1].criterion, "job_size");
  EXPECT_EQ(c->contributions[1].raw_value, 3);
  EXPECT_DOUBLE_EQ(c->contributions[1].normalized_value, 0.5);
  EXPECT_DOUBLE_EQ(c->contributions[1].contribution, 0.1);
  EXPECT_EQ(c->contributions[2].normalized_value, 0);
  EXPECT_EQ(c->contributions[2].note, "unset = 5");
  EXPECT_DOUBLE_EQ(SumOf(c->contributions), 0.4);
}

TEST(Prioritize, WeightedTakesWeightsFromAhp) {
  Plan plan = MakePlan({MakeTask("a", 1, 2, 1), MakeTask("b", 1, 8, 10),
                        MakeTask("c", 1, 5, 2)});
  PrioritizeOptions options = Method(PrioritizationMethod::kWeighted);
  options.criteria = {{Criterion::kImportance, 0, false},
                      {Criterion::kDifficulty, 0, true}};
  // Importance 3x as important as ease.
  options.ahp_matrix = {{1, 3}, {1.0 / 3, 1}};
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
  ASSERT_TRUE(p.ahp.has_value());
  EXPECT_THAT(p.ahp->weights,
              ElementsAre(DoubleNear(0.75, 1e-9), DoubleNear(0.25, 1e-9)));
  EXPECT_THAT(p.weights[1].weight, DoubleNear(0.25, 1e-9));
  // a: .75*0 + .25*1 = .25; b: .75*1 + 0 = .75; c: .75*.5 + .25*(8/9) = .597.
  EXPECT_THAT(p.execution_order, ElementsAre("b", "c", "a"));
  EXPECT_THAT(Find(p, "c")->own_score,
              DoubleNear(0.75 * 0.5 + 0.25 * 8.0 / 9, 1e-9));
}

TEST(Prioritize, WeightedRefusesInconsistentAhpMatrix) {
  PrioritizeOptions options = Method(PrioritizationMethod::kWeighted);
  options.criteria = {{Criterion::kImportance},
                      {Criterion::kDifficulty},
                      {Criterion::kRiskReduction}};
  options.ahp_matrix = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  EXPECT_THAT(Prioritize(FourTasks(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("consistency ratio")));
  options.ahp_max_consistency_ratio = 100;
  EXPECT_OK(Prioritize(FourTasks(), options));
}

TEST(Prioritize, WeightedOptionErrors) {
  using absl::StatusCode::kInvalidArgument;
  const Plan plan = FourTasks();
  PrioritizeOptions options = Method(PrioritizationMethod::kWeighted);
  options.criteria = {{Criterion::kImportance, 1}, {Criterion::kImportance, 2}};
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(kInvalidArgument, HasSubstr("weights[1]: criterion")));
  options.criteria = {{Criterion::kImportance, -1}};
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(kInvalidArgument, HasSubstr("weights[0].weight")));
  options.criteria = {{Criterion::kImportance, 0}};
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(kInvalidArgument, HasSubstr("all weights are 0")));
  options.criteria = {{Criterion::kImportance, 1}, {Criterion::kDifficulty}};
  options.ahp_matrix = {{1, 2}, {0.5, 1}};
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(kInvalidArgument, HasSubstr("not both")));
  options.criteria = {{Criterion::kImportance}};
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(kInvalidArgument, HasSubstr("2 rows for 1 criteria")));

  PrioritizeOptions not_weighted = Method(PrioritizationMethod::kWsjf);
  not_weighted.criteria = {{Criterion::kImportance, 1}};
  EXPECT_THAT(Prioritize(plan, not_weighted),
              StatusIs(kInvalidArgument, HasSubstr("weights: only")));
  not_weighted.criteria.clear();
  not_weighted.ahp_matrix = {{1}};
  EXPECT_THAT(Prioritize(plan, not_weighted),
              StatusIs(kInvalidArgument, HasSubstr("ahp: only")));
}

TEST(Prioritize, SlackDrivesWsjfTimeCriticality) {
  Plan plan = MakePlan({WsjfTask("a", 1, 1, 1, 1), WsjfTask("b", 1, 1, 1, 1),
                        WsjfTask("c", 1, 1, 1, 1), MakeTask("m", 0)});
  PrioritizeOptions options = Method(PrioritizationMethod::kWsjf);
  options.use_schedule_slack = true;
  options.slack_days = {{"a", 10}, {"b", 5}, {"c", -2}};
  options.slack_plan_version = 7;
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
  EXPECT_THAT(p.execution_order, ElementsAre("c", "b", "a"));
  // Slack 0 (or negative) -> 10; largest slack (10) -> 1; 5 -> 5.5.
  EXPECT_DOUBLE_EQ(Find(p, "c")->contributions[1].raw_value, 10);
  EXPECT_DOUBLE_EQ(Find(p, "b")->contributions[1].raw_value, 5.5);
  EXPECT_DOUBLE_EQ(Find(p, "a")->contributions[1].raw_value, 1);
  EXPECT_DOUBLE_EQ(Find(p, "b")->own_score, 7.5);
  EXPECT_EQ(Find(p, "b")->contributions[1].note, "slack 5 of 10");

  // All slack 0: all equally urgent.
  options.slack_days = {{"a", 0}, {"b", 0}, {"c", 0}};
  ASSERT_OK_AND_ASSIGN(p, Prioritize(plan, options));
  EXPECT_DOUBLE_EQ(Find(p, "a")->contributions[1].raw_value, 10);
}

TEST(Prioritize, SlackInWeightedTimeCriticality) {
  Plan plan = MakePlan({MakeTask("a", 1), MakeTask("b", 1)});
  PrioritizeOptions options = Method(PrioritizationMethod::kWeighted);
  options.criteria = {{Criterion::kTimeCriticality, 1}};
  options.use_schedule_slack = true;
  options.slack_days = {{"a", 4}, {"b", 0}};
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
  EXPECT_THAT(p.execution_order, ElementsAre("b", "a"));
  EXPECT_EQ(Find(p, "b")->own_score, 1);
  EXPECT_EQ(Find(p, "a")->own_score, 0);
}

TEST(Prioritize, SlackErrors) {
  Plan plan = MakePlan(
      {WsjfTask("a", 1, 1, 1, 1), WsjfTask("b", 1, 1, 1, 1), MakeTask("m", 0)});
  PrioritizeOptions options = Method(PrioritizationMethod::kWsjf);
  options.use_schedule_slack = true;
  options.slack_days = {{"a", 1}};
  EXPECT_THAT(
      Prioritize(plan, options),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("tasks[1].slack"), HasSubstr("task \"b\""))));
  options.slack_days = {{"a", 1}, {"b", 2}, {"zz", 3}};
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("slack_days[\"zz\"]")));
  // Slack for milestones and goals (as a scheduler reports it) is accepted.
  options.slack_days = {{"a", 1}, {"b", 2}, {"m", 3}};
  EXPECT_OK(Prioritize(plan, options));
  options.slack_plan_version = 6;
  EXPECT_THAT(
      Prioritize(plan, options),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("version 6")));
  options.slack_plan_version.reset();
  options.method = PrioritizationMethod::kImportance;
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("urgency_from_schedule")));
  options.use_schedule_slack = false;
  EXPECT_THAT(Prioritize(plan, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("without use_schedule_slack")));
}

TEST(Prioritize, TiersFollowTheExecutionOrder) {
  // Importance order a, b, c, d, e with durations 3, 3, 2, 2, 1 against a
  // capacity of 10: running totals 3, 6 (<= 60 %), 8 (<= 80 %), 10, 11.
  Plan plan =
      MakePlan({MakeTask("a", 3, 9), MakeTask("b", 3, 8), MakeTask("c", 2, 7),
                MakeTask("d", 2, 6), MakeTask("e", 1, 5)});
  PrioritizeOptions options = Method(PrioritizationMethod::kImportance);
  options.capacity_days = 10;
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
  std::vector<Tier> tiers;
  for (const TaskPriority& t : p.tasks) tiers.push_back(t.tier);
  EXPECT_THAT(tiers, ElementsAre(Tier::kMust, Tier::kMust, Tier::kShould,
                                 Tier::kCould, Tier::kWont));
  EXPECT_EQ(p.must_days, 6);
  EXPECT_EQ(p.should_days, 2);
  EXPECT_EQ(p.could_days, 2);
  EXPECT_EQ(p.wont_days, 1);

  options.tiers = {0.3, 0.5, 0.6};
  ASSERT_OK_AND_ASSIGN(p, Prioritize(plan, options));
  tiers.clear();
  for (const TaskPriority& t : p.tasks) tiers.push_back(t.tier);
  EXPECT_THAT(tiers, ElementsAre(Tier::kMust, Tier::kCould, Tier::kWont,
                                 Tier::kWont, Tier::kWont));
  EXPECT_EQ(TierName(p.tasks[1].tier), "could");

  options.capacity_days.reset();
  ASSERT_OK_AND_ASSIGN(p, Prioritize(plan, options));
  for (const TaskPriority& t : p.tasks) EXPECT_EQ(t.tier, Tier::kUnset);
}

TEST(Prioritize, TierOptionErrors) {
  PrioritizeOptions options;
  options.capacity_days = 0;
  EXPECT_THAT(
      Prioritize(FourTasks(), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("capacity_days")));
  options.capacity_days = 5;
  options.tiers = {0.8, 0.6, 1.0};
  EXPECT_THAT(Prioritize(FourTasks(), options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tiers")));
  options.tiers = {0.6, 0.8, NAN};
  EXPECT_THAT(Prioritize(FourTasks(), options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tiers")));
}

TEST(Prioritize, EmptyAndAllMilestonePlans) {
  ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(MakePlan({MakeTask("m", 0)}),
                                                PrioritizeOptions{}));
  EXPECT_THAT(p.tasks, IsEmpty());
  EXPECT_THAT(p.execution_order, IsEmpty());
  EXPECT_THAT(p.unranked_task_ids, ElementsAre("m"));
  PrioritizeOptions weighted = Method(PrioritizationMethod::kWeighted);
  weighted.criteria = {{Criterion::kImportance, 1}};
  EXPECT_OK(Prioritize(MakePlan({}), weighted));
}

TEST(Names, AreStable) {
  EXPECT_EQ(PrioritizationMethodName(PrioritizationMethod::kWsjf), "wsjf");
  EXPECT_EQ(PrioritizationMethodName(PrioritizationMethod::kHardestFirst),
            "hardest_first");
  EXPECT_EQ(CriterionName(Criterion::kJobSize), "job_size");
  EXPECT_EQ(TierName(Tier::kWont), "wont");
}

TEST(Prioritize, WeightedWithoutWeightsUsesTheDefaults) {
  // The tie case: importance/difficulty z 1/1, a 7/10, c 10/5.
  // Defaults 0.6 importance, 0.4 difficulty (lower is better), normalised
  // over 1..10: z = 0 + 0.4 = 0.4, a = 0.6 * 6/9 + 0 = 0.39999999999999997,
  // c = 0.6 + 0.4 * 5/9. a and z are equal within 1e-9, so a (lower id)
  // comes before z.
  Plan plan = MakePlan({MakeTask("z", 1, 1, 1), MakeTask("a", 1, 7, 10),
                        MakeTask("c", 1, 10, 5)});
  ASSERT_OK_AND_ASSIGN(
      Priorities p, Prioritize(plan, Method(PrioritizationMethod::kWeighted)));
  EXPECT_THAT(p.execution_order, ElementsAre("c", "a", "z"));
  ASSERT_EQ(p.weights.size(), 2u);
  EXPECT_EQ(p.weights[0].criterion, "importance");
  EXPECT_DOUBLE_EQ(p.weights[0].weight, 0.6);
  EXPECT_EQ(p.weights[1].criterion, "difficulty");
  EXPECT_TRUE(p.weights[1].prefer_lower);
  EXPECT_NEAR(Find(p, "a")->own_score, 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(Find(p, "z")->own_score, 0.4);
}

TEST(Prioritize, ContributionArithmeticChecksForEveryMethod) {
  Plan plan =
      MakePlan({RiceTask("a", 2000, 2, 0.8, 4), RiceTask("b", 500, 3, 1, 1),
                RiceTask("c", 100, 0.25, 0.5, 2)},
               {{"a", "c", 0}});
  plan.tasks[0].duration_days = 3;
  plan.tasks[0].attributes = {};
  plan.tasks[0].attributes.rice_reach = 2000;
  plan.tasks[0].attributes.rice_impact = 2;
  plan.tasks[0].attributes.rice_confidence = 0.8;
  plan.tasks[0].attributes.rice_effort = 4;
  plan.tasks[1].attributes.importance = 9;
  plan.tasks[1].attributes.business_value = 7;
  plan.tasks[2].attributes.difficulty = 8;
  plan.tasks[2].attributes.time_criticality = 2;
  std::vector<PrioritizeOptions> all;
  for (PrioritizationMethod m :
       {PrioritizationMethod::kImportance, PrioritizationMethod::kHardestFirst,
        PrioritizationMethod::kQuickWins, PrioritizationMethod::kWsjf,
        PrioritizationMethod::kRice, PrioritizationMethod::kWeighted}) {
    all.push_back(Method(m));
  }
  all.push_back(Method(PrioritizationMethod::kWeighted));
  all.back().criteria = {{Criterion::kBusinessValue, 2},
                         {Criterion::kTimeCriticality, 1},
                         {Criterion::kJobSize, 1, true}};
  for (const PrioritizeOptions& options : all) {
    SCOPED_TRACE(PrioritizationMethodName(options.method));
    ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, options));
    ASSERT_EQ(p.tasks.size(), 3u);
    for (const TaskPriority& t : p.tasks) {
      double sum = 0;
      for (const Contribution& c : t.contributions) {
        EXPECT_NEAR(c.normalized_value * c.weight, c.contribution,
                    1e-12 * (1 + std::abs(c.contribution)))
            << t.task_id << " " << c.criterion;
        sum += c.contribution;
      }
      EXPECT_NEAR(sum, t.own_score, 1e-9 * (1 + std::abs(t.own_score)))
          << t.task_id;
      // The order weighs w / p, which is the score for every method.
      EXPECT_NEAR(t.order_value / t.order_size, t.own_score,
                  1e-9 * (1 + std::abs(t.own_score)))
          << t.task_id;
      EXPECT_FALSE(t.reason.empty());
    }
  }
}

// ---------------------------------------------------------------------------
// Property tests on seeded random plans against a brute-force reference.

// A random acyclic plan: tasks and goals get random positions; a goal holds
// tasks placed before it, and explicit dependencies only point forward, so
// there is no cycle. Ids are random so id order differs from plan order.
Plan RandomPlan(uint64_t seed) {
  std::seed_seq seq{seed};
  absl::BitGen gen(seq);
  auto uniform = [&gen](int lo, int hi) {  // Inclusive.
    return absl::Uniform(absl::IntervalClosed, gen, lo, hi);
  };
  const int num_tasks = uniform(1, 30);
  const int num_goals = uniform(0, 5);
  const int num_nodes = num_tasks + num_goals;
  std::vector<int> position(num_nodes);
  std::iota(position.begin(), position.end(), 0);
  std::shuffle(position.begin(), position.end(), gen);

  Plan plan = MakePlan({});
  for (int i = 0; i < num_tasks; ++i) {
    // Random letters, so id order differs from plan order; the index suffix
    // keeps ids unique.
    std::string id;
    for (int c = 0; c < 3; ++c) {
      id.push_back(static_cast<char>('a' + uniform(0, 25)));
    }
    Task task =
        MakeTask(absl::StrCat(id, i), uniform(0, 4) == 0 ? 0 : uniform(1, 8));
    // Few distinct values, so ties are common.
    task.attributes.importance = uniform(0, 3);
    task.attributes.difficulty = uniform(0, 3);
    task.attributes.business_value = uniform(0, 10);
    task.attributes.time_criticality = uniform(0, 10);
    task.attributes.risk_reduction = uniform(0, 10);
    const double impacts[] = {3, 2, 1, 0.5, 0.25};
    task.attributes.rice_reach = uniform(0, 5) * 100;
    task.attributes.rice_impact = impacts[uniform(0, 4)];
    task.attributes.rice_confidence = uniform(0, 4) / 4.0;
    task.attributes.rice_effort = uniform(1, 4);
    plan.tasks.push_back(std::move(task));
  }
  std::vector<bool> in_goal(num_tasks, false);
  for (int g = 0; g < num_goals; ++g) {
    Goal goal;
    goal.id = absl::StrCat("G", g);
    goal.title = goal.id;
    for (int t = 0; t < num_tasks; ++t) {
      if (!in_goal[t] && position[t] < position[num_tasks + g] &&
          uniform(0, 2) == 0) {
        goal.task_ids.push_back(plan.tasks[t].id);
        in_goal[t] = true;
      }
    }
    plan.goals.push_back(std::move(goal));
  }
  auto id_of = [&plan, num_tasks](int node) {
    return node < num_tasks ? plan.tasks[node].id
                            : plan.goals[node - num_tasks].id;
  };
  const int num_deps = uniform(0, 2 * num_nodes);
  for (int k = 0; k < num_deps; ++k) {
    int u = uniform(0, num_nodes - 1), v = uniform(0, num_nodes - 1);
    if (u == v) continue;
    if (position[u] > position[v]) std::swap(u, v);
    plan.dependencies.push_back({id_of(u), id_of(v), uniform(0, 2)});
  }
  return plan;
}

struct Reference {
  absl::flat_hash_map<std::string, double> effective;
  absl::flat_hash_map<std::string, std::string> inherited_from;
};

// O(n^2)-and-worse reference: reachability by DFS from every node, effective
// scores as the max over all descendants.
Reference BruteForce(const Plan& plan, const PlanGraph& graph,
                     const absl::flat_hash_map<std::string, double>& own) {
  const int n = static_cast<int>(graph.nodes.size());
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  for (int s = 0; s < n; ++s) {
    std::vector<int> stack = {s};
    while (!stack.empty()) {
      const int u = stack.back();
      stack.pop_back();
      for (const auto& e : graph.Successors(u)) {
        if (!reach[s][e.node]) {
          reach[s][e.node] = true;
          stack.push_back(e.node);
        }
      }
    }
  }
  std::vector<int> ranked;
  for (int t = 0; t < graph.num_tasks(); ++t) {
    if (plan.tasks[t].duration_days > 0) ranked.push_back(t);
  }
  Reference ref;
  for (int t : ranked) {
    // The highest score among the task and its ranked dependents, scores
    // within 1e-9 relative equal, then the lowest id.
    const std::string& id = plan.tasks[t].id;
    std::string from = id;
    double best = own.at(id);
    for (int d : ranked) {
      if (!reach[t][d]) continue;
      const std::string& did = plan.tasks[d].id;
      const int c = CompareRatios(own.at(did), best);
      if (c > 0 || (c == 0 && did < from)) {
        best = own.at(did);
        from = did;
      }
    }
    if (CompareRatios(own.at(id), best) == 0) from.clear();
    ref.effective[id] = best;
    ref.inherited_from[id] = from;
  }
  return ref;
}

std::vector<PrioritizeOptions> AllMethods() {
  std::vector<PrioritizeOptions> all;
  for (PrioritizationMethod m :
       {PrioritizationMethod::kImportance, PrioritizationMethod::kHardestFirst,
        PrioritizationMethod::kQuickWins, PrioritizationMethod::kWsjf,
        PrioritizationMethod::kRice}) {
    all.push_back(Method(m));
    all.back().capacity_days = 20;
  }
  PrioritizeOptions weighted = Method(PrioritizationMethod::kWeighted);
  weighted.criteria = {{Criterion::kImportance, 2},
                       {Criterion::kBusinessValue, 1},
                       {Criterion::kJobSize, 1, true}};
  weighted.capacity_days = 20;
  all.push_back(weighted);
  return all;
}

TEST(PrioritizeProperty, MatchesBruteForceOnRandomPlans) {
  int checked = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const Plan plan = RandomPlan(seed);
    ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
    for (const PrioritizeOptions& options : AllMethods()) {
      SCOPED_TRACE(absl::StrCat("seed ", seed, " method ",
                                PrioritizationMethodName(options.method)));
      ASSERT_OK_AND_ASSIGN(Priorities p, Prioritize(plan, graph, options));
      absl::flat_hash_map<std::string, double> own;
      for (const TaskPriority& t : p.tasks) own[t.task_id] = t.own_score;
      ASSERT_EQ(own.size() + p.unranked_task_ids.size(), plan.tasks.size());
      const Reference ref = BruteForce(plan, graph, own);
      // The order itself is checked against the optimum in sidney_test.cc.
      int running = 0;
      Tier last = Tier::kMust;
      for (size_t k = 0; k < p.tasks.size(); ++k) {
        const TaskPriority& t = p.tasks[k];
        EXPECT_EQ(t.rank, static_cast<int>(k) + 1);
        EXPECT_EQ(t.task_id, p.execution_order[k]);
        EXPECT_EQ(plan.tasks[t.task_index].id, t.task_id);
        EXPECT_EQ(t.effective_score, ref.effective.at(t.task_id));
        EXPECT_EQ(t.inherited_from, ref.inherited_from.at(t.task_id));
        // Contributions explain the own score.
        EXPECT_NEAR(SumOf(t.contributions), t.own_score,
                    1e-9 * (1 + std::abs(t.own_score)));
        for (const Contribution& c : t.contributions) {
          EXPECT_NEAR(c.weight * c.normalized_value, c.contribution,
                      1e-12 * (1 + std::abs(c.contribution)))
              << c.criterion;
        }
        // Tiers never improve along the order.
        running += plan.tasks[t.task_index].duration_days;
        EXPECT_GE(static_cast<int>(t.tier), static_cast<int>(last));
        last = t.tier;
        EXPECT_EQ(t.tier == Tier::kMust, running <= 12);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 300 * 6);
}

TEST(PrioritizeProperty, OrderIsTopologicalOverTasks) {
  for (uint64_t seed = 1000; seed < 1300; ++seed) {
    const Plan plan = RandomPlan(seed);
    ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
    ASSERT_OK_AND_ASSIGN(
        Priorities p,
        Prioritize(plan, graph, Method(PrioritizationMethod::kWsjf)));
    absl::flat_hash_map<int, int> position;  // node -> position in order.
    for (size_t k = 0; k < p.tasks.size(); ++k) {
      position[p.tasks[k].task_index] = static_cast<int>(k);
    }
    // Every ranked task comes after every ranked task it (transitively)
    // depends on: check along paths through any node.
    const int n = static_cast<int>(graph.nodes.size());
    for (int s = 0; s < graph.num_tasks(); ++s) {
      if (!position.contains(s)) continue;
      std::vector<bool> seen(n, false);
      std::vector<int> stack = {s};
      while (!stack.empty()) {
        const int u = stack.back();
        stack.pop_back();
        for (const auto& e : graph.Successors(u)) {
          if (seen[e.node]) continue;
          seen[e.node] = true;
          stack.push_back(e.node);
          if (position.contains(e.node)) {
            EXPECT_LT(position[s], position[e.node])
                << "seed " << seed << ": " << graph.nodes[s].id << " before "
                << graph.nodes[e.node].id;
          }
        }
      }
    }
  }
}

TEST(PrioritizeProperty, DeterministicAndIndependentOfPlanOrder) {
  for (uint64_t seed = 2000; seed < 2100; ++seed) {
    const Plan plan = RandomPlan(seed);
    Plan reversed = plan;
    std::reverse(reversed.tasks.begin(), reversed.tasks.end());
    std::reverse(reversed.goals.begin(), reversed.goals.end());
    std::reverse(reversed.dependencies.begin(), reversed.dependencies.end());
    for (const PrioritizeOptions& options : AllMethods()) {
      ASSERT_OK_AND_ASSIGN(Priorities first, Prioritize(plan, options));
      ASSERT_OK_AND_ASSIGN(Priorities again, Prioritize(plan, options));
      ASSERT_OK_AND_ASSIGN(Priorities other, Prioritize(reversed, options));
      ASSERT_EQ(first.execution_order, again.execution_order);
      ASSERT_EQ(first.execution_order, other.execution_order) << seed;
      for (size_t k = 0; k < first.tasks.size(); ++k) {
        EXPECT_EQ(first.tasks[k].own_score, again.tasks[k].own_score);
        EXPECT_EQ(first.tasks[k].own_score, other.tasks[k].own_score);
        EXPECT_EQ(first.tasks[k].effective_score,
                  other.tasks[k].effective_score);
        EXPECT_EQ(first.tasks[k].inherited_from, other.tasks[k].inherited_from);
        EXPECT_EQ(first.tasks[k].tier, other.tasks[k].tier);
      }
    }
  }
}

}  // namespace
}  // namespace backplan

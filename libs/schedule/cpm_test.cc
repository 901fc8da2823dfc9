#include "libs/schedule/cpm.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/plan_graph.h"
#include "libs/core/testing/plan_builders.h"

namespace backplan {
namespace {

using ::backplan::testing::D;
using ::backplan::testing::MakeTask;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A plan of `tasks` with explicit dependencies "a>b" (lag 0) and the
// synthetic outcome on `target`; work starts on `start`.
Plan MakePlan(std::vector<Task> tasks,
              const std::vector<std::pair<std::string, std::string>>& deps,
              absl::CivilDay start, absl::CivilDay target) {
  Plan plan;
  plan.id = "p1";
  plan.outcome.title = "Outcome";
  plan.outcome.target_date = target;
  plan.outcome.start_date = start;
  plan.tasks = std::move(tasks);
  for (const auto& [from, to] : deps) {
    plan.dependencies.push_back({from, to, 0});
  }
  return plan;
}

const ScheduledNode& Node(const Timeline& timeline, absl::string_view id) {
  const ScheduledNode* node = FindNode(timeline, id);
  EXPECT_NE(node, nullptr) << id;
  static const ScheduledNode kMissing;
  return node == nullptr ? kMissing : *node;
}

TEST(BackwardPass, ShiftsOverWeekends) {
  // a (3 days) -> b (2 days), target Wednesday 2026-03-11.
  Plan plan = MakePlan({MakeTask("a", 3), MakeTask("b", 2)}, {{"a", "b"}},
                       D(2026, 3, 2), D(2026, 3, 11));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  const ScheduledNode& a = Node(t, "a");
  const ScheduledNode& b = Node(t, "b");
  EXPECT_EQ(b.latest_finish, D(2026, 3, 11));
  EXPECT_EQ(b.latest_start, D(2026, 3, 10));
  EXPECT_EQ(a.latest_finish, D(2026, 3, 9));  // Monday.
  EXPECT_EQ(a.latest_start, D(2026, 3, 5));   // Thu, Fri, Mon.
  EXPECT_EQ(a.deadline, a.latest_finish);
  EXPECT_EQ(a.planned_start, a.latest_start);
  EXPECT_EQ(a.earliest_start, D(2026, 3, 2));
  EXPECT_EQ(a.earliest_finish, D(2026, 3, 4));
  EXPECT_EQ(b.earliest_start, D(2026, 3, 5));
  EXPECT_EQ(b.earliest_finish, D(2026, 3, 6));
  EXPECT_EQ(a.slack_days, 3);
  EXPECT_EQ(b.slack_days, 3);
  EXPECT_TRUE(a.critical);
  EXPECT_TRUE(b.critical);
  EXPECT_TRUE(t.feasible);
  EXPECT_EQ(t.days_short, 0);
  EXPECT_EQ(t.min_slack_days, 3);
  EXPECT_EQ(t.final_milestone, D(2026, 3, 11));
  EXPECT_EQ(t.earliest_finish, D(2026, 3, 6));
  EXPECT_THAT(t.critical_path, ElementsAre("a", "b", "outcome"));
  EXPECT_THAT(t.causing_chain, IsEmpty());
}

TEST(BackwardPass, SkipsHolidayInsideTask) {
  Plan plan = MakePlan({MakeTask("a", 3)}, {}, D(2026, 3, 2), D(2026, 3, 6));
  plan.calendar.holidays = {D(2026, 3, 4)};  // Wednesday.
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  const ScheduledNode& a = Node(t, "a");
  EXPECT_EQ(a.earliest_start, D(2026, 3, 2));
  EXPECT_EQ(a.earliest_finish, D(2026, 3, 5));  // Mon, Tue, Thu.
  EXPECT_EQ(a.latest_finish, D(2026, 3, 6));
  EXPECT_EQ(a.latest_start, D(2026, 3, 3));  // Tue, Thu, Fri.
  EXPECT_EQ(a.slack_days, 1);
}

TEST(BackwardPass, TargetOnSaturdayMovesToFriday) {
  Plan plan = MakePlan({MakeTask("a", 2)}, {}, D(2026, 3, 2), D(2026, 3, 7));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_EQ(t.final_milestone, D(2026, 3, 6));
  EXPECT_EQ(Node(t, "outcome").latest_finish, D(2026, 3, 6));
  EXPECT_EQ(Node(t, "outcome").deadline_reason.kind,
            DeadlineReason::Kind::kTarget);
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 6));
  EXPECT_EQ(Node(t, "a").latest_start, D(2026, 3, 5));
}

TEST(BackwardPass, LagCountsWorkingDays) {
  Plan plan = MakePlan({MakeTask("a", 1), MakeTask("b", 1)}, {}, D(2026, 3, 2),
                       D(2026, 3, 6));
  plan.dependencies.push_back({"a", "b", 2});
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  // Forward: a on Monday; b on the 3rd working day after it.
  EXPECT_EQ(Node(t, "b").earliest_start, D(2026, 3, 5));
  // Backward: b on Friday; a at the latest 3 working days before it.
  EXPECT_EQ(Node(t, "b").latest_start, D(2026, 3, 6));
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 3));
  EXPECT_EQ(Node(t, "a").slack_days, 1);
}

TEST(BackwardPass, LagAcrossWeekendIntoMilestone) {
  // A milestone successor may fall L working days after the finish.
  Plan plan = MakePlan({MakeTask("a", 1), MakeTask("m", 0)}, {}, D(2026, 3, 5),
                       D(2026, 3, 20));
  plan.dependencies.push_back({"a", "m", 2});
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_EQ(Node(t, "m").earliest_finish, D(2026, 3, 9));  // Thu + 2 = Mon.
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 18));   // Fri 20 - 2.
}

TEST(BackwardPass, MilestoneFallsOnTaskFinishDay) {
  // Goal g is achieved by task a; task c may only start after g.
  Plan plan = MakePlan({MakeTask("a", 2), MakeTask("c", 1)}, {{"g", "c"}},
                       D(2026, 3, 2), D(2026, 3, 6));
  Goal g;
  g.id = "g";
  g.title = "Goal g";
  g.task_ids = {"a"};
  plan.goals.push_back(g);
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_EQ(Node(t, "a").earliest_finish, D(2026, 3, 3));
  EXPECT_EQ(Node(t, "g").earliest_start, D(2026, 3, 3));  // Same day as a.
  EXPECT_EQ(Node(t, "g").earliest_finish, D(2026, 3, 3));
  EXPECT_EQ(Node(t, "c").earliest_start, D(2026, 3, 4));  // The day after.
  // Backward: c on Friday, g Thursday, a finishes Thursday too.
  EXPECT_EQ(Node(t, "c").latest_start, D(2026, 3, 6));
  EXPECT_EQ(Node(t, "g").latest_finish, D(2026, 3, 5));
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 5));
  EXPECT_EQ(DeadlineSuccessorId(t, Node(t, "a")), "g");
  EXPECT_EQ(Node(t, "g").slack_days, 2);
}

TEST(BackwardPass, FixedDeadlineTightens) {
  Task a = MakeTask("a", 2);
  a.fixed_deadline = D(2026, 3, 8);  // Sunday: Friday the 6th at the latest.
  Plan plan = MakePlan({a, MakeTask("b", 1)}, {{"a", "b"}}, D(2026, 3, 2),
                       D(2026, 3, 13));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 6));
  EXPECT_EQ(Node(t, "a").latest_start, D(2026, 3, 5));
  EXPECT_EQ(Node(t, "a").deadline_reason.kind,
            DeadlineReason::Kind::kFixedDeadline);
  EXPECT_EQ(Node(t, "b").latest_finish, D(2026, 3, 13));
  EXPECT_EQ(Node(t, "b").deadline_reason.kind,
            DeadlineReason::Kind::kSuccessor);
  EXPECT_EQ(DeadlineSuccessorId(t, Node(t, "b")), "outcome");
  EXPECT_EQ(Node(t, "a").slack_days, 3);
  EXPECT_TRUE(Node(t, "a").critical);
  EXPECT_FALSE(Node(t, "b").critical);
}

TEST(BackwardPass, LooserFixedDeadlineChangesNothing) {
  Task a = MakeTask("a", 2);
  a.fixed_deadline = D(2026, 3, 13);
  Plan plan = MakePlan({a, MakeTask("b", 1)}, {{"a", "b"}}, D(2026, 3, 2),
                       D(2026, 3, 13));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 12));
  EXPECT_EQ(Node(t, "a").deadline_reason.kind,
            DeadlineReason::Kind::kSuccessor);
  EXPECT_EQ(DeadlineSuccessorId(t, Node(t, "a")), "b");
}

TEST(BackwardPass, InfeasibleTargetIsAnAnswer) {
  // 10 working days of work for one week.
  Plan plan = MakePlan({MakeTask("a", 5), MakeTask("b", 5), MakeTask("c", 1)},
                       {{"a", "b"}}, D(2026, 3, 2), D(2026, 3, 6));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_FALSE(t.feasible);
  EXPECT_EQ(t.days_short, 5);
  EXPECT_EQ(t.min_slack_days, -5);
  EXPECT_EQ(t.earliest_finish, D(2026, 3, 13));
  EXPECT_EQ(t.final_milestone, D(2026, 3, 6));
  EXPECT_THAT(t.causing_chain, ElementsAre("a", "b", "outcome"));
  EXPECT_THAT(t.critical_path, ElementsAre("a", "b", "outcome"));
  // The full timeline is still there: deadlines in the past of the start.
  EXPECT_EQ(Node(t, "b").latest_start, D(2026, 3, 2));
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 2, 27));
  EXPECT_EQ(Node(t, "a").latest_start, D(2026, 2, 23));
  EXPECT_EQ(Node(t, "a").slack_days, -5);
  EXPECT_TRUE(Node(t, "a").critical);
  EXPECT_FALSE(Node(t, "c").critical);
  EXPECT_EQ(Node(t, "c").slack_days, 4);
}

TEST(BackwardPass, MissedFixedDeadlineNamesItsChain) {
  Task b = MakeTask("b", 2);
  b.fixed_deadline = D(2026, 3, 3);
  Plan plan = MakePlan({MakeTask("a", 2), b}, {{"a", "b"}}, D(2026, 3, 2),
                       D(2026, 3, 31));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_FALSE(t.feasible);
  EXPECT_EQ(t.days_short, 2);  // b can finish Thursday, due Tuesday.
  EXPECT_EQ(t.earliest_finish, D(2026, 3, 5));
  EXPECT_THAT(t.causing_chain, ElementsAre("a", "b"));
}

TEST(BackwardPass, CrossesYearBoundaryAndNewYearHoliday) {
  Plan plan = MakePlan({MakeTask("a", 3)}, {}, D(2026, 12, 30), D(2027, 1, 5));
  plan.calendar.holidays = {D(2027, 1, 1)};
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  const ScheduledNode& a = Node(t, "a");
  EXPECT_EQ(a.earliest_start, D(2026, 12, 30));
  EXPECT_EQ(a.earliest_finish, D(2027, 1, 4));
  EXPECT_EQ(a.latest_finish, D(2027, 1, 5));
  EXPECT_EQ(a.latest_start, D(2026, 12, 31));
  EXPECT_EQ(a.slack_days, 1);
}

TEST(BackwardPass, ExplainsWhyThisDeadline) {
  // a feeds b (1 day) and c (3 days): c sets a's deadline.
  Plan plan = MakePlan({MakeTask("a", 1), MakeTask("b", 1), MakeTask("c", 3)},
                       {{"a", "b"}, {"a", "c"}}, D(2026, 3, 2), D(2026, 3, 13));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_EQ(Node(t, "a").deadline_reason.kind,
            DeadlineReason::Kind::kSuccessor);
  EXPECT_EQ(DeadlineSuccessorId(t, Node(t, "a")), "c");
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 10));
  EXPECT_EQ(DeadlineSuccessorId(t, Node(t, "c")), "outcome");
}

TEST(BackwardPass, TiesGoToSmallestSuccessorId) {
  Plan plan = MakePlan({MakeTask("a", 1), MakeTask("z", 2), MakeTask("m", 2)},
                       {{"a", "z"}, {"a", "m"}}, D(2026, 3, 2), D(2026, 3, 13));
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, ScheduleRequest{}));
  EXPECT_EQ(DeadlineSuccessorId(t, Node(t, "a")), "m");
}

TEST(BackwardPass, StartsTodayWithoutPlanStartDate) {
  Plan plan = MakePlan({MakeTask("a", 1)}, {}, D(2026, 3, 2), D(2026, 3, 13));
  plan.outcome.start_date.reset();
  ScheduleRequest request;
  request.today = D(2026, 3, 7);  // Saturday: work starts Monday.
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, request));
  EXPECT_EQ(t.start_date, D(2026, 3, 9));
  EXPECT_EQ(Node(t, "a").earliest_start, D(2026, 3, 9));
}

TEST(BackwardPass, RejectsInvalidPlan) {
  Plan plan = MakePlan({MakeTask("a", 1), MakeTask("b", 1)},
                       {{"a", "b"}, {"b", "a"}}, D(2026, 3, 2), D(2026, 3, 6));
  EXPECT_THAT(Schedule(plan, ScheduleRequest{}),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("cycle")));
}

TEST(ForwardMode, DeadlinesAreEarliestFinishes) {
  Plan plan = MakePlan({MakeTask("a", 3), MakeTask("b", 2)}, {{"a", "b"}},
                       D(2026, 3, 2), D(2026, 3, 31));
  ScheduleRequest request;
  request.mode = ScheduleMode::kForward;
  ASSERT_OK_AND_ASSIGN(Timeline t, Schedule(plan, request));
  EXPECT_EQ(t.mode, ScheduleMode::kForward);
  EXPECT_EQ(Node(t, "a").deadline, D(2026, 3, 4));
  EXPECT_EQ(Node(t, "a").planned_start, D(2026, 3, 2));
  EXPECT_EQ(Node(t, "b").deadline, D(2026, 3, 6));
  EXPECT_EQ(t.final_milestone, D(2026, 3, 6));
  EXPECT_EQ(t.earliest_finish, D(2026, 3, 6));
  EXPECT_TRUE(t.feasible);
  // Slack is still measured against the target.
  EXPECT_EQ(Node(t, "a").latest_finish, D(2026, 3, 27));
}

// ---------------------------------------------------------------------------
// Property tests against a naive day-by-day reference.

// Working days by walking the calendar one day at a time.
class NaiveCalendar {
 public:
  explicit NaiveCalendar(const CalendarSpec& spec) {
    if (spec.working_weekdays.empty()) {
      weekdays_ = {absl::Weekday::monday, absl::Weekday::tuesday,
                   absl::Weekday::wednesday, absl::Weekday::thursday,
                   absl::Weekday::friday};
    } else {
      weekdays_.insert(spec.working_weekdays.begin(),
                       spec.working_weekdays.end());
    }
    holidays_.insert(spec.holidays.begin(), spec.holidays.end());
  }
  bool Working(absl::CivilDay d) const {
    return weekdays_.count(absl::GetWeekday(d)) > 0 && holidays_.count(d) == 0;
  }
  absl::CivilDay OnOrAfter(absl::CivilDay d) const {
    while (!Working(d)) ++d;
    return d;
  }
  absl::CivilDay OnOrBefore(absl::CivilDay d) const {
    while (!Working(d)) --d;
    return d;
  }
  // From a working day, n working days later (earlier when n < 0).
  absl::CivilDay Step(absl::CivilDay d, int n) const {
    while (n > 0) {
      ++d;
      if (Working(d)) --n;
    }
    while (n < 0) {
      --d;
      if (Working(d)) ++n;
    }
    return d;
  }
  // Signed number of working-day steps from working day a to working day b.
  int Distance(absl::CivilDay a, absl::CivilDay b) const {
    int n = 0;
    while (a < b) {
      ++a;
      if (Working(a)) ++n;
    }
    while (a > b) {
      --a;
      if (Working(a)) --n;
    }
    return n;
  }

 private:
  std::set<absl::Weekday> weekdays_;
  std::set<absl::CivilDay> holidays_;
};

struct RefDates {
  absl::CivilDay es, ef, ls, lf;
  int slack = 0;
};

// The rules of cpm.h stated per kind of node, in days.
std::vector<RefDates> NaiveSchedule(const Plan& plan, const PlanGraph& graph,
                                    const NaiveCalendar& cal) {
  const int n = static_cast<int>(graph.nodes.size());
  std::vector<RefDates> r(n);
  const absl::CivilDay first = cal.OnOrAfter(*plan.outcome.start_date);
  for (int v : graph.topological_order) {
    const int d = graph.nodes[v].duration_days;
    if (d > 0) {
      absl::CivilDay es = first;
      for (const PlanGraph::Edge& e : graph.Predecessors(v)) {
        es = std::max(es, cal.Step(r[e.node].ef, e.lag_days + 1));
      }
      r[v].es = es;
      r[v].ef = cal.Step(es, d - 1);
    } else {
      absl::CivilDay day = cal.Step(first, -1);
      for (const PlanGraph::Edge& e : graph.Predecessors(v)) {
        day = std::max(day, cal.Step(r[e.node].ef, e.lag_days));
      }
      r[v].es = r[v].ef = day;
    }
  }
  for (auto it = graph.topological_order.rbegin();
       it != graph.topological_order.rend(); ++it) {
    const int v = *it;
    const int d = graph.nodes[v].duration_days;
    absl::CivilDay lf = cal.OnOrBefore(plan.outcome.target_date);
    bool first_bound = v == graph.outcome_node;
    for (const PlanGraph::Edge& e : graph.Successors(v)) {
      const int s = e.node;
      const absl::CivilDay bound = graph.nodes[s].duration_days > 0
                                       ? cal.Step(r[s].ls, -(e.lag_days + 1))
                                       : cal.Step(r[s].lf, -e.lag_days);
      lf = first_bound ? std::min(lf, bound) : bound;
      first_bound = true;
    }
    if (graph.nodes[v].kind == PlanGraph::Kind::kTask) {
      const Task& task = plan.tasks[graph.nodes[v].source_index];
      if (task.fixed_deadline) {
        lf = std::min(lf, cal.OnOrBefore(*task.fixed_deadline));
      }
    }
    r[v].lf = lf;
    r[v].ls = d > 0 ? cal.Step(lf, -(d - 1)) : lf;
    r[v].slack = cal.Distance(r[v].es, r[v].ls);
  }
  return r;
}

Plan RandomPlan(uint32_t seed) {
  std::seed_seq seq{seed};
  absl::InsecureBitGen gen(seq);
  Plan plan;
  plan.id = absl::StrCat("random", seed);
  plan.outcome.title = "Random outcome";
  const absl::CivilDay start =
      D(2026, 1, 1) + absl::Uniform(gen, 0, 700);  // Crosses a year end.
  plan.outcome.start_date = start;
  plan.outcome.target_date = start + absl::Uniform(gen, 0, 50);
  if (absl::Bernoulli(gen, 0.3)) {
    plan.calendar.working_weekdays = {
        absl::Weekday::sunday, absl::Weekday::monday, absl::Weekday::tuesday,
        absl::Weekday::wednesday};
  }
  const int holidays = absl::Uniform(gen, 0, 8);
  for (int i = 0; i < holidays; ++i) {
    plan.calendar.holidays.push_back(start + absl::Uniform(gen, -10, 60));
  }
  const int tasks = absl::Uniform(gen, 1, 30);
  for (int i = 0; i < tasks; ++i) {
    Task task =
        MakeTask(absl::StrCat("t", absl::Uniform(gen, 0, 100), "_", i),
                 absl::Bernoulli(gen, 0.15) ? 0 : absl::Uniform(gen, 1, 6));
    if (absl::Bernoulli(gen, 0.1)) {
      task.fixed_deadline = start + absl::Uniform(gen, 0, 40);
    }
    plan.tasks.push_back(task);
    for (int j = 0; j < i; ++j) {
      if (absl::Bernoulli(gen, 0.12)) {
        plan.dependencies.push_back(
            {plan.tasks[j].id, task.id,
             absl::Bernoulli(gen, 0.7) ? 0 : absl::Uniform(gen, 1, 4)});
      }
    }
  }
  // A few goals over disjoint runs of tasks, each after the previous goal.
  const int goals = absl::Uniform(gen, 0, 3);
  for (int g = 0; g < goals; ++g) {
    Goal goal;
    goal.id = absl::StrCat("g", g);
    goal.title = absl::StrCat("Goal ", g);
    for (int i = g; i < tasks; i += 3) {
      if (absl::Bernoulli(gen, 0.5)) goal.task_ids.push_back(plan.tasks[i].id);
    }
    plan.goals.push_back(goal);
  }
  // Sometimes the last goal is the outcome instead of a synthetic node.
  if (goals > 0 && absl::Bernoulli(gen, 0.3)) {
    plan.outcome_goal_id = plan.goals.back().id;
  }
  return plan;
}

bool Respects(const NaiveCalendar& cal, const PlanGraph& graph,
              const PlanGraph::Edge& edge, int to, absl::CivilDay from_finish,
              absl::CivilDay to_start, absl::CivilDay to_finish) {
  if (graph.nodes[to].duration_days > 0) {
    return to_start >= cal.Step(from_finish, edge.lag_days + 1);
  }
  return to_finish >= cal.Step(from_finish, edge.lag_days);
}

TEST(CpmProperty, MatchesNaiveReferenceOnRandomDags) {
  int scheduled = 0, infeasible = 0;
  for (uint32_t seed = 0; seed < 400; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    const Plan plan = RandomPlan(seed);
    absl::StatusOr<PlanGraph> graph = BuildPlanGraph(plan);
    if (!graph.ok()) continue;  // A goal/dependency cycle; rare.
    ASSERT_OK_AND_ASSIGN(WorkingCalendar calendar,
                         WorkingCalendar::Create(plan.calendar));
    ASSERT_OK_AND_ASSIGN(Timeline t,
                         Schedule(plan, *graph, calendar, ScheduleRequest{}));
    ++scheduled;
    const NaiveCalendar cal(plan.calendar);
    const std::vector<RefDates> ref = NaiveSchedule(plan, *graph, cal);
    ASSERT_EQ(t.nodes.size(), ref.size());
    int min_slack = ref[0].slack;
    for (size_t v = 0; v < ref.size(); ++v) {
      const ScheduledNode& node = t.nodes[v];
      SCOPED_TRACE(node.id);
      EXPECT_EQ(node.earliest_start, ref[v].es);
      EXPECT_EQ(node.earliest_finish, ref[v].ef);
      EXPECT_EQ(node.latest_start, ref[v].ls);
      EXPECT_EQ(node.latest_finish, ref[v].lf);
      EXPECT_EQ(node.slack_days, ref[v].slack);
      EXPECT_EQ(node.deadline, node.latest_finish);
      min_slack = std::min(min_slack, ref[v].slack);
      for (const PlanGraph::Edge& e : graph->Successors(static_cast<int>(v))) {
        const ScheduledNode& s = t.nodes[e.node];
        EXPECT_TRUE(Respects(cal, *graph, e, e.node, node.earliest_finish,
                             s.earliest_start, s.earliest_finish))
            << node.id << " -> " << s.id << " (earliest)";
        EXPECT_TRUE(Respects(cal, *graph, e, e.node, node.latest_finish,
                             s.latest_start, s.latest_finish))
            << node.id << " -> " << s.id << " (latest)";
      }
    }
    EXPECT_EQ(t.min_slack_days, min_slack);
    EXPECT_EQ(t.feasible, min_slack >= 0);
    EXPECT_EQ(t.days_short, std::max(0, -min_slack));
    EXPECT_EQ(t.final_milestone, cal.OnOrBefore(plan.outcome.target_date));
    EXPECT_EQ(t.earliest_finish, ref[graph->outcome_node].ef);
    if (t.feasible) {
      for (const ScheduledNode& node : t.nodes) {
        EXPECT_GE(node.slack_days, 0);
        EXPECT_GE(node.latest_start, node.earliest_start);
      }
      EXPECT_THAT(t.causing_chain, IsEmpty());
    } else {
      ++infeasible;
      EXPECT_FALSE(t.causing_chain.empty());
    }
    // The critical path is a chain of edges through nodes of minimal slack,
    // ending at the outcome unless a fixed deadline is tighter.
    ASSERT_FALSE(t.critical_path.empty());
    for (const std::string& id : t.critical_path) {
      EXPECT_EQ(t.nodes[graph->index_by_id.at(id)].slack_days, t.min_slack_days)
          << id;
    }
    if (t.nodes[graph->outcome_node].slack_days == t.min_slack_days) {
      EXPECT_EQ(t.critical_path.back(), t.nodes[graph->outcome_node].id);
    }
    for (size_t i = 0; i + 1 < t.critical_path.size(); ++i) {
      const int from = graph->index_by_id.at(t.critical_path[i]);
      const int to = graph->index_by_id.at(t.critical_path[i + 1]);
      bool linked = false;
      for (const PlanGraph::Edge& e : graph->Successors(from)) {
        linked = linked || e.node == to;
      }
      EXPECT_TRUE(linked) << t.critical_path[i] << " -> "
                          << t.critical_path[i + 1];
    }
    // The path's first node starts at the start date.
    const ScheduledNode* head = FindNode(t, t.critical_path.front());
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->duration_days > 0 ? head->earliest_start
                                      : cal.Step(head->earliest_finish, 1),
              t.start_date);
  }
  EXPECT_GT(scheduled, 350);
  EXPECT_GT(infeasible, 20);
  EXPECT_LT(infeasible, scheduled - 20);
}

TEST(CpmProperty, ForwardModeUsesEarliestDates) {
  for (uint32_t seed = 1000; seed < 1100; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    const Plan plan = RandomPlan(seed);
    if (!ValidatePlan(plan).ok()) continue;
    ScheduleRequest forward;
    forward.mode = ScheduleMode::kForward;
    ASSERT_OK_AND_ASSIGN(Timeline f, Schedule(plan, forward));
    ASSERT_OK_AND_ASSIGN(Timeline b, Schedule(plan, ScheduleRequest{}));
    ASSERT_EQ(f.nodes.size(), b.nodes.size());
    for (size_t v = 0; v < f.nodes.size(); ++v) {
      EXPECT_EQ(f.nodes[v].deadline, b.nodes[v].earliest_finish);
      EXPECT_EQ(f.nodes[v].planned_start, b.nodes[v].earliest_start);
      EXPECT_EQ(f.nodes[v].slack_days, b.nodes[v].slack_days);
    }
    EXPECT_EQ(f.final_milestone, b.earliest_finish);
  }
}

}  // namespace
}  // namespace backplan

namespace backplan {
namespace {

TEST(Schedule, RefusesPlansWithDemandsInsteadOfIgnoringThem) {
  Plan plan;
  plan.outcome.title = "done";
  plan.outcome.target_date = absl::CivilDay(2027, 6, 30);
  plan.resources.push_back({"dev", 1, {}, {}});
  Task task;
  task.id = "a";
  task.title = "a";
  task.duration_days = 2;
  plan.tasks.push_back(task);
  ASSERT_OK(Schedule(plan, ScheduleRequest{}).status());
  plan.tasks[0].demands.push_back({"dev", 1});
  EXPECT_THAT(
      Schedule(plan, ScheduleRequest{}),
      testing::StatusIs(absl::StatusCode::kInvalidArgument,
                        ::testing::HasSubstr("tasks[0].demands: task \"a\"")));
}

TEST(Schedule, RefusesAGraphOfAnotherPlan) {
  Plan plan;
  plan.outcome.title = "done";
  plan.outcome.target_date = absl::CivilDay(2027, 6, 30);
  Task task;
  task.id = "a";
  task.title = "a";
  task.duration_days = 2;
  plan.tasks.push_back(task);
  ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
  ASSERT_OK_AND_ASSIGN(WorkingCalendar calendar,
                       WorkingCalendar::Create(plan.calendar));
  plan.tasks[0].duration_days = 3;
  EXPECT_THAT(Schedule(plan, graph, calendar, ScheduleRequest{}),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                ::testing::HasSubstr("graph: node 0")));
}

}  // namespace
}  // namespace backplan

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::AllOf;

// Hostile input D6: dates a timeline cannot carry are refused, naming the
// task, instead of being returned as year -38 or 10038.
TEST(DateRange, BackwardPassBeforeYearOneIsRefused) {
  Plan plan = MakePlan({MakeTask("long", 9000)}, {}, D(2, 1, 1), D(3, 1, 10));
  ScheduleRequest request;
  request.today = D(2, 1, 1);
  EXPECT_THAT(Schedule(plan, request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("task \"long\""),
                             HasSubstr("outside 0001-01-01..9999-12-31"))));
}

TEST(DateRange, ForwardPassPastYear9999IsRefused) {
  Plan plan = MakePlan({MakeTask("a", 5000), MakeTask("b", 5000)}, {{"a", "b"}},
                       D(9980, 1, 1), D(9999, 12, 1));
  ScheduleRequest request;
  request.today = D(9980, 1, 1);
  request.mode = ScheduleMode::kForward;
  EXPECT_THAT(Schedule(plan, request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("outside 0001-01-01..9999-12-31")));
}

TEST(DateRange, DatesNearTheEdgesAreFine) {
  Plan plan = MakePlan({MakeTask("a", 5)}, {}, D(1, 1, 1), D(9999, 12, 31));
  ScheduleRequest request;
  request.today = D(1, 1, 1);
  ASSERT_OK_AND_ASSIGN(Timeline timeline, Schedule(plan, request));
  EXPECT_EQ(Node(timeline, "a").deadline, D(9999, 12, 31));  // A Friday.
}

}  // namespace
}  // namespace backplan

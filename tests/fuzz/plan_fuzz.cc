// Fuzzes plan validation, scheduling and prioritization with plans built from
// arbitrary bytes: nothing may crash, and every accepted plan must come out
// with a timeline that respects its dependencies and an execution order that
// is topological.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "libs/core/plan_graph.h"
#include "libs/prioritize/prioritize.h"
#include "libs/schedule/cpm.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

std::string Id(FuzzedDataProvider& in) {
  return "n" + std::to_string(in.ConsumeIntegralInRange<int>(0, 12));
}

backplan::Plan MakePlan(FuzzedDataProvider& in) {
  backplan::Plan plan;
  plan.outcome.title = in.ConsumeBool() ? "outcome" : "";
  const absl::CivilDay base(2027, 1, 1);
  plan.outcome.target_date = base + in.ConsumeIntegralInRange<int>(-20, 400);
  if (in.ConsumeBool()) {
    plan.outcome.start_date = base + in.ConsumeIntegralInRange<int>(-30, 200);
  }
  const int tasks = in.ConsumeIntegralInRange<int>(0, 10);
  for (int i = 0; i < tasks; ++i) {
    backplan::Task task;
    task.id = Id(in);
    task.duration_days = in.ConsumeIntegralInRange<int>(-1, 30);
    task.attributes.importance = in.ConsumeIntegralInRange<int>(0, 11);
    task.attributes.difficulty = in.ConsumeIntegralInRange<int>(0, 11);
    if (in.ConsumeBool()) {
      task.fixed_deadline = base + in.ConsumeIntegralInRange<int>(0, 300);
    }
    plan.tasks.push_back(task);
  }
  const int goals = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < goals; ++i) {
    backplan::Goal goal;
    goal.id = Id(in);
    for (int k = in.ConsumeIntegralInRange<int>(0, 3); k > 0; --k) {
      (in.ConsumeBool() ? goal.task_ids : goal.sub_goal_ids).push_back(Id(in));
    }
    plan.goals.push_back(goal);
  }
  for (int k = in.ConsumeIntegralInRange<int>(0, 15); k > 0; --k) {
    plan.dependencies.push_back(
        {Id(in), Id(in), in.ConsumeIntegralInRange<int>(-1, 5)});
  }
  for (int k = in.ConsumeIntegralInRange<int>(0, 3); k > 0; --k) {
    plan.calendar.holidays.push_back(base +
                                     in.ConsumeIntegralInRange<int>(0, 300));
  }
  return plan;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const backplan::Plan plan = MakePlan(in);
  absl::StatusOr<backplan::PlanGraph> graph = backplan::BuildPlanGraph(plan);
  if (!graph.ok()) {
    Check(graph.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  backplan::ScheduleRequest request;
  request.today = absl::CivilDay(2027, 1, 4);
  absl::StatusOr<backplan::Timeline> timeline =
      backplan::Schedule(plan, request);
  if (timeline.ok()) {
    // Every edge is respected by the earliest and by the latest dates.
    for (int n = 0; n < static_cast<int>(graph->nodes.size()); ++n) {
      for (const auto& edge : graph->Successors(n)) {
        const auto& a = timeline->nodes[n];
        const auto& b = timeline->nodes[edge.node];
        Check(a.earliest_finish <= b.earliest_finish);
        Check(a.latest_finish <= b.latest_finish);
      }
    }
    Check(timeline->feasible == (timeline->days_short == 0));
  }
  backplan::PrioritizeOptions options;
  absl::StatusOr<backplan::Priorities> priorities =
      backplan::Prioritize(plan, *graph, options);
  if (priorities.ok()) {
    absl::flat_hash_map<std::string, int> position;
    for (size_t i = 0; i < priorities->execution_order.size(); ++i) {
      position[priorities->execution_order[i]] = static_cast<int>(i);
    }
    for (const auto& dep : plan.dependencies) {
      auto a = position.find(dep.predecessor_id);
      auto b = position.find(dep.successor_id);
      if (a != position.end() && b != position.end()) {
        Check(a->second < b->second);
      }
    }
  }
  return 0;
}

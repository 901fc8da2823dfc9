#include "libs/schedule/rcpsp_plan.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/schedule/rcpsp.h"

namespace backplan {
namespace {

// The priority order over graph nodes: listed tasks by their position;
// everything else right after its earliest listed successor (so a goal does
// not hold back the tasks behind it), ties in topological order.
std::vector<int> NodeOrder(const PlanGraph& graph,
                           const std::vector<std::string>& ids) {
  const int n = static_cast<int>(graph.nodes.size());
  constexpr int kUnlisted = std::numeric_limits<int>::max();
  std::vector<int> key(n, kUnlisted);
  int position = 0;
  for (const std::string& id : ids) {
    auto it = graph.index_by_id.find(id);
    if (it != graph.index_by_id.end() && key[it->second] == kUnlisted) {
      key[it->second] = position++;
    }
  }
  for (auto it = graph.topological_order.rbegin();
       it != graph.topological_order.rend(); ++it) {
    if (key[*it] != kUnlisted) continue;
    for (const PlanGraph::Edge& e : graph.Successors(*it)) {
      key[*it] = std::min(key[*it], key[e.node]);
    }
  }
  std::vector<int> topo_rank(n);
  for (int i = 0; i < n; ++i) topo_rank[graph.topological_order[i]] = i;
  std::vector<int> order(graph.topological_order);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return std::make_pair(key[a], topo_rank[a]) <
           std::make_pair(key[b], topo_rank[b]);
  });
  return order;
}

}  // namespace

bool UsesResources(const Plan& plan) {
  for (const Task& task : plan.tasks) {
    if (!task.demands.empty()) return true;
  }
  return false;
}

absl::StatusOr<ResourceTimeline> ScheduleWithResources(
    const Plan& plan, const ScheduleRequest& request,
    const ResourceScheduleOptions& options) {
  ASSIGN_OR_RETURN(PlanGraph graph, BuildPlanGraph(plan));
  ASSIGN_OR_RETURN(WorkingCalendar calendar,
                   WorkingCalendar::Create(plan.calendar));
  return ScheduleWithResources(plan, graph, calendar, request, options);
}

absl::StatusOr<ResourceTimeline> ScheduleWithResources(
    const Plan& plan, const PlanGraph& graph, const WorkingCalendar& calendar,
    const ScheduleRequest& request, const ResourceScheduleOptions& options) {
  if (options.max_schedules < 1) {
    return absl::InvalidArgumentError("max_schedules: must be at least 1");
  }
  if (request.as_of) {
    for (size_t i = 0; i < plan.tasks.size(); ++i) {
      if (plan.tasks[i].progress.status != TaskStatus::kNotStarted) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tasks[", i, "].progress: task \"", plan.tasks[i].id,
            "\": progress with resource-constrained scheduling is not "
            "supported yet"));
      }
    }
  }
  ResourceTimeline out;
  ASSIGN_OR_RETURN(out.timeline, Schedule(plan, graph, calendar, request));
  Timeline& timeline = out.timeline;

  const int n = static_cast<int>(graph.nodes.size());
  const int k = static_cast<int>(plan.resources.size());
  absl::flat_hash_map<std::string, int> pool_index;
  for (int r = 0; r < k; ++r) pool_index[plan.resources[r].name] = r;

  const bool backward = request.mode == ScheduleMode::kBackward;
  const absl::CivilDay start_day =
      plan.outcome.start_date.value_or(request.today);
  int64_t start_t = calendar.IndexOf(start_day);
  if (request.as_of)
    start_t = std::max(start_t, calendar.IndexOf(*request.as_of));
  const int64_t target_t = calendar.IndexOf(plan.outcome.target_date + 1);
  // Period p is working-day index origin + p (forward) or origin - 1 - p
  // (backward, the mirror about the target's end).
  const int64_t origin = backward ? target_t : start_t;
  auto period_of_day = [&](int64_t index) {
    return backward ? origin - 1 - index : index - origin;
  };

  rcpsp::Problem problem;
  problem.capacity.resize(k);
  for (int r = 0; r < k; ++r) {
    const ResourcePool& pool = plan.resources[r];
    problem.capacity[r] = pool.capacity;
    for (const CapacityException& reduced : pool.reduced_days) {
      if (!calendar.IsWorkingDay(reduced.day)) continue;
      const int64_t p = period_of_day(calendar.IndexOf(reduced.day));
      if (p < 0 || p > std::numeric_limits<int>::max() / 4) continue;
      problem.reduced.push_back({r, static_cast<int>(p), reduced.capacity});
    }
  }
  problem.duration.resize(n);
  problem.demand.assign(static_cast<size_t>(n) * k, 0);
  problem.release.assign(n, 0);
  for (int j = 0; j < n; ++j) {
    const PlanGraph::Node& node = graph.nodes[j];
    problem.duration[j] = node.duration_days;
    if (node.kind != PlanGraph::Kind::kTask) continue;
    const Task& task = plan.tasks[node.source_index];
    for (const ResourceDemand& demand : task.demands) {
      auto it = pool_index.find(demand.pool);
      if (it == pool_index.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tasks[", node.source_index, "].demands: task \"", task.id,
            "\": unknown resource pool \"", demand.pool, "\""));
      }
      int& units = problem.demand[static_cast<size_t>(j) * k + it->second];
      units += demand.units;
      if (units > problem.capacity[it->second]) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tasks[", node.source_index, "].demands: task \"", task.id,
            "\" needs ", units, " of pool \"", demand.pool,
            "\", which has a capacity of ", problem.capacity[it->second]));
      }
    }
    if (backward && task.fixed_deadline) {
      const int64_t fixed_t = calendar.IndexOf(*task.fixed_deadline + 1);
      problem.release[j] =
          static_cast<int>(std::clamp<int64_t>(target_t - fixed_t, 0, 1 << 30));
    }
  }
  for (int j = 0; j < n; ++j) {
    for (const PlanGraph::Edge& e : graph.Successors(j)) {
      if (backward) {
        problem.precedences.push_back({e.node, j, e.lag_days});
      } else {
        problem.precedences.push_back({j, e.node, e.lag_days});
      }
    }
  }
  if (absl::Status valid =
          rcpsp::ValidateProblem(problem, options.max_horizon_cells);
      !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plan too large for resource-constrained scheduling: ",
                     valid.message()));
  }

  rcpsp::Options solve;
  solve.max_schedules = options.max_schedules;
  solve.seed = options.seed;
  solve.out_of_time = options.out_of_time;
  solve.threads = options.threads;
  if (!options.priority_order.empty()) {
    solve.caller_order = NodeOrder(graph, options.priority_order);
    // In the mirror the last work is placed first.
    if (backward) {
      std::reverse(solve.caller_order.begin(), solve.caller_order.end());
    }
  }
  ASSIGN_OR_RETURN(rcpsp::Result result, rcpsp::Solve(problem, solve));

  out.makespan_days = result.makespan;
  out.critical_path_bound_days = result.critical_path_bound;
  out.resource_bound_days = result.resource_bound;
  out.lower_bound_days = result.lower_bound;
  out.gap_percent = result.gap_percent;
  out.schedules = result.schedules;
  out.best_rule = rcpsp::RuleName(result.best_rule);

  // Working-day intervals [begin, end) of every node.
  std::vector<int64_t> begin(n), end(n);
  int64_t first = std::numeric_limits<int64_t>::max();
  int64_t last = std::numeric_limits<int64_t>::min();
  int64_t short_by = 0;
  for (int j = 0; j < n; ++j) {
    const int d = problem.duration[j];
    if (backward) {
      end[j] = origin - result.start[j];
      begin[j] = end[j] - d;
    } else {
      begin[j] = origin + result.start[j];
      end[j] = begin[j] + d;
    }
    first = std::min(first, begin[j]);
    last = std::max(last, end[j]);
    const PlanGraph::Node& node = graph.nodes[j];
    if (node.kind == PlanGraph::Kind::kTask) {
      const Task& task = plan.tasks[node.source_index];
      if (task.fixed_deadline) {
        short_by = std::max(
            short_by, end[j] - calendar.IndexOf(*task.fixed_deadline + 1));
      }
    }
    ScheduledNode& sn = timeline.nodes[j];
    if (d == 0) {
      sn.planned_start = sn.deadline = calendar.DayOfIndex(end[j] - 1);
    } else {
      sn.planned_start = calendar.DayOfIndex(begin[j]);
      sn.deadline = calendar.DayOfIndex(end[j] - 1);
    }
  }
  if (n > 0) {
    short_by = std::max({short_by, start_t - first, last - target_t});
  }
  timeline.feasible = short_by <= 0;
  timeline.days_short = std::max<int64_t>(0, short_by);
  timeline.final_milestone = timeline.nodes[graph.outcome_node].deadline;
  if (backward) {
    const absl::CivilDay shifted =
        calendar.DayOfIndex(start_t + std::max(result.makespan, 1) - 1);
    timeline.earliest_finish = std::max(timeline.earliest_finish, shifted);
  } else {
    timeline.earliest_finish = timeline.final_milestone;
  }
  if (!timeline.feasible && timeline.causing_chain.empty()) {
    timeline.causing_chain = timeline.critical_path;
  }

  // Named members: greedily by start (ties by node), each task takes the
  // lowest-numbered members free on its first day. At most `capacity` people
  // work on any day, so enough are always free; a person stays on a task for
  // its whole duration.
  out.assignees.assign(n, {});
  std::vector<int> by_start(n);
  for (int j = 0; j < n; ++j) by_start[j] = j;
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](int a, int b) { return begin[a] < begin[b]; });
  std::vector<std::vector<int64_t>> free_from(k);
  for (int r = 0; r < k; ++r) {
    if (!plan.resources[r].members.empty()) {
      free_from[r].assign(plan.resources[r].members.size(),
                          std::numeric_limits<int64_t>::min());
    }
  }
  for (const int j : by_start) {
    const PlanGraph::Node& node = graph.nodes[j];
    if (node.kind != PlanGraph::Kind::kTask || problem.duration[j] == 0) {
      continue;
    }
    std::vector<bool> done(k, false);
    for (const ResourceDemand& demand : plan.tasks[node.source_index].demands) {
      const int r = pool_index.at(demand.pool);
      if (done[r] || free_from[r].empty()) continue;
      done[r] = true;
      int units = problem.demand[static_cast<size_t>(j) * k + r];
      for (size_t m = 0; m < free_from[r].size() && units > 0; ++m) {
        if (free_from[r][m] > begin[j]) continue;
        free_from[r][m] = end[j];
        out.assignees[j].push_back(plan.resources[r].members[m]);
        --units;
      }
      if (units > 0) {
        return absl::InternalError(
            absl::StrCat("assigning pool \"", demand.pool, "\" to task \"",
                         node.id, "\": not enough free members"));
      }
    }
  }
  return out;
}

}  // namespace backplan

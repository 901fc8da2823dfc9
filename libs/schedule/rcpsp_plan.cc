#include "libs/schedule/rcpsp_plan.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/schedule/member_calendar.h"
#include "libs/schedule/plan_demands.h"
#include "libs/schedule/rcpsp.h"
#include "libs/schedule/rcpsp_engine.h"
#include "libs/schedule/resource_slack.h"

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

using KeptAssignees =
    absl::flat_hash_map<std::string, std::vector<std::string>>;

// Named members: greedily by start (ties by node), each task takes the
// lowest-numbered members free for its whole span. At most `capacity`
// people work on any day, so without pins enough are always free. Tasks in
// progress first get their kept members (`kept`) where those are in one of
// their pools and not kept by two overlapping tasks; if the pins then leave
// a later task short, the assignment is redone without them.
absl::StatusOr<std::vector<std::vector<std::string>>> AssignMembers(
    const Plan& plan, const PlanGraph& graph, const std::vector<int>& duration,
    const std::vector<int>& units, const std::vector<int64_t>& begin,
    const std::vector<int64_t>& end, const KeptAssignees& kept,
    absl::FunctionRef<bool(int)> in_progress) {
  const int n = static_cast<int>(graph.nodes.size());
  const int k = static_cast<int>(plan.resources.size());
  std::vector<int> by_start(n);
  for (int j = 0; j < n; ++j) by_start[j] = j;
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](int a, int b) { return begin[a] < begin[b]; });
  auto is_work = [&](int j) {
    return graph.nodes[j].kind == PlanGraph::Kind::kTask && duration[j] > 0;
  };
  auto demand = [&](int j, int r) {
    return units[static_cast<size_t>(j) * k + r];
  };
  struct Pin {
    int job;
    int64_t begin, end;
  };
  for (const bool with_pins : {true, false}) {
    std::vector<std::vector<std::string>> out(n);
    std::vector<std::vector<int64_t>> free_from(k);
    std::vector<std::vector<std::vector<Pin>>> pins(k);
    for (int r = 0; r < k; ++r) {
      free_from[r].assign(plan.resources[r].members.size(),
                          std::numeric_limits<int64_t>::min());
      pins[r].resize(plan.resources[r].members.size());
    }
    auto pinned_elsewhere = [&](int r, int m, int j) {
      for (const Pin& pin : pins[r][m]) {
        if (pin.job != j && pin.begin < end[j] && begin[j] < pin.end) {
          return true;
        }
      }
      return false;
    };
    // (pool, member) pairs pinned to each job.
    std::vector<std::vector<std::pair<int, int>>> pinned(n);
    for (int j = 0; with_pins && j < n; ++j) {
      if (!is_work(j) || !in_progress(j)) continue;
      auto it = kept.find(graph.nodes[j].id);
      if (it == kept.end()) continue;
      for (const std::string& name : it->second) {
        for (int r = 0; r < k; ++r) {
          int used = 0;
          for (const auto& [pr, pm] : pinned[j]) used += pr == r;
          if (used >= demand(j, r)) continue;
          const std::vector<std::string>& members = plan.resources[r].members;
          const int m =
              static_cast<int>(std::find(members.begin(), members.end(), name) -
                               members.begin());
          if (m == static_cast<int>(members.size())) continue;
          if (pinned_elsewhere(r, m, j)) continue;
          pins[r][m].push_back({j, begin[j], end[j]});
          pinned[j].push_back({r, m});
          break;
        }
      }
    }
    bool short_of_people = false;
    for (const int j : by_start) {
      if (!is_work(j)) continue;
      for (int r = 0; r < k && !short_of_people; ++r) {
        int need = demand(j, r);
        if (need == 0 || free_from[r].empty()) continue;
        for (const auto& [pr, pm] : pinned[j]) {
          if (pr != r) continue;
          free_from[r][pm] = std::max(free_from[r][pm], end[j]);
          out[j].push_back(plan.resources[r].members[pm]);
          --need;
        }
        for (size_t m = 0; m < free_from[r].size() && need > 0; ++m) {
          if (free_from[r][m] > begin[j] ||
              pinned_elsewhere(r, static_cast<int>(m), j)) {
            continue;
          }
          free_from[r][m] = end[j];
          out[j].push_back(plan.resources[r].members[m]);
          --need;
        }
        if (need > 0) short_of_people = true;
      }
      if (short_of_people) break;
    }
    if (!short_of_people) return out;
  }
  return absl::InternalError("assigning members: not enough free members");
}

// The ResourceWait of node j from its rcpsp::Wait (periods in the frame of
// ScheduleWithResources: working-day index origin + p forward, origin - 1 -
// p backward).
ResourceWait WaitOf(const Plan& plan, const PlanGraph& graph,
                    const WorkingCalendar& calendar, bool backward,
                    int64_t origin, int j, int start, const rcpsp::Wait& wait,
                    const std::vector<std::vector<std::string>>& assignees) {
  ResourceWait out;
  switch (wait.kind) {
    case rcpsp::Wait::Kind::kNone:
      return out;
    case rcpsp::Wait::Kind::kPrecedence:
      out.kind = ResourceWait::Kind::kDependency;
      out.task = graph.nodes[wait.job].id;
      out.text = backward ? absl::StrCat("must be done before ", out.task)
                          : absl::StrCat("waits for ", out.task);
      return out;
    case rcpsp::Wait::Kind::kResource: {
      out.kind = ResourceWait::Kind::kPool;
      out.task = graph.nodes[wait.job].id;
      const ResourcePool& pool = plan.resources[wait.resource];
      out.pool = pool.name;
      for (const std::string& name : assignees[j]) {
        if (std::find(pool.members.begin(), pool.members.end(), name) !=
                pool.members.end() &&
            std::find(assignees[wait.job].begin(), assignees[wait.job].end(),
                      name) != assignees[wait.job].end()) {
          out.member = name;
          break;
        }
      }
      const std::string by =
          out.member.empty() ? "" : absl::StrCat(" (", out.member, ")");
      out.text = backward ? absl::StrCat("pool ", out.pool, " is needed for ",
                                         out.task, " next", by)
                          : absl::StrCat("waits for pool ", out.pool, " after ",
                                         out.task, by);
      return out;
    }
    case rcpsp::Wait::Kind::kReduced: {
      out.kind = ResourceWait::Kind::kShortDay;
      out.pool = plan.resources[wait.resource].name;
      const int64_t p = start - 1;
      out.day = calendar.DayOfIndex(backward ? origin - 1 - p : origin + p);
      out.text =
          absl::StrCat(backward ? "" : "waits for ", "pool ", out.pool,
                       backward ? " is short-handed on " : ", short-handed on ",
                       absl::FormatCivilTime(out.day));
      return out;
    }
  }
  return out;
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
  // Progress (as_of only; cpm.h has set each node's status and the days it
  // still needs): done tasks become free-standing points that use nobody.
  auto done = [&](int j) {
    return timeline.nodes[j].status == TaskStatus::kDone;
  };
  auto started = [&](int j) {
    return timeline.nodes[j].status != TaskStatus::kNotStarted;
  };
  for (int j = 0; j < n; ++j) {
    const PlanGraph::Node& node = graph.nodes[j];
    problem.duration[j] = done(j) ? 0 : timeline.nodes[j].duration_days;
    if (node.kind != PlanGraph::Kind::kTask || done(j)) continue;
    const Task& task = plan.tasks[node.source_index];
    RETURN_IF_ERROR(internal::AddTaskDemands(
        task, node.source_index, pool_index, problem.capacity,
        internal::UnknownPool::kRefuse,
        absl::MakeSpan(problem.demand).subspan(static_cast<size_t>(j) * k, k)));
    if (backward && task.fixed_deadline) {
      const int64_t fixed_t = calendar.IndexOf(*task.fixed_deadline + 1);
      problem.release[j] =
          static_cast<int>(std::clamp<int64_t>(target_t - fixed_t, 0, 1 << 30));
    }
  }
  // Going forward, work in progress goes on from as_of without a break:
  // its people are set aside on its remaining days (as fewer people in the
  // pool) and the job itself needs nobody, so it stays at as_of.
  const std::vector<int> units = problem.demand;
  const size_t pool_reduced = problem.reduced.size();
  if (!backward) {
    absl::flat_hash_map<std::pair<int, int>, int> lowest;  // (pool, period).
    for (const rcpsp::ReducedCapacity& r : problem.reduced) {
      auto [it, inserted] =
          lowest.try_emplace({r.resource, r.period}, r.capacity);
      if (!inserted) it->second = std::min(it->second, r.capacity);
    }
    absl::flat_hash_map<std::pair<int, int>, int> reserved;
    for (int j = 0; j < n; ++j) {
      if (!started(j) || done(j)) continue;
      for (int r = 0; r < k; ++r) {
        int& demand = problem.demand[static_cast<size_t>(j) * k + r];
        for (int p = 0; p < problem.duration[j] && demand > 0; ++p) {
          reserved[{r, p}] += demand;
        }
        demand = 0;
      }
    }
    for (const auto& [key, people] : reserved) {
      auto it = lowest.find(key);
      const int base = it == lowest.end()
                           ? problem.capacity[key.first]
                           : std::min(it->second, problem.capacity[key.first]);
      problem.reduced.push_back(
          {key.first, key.second, std::max(0, base - people)});
    }
  }
  for (int j = 0; j < n; ++j) {
    for (const PlanGraph::Edge& e : graph.Successors(j)) {
      // A started task no longer waits for its predecessors (cpm.h).
      if (started(e.node)) continue;
      if (done(j)) {
        // Its successors wait for the actual finish: a release going
        // forward, a check on the result backward (see below).
        const int64_t ready = calendar.IndexOf(timeline.nodes[j].deadline) + 1 +
                              e.lag_days - origin;
        if (!backward && ready > problem.release[e.node]) {
          problem.release[e.node] =
              static_cast<int>(std::min<int64_t>(ready, 1 << 30));
        }
        continue;
      }
      if (backward) {
        problem.precedences.push_back({e.node, j, e.lag_days});
      } else {
        problem.precedences.push_back({j, e.node, e.lag_days});
      }
    }
  }
  // Calendars per person (member_calendar.h): the search sees the members
  // available each day; `staff` is the problem without work in progress set
  // aside, in which the members are then placed.
  const bool calendars = internal::UsesMemberCalendars(plan);
  auto day_of_period = [&](int64_t p) {
    return calendar.DayOfIndex(backward ? origin - 1 - p : origin + p);
  };
  rcpsp::Problem staff;
  if (calendars) {
    staff = problem;
    staff.demand = units;
    staff.reduced.resize(pool_reduced);
    const int64_t horizon = rcpsp::internal::HorizonOf(problem);
    if (2 * horizon * std::max(k, 1) <= options.max_horizon_cells) {
      internal::AddMemberCapacity(plan, day_of_period, horizon, &problem);
      internal::AddMemberCapacity(plan, day_of_period, horizon, &staff);
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
  internal::Staffing staffing;
  if (calendars) {
    ASSIGN_OR_RETURN(staffing,
                     internal::StaffWithCalendars(
                         plan, graph, staff, units, result.start, day_of_period,
                         [&](int j) { return started(j) && !done(j); },
                         options.kept_assignees));
    result.start = staffing.start;
    result.makespan = 0;
    for (int j = 0; j < n; ++j) {
      result.makespan =
          std::max(result.makespan, result.start[j] + problem.duration[j]);
    }
    result.gap_percent = result.lower_bound == 0
                             ? 0.0
                             : 100.0 * (result.makespan - result.lower_bound) /
                                   result.lower_bound;
  }

  out.makespan_days = result.makespan;
  out.critical_path_bound_days = result.critical_path_bound;
  out.resource_bound_days = result.resource_bound;
  out.energy_bound_days = result.energy_bound;
  out.conflict_bound_days = result.conflict_bound;
  for (const auto& [name, days] :
       {std::pair<const char*, int>{"critical path",
                                    result.critical_path_bound},
        {"resource", result.resource_bound},
        {"energy", result.energy_bound},
        {"conflict", result.conflict_bound}}) {
    if (days == result.lower_bound) {
      out.lower_bound_name = name;
      break;
    }
  }
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
    if (done(j)) {  // Stays at its actual dates (cpm.h).
      begin[j] = calendar.IndexOf(timeline.nodes[j].planned_start);
      end[j] = calendar.IndexOf(timeline.nodes[j].deadline) + 1;
      continue;
    }
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
  for (int j = 0; backward && j < n; ++j) {
    if (!done(j)) continue;
    for (const PlanGraph::Edge& e : graph.Successors(j)) {
      if (!started(e.node)) {
        short_by = std::max(short_by, end[j] + e.lag_days - begin[e.node]);
      }
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

  if (calendars) {
    out.assignees = std::move(staffing.assignees);
  } else {
    ASSIGN_OR_RETURN(out.assignees,
                     AssignMembers(plan, graph, problem.duration, units, begin,
                                   end, options.kept_assignees, [&](int j) {
                                     return started(j) && !done(j);
                                   }));
  }
  ASSIGN_OR_RETURN(
      rcpsp::ResourceSlack slack,
      rcpsp::ComputeResourceSlack(calendars ? staff : problem, result.start));
  out.resource_slack_days.assign(n, 0);
  out.resource_critical.assign(n, false);
  out.waits.assign(n, {});
  for (int j = 0; j < n; ++j) {
    if (done(j)) continue;
    out.resource_slack_days[j] = slack.slack[j];
    out.resource_critical[j] = slack.critical[j];
    out.waits[j] = WaitOf(plan, graph, calendar, backward, origin, j,
                          result.start[j], slack.wait[j], out.assignees);
  }
  return out;
}

}  // namespace backplan

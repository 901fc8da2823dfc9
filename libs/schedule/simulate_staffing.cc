#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/schedule/member_calendar.h"
#include "libs/schedule/plan_demands.h"
#include "libs/schedule/rcpsp.h"
#include "libs/schedule/rcpsp_engine.h"
#include "libs/schedule/simulate_internal.h"

namespace backplan::simulate_internal {
namespace {

constexpr int64_t kMaxHorizonCells = 4 << 20;  // As rcpsp_plan.h.
// Bytes of the per-member availability table (member_calendar.h).
constexpr int64_t kMaxMemberDayCells = 16 << 20;

// A precedence-feasible list: at each step the ready position with the
// smallest key (then the smallest position).
std::vector<int> ListByKey(const Model& m, const std::vector<int64_t>& key) {
  std::vector<int> missing(m.n);
  std::vector<std::vector<int>> succ(m.n);
  for (int i = 0; i < m.n; ++i) {
    missing[i] = m.pred_off[i + 1] - m.pred_off[i];
    for (int e = m.pred_off[i]; e < m.pred_off[i + 1]; ++e) {
      succ[m.pred_pos[e]].push_back(i);
    }
  }
  using Entry = std::pair<int64_t, int>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> ready;
  for (int i = 0; i < m.n; ++i) {
    if (missing[i] == 0) ready.push({key[i], i});
  }
  std::vector<int> list;
  list.reserve(m.n);
  while (!ready.empty()) {
    const int i = ready.top().second;
    ready.pop();
    list.push_back(i);
    for (int s : succ[i]) {
      if (--missing[s] == 0) ready.push({key[s], s});
    }
  }
  return list;
}

}  // namespace

absl::Status BuildProblem(const Plan& plan, const PlanGraph& graph,
                          const WorkingCalendar& calendar,
                          const std::vector<int>& topo, int64_t start_t,
                          const ScheduleRequest& request, Model& m) {
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    if (request.as_of &&
        plan.tasks[i].progress.status != TaskStatus::kNotStarted) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tasks[", i, "].progress: task \"", plan.tasks[i].id,
          "\": progress with resource-constrained simulation is not "
          "supported yet"));
    }
  }
  const int k = static_cast<int>(plan.resources.size());
  absl::flat_hash_map<std::string, int> pool_index;
  rcpsp::Problem& problem = m.problem;
  problem.capacity.resize(k);
  int64_t last_reduced = 0;
  for (int r = 0; r < k; ++r) {
    const ResourcePool& pool = plan.resources[r];
    pool_index[pool.name] = r;
    problem.capacity[r] = pool.capacity;
    for (const CapacityException& reduced : pool.reduced_days) {
      if (!calendar.IsWorkingDay(reduced.day)) continue;
      const int64_t p = calendar.IndexOf(reduced.day) - start_t;
      if (p < 0 || p > std::numeric_limits<int>::max() / 4) continue;
      problem.reduced.push_back({r, static_cast<int>(p), reduced.capacity});
      last_reduced = std::max<int64_t>(last_reduced, p + 1);
    }
  }
  m.horizon += last_reduced;  // A pass may wait out every reduced day.
  problem.duration.assign(m.n, 0);
  problem.demand.assign(static_cast<size_t>(m.n) * k, 0);
  for (int i = 0; i < m.n; ++i) {
    const PlanGraph::Node& node = graph.nodes[topo[i]];
    if (node.kind != PlanGraph::Kind::kTask) continue;
    RETURN_IF_ERROR(internal::AddTaskDemands(
        plan.tasks[node.source_index], node.source_index, pool_index,
        problem.capacity, internal::UnknownPool::kSkip,
        absl::MakeSpan(problem.demand).subspan(static_cast<size_t>(i) * k, k)));
  }
  for (int i = 0; i < m.n; ++i) {
    for (int e = m.pred_off[i]; e < m.pred_off[i + 1]; ++e) {
      problem.precedences.push_back({m.pred_pos[e], i, m.pred_lag[e]});
    }
  }
  for (int i = 0; i < m.n; ++i) {
    problem.duration[i] = std::max(m.base_dur[i], 0);
  }
  m.calendars = internal::UsesMemberCalendars(plan);
  if (m.calendars) {
    // As ScheduleWithResources: the people each pool has per day, over the
    // horizon of the longest possible run.
    rcpsp::Problem longest = problem;
    for (const Model::Draw& d : m.draws) {
      longest.duration[d.pos] = d.lo + d.width - 1;
    }
    const int64_t horizon = rcpsp::internal::HorizonOf(longest);
    auto day_of_period = [&](int64_t p) {
      return calendar.DayOfIndex(start_t + p);
    };
    if (2 * horizon * std::max(k, 1) <= kMaxHorizonCells) {
      internal::AddMemberCapacity(plan, day_of_period, horizon, &problem);
    }
    int64_t members = 0;
    for (const ResourcePool& pool : plan.resources) {
      members += static_cast<int64_t>(pool.members.size());
    }
    if (members * horizon <= kMaxMemberDayCells) {
      m.member_days =
          std::make_unique<internal::MemberDays>(plan, day_of_period, horizon);
    }
  }
  if (absl::Status valid = rcpsp::ValidateProblem(problem, kMaxHorizonCells);
      !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plan too large for resource-constrained simulation: ",
                     valid.message()));
  }
  if (m.calendars) {
    rcpsp::Problem& staff = m.staff;
    staff.capacity = problem.capacity;
    staff.reduced = problem.reduced;
    staff.duration.assign(m.n, 0);
    staff.demand.assign(problem.demand.size(), 0);
    for (int i = 0; i < m.n; ++i) {
      std::copy_n(problem.demand.begin() + static_cast<size_t>(i) * k, k,
                  staff.demand.begin() + static_cast<size_t>(topo[i]) * k);
    }
    for (const rcpsp::Precedence& pr : problem.precedences) {
      staff.precedences.push_back({topo[pr.from], topo[pr.to], pr.lag});
    }
    m.plan = &plan;
    m.graph = &graph;
    m.calendar = &calendar;
    m.start_t = start_t;
    m.topo = &topo;
  }
  return absl::OkStatus();
}

std::vector<int> ActivityList(const Model& m, const PlanGraph& graph,
                              const WorkingCalendar& calendar,
                              const Timeline& base,
                              const std::vector<int>& pos_of_node,
                              const std::vector<std::string>& priority_order) {
  const std::vector<int>& topo = graph.topological_order;
  std::vector<int64_t> key(m.n);
  if (priority_order.empty()) {
    for (int i = 0; i < m.n; ++i) {
      key[i] = calendar.IndexOf(base.nodes[topo[i]].latest_finish + 1);
    }
  } else {
    constexpr int64_t kUnlisted = std::numeric_limits<int64_t>::max();
    std::fill(key.begin(), key.end(), kUnlisted);
    int64_t position = 0;
    for (const std::string& id : priority_order) {
      auto it = graph.index_by_id.find(id);
      if (it != graph.index_by_id.end() &&
          key[pos_of_node[it->second]] == kUnlisted) {
        key[pos_of_node[it->second]] = position++;
      }
    }
    std::vector<std::vector<int>> succ(m.n);
    for (int i = 0; i < m.n; ++i) {
      for (int e = m.pred_off[i]; e < m.pred_off[i + 1]; ++e) {
        succ[m.pred_pos[e]].push_back(i);
      }
    }
    for (int i = m.n - 1; i >= 0; --i) {
      if (key[i] != kUnlisted) continue;
      for (int s : succ[i]) key[i] = std::min(key[i], key[s]);
    }
  }
  return ListByKey(m, key);
}

absl::Status StaffRun(const Model& m, const std::vector<int>& duration,
                      rcpsp::Problem& staff, std::vector<int>& node_start,
                      std::vector<int>& start) {
  const std::vector<int>& topo = *m.topo;
  for (int i = 0; i < m.n; ++i) {
    staff.duration[topo[i]] = duration[i];
    node_start[topo[i]] = start[i];
  }
  ASSIGN_OR_RETURN(
      internal::Staffing staffing,
      internal::StaffWithCalendars(
          *m.plan, *m.graph, staff, staff.demand, node_start,
          [&](int64_t p) { return m.calendar->DayOfIndex(m.start_t + p); },
          [](int) { return false; }, m.no_kept, m.member_days.get()));
  for (int i = 0; i < m.n; ++i) start[i] = staffing.start[topo[i]];
  return absl::OkStatus();
}

}  // namespace backplan::simulate_internal

#include "libs/core/plan_graph.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/short_text.h"
#include "libs/common/status_macros.h"
#include "libs/core/attributes.h"

namespace backplan {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

absl::Status CheckId(absl::string_view field, absl::string_view id,
                     const PlanLimits& limits) {
  if (id.empty()) return Invalid(field, "id is empty");
  if (static_cast<int>(id.size()) > limits.max_id_length) {
    return Invalid(
        field, absl::StrCat("id \"", ShortText(id, 32), "\" is longer than ",
                            limits.max_id_length, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       const PlanLimits& limits) {
  if (static_cast<int>(text.size()) > limits.max_text_length) {
    return Invalid(field, absl::StrCat("text is longer than ",
                                       limits.max_text_length, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status CheckAttributes(absl::string_view field, const Task& task) {
  std::optional<AttributeProblem> problem =
      FindAttributeProblem(task.attributes);
  if (!problem) return absl::OkStatus();
  return Invalid(absl::StrCat(field, ".attributes.", problem->attribute),
                 absl::StrCat("task \"", task.id, "\": ", problem->problem));
}

// A cheap filter for the common case: true only when CheckTask would surely
// pass, so messages (and their strings) are built only for suspect tasks.
bool TaskIsPlainlyValid(const Task& task, const PlanLimits& limits) {
  const TaskAttributes& a = task.attributes;
  return !task.id.empty() &&
         static_cast<int>(task.id.size()) <= limits.max_id_length &&
         static_cast<int>(task.title.size()) <= limits.max_text_length &&
         task.duration_days >= 0 &&
         task.duration_days <= limits.max_duration_days &&
         !task.optimistic_days && !task.pessimistic_days &&
         IsValidAttributeValue(a.importance) &&
         IsValidAttributeValue(a.difficulty) &&
         IsValidAttributeValue(a.business_value) &&
         IsValidAttributeValue(a.time_criticality) &&
         IsValidAttributeValue(a.risk_reduction) && !a.rice_reach &&
         !a.rice_impact && !a.rice_confidence && !a.rice_effort &&
         task.demands.empty() &&
         task.progress.status == TaskStatus::kNotStarted &&
         !task.progress.actual_start && !task.progress.actual_finish;
}

absl::Status CheckTask(int index, const Task& task,
                       const absl::flat_hash_map<std::string, int>& pools,
                       const Plan& plan, const PlanLimits& limits) {
  const std::string field = absl::StrCat("tasks[", index, "]");
  RETURN_IF_ERROR(CheckId(absl::StrCat(field, ".id"), task.id, limits));
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".title"), task.title, limits));
  auto bad = [&](absl::string_view name, absl::string_view what) {
    return Invalid(absl::StrCat(field, ".", name),
                   absl::StrCat("task \"", task.id, "\": ", what));
  };
  if (task.duration_days < 0 || task.duration_days > limits.max_duration_days) {
    return bad(
        "duration_days",
        absl::StrCat("duration ", task.duration_days, " is out of range 0-",
                     limits.max_duration_days, " working days"));
  }
  if (task.optimistic_days && (*task.optimistic_days < 0 ||
                               *task.optimistic_days > task.duration_days)) {
    return bad("optimistic_days",
               absl::StrCat("optimistic ", *task.optimistic_days,
                            " must be within 0 and the duration ",
                            task.duration_days));
  }
  if (task.pessimistic_days &&
      (*task.pessimistic_days < task.duration_days ||
       *task.pessimistic_days > limits.max_duration_days)) {
    return bad("pessimistic_days",
               absl::StrCat("pessimistic ", *task.pessimistic_days,
                            " must be within the duration ", task.duration_days,
                            " and ", limits.max_duration_days));
  }
  RETURN_IF_ERROR(CheckAttributes(field, task));
  for (size_t d = 0; d < task.demands.size(); ++d) {
    const ResourceDemand& demand = task.demands[d];
    const std::string name = absl::StrCat("demands[", d, "]");
    auto pool = pools.find(demand.pool);
    if (pool == pools.end()) {
      return bad(name,
                 absl::StrCat("unknown resource pool \"", demand.pool, "\""));
    }
    const int capacity = plan.resources[pool->second].capacity;
    if (demand.units < 1 || demand.units > capacity) {
      return bad(name, absl::StrCat("demand of ", demand.units, " on pool \"",
                                    demand.pool, "\" is outside 1-", capacity,
                                    " (the pool's capacity)"));
    }
    if (!demand.member.empty()) {
      const std::vector<std::string>& members =
          plan.resources[pool->second].members;
      if (std::find(members.begin(), members.end(), demand.member) ==
          members.end()) {
        return bad(absl::StrCat(name, ".member"),
                   absl::StrCat("member \"", demand.member,
                                "\" is not in pool \"", demand.pool, "\""));
      }
      if (demand.units != 1) {
        return bad(absl::StrCat(name, ".units"),
                   absl::StrCat("member \"", demand.member, "\" is one person;",
                                " units must be 1, not ", demand.units));
      }
      for (size_t e = 0; e < d; ++e) {
        if (task.demands[e].member == demand.member &&
            task.demands[e].pool == demand.pool) {
          return bad(
              absl::StrCat(name, ".member"),
              absl::StrCat("member \"", demand.member, "\" is named twice"));
        }
      }
    }
  }
  const TaskProgress& progress = task.progress;
  if (progress.status == TaskStatus::kInProgress &&
      (progress.remaining_days < 0 ||
       progress.remaining_days > limits.max_duration_days)) {
    return bad("progress.remaining_days",
               absl::StrCat("remaining ", progress.remaining_days,
                            " is out of range 0-", limits.max_duration_days));
  }
  if (progress.status == TaskStatus::kDone && !progress.actual_finish) {
    return bad("progress.actual_finish", "a done task needs its finish date");
  }
  if (progress.actual_start && progress.actual_finish &&
      *progress.actual_finish < *progress.actual_start) {
    return bad("progress.actual_finish", "finishes before it starts");
  }
  return absl::OkStatus();
}

// At most one calendar per member, each of a member of the pool, with no
// weekday or day off twice.
absl::Status CheckMemberCalendars(const ResourcePool& pool,
                                  const std::string& pool_field) {
  absl::flat_hash_set<std::string> seen;
  for (size_t c = 0; c < pool.member_calendars.size(); ++c) {
    const MemberCalendar& calendar = pool.member_calendars[c];
    const std::string field =
        absl::StrCat(pool_field, ".member_calendars[", c, "]");
    if (std::find(pool.members.begin(), pool.members.end(), calendar.member) ==
        pool.members.end()) {
      return Invalid(absl::StrCat(field, ".member"),
                     absl::StrCat("member \"", calendar.member,
                                  "\" is not in pool \"", pool.name, "\""));
    }
    if (!seen.insert(calendar.member).second) {
      return Invalid(
          absl::StrCat(field, ".member"),
          absl::StrCat("member \"", calendar.member, "\" has two calendars"));
    }
    for (size_t w = 0; w < calendar.working_weekdays.size(); ++w) {
      for (size_t v = 0; v < w; ++v) {
        if (calendar.working_weekdays[v] == calendar.working_weekdays[w]) {
          return Invalid(absl::StrCat(field, ".working_weekdays[", w, "]"),
                         absl::StrCat("member \"", calendar.member,
                                      "\": weekday listed twice"));
        }
      }
    }
    absl::flat_hash_set<absl::CivilDay> days;
    for (size_t d = 0; d < calendar.days_off.size(); ++d) {
      if (!days.insert(calendar.days_off[d]).second) {
        return Invalid(
            absl::StrCat(field, ".days_off[", d, "]"),
            absl::StrCat("member \"", calendar.member, "\": day off ",
                         absl::FormatCivilTime(calendar.days_off[d]),
                         " listed twice"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckResources(const Plan& plan,
                            absl::flat_hash_map<std::string, int>* pools,
                            const PlanLimits& limits) {
  for (size_t i = 0; i < plan.resources.size(); ++i) {
    const ResourcePool& pool = plan.resources[i];
    const std::string field = absl::StrCat("resources[", i, "]");
    RETURN_IF_ERROR(CheckId(absl::StrCat(field, ".name"), pool.name, limits));
    if (!pools->emplace(pool.name, static_cast<int>(i)).second) {
      return Invalid(absl::StrCat(field, ".name"),
                     absl::StrCat("duplicate pool \"", pool.name, "\""));
    }
    if (pool.capacity < 1 || pool.capacity > 100000) {
      return Invalid(absl::StrCat(field, ".capacity"),
                     absl::StrCat("pool \"", pool.name, "\": capacity ",
                                  pool.capacity, " is out of range 1-100000"));
    }
    if (!pool.members.empty() &&
        static_cast<int>(pool.members.size()) != pool.capacity) {
      return Invalid(
          absl::StrCat(field, ".members"),
          absl::StrCat("pool \"", pool.name, "\": ", pool.members.size(),
                       " members for a capacity of ", pool.capacity));
    }
    for (size_t r = 0; r < pool.reduced_days.size(); ++r) {
      const int c = pool.reduced_days[r].capacity;
      if (c < 0 || c >= pool.capacity) {
        return Invalid(
            absl::StrCat(field, ".reduced_days[", r, "].capacity"),
            absl::StrCat("pool \"", pool.name, "\": reduced ", "capacity ", c,
                         " must be within 0 and ", pool.capacity - 1));
      }
    }
    RETURN_IF_ERROR(CheckMemberCalendars(pool, field));
  }
  return absl::OkStatus();
}

// Finds a cycle among the nodes Kahn's algorithm could not order and names
// it `a -> b -> a`; a long cycle by its first ids and how many more.
std::string DescribeCycle(const PlanGraph& graph,
                          const std::vector<int>& indegree) {
  // Every node left has a predecessor that is also left: walk predecessors
  // until a node repeats.
  int start = -1;
  for (size_t n = 0; n < indegree.size(); ++n) {
    if (indegree[n] > 0) {
      start = static_cast<int>(n);
      break;
    }
  }
  std::vector<int> seen_at(graph.nodes.size(), -1);
  std::vector<int> walk;
  int node = start;
  while (seen_at[node] < 0) {
    seen_at[node] = static_cast<int>(walk.size());
    walk.push_back(node);
    for (const PlanGraph::Edge& e : graph.Predecessors(node)) {
      if (indegree[e.node] > 0) {
        node = e.node;
        break;
      }
    }
  }
  // walk[seen_at[node]..] follows predecessors; reverse it into dependency
  // order and close the loop.
  std::vector<int> cycle(walk.rbegin(), walk.rend() - seen_at[node]);
  // Start at the node listed first in the plan, so the message is stable.
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()),
              cycle.end());
  std::vector<std::string> ids;
  ids.reserve(cycle.size());
  for (int n : cycle) ids.push_back(graph.nodes[n].id);
  // A long cycle: its first ids, how many more, and the closing id.
  constexpr size_t kIdsShown = 8;
  std::string closing = absl::StrCat(" -> ", ShortText(ids.front()));
  if (ids.size() <= kIdsShown)
    return ShortList(ids, kIdsShown, " -> ") + closing;
  const size_t more = ids.size() - kIdsShown;
  ids.resize(kIdsShown);
  return absl::StrCat(ShortList(ids, kIdsShown, " -> "), " -> ... (", more,
                      " more)", closing);
}

// Counting sort by source node; keeps the input order within a node.
void BuildCsr(int num_nodes,
              const std::vector<std::pair<int, PlanGraph::Edge>>& edges,
              std::vector<int>* offsets, std::vector<PlanGraph::Edge>* out) {
  offsets->assign(num_nodes + 1, 0);
  for (const auto& entry : edges) (*offsets)[entry.first + 1]++;
  for (int n = 0; n < num_nodes; ++n) (*offsets)[n + 1] += (*offsets)[n];
  out->resize(edges.size());
  std::vector<int> next(offsets->begin(), offsets->end() - 1);
  for (const auto& [from, edge] : edges) (*out)[next[from]++] = edge;
}

}  // namespace

absl::StatusOr<PlanGraph> BuildPlanGraph(const Plan& plan,
                                         const PlanLimits& limits) {
  if (plan.outcome.title.empty()) {
    return Invalid("outcome.title", "the outcome needs a title");
  }
  RETURN_IF_ERROR(CheckText("outcome.title", plan.outcome.title, limits));
  for (size_t i = 0; i < plan.outcome.success_criteria.size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat("outcome.success_criteria[", i, "]"),
                              plan.outcome.success_criteria[i], limits));
  }
  for (size_t i = 0; i < plan.outcome.facts.size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat("outcome.facts[", i, "]"),
                              plan.outcome.facts[i], limits));
  }
  if (plan.outcome.start_date &&
      *plan.outcome.start_date > plan.outcome.target_date) {
    return Invalid("outcome.start_date", "the start date is after the target");
  }
  const int num_nodes_in_plan =
      static_cast<int>(plan.tasks.size() + plan.goals.size());
  if (num_nodes_in_plan > limits.max_nodes) {
    return Invalid(
        "tasks",
        absl::StrCat(num_nodes_in_plan, " tasks and goals exceed the limit of ",
                     limits.max_nodes));
  }
  if (static_cast<int>(plan.dependencies.size()) > limits.max_dependencies) {
    return Invalid("dependencies",
                   absl::StrCat(plan.dependencies.size(),
                                " dependencies exceed the limit of ",
                                limits.max_dependencies));
  }
  absl::flat_hash_map<std::string, int> pools;
  RETURN_IF_ERROR(CheckResources(plan, &pools, limits));

  PlanGraph graph;
  graph.task_nodes = static_cast<int>(plan.tasks.size());
  graph.nodes.reserve(num_nodes_in_plan + 1);
  graph.index_by_id.reserve(num_nodes_in_plan + 1);
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const Task& task = plan.tasks[i];
    if (!TaskIsPlainlyValid(task, limits)) {
      RETURN_IF_ERROR(
          CheckTask(static_cast<int>(i), task, pools, plan, limits));
    }
    if (!graph.index_by_id.emplace(task.id, graph.nodes.size()).second) {
      return Invalid(absl::StrCat("tasks[", i, "].id"),
                     absl::StrCat("duplicate id \"", task.id, "\""));
    }
    graph.nodes.push_back({task.id, PlanGraph::Kind::kTask, task.duration_days,
                           static_cast<int>(i)});
  }
  for (size_t i = 0; i < plan.goals.size(); ++i) {
    const Goal& goal = plan.goals[i];
    const std::string field = absl::StrCat("goals[", i, "]");
    RETURN_IF_ERROR(CheckId(absl::StrCat(field, ".id"), goal.id, limits));
    RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".title"), goal.title, limits));
    if (!graph.index_by_id.emplace(goal.id, graph.nodes.size()).second) {
      return Invalid(absl::StrCat(field, ".id"),
                     absl::StrCat("duplicate id \"", goal.id, "\""));
    }
    graph.nodes.push_back(
        {goal.id, PlanGraph::Kind::kGoal, 0, static_cast<int>(i)});
  }
  if (plan.outcome_goal_id.empty()) {
    if (!graph.index_by_id
             .emplace(std::string(kOutcomeNodeId), graph.nodes.size())
             .second) {
      return Invalid(
          "outcome_goal_id",
          absl::StrCat("no outcome goal named, and the id \"", kOutcomeNodeId,
                       "\" of the synthetic outcome is taken"));
    }
    graph.outcome_node = static_cast<int>(graph.nodes.size());
    graph.nodes.push_back(
        {std::string(kOutcomeNodeId), PlanGraph::Kind::kOutcome, 0, -1});
  } else {
    auto it = graph.index_by_id.find(plan.outcome_goal_id);
    if (it == graph.index_by_id.end() ||
        graph.nodes[it->second].kind != PlanGraph::Kind::kGoal) {
      return Invalid(
          "outcome_goal_id",
          absl::StrCat("unknown goal \"", plan.outcome_goal_id, "\""));
    }
    graph.outcome_node = it->second;
    const int outcome_goal = graph.nodes[it->second].source_index;
    if (plan.goals[outcome_goal].optional) {
      return Invalid(absl::StrCat("goals[", outcome_goal, "].optional"),
                     absl::StrCat("the outcome goal \"", plan.outcome_goal_id,
                                  "\" cannot be optional"));
    }
  }
  const int num_nodes = static_cast<int>(graph.nodes.size());

  // Edges (from, to, lag); duplicates are merged after sorting.
  struct RawEdge {
    int from, to, lag;
  };
  std::vector<RawEdge> edges;
  edges.reserve(plan.dependencies.size() + plan.tasks.size() * 2 +
                plan.goals.size());
  auto lookup = [&](auto make_field, absl::string_view id,
                    absl::string_view owner) -> absl::StatusOr<int> {
    auto it = graph.index_by_id.find(id);
    if (it == graph.index_by_id.end() ||
        graph.nodes[it->second].kind == PlanGraph::Kind::kOutcome) {
      return Invalid(make_field(),
                     absl::StrCat(owner, "unknown task or goal \"", id, "\""));
    }
    return it->second;
  };
  std::vector<int> task_nodes;
  for (size_t i = 0; i < plan.goals.size(); ++i) {
    const Goal& goal = plan.goals[i];
    const int goal_node = graph.task_nodes + static_cast<int>(i);
    auto owner = [&] { return absl::StrCat("goal \"", goal.id, "\": "); };
    task_nodes.clear();
    for (size_t t = 0; t < goal.task_ids.size(); ++t) {
      auto field = [&] {
        return absl::StrCat("goals[", i, "].task_ids[", t, "]");
      };
      auto found = graph.index_by_id.find(goal.task_ids[t]);
      if (found == graph.index_by_id.end() ||
          graph.nodes[found->second].kind == PlanGraph::Kind::kOutcome) {
        return lookup(field, goal.task_ids[t], owner()).status();
      }
      const int node = found->second;
      if (graph.nodes[node].kind != PlanGraph::Kind::kTask) {
        return Invalid(field(), absl::StrCat(owner(), "\"", goal.task_ids[t],
                                             "\" is a goal, not a task"));
      }
      task_nodes.push_back(node);
      edges.push_back({node, goal_node, 0});
    }
    for (size_t s = 0; s < goal.sub_goal_ids.size(); ++s) {
      auto field = [&] {
        return absl::StrCat("goals[", i, "].sub_goal_ids[", s, "]");
      };
      auto found = graph.index_by_id.find(goal.sub_goal_ids[s]);
      if (found == graph.index_by_id.end() ||
          graph.nodes[found->second].kind == PlanGraph::Kind::kOutcome) {
        return lookup(field, goal.sub_goal_ids[s], owner()).status();
      }
      const int node = found->second;
      if (graph.nodes[node].kind != PlanGraph::Kind::kGoal) {
        return Invalid(field(),
                       absl::StrCat(owner(), "\"", goal.sub_goal_ids[s],
                                    "\" is a task, not a goal"));
      }
      if (node == goal_node) {
        return Invalid(
            field(),
            absl::StrCat(owner(), "a goal cannot be its own sub-goal"));
      }
      edges.push_back({node, goal_node, 0});
      for (int task_node : task_nodes) edges.push_back({node, task_node, 0});
    }
  }
  for (size_t i = 0; i < plan.dependencies.size(); ++i) {
    const Dependency& dep = plan.dependencies[i];
    auto field = [&] { return absl::StrCat("dependencies[", i, "]"); };
    auto from = graph.index_by_id.find(dep.predecessor_id);
    auto to = graph.index_by_id.find(dep.successor_id);
    if (from == graph.index_by_id.end() ||
        graph.nodes[from->second].kind == PlanGraph::Kind::kOutcome) {
      return lookup([&] { return absl::StrCat(field(), ".predecessor_id"); },
                    dep.predecessor_id, "")
          .status();
    }
    if (to == graph.index_by_id.end() ||
        graph.nodes[to->second].kind == PlanGraph::Kind::kOutcome) {
      return lookup([&] { return absl::StrCat(field(), ".successor_id"); },
                    dep.successor_id, "")
          .status();
    }
    if (from->second == to->second) {
      return Invalid(field(), absl::StrCat("\"", dep.predecessor_id,
                                           "\" cannot depend on itself"));
    }
    if (dep.lag_days < 0 || dep.lag_days > limits.max_duration_days) {
      return Invalid(
          absl::StrCat(field(), ".lag_days"),
          absl::StrCat("lag ", dep.lag_days, " of \"", dep.predecessor_id,
                       "\" -> \"", dep.successor_id, "\" is out of range 0-",
                       limits.max_duration_days));
    }
    edges.push_back({from->second, to->second, dep.lag_days});
  }
  // Every node without a successor feeds the outcome.
  std::vector<bool> has_successor(num_nodes, false);
  for (const RawEdge& e : edges) has_successor[e.from] = true;
  for (int n = 0; n < num_nodes; ++n) {
    if (n != graph.outcome_node && !has_successor[n]) {
      edges.push_back({n, graph.outcome_node, 0});
    }
  }
  // Sort by (from, to, largest lag first) and keep the first of each pair.
  std::sort(edges.begin(), edges.end(), [](const RawEdge& a, const RawEdge& b) {
    if (a.from != b.from) return a.from < b.from;
    if (a.to != b.to) return a.to < b.to;
    return a.lag > b.lag;
  });
  edges.erase(std::unique(edges.begin(), edges.end(),
                          [](const RawEdge& a, const RawEdge& b) {
                            return a.from == b.from && a.to == b.to;
                          }),
              edges.end());

  std::vector<std::pair<int, PlanGraph::Edge>> forward, backward;
  forward.reserve(edges.size());
  backward.reserve(edges.size());
  for (const RawEdge& e : edges) {
    forward.push_back({e.from, {e.to, e.lag}});
    backward.push_back({e.to, {e.from, e.lag}});
  }
  BuildCsr(num_nodes, forward, &graph.succ_offsets, &graph.succ_edges);
  BuildCsr(num_nodes, backward, &graph.pred_offsets, &graph.pred_edges);

  // Kahn's algorithm, smallest index first among ready nodes.
  std::vector<int> indegree(num_nodes);
  for (int n = 0; n < num_nodes; ++n) {
    indegree[n] = static_cast<int>(graph.Predecessors(n).size());
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int n = 0; n < num_nodes; ++n) {
    if (indegree[n] == 0) ready.push(n);
  }
  graph.topological_order.reserve(num_nodes);
  while (!ready.empty()) {
    const int n = ready.top();
    ready.pop();
    graph.topological_order.push_back(n);
    for (const PlanGraph::Edge& e : graph.Successors(n)) {
      if (--indegree[e.node] == 0) ready.push(e.node);
    }
  }
  if (static_cast<int>(graph.topological_order.size()) != num_nodes) {
    return Invalid("dependencies",
                   absl::StrCat("cycle: ", DescribeCycle(graph, indegree)));
  }
  if (graph.Successors(graph.outcome_node).size() != 0) {
    return Invalid(
        "outcome_goal_id",
        absl::StrCat(
            "the outcome goal \"", graph.nodes[graph.outcome_node].id,
            "\" must come last, but \"",
            graph.nodes[graph.Successors(graph.outcome_node)[0].node].id,
            "\" depends on it"));
  }
  return graph;
}

absl::Status ValidatePlan(const Plan& plan, const PlanLimits& limits) {
  return BuildPlanGraph(plan, limits).status();
}

absl::Status CheckGraphOfPlan(const Plan& plan, const PlanGraph& graph) {
  const size_t num_nodes = graph.nodes.size();
  if (static_cast<size_t>(graph.num_tasks()) != plan.tasks.size() ||
      num_nodes < plan.tasks.size() || graph.outcome_node < 0 ||
      static_cast<size_t>(graph.outcome_node) >= num_nodes ||
      graph.topological_order.size() != num_nodes ||
      graph.succ_offsets.size() != num_nodes + 1 ||
      graph.pred_offsets.size() != num_nodes + 1) {
    return absl::InvalidArgumentError(
        "graph: not built from this plan (sizes differ); pass "
        "BuildPlanGraph(plan)");
  }
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    if (graph.nodes[i].id != plan.tasks[i].id ||
        graph.nodes[i].duration_days != plan.tasks[i].duration_days) {
      return absl::InvalidArgumentError(
          absl::StrCat("graph: node ", i, " is \"", graph.nodes[i].id,
                       "\" but the plan's task is \"", plan.tasks[i].id,
                       "\"; pass BuildPlanGraph(plan)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace backplan

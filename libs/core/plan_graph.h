// PlanGraph: a validated plan as an indexed dependency graph, the form every
// algorithm works on.
//
// Nodes are the plan's tasks (indices 0..tasks-1, in plan order), then its
// goals as zero-duration milestones (in plan order), then, when the plan names
// no outcome goal, a synthetic outcome milestone with id kOutcomeNodeId.
// Edges are finish-to-start with a lag in working days and come from:
//   - each goal's tasks and sub-goals: task -> goal, sub-goal -> goal, and
//     sub-goal -> each of the goal's tasks (preconditions first);
//   - the plan's explicit dependencies;
//   - every node without a successor -> the outcome node.
// Duplicate edges are merged, keeping the largest lag.
//
//   ASSIGN_OR_RETURN(PlanGraph graph, BuildPlanGraph(plan));
//   for (int node : graph.topological_order) { ... graph.Predecessors(node) }
#ifndef BACKPLAN_LIBS_CORE_PLAN_GRAPH_H_
#define BACKPLAN_LIBS_CORE_PLAN_GRAPH_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "libs/core/plan.h"

namespace backplan {

// Id of the synthetic final milestone of a plan without an outcome goal.
inline constexpr absl::string_view kOutcomeNodeId = "outcome";

// Limits on sizes a caller controls; validation refuses larger plans with
// INVALID_ARGUMENT naming the limit.
struct PlanLimits {
  int max_nodes = 200000;          // Tasks plus goals.
  int max_dependencies = 2000000;  // Explicit dependencies.
  int max_id_length = 128;
  int max_text_length = 4096;     // Titles, criteria, facts.
  int max_duration_days = 10000;  // Per task, also lags.
};

struct PlanGraph {
  enum class Kind { kTask, kGoal, kOutcome };
  struct Node {
    std::string id;
    Kind kind = Kind::kTask;
    int duration_days = 0;  // 0 for goals and the outcome.
    int source_index = -1;  // Index into plan.tasks or plan.goals; -1 outcome.
  };
  struct Edge {
    int node = 0;  // The other end.
    int lag_days = 0;
  };

  std::vector<Node> nodes;
  int outcome_node = -1;
  // Every node after all its predecessors; ties broken by node index.
  std::vector<int> topological_order;
  absl::flat_hash_map<std::string, int> index_by_id;

  absl::Span<const Edge> Successors(int node) const {
    return absl::MakeConstSpan(succ_edges.data() + succ_offsets[node],
                               succ_offsets[node + 1] - succ_offsets[node]);
  }
  absl::Span<const Edge> Predecessors(int node) const {
    return absl::MakeConstSpan(pred_edges.data() + pred_offsets[node],
                               pred_offsets[node + 1] - pred_offsets[node]);
  }
  int num_tasks() const { return task_nodes; }
  int num_edges() const { return static_cast<int>(succ_edges.size()); }

  // Compressed adjacency (CSR): edges of node n are [offsets[n], offsets[n+1]).
  std::vector<int> succ_offsets, pred_offsets;
  std::vector<Edge> succ_edges, pred_edges;
  // Nodes [0, task_nodes) are plan.tasks, in order; goals follow.
  int task_nodes = 0;
};

// Checks the plan and builds its graph. INVALID_ARGUMENT, naming the field
// (e.g. `tasks[3].attributes.difficulty`) and the task or goal, for: a missing
// outcome title or target date; empty, too long or duplicate ids; a reference
// to an unknown task, goal or pool; attributes out of range (1-10 or 0; RICE
// reach >= 0, impact in {3, 2, 1, 0.5, 0.25}, confidence 0-1, effort > 0);
// negative or too long durations; optimistic > duration > pessimistic; a
// negative lag; a self-dependency; a demand above its pool's capacity; and
// a cycle, named in full as `a -> b -> c -> a`.
absl::StatusOr<PlanGraph> BuildPlanGraph(const Plan& plan,
                                         const PlanLimits& limits = {});

// BuildPlanGraph(plan, limits).status().
absl::Status ValidatePlan(const Plan& plan, const PlanLimits& limits = {});

// The one check, for functions taking a plan and its graph, that `graph` is
// BuildPlanGraph(plan) of this very plan (sizes, outcome node, and every
// task's id and duration in order): INVALID_ARGUMENT starting "graph: not
// built from this plan" or naming the first node that differs. O(tasks).
absl::Status CheckGraphOfPlan(const Plan& plan, const PlanGraph& graph);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CORE_PLAN_GRAPH_H_

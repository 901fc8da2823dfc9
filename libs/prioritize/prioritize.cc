#include "libs/prioritize/prioritize.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/prioritize/explain.h"
#include "libs/prioritize/prioritize_options.h"
#include "libs/prioritize/scoring.h"

namespace backplan {
namespace {

constexpr double kNoScore = -std::numeric_limits<double>::infinity();
// Running totals are integers and capacity * fraction is not always exact
// (0.6 * 10); this keeps "exactly 60 %" inside MUST.
constexpr double kTierEpsilon = 1e-9;

// Effective scores, indexed by node. `source` is the ranked task, among the
// node and everything depending on it, with the highest own score and then
// the lowest id (-1: nothing ranked); a lexicographic max, so it composes.
struct EffectiveScores {
  std::vector<double> score;
  std::vector<int> source;
};

// Walks the graph against the edges so every node sees its dependents'
// results first. `own` and `id_rank` are indexed by node.
EffectiveScores ComputeEffectiveScores(const PlanGraph& graph, int num_tasks,
                                       const std::vector<double>& own,
                                       const std::vector<int>& id_rank) {
  const int num_nodes = static_cast<int>(graph.nodes.size());
  EffectiveScores out;
  out.score.assign(num_nodes, kNoScore);
  out.source.assign(num_nodes, -1);
  auto better = [&id_rank](double a, int a_source, double b, int b_source) {
    if (b_source < 0) return true;
    const int c = CompareRatios(a, b);
    return c > 0 || (c == 0 && id_rank[a_source] < id_rank[b_source]);
  };
  for (auto it = graph.topological_order.rbegin();
       it != graph.topological_order.rend(); ++it) {
    const int node = *it;
    double best = kNoScore;
    int best_source = -1;
    for (const PlanGraph::Edge& edge : graph.Successors(node)) {
      const int s = out.source[edge.node];
      if (s >= 0 && better(out.score[edge.node], s, best, best_source)) {
        best = out.score[edge.node];
        best_source = s;
      }
    }
    if (node < num_tasks && own[node] != kNoScore &&
        better(own[node], node, best, best_source)) {
      best = own[node];
      best_source = node;
    }
    out.score[node] = best;
    out.source[node] = best_source;
  }
  return out;
}

// The plan graph as an ordering problem (goals and milestones as free nodes
// of value and size 0); value and size of the ranked tasks are filled by the
// caller.
OrderingProblem MakeOrderingProblem(const PlanGraph& graph,
                                    std::vector<int> id_rank) {
  const int num_nodes = static_cast<int>(graph.nodes.size());
  OrderingProblem problem;
  problem.value.assign(num_nodes, 0);
  problem.size.assign(num_nodes, 0);
  problem.succ_offsets = graph.succ_offsets;
  problem.pred_offsets = graph.pred_offsets;
  problem.succ.reserve(graph.succ_edges.size());
  for (const PlanGraph::Edge& e : graph.succ_edges)
    problem.succ.push_back(e.node);
  problem.pred.reserve(graph.pred_edges.size());
  for (const PlanGraph::Edge& e : graph.pred_edges)
    problem.pred.push_back(e.node);
  problem.topological_order = graph.topological_order;
  problem.tie_rank = std::move(id_rank);
  return problem;
}

// The MoSCoW tier of a task whose running total of days along the execution
// order, itself included, is `running_days`; adds its days to the tier's
// total in `out`.
Tier AssignTier(int64_t running_days, int duration_days, double capacity,
                const TierFractions& tiers, Priorities* out) {
  const double total = static_cast<double>(running_days) - kTierEpsilon;
  if (total <= tiers.must * capacity) {
    out->must_days += duration_days;
    return Tier::kMust;
  }
  if (total <= tiers.should * capacity) {
    out->should_days += duration_days;
    return Tier::kShould;
  }
  if (total <= tiers.could * capacity) {
    out->could_days += duration_days;
    return Tier::kCould;
  }
  out->wont_days += duration_days;
  return Tier::kWont;
}

}  // namespace

absl::StatusOr<Priorities> Prioritize(const Plan& plan, const PlanGraph& graph,
                                      const PrioritizeOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(CheckGraphOfPlan(plan, graph));
  if (options.slack_plan_version.has_value() &&
      *options.slack_plan_version != plan.version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "slack_plan_version: the slack comes from plan version ",
        *options.slack_plan_version, " but the plan is at version ",
        plan.version, "; reschedule first"));
  }

  if (options.method == PrioritizationMethod::kWeighted &&
      options.criteria.empty()) {
    PrioritizeOptions with_defaults = options;
    with_defaults.criteria = DefaultWeightedCriteria();
    return Prioritize(plan, graph, with_defaults);
  }

  Priorities out;
  out.method = options.method;
  out.plan_version = plan.version;
  const int num_tasks = static_cast<int>(plan.tasks.size());
  const int num_nodes = static_cast<int>(graph.nodes.size());
  const bool rice = options.method == PrioritizationMethod::kRice;

  std::vector<int> ranked;
  ranked.reserve(num_tasks);
  for (int i = 0; i < num_tasks; ++i) {
    const bool is_ranked = plan.tasks[i].duration_days > 0;
    RETURN_IF_ERROR(CheckTaskAttributes(plan, i, rice && is_ranked));
    if (is_ranked) {
      ranked.push_back(i);
    } else {
      out.unranked_task_ids.push_back(plan.tasks[i].id);
    }
  }

  std::optional<SlackUrgency> urgency;
  if (options.use_schedule_slack) {
    ASSIGN_OR_RETURN(urgency, UrgencyFromSlack(plan, graph, ranked, options));
  }
  const SlackUrgency* urgency_or_null =
      urgency.has_value() ? &*urgency : nullptr;

  // Own scores, indexed by node; only ranked task nodes have one.
  std::vector<double> own(num_nodes, kNoScore);
  std::vector<std::vector<Contribution>> contributions(num_tasks);
  RETURN_IF_ERROR(ScoreTasks(plan, ranked, options, urgency_or_null, &own,
                             &contributions, &out));

  // Ties everywhere break by task id; rank the ids once so comparisons are
  // integer compares.
  std::vector<int> by_id(ranked);
  std::sort(by_id.begin(), by_id.end(), [&plan](int a, int b) {
    return plan.tasks[a].id < plan.tasks[b].id;
  });
  std::vector<int> id_rank(num_nodes, std::numeric_limits<int>::max());
  for (size_t r = 0; r < by_id.size(); ++r) {
    id_rank[by_id[r]] = static_cast<int>(r);
  }

  const EffectiveScores effective =
      ComputeEffectiveScores(graph, num_tasks, own, id_rank);

  // The execution order: minimise sum(w * C) over the plan graph.
  OrderingProblem problem = MakeOrderingProblem(graph, std::move(id_rank));
  for (int index : ranked) {
    const auto [w, p] = ValueAndSize(options.method, plan.tasks[index],
                                     urgency_or_null, index, own[index]);
    problem.value[index] = w;
    problem.size[index] = p;
  }
  OrderingOptions ordering_options;
  ordering_options.exact_max_nodes = options.exact_max_nodes;
  ordering_options.should_stop = options.should_stop;
  ASSIGN_OR_RETURN(Ordering ordering,
                   OrderForWeightedCompletion(problem, ordering_options));
  if (ordering.jobs.size() != ranked.size()) {
    // BuildPlanGraph refuses cycles, so only a hand-made graph gets here.
    return absl::InvalidArgumentError(
        "graph: has a cycle; pass BuildPlanGraph(plan)");
  }
  out.exact_order = ordering.exact;
  out.num_sets = static_cast<int>(ordering.sets.size());

  const double capacity =
      options.capacity_days.has_value() ? *options.capacity_days : 0;
  int64_t running_days = 0;
  double time = 0;
  out.tasks.reserve(ranked.size());
  out.execution_order.reserve(ranked.size());
  for (const OrderedJob& job : ordering.jobs) {
    const int index = job.job;
    const Task& task = plan.tasks[index];
    time += problem.size[index];
    out.weighted_completion += problem.value[index] * time;
    TaskPriority p;
    p.task_id = task.id;
    p.task_index = index;
    p.own_score = own[index];
    p.effective_score = effective.score[index];
    if (CompareRatios(own[index], effective.score[index]) != 0) {
      p.inherited_from = plan.tasks[effective.source[index]].id;
    }
    p.rank = static_cast<int>(out.tasks.size()) + 1;
    p.contributions = std::move(contributions[index]);
    p.order_value = problem.value[index];
    p.order_size = problem.size[index];
    if (options.capacity_days.has_value()) {
      running_days += task.duration_days;
      p.tier = AssignTier(running_days, task.duration_days, capacity,
                          options.tiers, &out);
    }
    out.execution_order.push_back(task.id);
    out.tasks.push_back(std::move(p));
  }
  ExplainOrder(plan, options.method, problem, ordering, &out.tasks);
  return out;
}

absl::StatusOr<Priorities> Prioritize(const Plan& plan,
                                      const PrioritizeOptions& options) {
  ASSIGN_OR_RETURN(PlanGraph graph, BuildPlanGraph(plan));
  return Prioritize(plan, graph, options);
}

}  // namespace backplan

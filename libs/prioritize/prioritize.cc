#include "libs/prioritize/prioritize.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/status_macros.h"
#include "libs/prioritize/explain.h"

namespace backplan {
namespace {

constexpr double kNoScore = -std::numeric_limits<double>::infinity();
// Running totals are integers and capacity * fraction is not always exact
// (0.6 * 10); this keeps "exactly 60 %" inside MUST.
constexpr double kTierEpsilon = 1e-9;
// Notes stay within 15 characters where they can, so libstdc++ keeps them
// inline (no allocation per task and criterion).
constexpr absl::string_view kUnsetNote = "unset = 5";

std::string TaskField(const Plan& plan, int index, absl::string_view field) {
  return absl::StrCat("tasks[", index, "].", field, ": task \"",
                      plan.tasks[index].id, "\"");
}

absl::Status CheckAttributeRange(const Plan& plan, int index,
                                 absl::string_view name, int value) {
  if (value < 0 || value > 10) {
    return absl::InvalidArgumentError(
        absl::StrCat(TaskField(plan, index, absl::StrCat("attributes.", name)),
                     " = ", value, ": must be 1-10, or 0 for unset"));
  }
  return absl::OkStatus();
}

absl::Status CheckRiceInput(const Plan& plan, int index, absl::string_view name,
                            const std::optional<double>& value, bool required,
                            bool (*valid)(double), absl::string_view rule) {
  const std::string field = absl::StrCat("attributes.rice_", name);
  if (!value.has_value()) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(TaskField(plan, index, field),
                     ": missing; RICE needs reach, impact, confidence and "
                     "effort on every task with a duration"));
  }
  if (!std::isfinite(*value) || !valid(*value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        TaskField(plan, index, field), " = ", *value, ": must be ", rule));
  }
  return absl::OkStatus();
}

// Ranges as BuildPlanGraph checks them; repeated because a caller may hand
// in a graph built from a different copy of the plan.
absl::Status CheckTaskAttributes(const Plan& plan, int index, bool need_rice) {
  const TaskAttributes& a = plan.tasks[index].attributes;
  RETURN_IF_ERROR(CheckAttributeRange(plan, index, "importance", a.importance));
  RETURN_IF_ERROR(CheckAttributeRange(plan, index, "difficulty", a.difficulty));
  RETURN_IF_ERROR(
      CheckAttributeRange(plan, index, "business_value", a.business_value));
  RETURN_IF_ERROR(
      CheckAttributeRange(plan, index, "time_criticality", a.time_criticality));
  RETURN_IF_ERROR(
      CheckAttributeRange(plan, index, "risk_reduction", a.risk_reduction));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "reach", a.rice_reach, need_rice,
      [](double v) { return v >= 0; }, ">= 0"));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "impact", a.rice_impact, need_rice,
      [](double v) {
        return v == 3 || v == 2 || v == 1 || v == 0.5 || v == 0.25;
      },
      "one of 3, 2, 1, 0.5, 0.25"));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "confidence", a.rice_confidence, need_rice,
      [](double v) { return v >= 0 && v <= 1; }, "between 0 and 1"));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "effort", a.rice_effort, need_rice,
      [](double v) { return v > 0; }, "> 0 person-days"));
  return absl::OkStatus();
}

bool ReadsTimeCriticality(const PrioritizeOptions& options) {
  if (options.method == PrioritizationMethod::kWsjf) return true;
  if (options.method != PrioritizationMethod::kWeighted) return false;
  for (const WeightedCriterion& c : options.criteria) {
    if (c.criterion == Criterion::kTimeCriticality) return true;
  }
  return false;
}

// The proto's name of criterion i: from the AHP matrix or from the weights.
std::string CriterionField(const PrioritizeOptions& options, size_t i) {
  return options.ahp_matrix.empty() ? absl::StrCat("weights[", i, "]")
                                    : absl::StrCat("ahp.criteria[", i, "]");
}

absl::Status ValidateOptions(const PrioritizeOptions& options) {
  const bool weighted = options.method == PrioritizationMethod::kWeighted;
  if (!weighted && !options.criteria.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("weights: only the weighted method takes criteria, not ",
                     PrioritizationMethodName(options.method)));
  }
  if (!weighted && !options.ahp_matrix.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ahp: only the weighted method takes an AHP matrix, not ",
                     PrioritizationMethodName(options.method)));
  }
  if (weighted) {
    if (options.criteria.empty() && !options.ahp_matrix.empty()) {
      return absl::InvalidArgumentError(
          "ahp.criteria: an AHP matrix needs its criteria");
    }
    absl::flat_hash_set<Criterion> seen;
    double sum = 0;
    for (size_t i = 0; i < options.criteria.size(); ++i) {
      const WeightedCriterion& c = options.criteria[i];
      if (!seen.insert(c.criterion).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(CriterionField(options, i), ": criterion ",
                         CriterionName(c.criterion), " given twice"));
      }
      if (!std::isfinite(c.weight) || c.weight < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(CriterionField(options, i), ".weight = ", c.weight,
                         ": must be finite and >= 0"));
      }
      sum += c.weight;
    }
    if (!options.ahp_matrix.empty()) {
      if (sum != 0) {
        return absl::InvalidArgumentError(
            "weights: give weights or an AHP matrix (ahp), not both");
      }
      if (options.ahp_matrix.size() != options.criteria.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("ahp.values: has ", options.ahp_matrix.size(),
                         " rows for ", options.criteria.size(), " criteria"));
      }
    } else if (!options.criteria.empty() && !(sum > 0)) {
      return absl::InvalidArgumentError(
          "weights: all weights are 0; give weights, an AHP matrix (ahp), or "
          "neither for the default weights");
    }
  }
  if (options.use_schedule_slack) {
    if (!ReadsTimeCriticality(options)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "urgency_from_schedule: method ",
          PrioritizationMethodName(options.method),
          " does not read time criticality (only wsjf, or weighted with a "
          "time_criticality criterion)"));
    }
  } else if (!options.slack_days.empty() ||
             options.slack_plan_version.has_value()) {
    return absl::InvalidArgumentError(
        "slack_days: given without use_schedule_slack");
  }
  if (options.capacity_days.has_value() && *options.capacity_days <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tiers.capacity_days = ", *options.capacity_days, ": must be > 0"));
  }
  const TierFractions& t = options.tiers;
  if (!std::isfinite(t.must) || !std::isfinite(t.should) ||
      !std::isfinite(t.could) || t.must < 0 || t.must > t.should ||
      t.should > t.could) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tiers: fractions must be finite with 0 <= must <= should <= could; "
        "got must ",
        t.must, ", should ", t.should, ", could ", t.could));
  }
  return absl::OkStatus();
}

// Time criticality per task (indexed like plan.tasks), from slack: 0 slack is
// 10, the largest slack among ranked tasks is 1, linear between.
struct SlackUrgency {
  std::vector<double> value;
  std::vector<int> slack;
  int max_slack = 0;
};

absl::StatusOr<SlackUrgency> UrgencyFromSlack(
    const Plan& plan, const PlanGraph& graph, const std::vector<int>& ranked,
    const PrioritizeOptions& options) {
  for (const auto& [id, slack] : options.slack_days) {
    if (!graph.index_by_id.contains(id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "slack_days[\"", id,
          "\"]: no task or goal with this id in the plan (schedule of "
          "another plan version?)"));
    }
  }
  SlackUrgency urgency;
  urgency.value.assign(plan.tasks.size(), 0);
  urgency.slack.assign(plan.tasks.size(), 0);
  for (int index : ranked) {
    auto it = options.slack_days.find(plan.tasks[index].id);
    if (it == options.slack_days.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          TaskField(plan, index, "slack"),
          ": missing from slack_days; use_schedule_slack needs the slack of "
          "every task with a duration"));
    }
    // Negative slack (an infeasible target) is as urgent as zero.
    urgency.slack[index] = std::max(0, it->second);
    urgency.max_slack = std::max(urgency.max_slack, urgency.slack[index]);
  }
  for (int index : ranked) {
    urgency.value[index] =
        urgency.max_slack == 0
            ? 10.0
            : 10.0 - 9.0 * urgency.slack[index] / urgency.max_slack;
  }
  return urgency;
}

Contribution Term(absl::string_view name, double raw, double normalized,
                  double weight, double contribution,
                  absl::string_view note = {}) {
  Contribution c;
  c.criterion = std::string(name);
  c.raw_value = raw;
  c.normalized_value = normalized;
  c.weight = weight;
  c.contribution = contribution;
  c.note = std::string(note);
  return c;
}

// An additive 1-10 attribute term: contribution = weight * value.
Contribution AttributeTerm(absl::string_view name, int stored, double weight) {
  const double value = AttributeOrDefault(stored);
  return Term(name, value, value, weight, weight * value,
              stored == 0 ? kUnsetNote : absl::string_view());
}

absl::string_view NoteIfUnset(int stored) {
  return stored == 0 ? kUnsetNote : absl::string_view();
}

double CriterionValue(Criterion criterion, const Task& task,
                      const SlackUrgency* urgency, int index) {
  const TaskAttributes& a = task.attributes;
  switch (criterion) {
    case Criterion::kImportance:
      return AttributeOrDefault(a.importance);
    case Criterion::kDifficulty:
      return AttributeOrDefault(a.difficulty);
    case Criterion::kBusinessValue:
      return AttributeOrDefault(a.business_value);
    case Criterion::kTimeCriticality:
      return urgency != nullptr ? urgency->value[index]
                                : AttributeOrDefault(a.time_criticality);
    case Criterion::kRiskReduction:
      return AttributeOrDefault(a.risk_reduction);
    case Criterion::kJobSize:
      return task.duration_days;
  }
  return 0;
}

int CriterionStoredAttribute(Criterion criterion, const TaskAttributes& a) {
  switch (criterion) {
    case Criterion::kImportance:
      return a.importance;
    case Criterion::kDifficulty:
      return a.difficulty;
    case Criterion::kBusinessValue:
      return a.business_value;
    case Criterion::kTimeCriticality:
      return a.time_criticality;
    case Criterion::kRiskReduction:
      return a.risk_reduction;
    case Criterion::kJobSize:
      return -1;
  }
  return -1;
}

std::string SlackNote(const SlackUrgency& urgency, int index) {
  return absl::StrCat("slack ", urgency.slack[index], " of ",
                      urgency.max_slack);
}

// Own scores of the ranked tasks (scores[index] for plan.tasks[index]).
absl::Status ScoreTasks(const Plan& plan, const std::vector<int>& ranked,
                        const PrioritizeOptions& options,
                        const SlackUrgency* urgency,
                        std::vector<double>* scores,
                        std::vector<std::vector<Contribution>>* contributions,
                        Priorities* out) {
  switch (options.method) {
    case PrioritizationMethod::kImportance:
      for (int index : ranked) {
        const TaskAttributes& a = plan.tasks[index].attributes;
        const int importance = AttributeOrDefault(a.importance);
        const int ease = 11 - AttributeOrDefault(a.difficulty);
        (*scores)[index] = importance + ease / 100.0;
        (*contributions)[index] = {
            AttributeTerm("importance", a.importance, 1),
            Term("difficulty", AttributeOrDefault(a.difficulty), ease, 0.01,
                 ease / 100.0,
                 a.difficulty == 0 ? "tie-break; unset = 5" : "tie-break")};
      }
      return absl::OkStatus();
    case PrioritizationMethod::kHardestFirst:
      for (int index : ranked) {
        const TaskAttributes& a = plan.tasks[index].attributes;
        const int difficulty = AttributeOrDefault(a.difficulty);
        const int importance = AttributeOrDefault(a.importance);
        (*scores)[index] = difficulty + importance / 100.0;
        (*contributions)[index] = {
            AttributeTerm("difficulty", a.difficulty, 1),
            Term("importance", importance, importance, 0.01, importance / 100.0,
                 a.importance == 0 ? "tie-break; unset = 5" : "tie-break")};
      }
      return absl::OkStatus();
    case PrioritizationMethod::kQuickWins:
      for (int index : ranked) {
        const TaskAttributes& a = plan.tasks[index].attributes;
        const double importance = AttributeOrDefault(a.importance);
        const double difficulty = AttributeOrDefault(a.difficulty);
        (*scores)[index] = importance / difficulty;
        (*contributions)[index] = {
            Term("importance", importance, importance, 1.0 / difficulty,
                 importance / difficulty, NoteIfUnset(a.importance)),
            Term("difficulty", difficulty, difficulty, 0, 0,
                 a.difficulty == 0 ? "divisor; unset = 5" : "divisor")};
      }
      return absl::OkStatus();
    case PrioritizationMethod::kWsjf:
      for (int index : ranked) {
        const Task& task = plan.tasks[index];
        const TaskAttributes& a = task.attributes;
        const double job = task.duration_days;  // >= 1: task is ranked.
        const double value = AttributeOrDefault(a.business_value);
        const double risk = AttributeOrDefault(a.risk_reduction);
        Contribution time =
            AttributeTerm("time_criticality", a.time_criticality, 1.0 / job);
        if (urgency != nullptr) {
          const double t = urgency->value[index];
          time = Term("time_criticality", t, t, 1.0 / job, t / job,
                      SlackNote(*urgency, index));
        } else {
          time.contribution = time.raw_value / job;
        }
        (*scores)[index] = (value + time.raw_value + risk) / job;
        Contribution value_term =
            AttributeTerm("business_value", a.business_value, 1.0 / job);
        value_term.contribution = value / job;
        Contribution risk_term =
            AttributeTerm("risk_reduction", a.risk_reduction, 1.0 / job);
        risk_term.contribution = risk / job;
        (*contributions)[index] = {std::move(value_term), std::move(time),
                                   std::move(risk_term),
                                   Term("job_size", job, job, 0, 0, "divisor")};
      }
      return absl::OkStatus();
    case PrioritizationMethod::kRice:
      for (int index : ranked) {
        const TaskAttributes& a = plan.tasks[index].attributes;
        // Presence was checked before scoring.
        const double reach = *a.rice_reach;
        const double impact = *a.rice_impact;
        const double confidence = *a.rice_confidence;
        const double effort = *a.rice_effort;
        (*scores)[index] = reach * impact * confidence / effort;
        const double factor = impact * confidence / effort;
        (*contributions)[index] = {
            Term("rice_reach", reach, reach, factor, reach * factor),
            Term("rice_impact", impact, impact, 0, 0, "factor"),
            Term("rice_confidence", confidence, confidence, 0, 0, "factor"),
            Term("rice_effort", effort, effort, 0, 0, "divisor")};
      }
      return absl::OkStatus();
    case PrioritizationMethod::kWeighted:
      break;
  }

  const size_t k = options.criteria.size();
  std::vector<double> weights(k);
  if (!options.ahp_matrix.empty()) {
    ASSIGN_OR_RETURN(
        AhpResult ahp,
        ComputeAhpWeights(options.ahp_matrix, options.ahp_max_consistency_ratio,
                          "ahp"));
    weights = ahp.weights;
    out->ahp = std::move(ahp);
  } else {
    double sum = 0;
    for (const WeightedCriterion& c : options.criteria) sum += c.weight;
    for (size_t j = 0; j < k; ++j)
      weights[j] = options.criteria[j].weight / sum;
  }
  std::vector<double> lo(k, 0), hi(k, 0);
  for (size_t j = 0; j < k; ++j) {
    bool first = true;
    for (int index : ranked) {
      const double v = CriterionValue(options.criteria[j].criterion,
                                      plan.tasks[index], urgency, index);
      lo[j] = first ? v : std::min(lo[j], v);
      hi[j] = first ? v : std::max(hi[j], v);
      first = false;
    }
    CriterionWeight w;
    w.criterion = std::string(CriterionName(options.criteria[j].criterion));
    w.weight = weights[j];
    w.prefer_lower = options.criteria[j].prefer_lower;
    w.min_value = lo[j];
    w.max_value = hi[j];
    out->weights.push_back(std::move(w));
  }
  for (int index : ranked) {
    const Task& task = plan.tasks[index];
    std::vector<Contribution>& terms = (*contributions)[index];
    terms.reserve(k);
    double score = 0;
    for (size_t j = 0; j < k; ++j) {
      const WeightedCriterion& c = options.criteria[j];
      const double v = CriterionValue(c.criterion, task, urgency, index);
      double normalized = 0;  // No spread: the criterion says nothing.
      if (hi[j] > lo[j]) {
        normalized = c.prefer_lower ? (hi[j] - v) / (hi[j] - lo[j])
                                    : (v - lo[j]) / (hi[j] - lo[j]);
      }
      const double contribution = weights[j] * normalized;
      score += contribution;
      std::string note;
      if (c.criterion == Criterion::kTimeCriticality && urgency != nullptr) {
        note = SlackNote(*urgency, index);
      } else if (CriterionStoredAttribute(c.criterion, task.attributes) == 0) {
        note = std::string(kUnsetNote);
      }
      terms.push_back(Term(CriterionName(c.criterion), v, normalized,
                           weights[j], contribution, note));
    }
    (*scores)[index] = score;
  }
  return absl::OkStatus();
}

// The value w and size p the execution order weighs a ranked task by.
std::pair<double, double> ValueAndSize(PrioritizationMethod method,
                                       const Task& task,
                                       const SlackUrgency* urgency, int index,
                                       double own) {
  const TaskAttributes& a = task.attributes;
  switch (method) {
    case PrioritizationMethod::kWsjf: {
      const double time = urgency != nullptr
                              ? urgency->value[index]
                              : AttributeOrDefault(a.time_criticality);
      return {AttributeOrDefault(a.business_value) + time +
                  AttributeOrDefault(a.risk_reduction),
              static_cast<double>(task.duration_days)};
    }
    case PrioritizationMethod::kRice:
      return {*a.rice_reach * *a.rice_impact * *a.rice_confidence,
              *a.rice_effort};
    case PrioritizationMethod::kQuickWins:
      return {static_cast<double>(AttributeOrDefault(a.importance)),
              static_cast<double>(AttributeOrDefault(a.difficulty))};
    case PrioritizationMethod::kImportance:
    case PrioritizationMethod::kHardestFirst:
    case PrioritizationMethod::kWeighted:
      break;
  }
  return {own, 1.0};
}

}  // namespace

absl::string_view PrioritizationMethodName(PrioritizationMethod method) {
  switch (method) {
    case PrioritizationMethod::kImportance:
      return "importance";
    case PrioritizationMethod::kHardestFirst:
      return "hardest_first";
    case PrioritizationMethod::kQuickWins:
      return "quick_wins";
    case PrioritizationMethod::kWsjf:
      return "wsjf";
    case PrioritizationMethod::kRice:
      return "rice";
    case PrioritizationMethod::kWeighted:
      return "weighted";
  }
  return "unknown";
}

absl::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kUnset:
      return "unset";
    case Tier::kMust:
      return "must";
    case Tier::kShould:
      return "should";
    case Tier::kCould:
      return "could";
    case Tier::kWont:
      return "wont";
  }
  return "unknown";
}

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

  // Own scores, indexed by node; only ranked task nodes have one.
  std::vector<double> own(num_nodes, kNoScore);
  std::vector<std::vector<Contribution>> contributions(num_tasks);
  RETURN_IF_ERROR(ScoreTasks(plan, ranked, options,
                             urgency.has_value() ? &*urgency : nullptr, &own,
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

  // Effective score: walk the graph against the edges so every node sees its
  // dependents' results first. `source` is the ranked task, among the node
  // and everything depending on it, with the highest own score and then the
  // lowest id (-1: nothing ranked); a lexicographic max, so it composes.
  std::vector<double> effective(num_nodes, kNoScore);
  std::vector<int> source(num_nodes, -1);
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
      const int s = source[edge.node];
      if (s >= 0 && better(effective[edge.node], s, best, best_source)) {
        best = effective[edge.node];
        best_source = s;
      }
    }
    if (node < num_tasks && own[node] != kNoScore &&
        better(own[node], node, best, best_source)) {
      best = own[node];
      best_source = node;
    }
    effective[node] = best;
    source[node] = best_source;
  }

  // The execution order: minimise sum(w * C) over the plan graph, goals and
  // milestones as free nodes.
  OrderingProblem problem;
  problem.value.assign(num_nodes, 0);
  problem.size.assign(num_nodes, 0);
  for (int index : ranked) {
    const auto [w, p] = ValueAndSize(options.method, plan.tasks[index],
                                     urgency.has_value() ? &*urgency : nullptr,
                                     index, own[index]);
    problem.value[index] = w;
    problem.size[index] = p;
  }
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
    p.effective_score = effective[index];
    if (CompareRatios(own[index], effective[index]) != 0) {
      p.inherited_from = plan.tasks[source[index]].id;
    }
    p.rank = static_cast<int>(out.tasks.size()) + 1;
    p.contributions = std::move(contributions[index]);
    p.order_value = problem.value[index];
    p.order_size = problem.size[index];
    if (options.capacity_days.has_value()) {
      running_days += task.duration_days;
      const double total = static_cast<double>(running_days) - kTierEpsilon;
      if (total <= options.tiers.must * capacity) {
        p.tier = Tier::kMust;
        out.must_days += task.duration_days;
      } else if (total <= options.tiers.should * capacity) {
        p.tier = Tier::kShould;
        out.should_days += task.duration_days;
      } else if (total <= options.tiers.could * capacity) {
        p.tier = Tier::kCould;
        out.could_days += task.duration_days;
      } else {
        p.tier = Tier::kWont;
        out.wont_days += task.duration_days;
      }
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

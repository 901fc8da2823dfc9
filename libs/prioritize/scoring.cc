#include "libs/prioritize/scoring.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/common/status_macros.h"
#include "libs/prioritize/ahp.h"
#include "libs/prioritize/criteria.h"
#include "libs/prioritize/prioritize_options.h"

namespace backplan {
namespace {

// Notes stay within 15 characters where they can, so libstdc++ keeps them
// inline (no allocation per task and criterion).
constexpr absl::string_view kUnsetNote = "unset = 5";

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

std::string SlackNote(const SlackUrgency& urgency, int index) {
  return absl::StrCat("slack ", urgency.slack[index], " of ",
                      urgency.max_slack);
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

// The stored 1-10 attribute behind a criterion (0 = unset), or -1 for a
// criterion that is no such attribute.
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

// One function per method but kWeighted: the own score of one ranked task,
// its contributions in *terms.

double ScoreImportance(const Task& task, std::vector<Contribution>* terms) {
  const TaskAttributes& a = task.attributes;
  const int importance = AttributeOrDefault(a.importance);
  const int ease = 11 - AttributeOrDefault(a.difficulty);
  *terms = {AttributeTerm("importance", a.importance, 1),
            Term("difficulty", AttributeOrDefault(a.difficulty), ease, 0.01,
                 ease / 100.0,
                 a.difficulty == 0 ? "tie-break; unset = 5" : "tie-break")};
  return importance + ease / 100.0;
}

double ScoreHardestFirst(const Task& task, std::vector<Contribution>* terms) {
  const TaskAttributes& a = task.attributes;
  const int difficulty = AttributeOrDefault(a.difficulty);
  const int importance = AttributeOrDefault(a.importance);
  *terms = {AttributeTerm("difficulty", a.difficulty, 1),
            Term("importance", importance, importance, 0.01, importance / 100.0,
                 a.importance == 0 ? "tie-break; unset = 5" : "tie-break")};
  return difficulty + importance / 100.0;
}

double ScoreQuickWins(const Task& task, std::vector<Contribution>* terms) {
  const TaskAttributes& a = task.attributes;
  const double importance = AttributeOrDefault(a.importance);
  const double difficulty = AttributeOrDefault(a.difficulty);
  *terms = {Term("importance", importance, importance, 1.0 / difficulty,
                 importance / difficulty, NoteIfUnset(a.importance)),
            Term("difficulty", difficulty, difficulty, 0, 0,
                 a.difficulty == 0 ? "divisor; unset = 5" : "divisor")};
  return importance / difficulty;
}

double ScoreWsjf(const Task& task, const SlackUrgency* urgency, int index,
                 std::vector<Contribution>* terms) {
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
  const double score = (value + time.raw_value + risk) / job;
  Contribution value_term =
      AttributeTerm("business_value", a.business_value, 1.0 / job);
  value_term.contribution = value / job;
  Contribution risk_term =
      AttributeTerm("risk_reduction", a.risk_reduction, 1.0 / job);
  risk_term.contribution = risk / job;
  *terms = {std::move(value_term), std::move(time), std::move(risk_term),
            Term("job_size", job, job, 0, 0, "divisor")};
  return score;
}

double ScoreRice(const Task& task, std::vector<Contribution>* terms) {
  const TaskAttributes& a = task.attributes;
  // Presence was checked before scoring.
  const double reach = *a.rice_reach;
  const double impact = *a.rice_impact;
  const double confidence = *a.rice_confidence;
  const double effort = *a.rice_effort;
  const double factor = impact * confidence / effort;
  *terms = {Term("rice_reach", reach, reach, factor, reach * factor),
            Term("rice_impact", impact, impact, 0, 0, "factor"),
            Term("rice_confidence", confidence, confidence, 0, 0, "factor"),
            Term("rice_effort", effort, effort, 0, 0, "divisor")};
  return reach * impact * confidence / effort;
}

// kWeighted: min-max normalisation needs every ranked task's values first.
absl::Status ScoreWeighted(
    const Plan& plan, const std::vector<int>& ranked,
    const PrioritizeOptions& options, const SlackUrgency* urgency,
    std::vector<double>* scores,
    std::vector<std::vector<Contribution>>* contributions, Priorities* out) {
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

}  // namespace

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

absl::Status ScoreTasks(const Plan& plan, const std::vector<int>& ranked,
                        const PrioritizeOptions& options,
                        const SlackUrgency* urgency,
                        std::vector<double>* scores,
                        std::vector<std::vector<Contribution>>* contributions,
                        Priorities* out) {
  if (options.method == PrioritizationMethod::kWeighted) {
    return ScoreWeighted(plan, ranked, options, urgency, scores, contributions,
                         out);
  }
  for (int index : ranked) {
    const Task& task = plan.tasks[index];
    std::vector<Contribution>* terms = &(*contributions)[index];
    double score = 0;
    switch (options.method) {
      case PrioritizationMethod::kImportance:
        score = ScoreImportance(task, terms);
        break;
      case PrioritizationMethod::kHardestFirst:
        score = ScoreHardestFirst(task, terms);
        break;
      case PrioritizationMethod::kQuickWins:
        score = ScoreQuickWins(task, terms);
        break;
      case PrioritizationMethod::kWsjf:
        score = ScoreWsjf(task, urgency, index, terms);
        break;
      case PrioritizationMethod::kRice:
        score = ScoreRice(task, terms);
        break;
      case PrioritizationMethod::kWeighted:
        break;  // Handled above.
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
}  // namespace backplan

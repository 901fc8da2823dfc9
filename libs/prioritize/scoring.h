// The own score of every ranked task under one prioritization method, with
// its per-criterion contributions, and the value w and size p the execution
// order weighs it by (prioritize.h lists the formulas). Internal to
// libs/prioritize: Prioritize() validates the options and the task
// attributes before it calls these.
#ifndef BACKPLAN_LIBS_PRIORITIZE_SCORING_H_
#define BACKPLAN_LIBS_PRIORITIZE_SCORING_H_

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/prioritize/prioritize.h"

namespace backplan {

// Time criticality per task (indexed like plan.tasks), from slack: slack 0
// (or negative) is 10, the largest slack among ranked tasks is 1, linear
// between. Only ranked tasks have entries that mean anything.
struct SlackUrgency {
  std::vector<double> value;
  std::vector<int> slack;  // Working days, clamped at 0.
  int max_slack = 0;
};

// From options.slack_days. INVALID_ARGUMENT for slack of an id that is no
// task or goal of `graph`, or a task of `ranked` (indices into plan.tasks)
// without slack.
absl::StatusOr<SlackUrgency> UrgencyFromSlack(const Plan& plan,
                                              const PlanGraph& graph,
                                              const std::vector<int>& ranked,
                                              const PrioritizeOptions& options);

// Own scores of the ranked tasks: (*scores)[index] and
// (*contributions)[index] for plan.tasks[index], other entries untouched.
// `urgency` is null unless options.use_schedule_slack. kWeighted also fills
// out->weights and, with an AHP matrix, out->ahp; it needs options.criteria
// not empty and returns ComputeAhpWeights' errors.
absl::Status ScoreTasks(const Plan& plan, const std::vector<int>& ranked,
                        const PrioritizeOptions& options,
                        const SlackUrgency* urgency,
                        std::vector<double>* scores,
                        std::vector<std::vector<Contribution>>* contributions,
                        Priorities* out);

// The value w and size p of ranked task plan.tasks[index], whose own score
// is `own`.
std::pair<double, double> ValueAndSize(PrioritizationMethod method,
                                       const Task& task,
                                       const SlackUrgency* urgency, int index,
                                       double own);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_PRIORITIZE_SCORING_H_

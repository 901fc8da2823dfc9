// Why each task sits where it does in the execution order: fills the set
// fields, `unlocks` and `reason` of TaskPriority from the ordering that
// produced them. Internal to libs/prioritize (Prioritize() calls it).
#ifndef BACKPLAN_LIBS_PRIORITIZE_EXPLAIN_H_
#define BACKPLAN_LIBS_PRIORITIZE_EXPLAIN_H_

#include <string>
#include <vector>

#include "libs/core/plan.h"
#include "libs/prioritize/prioritize.h"
#include "libs/prioritize/sidney.h"

namespace backplan {

// `tasks` are in the order of ordering.jobs (tasks[k] is job k). `problem`
// is the graph the ordering ran on, its first plan.tasks.size() nodes the
// plan's tasks.
void ExplainOrder(const Plan& plan, PrioritizationMethod method,
                  const OrderingProblem& problem, const Ordering& ordering,
                  std::vector<TaskPriority>* tasks);

// A ratio w / p in the method's units, e.g. "2.5 cost of delay per day".
std::string RatioText(PrioritizationMethod method, double ratio);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_PRIORITIZE_EXPLAIN_H_

// Manual breakdown edits and progress updates on the plain plan model
// (docs/DESIGN.md "Manual breakdown", "Progress"), applied in one pass.
//
//   std::vector<PlanEdit> edits(2);
//   edits[0].kind = PlanEdit::Kind::kExpandGoal;
//   edits[0].target_id = "g-store";                // an open goal
//   edits[0].tasks.push_back(write_listing);       // becomes its task
//   edits[1].kind = PlanEdit::Kind::kRemove;
//   edits[1].target_id = "t-old";                  // and every edge naming it
//   ASSIGN_OR_RETURN(PlanEditOrigins origins, ApplyPlanEdits(edits, &plan));
//   RETURN_IF_ERROR(ValidatePlan(plan));           // the result as a whole
//
// The kSet* edits replace a whole part of the plan (outcome, target date,
// calendar, pools) so that a plan file can be applied to a stored plan as
// one edit; whether the result holds together (a task demanding a pool that
// is gone, a target before the start) is ValidatePlan's to say.
//
// Edits apply in order, each to the result of the ones before, with exactly
// the meaning of the wire contract's PlanEdit (proto/backplan/v1/
// decomposition.proto); where ids repeat mid-request, an id names the first
// task or goal holding it. Cost: O(edits + plan size), using indexes by id
// instead of searching the plan for every edit (N edits on an N-task plan
// were quadratic when each one searched).
//
// Errors name the request field the way the wire contract spells it,
// "edits[<i>].<kind>.<field>": INVALID_ARGUMENT for an unknown id, removing
// the outcome goal, removing a dependency that does not exist or an empty
// edit; FAILED_PRECONDITION for expanding a goal that is not open. On error
// `plan` is left in an unspecified state. The edited plan is not validated
// here: call ValidatePlan (plan_graph.h) on the result.
#ifndef BACKPLAN_LIBS_CORE_PLAN_EDIT_H_
#define BACKPLAN_LIBS_CORE_PLAN_EDIT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/core/plan.h"

namespace backplan {

// One edit. Which fields count depends on `kind`.
struct PlanEdit {
  enum class Kind {
    kNone,              // An empty edit: refused.
    kExpandGoal,        // target_id: an open goal; goals/tasks: added under it.
    kAddTask,           // tasks[0]; target_id: its goal, "" for none.
    kUpdateTask,        // tasks[0] replaces the task with its id.
    kAddGoal,           // goals[0]; target_id: its parent goal, "" for none.
    kUpdateGoal,        // goals[0] replaces the goal with its id.
    kRemove,            // target_id: a task or goal, with every reference.
    kAddDependency,     // dependency.
    kRemoveDependency,  // dependency: every edge with its two ends goes.
    kSetOutcome,        // outcome replaces plan.outcome (title, criteria,
                        // target and start dates, facts).
    kSetTargetDate,     // outcome.target_date becomes the plan's target.
    kSetCalendar,       // calendar replaces plan.calendar.
    kSetResources,      // resources replace plan.resources (all pools).
  };
  Kind kind = Kind::kNone;
  std::string target_id;
  std::vector<Goal> goals;
  std::vector<Task> tasks;
  Dependency dependency;
  Outcome outcome;
  CalendarSpec calendar;
  std::vector<ResourcePool> resources;
};

// Where an element of the edited plan came from: `edit` -1 means the plan
// as it was, `index` then its position there; otherwise edits[edit], with
// `index` the position in that edit's tasks or goals (0 for a dependency).
// Lets a caller holding richer copies of the inputs (wire messages) rebuild
// the result from them. Goals keep their origin across edits of their
// sub-goal and task lists and state, which callers take from the plan.
struct EditOrigin {
  int edit = -1;
  int index = 0;
};
struct PlanEditOrigins {
  std::vector<EditOrigin> tasks;         // One per plan.tasks after the edit.
  std::vector<EditOrigin> goals;         // One per plan.goals.
  std::vector<EditOrigin> dependencies;  // One per plan.dependencies.
};

// Applies `edits` to `plan` in order (see the file comment).
absl::StatusOr<PlanEditOrigins> ApplyPlanEdits(absl::Span<const PlanEdit> edits,
                                               Plan* plan);

// A reported progress of one task.
struct ProgressUpdate {
  std::string task_id;
  TaskProgress progress;
};

// Sets each update's progress on the task with its id (a later update of the
// same task wins) and returns, per update, the index of that task in
// plan.tasks. INVALID_ARGUMENT `updates[<u>].task_id: unknown task "<id>"`
// when an id names no task; `plan` is then unchanged. O(updates + tasks).
absl::StatusOr<std::vector<int>> ApplyProgressUpdates(
    absl::Span<const ProgressUpdate> updates, Plan* plan);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CORE_PLAN_EDIT_H_

// Critical-path scheduling: a deadline for every task of a plan, working
// backwards from the outcome's target date (docs/DESIGN.md "Scheduling").
//
//   ScheduleRequest request;
//   request.today = absl::CivilDay(2026, 3, 2);  // injected, never the clock
//   ASSIGN_OR_RETURN(Timeline timeline, Schedule(plan, request));
//   for (const ScheduledNode& n : timeline.nodes) Use(n.id, n.deadline);
//
// Contract. All dates are absl::CivilDay, all durations, lags and slacks are
// counted in working days of the plan's calendar (calendar.h):
//   - A task of duration d >= 1 occupies d whole working days; its start and
//     finish days are both inclusive and its deadline is its finish day.
//   - A milestone (a goal, the outcome, or a task of duration 0) happens at the
//     end of its day; its start and finish are that one day.
//   - Finish-to-start a -> b with lag L: a task b starts no earlier than the
//     (L+1)-th working day after a's finish day; a milestone b falls no earlier
//     than the L-th working day after it (L = 0: on a's finish day). A task
//     after a milestone on day m starts on the (L+1)-th working day after m.
//     Equivalently, on the working-day time line where day i spans [i, i+1),
//     start(b) >= end(a) + L, with end = start + duration.
//   - Work starts on the first working day on or after the start date (the
//     plan's outcome.start_date, else request.today; with as_of, not before
//     as_of either). A milestone with nothing before it is therefore, at the
//     earliest, at the end of the last working day before that first day.
//   - Backward: the outcome's milestone falls on the target date or the last
//     working day before it. Every node's latest finish is the minimum over
//     its successors (latest start minus lag, as above) and, for a task, its
//     fixed deadline (the last working day on or before it). latest start =
//     latest finish - (d - 1) working days for tasks, = latest finish for
//     milestones. deadline_reason names what sets the latest finish; a fixed
//     deadline is named only when strictly tighter than every successor, and
//     ties between successors go to the smallest id.
//   - Forward: earliest start/finish from the start date. Slack = working
//     days from earliest start to latest start (negative when infeasible).
//   - Both passes always run; the mode only chooses which dates are the
//     `planned_start` and `deadline` of a node: latest (kBackward) or earliest
//     (kForward, as early as possible). Feasibility, slack and the critical
//     path are always measured against the target date.
//   - Infeasible (some slack < 0) is an answer, not an error: `feasible` is
//     false, `days_short` = -(minimal slack), `earliest_finish` is the
//     outcome's earliest finish and `causing_chain` the chain that causes it.
//
// Progress (only when request.as_of is set; otherwise progress is ignored and
// the plan is scheduled from scratch):
//   - kDone tasks stay fixed at their actual dates (actual_start, else
//     actual_finish - (d - 1)); all four dates are the actual ones, slack 0,
//     never critical, reason kDone. Successors wait for the actual finish.
//   - kInProgress tasks do their remaining_days from as_of (first working day
//     on or after it); earliest start = as_of, earliest finish = as_of +
//     remaining - 1 (remaining 0: done by the end of the day before as_of);
//     latest start is when the remaining work must resume at the latest.
//   - Done and in-progress tasks have begun, so their own predecessors are
//     treated as satisfied: they neither wait for them nor constrain them.
//   - Everything else starts no earlier than as_of.
//
// Cost: O(nodes + edges) plus O(log holidays) per calendar conversion; all
// pass arithmetic is on working-day indices (WorkingCalendar::IndexOf).
#ifndef BACKPLAN_LIBS_SCHEDULE_CPM_H_
#define BACKPLAN_LIBS_SCHEDULE_CPM_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"

namespace backplan {

enum class ScheduleMode {
  kBackward,  // Deadlines are latest finishes, ending on the target date.
  kForward,   // Deadlines are earliest finishes, as early as possible.
};

struct ScheduleRequest {
  ScheduleMode mode = ScheduleMode::kBackward;
  // "Today": the start date when the plan sets no outcome.start_date.
  absl::CivilDay today;
  // Schedule the remaining work from this day using each task's progress.
  std::optional<absl::CivilDay> as_of;
};

// Why a node's latest finish is what it is.
struct DeadlineReason {
  enum class Kind {
    kSuccessor,      // Timeline::nodes[successor] must start (or happen) after.
    kFixedDeadline,  // The task's own fixed deadline.
    kTarget,         // The outcome: the target date.
    kDone,           // Done (as_of schedules): the actual finish.
  };
  Kind kind = Kind::kTarget;
  // kSuccessor: the successor's index into Timeline::nodes (its id:
  // DeadlineSuccessorId()); -1 otherwise. An index rather than a copy of the
  // id keeps 100,000-node timelines cheap to build.
  int successor = -1;
};

struct ScheduledNode {
  std::string id;
  PlanGraph::Kind kind = PlanGraph::Kind::kTask;
  int source_index = -1;  // Into plan.tasks / plan.goals; -1 for the outcome.
  // Working days scheduled: the task's duration, remaining_days when in
  // progress, the actual span when done; 0 for milestones.
  int duration_days = 0;
  TaskStatus status = TaskStatus::kNotStarted;     // kNotStarted unless as_of.
  absl::CivilDay earliest_start, earliest_finish;  // Inclusive.
  absl::CivilDay latest_start, latest_finish;      // Inclusive.
  // Mode-dependent: latest (kBackward) or earliest (kForward) dates.
  absl::CivilDay planned_start, deadline;
  int64_t slack_days = 0;  // Working days from earliest to latest start.
  bool critical = false;   // Not done and slack == min_slack_days.
  DeadlineReason deadline_reason;
};

struct Timeline {
  ScheduleMode mode = ScheduleMode::kBackward;
  absl::CivilDay start_date;   // First working day work may start.
  absl::CivilDay target_date;  // outcome.target_date as given.
  std::optional<absl::CivilDay> as_of;
  // The outcome milestone's day in this mode: the last working day on or
  // before the target (kBackward) or its earliest finish (kForward).
  absl::CivilDay final_milestone;
  bool feasible = true;
  int64_t days_short = 0;  // max(0, -min_slack_days).
  // The earliest day the outcome can be reached.
  absl::CivilDay earliest_finish;
  int64_t min_slack_days = 0;  // Over nodes not done.
  // In PlanGraph node order: tasks, goals, then the synthetic outcome.
  std::vector<ScheduledNode> nodes;
  int outcome_node = -1;  // Index into nodes.
  // The chain of minimal slack, first node first: walking back from the
  // node with the least slack (the last in topological order on ties, so the
  // outcome unless a fixed deadline is tighter than the target), each step
  // takes the predecessor whose finish (plus lag) sets the node's earliest
  // start, preferring the smallest slack, then the smallest id. Its nodes are
  // the ones flagged `critical` along that chain.
  std::vector<std::string> critical_path;
  // Empty when feasible. Otherwise the same walk back from the node with the
  // most negative slack (on ties the last in topological order, so the
  // outcome when it is among them): the critical path when the target is
  // missed, or the chain into a task whose fixed deadline is missed by more.
  std::vector<std::string> causing_chain;
};

// Schedules `plan`, building its graph and calendar. INVALID_ARGUMENT as
// BuildPlanGraph and WorkingCalendar::Create return it, naming
// `tasks[i].demands` when a task demands a resource pool (those plans go to
// ScheduleWithResources, rcpsp_plan.h; UsesResources tells them apart),
// (with as_of) naming the task's progress field when a task started or
// finished after as_of, and naming the first task or goal whose dates would
// fall outside 0001-01-01..9999-12-31 (a calendar with too few working days
// between the start and the target). Never reads the clock.
absl::StatusOr<Timeline> Schedule(const Plan& plan,
                                  const ScheduleRequest& request);

// As above with the graph (BuildPlanGraph(plan)) and calendar
// (WorkingCalendar::Create(plan.calendar)) already built, so callers that
// schedule one plan repeatedly pay for validation once. `graph` must have
// been built from `plan` (CheckGraphOfPlan, else INVALID_ARGUMENT). Demands
// are ignored here: this is the resource-free timeline that
// ScheduleWithResources starts from.
absl::StatusOr<Timeline> Schedule(const Plan& plan, const PlanGraph& graph,
                                  const WorkingCalendar& calendar,
                                  const ScheduleRequest& request);

// The id of the successor that sets `node`'s deadline; empty unless its
// deadline_reason is kSuccessor.
absl::string_view DeadlineSuccessorId(const Timeline& timeline,
                                      const ScheduledNode& node);

// The node with `id`, or nullptr. O(nodes).
const ScheduledNode* FindNode(const Timeline& timeline, absl::string_view id);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_CPM_H_

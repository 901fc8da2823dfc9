// Resource-constrained timelines: a plan's tasks laid out so that no pool
// ever has more people busy than it has, working backwards from the target
// (or forwards from the start), with honest bounds on how good the layout is
// (docs/DESIGN.md "Scheduling", resources).
//
//   ResourceScheduleOptions options;
//   options.seed = 7;
//   options.priority_order = execution_order;  // optional: prioritization's
//   ASSIGN_OR_RETURN(ResourceTimeline rt,
//                    ScheduleWithResources(plan, request, options));
//   Use(rt.timeline.final_milestone, rt.makespan_days, rt.gap_percent);
//
// Contract. Dates are absl::CivilDay; durations, makespans and bounds are
// working days of the plan's calendar; start and finish dates are inclusive,
// exactly as in cpm.h (a task of d days occupies d working days; a milestone
// is at the end of its day; finish-to-start with lag; goals are zero-duration
// milestones):
//   - Pools: `capacity` people on every working day, fewer on its
//     `reduced_days` (a reduced day that is not a working day changes
//     nothing). A task needs `units` people of each pool it names (units of
//     one pool listed twice add up) on every day of its duration: never
//     split, never interrupted.
//   - Calendars per person (ResourcePool::member_calendars,
//     ResourceDemand::member; member_calendar.h): a pool's people on a day
//     are its members available that day (not on a day off, on one of
//     their working weekdays), capped by its reduced_days. The search sees
//     those counts; a staffing pass then gives each task members who work
//     on every one of its days and are on nothing else, the named member
//     where a demand names one, moving a task (and what follows it) later
//     where the counts alone were not enough. So makespan_days and
//     gap_percent are the staffed schedule's; the bounds stay valid.
//     INVALID_ARGUMENT naming the task (and member) when a task can never be
//     staffed (e.g. a member who works one day a week named on a two-day
//     task). Assignees are then pool by pool in plan.resources order, named
//     members first.
//   - kBackward: the problem is mirrored about the target and scheduled from
//     there, so the final milestone falls on the target date (the last
//     working day on or before it) and every task ends as late as the
//     resources allow; fixed deadlines are respected (they only move tasks
//     earlier). If the work then starts before the start date, the plan is
//     infeasible by that many working days.
//   - kForward: as early as possible from the start date (the plan's
//     outcome.start_date, else request.today); fixed deadlines and the
//     target are not constraints, they only decide `feasible`.
//   - The search (rcpsp.h) is a serial schedule-generation scheme with the
//     caller's priority order, LFT and MSLK, double justification, biased
//     random sampling and a genetic search on `threads` islands, within
//     options.max_schedules and out_of_time; it is deterministic for a given
//     seed, budget and thread count.
// Timeline fields (cpm.h) in a resource timeline: planned_start and deadline
// of every node, final_milestone, feasible and days_short (the work outside
// [start date, target] or a missed fixed deadline, in working days) are the
// resource-constrained schedule's. earliest_*, latest_*, slack, critical and
// critical_path stay the resource-free critical-path values (what the
// dependencies alone allow). earliest_finish is, for kForward, the
// resource-constrained final milestone; for kBackward, the day the same
// number of working days (makespan) after the start date runs out (exact
// when no pool has reduced days), and never before the resource-free
// earliest finish.
//
// Resource slack (resource_slack.h, in the schedule's own frame: later for
// kForward, earlier - away from the target - for kBackward):
// resource_slack_days[j] is the most working days node j can slip, with
// every dependency kept and every two tasks sharing a pool kept in the order
// this schedule gave them (and no task moved onto a short-handed day of its
// pool it did not already cover), before the work needs more days in
// total; resource_critical[j] when that is 0. With member calendars the
// slip is checked against each pool's people per day, not against which
// member could still do the task (a slip may need another member). waits[j]
// says what holds it where it is (the dependency, or the pool and the task
// before it on that pool).
//
// Progress (request.as_of with tasks in progress or done): done tasks keep
// their actual dates and use nobody; in-progress tasks do their remaining
// days under their demands (their predecessors count as satisfied, as in
// cpm.h) and keep the members in options.kept_assignees when those are free
// then; everything else is re-planned from as_of with the pools.
#ifndef BACKPLAN_LIBS_SCHEDULE_RCPSP_PLAN_H_
#define BACKPLAN_LIBS_SCHEDULE_RCPSP_PLAN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/cpm.h"

namespace backplan {

struct ResourceScheduleOptions {
  // Schedules generated (SGS passes, justification passes included), >= 1.
  int max_schedules = 1000;
  uint64_t seed = 0;
  // Task ids, most urgent first (the prioritization service's execution
  // order). Scheduled as one priority rule; unknown ids are ignored, and
  // nodes not listed follow their earliest listed successor.
  std::vector<std::string> priority_order;
  // Checked between schedules; true ends the search with the best so far.
  // The caller injects the clock; nothing here reads it.
  std::function<bool()> out_of_time;
  // Islands of the genetic search (rcpsp::Options::threads), 1..16.
  int threads = 1;
  // Refuse plans whose horizon (working days) times pools exceeds this.
  int64_t max_horizon_cells = 4 << 20;
  // Task id -> members already on it (e.g. from the stored schedule); used
  // for tasks in progress only. A member who is not in one of the task's
  // pools, or who would then be on two tasks at once, is not kept.
  absl::flat_hash_map<std::string, std::vector<std::string>> kept_assignees;
};

// What holds a node where it is in a resource timeline (see above).
struct ResourceWait {
  enum class Kind {
    kNone,        // The start date, the target, or a fixed deadline.
    kDependency,  // `task` (a dependency) is right next to it.
    kPool,        // `pool` goes to or comes from `task` (by `member`).
    kShortDay,    // `pool` has fewer people on `day`.
  };
  Kind kind = Kind::kNone;
  std::string task;
  std::string pool;
  std::string member;  // Empty unless one named member does both tasks.
  absl::CivilDay day;  // kShortDay.
  // E.g. "waits for pool testers after t-qa (Tess)" (kForward) or
  // "pool testers is needed for t-qa next (Tess)" (kBackward); empty for
  // kNone.
  std::string text;
};

struct ResourceTimeline {
  Timeline timeline;  // See the contract above.
  // Per node (Timeline::nodes order): the named members doing it, pool by
  // pool in the task's demand order; empty for pools without members. No
  // member is on two tasks on the same working day.
  std::vector<std::vector<std::string>> assignees;
  // Working days from the first task's start to the final milestone (both
  // inclusive) in the schedule's own frame: from the start date (kForward)
  // or back from the target (kBackward, including days before the target
  // that fixed deadlines force to be left idle).
  int makespan_days = 0;
  // Lower bounds on makespan_days: the critical path (dependencies, lags,
  // fixed deadlines in kBackward), and the busiest pool's work (sum of
  // duration * units) over its capacity day by day. lower = their max.
  int critical_path_bound_days = 0;
  int resource_bound_days = 0;
  // The stronger bounds of rcpsp::Result (energy: each pool's work between
  // its tasks' heads and tails; conflict: tasks needing more than half a
  // pool, which never overlap). lower = the max of all four, and
  // lower_bound_name names it ("critical path", "resource", "energy",
  // "conflict"; the first in that order on a tie).
  int energy_bound_days = 0;
  int conflict_bound_days = 0;
  std::string lower_bound_name;
  int lower_bound_days = 0;
  // 100 * (makespan - lower) / lower; 0 when lower is 0. An upper bound on
  // how far from optimal the schedule is.
  double gap_percent = 0.0;
  int schedules = 0;      // SGS passes run.
  std::string best_rule;  // Which rule found it, e.g. "latest finish (LFT)".
  // Per node (Timeline::nodes order), see "Resource slack" above. Done
  // tasks: 0, not critical, kNone.
  std::vector<int64_t> resource_slack_days;
  std::vector<bool> resource_critical;
  std::vector<ResourceWait> waits;
};

// True when some task demands a pool.
bool UsesResources(const Plan& plan);

// Schedules `plan` under its resources. INVALID_ARGUMENT as Schedule() (cpm.h)
// returns it; naming the task and pool when one task's demands on a pool add
// up above its capacity; and for a plan too large for the horizon limit.
absl::StatusOr<ResourceTimeline> ScheduleWithResources(
    const Plan& plan, const ScheduleRequest& request,
    const ResourceScheduleOptions& options);

// As above with the graph and calendar built (see Schedule in cpm.h).
absl::StatusOr<ResourceTimeline> ScheduleWithResources(
    const Plan& plan, const PlanGraph& graph, const WorkingCalendar& calendar,
    const ScheduleRequest& request, const ResourceScheduleOptions& options);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_RCPSP_PLAN_H_

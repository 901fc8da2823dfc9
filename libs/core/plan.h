// The plan model: what Backplan works on, as plain C++ types.
//
// A plan states an outcome with a target date and breaks it down backwards
// into goals (what must hold first) and tasks (work that makes goals hold).
// Every goal is a milestone (zero duration) that depends on its tasks and on
// its sub-goals' milestones; a goal's tasks depend on its sub-goals'
// milestones (preconditions first). Explicit finish-to-start dependencies may
// be added between any two tasks or goals.
//
// These types carry no behaviour; validation and the derived dependency graph
// live in plan_graph.h. Dates are absl::CivilDay (no time zone); durations are
// in working days of the plan's calendar (calendar.h).
#ifndef BACKPLAN_LIBS_CORE_PLAN_H_
#define BACKPLAN_LIBS_CORE_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"

namespace backplan {

// The value an unset (0) 1-10 attribute is treated as.
inline constexpr int kDefaultAttributeValue = 5;

// Returns `value`, or kDefaultAttributeValue when it is 0 (unset).
inline int AttributeOrDefault(int value) {
  return value == 0 ? kDefaultAttributeValue : value;
}

// Prioritization attributes of a task (docs/DESIGN.md "Prioritization").
// The five integer criteria are 1-10, 0 meaning unset (read as 5).
struct TaskAttributes {
  int importance = 0;
  int difficulty = 0;
  int business_value = 0;
  int time_criticality = 0;
  int risk_reduction = 0;
  // RICE inputs; unset unless the caller gives them.
  std::optional<double> rice_reach;       // >= 0, people or events per period.
  std::optional<double> rice_impact;      // one of 3, 2, 1, 0.5, 0.25.
  std::optional<double> rice_confidence;  // 0..1.
  std::optional<double> rice_effort;      // person-days, > 0.
};

// Units of a resource pool a task needs on every day of its duration.
struct ResourceDemand {
  std::string pool;  // ResourcePool::name.
  int units = 1;     // >= 1 and <= the pool's capacity.
  // Optional: the pool member who must do it (units is then 1); the task
  // waits until that member is free and available on all its days.
  std::string member;
};

enum class TaskStatus { kNotStarted, kInProgress, kDone };

// Reported progress of a task.
struct TaskProgress {
  TaskStatus status = TaskStatus::kNotStarted;
  // kInProgress: working days still needed from the as-of date (>= 0).
  int remaining_days = 0;
  std::optional<absl::CivilDay> actual_start;   // kInProgress, kDone.
  std::optional<absl::CivilDay> actual_finish;  // kDone (inclusive).
};

// A unit of work.
struct Task {
  std::string id;     // Unique among tasks and goals of the plan.
  std::string title;  // Human text.
  // Most likely duration in working days, >= 0; 0 makes it a milestone.
  int duration_days = 0;
  // Three-point estimate bounds: optimistic <= duration <= pessimistic.
  std::optional<int> optimistic_days;
  std::optional<int> pessimistic_days;
  TaskAttributes attributes;
  // The task must finish on or before this day (inclusive), tightening the
  // backward pass.
  std::optional<absl::CivilDay> fixed_deadline;
  bool flagged = false;  // Marked by a person for attention; no semantics.
  std::vector<ResourceDemand> demands;
  TaskProgress progress;
  // A person marked it as scope that may be cut to hit the date (Options,
  // libs/schedule/options.h). Nothing is cut unless marked.
  bool optional = false;
};

enum class GoalState {
  kBrokenDown,  // Achieved by its sub-goals and tasks.
  kOpen,        // Nobody has broken it down yet; needs a person or an RPC.
  kFact,        // Already true at the start; needs no work.
};

// Something that must hold; scheduled as a zero-duration milestone.
struct Goal {
  std::string id;  // Unique among tasks and goals of the plan.
  std::string title;
  std::vector<std::string> sub_goal_ids;  // Goals that must hold first.
  std::vector<std::string> task_ids;      // Tasks that make this goal hold.
  GoalState state = GoalState::kBrokenDown;
  std::string recipe;  // Name of the recipe that broke it down, if any.
  // May be cut with its sub-tree to hit the date (libs/schedule/options.h).
  // Never the outcome goal.
  bool optional = false;
};

// Finish-to-start: `successor_id` starts after `predecessor_id` finishes,
// `lag_days` (>= 0) working days later. Either end may be a task or a goal.
struct Dependency {
  std::string predecessor_id;
  std::string successor_id;
  int lag_days = 0;
};

// Which days are worked. Empty working_weekdays means Monday to Friday.
struct CalendarSpec {
  std::vector<absl::Weekday> working_weekdays;
  std::vector<absl::CivilDay> holidays;
};

// A day on which a pool has fewer people than its capacity.
struct CapacityException {
  absl::CivilDay day;
  int capacity = 0;  // >= 0 and < the pool's capacity.
};

// When one member of a pool works: the plan's working days, restricted to
// `working_weekdays` (part-time; empty means every working day) and minus
// `days_off` (leave).
struct MemberCalendar {
  std::string member;  // One of ResourcePool::members.
  std::vector<absl::Weekday> working_weekdays;
  std::vector<absl::CivilDay> days_off;
};

// A role with a number of people available per working day.
struct ResourcePool {
  std::string name;  // Unique in the plan.
  int capacity = 1;  // People per working day, >= 1.
  std::vector<std::string>
      members;  // Optional names; if set, size == capacity.
  std::vector<CapacityException> reduced_days;
  // When named members work (at most one per member; see MemberCalendar).
  // A pool's people on a day: its members available that day, capped by
  // reduced_days.
  std::vector<MemberCalendar> member_calendars;
};

// The desired end state.
struct Outcome {
  std::string title;
  std::vector<std::string> success_criteria;
  // The outcome must hold by the end of this day (inclusive); the final
  // milestone falls on it or on the last working day before it.
  absl::CivilDay target_date;
  // Work may start on this day (or the first working day after it). Unset:
  // the caller's "today".
  std::optional<absl::CivilDay> start_date;
  std::vector<std::string> facts;  // Statements already true at the start.
};

// A whole plan. `version` counts edits: only plan edits bump it.
struct Plan {
  std::string id;
  std::string tenant;
  int64_t version = 0;
  Outcome outcome;
  // The goal that is the outcome's final milestone. Empty: a synthetic
  // milestone with id kOutcomeNodeId ends the plan.
  std::string outcome_goal_id;
  std::vector<Goal> goals;
  std::vector<Task> tasks;
  std::vector<Dependency> dependencies;
  CalendarSpec calendar;
  std::vector<ResourcePool> resources;
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CORE_PLAN_H_

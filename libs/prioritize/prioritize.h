// Prioritization: which tasks of a plan to focus on first, and why.
//
// Prioritize() scores every ranked task of a plan by one method, and orders
// the tasks so that, done one after another in that order, the most value is
// delivered soonest: every method gives each task a value w and a size p, and
// the execution order is the dependency-respecting order (goals and
// milestones included, lags ignored) that minimises sum(w * C), C being the
// task's completion (the sizes of it and everything before it). The rank is
// the position in that order. Optional MoSCoW tiers for a capacity follow the
// order. Every score comes with its per-criterion contributions, and every
// task with the reason for its place.
//
//   PrioritizeOptions options;
//   options.method = PrioritizationMethod::kWsjf;
//   options.capacity_days = 40;
//   ASSIGN_OR_RETURN(Priorities priorities, Prioritize(plan, options));
//   for (const TaskPriority& t : priorities.tasks) { ... t.rank, t.reason ... }
//
// Ranked tasks are the plan's tasks with duration_days > 0. A task of
// duration 0 is a milestone: it is not scored or ranked (it is listed in
// Priorities::unranked_task_ids), but, like goals, it passes dependencies on.
//
// Methods (own score of a ranked task; 1-10 attributes read 0 as 5), and the
// value w and size p the order weighs:
//   kImportance    importance + (11 - difficulty) / 100: highest importance
//                  first, ties by lower difficulty (the tie-break term is
//                  below 0.11, so it never outweighs one step of importance).
//                  w = score, p = 1.
//   kHardestFirst  difficulty + importance / 100: de-risk first, ties by
//                  higher importance. w = score, p = 1.
//   kQuickWins     importance / difficulty. w = importance, p = difficulty.
//   kWsjf          (business_value + time_criticality + risk_reduction) /
//                  job size, job size = duration_days. With
//                  use_schedule_slack, time_criticality comes from slack.
//                  w = cost of delay (the sum), p = duration_days.
//   kRice          reach * impact * confidence / effort; every ranked task
//                  must carry all four RICE inputs. w = reach * impact *
//                  confidence, p = effort.
//   kWeighted      sum over the criteria of weight * value, each value
//                  min-max normalised to [0, 1] over the ranked tasks (a
//                  criterion on which all tasks are equal normalises to 0 for
//                  all); weights are the caller's scaled to sum 1, derived by
//                  AHP from a pairwise comparison matrix, or, when neither is
//                  given, DefaultWeightedCriteria(). w = score, p = 1.
//
// The order is found by OrderForWeightedCompletion (sidney.h): Sidney's
// decomposition with Lawler's algorithm inside series-parallel sets, optimal
// on series-parallel plans and close elsewhere, and a fast list-scheduling
// variant above exact_max_nodes plan nodes.
//
// Effective score (kept for callers that read it; it no longer drives the
// order): max of the task's own score and the own scores of every ranked task
// that depends on it, directly or through goals and milestones.
//
// Ties: scores or ratios within 1e-9 relative are equal, then the lower task
// id (byte-wise) goes first. Pure and deterministic: equal inputs give equal
// outputs, whatever the order of tasks in the plan. No clock, randomness or
// I/O.
#ifndef BACKPLAN_LIBS_PRIORITIZE_PRIORITIZE_H_
#define BACKPLAN_LIBS_PRIORITIZE_PRIORITIZE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/prioritize/ahp.h"
#include "libs/prioritize/criteria.h"
#include "libs/prioritize/sidney.h"

namespace backplan {

enum class PrioritizationMethod {
  kImportance,
  kHardestFirst,
  kQuickWins,
  kWsjf,
  kRice,
  kWeighted,
};

// "importance", "hardest_first", "quick_wins", "wsjf", "rice", "weighted".
absl::string_view PrioritizationMethodName(PrioritizationMethod method);

// MoSCoW tiers.
enum class Tier { kUnset, kMust, kShould, kCould, kWont };

// "unset", "must", "should", "could", "wont".
absl::string_view TierName(Tier tier);

// Cumulative fractions of PrioritizeOptions::capacity_days up to which tasks
// are MUST, SHOULD and COULD; the rest are WON'T. Requires
// 0 <= must <= should <= could, all finite.
struct TierFractions {
  double must = 0.6;
  double should = 0.8;
  double could = 1.0;
};

struct PrioritizeOptions {
  PrioritizationMethod method = PrioritizationMethod::kImportance;

  // kWeighted only (refused with other methods): the criteria, each at most
  // once; none (and no ahp_matrix) means DefaultWeightedCriteria().
  std::vector<WeightedCriterion> criteria;
  // kWeighted only: when not empty, the weights of `criteria` are derived by
  // AHP from this matrix (row/column i = criteria[i]); the matrix is refused
  // when its consistency ratio exceeds ahp_max_consistency_ratio.
  AhpMatrix ahp_matrix;
  double ahp_max_consistency_ratio = kDefaultMaxConsistencyRatio;

  // Derive time criticality from schedule slack instead of the attribute
  // (kWsjf, or kWeighted with a kTimeCriticality criterion; refused
  // otherwise): slack 0 (or negative) -> 10, falling linearly to 1 at the
  // largest slack among ranked tasks (all 10 if that is 0).
  bool use_schedule_slack = false;
  // Slack in working days by task id, from a schedule of this plan; every
  // ranked task must have an entry, and every entry must name a task or goal
  // of the plan. Refused (like slack_plan_version) without
  // use_schedule_slack.
  absl::flat_hash_map<std::string, int> slack_days;
  // Plan version the slack was computed from; when set and different from
  // plan.version the call fails with FAILED_PRECONDITION (stale schedule).
  std::optional<int64_t> slack_plan_version;

  // When set (> 0), tasks get tiers: walking the execution order and adding
  // up durations, a task whose running total (itself included) is within
  // tiers.must * capacity is MUST, within tiers.should * capacity SHOULD,
  // within tiers.could * capacity COULD, and WON'T beyond. Tiers therefore
  // never improve along the execution order.
  std::optional<int> capacity_days;
  TierFractions tiers;

  // Plans of more nodes (tasks plus goals) use the fast ordering.
  int exact_max_nodes = 1000;
  // Polled during the ordering; true makes the call fail with CANCELLED.
  std::function<bool()> should_stop;
};

// How one criterion produced part of a task's own score, for every method:
// contribution = weight * normalized_value, and the contributions of a task
// sum to its own score (up to rounding). A divisor (WSJF's job size, quick
// wins' difficulty, RICE's effort) and the other factors of a product (RICE's
// impact and confidence) show in the weight of the term they scale; their own
// weight and contribution are 0 and their note says so.
struct Contribution {
  std::string criterion;  // E.g. "importance", "rice_reach", "job_size".
  double raw_value = 0;   // As read (unset 1-10 attributes as 5) or derived.
  // The value the weight applies to: for kWeighted, raw_value min-max
  // normalised to [0, 1]; for the tie-break terms of kImportance and
  // kHardestFirst, 11 - difficulty and importance; otherwise raw_value.
  double normalized_value = 0;
  double weight = 0;
  double contribution = 0;
  // Where the value came from or what it does, when not plainly the
  // attribute: "unset = 5"; "slack S of M" (time criticality from slack S
  // working days, M the largest slack); "tie-break"; "divisor"; "factor".
  std::string note;
};

struct TaskPriority {
  std::string task_id;
  int task_index = 0;  // Index into plan.tasks.
  double own_score = 0;
  // max(own_score, own scores of all ranked tasks depending on this one).
  double effective_score = 0;
  // Empty when own_score == effective_score; otherwise the id of the
  // dependent task whose own score is the effective score (the lowest id if
  // several are).
  std::string inherited_from;
  int rank = 0;  // 1-based position in the execution order.
  Tier tier = Tier::kUnset;
  std::vector<Contribution> contributions;

  // Why it sits where it does.
  double order_value = 0;  // w (see the methods above).
  double order_size = 0;   // p.
  // The set it was ordered in (1-based, in order): a prerequisite-closed set
  // of the tasks left at that point with the highest total value per total
  // size (one task per set with the fast ordering).
  int set_index = 0;
  int set_tasks = 0;     // Tasks in the set.
  double set_ratio = 0;  // Total w / total p of the set.
  // Tasks later in the same set that depend on it, directly or not, in
  // order; at most kMaxUnlocksListed. With the fast ordering, the next task
  // on its best chain of dependents.
  std::vector<std::string> unlocks;
  std::string reason;  // One line for a person, e.g. "first of 3 tasks ...".
};

// At most this many ids in TaskPriority::unlocks.
inline constexpr int kMaxUnlocksListed = 10;

// The weight a kWeighted prioritization used for a criterion.
struct CriterionWeight {
  std::string criterion;
  double weight = 0;  // Weights sum to 1.
  bool prefer_lower = false;
  double min_value = 0;  // Over the ranked tasks; the normalisation range.
  double max_value = 0;
};

struct Priorities {
  PrioritizationMethod method = PrioritizationMethod::kImportance;
  int64_t plan_version = 0;
  // Ranked tasks in execution order: tasks[k].rank == k + 1.
  std::vector<TaskPriority> tasks;
  // The same order as ids.
  std::vector<std::string> execution_order;
  // Tasks of duration 0 (milestones), in plan order.
  std::vector<std::string> unranked_task_ids;
  // kWeighted: the weights used, in the order of the request's criteria.
  std::vector<CriterionWeight> weights;
  // kWeighted with an AHP matrix: the AHP result.
  std::optional<AhpResult> ahp;
  // Total duration of the ranked tasks in each tier (when tiers were asked).
  int must_days = 0, should_days = 0, could_days = 0, wont_days = 0;
  // sum(w * C) of the execution order, C counted in units of p.
  double weighted_completion = 0;
  bool exact_order = true;  // false: the fast ordering ran.
  int num_sets = 0;
};

// Prioritizes `plan`, whose graph `graph` must be BuildPlanGraph(plan) (the
// caller may build it once and share it with other stages).
//
// INVALID_ARGUMENT for: a graph that does not belong to the plan; an
// attribute out of range (1-10 or 0; RICE reach >= 0, impact in {3, 2, 1,
// 0.5, 0.25}, confidence 0-1, effort > 0), naming the task and the field
// (e.g. `tasks[0].attributes.rice_effort: task "t1": ...`); with kRice, a
// ranked task missing a RICE input, named likewise; criteria, weights or an AHP
// matrix given to a method other than kWeighted; for kWeighted no criteria, a
// repeated criterion, a weight negative or not finite, all weights 0, weights
// given together with an AHP matrix, a matrix whose size differs from the
// criteria, or any error of ComputeAhpWeights (including a consistency ratio
// above the threshold, quoted in the message); use_schedule_slack with a
// method that does not read time criticality, a ranked task without slack, or
// slack for an unknown id; capacity_days <= 0; tier fractions not ordered
// 0 <= must <= should <= could or not finite.
// FAILED_PRECONDITION when slack_plan_version differs from plan.version.
// CANCELLED when should_stop returns true.
absl::StatusOr<Priorities> Prioritize(const Plan& plan, const PlanGraph& graph,
                                      const PrioritizeOptions& options);

// Builds the graph with BuildPlanGraph(plan) (returning its errors) and
// prioritizes.
absl::StatusOr<Priorities> Prioritize(const Plan& plan,
                                      const PrioritizeOptions& options);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_PRIORITIZE_PRIORITIZE_H_

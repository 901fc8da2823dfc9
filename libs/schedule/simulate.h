// Monte Carlo risk analysis: how likely the plan's date is, and which tasks
// decide it (docs/DESIGN.md "Scheduling", risk).
//
//   SimulationOptions options;
//   options.iterations = 10000;
//   options.seed = 7;
//   options.today = absl::CivilDay(2026, 3, 2);  // injected, never the clock
//   options.pool = &compute_pool;                // optional
//   ASSIGN_OR_RETURN(SimulationResult risk, Simulate(plan, options));
//   Use(risk.probability_on_time, risk.percentiles);
//
// Contract. Dates are absl::CivilDay; durations are whole working days of the
// plan's calendar, laid out exactly as cpm.h lays them out.
//   - Each run draws every task's duration from its three-point estimate
//     (optimistic_days <= duration_days <= pessimistic_days; a missing bound
//     is the most likely value): PERT-beta (alpha = 1 + 4 (m - o) / (p - o),
//     beta = 1 + 4 (p - m) / (p - o) on [o, p]) or triangular. The draw is
//     rounded half up to whole days (x in [k - 0.5, k + 0.5) becomes k) and
//     is at least 1; a task with duration_days 0 stays a milestone and a task
//     without a range (o == p) is fixed. DurationPmf() gives that discrete
//     distribution.
//   - Then the plan is laid forward from the start date (outcome.start_date,
//     else today; with as_of, from progress as Schedule() does: done tasks
//     stay at their actual dates, in-progress tasks do their remaining_days
//     from as_of, undrawn), and the run records the outcome milestone's day.
//   - Plans whose tasks demand pools: every run is one serial SGS pass
//     (rcpsp::ScheduleList) over the run's durations, so contention counts.
//     Its activity list is fixed for the simulation: `priority_order` (as in
//     rcpsp_plan.h: nodes not listed follow their earliest listed successor),
//     else the LFT rule on the most likely durations; either made precedence
//     feasible by taking, at each step, the highest-priority node whose
//     predecessors are all listed. Progress is not supported there
//     (INVALID_ARGUMENT), as in rcpsp_plan.h.
//   - Calendars per person (member_calendar.h, as in rcpsp_plan.h): the SGS
//     pass sees each pool's people per day (members available that day,
//     capped by reduced_days), and its schedule is then staffed by the same
//     pass as ScheduleWithResources (StaffWithCalendars): named members are
//     waited for and nobody works on a day off, moving tasks later where
//     needed. With fixed durations a run's finish is the forward
//     ScheduleWithResources finish for the same priority order and
//     max_schedules = 1. A task that can never be staffed is
//     INVALID_ARGUMENT as there.
//   - A node is critical in a run when a chain of "tight" links leads from it
//     to the outcome: each link a predecessor that ends (plus lag) exactly
//     when its successor starts. Without people that is zero total float; with
//     people it is the dependency definition applied to the run's resource-
//     constrained starts (a task held back by a busy pool breaks the chain).
//   - Run i draws only from its own random stream, derived from (seed, i), and
//     every statistic is an integer sum until the end, so the result is
//     identical whatever the number of threads, and across processes.
//   - Memory is O(nodes + working days between the start and the latest
//     possible finish) per worker, independent of the number of runs.
//
// Errors: INVALID_ARGUMENT as BuildPlanGraph / Schedule return it (naming the
// task, e.g. `tasks[3].optimistic_days`), and naming the option for
// iterations outside 1..kMaxSimulationIterations, a percentile outside
// (0, 100), iterations times nodes above kMaxSimulationWork (or, for a plan
// with member calendars, kMaxSimulationCalendarWork), a plan whose
// pessimistic horizon exceeds kMaxSimulationHorizon working days, or
// a run (with member calendars) finishing more than that many working days
// after the start; DEADLINE_EXCEEDED when `stop` returned true before all
// runs.
#ifndef BACKPLAN_LIBS_SCHEDULE_SIMULATE_H_
#define BACKPLAN_LIBS_SCHEDULE_SIMULATE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/common/compute_pool.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"

namespace backplan {

inline constexpr int kMaxSimulationIterations = 100000;
// Working days from the start to the latest possible finish.
inline constexpr int64_t kMaxSimulationHorizon = 1 << 22;
inline constexpr int kMaxSimulationPercentiles = 100;
// Runs times plan nodes (tasks, goals, the outcome): about 10 s of one
// core at the measured ~9 ns per node and run.
inline constexpr int64_t kMaxSimulationWork = 1000000000;
// The same budget for plans with member calendars (member_calendar.h),
// whose runs are each staffed day by day: about 10 s of one core at the
// measured ~2.8 us per node and run (BENCHMARKS.md, 1,000 tasks, 10 people).
inline constexpr int64_t kMaxSimulationCalendarWork = 3500000;

enum class DurationDistribution { kPert, kTriangular };

struct SimulationOptions {
  int iterations = 1000;  // 1..kMaxSimulationIterations.
  uint64_t seed = 0;
  DurationDistribution distribution = DurationDistribution::kPert;
  // Percentiles reported besides 10, 50, 80, 90 and 95; each in (0, 100).
  std::vector<double> percentiles;
  // The start date when the plan sets none.
  absl::CivilDay today;
  // Simulate the remaining work from this day using each task's progress.
  std::optional<absl::CivilDay> as_of;
  // Plans with people: task ids, most urgent first (see above).
  std::vector<std::string> priority_order;
  // Polled between blocks of runs, from several threads at once (so it must
  // be thread-safe); true stops the simulation with DEADLINE_EXCEEDED.
  std::function<bool()> stop;
  // Runs are split over this pool (not owned); null: all on the caller.
  ComputePool* pool = nullptr;
};

struct FinishPercentile {
  double percentile = 0;  // In (0, 100).
  // The earliest day by which at least `percentile` % of runs finished.
  absl::CivilDay day;
};

struct FinishDay {
  absl::CivilDay day;
  int64_t runs = 0;  // Runs whose outcome fell on this day (> 0).
  double cumulative_probability = 0;  // Share of runs finished by this day.
};

struct WeekBucket {
  absl::CivilDay monday;  // The week is monday .. monday + 6.
  int64_t runs = 0;       // Runs finishing in the week (may be 0).
};

// Per task of the plan (plan.tasks order).
struct TaskRisk {
  std::string id;
  // Share of runs in which the task was critical (see above).
  double criticality = 0;
  // The task's deadline: its latest finish in the most-likely backward
  // schedule (cpm.h), and the share of runs in which it finished by then.
  absl::CivilDay deadline;
  double probability_by_deadline = 0;
  // Pearson correlation of the task's drawn duration with the outcome's
  // finish (in working days); 0 for a fixed task or a constant finish.
  double sensitivity = 0;
  double mean_duration_days = 0;
};

struct SimulationResult {
  int iterations = 0;
  uint64_t seed = 0;
  absl::CivilDay start_date;   // First working day work may start.
  absl::CivilDay target_date;  // outcome.target_date.
  // The outcome's earliest finish with most likely durations (cpm.h, or the
  // LFT/priority SGS pass with people).
  absl::CivilDay deterministic_finish;
  bool resource_constrained = false;
  // Share of runs whose outcome fell on or before target_date.
  double probability_on_time = 0;
  double mean_finish_working_days = 0;  // From the start date.
  // 10, 50, 80, 90, 95 and the requested ones, ascending, without repeats.
  std::vector<FinishPercentile> percentiles;
  std::vector<FinishDay> finish_days;  // Ascending days.
  std::vector<WeekBucket> histogram;   // Every week from first to last finish.
  std::vector<TaskRisk> tasks;         // plan.tasks order.

  // Share of runs finished on or before `day`.
  double ProbabilityBy(absl::CivilDay day) const;
  // The percentile entry for `percentile`, or nullptr.
  const FinishPercentile* Percentile(double percentile) const;
};

// Runs the simulation on `plan`. See the contract above.
absl::StatusOr<SimulationResult> Simulate(const Plan& plan,
                                          const SimulationOptions& options);

// The discretised duration of a task with estimate (o, m, p), o <= m <= p,
// m >= 1: pmf[k] = P(rounded draw == o + k) for k in 0..p-o, before the
// "at least 1" rule. INVALID_ARGUMENT unless 0 <= o <= m <= p.
absl::StatusOr<std::vector<double>> DurationPmf(int optimistic, int most_likely,
                                                int pessimistic,
                                                DurationDistribution dist);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_SIMULATE_H_

// Resource-constrained project scheduling (RCPSP) on integer periods: the
// engine behind resource-aware timelines (docs/DESIGN.md "Scheduling",
// resources).
//
// A Problem is a set of jobs with durations, finish-to-start precedences with
// non-negative lags, release periods, and renewable resources with a capacity
// per period that may be lower on given periods. Solve() looks for a
// non-preemptive schedule of minimal makespan with a serial schedule
// generation scheme (SGS): priority rules (latest finish LFT, minimum slack
// MSLK, an optional caller order), forward-backward improvement (double
// justification) and regret-based biased random sampling across a budget of
// generated schedules, then a genetic search over activity lists
// (rcpsp_genetic.h: two-point crossover, precedence-keeping mutation,
// double justification of every offspring, a neighbourhood step on the best)
// seeded from those schedules, on `threads` islands. It is deterministic for
// a given seed, budget and thread count and never reads the clock: a time
// limit comes in as an injected `out_of_time` callback.
//
//   rcpsp::Problem problem;
//   problem.capacity = {2};
//   problem.duration = {3, 2};
//   problem.demand = {1, 2};                 // job-major: [job * K + r]
//   problem.precedences.push_back({0, 1, 0});
//   ASSIGN_OR_RETURN(rcpsp::Result result, rcpsp::Solve(problem, {}));
//   // result.start == {0, 3}, result.makespan == 5
//
// Contract (units are periods, e.g. working-day indices from the schedule's
// origin):
//   - Period t spans [t, t + 1). Job j occupies [start[j], start[j] +
//     duration[j]): `duration[j]` whole periods, start and last period both
//     inclusive; it uses demand[j * K + r] units of resource r on every one of
//     them, never split. A job of duration 0 is a point (a milestone) and
//     uses nothing.
//   - Precedence {from, to, lag}: start[to] >= start[from] + duration[from] +
//     lag.
//   - start[j] >= release[j] (0 when `release` is empty) and >= 0.
//   - On every period, the summed demand of the jobs running on resource r is
//     at most its capacity on that period: `capacity[r]`, or the capacity of
//     a `reduced` entry for (r, period).
//   - makespan = max over jobs of start + duration (0 for no jobs).
#ifndef BACKPLAN_LIBS_SCHEDULE_RCPSP_H_
#define BACKPLAN_LIBS_SCHEDULE_RCPSP_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace backplan {
namespace rcpsp {

struct Precedence {
  int from = 0;
  int to = 0;
  int lag = 0;  // >= 0 periods.
};

// A period on which a resource has fewer units than its capacity.
struct ReducedCapacity {
  int resource = 0;
  int period = 0;    // >= 0.
  int capacity = 0;  // >= 0; the lowest entry wins when one repeats.
};

struct Problem {
  std::vector<int> duration;  // Per job, >= 0.
  std::vector<int> release;   // Per job, >= 0; empty: all 0.
  std::vector<int> capacity;  // Per resource, >= 0.
  std::vector<int> demand;    // num_jobs * num_resources, job-major.
  std::vector<Precedence> precedences;
  std::vector<ReducedCapacity> reduced;

  int num_jobs() const { return static_cast<int>(duration.size()); }
  int num_resources() const { return static_cast<int>(capacity.size()); }
  int Demand(int job, int resource) const {
    return demand[static_cast<size_t>(job) * capacity.size() + resource];
  }
};

// INVALID_ARGUMENT for: sizes that do not match, negative values, a job or
// resource index out of range, a demand above its resource's capacity, a
// precedence cycle, and a problem whose schedule horizon (release + reduced
// periods + durations + lags) exceeds `max_horizon_cells` periods times
// resources.
absl::Status ValidateProblem(const Problem& problem,
                             int64_t max_horizon_cells = 64 << 20);

// The priority rules of the deterministic passes.
enum class Rule {
  kCallerOrder,   // Options::caller_order: earlier first.
  kLatestFinish,  // LFT: smallest latest finish first.
  kMinSlack,      // MSLK: smallest slack (latest - earliest start) first.
  kSampling,      // Regret-based biased random sampling on LFT (+ FBI).
  kGenetic,       // An offspring or neighbour in the genetic search.
};

const char* RuleName(Rule rule);

struct Options {
  // Schedules generated (every SGS pass counts, the justification passes
  // too), >= 1. The deterministic passes run first, as far as it allows.
  int max_schedules = 1000;
  uint64_t seed = 0;
  // A priority order over jobs (every job at most once; missing jobs come
  // after, by index). Empty: no caller-order pass.
  std::vector<int> caller_order;
  // Checked between schedules; returning true ends the search with the best
  // schedule so far (at least one schedule is always generated). Inject the
  // clock here; the library never reads it.
  // Checked between generations of the genetic search too, from the
  // islands' threads (the library serializes the calls).
  std::function<bool()> out_of_time;
  // Islands of the genetic search, 1..kMaxThreads, each on its own thread
  // (the caller's for one), exchanging their best every few generations. The
  // budget is split evenly among them; the result depends on the seed, the
  // budget and `threads` only (unless out_of_time ends it early).
  int threads = 1;
  // Runs body(0), ..., body(count - 1), possibly concurrently, and returns
  // when all have returned (e.g. on a process-wide pool). Empty: one
  // std::thread per island, created per call.
  std::function<void(int count, const std::function<void(int)>& body)>
      run_islands;
};

// Upper bound on Options::threads.
inline constexpr int kMaxThreads = 16;

struct Result {
  std::vector<int> start;  // Per job.
  int makespan = 0;
  // Lower bounds on the makespan: the longest path (durations, lags,
  // releases; resources ignored), and the resource bound: over resources, the
  // first period by which the cumulative capacity covers the summed
  // duration * demand (ceil(work / capacity) without reduced periods).
  int critical_path_bound = 0;
  int resource_bound = 0;
  // Stronger bounds from heads (resource-free earliest starts, releases
  // included) and tails (critical path minus latest finish: periods that
  // must follow a job's finish). For a resource r and thresholds a, b, the
  // jobs using r with head >= a and tail >= b run inside [a, M - b):
  //   energy_bound: max of a + ceil(their duration * demand / capacity) + b;
  //   conflict_bound: the same over the jobs needing more than half of r's
  //     capacity (no two of them overlap) with their durations summed.
  // All pairs of thresholds for up to 2000 jobs per resource (else the
  // smallest head or tail with every other threshold). Nominal capacities,
  // so reduced periods only make them weaker, never wrong.
  int energy_bound = 0;
  int conflict_bound = 0;
  int lower_bound = 0;       // max of the four.
  double gap_percent = 0.0;  // 100 * (makespan - lower) / lower; 0 if lower 0.
  int schedules = 0;         // SGS passes run.
  Rule best_rule = Rule::kLatestFinish;  // What found `start`.
};

// Solves `problem` (ValidateProblem first; its errors are returned).
// INVALID_ARGUMENT also for max_schedules < 1 or threads outside
// 1..kMaxThreads.
absl::StatusOr<Result> Solve(const Problem& problem, const Options& options);

// The serial SGS on a fixed activity list: jobs in `order` (a permutation
// that lists every job after its predecessors, else INVALID_ARGUMENT), each at
// its earliest precedence- and resource-feasible start. Used by tests and
// brute force; every active schedule is one of these.
absl::StatusOr<std::vector<int>> ScheduleList(const Problem& problem,
                                              absl::Span<const int> order);

// Independent feasibility check of `start` against every rule of the contract
// above (precedence with lag, release, capacity on every period). OK, or
// FAILED_PRECONDITION naming the first violation. Shares no code with the SGS.
absl::Status CheckSchedule(const Problem& problem, absl::Span<const int> start);

// max over jobs of start + duration.
int Makespan(const Problem& problem, absl::Span<const int> start);

}  // namespace rcpsp
}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_RCPSP_H_

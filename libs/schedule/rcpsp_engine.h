// Internal to libs/schedule: the serial schedule-generation scheme (SGS)
// behind rcpsp.h, shared by Solve(), ScheduleList() and the genetic search
// (rcpsp_genetic.h). Not a public API: callers use rcpsp.h.
//
// An Engine holds one problem's precedence graph in both directions and a
// resource profile over the horizon; it is not thread-safe (one per thread).
// Times are periods as in rcpsp.h. `start` vectors are per job.
#ifndef BACKPLAN_LIBS_SCHEDULE_RCPSP_ENGINE_H_
#define BACKPLAN_LIBS_SCHEDULE_RCPSP_ENGINE_H_

#include <cstdint>
#include <random>
#include <vector>

#include "absl/functional/function_ref.h"
#include "libs/schedule/rcpsp.h"

namespace backplan {
namespace rcpsp {
namespace internal {

// The one horizon formula (validation and the engine's profile): every job
// after the last release and the last reduced period, one after another,
// with every lag, plus slack. No SGS schedule ends past it.
int64_t HorizonOf(const Problem& problem);

// Resource-free earliest starts and latest finishes (the latter against the
// critical path `cp`), and the resource bound of rcpsp::Result.
struct Times {
  std::vector<int> earliest_start, latest_finish;
  int critical_path = 0;
};
Times ResourceFreeTimes(const Problem& problem, const std::vector<int>& topo);
int ResourceBound(const Problem& problem);
// The bounds of rcpsp::Result named energy_bound and conflict_bound.
int EnergyBound(const Problem& problem, const Times& times);
int ConflictBound(const Problem& problem, const Times& times);

// The problem seen in one direction. Forward is the problem as given; the
// mirror reverses every precedence and reflects time about a makespan M
// (period t <-> M - 1 - t), which turns right-justification into the same
// serial SGS.
struct Orientation {
  std::vector<int> pred_off, pred_job, pred_lag;  // CSR, in this direction.
  std::vector<int> succ_off, succ_job;
  std::vector<int> indegree;
  std::vector<int> release;
  std::vector<int> topo;       // A topological order in this direction.
  std::vector<int> topo_rank;  // Position of each job in `topo`.
  std::vector<int> base;       // Capacity per period, resource-major, K * H.
  int mirrored_about = -1;     // Mirror only: the M `base` reflects.
};

class Engine {
 public:
  // `problem` must be valid (ValidateProblem) and outlive the engine.
  explicit Engine(const Problem& problem);

  // Serial SGS over `order` (precedence-feasible in `o`). Returns the
  // makespan, or -1 if the horizon was too short (a bug guard).
  int RunList(const Orientation& o, const std::vector<int>& order,
              std::vector<int>* start);
  // Serial SGS picking, among eligible jobs, the smallest priority (ties:
  // topological rank).
  int RunRule(const Orientation& o, const std::vector<int>& priority,
              std::vector<int>* start);
  // Serial SGS picking among eligible jobs at random with probability
  // proportional to (max priority - priority + 1)^2: regret-based biased
  // random sampling.
  int RunSampled(const Orientation& o, const std::vector<int>& priority,
                 std::mt19937_64& gen, std::vector<int>* start);

  // Backward then forward justification of `start` (forward frame, makespan
  // *makespan), repeated while it improves and `may_run()` allows another
  // pass; counts each pass in *passes. Keeps the best.
  void Justify(std::vector<int>* start, int* makespan, int* passes,
               absl::FunctionRef<bool()> may_run);

  // Jobs by start, ties in o's topological order (a precedence-feasible
  // list for any feasible schedule; the SGS on it gives a schedule no
  // later than `start` job by job).
  void OrderByStart(const Orientation& o, const std::vector<int>& start,
                    std::vector<int>* order);

  const Orientation& forward() const { return fwd_; }
  int horizon() const { return h_; }

 private:
  void BuildOrientation(bool mirror, Orientation* o) const;
  void PrepareMirror(int m);
  void ResetProfile(const Orientation& o);
  int Place(const Orientation& o, int j, const int* start);

  const Problem& p_;
  int n_ = 0, k_ = 0, h_ = 0;
  std::vector<int> dur_;
  std::vector<int> dem_off_, dem_res_, dem_q_;
  std::vector<int> nominal_;
  bool has_reduced_ = false;
  Orientation fwd_, mir_;
  std::vector<int> avail_;
  int touched_hi_ = 0;  // avail_ differs from its base only below this.
  const Orientation* avail_of_ = nullptr;
  std::vector<int> scratch_start_, scratch_start2_, scratch_order_, indeg_,
      eligible_, bucket_;
  std::vector<double> weight_;
};

}  // namespace internal
}  // namespace rcpsp
}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_RCPSP_ENGINE_H_

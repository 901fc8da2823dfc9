// The independent feasibility check: shares no code with the SGS
// (rcpsp_engine.cc), so a bug there cannot hide itself here.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/schedule/rcpsp.h"

namespace backplan {
namespace rcpsp {

int Makespan(const Problem& problem, absl::Span<const int> start) {
  int makespan = 0;
  for (int j = 0; j < problem.num_jobs(); ++j) {
    makespan = std::max(makespan, start[j] + problem.duration[j]);
  }
  return makespan;
}

absl::Status CheckSchedule(const Problem& problem,
                           absl::Span<const int> start) {
  const int n = problem.num_jobs();
  if (static_cast<int>(start.size()) != n) {
    return absl::FailedPreconditionError(absl::StrCat(
        "schedule has ", start.size(), " starts for ", n, " jobs"));
  }
  for (int j = 0; j < n; ++j) {
    const int release = problem.release.empty() ? 0 : problem.release[j];
    if (start[j] < release) {
      return absl::FailedPreconditionError(absl::StrCat(
          "job ", j, " starts at ", start[j], " before its release ", release));
    }
  }
  for (const Precedence& pr : problem.precedences) {
    if (start[pr.to] < start[pr.from] + problem.duration[pr.from] + pr.lag) {
      return absl::FailedPreconditionError(absl::StrCat(
          "precedence ", pr.from, " -> ", pr.to, ": job ", pr.to, " starts at ",
          start[pr.to], " but ", pr.from, " ends at ",
          start[pr.from] + problem.duration[pr.from], " with lag ", pr.lag));
    }
  }
  // Usage per resource and period, summed job by job: the plain definition.
  const int makespan = Makespan(problem, start);
  for (int r = 0; r < problem.num_resources(); ++r) {
    std::vector<int64_t> used(makespan, 0);
    for (int j = 0; j < n; ++j) {
      const int q = problem.Demand(j, r);
      for (int t = start[j]; t < start[j] + problem.duration[j]; ++t) {
        used[t] += q;
      }
    }
    std::vector<int64_t> cap(makespan, problem.capacity[r]);
    for (const ReducedCapacity& rc : problem.reduced) {
      if (rc.resource == r && rc.period < makespan) {
        cap[rc.period] = std::min<int64_t>(cap[rc.period], rc.capacity);
      }
    }
    for (int t = 0; t < makespan; ++t) {
      if (used[t] > cap[t]) {
        return absl::FailedPreconditionError(
            absl::StrCat("resource ", r, " on period ", t, ": ", used[t],
                         " units used, capacity ", cap[t]));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace rcpsp
}  // namespace backplan

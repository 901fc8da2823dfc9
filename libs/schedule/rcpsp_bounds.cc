// Lower bounds and resource-free times for rcpsp::Solve (rcpsp_engine.h).
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "libs/schedule/rcpsp_engine.h"

namespace backplan {
namespace rcpsp {
namespace internal {

Times ResourceFreeTimes(const Problem& problem, const std::vector<int>& topo) {
  const int n = problem.num_jobs();
  Times times;
  std::vector<int>& es = times.earliest_start;
  std::vector<int>& lf = times.latest_finish;
  es.assign(n, 0);
  lf.assign(n, 0);
  std::vector<std::vector<std::pair<int, int>>> pred(n), succ(n);
  for (const Precedence& pr : problem.precedences) {
    pred[pr.to].push_back({pr.from, pr.lag});
    succ[pr.from].push_back({pr.to, pr.lag});
  }
  int cp = 0;
  for (const int j : topo) {
    int t = problem.release.empty() ? 0 : problem.release[j];
    for (const auto& [q, lag] : pred[j]) {
      t = std::max(t, es[q] + problem.duration[q] + lag);
    }
    es[j] = t;
    cp = std::max(cp, t + problem.duration[j]);
  }
  // Latest finishes: a backward pass over the successors, with lags.
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    const int j = *it;
    int f = cp;
    for (const auto& [s, lag] : succ[j]) {
      f = std::min(f, lf[s] - problem.duration[s] - lag);
    }
    lf[j] = f;
  }
  times.critical_path = cp;
  return times;
}

int ResourceBound(const Problem& problem) {
  const int n = problem.num_jobs();
  int result = 0;
  for (int r = 0; r < problem.num_resources(); ++r) {
    int64_t work = 0;
    for (int j = 0; j < n; ++j) {
      work += int64_t{problem.duration[j]} * problem.Demand(j, r);
    }
    if (work == 0) continue;
    // Cumulative capacity: nominal except on reduced periods.
    std::vector<std::pair<int, int>> reduced;  // (period, capacity)
    for (const ReducedCapacity& rc : problem.reduced) {
      if (rc.resource == r) reduced.push_back({rc.period, rc.capacity});
    }
    std::sort(reduced.begin(), reduced.end());
    const int64_t cap = problem.capacity[r];
    int64_t covered = 0;
    int64_t t = 0;
    size_t i = 0;
    int bound = -1;
    while (i < reduced.size()) {
      // Nominal periods [t, reduced[i].period).
      const int64_t free = (reduced[i].first - t) * cap;
      if (covered + free >= work) break;
      covered += free;
      t = reduced[i].first;
      int64_t c = cap;
      while (i < reduced.size() && reduced[i].first == t) {
        c = std::min<int64_t>(c, reduced[i].second);
        ++i;
      }
      covered += c;
      ++t;
      if (covered >= work) {
        bound = static_cast<int>(t);
        break;
      }
    }
    if (bound < 0) {
      bound = static_cast<int>(t + (work - covered + cap - 1) / cap);
    }
    result = std::max(result, bound);
  }
  return result;
}

}  // namespace internal
}  // namespace rcpsp
}  // namespace backplan

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

namespace {

// Work on one resource that must fit between its jobs' heads and tails.
struct Item {
  int head = 0;  // Earliest start.
  int tail = 0;  // Periods that must follow its finish.
  int64_t work = 0;
};

// max over thresholds a (a head) and b (a tail) of
// a + ceil(work of the items with head >= a and tail >= b / cap) + b: those
// items run (using `cap` per period at most) inside [a, makespan - b). All
// pairs of thresholds up to kMaxPairs items, else a = min head or b = min
// tail only.
int WindowBound(std::vector<Item> items, int64_t cap) {
  if (items.empty() || cap <= 0) return 0;
  constexpr size_t kMaxPairs = 2000;
  std::sort(items.begin(), items.end(),
            [](const Item& x, const Item& y) { return x.tail > y.tail; });
  std::vector<int> heads;
  int min_head = items[0].head;
  for (const Item& item : items) {
    heads.push_back(item.head);
    min_head = std::min(min_head, item.head);
  }
  std::sort(heads.begin(), heads.end());
  heads.erase(std::unique(heads.begin(), heads.end()), heads.end());
  if (items.size() > kMaxPairs) heads = {min_head};
  int64_t best = 0;
  for (const int a : heads) {
    int64_t work = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].head < a) continue;
      work += items[i].work;
      // Items sorted by tail descending: at the last of a tail value, every
      // item with tail >= it is in.
      if (i + 1 < items.size() && items[i + 1].tail == items[i].tail) continue;
      best = std::max(best, a + (work + cap - 1) / cap + items[i].tail);
    }
  }
  if (items.size() > kMaxPairs) {  // b = min tail, every a.
    std::sort(items.begin(), items.end(),
              [](const Item& x, const Item& y) { return x.head > y.head; });
    int min_tail = items[0].tail;
    for (const Item& item : items) min_tail = std::min(min_tail, item.tail);
    int64_t work = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      work += items[i].work;
      if (i + 1 < items.size() && items[i + 1].head == items[i].head) continue;
      best = std::max(best, items[i].head + (work + cap - 1) / cap + min_tail);
    }
  }
  return static_cast<int>(std::min<int64_t>(best, 1 << 30));
}

}  // namespace

int EnergyBound(const Problem& problem, const Times& times) {
  int result = 0;
  for (int r = 0; r < problem.num_resources(); ++r) {
    std::vector<Item> items;
    for (int j = 0; j < problem.num_jobs(); ++j) {
      const int d = problem.duration[j];
      if (d == 0 || problem.Demand(j, r) == 0) continue;
      items.push_back({times.earliest_start[j],
                       times.critical_path - times.latest_finish[j],
                       int64_t{d} * problem.Demand(j, r)});
    }
    result =
        std::max(result, WindowBound(std::move(items), problem.capacity[r]));
  }
  return result;
}

int ConflictBound(const Problem& problem, const Times& times) {
  int result = 0;
  for (int r = 0; r < problem.num_resources(); ++r) {
    // Two jobs each needing more than half of r never run together.
    std::vector<Item> items;
    for (int j = 0; j < problem.num_jobs(); ++j) {
      const int d = problem.duration[j];
      if (d == 0 || 2 * problem.Demand(j, r) <= problem.capacity[r]) continue;
      items.push_back({times.earliest_start[j],
                       times.critical_path - times.latest_finish[j], d});
    }
    result = std::max(result, WindowBound(std::move(items), 1));
  }
  return result;
}

}  // namespace internal
}  // namespace rcpsp
}  // namespace backplan

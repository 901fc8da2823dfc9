#include "libs/prioritize/sidney_fast.h"

#include <queue>
#include <vector>

namespace backplan::prioritize_internal {

absl::Status OrderFast(const OrderingProblem& pb,
                       const OrderingOptions& options, Ordering* out) {
  const int n = static_cast<int>(pb.value.size());
  // Best chain from each node: (value, size) of the node plus the best
  // chain of one successor, when that raises the ratio.
  std::vector<double> chain_value(n, 0), chain_size(n, 0);
  std::vector<int> chain_next(n, -1), chain_first(n, -1);
  for (auto it = pb.topological_order.rbegin();
       it != pb.topological_order.rend(); ++it) {
    const int u = *it;
    const bool job = pb.size[u] > 0;
    double v = pb.value[u], p = pb.size[u];
    int next = -1;
    for (int e = pb.succ_offsets[u]; e < pb.succ_offsets[u + 1]; ++e) {
      const int s = pb.succ[e];
      if (chain_size[s] <= 0) continue;
      const double cv = pb.value[u] + chain_value[s];
      const double cp = pb.size[u] + chain_size[s];
      if (p <= 0 || CompareRatios(cv / cp, v / p) > 0) {
        v = cv;
        p = cp;
        next = chain_first[s];
      }
    }
    chain_value[u] = v;
    chain_size[u] = p;
    chain_next[u] = job ? next : -1;
    chain_first[u] = job ? u : next;
  }
  auto after = [&](int a, int b) {  // True when b goes before a.
    int c = CompareRatios(chain_value[a] / chain_size[a],
                          chain_value[b] / chain_size[b]);
    if (c != 0) return c < 0;
    c = CompareRatios(pb.value[a] / pb.size[a], pb.value[b] / pb.size[b]);
    if (c != 0) return c < 0;
    return pb.tie_rank[a] > pb.tie_rank[b];
  };
  std::priority_queue<int, std::vector<int>, decltype(after)> ready(after);
  std::vector<int> pending(n), free_ready;
  for (int u = 0; u < n; ++u) {
    pending[u] = pb.pred_offsets[u + 1] - pb.pred_offsets[u];
    if (pending[u] == 0)
      (pb.size[u] > 0 ? ready.push(u) : free_ready.push_back(u));
  }
  auto release = [&](int u) {
    for (int e = pb.succ_offsets[u]; e < pb.succ_offsets[u + 1]; ++e) {
      const int s = pb.succ[e];
      if (--pending[s] == 0) {
        (pb.size[s] > 0 ? ready.push(s) : free_ready.push_back(s));
      }
    }
  };
  int steps = 0;
  while (true) {
    while (!free_ready.empty()) {
      const int u = free_ready.back();
      free_ready.pop_back();
      release(u);
    }
    if (ready.empty()) break;
    if ((++steps & 4095) == 0 && options.should_stop && options.should_stop()) {
      return absl::CancelledError(
          "prioritization stopped (deadline or cancel)");
    }
    const int u = ready.top();
    ready.pop();
    release(u);
    OrderingSet set;
    set.value = pb.value[u];
    set.size = pb.size[u];
    set.ratio = set.value / set.size;
    set.first = static_cast<int>(out->jobs.size());
    set.count = 1;
    out->set_of_node[u] = static_cast<int>(out->sets.size());
    OrderedJob job;
    job.job = u;
    job.set = static_cast<int>(out->sets.size());
    job.placement = Placement::kFastChain;
    job.chain_ratio = chain_value[u] / chain_size[u];
    job.chain_next = chain_next[u];
    out->sets.push_back(set);
    out->jobs.push_back(job);
  }
  return absl::OkStatus();
}

}  // namespace backplan::prioritize_internal

// Dinic's maximum flow on double capacities, for the minimum cuts of
// Sidney's decomposition (sidney.cc). Internal to libs/prioritize.
//
//   MaxFlow flow(4);
//   flow.AddEdge(0, 1, 2.5);  ...
//   flow.Run(/*s=*/0, /*t=*/3, /*eps=*/1e-12);
//   std::vector<bool> cut = flow.SourceSide(0);
#ifndef BACKPLAN_LIBS_PRIORITIZE_MAX_FLOW_H_
#define BACKPLAN_LIBS_PRIORITIZE_MAX_FLOW_H_

#include <vector>

namespace backplan::prioritize_internal {

// Nodes are 0..n-1. Residual capacities at or below `eps` (given to Run)
// count as saturated.
class MaxFlow {
 public:
  explicit MaxFlow(int n) : head_(n, -1), level_(n), next_edge_(n) {}

  // A directed edge u -> v; capacity >= 0 (infinity allowed).
  void AddEdge(int u, int v, double capacity);

  // Pushes the maximum flow from s to t and returns its value. Call once.
  double Run(int s, int t, double eps);

  // Nodes reachable from s in the residual graph after Run(): the source
  // side of the minimum cut that is smallest by inclusion.
  std::vector<bool> SourceSide(int s) const;

 private:
  void Add(int u, int v, double capacity);
  bool Levels(int s, int t);
  double Push(int u, int t, double limit);

  std::vector<int> head_, level_, next_edge_;
  std::vector<int> to_, next_;
  std::vector<double> cap_;
  double eps_ = 0;
};

}  // namespace backplan::prioritize_internal

#endif  // BACKPLAN_LIBS_PRIORITIZE_MAX_FLOW_H_

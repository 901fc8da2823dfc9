// Dinic's maximum flow on double capacities, for the minimum cuts of
// Sidney's decomposition (sidney.cc). Internal to libs/prioritize.
//
// One object is reused for many small cuts: Reset() keeps the memory, so a
// cut allocates nothing once the buffers have grown.
//
//   MaxFlow flow;
//   flow.Reset(4);
//   flow.AddEdge(0, 1, 2.5);  ...
//   flow.Run(/*s=*/0, /*t=*/3, /*eps=*/1e-12);
//   std::vector<char> seen;
//   flow.Reach(0, &seen);  // Source side of the inclusion-minimal min cut.
#ifndef BACKPLAN_LIBS_PRIORITIZE_MAX_FLOW_H_
#define BACKPLAN_LIBS_PRIORITIZE_MAX_FLOW_H_

#include <vector>

namespace backplan::prioritize_internal {

// Nodes are 0..n-1. Residual capacities at or below `eps` (given to Run)
// count as saturated.
class MaxFlow {
 public:
  MaxFlow() = default;
  explicit MaxFlow(int n) { Reset(n); }

  // Drops every edge and sizes the graph to `n` nodes.
  void Reset(int n);

  // A directed edge u -> v; capacity >= 0 (infinity allowed).
  void AddEdge(int u, int v, double capacity);

  // Pushes the maximum flow from s to t and returns its value. Call once
  // per Reset().
  double Run(int s, int t, double eps);

  // After Run(): marks with 1 in `*seen` (sized to the node count when it is
  // smaller) every node reachable from `start` in the residual graph that is
  // not marked yet, not passing through marked nodes. Reach(s) on a cleared
  // `seen` is the source side of the minimum cut smallest by inclusion;
  // Reach(v) added to it is the smallest minimum cut whose source side holds
  // v, when it does not mark t (Picard and Queyranne).
  void Reach(int start, std::vector<char>* seen) const;

  // Reach(s) as a fresh vector.
  std::vector<bool> SourceSide(int s) const;

 private:
  void Add(int u, int v, double capacity);
  bool Levels(int s, int t);
  double Push(int u, int t, double limit);

  std::vector<int> head_, level_, next_edge_, queue_;
  std::vector<int> to_, next_;
  std::vector<double> cap_;
  mutable std::vector<int> stack_;
  double eps_ = 0;
};

}  // namespace backplan::prioritize_internal

#endif  // BACKPLAN_LIBS_PRIORITIZE_MAX_FLOW_H_

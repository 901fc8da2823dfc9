// Sidney ordering: a dependency-respecting order of jobs on one machine that
// minimises the value-weighted completion sum(w_j * C_j) (1|prec|sum wC), the
// objective behind every prioritization method's execution order.
//
// Jobs are the nodes of a DAG. Each has a value w >= 0 and a size p >= 0; a
// job of size 0 must have value 0 and is "free" (a goal or milestone): it
// only carries precedence and is not in the returned order. C_j is the sum of
// the sizes of the jobs up to and including j.
//
//   OrderingProblem problem;  // value, size, edges, tie_rank
//   ASSIGN_OR_RETURN(Ordering ordering, OrderForWeightedCompletion(problem));
//   for (const OrderedJob& job : ordering.jobs) { ... job.job, job.set ... }
//
// Exact algorithm (at most OrderingOptions::exact_max_nodes nodes):
//   1. Sidney decomposition: repeatedly take a ratio-maximal initial set, a
//      prerequisite-closed set S of the remaining jobs maximising
//      w(S) / p(S), found exactly by Dinkelbach's iteration over maximum
//      weight closures (one minimum cut each, Dinic's max-flow); among sets
//      of the same ratio the inclusion-minimal one found by the cut is taken,
//      and sets of up to kRefineMaxJobs jobs are refined to an inclusion-
//      minimal one. Some optimal order runs each such set before the rest.
//   2. Inside a set: if its jobs form a series-parallel order (no induced
//      "N"), Lawler's algorithm orders them optimally; otherwise the ready job
//      with the highest w/p goes first and the rest of the set is decomposed
//      again from step 1.
//   Optimal on series-parallel plans (every tree, chain, fork and join); on
//   other plans close to optimal (within 0.5 % on average on random plans of
//   up to 12 tasks, see sidney_test.cc) and never worse than 2x (Sidney
//   orders are 2-approximations).
// Fast algorithm (larger plans): list scheduling; among ready jobs take the
//   one whose best chain of dependents, taken together with it, is worth the
//   most per unit of size (w + W) / (p + P), computed once backwards over the
//   DAG in O(n + e); ties by its own w/p, then tie_rank. O((n + e) log n).
//
// Ratios within 1e-9 relative of each other are equal; equal choices break by
// tie_rank (smaller first). Pure and deterministic.
#ifndef BACKPLAN_LIBS_PRIORITIZE_SIDNEY_H_
#define BACKPLAN_LIBS_PRIORITIZE_SIDNEY_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"

namespace backplan {

// Ratios closer than this (relative) compare equal.
inline constexpr double kRatioTolerance = 1e-9;

// Sets of at most this many jobs are refined to an inclusion-minimal
// ratio-maximal set (one cut, then one residual-graph search per job).
inline constexpr int kRefineMaxJobs = 64;

// -1, 0 or 1 as a < b, a == b (within kRatioTolerance relative), a > b.
int CompareRatios(double a, double b);

struct OrderingProblem {
  // Per node: value w (finite, >= 0) and size p (finite, >= 0; p == 0 only
  // with w == 0, a free node).
  std::vector<double> value;
  std::vector<double> size;
  // Edges u -> v (u must finish before v starts), compressed: the successors
  // of u are succ[succ_offsets[u] .. succ_offsets[u + 1]); predecessors
  // likewise. Must describe the same acyclic graph.
  std::vector<int> succ_offsets, succ;
  std::vector<int> pred_offsets, pred;
  // A topological order of all nodes.
  std::vector<int> topological_order;
  // Tie-break rank per node, smaller first (e.g. position in id order).
  std::vector<int> tie_rank;
};

struct OrderingOptions {
  // The exact algorithm runs on graphs of at most this many nodes; larger
  // graphs use the fast one.
  int exact_max_nodes = 1000;
  // Polled between cuts and list steps; when it returns true the call fails
  // with CANCELLED. May be empty.
  std::function<bool()> should_stop;
};

// How a job came to its place.
enum class Placement {
  kSidneySet,  // In a ratio-maximal set, ordered by Lawler or alone.
  kGreedy,     // Highest w/p among the ready jobs of a non-series-parallel set.
  kFastChain,  // The fast algorithm: best ready chain.
};

struct OrderedJob {
  int job = 0;
  // Index into Ordering::sets of the innermost set the job was ordered in.
  int set = 0;
  Placement placement = Placement::kSidneySet;
  // kFastChain: the ratio of the job's best chain and the next job on it
  // (-1 when the job is worth most alone).
  double chain_ratio = 0;
  int chain_next = -1;
};

struct OrderingSet {
  double value = 0;  // Total w of its jobs.
  double size = 0;   // Total p.
  double ratio = 0;  // value / size.
  int first = 0;     // Index into Ordering::jobs of its first job.
  int count = 0;     // Jobs (not free nodes) in it, consecutive in jobs.
};

struct Ordering {
  std::vector<OrderedJob> jobs;  // Jobs of positive size, in order.
  std::vector<OrderingSet> sets;
  // Per node: the set it was ordered in (-1 for free nodes never needed
  // inside a set).
  std::vector<int> set_of_node;
  bool exact = true;  // Which algorithm ran.
};

// Orders the jobs. INVALID_ARGUMENT for inconsistent sizes or values (a bug
// in the caller); CANCELLED when should_stop says so.
absl::StatusOr<Ordering> OrderForWeightedCompletion(
    const OrderingProblem& problem, const OrderingOptions& options = {});

// sum(w_j * C_j) of `order` (jobs of positive size, in order).
double WeightedCompletion(const OrderingProblem& problem,
                          const std::vector<int>& order);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_PRIORITIZE_SIDNEY_H_

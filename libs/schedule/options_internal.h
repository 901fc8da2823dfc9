// Internals of options.cc shared with its tests and benchmark: the cut-scope
// model (removal closure, allowed cuts, the dependency finish of a plan with
// nodes removed) and the exact and greedy searches over it.
#ifndef BACKPLAN_LIBS_SCHEDULE_OPTIONS_INTERNAL_H_
#define BACKPLAN_LIBS_SCHEDULE_OPTIONS_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"

namespace backplan::options_internal {

// A plan's graph seen as removable work. `removed` vectors are per graph
// node (1 = removed). `graph` must outlive the model.
class CutModel {
 public:
  CutModel(const Plan& plan, const PlanGraph& graph,
           const absl::flat_hash_map<std::string, double>& values);

  // Optional tasks and goals (graph nodes), by id: all of them, and those
  // that some allowed cut can remove (the ones searched).
  const std::vector<int>& marked() const { return items_; }
  const std::vector<int>& items() const { return cuttable_; }
  bool is_item(int node) const { return is_item_[node] != 0; }
  int num_nodes() const { return static_cast<int>(parents_.size()); }
  const std::string& id(int node) const { return graph_.nodes[node].id; }

  // Adds every node all of whose parent goals are removed (sub-trees).
  void Close(std::vector<char>* removed) const;
  // A kept node with an explicit dependency on a removed one, or -1.
  int FirstBrokenDependency(const std::vector<char>& removed) const;
  // The outcome's earliest finish without the removed nodes, as working
  // days from the first working day (-1: before it). `end` is scratch.
  int64_t Finish(const std::vector<char>& removed,
                 std::vector<int64_t>* end) const;
  // Sum of the removed tasks' values.
  double Value(const std::vector<char>& removed) const;

 private:
  const PlanGraph& graph_;
  std::vector<std::vector<int>> parents_;      // Goals listing the node.
  std::vector<std::pair<int, int>> explicit_;  // Plan dependencies.
  std::vector<double> value_;                  // Per task node.
  std::vector<int> items_;
  std::vector<int> cuttable_;
  std::vector<char> is_item_;
  std::vector<int> reverse_topo_;
};

// Finds the cut whose finish is at most `aim` (as CutModel::Finish).
class CutSearch {
 public:
  CutSearch(const CutModel& model, int64_t aim, std::function<bool()> stop)
      : model_(model), aim_(aim), stop_(std::move(stop)) {}

  absl::Status Exact();   // Branch and bound: least value lost.
  absl::Status Greedy();  // Least value per working day gained, repeatedly.

  bool found() const { return found_; }
  double value() const { return best_value_; }
  std::vector<std::string> BestIds() const;  // In id order.

 private:
  absl::Status Poll();
  absl::Status Branch(int i, std::vector<char>* chosen);
  bool Better(double value, const std::vector<int>& cut) const;
  void Take(double value, const std::vector<int>& cut);

  const CutModel& model_;
  int64_t aim_;
  std::function<bool()> stop_;
  std::vector<int64_t> scratch_;
  int64_t polls_ = 0;
  bool found_ = false;
  double best_value_ = 0;
  std::vector<int> best_cut_;  // Positions into model_.items().
};

}  // namespace backplan::options_internal

#endif  // BACKPLAN_LIBS_SCHEDULE_OPTIONS_INTERNAL_H_

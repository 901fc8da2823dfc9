// The goal tree of a plan in the order the `get` and `decompose` commands
// print it, as rows each command renders in its own words:
//
//   for (const GoalTreeRow& row : GoalTree(plan)) {
//     const std::string indent(2 * row.depth, ' ');
//     if (row.kind == GoalTreeRow::Kind::kGoal) ... row.goal->title() ...
//   }
#ifndef BACKPLAN_TOOLS_BACKPLAN_GOAL_TREE_H_
#define BACKPLAN_TOOLS_BACKPLAN_GOAL_TREE_H_

#include <string>
#include <vector>

#include "backplan/v1/plan.pb.h"

namespace backplan::cli {

struct GoalTreeRow {
  enum class Kind {
    kGoal,         // A goal the first time it is reached; its rows follow.
    kSharedGoal,   // A goal reached again (shared, or a cycle): no rows below.
    kMissingGoal,  // An id listed as a goal that the plan does not hold.
    kTask,         // A task listed by the goal above it.
    kMissingTask,  // An id listed as a task that the plan does not hold.
    kLooseTask,    // A task no printed goal lists (after the tree).
  };
  Kind kind;
  // 1 for a root goal and a loose task; one more for each level below.
  int depth;
  std::string id;
  // The goal of kGoal and kSharedGoal rows and the task of kTask and
  // kLooseTask rows, pointing into the plan; null otherwise.
  const v1::Goal* goal = nullptr;
  const v1::Task* task = nullptr;
};

// Depth-first from the outcome goal, then from each goal in plan order that
// was not reached yet; a goal's tasks come before its sub-goals. A task is
// listed under every goal that lists it. Then the tasks listed under no
// printed goal, in plan order. Rows point into `plan`, which must outlive
// them. Recursion is as deep as the goal tree (bounded by the services'
// limits on the plans they return).
std::vector<GoalTreeRow> GoalTree(const v1::Plan& plan);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_GOAL_TREE_H_

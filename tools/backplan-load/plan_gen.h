// Generated, deterministic inputs for load tests: an N-task plan shaped like a
// real one (a DAG where each task has a few predecessors among the tasks
// before it, attributes for prioritization, optional goals) and a YAML recipe
// book whose decomposition yields about N tasks. Shared by backplan-load and
// the echo baseline server (tests/bench/echo), so both see the same sizes.
//
//   backplan::v1::Plan plan = backplan::load::GeneratePlan({.tasks = 50});
//   backplan::load::GeneratedBook book = backplan::load::GenerateBook(50);
//   request.set_book_yaml(book.yaml);  // root goal: book.root_goal
#ifndef BACKPLAN_TOOLS_BACKPLAN_LOAD_PLAN_GEN_H_
#define BACKPLAN_TOOLS_BACKPLAN_LOAD_PLAN_GEN_H_

#include <cstdint>
#include <string>

#include "backplan/v1/decomposition.pb.h"
#include "backplan/v1/plan.pb.h"

namespace backplan::load {

struct PlanShape {
  int tasks = 50;  // >= 1.
  int goals = 0;   // 0: no goals (the synthetic outcome milestone).
  int max_predecessors = 3;
  uint64_t seed = 1;
};

// A valid, acyclic plan: tasks "t0".."t<n-1>" of 1-10 working days with 0 to
// `max_predecessors` predecessors each among the 20 tasks before it; start
// 2027-01-04, a target 2 years later (feasible for 50 tasks). With goals,
// "g0" is the outcome goal with sub-goals g1.., which hold the tasks in
// slices (g0 holds them all when goals == 1).
v1::Plan GeneratePlan(const PlanShape& shape);

struct GeneratedBook {
  std::string yaml;       // The recipe book (libs/decompose YAML format).
  v1::RecipeBook book;    // The same book as a message.
  std::string root_goal;  // The goal to decompose.
  int tasks = 0;          // Tasks in the resulting plan.
  int goals = 0;          // Goals in the resulting plan.
};

// A book of recipes arranged as a binary tree of goals ("kindle level <i>
// done", 5 tasks each, ordered by `after`) whose decomposition from
// `root_goal` has about `tasks` tasks (rounded up to a multiple of 5).
GeneratedBook GenerateBook(int tasks);

}  // namespace backplan::load

#endif  // BACKPLAN_TOOLS_BACKPLAN_LOAD_PLAN_GEN_H_

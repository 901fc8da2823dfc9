// The AND/OR search of Decompose() (decompose.h has the contract): phase 1
// expands every goal within max_depth breadth first against the book, which
// fixes the recipe graph; phase 2 solves it depth first, memoised per goal
// (and, for goals on a cycle, per goal and the set of its cycle's goals on
// the current path). The result is the graph of evaluated entries that
// emission (emit.h) walks. Internal to libs/decompose.
#ifndef BACKPLAN_LIBS_DECOMPOSE_SEARCH_H_
#define BACKPLAN_LIBS_DECOMPOSE_SEARCH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/plan.h"
#include "libs/decompose/compiled_book.h"
#include "libs/decompose/decompose.h"

namespace backplan::decompose::internal {

// A candidate alternative of an expanded goal: a recipe whose pattern
// matched. Path-independent, so computed once per goal.
struct Candidate {
  int recipe = 0;  // Index into CompiledBook::recipes.
  bool condition_ok = true;
  std::string failed_condition;  // When !condition_ok.
  std::vector<int> subs;         // Distinct sub-goal indices, recipe order.
};

struct GoalNode {
  std::string key;      // Normalised text.
  std::string display;  // White space collapsed, letter case kept.
  bool is_fact = false;
  bool expanded = false;
  int depth = 0;  // Shortest distance from the root (BFS).
  std::vector<Candidate> candidates;
  int scc = -1;
  bool cyclic = false;  // In a strongly connected component of size > 1.
};

struct Alt {
  AlternativeExplanation::Verdict verdict =
      AlternativeExplanation::Verdict::kNotEvaluated;
  Cost cost;
  int cycle_goal = -1;
};

// The result of evaluating one goal in one (relevant) path context.
struct Entry {
  int goal = 0;
  GoalState state = GoalState::kOpen;
  Cost cost;
  int chosen = -1;            // Candidate index.
  std::vector<int> children;  // Entries of the chosen candidate's subs.
  std::vector<Alt> alts;      // One per candidate.
};

struct SearchGraph {
  std::vector<GoalNode> goals;  // goals[0] is the root goal.
  std::vector<Entry> entries;
  int root = 0;  // Entry of the root goal.
  SearchStats stats;
};

// Runs both phases. `options` must have been checked by Decompose().
// RESOURCE_EXHAUSTED for a limit (the message names it and the goal);
// CANCELLED when options.should_stop said so.
absl::StatusOr<SearchGraph> SearchGoals(const CompiledBook& book,
                                        const Outcome& outcome,
                                        const DecomposeOptions& options);

// RESOURCE_EXHAUSTED: `text` is longer than `max_text_length`, found while
// breaking down goal `at`.
absl::Status TextLimitError(int max_text_length, absl::string_view text,
                            absl::string_view at);

}  // namespace backplan::decompose::internal

#endif  // BACKPLAN_LIBS_DECOMPOSE_SEARCH_H_

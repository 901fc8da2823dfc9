// The decomposition engine: from an outcome, backwards through a recipe book,
// to a plan of goals and tasks (docs/DESIGN.md "Decomposition").
//
//   ASSIGN_OR_RETURN(RecipeBook book, LoadRecipeBookFile("launch.yaml"));
//   ASSIGN_OR_RETURN(CompiledRecipeBook compiled,
//                    CompiledRecipeBook::Create(std::move(book)));
//   Outcome outcome{.title = "launch the reader",
//                   .target_date = absl::CivilDay(2027, 6, 30),
//                   .facts = {"the reader has a design"}};
//   ASSIGN_OR_RETURN(DecomposeResult result, Decompose(compiled, outcome));
//   // result.plan passes ValidatePlan; result.open_goal_ids need a person.
//
// Contract:
// - The root goal is `outcome.title`; facts are `outcome.facts`. Texts are
//   compared normalised (pattern.h): a goal equal to a fact is satisfied with
//   no work (GoalState::kFact); otherwise the recipes whose pattern matches
//   it are its alternatives, in declared order.
// - A recipe applies to a goal when its pattern matches, every `when`
//   condition (after substitution) is a fact, and none of its sub-goals is the
//   goal itself or a goal on the path from the root to it (that would be a
//   cycle). A goal with no applicable recipe is an *open goal*: it stays in
//   the plan (GoalState::kOpen) and is listed in the result; it is not an
//   error.
// - Cost of a goal = (open goals, effort in working days), compared
//   lexicographically, so a complete breakdown always beats one with unknown
//   work. A fact costs (0, 0), an open goal (1, 0), a recipe the sum of its
//   tasks' most likely durations, its extra cost and its sub-goals' costs.
//   This is tree cost: a sub-goal used by two branches counts in both.
// - Strategy::kCheapest picks for every goal the applicable recipe with the
//   lowest cost (ties: the earlier declared), exactly: results are memoised
//   per goal, and for goals on a cycle of the recipe graph per goal and the
//   set of that cycle's goals on the current path, since only those can make
//   a recipe inapplicable there. Strategy::kFirstApplicable takes the first
//   applicable recipe in declared order.
// - Limits end the search with RESOURCE_EXHAUSTED naming the limit and the
//   goal, e.g. `max_depth 64 exceeded at goal "x"`: breaking down a goal more
//   than `max_depth` sub-goal steps below the root (facts are never broken
//   down, so they do not count); more than `max_nodes` goals expanded or
//   more than `max_nodes` goal evaluations; a substituted text longer than
//   `max_text_length`. The search never recurses deeper than max_depth + 2.
// - The plan: one Goal per distinct goal (normalised text), even when shared
//   by several branches; each broken-down goal lists its recipe's tasks and
//   sub-goals and names the recipe; a recipe's `after` lists become explicit
//   Dependencies between its tasks. Ids are `goal/<slug>` and `task/<slug>`
//   from the text (lower-case ASCII letters and digits, other runs become
//   '-', at most 96 characters); when a slug is taken, `-2`, `-3`, ... is
//   appended in the order goals and tasks are emitted (depth first from the
//   root, sub-goals before tasks, in recipe order). Identical input gives
//   identical ids. plan.outcome_goal_id is the root goal's id; plan.outcome
//   is `outcome`; plan.id, tenant, version, calendar and resources are left
//   for the caller.
// - Explanation: one GoalExplanation per plan goal, in plan order.
#ifndef BACKPLAN_LIBS_DECOMPOSE_DECOMPOSE_H_
#define BACKPLAN_LIBS_DECOMPOSE_DECOMPOSE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/plan.h"
#include "libs/decompose/recipe.h"

namespace backplan::decompose {

namespace internal {
struct CompiledBook;       // compiled_book.h
class CompiledBookAccess;  // compiled_book.h
}  // namespace internal

// A validated book with its patterns parsed and indexed, ready to be searched
// many times (and from several threads at once: it is immutable).
class CompiledRecipeBook {
 public:
  // Validates `book` (ValidateRecipeBook, naming it `source` in messages) and
  // compiles it. INVALID_ARGUMENT when it is not valid.
  static absl::StatusOr<CompiledRecipeBook> Create(
      RecipeBook book, absl::string_view source = "recipe book");

  const RecipeBook& book() const;

  CompiledRecipeBook(CompiledRecipeBook&&) noexcept;
  CompiledRecipeBook& operator=(CompiledRecipeBook&&) noexcept;
  ~CompiledRecipeBook();

 private:
  friend class internal::CompiledBookAccess;
  explicit CompiledRecipeBook(std::unique_ptr<internal::CompiledBook> impl);
  std::unique_ptr<internal::CompiledBook> impl_;
};

enum class Strategy { kCheapest, kFirstApplicable };

struct DecomposeOptions {
  Strategy strategy = Strategy::kCheapest;
  int max_depth = 64;           // 0..1000.
  int64_t max_nodes = 1000000;  // >= 1.
  int max_text_length = 4096;   // Goal and task texts, as PlanLimits.
  // Steps of the recipe-pattern matcher over the whole search (pattern.h
  // MatchBudget); bounds the time a hostile pattern and title can take.
  int64_t max_matcher_steps = 10000000;  // >= 1.
  // Bytes of distinct goal text held by the search: bounds its memory when
  // every sub-goal is a longer text than its parent (2^depth goals).
  int64_t max_goal_bytes = 32 << 20;  // >= 1.
  // Polled every few hundred steps; when it returns true the search ends with
  // CANCELLED. The caller binds it to a call's cancellation, its deadline
  // and server draining (the library never reads the clock).
  std::function<bool()> should_stop;
};

// Tree cost, compared lexicographically (open_goals first). Sums saturate at
// INT64_MAX instead of overflowing.
struct Cost {
  int64_t open_goals = 0;
  int64_t effort_days = 0;

  friend bool operator==(const Cost& a, const Cost& b) {
    return a.open_goals == b.open_goals && a.effort_days == b.effort_days;
  }
  friend bool operator<(const Cost& a, const Cost& b) {
    return a.open_goals != b.open_goals ? a.open_goals < b.open_goals
                                        : a.effort_days < b.effort_days;
  }
};

// What happened to one alternative (a recipe whose pattern matched a goal).
struct AlternativeExplanation {
  enum class Verdict {
    kChosen,          // Applicable and taken; `cost` is set.
    kApplicable,      // Applicable, not taken (costlier, or a later tie).
    kConditionFalse,  // `detail` is the (substituted) condition not a fact.
    kCycle,           // `detail` is the sub-goal that is on the path.
    kNotEvaluated,    // kFirstApplicable took an earlier recipe.
  };
  std::string recipe;  // Recipe::name.
  Verdict verdict = Verdict::kNotEvaluated;
  Cost cost;           // kChosen and kApplicable only.
  std::string detail;  // Condition or goal text, see Verdict.
};

struct GoalExplanation {
  std::string goal_id;
  std::string goal;  // Normalised text.
  GoalState state = GoalState::kOpen;
  std::string chosen_recipe;  // Empty unless kBrokenDown.
  Cost cost;                  // Tree cost of the goal as broken down.
  // Recipes whose pattern matched, in declared order (recipes whose pattern
  // did not match are omitted). Empty for facts.
  std::vector<AlternativeExplanation> alternatives;
};

struct SearchStats {
  int64_t goals_expanded = 0;  // Distinct goals whose recipes were matched.
  int64_t evaluations = 0;     // Goal evaluations (memo misses).
  int64_t memo_hits = 0;
};

struct DecomposeResult {
  Plan plan;
  Cost cost;  // Of the root goal.
  // Goals left open (GoalState::kOpen), in plan order.
  std::vector<std::string> open_goal_ids;
  // One per plan.goals entry, same order.
  std::vector<GoalExplanation> explanations;
  SearchStats stats;
};

// Breaks `outcome.title` down with `book` (see the contract above).
// INVALID_ARGUMENT for an empty outcome title or options out of range;
// RESOURCE_EXHAUSTED when a limit is hit (max_depth, max_nodes,
// max_text_length, max_matcher_steps, max_goal_bytes; the message names it
// and quotes the goal shortened); CANCELLED when `options.should_stop` said
// so.
absl::StatusOr<DecomposeResult> Decompose(const CompiledRecipeBook& book,
                                          const Outcome& outcome,
                                          const DecomposeOptions& options = {});

// Compiles `book` (INVALID_ARGUMENT when not valid), then as above.
absl::StatusOr<DecomposeResult> Decompose(const RecipeBook& book,
                                          const Outcome& outcome,
                                          const DecomposeOptions& options = {});

// The explanation as indented text, one goal per block, for logs and CLIs.
std::string FormatExplanation(const DecomposeResult& result);

// "open_goals=1 effort_days=12".
std::string CostToString(const Cost& cost);

}  // namespace backplan::decompose

#endif  // BACKPLAN_LIBS_DECOMPOSE_DECOMPOSE_H_

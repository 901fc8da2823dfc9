// Recipe books: how goals are achieved, as plain C++ types.
//
// A recipe says how a goal *pattern* is achieved (docs/DESIGN.md
// "Decomposition"): `launch {product}` is achieved by the sub-goals
// `{product} is built` and `store sells {product}` and the tasks `write launch
// press release` (3 days) and `launch event` (1 day). Several recipes may
// achieve the same goal; they are alternatives, tried in declared order. A
// recipe book is an ordered list of recipes. Books are loaded from YAML
// (recipe_yaml.h) or built in code (the service builds them from protobuf) and
// checked by the same ValidateRecipeBook.
//
//   RecipeBook book;
//   book.recipes.push_back({.name = "launch", .goal = "launch {product}",
//                           .sub_goals = {"{product} is built"},
//                           .tasks = {{.title = "launch event",
//                                      .duration_days = 1}}});
//   RETURN_IF_ERROR(ValidateRecipeBook(book, "my book"));
//
// Texts (goal patterns, conditions, sub-goals, task titles) may use
// `{variables}` (pattern.h). Every variable used in `when`, `sub_goals` or a
// task title must be bound by the recipe's `goal` pattern.
#ifndef BACKPLAN_LIBS_DECOMPOSE_RECIPE_H_
#define BACKPLAN_LIBS_DECOMPOSE_RECIPE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/core/plan.h"

namespace backplan::decompose {

// Largest estimate or extra cost a recipe may carry, in working days (the
// same bound PlanLimits::max_duration_days puts on a plan's tasks).
inline constexpr int kMaxRecipeDays = 10000;

// A task a recipe adds under the goal it breaks down.
struct RecipeTask {
  // Title template, e.g. "write press release for {product}". Unique within
  // its recipe (compared normalised).
  std::string title;
  // Most likely duration in working days, 0..kMaxRecipeDays. This is the
  // effort the search adds up.
  int duration_days = 0;
  // Three-point bounds: optimistic <= duration_days <= pessimistic.
  std::optional<int> optimistic_days;
  std::optional<int> pessimistic_days;
  // Prioritization attributes, copied to the plan's task (same ranges as
  // plan_graph.h checks: 1-10 or 0 for unset; RICE as documented there).
  TaskAttributes attributes;
  // Titles (as written, compared normalised) of tasks of the same recipe that
  // must finish before this one starts; each becomes a finish-to-start
  // Dependency. No self-reference, no cycle.
  std::vector<std::string> after;
  int line = 0;  // 1-based line in the source file; 0 when not from a file.
};

struct Recipe {
  // Unique in the book (exact comparison); names the recipe in Goal::recipe
  // and in explanations.
  std::string name;
  // Goal pattern, e.g. "launch {product}". Must not be empty.
  std::string goal;
  // Conditions: facts (templates) that must all be true for the recipe to
  // apply, e.g. "{product} has a store listing".
  std::vector<std::string> when;
  // Goals (templates) that must hold first (AND). Two sub-goals that
  // substitute to the same goal count once.
  std::vector<std::string> sub_goals;
  // Work that makes the goal hold once the sub-goals hold.
  std::vector<RecipeTask> tasks;
  // Added to the recipe's effort when comparing alternatives, in working days,
  // 0..kMaxRecipeDays. Not work in the plan: a way to prefer other recipes.
  int extra_cost_days = 0;
  int line = 0;  // 1-based line in the source file; 0 when not from a file.
};

// An ordered list of recipes; order is the order alternatives are tried in.
struct RecipeBook {
  std::string name;  // Optional, for people.
  std::vector<Recipe> recipes;
};

// Checks a book. INVALID_ARGUMENT on the first problem found, the message
// starting `<source>:<line>: ` (or `<source>: ` when the line is 0) and naming
// the recipe and field, e.g.
//   launch.yaml:12: recipes[1] "launch": sub_goals[0] "{prodct} is built":
//   variable {prodct} is not bound by the goal pattern "launch {product}"
// Checked: empty or duplicate recipe names; empty goal patterns; malformed
// templates (braces, variable names); variables not bound by the pattern;
// empty or duplicate task titles in one recipe; durations and extra cost out
// of 0..kMaxRecipeDays; optimistic > duration > pessimistic; attributes out of
// range; `after` naming an unknown task, the task itself, or forming a cycle.
absl::Status ValidateRecipeBook(const RecipeBook& book,
                                absl::string_view source = "recipe book");

}  // namespace backplan::decompose

#endif  // BACKPLAN_LIBS_DECOMPOSE_RECIPE_H_

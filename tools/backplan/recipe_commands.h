// `backplan decompose` and `backplan books ...`: breaking an outcome down
// with a recipe book, and keeping recipe books on the decomposition service.
//
//   backplan decompose --recipes examples/recipes/launch.yaml
//         --target 2027-06-30 "launch the reader"
//   backplan books put launch examples/recipes/launch.yaml
//   backplan decompose --book launch --target 2027-06-30 --store
//         "launch the reader"
//
// Both take the Client (client.h) whose Options carry the flags, print to its
// out/err and return the exit code (commands.h).
#ifndef BACKPLAN_TOOLS_BACKPLAN_RECIPE_COMMANDS_H_
#define BACKPLAN_TOOLS_BACKPLAN_RECIPE_COMMANDS_H_

#include <string>
#include <vector>

#include "backplan/v1/decomposition.pb.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

// decompose OUTCOME... (the words are joined with spaces): --recipes FILE or
// --book NAME, --target (required), --start, --strategy, --fact (repeatable),
// --store.
int RunDecompose(Client& client, const std::vector<std::string>& args);

// books put NAME FILE [--expected_version N] | get NAME | list | delete NAME.
int RunBooks(Client& client, const std::vector<std::string>& args);

// Renders a Decompose answer: the outcome, the stored plan id (if any), the
// goal tree from the outcome goal (each goal with its state and recipe, its
// tasks with durations under it, a shared sub-goal printed once), the open
// goals, and the explanation (per goal the chosen recipe and its cost, every
// alternative with its cost or why it did not apply).
std::string FormatDecomposition(const v1::DecomposeResponse& response);

// Renders a recipe book: each recipe with its pattern, conditions, sub-goals
// and tasks (days, three-point bounds, order, attributes).
std::string FormatRecipeBook(const v1::RecipeBook& book);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_RECIPE_COMMANDS_H_

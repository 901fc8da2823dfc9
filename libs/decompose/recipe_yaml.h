// Loading recipe books from human-editable YAML.
//
// Format (every key but `recipes`, `name`, `goal` optional; unknown keys are
// errors; lists may be empty):
//
//   name: kindle launch            # the book's name, for people
//   recipes:                       # tried in this order for every goal
//     - name: launch-with-store    # unique in the book
//       goal: launch {product}     # pattern; {variables} match text
//       when:                      # facts that must hold (may use variables)
//         - "{product} has a store listing"
//       sub_goals:                 # goals that must hold first (AND)
//         - "{product} is built"
//         - store sells {product}
//       tasks:
//         - title: write launch press release
//           days: 3                # most likely, working days: 3 or "3d"
//           optimistic: 2          # optional three-point bounds
//           pessimistic: 5
//           attributes:            # optional prioritization attributes
//             importance: 8        # 1-10 (also difficulty, business_value,
//             risk_reduction: 3    #   time_criticality, risk_reduction)
//             rice_reach: 1000     # RICE inputs: rice_reach, rice_impact,
//             rice_impact: 2       #   rice_confidence, rice_effort
//         - title: launch event
//           days: 1d
//           after: [write launch press release]   # titles of this recipe's
//           tasks
//       extra_cost: 2              # working days added when comparing
//
// YAML treats `{` as the start of a mapping at the start of a text and `{`,
// `[` and `,` specially inside `[...]` lists: quote such texts, e.g.
// `- "{product} is built"` and `after: ["test {product}"]`.
//
// Texts follow pattern.h (`{name}` variables; a variable used in `when`,
// `sub_goals` or a title must appear in `goal`). Day counts are whole numbers
// 0..10000, optionally followed by `d`.
//
// YAML anchors and aliases are allowed, but a book may expand through them
// to at most 4x the bytes of its document (each value counted as at least
// 16 bytes): a small document cannot make the parser copy gigabytes.
//
// Errors are INVALID_ARGUMENT and start with `<source name>:<line>: ` and say
// what is wrong: YAML syntax, an unknown or repeated key, a wrong node kind,
// a bad number, and everything ValidateRecipeBook checks (unbound variables,
// duplicate recipe names, ...).
//
//   ASSIGN_OR_RETURN(RecipeBook book,
//   LoadRecipeBookFile("recipes/launch.yaml"));
#ifndef BACKPLAN_LIBS_DECOMPOSE_RECIPE_YAML_H_
#define BACKPLAN_LIBS_DECOMPOSE_RECIPE_YAML_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/decompose/recipe.h"

namespace backplan::decompose {

// Parses and validates a book from YAML text. `source_name` names the text in
// error messages (a file name, "request", ...). Sets Recipe::line and
// RecipeTask::line.
absl::StatusOr<RecipeBook> ParseRecipeBookYaml(absl::string_view yaml,
                                               absl::string_view source_name);

// Reads `path` and parses it as above, naming it `path` in messages.
// NOT_FOUND when the file does not exist, PERMISSION_DENIED or UNAVAILABLE
// when it cannot be read, otherwise as ParseRecipeBookYaml.
absl::StatusOr<RecipeBook> LoadRecipeBookFile(const std::string& path);

}  // namespace backplan::decompose

#endif  // BACKPLAN_LIBS_DECOMPOSE_RECIPE_YAML_H_

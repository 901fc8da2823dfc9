// Small parsers for the inputs of the `backplan` tool's commands: fractions
// in AHP matrices, AHP matrix files, the `--task`/`--goal` specs of
// `backplan edit ID expand`, and reading a whole file.
//
//   std::optional<double> third = ParseFraction("1/3");        // 0.333...
//   absl::StatusOr<AhpInput> ahp = LoadAhpFile("drinks.yaml");
//   absl::StatusOr<TaskSpec> task =
//       ParseTaskSpec("t-ads:buy launch ads: radio, web:5");
//   // task->id == "t-ads", task->title == "buy launch ads: radio, web",
//   // task->days == 5
//
// Errors are INVALID_ARGUMENT with one line naming what is wrong (file
// errors: NOT_FOUND, naming the path).
#ifndef BACKPLAN_TOOLS_BACKPLAN_INPUTS_H_
#define BACKPLAN_TOOLS_BACKPLAN_INPUTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace backplan::cli {

// A number ("3", "0.5", " 2 ") or a fraction of two numbers ("1/3", "1 / 9").
// std::nullopt when the text is neither, or the denominator is zero.
std::optional<double> ParseFraction(absl::string_view text);

// A pairwise comparison matrix for ComputeAhpWeights, from a YAML or JSON
// file:
//
//   criteria: [importance, difficulty, business_value]
//   matrix:
//     - [1,   3,   "1/2"]      # entries: numbers or fractions "a/b"
//     - [1/3, 1,   "1/4"]      # (unquoted 1/3 is YAML text: accepted too)
//     - [2,   4,   1]
//   threshold: 0.1           # optional consistency threshold; 0 = server's
struct AhpInput {
  std::vector<std::string> criteria;
  std::vector<double> values;  // Row-major, criteria.size() squared.
  double threshold = 0;
};

// Parses `text`; `file_name` labels messages ("drinks.yaml:4: matrix[1][2]:
// \"x\" is not a number or fraction"). Checks the form only (square, as many
// rows as criteria); the service checks positivity and reciprocity.
absl::StatusOr<AhpInput> ParseAhpText(absl::string_view text,
                                      absl::string_view file_name);
absl::StatusOr<AhpInput> LoadAhpFile(const std::string& path);

// `--task id:title:days` of `edit ... expand`: the id runs to the first ':',
// the days (a whole number >= 0, optionally followed by 'd') follow the last
// ':', and the title is everything between (it may contain ':').
struct TaskSpec {
  std::string id;
  std::string title;
  int days = 0;
};
absl::StatusOr<TaskSpec> ParseTaskSpec(absl::string_view spec);

// `--goal id:title` of `edit ... expand`: the id runs to the first ':'; the
// title is the rest. The command creates such sub-goals OPEN, so that they
// can be broken down in turn.
struct GoalSpec {
  std::string id;
  std::string title;
};
absl::StatusOr<GoalSpec> ParseGoalSpec(absl::string_view spec);

// The whole content of `path`. NOT_FOUND (naming the path and the reason)
// when it cannot be read.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_INPUTS_H_

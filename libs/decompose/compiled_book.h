// A recipe book compiled for the search: templates parsed, `after` lists
// turned into task indices, and recipes indexed by the whole words a
// matching goal must start or end with. Internal to libs/decompose; callers
// hold it as the opaque CompiledRecipeBook (decompose.h).
#ifndef BACKPLAN_LIBS_DECOMPOSE_COMPILED_BOOK_H_
#define BACKPLAN_LIBS_DECOMPOSE_COMPILED_BOOK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "libs/decompose/decompose.h"
#include "libs/decompose/pattern.h"
#include "libs/decompose/recipe.h"

namespace backplan::decompose::internal {

struct CompiledTask {
  Template title;
  std::vector<int> after;  // Indices of tasks of the same recipe.
};

struct CompiledRecipe {
  Template pattern;
  std::vector<Template> when;
  std::vector<Template> sub_goals;
  std::vector<CompiledTask> tasks;
  int64_t local_effort = 0;  // Task durations plus extra cost.
};

// recipes[i] is book.recipes[i] compiled. Immutable once built.
struct CompiledBook {
  RecipeBook book;
  std::vector<CompiledRecipe> recipes;
  // Recipe indices, ascending, keyed by whole words every matching goal
  // must start with (by_prefix) or end with (by_suffix): the literal text
  // before the pattern's first variable, cut back to a word boundary, or the
  // literal after its last one; each recipe under the longer of the two, and
  // a pattern without variables under its whole text. The rest are tried on
  // every goal.
  absl::flat_hash_map<std::string, std::vector<int>> by_prefix;
  absl::flat_hash_map<std::string, std::vector<int>> by_suffix;
  size_t max_prefix = 0, max_suffix = 0;  // Longest key in each map.
  std::vector<int> unindexed;

  // Sets `out` to the recipes that may match `goal` (normalised), in
  // declared order: a superset of those whose pattern matches.
  void Candidates(absl::string_view goal, std::vector<int>* out) const;
};

// The one way into a CompiledRecipeBook's compiled form.
class CompiledBookAccess {
 public:
  static const CompiledBook& Get(const CompiledRecipeBook& book) {
    return *book.impl_;
  }
};

}  // namespace backplan::decompose::internal

#endif  // BACKPLAN_LIBS_DECOMPOSE_COMPILED_BOOK_H_

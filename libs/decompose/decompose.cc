#include "libs/decompose/decompose.h"

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/decompose/compiled_book.h"
#include "libs/decompose/emit.h"
#include "libs/decompose/pattern.h"
#include "libs/decompose/search.h"

namespace backplan::decompose {

absl::StatusOr<DecomposeResult> Decompose(const CompiledRecipeBook& book,
                                          const Outcome& outcome,
                                          const DecomposeOptions& options) {
  if (NormalizeText(outcome.title).empty()) {
    return absl::InvalidArgumentError("outcome.title is empty");
  }
  if (options.max_depth < 0 || options.max_depth > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "options.max_depth ", options.max_depth, " is out of range 0..1000"));
  }
  if (options.max_nodes < 1) {
    return absl::InvalidArgumentError("options.max_nodes must be >= 1");
  }
  if (options.max_text_length < 1) {
    return absl::InvalidArgumentError("options.max_text_length must be >= 1");
  }
  if (options.max_matcher_steps < 1 || options.max_goal_bytes < 1) {
    return absl::InvalidArgumentError(
        "options.max_matcher_steps and options.max_goal_bytes must be >= 1");
  }
  if (static_cast<int64_t>(outcome.title.size()) > options.max_text_length) {
    return absl::InvalidArgumentError(
        absl::StrCat("outcome.title is longer than max_text_length ",
                     options.max_text_length));
  }
  const internal::CompiledBook& compiled =
      internal::CompiledBookAccess::Get(book);
  ASSIGN_OR_RETURN(internal::SearchGraph graph,
                   internal::SearchGoals(compiled, outcome, options));
  return internal::EmitPlan(compiled, outcome, options, graph);
}

absl::StatusOr<DecomposeResult> Decompose(const RecipeBook& book,
                                          const Outcome& outcome,
                                          const DecomposeOptions& options) {
  ASSIGN_OR_RETURN(CompiledRecipeBook compiled,
                   CompiledRecipeBook::Create(book));
  return Decompose(compiled, outcome, options);
}

}  // namespace backplan::decompose

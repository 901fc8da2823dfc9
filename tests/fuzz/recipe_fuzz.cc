// Fuzzes the YAML recipe-book loader and the decomposition search: arbitrary
// text must give a book or INVALID_ARGUMENT, and any book must decompose (or
// hit a limit) into a plan that passes validation.
#include <cstdlib>
#include <string>

#include "libs/core/plan_graph.h"
#include "libs/decompose/decompose.h"
#include "libs/decompose/recipe_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<backplan::decompose::RecipeBook> book =
      backplan::decompose::ParseRecipeBookYaml(text, "fuzz");
  if (!book.ok()) {
    if (book.status().code() != absl::StatusCode::kInvalidArgument) {
      std::abort();
    }
    return 0;
  }
  for (const auto& recipe : book->recipes) {
    backplan::Outcome outcome;
    outcome.title = recipe.goal;
    outcome.target_date = absl::CivilDay(2027, 6, 30);
    backplan::decompose::DecomposeOptions options;
    options.max_depth = 16;
    options.max_nodes = 2000;
    auto result = backplan::decompose::Decompose(*book, outcome, options);
    if (result.ok()) {
      if (!backplan::ValidatePlan(result->plan).ok()) std::abort();
    } else if (result.status().code() != absl::StatusCode::kResourceExhausted &&
               result.status().code() != absl::StatusCode::kInvalidArgument) {
      std::abort();
    }
  }
  return 0;
}

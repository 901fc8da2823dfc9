// Conversion of recipe books between the wire form (decomposition.proto
// RecipeBook) and libs/decompose (recipe.h), and the one way a book from a
// request is checked, whether it came as a message or as YAML.
//
//   ASSIGN_OR_RETURN(decompose::RecipeBook book,
//                    RecipeBookFromRequest(&request.book(), nullptr));
//   v1::RecipeBook stored;
//   RecipeBookToProto(book, &stored);
#ifndef BACKPLAN_LIBS_CONVERT_RECIPE_CONVERT_H_
#define BACKPLAN_LIBS_CONVERT_RECIPE_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "backplan/v1/decomposition.pb.h"
#include "libs/decompose/recipe.h"

namespace backplan {

// The book as it is, unchecked (never fails: a stored book was checked when
// it was put). extra_cost_days is truncated to whole days.
decompose::RecipeBook RecipeBookFromProto(const v1::RecipeBook& in);
void RecipeBookToProto(const decompose::RecipeBook& in, v1::RecipeBook* out);

// A book from exactly one of an inline message (`book`) or YAML (`yaml`),
// validated like the YAML loader (decompose::ValidateRecipeBook, with
// "request" as the source name). INVALID_ARGUMENT naming the field, e.g.
// `recipes[1].extra_cost_days: must be a whole number of working days`.
absl::StatusOr<decompose::RecipeBook> RecipeBookFromRequest(
    const v1::RecipeBook* book, const std::string* yaml);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CONVERT_RECIPE_CONVERT_H_

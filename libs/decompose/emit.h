// Emission: the plan of a finished search (search.h), one Goal per distinct
// goal reached through the chosen recipes, their tasks and the explicit
// dependencies of the recipes' `after` lists, with ids made from the texts
// (decompose.h has the id rules). Internal to libs/decompose.
#ifndef BACKPLAN_LIBS_DECOMPOSE_EMIT_H_
#define BACKPLAN_LIBS_DECOMPOSE_EMIT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/plan.h"
#include "libs/decompose/compiled_book.h"
#include "libs/decompose/decompose.h"
#include "libs/decompose/search.h"

namespace backplan::decompose::internal {

// The whole DecomposeResult: plan, cost, open goals, explanations and
// stats. RESOURCE_EXHAUSTED when a substituted task title is longer than
// options.max_text_length.
absl::StatusOr<DecomposeResult> EmitPlan(const CompiledBook& book,
                                         const Outcome& outcome,
                                         const DecomposeOptions& options,
                                         const SearchGraph& graph);

// The id-safe form of `text`: lower-case ASCII letters and digits, other
// runs become '-', at most 96 characters; "untitled" when nothing is left.
std::string Slug(absl::string_view text);

}  // namespace backplan::decompose::internal

#endif  // BACKPLAN_LIBS_DECOMPOSE_EMIT_H_

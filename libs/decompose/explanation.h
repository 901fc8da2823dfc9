// Why each goal was broken down as it was: the GoalExplanation of one
// emitted goal, from its search entry. Internal to libs/decompose; the
// public FormatExplanation and CostToString (decompose.h) live beside it.
#ifndef BACKPLAN_LIBS_DECOMPOSE_EXPLANATION_H_
#define BACKPLAN_LIBS_DECOMPOSE_EXPLANATION_H_

#include "libs/core/plan.h"
#include "libs/decompose/compiled_book.h"
#include "libs/decompose/decompose.h"
#include "libs/decompose/search.h"

namespace backplan::decompose::internal {

// `goal` is the emitted plan goal of `entry`, its id and recipe already set.
GoalExplanation ExplainGoal(const CompiledBook& book, const SearchGraph& graph,
                            const Entry& entry, const Goal& goal);

}  // namespace backplan::decompose::internal

#endif  // BACKPLAN_LIBS_DECOMPOSE_EXPLANATION_H_

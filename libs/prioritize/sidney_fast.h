// Internal to libs/prioritize: the fast ordering that
// OrderForWeightedCompletion (sidney.h) uses above
// OrderingOptions::exact_max_nodes. Not a public API.
//
// Greedy on chains: every job's best chain (the job plus, while it raises
// the ratio, the best chain of one successor) is computed once in reverse
// topological order; then, among the jobs whose prerequisites are done, the
// one whose chain has the highest ratio goes next (ties: the job's own
// ratio, then tie_rank). O((n + e) log n); not optimal in general.
#ifndef BACKPLAN_LIBS_PRIORITIZE_SIDNEY_FAST_H_
#define BACKPLAN_LIBS_PRIORITIZE_SIDNEY_FAST_H_

#include "absl/status/status.h"
#include "libs/prioritize/sidney.h"

namespace backplan::prioritize_internal {

// Appends every job of `problem` (checked by the caller) to `out` as its
// own set, Placement::kFastChain, in the order above. CANCELLED when
// options.should_stop returns true (checked every 4,096 jobs).
absl::Status OrderFast(const OrderingProblem& problem,
                       const OrderingOptions& options, Ordering* out);

}  // namespace backplan::prioritize_internal

#endif  // BACKPLAN_LIBS_PRIORITIZE_SIDNEY_FAST_H_

// Criteria of the weighted prioritization method: their names as callers
// write them, which way is better, and the default weights.
//
//   ASSIGN_OR_RETURN(Criterion c, CriterionFromName("difficulty",
//   "weights[0]")); WeightedCriterion w{c, 0.4, PrefersLower(c)};  // Easier
//   scores higher.
#ifndef BACKPLAN_LIBS_PRIORITIZE_CRITERIA_H_
#define BACKPLAN_LIBS_PRIORITIZE_CRITERIA_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace backplan {

// A criterion a kWeighted prioritization can use.
enum class Criterion {
  kImportance,       // attributes.importance, 1-10.
  kDifficulty,       // attributes.difficulty, 1-10.
  kBusinessValue,    // attributes.business_value, 1-10.
  kTimeCriticality,  // attributes.time_criticality or, with
                     // use_schedule_slack, derived from slack (1-10).
  kRiskReduction,    // attributes.risk_reduction, 1-10.
  kJobSize,          // duration_days, >= 1 for ranked tasks.
};

// "importance", "difficulty", "business_value", "time_criticality",
// "risk_reduction", "job_size".
absl::string_view CriterionName(Criterion criterion);

// Parses a criterion name: the names above, and "duration" for kJobSize.
// INVALID_ARGUMENT naming `field` (e.g. "weights[2].criterion") and listing
// the valid names otherwise.
absl::StatusOr<Criterion> CriterionFromName(absl::string_view name,
                                            absl::string_view field);

// The one rule for which way a criterion counts: lower is better for
// difficulty (easy first) and job size (short first), higher for the rest.
bool PrefersLower(Criterion criterion);

// One criterion of a kWeighted prioritization.
struct WeightedCriterion {
  Criterion criterion = Criterion::kImportance;
  // Relative weight, finite and >= 0; scaled so all weights sum to 1. Must be
  // left 0 when PrioritizeOptions::ahp_matrix is given (AHP sets it).
  double weight = 0;
  // Normalise as (max - x) / (max - min), so lower raw values score higher.
  bool prefer_lower = false;
};

// The weights kWeighted uses when the caller gives none: importance 0.6 and
// difficulty 0.4 (lower is better).
std::vector<WeightedCriterion> DefaultWeightedCriteria();

// AHP criterion names (free text for ComputeAhpWeights): INVALID_ARGUMENT
// naming `field` and the index for an empty name or a name given twice.
absl::Status CheckCriterionNames(absl::Span<const std::string> names,
                                 absl::string_view field);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_PRIORITIZE_CRITERIA_H_

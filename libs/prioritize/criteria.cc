#include "libs/prioritize/criteria.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace backplan {

absl::string_view CriterionName(Criterion criterion) {
  switch (criterion) {
    case Criterion::kImportance:
      return "importance";
    case Criterion::kDifficulty:
      return "difficulty";
    case Criterion::kBusinessValue:
      return "business_value";
    case Criterion::kTimeCriticality:
      return "time_criticality";
    case Criterion::kRiskReduction:
      return "risk_reduction";
    case Criterion::kJobSize:
      return "job_size";
  }
  return "unknown";
}

absl::StatusOr<Criterion> CriterionFromName(absl::string_view name,
                                            absl::string_view field) {
  if (name == "importance") return Criterion::kImportance;
  if (name == "difficulty") return Criterion::kDifficulty;
  if (name == "business_value") return Criterion::kBusinessValue;
  if (name == "time_criticality") return Criterion::kTimeCriticality;
  if (name == "risk_reduction") return Criterion::kRiskReduction;
  if (name == "duration" || name == "job_size") return Criterion::kJobSize;
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": unknown criterion \"", name,
      "\" (importance, difficulty, business_value, time_criticality, "
      "risk_reduction, duration)"));
}

bool PrefersLower(Criterion criterion) {
  return criterion == Criterion::kDifficulty ||
         criterion == Criterion::kJobSize;
}

std::vector<WeightedCriterion> DefaultWeightedCriteria() {
  return {{Criterion::kImportance, 0.6, false},
          {Criterion::kDifficulty, 0.4, true}};
}

absl::Status CheckCriterionNames(absl::Span<const std::string> names,
                                 absl::string_view field) {
  absl::flat_hash_map<absl::string_view, size_t> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: empty criterion name"));
    }
    auto [it, inserted] = seen.emplace(names[i], i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: criterion \"", names[i],
                       "\" given twice (also ", field, "[", it->second, "])"));
    }
  }
  return absl::OkStatus();
}

}  // namespace backplan

#include "libs/prioritize/prioritize_options.h"

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/prioritize/criteria.h"

namespace backplan {
namespace {

absl::Status CheckAttributeRange(const Plan& plan, int index,
                                 absl::string_view name, int value) {
  if (value < 0 || value > 10) {
    return absl::InvalidArgumentError(
        absl::StrCat(TaskField(plan, index, absl::StrCat("attributes.", name)),
                     " = ", value, ": must be 1-10, or 0 for unset"));
  }
  return absl::OkStatus();
}

absl::Status CheckRiceInput(const Plan& plan, int index, absl::string_view name,
                            const std::optional<double>& value, bool required,
                            bool (*valid)(double), absl::string_view rule) {
  if (!value.has_value() && !required) return absl::OkStatus();
  if (value.has_value() && std::isfinite(*value) && valid(*value)) {
    return absl::OkStatus();
  }
  const std::string field = absl::StrCat("attributes.rice_", name);
  if (!value.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(TaskField(plan, index, field),
                     ": missing; RICE needs reach, impact, confidence and "
                     "effort on every task with a duration"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      TaskField(plan, index, field), " = ", *value, ": must be ", rule));
}

bool ReadsTimeCriticality(const PrioritizeOptions& options) {
  if (options.method == PrioritizationMethod::kWsjf) return true;
  if (options.method != PrioritizationMethod::kWeighted) return false;
  for (const WeightedCriterion& c : options.criteria) {
    if (c.criterion == Criterion::kTimeCriticality) return true;
  }
  return false;
}

// The proto's name of criterion i: from the AHP matrix or from the weights.
std::string CriterionField(const PrioritizeOptions& options, size_t i) {
  return options.ahp_matrix.empty() ? absl::StrCat("weights[", i, "]")
                                    : absl::StrCat("ahp.criteria[", i, "]");
}

}  // namespace

std::string TaskField(const Plan& plan, int index, absl::string_view field) {
  return absl::StrCat("tasks[", index, "].", field, ": task \"",
                      plan.tasks[index].id, "\"");
}

// Ranges as BuildPlanGraph checks them; repeated because a caller may hand
// in a graph built from a different copy of the plan.
absl::Status CheckTaskAttributes(const Plan& plan, int index, bool need_rice) {
  const TaskAttributes& a = plan.tasks[index].attributes;
  RETURN_IF_ERROR(CheckAttributeRange(plan, index, "importance", a.importance));
  RETURN_IF_ERROR(CheckAttributeRange(plan, index, "difficulty", a.difficulty));
  RETURN_IF_ERROR(
      CheckAttributeRange(plan, index, "business_value", a.business_value));
  RETURN_IF_ERROR(
      CheckAttributeRange(plan, index, "time_criticality", a.time_criticality));
  RETURN_IF_ERROR(
      CheckAttributeRange(plan, index, "risk_reduction", a.risk_reduction));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "reach", a.rice_reach, need_rice,
      [](double v) { return v >= 0; }, ">= 0"));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "impact", a.rice_impact, need_rice,
      [](double v) {
        return v == 3 || v == 2 || v == 1 || v == 0.5 || v == 0.25;
      },
      "one of 3, 2, 1, 0.5, 0.25"));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "confidence", a.rice_confidence, need_rice,
      [](double v) { return v >= 0 && v <= 1; }, "between 0 and 1"));
  RETURN_IF_ERROR(CheckRiceInput(
      plan, index, "effort", a.rice_effort, need_rice,
      [](double v) { return v > 0; }, "> 0 person-days"));
  return absl::OkStatus();
}

absl::Status ValidateOptions(const PrioritizeOptions& options) {
  const bool weighted = options.method == PrioritizationMethod::kWeighted;
  if (!weighted && !options.criteria.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("weights: only the weighted method takes criteria, not ",
                     PrioritizationMethodName(options.method)));
  }
  if (!weighted && !options.ahp_matrix.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ahp: only the weighted method takes an AHP matrix, not ",
                     PrioritizationMethodName(options.method)));
  }
  if (weighted) {
    if (options.criteria.empty() && !options.ahp_matrix.empty()) {
      return absl::InvalidArgumentError(
          "ahp.criteria: an AHP matrix needs its criteria");
    }
    absl::flat_hash_set<Criterion> seen;
    double sum = 0;
    for (size_t i = 0; i < options.criteria.size(); ++i) {
      const WeightedCriterion& c = options.criteria[i];
      if (!seen.insert(c.criterion).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(CriterionField(options, i), ": criterion ",
                         CriterionName(c.criterion), " given twice"));
      }
      if (!std::isfinite(c.weight) || c.weight < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(CriterionField(options, i), ".weight = ", c.weight,
                         ": must be finite and >= 0"));
      }
      sum += c.weight;
    }
    if (!options.ahp_matrix.empty()) {
      if (sum != 0) {
        return absl::InvalidArgumentError(
            "weights: give weights or an AHP matrix (ahp), not both");
      }
      if (options.ahp_matrix.size() != options.criteria.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("ahp.values: has ", options.ahp_matrix.size(),
                         " rows for ", options.criteria.size(), " criteria"));
      }
    } else if (!options.criteria.empty() && !(sum > 0)) {
      return absl::InvalidArgumentError(
          "weights: all weights are 0; give weights, an AHP matrix (ahp), or "
          "neither for the default weights");
    }
  }
  if (options.use_schedule_slack) {
    if (!ReadsTimeCriticality(options)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "urgency_from_schedule: method ",
          PrioritizationMethodName(options.method),
          " does not read time criticality (only wsjf, or weighted with a "
          "time_criticality criterion)"));
    }
  } else if (!options.slack_days.empty() ||
             options.slack_plan_version.has_value()) {
    return absl::InvalidArgumentError(
        "slack_days: given without use_schedule_slack");
  }
  if (options.capacity_days.has_value() && *options.capacity_days <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tiers.capacity_days = ", *options.capacity_days, ": must be > 0"));
  }
  const TierFractions& t = options.tiers;
  if (!std::isfinite(t.must) || !std::isfinite(t.should) ||
      !std::isfinite(t.could) || t.must < 0 || t.must > t.should ||
      t.should > t.could) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tiers: fractions must be finite with 0 <= must <= should <= could; "
        "got must ",
        t.must, ", should ", t.should, ", could ", t.could));
  }
  return absl::OkStatus();
}

absl::string_view PrioritizationMethodName(PrioritizationMethod method) {
  switch (method) {
    case PrioritizationMethod::kImportance:
      return "importance";
    case PrioritizationMethod::kHardestFirst:
      return "hardest_first";
    case PrioritizationMethod::kQuickWins:
      return "quick_wins";
    case PrioritizationMethod::kWsjf:
      return "wsjf";
    case PrioritizationMethod::kRice:
      return "rice";
    case PrioritizationMethod::kWeighted:
      return "weighted";
  }
  return "unknown";
}

absl::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kUnset:
      return "unset";
    case Tier::kMust:
      return "must";
    case Tier::kShould:
      return "should";
    case Tier::kCould:
      return "could";
    case Tier::kWont:
      return "wont";
  }
  return "unknown";
}

}  // namespace backplan

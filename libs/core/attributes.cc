#include "libs/core/attributes.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace backplan {

std::optional<AttributeProblem> FindAttributeProblem(const TaskAttributes& a) {
  const std::pair<const char*, int> ints[] = {
      {"importance", a.importance},
      {"difficulty", a.difficulty},
      {"business_value", a.business_value},
      {"time_criticality", a.time_criticality},
      {"risk_reduction", a.risk_reduction}};
  for (const auto& [name, value] : ints) {
    if (!IsValidAttributeValue(value)) {
      return AttributeProblem{
          name,
          absl::StrCat(name, " ", value, " is out of range 1-10 (0 = unset)")};
    }
  }
  auto bad = [](const char* name, double value, const char* rule) {
    return AttributeProblem{name, absl::StrCat(name, " ", value, " ", rule)};
  };
  if (a.rice_reach && !(*a.rice_reach >= 0 && std::isfinite(*a.rice_reach))) {
    return bad("rice_reach", *a.rice_reach, "must be >= 0");
  }
  if (a.rice_impact) {
    const double v = *a.rice_impact;
    if (v != 3 && v != 2 && v != 1 && v != 0.5 && v != 0.25) {
      return bad("rice_impact", v, "must be one of 3, 2, 1, 0.5, 0.25");
    }
  }
  if (a.rice_confidence &&
      !(*a.rice_confidence >= 0 && *a.rice_confidence <= 1)) {
    return bad("rice_confidence", *a.rice_confidence, "must be within 0-1");
  }
  if (a.rice_effort && !(*a.rice_effort > 0 && std::isfinite(*a.rice_effort))) {
    return bad("rice_effort", *a.rice_effort, "must be > 0 person-days");
  }
  return std::nullopt;
}

}  // namespace backplan

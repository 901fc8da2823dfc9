// The one range rule for task attributes (docs/DESIGN.md "Prioritization"),
// shared by plan validation, recipe books and prioritization so that all
// three accept and refuse the same values and word the problem alike.
//
//   if (std::optional<AttributeProblem> p = FindAttributeProblem(attrs)) {
//     return absl::InvalidArgumentError(
//         absl::StrCat(field, ".attributes.", p->attribute, ": ", p->problem));
//   }
//
// Rules: importance, difficulty, business value, time criticality and risk
// reduction are 1-10 or 0 (unset, read as 5); RICE reach >= 0 and finite,
// impact one of 3, 2, 1, 0.5, 0.25, confidence 0-1, effort > 0 and finite
// (each only when set).
#ifndef BACKPLAN_LIBS_CORE_ATTRIBUTES_H_
#define BACKPLAN_LIBS_CORE_ATTRIBUTES_H_

#include <optional>
#include <string>

#include "libs/core/plan.h"

namespace backplan {

// True for 0 (unset) and 1-10.
inline bool IsValidAttributeValue(int value) {
  return value >= 0 && value <= 10;
}

struct AttributeProblem {
  std::string attribute;  // "difficulty", "rice_impact", ...
  // "difficulty 11 is out of range 1-10 (0 = unset)",
  // "rice_impact 1.5 must be one of 3, 2, 1, 0.5, 0.25", ...
  std::string problem;
};

// The first attribute breaking the rule, in declaration order; nullopt when
// all hold.
std::optional<AttributeProblem> FindAttributeProblem(const TaskAttributes& a);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CORE_ATTRIBUTES_H_

#include "libs/decompose/explanation.h"

#include <cstddef>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace backplan::decompose {
namespace internal {

GoalExplanation ExplainGoal(const CompiledBook& book, const SearchGraph& graph,
                            const Entry& entry, const Goal& goal) {
  const GoalNode& node = graph.goals[entry.goal];
  GoalExplanation x;
  x.goal_id = goal.id;
  x.goal = node.key;
  x.state = entry.state;
  x.chosen_recipe = goal.recipe;
  x.cost = entry.cost;
  for (size_t ci = 0; ci < entry.alts.size(); ++ci) {
    const Candidate& c = node.candidates[ci];
    const Alt& alt = entry.alts[ci];
    AlternativeExplanation a;
    a.recipe = book.book.recipes[c.recipe].name;
    a.verdict = alt.verdict;
    a.cost = alt.cost;
    if (alt.verdict == AlternativeExplanation::Verdict::kConditionFalse) {
      a.detail = c.failed_condition;
    } else if (alt.verdict == AlternativeExplanation::Verdict::kCycle) {
      a.detail = graph.goals[alt.cycle_goal].display;
    }
    x.alternatives.push_back(std::move(a));
  }
  return x;
}

}  // namespace internal

std::string CostToString(const Cost& cost) {
  return absl::StrCat("open_goals=", cost.open_goals,
                      " effort_days=", cost.effort_days);
}

namespace {
const char* VerdictName(AlternativeExplanation::Verdict v) {
  switch (v) {
    case AlternativeExplanation::Verdict::kChosen:
      return "chosen";
    case AlternativeExplanation::Verdict::kApplicable:
      return "applicable";
    case AlternativeExplanation::Verdict::kConditionFalse:
      return "condition false";
    case AlternativeExplanation::Verdict::kCycle:
      return "cycle";
    case AlternativeExplanation::Verdict::kNotEvaluated:
      return "not evaluated";
  }
  return "?";
}
}  // namespace

std::string FormatExplanation(const DecomposeResult& result) {
  std::string out;
  for (const GoalExplanation& x : result.explanations) {
    absl::StrAppend(&out, x.goal_id, " \"", x.goal, "\": ");
    switch (x.state) {
      case GoalState::kFact:
        absl::StrAppend(&out, "fact\n");
        continue;
      case GoalState::kOpen:
        absl::StrAppend(&out, "open\n");
        break;
      case GoalState::kBrokenDown:
        absl::StrAppend(&out, "recipe \"", x.chosen_recipe, "\" ",
                        CostToString(x.cost), "\n");
        break;
    }
    for (const AlternativeExplanation& a : x.alternatives) {
      absl::StrAppend(&out, "  - \"", a.recipe, "\": ", VerdictName(a.verdict));
      switch (a.verdict) {
        case AlternativeExplanation::Verdict::kChosen:
        case AlternativeExplanation::Verdict::kApplicable:
          absl::StrAppend(&out, " ", CostToString(a.cost));
          break;
        case AlternativeExplanation::Verdict::kConditionFalse:
          absl::StrAppend(&out, ": \"", a.detail, "\" is not a fact");
          break;
        case AlternativeExplanation::Verdict::kCycle:
          absl::StrAppend(&out, ": \"", a.detail, "\" is on the path");
          break;
        case AlternativeExplanation::Verdict::kNotEvaluated:
          break;
      }
      absl::StrAppend(&out, "\n");
    }
  }
  return out;
}

}  // namespace backplan::decompose

#include "libs/decompose/recipe.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/status_macros.h"
#include "libs/core/attributes.h"
#include "libs/decompose/pattern.h"

namespace backplan::decompose {
namespace {

// Builds messages "<source>:<line>: recipes[i] "name": <what>".
class Reporter {
 public:
  Reporter(absl::string_view source, int index, const Recipe& recipe)
      : source_(source), index_(index), recipe_(recipe) {}

  absl::Status Error(int line, absl::string_view what) const {
    if (line == 0) line = recipe_.line;
    std::string where =
        line > 0 ? absl::StrCat(source_, ":", line) : std::string(source_);
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": recipes[", index_, "] \"", recipe_.name, "\": ", what));
  }

 private:
  absl::string_view source_;
  int index_;
  const Recipe& recipe_;
};

absl::Status CheckTemplate(const Reporter& r, int line, absl::string_view field,
                           absl::string_view text,
                           const absl::flat_hash_set<std::string>& bound,
                           absl::string_view pattern) {
  absl::StatusOr<Template> t = Template::Parse(text, /*lower_case=*/false);
  if (!t.ok())
    return r.Error(line, absl::StrCat(field, ": ", t.status().message()));
  if (NormalizeText(text).empty()) {
    return r.Error(line, absl::StrCat(field, " is empty"));
  }
  for (const std::string& var : t->Variables()) {
    if (!bound.contains(var)) {
      return r.Error(
          line,
          absl::StrCat(field, " \"", text, "\": variable {", var,
                       "} is not bound by the goal pattern \"", pattern, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDays(const Reporter& r, int line, absl::string_view field,
                       int days) {
  if (days < 0 || days > kMaxRecipeDays) {
    return r.Error(line, absl::StrCat(field, " ", days, " is out of range 0..",
                                      kMaxRecipeDays));
  }
  return absl::OkStatus();
}

absl::Status CheckAttributes(const Reporter& r, int line,
                             absl::string_view field, const TaskAttributes& a) {
  std::optional<AttributeProblem> problem = FindAttributeProblem(a);
  if (!problem) return absl::OkStatus();
  // "tasks[1].attributes.importance 11 is out of range 1-10 (0 = unset)".
  return r.Error(line, absl::StrCat(field, ".", problem->problem));
}

absl::Status CheckRecipe(absl::string_view source, int index,
                         const Recipe& recipe) {
  Reporter r(source, index, recipe);
  if (recipe.name.empty()) return r.Error(0, "name is empty");
  absl::StatusOr<Template> pattern = Template::Parse(recipe.goal);
  if (!pattern.ok()) {
    return r.Error(0, absl::StrCat("goal: ", pattern.status().message()));
  }
  if (pattern->segments().empty()) return r.Error(0, "goal is empty");
  absl::flat_hash_set<std::string> bound;
  for (const std::string& v : pattern->Variables()) bound.insert(v);

  for (size_t i = 0; i < recipe.when.size(); ++i) {
    RETURN_IF_ERROR(CheckTemplate(r, 0, absl::StrCat("when[", i, "]"),
                                  recipe.when[i], bound, recipe.goal));
  }
  for (size_t i = 0; i < recipe.sub_goals.size(); ++i) {
    RETURN_IF_ERROR(CheckTemplate(r, 0, absl::StrCat("sub_goals[", i, "]"),
                                  recipe.sub_goals[i], bound, recipe.goal));
  }
  RETURN_IF_ERROR(CheckDays(r, 0, "extra_cost", recipe.extra_cost_days));

  absl::flat_hash_map<std::string, int> task_index;
  for (size_t i = 0; i < recipe.tasks.size(); ++i) {
    const RecipeTask& t = recipe.tasks[i];
    std::string field = absl::StrCat("tasks[", i, "]");
    RETURN_IF_ERROR(CheckTemplate(r, t.line, absl::StrCat(field, ".title"),
                                  t.title, bound, recipe.goal));
    if (!task_index.emplace(NormalizeText(t.title), i).second) {
      return r.Error(t.line, absl::StrCat(field, ": duplicate task title \"",
                                          t.title, "\""));
    }
    RETURN_IF_ERROR(
        CheckDays(r, t.line, absl::StrCat(field, ".days"), t.duration_days));
    if (t.optimistic_days) {
      RETURN_IF_ERROR(CheckDays(r, t.line, absl::StrCat(field, ".optimistic"),
                                *t.optimistic_days));
      if (*t.optimistic_days > t.duration_days) {
        return r.Error(t.line,
                       absl::StrCat(field, ": optimistic ", *t.optimistic_days,
                                    " > days ", t.duration_days));
      }
    }
    if (t.pessimistic_days) {
      RETURN_IF_ERROR(CheckDays(r, t.line, absl::StrCat(field, ".pessimistic"),
                                *t.pessimistic_days));
      if (*t.pessimistic_days < t.duration_days) {
        return r.Error(
            t.line, absl::StrCat(field, ": pessimistic ", *t.pessimistic_days,
                                 " < days ", t.duration_days));
      }
    }
    RETURN_IF_ERROR(CheckAttributes(
        r, t.line, absl::StrCat(field, ".attributes"), t.attributes));
  }

  // `after` edges: resolve, then look for a cycle (colour DFS; recipes are
  // small, so recursion depth is bounded by the task count).
  std::vector<std::vector<int>> preds(recipe.tasks.size());
  for (size_t i = 0; i < recipe.tasks.size(); ++i) {
    const RecipeTask& t = recipe.tasks[i];
    for (size_t j = 0; j < t.after.size(); ++j) {
      auto it = task_index.find(NormalizeText(t.after[j]));
      std::string field = absl::StrCat("tasks[", i, "].after[", j, "]");
      if (it == task_index.end()) {
        return r.Error(t.line, absl::StrCat(field, ": no task \"", t.after[j],
                                            "\" in this recipe"));
      }
      if (it->second == static_cast<int>(i)) {
        return r.Error(t.line, absl::StrCat(field, ": task \"", t.title,
                                            "\" cannot come after itself"));
      }
      preds[i].push_back(it->second);
    }
  }
  std::vector<int> state(recipe.tasks.size(), 0);  // 0 new, 1 open, 2 done.
  std::vector<int> stack;
  std::function<bool(int)> visit = [&](int n) {
    state[n] = 1;
    stack.push_back(n);
    for (int p : preds[n]) {
      if (state[p] == 1) {
        stack.push_back(p);
        return true;
      }
      if (state[p] == 0 && visit(p)) return true;
    }
    stack.pop_back();
    state[n] = 2;
    return false;
  };
  for (size_t i = 0; i < recipe.tasks.size(); ++i) {
    if (state[i] != 0 || !visit(static_cast<int>(i))) continue;
    // stack: i, ..., p, where p repeats an earlier entry.
    std::vector<std::string> names;
    size_t start = 0;
    while (stack[start] != stack.back()) ++start;
    for (size_t k = start; k < stack.size(); ++k) {
      names.push_back(absl::StrCat("\"", recipe.tasks[stack[k]].title, "\""));
    }
    return r.Error(recipe.tasks[stack.back()].line,
                   absl::StrCat("`after` forms a cycle: ",
                                absl::StrJoin(names, " after ")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRecipeBook(const RecipeBook& book,
                                absl::string_view source) {
  absl::flat_hash_map<std::string, int> names;
  for (size_t i = 0; i < book.recipes.size(); ++i) {
    const Recipe& recipe = book.recipes[i];
    RETURN_IF_ERROR(CheckRecipe(source, static_cast<int>(i), recipe));
    auto [it, inserted] = names.emplace(recipe.name, static_cast<int>(i));
    if (!inserted) {
      Reporter r(source, static_cast<int>(i), recipe);
      const Recipe& first = book.recipes[it->second];
      return r.Error(
          0,
          absl::StrCat(
              "duplicate recipe name (first used by recipes[", it->second, "]",
              first.line > 0 ? absl::StrCat(" on line ", first.line) : "",
              ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace backplan::decompose

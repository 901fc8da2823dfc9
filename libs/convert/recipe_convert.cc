#include "libs/convert/recipe_convert.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/decompose/recipe_yaml.h"

namespace backplan {

namespace dc = ::backplan::decompose;

dc::RecipeBook RecipeBookFromProto(const v1::RecipeBook& in) {
  dc::RecipeBook book;
  book.name = in.name();
  for (const v1::Recipe& r : in.recipes()) {
    dc::Recipe recipe;
    recipe.name = r.name();
    recipe.goal = r.goal();
    recipe.when.assign(r.when().begin(), r.when().end());
    recipe.sub_goals.assign(r.sub_goals().begin(), r.sub_goals().end());
    recipe.extra_cost_days = static_cast<int>(r.extra_cost_days());
    for (const v1::RecipeTask& t : r.tasks()) {
      dc::RecipeTask task;
      task.title = t.title();
      task.duration_days = t.duration_days();
      if (t.has_optimistic_days()) task.optimistic_days = t.optimistic_days();
      if (t.has_pessimistic_days()) {
        task.pessimistic_days = t.pessimistic_days();
      }
      task.attributes = AttributesFromProto(t.attributes());
      task.after.assign(t.after().begin(), t.after().end());
      recipe.tasks.push_back(std::move(task));
    }
    book.recipes.push_back(std::move(recipe));
  }
  return book;
}

void RecipeBookToProto(const dc::RecipeBook& in, v1::RecipeBook* out) {
  out->set_name(in.name);
  for (const dc::Recipe& recipe : in.recipes) {
    v1::Recipe* r = out->add_recipes();
    r->set_name(recipe.name);
    r->set_goal(recipe.goal);
    for (const std::string& w : recipe.when) r->add_when(w);
    for (const std::string& s : recipe.sub_goals) r->add_sub_goals(s);
    r->set_extra_cost_days(recipe.extra_cost_days);
    for (const dc::RecipeTask& task : recipe.tasks) {
      v1::RecipeTask* t = r->add_tasks();
      t->set_title(task.title);
      t->set_duration_days(task.duration_days);
      if (task.optimistic_days) t->set_optimistic_days(*task.optimistic_days);
      if (task.pessimistic_days) {
        t->set_pessimistic_days(*task.pessimistic_days);
      }
      AttributesToProto(task.attributes, t->mutable_attributes());
      for (const std::string& a : task.after) t->add_after(a);
    }
  }
}

absl::StatusOr<dc::RecipeBook> RecipeBookFromRequest(const v1::RecipeBook* book,
                                                     const std::string* yaml) {
  if (yaml != nullptr) return dc::ParseRecipeBookYaml(*yaml, "request");
  dc::RecipeBook parsed = RecipeBookFromProto(*book);
  for (size_t r = 0; r < parsed.recipes.size(); ++r) {
    if (book->recipes(r).extra_cost_days() !=
        parsed.recipes[r].extra_cost_days) {
      return absl::InvalidArgumentError(
          absl::StrCat("recipes[", r,
                       "].extra_cost_days: must be a whole "
                       "number of working days"));
    }
  }
  RETURN_IF_ERROR(dc::ValidateRecipeBook(parsed, "request"));
  return parsed;
}

}  // namespace backplan

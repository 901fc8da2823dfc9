#include "libs/decompose/recipe_yaml.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/common/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace backplan::decompose {
namespace {

// A book may expand (through YAML aliases) to this many times its size.
constexpr int64_t kExpansionFactor = 4;

class Parser {
 public:
  // `text_budget` bounds the bytes of text the book may expand to.
  Parser(absl::string_view source, int64_t text_budget)
      : source_(source), text_budget_(text_budget), budget_(text_budget) {}

  absl::StatusOr<RecipeBook> Book(const YAML::Node& root) {
    RecipeBook book;
    if (!root.IsMap()) {
      return Error(root, "the document must be a mapping with key `recipes`");
    }
    RETURN_IF_ERROR(CheckKeys(root, "the book", {"name", "recipes"}));
    if (root["name"]) {
      ASSIGN_OR_RETURN(book.name, Scalar(root["name"], "name"));
    }
    YAML::Node recipes = root["recipes"];
    if (!recipes) return Error(root, "missing key `recipes`");
    if (!recipes.IsSequence()) {
      return Error(recipes, "`recipes` must be a list");
    }
    for (const YAML::Node& r : recipes) {
      ASSIGN_OR_RETURN(Recipe recipe, ParseRecipe(r));
      book.recipes.push_back(std::move(recipe));
    }
    return book;
  }

 private:
  static int Line(const YAML::Node& node) {
    int line = node.Mark().line;
    return line >= 0 ? line + 1 : 0;
  }

  absl::Status Error(const YAML::Node& node, absl::string_view what) const {
    int line = Line(node);
    return absl::InvalidArgumentError(
        line > 0 ? absl::StrCat(source_, ":", line, ": ", what)
                 : absl::StrCat(source_, ": ", what));
  }

  // Unknown and repeated keys are errors: a typo must not silently drop data.
  absl::Status CheckKeys(const YAML::Node& map, absl::string_view what,
                         std::initializer_list<const char*> allowed) const {
    std::vector<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) return Error(kv.first, "keys must be text");
      const std::string& key = kv.first.Scalar();
      bool known = false;
      for (const char* a : allowed) known = known || key == a;
      if (!known) {
        return Error(kv.first, absl::StrCat("unknown key \"", key, "\" in ",
                                            what, " (expected one of: ",
                                            absl::StrJoin(allowed, ", "), ")"));
      }
      for (const std::string& s : seen) {
        if (s == key) {
          return Error(kv.first,
                       absl::StrCat("key \"", key, "\" repeated in ", what));
        }
      }
      seen.push_back(key);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Scalar(const YAML::Node& node,
                                     absl::string_view field) const {
    if (!node.IsScalar()) {
      return Error(node, absl::StrCat("`", field, "` must be a single value"));
    }
    // YAML aliases repeat an anchored node without repeating its text, so a
    // small document can expand to gigabytes: every value read is charged
    // (at least a node's worth of bytes) against a budget proportional to
    // the document's size.
    budget_ -= std::max<int64_t>(static_cast<int64_t>(node.Scalar().size()),
                                 kBytesPerNode);
    if (budget_ < 0) {
      return Error(node,
                   absl::StrCat("the book expands to more than ", text_budget_,
                                " bytes of text (YAML aliases repeat "
                                "it); at most ",
                                kExpansionFactor, "x the document"));
    }
    return node.Scalar();
  }

  absl::StatusOr<std::vector<std::string>> List(const YAML::Node& node,
                                                absl::string_view field) const {
    std::vector<std::string> out;
    if (node.IsNull()) return out;
    if (!node.IsSequence()) {
      return Error(node, absl::StrCat("`", field, "` must be a list of text"));
    }
    for (const YAML::Node& item : node) {
      ASSIGN_OR_RETURN(std::string s, Scalar(item, field));
      out.push_back(std::move(s));
    }
    return out;
  }

  // Whole working days, optionally suffixed `d`: 3, "3d".
  absl::StatusOr<int> Days(const YAML::Node& node,
                           absl::string_view field) const {
    ASSIGN_OR_RETURN(std::string text, Scalar(node, field));
    absl::string_view v = absl::StripAsciiWhitespace(text);
    if (!v.empty() && (v.back() == 'd' || v.back() == 'D')) v.remove_suffix(1);
    int days = 0;
    if (!absl::SimpleAtoi(v, &days)) {
      return Error(node, absl::StrCat("bad number \"", text, "\" for `", field,
                                      "`: expected whole working days, e.g. "
                                      "3 or 3d"));
    }
    if (days < 0 || days > kMaxRecipeDays) {
      return Error(node, absl::StrCat("`", field, "` ", days,
                                      " is out of range 0..", kMaxRecipeDays));
    }
    return days;
  }

  absl::StatusOr<int> Int(const YAML::Node& node,
                          absl::string_view field) const {
    ASSIGN_OR_RETURN(std::string text, Scalar(node, field));
    int value = 0;
    if (!absl::SimpleAtoi(text, &value)) {
      return Error(node, absl::StrCat("bad number \"", text, "\" for `", field,
                                      "`: expected a whole number"));
    }
    return value;
  }

  absl::StatusOr<double> Double(const YAML::Node& node,
                                absl::string_view field) const {
    ASSIGN_OR_RETURN(std::string text, Scalar(node, field));
    double value = 0;
    if (!absl::SimpleAtod(text, &value)) {
      return Error(node,
                   absl::StrCat("bad number \"", text, "\" for `", field, "`"));
    }
    return value;
  }

  absl::StatusOr<TaskAttributes> Attributes(const YAML::Node& node) const {
    TaskAttributes a;
    if (node.IsNull()) return a;
    if (!node.IsMap()) return Error(node, "`attributes` must be a mapping");
    RETURN_IF_ERROR(
        CheckKeys(node, "attributes",
                  {"importance", "difficulty", "business_value",
                   "time_criticality", "risk_reduction", "rice_reach",
                   "rice_impact", "rice_confidence", "rice_effort"}));
    const std::pair<const char*, int*> ints[] = {
        {"importance", &a.importance},
        {"difficulty", &a.difficulty},
        {"business_value", &a.business_value},
        {"time_criticality", &a.time_criticality},
        {"risk_reduction", &a.risk_reduction}};
    for (const auto& [key, field] : ints) {
      if (!node[key]) continue;
      ASSIGN_OR_RETURN(*field, Int(node[key], key));
      if (*field < 0 || *field > 10) {
        return Error(node[key], absl::StrCat("`", key, "` ", *field,
                                             " is out of range 1..10"));
      }
    }
    const std::pair<const char*, std::optional<double>*> doubles[] = {
        {"rice_reach", &a.rice_reach},
        {"rice_impact", &a.rice_impact},
        {"rice_confidence", &a.rice_confidence},
        {"rice_effort", &a.rice_effort}};
    for (const auto& [key, field] : doubles) {
      if (!node[key]) continue;
      ASSIGN_OR_RETURN(*field, Double(node[key], key));
    }
    return a;
  }

  absl::StatusOr<RecipeTask> ParseTask(const YAML::Node& node) const {
    RecipeTask task;
    task.line = Line(node);
    if (!node.IsMap()) {
      return Error(node, "a task must be a mapping with `title` and `days`");
    }
    RETURN_IF_ERROR(CheckKeys(
        node, "task",
        {"title", "days", "optimistic", "pessimistic", "attributes", "after"}));
    if (!node["title"]) return Error(node, "task without `title`");
    ASSIGN_OR_RETURN(task.title, Scalar(node["title"], "title"));
    if (node["days"]) {
      ASSIGN_OR_RETURN(task.duration_days, Days(node["days"], "days"));
    }
    if (node["optimistic"]) {
      ASSIGN_OR_RETURN(task.optimistic_days,
                       Days(node["optimistic"], "optimistic"));
    }
    if (node["pessimistic"]) {
      ASSIGN_OR_RETURN(task.pessimistic_days,
                       Days(node["pessimistic"], "pessimistic"));
    }
    if (node["attributes"]) {
      ASSIGN_OR_RETURN(task.attributes, Attributes(node["attributes"]));
    }
    if (node["after"]) {
      ASSIGN_OR_RETURN(task.after, List(node["after"], "after"));
    }
    return task;
  }

  absl::StatusOr<Recipe> ParseRecipe(const YAML::Node& node) const {
    Recipe recipe;
    recipe.line = Line(node);
    if (!node.IsMap()) {
      return Error(node, "a recipe must be a mapping with `name` and `goal`");
    }
    RETURN_IF_ERROR(CheckKeys(
        node, "recipe",
        {"name", "goal", "when", "sub_goals", "tasks", "extra_cost"}));
    if (!node["name"]) return Error(node, "recipe without `name`");
    ASSIGN_OR_RETURN(recipe.name, Scalar(node["name"], "name"));
    if (!node["goal"]) return Error(node, "recipe without `goal`");
    ASSIGN_OR_RETURN(recipe.goal, Scalar(node["goal"], "goal"));
    if (node["when"]) {
      ASSIGN_OR_RETURN(recipe.when, List(node["when"], "when"));
    }
    if (node["sub_goals"]) {
      ASSIGN_OR_RETURN(recipe.sub_goals, List(node["sub_goals"], "sub_goals"));
    }
    if (node["extra_cost"]) {
      ASSIGN_OR_RETURN(recipe.extra_cost_days,
                       Days(node["extra_cost"], "extra_cost"));
    }
    if (node["tasks"]) {
      const YAML::Node tasks = node["tasks"];
      if (!tasks.IsNull() && !tasks.IsSequence()) {
        return Error(tasks, "`tasks` must be a list");
      }
      if (tasks.IsSequence()) {
        for (const YAML::Node& t : tasks) {
          ASSIGN_OR_RETURN(RecipeTask task, ParseTask(t));
          recipe.tasks.push_back(std::move(task));
        }
      }
    }
    return recipe;
  }

  static constexpr int64_t kBytesPerNode = 16;

  std::string source_;
  int64_t text_budget_;
  mutable int64_t budget_;
};

}  // namespace

absl::StatusOr<RecipeBook> ParseRecipeBookYaml(absl::string_view yaml,
                                               absl::string_view source_name) {
  absl::StatusOr<RecipeBook> book;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    const int64_t budget =
        kExpansionFactor * static_cast<int64_t>(yaml.size()) + 4096;
    book = Parser(source_name, budget).Book(root);
  } catch (const YAML::Exception& e) {
    // Syntax errors; yaml-cpp marks are 0-based.
    return absl::InvalidArgumentError(
        e.mark.is_null()
            ? absl::StrCat(source_name, ": ", e.msg)
            : absl::StrCat(source_name, ":", e.mark.line + 1, ": ", e.msg));
  }
  if (!book.ok()) return book.status();
  RETURN_IF_ERROR(ValidateRecipeBook(*book, source_name));
  return book;
}

absl::StatusOr<RecipeBook> LoadRecipeBookFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string what =
        absl::StrCat("cannot open ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(what);
    if (err == EACCES) return absl::PermissionDeniedError(what);
    return absl::UnavailableError(what);
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad())
    return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return ParseRecipeBookYaml(text.str(), path);
}

}  // namespace backplan::decompose

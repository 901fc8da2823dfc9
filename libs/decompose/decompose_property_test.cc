// Property test: on a few hundred small random recipe libraries (fixed seeds),
// CHEAPEST's cost equals the minimum over an independent brute-force
// enumeration of every solution tree, FIRST_APPLICABLE's equals a direct
// reading of its rule, and every emitted plan passes ValidatePlan.
//
// The libraries are built to stress the tricky part: recipes whose sub-goals
// lead back to the path (cycles, self-loops), shared sub-goals, facts and
// false conditions, so memoisation that ignored the path would be caught.
#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/plan_graph.h"
#include "libs/decompose/decompose.h"

namespace backplan::decompose {
namespace {

using ::backplan::testing::IsOk;
using CostPair = std::pair<int64_t, int64_t>;  // (open goals, effort).

// The library as the test sees it: goal g<i> achieved by recipes over goal
// indices, independent of the engine's types.
struct SpecRecipe {
  int goal = 0;
  std::vector<int> subs;        // May repeat a goal; counted once.
  std::vector<int> conditions;  // Indices of condition facts c<j>.
  int64_t effort = 0;           // Task days plus extra cost.
  std::vector<int> task_days;
  int extra = 0;
};

struct Spec {
  int num_goals = 0;
  std::vector<bool> goal_is_fact;
  std::vector<bool> condition_holds;
  std::vector<SpecRecipe> recipes;  // Declared order.
  int root = 0;
};

Spec RandomSpec(uint64_t seed) {
  std::mt19937_64 gen(seed);  // Fixed seed; absl distributions on top.
  Spec s;
  s.num_goals = absl::Uniform(gen, 2, 8);
  for (int i = 0; i < s.num_goals; ++i) {
    s.goal_is_fact.push_back(absl::Bernoulli(gen, 0.1));
  }
  for (int j = 0; j < 3; ++j)
    s.condition_holds.push_back(absl::Bernoulli(gen, 0.5));
  int num_recipes = absl::Uniform(gen, s.num_goals, 3 * s.num_goals + 2);
  for (int r = 0; r < num_recipes; ++r) {
    SpecRecipe recipe;
    recipe.goal = absl::Uniform(gen, 0, s.num_goals);
    int subs = absl::Uniform(gen, 0, 4);
    for (int k = 0; k < subs; ++k) {
      recipe.subs.push_back(absl::Uniform(gen, 0, s.num_goals));
    }
    if (absl::Bernoulli(gen, 0.25)) {
      recipe.conditions.push_back(absl::Uniform(gen, 0, 3));
    }
    int tasks = absl::Uniform(gen, 0, 3);
    for (int k = 0; k < tasks; ++k) {
      recipe.task_days.push_back(absl::Uniform(gen, 0, 6));
    }
    recipe.extra = absl::Bernoulli(gen, 0.3) ? absl::Uniform(gen, 1, 4) : 0;
    recipe.effort = recipe.extra;
    for (int d : recipe.task_days) recipe.effort += d;
    s.recipes.push_back(std::move(recipe));
  }
  s.root = absl::Uniform(gen, 0, s.num_goals);
  return s;
}

std::string GoalText(int g) { return absl::StrCat("Goal ", g); }

RecipeBook ToBook(const Spec& s) {
  RecipeBook book;
  for (size_t r = 0; r < s.recipes.size(); ++r) {
    const SpecRecipe& sr = s.recipes[r];
    Recipe recipe;
    recipe.name = absl::StrCat("r", r);
    recipe.goal = GoalText(sr.goal);
    for (int sub : sr.subs) recipe.sub_goals.push_back(GoalText(sub));
    for (int c : sr.conditions) recipe.when.push_back(absl::StrCat("c", c));
    for (size_t t = 0; t < sr.task_days.size(); ++t) {
      RecipeTask task;
      task.title = absl::StrCat("task ", t, " of r", r);
      task.duration_days = sr.task_days[t];
      if (t > 0) task.after.push_back(absl::StrCat("task ", t - 1, " of r", r));
      recipe.tasks.push_back(std::move(task));
    }
    recipe.extra_cost_days = sr.extra;
    book.recipes.push_back(std::move(recipe));
  }
  return book;
}

Outcome ToOutcome(const Spec& s) {
  Outcome o;
  o.title = GoalText(s.root);
  o.target_date = absl::CivilDay(2030, 1, 1);
  for (int g = 0; g < s.num_goals; ++g) {
    if (s.goal_is_fact[g]) o.facts.push_back(absl::StrCat("goal  ", g));
  }
  for (size_t j = 0; j < s.condition_holds.size(); ++j) {
    if (s.condition_holds[j]) o.facts.push_back(absl::StrCat("C", j));
  }
  return o;
}

// Whether `r` applies to its goal with `path` (a bit mask of goals, the goal
// itself included) on the path.
bool Applies(const Spec& s, const SpecRecipe& r, uint32_t path) {
  for (int c : r.conditions) {
    if (!s.condition_holds[c]) return false;
  }
  for (int sub : r.subs) {
    if (path & (1u << sub)) return false;
  }
  return true;
}

std::vector<int> DistinctSubs(const SpecRecipe& r) {
  std::vector<int> subs;
  for (int sub : r.subs) {
    if (std::find(subs.begin(), subs.end(), sub) == subs.end()) {
      subs.push_back(sub);
    }
  }
  return subs;
}

// Every cost a solution tree for `g` can have, given the goals on the path
// above it. Memoised on the exact (goal, path) pair, which is the whole
// context, so this stays a plain enumeration.
class BruteForce {
 public:
  explicit BruteForce(const Spec& s) : s_(s) {}

  const std::set<CostPair>& AllCosts(int g, uint32_t path) {
    auto key = std::make_pair(g, path);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    std::set<CostPair> out;
    if (s_.goal_is_fact[g]) {
      out.insert({0, 0});
    } else {
      uint32_t inner = path | (1u << g);
      for (const SpecRecipe& r : s_.recipes) {
        if (r.goal != g || !Applies(s_, r, inner)) continue;
        std::set<CostPair> sums = {{0, r.effort}};
        for (int sub : DistinctSubs(r)) {
          std::set<CostPair> next;
          for (const CostPair& a : sums) {
            for (const CostPair& b : AllCosts(sub, inner)) {
              next.insert({a.first + b.first, a.second + b.second});
            }
          }
          sums = std::move(next);
        }
        out.insert(sums.begin(), sums.end());
      }
      if (out.empty()) out.insert({1, 0});  // No applicable recipe: open.
    }
    return memo_.emplace(key, std::move(out)).first->second;
  }

  // FIRST_APPLICABLE's rule, read directly.
  CostPair First(int g, uint32_t path) {
    if (s_.goal_is_fact[g]) return {0, 0};
    uint32_t inner = path | (1u << g);
    for (const SpecRecipe& r : s_.recipes) {
      if (r.goal != g || !Applies(s_, r, inner)) continue;
      CostPair sum = {0, r.effort};
      for (int sub : DistinctSubs(r)) {
        CostPair c = First(sub, inner);
        sum.first += c.first;
        sum.second += c.second;
      }
      return sum;
    }
    return {1, 0};
  }

 private:
  const Spec& s_;
  std::map<std::pair<int, uint32_t>, std::set<CostPair>> memo_;
};

void CheckPlan(const DecomposeResult& r, const Spec& s) {
  ASSERT_THAT(ValidatePlan(r.plan), IsOk());
  ASSERT_EQ(r.explanations.size(), r.plan.goals.size());
  EXPECT_EQ(r.plan.outcome_goal_id, r.plan.goals[0].id);
  std::vector<std::string> open;
  for (size_t i = 0; i < r.plan.goals.size(); ++i) {
    const Goal& g = r.plan.goals[i];
    const GoalExplanation& x = r.explanations[i];
    EXPECT_EQ(x.goal_id, g.id);
    if (g.state == GoalState::kOpen) open.push_back(g.id);
    if (g.state == GoalState::kBrokenDown) {
      bool found = false;
      for (const AlternativeExplanation& a : x.alternatives) {
        if (a.verdict != AlternativeExplanation::Verdict::kChosen) continue;
        found = true;
        EXPECT_EQ(a.recipe, g.recipe);
        EXPECT_EQ(a.cost, x.cost);
      }
      EXPECT_TRUE(found) << g.id;
    }
  }
  EXPECT_EQ(open, r.open_goal_ids);
  (void)s;
}

class DecomposeProperty : public ::testing::TestWithParam<int> {};

TEST_P(DecomposeProperty, CheapestMatchesBruteForce) {
  for (int i = 0; i < 125; ++i) {
    const uint64_t seed = static_cast<uint64_t>(GetParam()) * 1000 + i;
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    Spec spec = RandomSpec(seed);
    ASSERT_OK_AND_ASSIGN(CompiledRecipeBook book,
                         CompiledRecipeBook::Create(ToBook(spec)));
    const Outcome outcome = ToOutcome(spec);
    BruteForce brute(spec);

    ASSERT_OK_AND_ASSIGN(DecomposeResult cheapest, Decompose(book, outcome));
    const std::set<CostPair>& all = brute.AllCosts(spec.root, 0);
    ASSERT_FALSE(all.empty());
    const CostPair best = *all.begin();  // std::pair orders lexicographically.
    EXPECT_EQ(cheapest.cost, (Cost{best.first, best.second}));
    CheckPlan(cheapest, spec);

    DecomposeOptions first;
    first.strategy = Strategy::kFirstApplicable;
    ASSERT_OK_AND_ASSIGN(DecomposeResult f, Decompose(book, outcome, first));
    const CostPair fa = brute.First(spec.root, 0);
    EXPECT_EQ(f.cost, (Cost{fa.first, fa.second}));
    EXPECT_TRUE(all.count(fa)) << "first-applicable cost is not a tree cost";
    CheckPlan(f, spec);

    // Identical input, identical plan.
    ASSERT_OK_AND_ASSIGN(DecomposeResult again, Decompose(book, outcome));
    ASSERT_EQ(again.plan.goals.size(), cheapest.plan.goals.size());
    for (size_t g = 0; g < again.plan.goals.size(); ++g) {
      EXPECT_EQ(again.plan.goals[g].id, cheapest.plan.goals[g].id);
      EXPECT_EQ(again.plan.goals[g].sub_goal_ids,
                cheapest.plan.goals[g].sub_goal_ids);
    }
  }
}

// 8 x 125 = 1000 libraries.
INSTANTIATE_TEST_SUITE_P(Seeds, DecomposeProperty, ::testing::Range(0, 8));

}  // namespace
}  // namespace backplan::decompose

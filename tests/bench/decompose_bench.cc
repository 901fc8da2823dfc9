// Decomposition at scale: a generated book of 10,000 recipes whose CHEAPEST
// breakdown is a plan of about 100,000 nodes (goals plus tasks).
//
// The book: 8,000 milestones in a 3-ary tree ("milestone 17 of {project}"),
// each broken down by a recipe of 11 tasks ordered in a chain, every tenth
// also needing a shared "platform of {project}" goal (shared sub-goals), and
// every fourth (but the root) with a second, conditional alternative (1,999
// more recipes, and one for the platform), so CHEAPEST compares alternatives
// and checks conditions. Counters: plan_nodes, goals, tasks, peak_rss_mb
// (getrusage ru_maxrss: the process's peak, so it covers the largest benchmark
// run so far).
//
//   ./build/tests/bench/decompose_bench
#include <sys/resource.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "libs/core/plan_graph.h"
#include "libs/decompose/decompose.h"

namespace backplan::decompose {
namespace {

constexpr int kMilestones = 8000;
constexpr int kBranching = 3;
constexpr int kTasksPerRecipe = 11;

RecipeTask MakeTask(const std::string& title, int days, int t,
                    const std::string& previous) {
  RecipeTask task;
  task.title = title;
  task.duration_days = days;
  task.optimistic_days = days > 0 ? days - 1 : 0;
  task.pessimistic_days = days * 2;
  task.attributes.importance = 1 + t % 10;
  task.attributes.difficulty = 1 + (t * 7) % 10;
  if (!previous.empty()) task.after.push_back(previous);
  return task;
}

Recipe MakeRecipe(int m, bool alternative) {
  Recipe r;
  r.name = absl::StrCat(alternative ? "fast-" : "", "milestone-", m);
  r.goal = absl::StrCat("milestone ", m, " of {project}");
  for (int c = m * kBranching + 1;
       c <= m * kBranching + kBranching && c < kMilestones; ++c) {
    r.sub_goals.push_back(absl::StrCat("milestone ", c, " of {project}"));
  }
  if (m % 10 == 0) r.sub_goals.push_back("platform of {project}");
  if (alternative) {
    // Cheaper, but only where the team exists (half of the alternatives).
    r.when.push_back(absl::StrCat("team ", m % 8, " works on {project}"));
  }
  std::string previous;
  for (int t = 0; t < kTasksPerRecipe; ++t) {
    std::string title = absl::StrCat(alternative ? "quickly " : "", "do step ",
                                     t, " of milestone ", m, " for {project}");
    r.tasks.push_back(
        MakeTask(title, alternative ? 1 : 1 + (m + t) % 5, t, previous));
    previous = title;
  }
  return r;
}

const CompiledRecipeBook& Book() {
  static const CompiledRecipeBook* book = [] {
    RecipeBook b;
    b.name = "generated";
    // 8,000 + 1,999 alternatives + the platform = 10,000 recipes.
    for (int m = 0; m < kMilestones; ++m) {
      b.recipes.push_back(MakeRecipe(m, false));
      if (m % 4 == 0 && m > 0) b.recipes.push_back(MakeRecipe(m, true));
    }
    Recipe platform;
    platform.name = "platform";
    platform.goal = "platform of {project}";
    platform.tasks.push_back(
        MakeTask("build the {project} platform", 20, 0, ""));
    b.recipes.push_back(std::move(platform));
    return new CompiledRecipeBook(
        CompiledRecipeBook::Create(std::move(b), "generated").value());
  }();
  return *book;
}

Outcome MakeOutcome() {
  Outcome o;
  o.title = "milestone 0 of the reader";
  o.target_date = absl::CivilDay(2027, 6, 30);
  for (int t = 0; t < 8; t += 2) {
    o.facts.push_back(absl::StrCat("team ", t, " works on the reader"));
  }
  return o;
}

void SetCounters(benchmark::State& state, const DecomposeResult& r) {
  state.counters["recipes"] = static_cast<double>(Book().book().recipes.size());
  state.counters["goals"] = static_cast<double>(r.plan.goals.size());
  state.counters["tasks"] = static_cast<double>(r.plan.tasks.size());
  state.counters["plan_nodes"] =
      static_cast<double>(r.plan.goals.size() + r.plan.tasks.size());
  state.counters["open_goals"] = static_cast<double>(r.open_goal_ids.size());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024;
}

void BM_CompileBook(benchmark::State& state) {
  RecipeBook book = Book().book();
  for (auto _ : state) {
    auto compiled = CompiledRecipeBook::Create(book, "generated");
    benchmark::DoNotOptimize(compiled);
  }
}
BENCHMARK(BM_CompileBook)->Unit(benchmark::kMillisecond);

void BM_Decompose(benchmark::State& state) {
  const CompiledRecipeBook& book = Book();
  const Outcome outcome = MakeOutcome();
  DecomposeOptions options;
  options.strategy =
      state.range(0) == 0 ? Strategy::kCheapest : Strategy::kFirstApplicable;
  DecomposeResult last;
  for (auto _ : state) {
    auto result = Decompose(book, outcome, options);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    last = *std::move(result);
  }
  SetCounters(state, last);
}
BENCHMARK(BM_Decompose)
    ->ArgName("first_applicable")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

// The plan the search emits, checked by core's validator: the cost a caller
// pays on top of Decompose before scheduling.
void BM_ValidateDecomposedPlan(benchmark::State& state) {
  auto result = Decompose(Book(), MakeOutcome());
  if (!result.ok()) {
    state.SkipWithError(std::string(result.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    absl::Status status = ValidatePlan(result->plan);
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      return;
    }
  }
  SetCounters(state, *result);
}
BENCHMARK(BM_ValidateDecomposedPlan)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace backplan::decompose

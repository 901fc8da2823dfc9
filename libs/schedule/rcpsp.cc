#include "libs/schedule/rcpsp.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/schedule/rcpsp_engine.h"
#include "libs/schedule/rcpsp_genetic.h"

namespace backplan {
namespace rcpsp {
namespace {

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(what);
}

}  // namespace

const char* RuleName(Rule rule) {
  switch (rule) {
    case Rule::kCallerOrder:
      return "caller order";
    case Rule::kLatestFinish:
      return "latest finish (LFT)";
    case Rule::kMinSlack:
      return "minimum slack (MSLK)";
    case Rule::kSampling:
      return "biased random sampling";
    case Rule::kGenetic:
      return "genetic search";
  }
  return "";
}

absl::Status ValidateProblem(const Problem& problem,
                             int64_t max_horizon_cells) {
  const int n = problem.num_jobs();
  const int k = problem.num_resources();
  if (problem.demand.size() != static_cast<size_t>(n) * k) {
    return Invalid(absl::StrCat("demand: ", problem.demand.size(),
                                " entries for ", n, " jobs and ", k,
                                " resources"));
  }
  if (!problem.release.empty() &&
      problem.release.size() != problem.duration.size()) {
    return Invalid("release: one entry per job, or none");
  }
  for (int r = 0; r < k; ++r) {
    if (problem.capacity[r] < 0) {
      return Invalid(absl::StrCat("capacity[", r, "] is negative"));
    }
  }
  for (int j = 0; j < n; ++j) {
    if (problem.duration[j] < 0) {
      return Invalid(absl::StrCat("duration[", j, "] is negative"));
    }
    if (!problem.release.empty() && problem.release[j] < 0) {
      return Invalid(absl::StrCat("release[", j, "] is negative"));
    }
    for (int r = 0; r < k; ++r) {
      const int q = problem.Demand(j, r);
      if (q < 0 || q > problem.capacity[r]) {
        return Invalid(absl::StrCat("job ", j, " demands ", q, " of resource ",
                                    r, " (capacity ", problem.capacity[r],
                                    ")"));
      }
    }
  }
  for (const ReducedCapacity& rc : problem.reduced) {
    if (rc.resource < 0 || rc.resource >= k || rc.period < 0 ||
        rc.capacity < 0) {
      return Invalid(absl::StrCat("reduced capacity of resource ", rc.resource,
                                  " on period ", rc.period, ": out of range"));
    }
  }
  std::vector<int> indeg(n, 0);
  std::vector<std::vector<int>> succ(n);
  for (const Precedence& pr : problem.precedences) {
    if (pr.from < 0 || pr.from >= n || pr.to < 0 || pr.to >= n ||
        pr.from == pr.to || pr.lag < 0) {
      return Invalid(absl::StrCat("precedence ", pr.from, " -> ", pr.to,
                                  " lag ", pr.lag, ": out of range"));
    }
    ++indeg[pr.to];
    succ[pr.from].push_back(pr.to);
  }
  std::vector<int> stack;
  for (int j = 0; j < n; ++j) {
    if (indeg[j] == 0) stack.push_back(j);
  }
  int seen = 0;
  while (!stack.empty()) {
    const int j = stack.back();
    stack.pop_back();
    ++seen;
    for (const int s : succ[j]) {
      if (--indeg[s] == 0) stack.push_back(s);
    }
  }
  if (seen != n) return Invalid("precedences: a cycle");
  const int64_t h = internal::HorizonOf(problem);
  if (h >= std::numeric_limits<int>::max() / 2 ||
      h * std::max(k, 1) > max_horizon_cells) {
    return Invalid(absl::StrCat("the schedule horizon of ", h, " periods for ",
                                k, " resources is over the limit of ",
                                max_horizon_cells, " cells"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int>> ScheduleList(const Problem& problem,
                                              absl::Span<const int> order) {
  RETURN_IF_ERROR(ValidateProblem(problem));
  const int n = problem.num_jobs();
  std::vector<int> position(n, -1);
  if (static_cast<int>(order.size()) != n) {
    return Invalid("order: not a permutation of the jobs");
  }
  for (int i = 0; i < n; ++i) {
    if (order[i] < 0 || order[i] >= n || position[order[i]] != -1) {
      return Invalid("order: not a permutation of the jobs");
    }
    position[order[i]] = i;
  }
  for (const Precedence& pr : problem.precedences) {
    if (position[pr.from] > position[pr.to]) {
      return Invalid(absl::StrCat("order: job ", pr.to,
                                  " before its predecessor ", pr.from));
    }
  }
  internal::Engine engine(problem);
  std::vector<int> start;
  const std::vector<int> list(order.begin(), order.end());
  if (engine.RunList(engine.forward(), list, &start) < 0) {
    return absl::InternalError("rcpsp: horizon exceeded");
  }
  return start;
}

absl::StatusOr<Result> Solve(const Problem& problem, const Options& options) {
  RETURN_IF_ERROR(ValidateProblem(problem));
  if (options.max_schedules < 1) {
    return Invalid("max_schedules: must be at least 1");
  }
  if (options.threads < 1 || options.threads > kMaxThreads) {
    return Invalid(
        absl::StrCat("threads: must be between 1 and ", kMaxThreads));
  }
  const int n = problem.num_jobs();
  internal::Engine engine(problem);
  const internal::Orientation& fwd = engine.forward();
  const internal::Times times = internal::ResourceFreeTimes(problem, fwd.topo);
  const std::vector<int>& es = times.earliest_start;
  const std::vector<int>& lf = times.latest_finish;

  Result result;
  result.critical_path_bound = times.critical_path;
  result.resource_bound = internal::ResourceBound(problem);
  result.energy_bound = internal::EnergyBound(problem, times);
  result.conflict_bound = internal::ConflictBound(problem, times);
  result.lower_bound =
      std::max({result.critical_path_bound, result.resource_bound,
                result.energy_bound, result.conflict_bound});

  int passes = 0;
  int best = std::numeric_limits<int>::max();
  auto may_run = [&] {
    if (passes >= options.max_schedules || best <= result.lower_bound) {
      return false;
    }
    return passes == 0 || !options.out_of_time || !options.out_of_time();
  };
  auto consider = [&](const std::vector<int>& start, int makespan, Rule rule) {
    if (makespan >= 0 && makespan < best) {
      best = makespan;
      result.start = start;
      result.best_rule = rule;
    }
  };

  std::vector<std::pair<Rule, std::vector<int>>> rules;
  if (!options.caller_order.empty()) {
    std::vector<int> position(n, -1);
    int next = 0;
    for (const int j : options.caller_order) {
      if (j >= 0 && j < n && position[j] < 0) position[j] = next++;
    }
    for (int j = 0; j < n; ++j) {
      if (position[j] < 0) position[j] = next++;
    }
    rules.push_back({Rule::kCallerOrder, std::move(position)});
  }
  rules.push_back({Rule::kLatestFinish, lf});
  std::vector<int> slack(n);
  for (int j = 0; j < n; ++j) slack[j] = lf[j] - problem.duration[j] - es[j];
  rules.push_back({Rule::kMinSlack, slack});

  // The rules' justified schedules seed the genetic search.
  std::vector<internal::Individual> seeds;
  for (const auto& [rule, priority] : rules) {
    if (!may_run()) break;
    ++passes;
    internal::Individual seed;
    seed.origin = rule;
    int makespan = engine.RunRule(fwd, priority, &seed.start);
    if (makespan < 0) return absl::InternalError("rcpsp: horizon exceeded");
    consider(seed.start, makespan, rule);
    engine.Justify(&seed.start, &makespan, &passes, may_run);
    consider(seed.start, makespan, rule);
    seed.makespan = makespan;
    seeds.push_back(std::move(seed));
  }
  if (may_run()) {
    const internal::GeneticOutcome genetic =
        internal::RunGenetic(problem, lf, seeds, options.max_schedules - passes,
                             result.lower_bound, options);
    passes += genetic.schedules;
    consider(genetic.best.start, genetic.best.makespan, genetic.best.origin);
  }
  result.makespan = best == std::numeric_limits<int>::max() ? 0 : best;
  if (result.start.empty()) result.start.assign(n, 0);
  result.schedules = passes;
  result.gap_percent =
      result.lower_bound > 0
          ? 100.0 * (result.makespan - result.lower_bound) / result.lower_bound
          : 0.0;
  return result;
}

}  // namespace rcpsp
}  // namespace backplan

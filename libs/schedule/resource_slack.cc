#include "libs/schedule/resource_slack.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"

namespace backplan {
namespace rcpsp {

absl::StatusOr<ResourceSlack> ComputeResourceSlack(
    const Problem& problem, absl::Span<const int> start) {
  RETURN_IF_ERROR(ValidateProblem(problem));
  const int n = problem.num_jobs();
  const int k = problem.num_resources();
  if (static_cast<int>(start.size()) != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("start: ", start.size(), " entries for ", n, " jobs"));
  }
  RETURN_IF_ERROR(CheckSchedule(problem, start));
  const int makespan = Makespan(problem, start);
  std::vector<int> end(n);
  for (int j = 0; j < n; ++j) end[j] = start[j] + problem.duration[j];
  auto uses = [&](int j, int r) {
    return problem.duration[j] > 0 && problem.Demand(j, r) > 0;
  };

  // Short-handed periods per resource, ascending.
  std::vector<std::vector<int>> short_days(k);
  for (const ReducedCapacity& reduced : problem.reduced) {
    if (reduced.capacity < problem.capacity[reduced.resource]) {
      short_days[reduced.resource].push_back(reduced.period);
    }
  }
  for (std::vector<int>& days : short_days) {
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
  }

  // Precedences both ways, and a topological rank to order equal starts
  // (a zero-duration job may start where its successor starts).
  std::vector<std::vector<std::pair<int, int>>> succ(n), pred(n);
  std::vector<int> indegree(n, 0);
  for (const Precedence& p : problem.precedences) {
    succ[p.from].push_back({p.to, p.lag});
    pred[p.to].push_back({p.from, p.lag});
    ++indegree[p.to];
  }
  std::vector<int> topo_rank(n, 0), ready;
  for (int j = 0; j < n; ++j) {
    if (indegree[j] == 0) ready.push_back(j);
  }
  for (int rank = 0; !ready.empty(); ++rank) {
    const int j = ready.back();
    ready.pop_back();
    topo_rank[j] = rank;
    for (const auto& [to, lag] : succ[j]) {
      if (--indegree[to] == 0) ready.push_back(to);
    }
  }

  // Latest starts, latest job first. Every job a job must precede (by a
  // precedence, or on a shared resource) starts no earlier than it, and at
  // a tie is later in topological order, so it is done by then.
  std::vector<int> order(n);
  for (int j = 0; j < n; ++j) order[j] = j;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return std::make_pair(start[a], topo_rank[a]) >
           std::make_pair(start[b], topo_rank[b]);
  });
  // Per resource, the jobs done so far using it as (start, smallest latest
  // start among them so far), starts descending.
  std::vector<std::vector<std::pair<int, int>>> done(k);
  std::vector<int> latest(n);
  for (const int j : order) {
    const int d = problem.duration[j];
    int ls = makespan - d;
    for (const auto& [to, lag] : succ[j]) {
      ls = std::min(ls, latest[to] - lag - d);
    }
    for (int r = 0; r < k; ++r) {
      if (!uses(j, r)) continue;
      const std::vector<std::pair<int, int>>& list = done[r];
      // The prefix of jobs starting at or after j's end.
      const auto first_before = std::partition_point(
          list.begin(), list.end(),
          [&](const std::pair<int, int>& e) { return e.first >= end[j]; });
      if (first_before != list.begin()) {
        ls = std::min(ls, std::prev(first_before)->second - d);
      }
      const auto next_short =
          std::lower_bound(short_days[r].begin(), short_days[r].end(), end[j]);
      if (next_short != short_days[r].end()) ls = std::min(ls, *next_short - d);
    }
    latest[j] = ls;
    for (int r = 0; r < k; ++r) {
      if (!uses(j, r)) continue;
      const int best =
          done[r].empty() ? ls : std::min(ls, done[r].back().second);
      done[r].push_back({start[j], best});
    }
  }

  ResourceSlack out;
  out.slack.resize(n);
  out.critical.resize(n);
  out.wait.resize(n);
  absl::flat_hash_map<int, std::vector<int>> ending_at;
  for (int j = 0; j < n; ++j) {
    if (problem.duration[j] > 0) ending_at[end[j]].push_back(j);
  }
  for (int j = 0; j < n; ++j) {
    out.slack[j] = latest[j] - start[j];
    out.critical[j] = out.slack[j] == 0;
    Wait& wait = out.wait[j];
    for (const auto& [from, lag] : pred[j]) {
      if (end[from] + lag == start[j] && (wait.job < 0 || from < wait.job)) {
        wait = {Wait::Kind::kPrecedence, from, -1};
      }
    }
    if (wait.kind != Wait::Kind::kNone || problem.duration[j] == 0) continue;
    auto it = ending_at.find(start[j]);
    if (it != ending_at.end()) {
      for (const int i : it->second) {  // Ascending job index.
        for (int r = 0; r < k; ++r) {
          if (!uses(i, r) || !uses(j, r)) continue;
          wait = {Wait::Kind::kResource, i, r};
          break;
        }
        if (wait.kind != Wait::Kind::kNone) break;
      }
    }
    if (wait.kind != Wait::Kind::kNone) continue;
    for (int r = 0; r < k; ++r) {
      if (uses(j, r) && std::binary_search(short_days[r].begin(),
                                           short_days[r].end(), start[j] - 1)) {
        wait = {Wait::Kind::kReduced, -1, r};
        break;
      }
    }
  }
  return out;
}

}  // namespace rcpsp
}  // namespace backplan

#include "libs/prioritize/explain.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace backplan {
namespace {

std::string Num(double x) {
  if (std::abs(x) >= 1000) return absl::StrFormat("%.0f", x);
  return absl::StrFormat("%.3g", x);
}

// "a", "a and b", "a, b and c".
std::string JoinIds(const std::vector<std::string>& ids, int total) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0)
      absl::StrAppend(
          &out, i + 1 == ids.size() && total == static_cast<int>(ids.size())
                    ? " and "
                    : ", ");
    absl::StrAppend(&out, ids[i]);
  }
  if (total > static_cast<int>(ids.size())) {
    absl::StrAppend(&out, " and ", total - static_cast<int>(ids.size()),
                    " more");
  }
  return out;
}

}  // namespace

std::string RatioText(PrioritizationMethod method, double ratio) {
  switch (method) {
    case PrioritizationMethod::kWsjf:
      return absl::StrCat(Num(ratio), " cost of delay per day");
    case PrioritizationMethod::kRice:
      return absl::StrCat(Num(ratio), " RICE value per person-day");
    case PrioritizationMethod::kQuickWins:
      return absl::StrCat(Num(ratio), " importance per point of difficulty");
    case PrioritizationMethod::kImportance:
    case PrioritizationMethod::kHardestFirst:
    case PrioritizationMethod::kWeighted:
      break;
  }
  return absl::StrCat("score ", Num(ratio), " per task");
}

void ExplainOrder(const Plan& plan, PrioritizationMethod method,
                  const OrderingProblem& problem, const Ordering& ordering,
                  std::vector<TaskPriority>* tasks) {
  const int n = static_cast<int>(problem.value.size());
  std::vector<int> position(n, -1);  // Node -> index in ordering.jobs.
  for (size_t k = 0; k < ordering.jobs.size(); ++k) {
    position[ordering.jobs[k].job] = static_cast<int>(k);
  }
  std::vector<int> seen(n, -1);  // Stamp: the job whose dependents were found.
  std::vector<int> stack;
  for (size_t k = 0; k < ordering.jobs.size(); ++k) {
    const OrderedJob& job = ordering.jobs[k];
    const OrderingSet& set = ordering.sets[job.set];
    TaskPriority& t = (*tasks)[k];
    t.set_index = job.set + 1;
    t.set_tasks = set.count;
    t.set_ratio = set.ratio;
    const std::string set_text =
        set.count == 1
            ? std::string()
            : absl::StrCat("a set of ", set.count, " tasks together worth ",
                           RatioText(method, set.ratio));
    if (job.placement == Placement::kFastChain) {
      if (job.chain_next >= 0) {
        t.unlocks.push_back(plan.tasks[job.chain_next].id);
        t.reason =
            absl::StrCat("ready, and leads to ", plan.tasks[job.chain_next].id,
                         ": that chain is worth ",
                         RatioText(method, job.chain_ratio), " (fast order)");
      } else {
        t.reason = absl::StrCat("ready, worth ", RatioText(method, set.ratio),
                                " on its own (fast order)");
      }
      continue;
    }
    // Later tasks of the same set that depend on this one.
    const int last = set.first + set.count;
    int total = 0;
    std::vector<int> found;
    stack.assign(1, job.job);
    seen[job.job] = static_cast<int>(k);
    while (!stack.empty() && set.count > 1) {
      const int u = stack.back();
      stack.pop_back();
      for (int e = problem.succ_offsets[u]; e < problem.succ_offsets[u + 1];
           ++e) {
        const int v = problem.succ[e];
        if (seen[v] == static_cast<int>(k)) continue;
        seen[v] = static_cast<int>(k);
        const int pos = position[v];
        if (pos >= 0 && pos >= last) continue;  // Outside the set: stop.
        if (pos > static_cast<int>(k)) {
          ++total;
          found.push_back(pos);
        }
        stack.push_back(v);
      }
    }
    std::sort(found.begin(), found.end());
    if (found.size() > static_cast<size_t>(kMaxUnlocksListed)) {
      found.resize(kMaxUnlocksListed);
    }
    for (int pos : found) {
      t.unlocks.push_back(plan.tasks[ordering.jobs[pos].job].id);
    }
    const std::string unlocks =
        t.unlocks.empty() ? std::string()
                          : absl::StrCat("unlocks ", JoinIds(t.unlocks, total));
    if (job.placement == Placement::kGreedy) {
      t.reason = absl::StrCat("best own ",
                              RatioText(method, t.order_value / t.order_size),
                              " among the ready tasks of ", set_text,
                              unlocks.empty() ? "" : "; ", unlocks);
    } else if (set.count == 1) {
      t.reason = absl::StrCat(
          "worth ", RatioText(method, set.ratio),
          " on its own; no remaining task with its prerequisites is worth "
          "more");
    } else if (!unlocks.empty()) {
      t.reason = absl::StrCat(
          k == static_cast<size_t>(set.first) ? "first of " : "in ", set_text,
          ": ", unlocks);
    } else {
      t.reason = absl::StrCat("completes ", set_text);
    }
  }
}

}  // namespace backplan

#include "libs/prioritize/sidney.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/prioritize/max_flow.h"
#include "libs/prioritize/sidney_fast.h"

namespace backplan {
namespace {

using prioritize_internal::MaxFlow;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A Lawler module: jobs that run consecutively in this order.
struct Group {
  double value = 0, size = 0;
  int tie = 0;  // tie_rank of the first job.
  std::vector<int> jobs;
  double ratio() const { return value / size; }
};

class Orderer {
 public:
  Orderer(const OrderingProblem& problem, const OrderingOptions& options,
          Ordering* out)
      : pb_(problem),
        options_(options),
        out_(out),
        local_(problem.value.size(), -1) {}

  // Orders the jobs among `nodes` (prerequisite-closed among the nodes not
  // yet ordered, in topological order).
  absl::Status Order(std::vector<int> nodes) {
    while (true) {
      int jobs = 0;
      for (int node : nodes) jobs += IsJob(node);
      if (jobs == 0) return absl::OkStatus();
      ASSIGN_OR_RETURN(std::vector<int> set, RatioMaximalSet(nodes));
      for (int node : set) local_[node] = 0;
      std::vector<int> rest;
      for (int node : nodes) {
        if (local_[node] < 0) rest.push_back(node);
      }
      for (int node : set) local_[node] = -1;
      RETURN_IF_ERROR(OrderSet(set));
      nodes = std::move(rest);
    }
  }

 private:
  bool IsJob(int node) const { return pb_.size[node] > 0; }

  absl::Status CheckStop() const {
    if (options_.should_stop && options_.should_stop()) {
      return absl::CancelledError(
          "prioritization stopped (deadline or cancel)");
    }
    return absl::OkStatus();
  }

  // The prerequisite-closed subset of `nodes` with the highest w / p and,
  // among those, an inclusion-minimal one (always for small sets).
  absl::StatusOr<std::vector<int>> RatioMaximalSet(
      const std::vector<int>& nodes) {
    double value = 0, size = 0;
    for (int node : nodes) {
      value += pb_.value[node];
      size += pb_.size[node];
    }
    const double eps = kRatioTolerance * 0.1 * (value + 1e-300);
    double lambda = value / size;
    std::vector<int> best;  // Empty: all of `nodes`.
    // Start from the best ready job when it beats the whole: a ready job is a
    // closed set, and a higher start saves cuts.
    for (int node : nodes) local_[node] = 0;
    int ready = -1;
    for (int node : nodes) {
      bool blocked = false;
      for (int e = pb_.pred_offsets[node]; e < pb_.pred_offsets[node + 1];
           ++e) {
        const int p = pb_.pred[e];
        if (local_[p] >= 0 && (local_[p] == 1 || IsJob(p))) blocked = true;
      }
      if (blocked) local_[node] = 1;
      if (blocked || !IsJob(node)) continue;
      const int c = ready < 0
                        ? 1
                        : CompareRatios(pb_.value[node] / pb_.size[node],
                                        pb_.value[ready] / pb_.size[ready]);
      if (c > 0 || (c == 0 && pb_.tie_rank[node] < pb_.tie_rank[ready])) {
        ready = node;
      }
    }
    for (int node : nodes) local_[node] = -1;
    if (ready >= 0 &&
        CompareRatios(pb_.value[ready] / pb_.size[ready], lambda) > 0) {
      lambda = pb_.value[ready] / pb_.size[ready];
      best = {ready};
    }
    for (int iteration = 0; iteration < 200; ++iteration) {
      RETURN_IF_ERROR(CheckStop());
      auto [gain, set] = MaxClosure(nodes, lambda, eps);
      if (set.empty() || gain <= eps) break;
      double v = 0, p = 0;
      for (int node : set) {
        v += pb_.value[node];
        p += pb_.size[node];
      }
      best = std::move(set);
      if (CompareRatios(v / p, lambda) <= 0) break;
      lambda = v / p;
    }
    if (best.empty()) return nodes;
    return best;
  }

  // An inclusion-minimal ratio-maximal subset of `set`, itself ratio-maximal
  // and prerequisite-closed (topological order kept).
  absl::StatusOr<std::vector<int>> Refine(const std::vector<int>& set) {
    std::vector<int> best = set;
    int best_jobs = 0;
    for (int node : best) best_jobs += IsJob(node);
    // At the best ratio, the closures of gain 0 form a lattice; the smallest
    // "least closure containing job v" over all v is one of its atoms.
    double v = 0, p = 0;
    for (int node : best) {
      v += pb_.value[node];
      p += pb_.size[node];
    }
    const double lambda = v / p;
    const double eps = kRatioTolerance * 0.1 * (v + 1e-300);
    std::vector<int> forced;
    for (int node : set) {
      if (IsJob(node)) forced.push_back(node);
    }
    std::sort(forced.begin(), forced.end(), [this](int a, int b) {
      return pb_.tie_rank[a] < pb_.tie_rank[b];
    });
    // One maximum flow serves every job: the smallest maximum-gain closure
    // containing v is what the residual graph reaches from s and v, unless
    // that reaches t (then every closure containing v gains less).
    const int k = static_cast<int>(set.size());
    const int s = k, t = k + 1;
    RETURN_IF_ERROR(CheckStop());
    SolveClosure(set, lambda, eps);
    base_.assign(set.size() + 2, 0);
    flow_.Reach(s, &base_);
    for (int node : forced) {
      seen_ = base_;
      flow_.Reach(local_[node], &seen_);
      if (seen_[t]) continue;
      int jobs = 0;
      for (int i = 0; i < k; ++i) jobs += seen_[i] && IsJob(set[i]);
      if (jobs < best_jobs) {
        best_jobs = jobs;
        best.clear();
        for (int i = 0; i < k; ++i) {
          if (seen_[i]) best.push_back(set[i]);
        }
      }
    }
    for (int node : set) local_[node] = -1;
    return best;
  }

  // Builds the cut network of `nodes` for gain(node) = w - lambda * p (s ->
  // v carries positive gains, v -> t negative ones, v -> prerequisite is
  // uncuttable; s = nodes.size(), t = s + 1) and runs the maximum flow.
  // Leaves local_ set to the index of each of `nodes`; the caller clears it.
  void SolveClosure(const std::vector<int>& nodes, double lambda, double eps) {
    const int k = static_cast<int>(nodes.size());
    for (int i = 0; i < k; ++i) local_[nodes[i]] = i;
    flow_.Reset(k + 2);
    const int s = k, t = k + 1;
    for (int i = 0; i < k; ++i) {
      const int node = nodes[i];
      const double gain = pb_.value[node] - lambda * pb_.size[node];
      if (gain > 0) flow_.AddEdge(s, i, gain);
      if (gain < 0) flow_.AddEdge(i, t, -gain);
      for (int e = pb_.pred_offsets[node]; e < pb_.pred_offsets[node + 1];
           ++e) {
        const int p = local_[pb_.pred[e]];
        if (p >= 0) flow_.AddEdge(i, p, kInfinity);
      }
    }
    flow_.Run(s, t, eps * 1e-3);
  }

  // The maximum-gain prerequisite-closed subset of `nodes` (in topological
  // order) for gain(node) = w - lambda * p, smallest by inclusion, and its
  // gain: the source side of a minimum s-t cut. Only nodes of positive gain
  // and their prerequisites can be in it, so the cut is built on those alone
  // (none: the empty set, without a cut).
  std::pair<double, std::vector<int>> MaxClosure(const std::vector<int>& nodes,
                                                 double lambda, double eps) {
    const int k = static_cast<int>(nodes.size());
    for (int i = 0; i < k; ++i) local_[nodes[i]] = i;
    seen_.assign(nodes.size(), 0);
    bool any = false;
    for (int i = 0; i < k; ++i) {
      if (pb_.value[nodes[i]] - lambda * pb_.size[nodes[i]] > 0) {
        seen_[i] = 1;
        any = true;
      }
    }
    for (int i = k - 1; any && i >= 0; --i) {
      if (!seen_[i]) continue;
      const int node = nodes[i];
      for (int e = pb_.pred_offsets[node]; e < pb_.pred_offsets[node + 1];
           ++e) {
        const int p = local_[pb_.pred[e]];
        if (p >= 0) seen_[p] = 1;
      }
    }
    sub_.clear();
    for (int i = 0; i < k; ++i) {
      if (seen_[i]) sub_.push_back(nodes[i]);
      local_[nodes[i]] = -1;
    }
    std::vector<int> set;
    double gain = 0;
    if (sub_.empty()) return {gain, std::move(set)};
    const int m = static_cast<int>(sub_.size());
    SolveClosure(sub_, lambda, eps);
    seen_.assign(sub_.size() + 2, 0);
    flow_.Reach(m, &seen_);
    for (int i = 0; i < m; ++i) {
      if (seen_[i]) {
        set.push_back(sub_[i]);
        gain += pb_.value[sub_[i]] - lambda * pb_.size[sub_[i]];
      }
    }
    for (int node : sub_) local_[node] = -1;
    return {gain, std::move(set)};
  }

  void Emit(int job, int set, Placement placement) {
    OrderedJob j;
    j.job = job;
    j.set = set;
    j.placement = placement;
    out_->jobs.push_back(j);
  }

  // Orders a ratio-maximal set (in topological order).
  absl::Status OrderSet(const std::vector<int>& set) {
    const int index = static_cast<int>(out_->sets.size());
    OrderingSet info;
    info.first = static_cast<int>(out_->jobs.size());
    std::vector<int> jobs;
    for (int node : set) {
      out_->set_of_node[node] = index;
      info.value += pb_.value[node];
      info.size += pb_.size[node];
      if (IsJob(node)) jobs.push_back(node);
    }
    info.count = static_cast<int>(jobs.size());
    info.ratio = info.value / info.size;
    out_->sets.push_back(info);
    if (jobs.size() == 1) {
      Emit(jobs[0], index, Placement::kSidneySet);
      return absl::OkStatus();
    }
    std::optional<std::vector<Group>> lawler = Lawler(set, jobs);
    if (lawler.has_value()) {
      for (const Group& g : *lawler) {
        for (int job : g.jobs) Emit(job, index, Placement::kSidneySet);
      }
      return absl::OkStatus();
    }
    // Not series-parallel: split off a smaller set of the same ratio if
    // there is one; otherwise the ready job with the best own ratio first,
    // then the rest of the set is decomposed again.
    if (jobs.size() <= static_cast<size_t>(kRefineMaxJobs)) {
      ASSIGN_OR_RETURN(std::vector<int> atom, Refine(set));
      if (atom.size() < set.size()) {
        for (int node : atom) local_[node] = 0;
        std::vector<int> rest;
        for (int node : set) {
          if (local_[node] < 0) rest.push_back(node);
        }
        for (int node : atom) local_[node] = -1;
        RETURN_IF_ERROR(Order(std::move(atom)));
        return Order(std::move(rest));
      }
    }
    for (int node : set) local_[node] = 0;
    std::vector<char>& after_job = after_job_;
    after_job.assign(pb_.value.size(), 0);
    int pick = -1;
    for (int node : set) {
      bool blocked = false;
      for (int e = pb_.pred_offsets[node]; e < pb_.pred_offsets[node + 1];
           ++e) {
        const int p = pb_.pred[e];
        if (local_[p] >= 0 && (after_job[p] || IsJob(p))) blocked = true;
      }
      after_job[node] = blocked;
      if (blocked || !IsJob(node)) continue;
      if (pick < 0) {
        pick = node;
        continue;
      }
      const int c = CompareRatios(pb_.value[node] / pb_.size[node],
                                  pb_.value[pick] / pb_.size[pick]);
      if (c > 0 || (c == 0 && pb_.tie_rank[node] < pb_.tie_rank[pick])) {
        pick = node;
      }
    }
    for (int node : set) local_[node] = -1;
    Emit(pick, index, Placement::kGreedy);
    std::vector<int> rest;
    for (int node : set) {
      if (node != pick) rest.push_back(node);
    }
    return Order(std::move(rest));
  }

  // Lawler's algorithm when the jobs of `set` form a series-parallel order
  // (through the set's free nodes); nullopt otherwise.
  std::optional<std::vector<Group>> Lawler(const std::vector<int>& set,
                                           const std::vector<int>& jobs) {
    const int k = static_cast<int>(jobs.size());
    const int words = (k + 63) / 64;
    for (int i = 0; i < static_cast<int>(set.size()); ++i) {
      local_[set[i]] = i;
    }
    std::vector<int>& job_index = job_index_;
    job_index.assign(set.size(), -1);
    for (int j = 0; j < k; ++j) job_index[local_[jobs[j]]] = j;
    // Ancestor jobs of every node of the set, as bitsets.
    std::vector<uint64_t>& anc = anc_;
    anc.assign(set.size() * words, 0);
    for (int i = 0; i < static_cast<int>(set.size()); ++i) {
      const int node = set[i];
      uint64_t* mine = &anc[static_cast<size_t>(i) * words];
      for (int e = pb_.pred_offsets[node]; e < pb_.pred_offsets[node + 1];
           ++e) {
        const int p = local_[pb_.pred[e]];
        if (p < 0) continue;
        const uint64_t* theirs = &anc[static_cast<size_t>(p) * words];
        for (int w = 0; w < words; ++w) mine[w] |= theirs[w];
        if (job_index[p] >= 0) {
          mine[job_index[p] / 64] |= uint64_t{1} << (job_index[p] % 64);
        }
      }
    }
    job_anc_.assign(static_cast<size_t>(k) * words, 0);
    for (int j = 0; j < k; ++j) {
      std::copy_n(&anc[static_cast<size_t>(local_[jobs[j]]) * words], words,
                  &job_anc_[static_cast<size_t>(j) * words]);
    }
    for (int node : set) local_[node] = -1;
    words_ = words;
    jobs_ = &jobs;
    std::vector<int> all(k);
    for (int j = 0; j < k; ++j) all[j] = j;
    return Decompose(all);
  }

  bool Before(int a, int b) const {  // Job a (local) precedes job b.
    return (job_anc_[b * words_ + a / 64] >> (a % 64)) & 1;
  }

  // Connected components of `x` under "comparable" (or "incomparable").
  std::vector<std::vector<int>> Components(const std::vector<int>& x,
                                           bool comparable) const {
    std::vector<std::vector<int>> parts;
    std::vector<char> seen(x.size(), 0);
    for (size_t start = 0; start < x.size(); ++start) {
      if (seen[start]) continue;
      seen[start] = 1;
      std::vector<size_t> stack = {start};
      parts.emplace_back();
      while (!stack.empty()) {
        const size_t i = stack.back();
        stack.pop_back();
        parts.back().push_back(x[i]);
        for (size_t j = 0; j < x.size(); ++j) {
          if (seen[j]) continue;
          const bool c = Before(x[i], x[j]) || Before(x[j], x[i]);
          if (c == comparable) {
            seen[j] = 1;
            stack.push_back(j);
          }
        }
      }
    }
    return parts;
  }

  std::optional<std::vector<Group>> Decompose(const std::vector<int>& x) {
    if (x.size() == 1) {
      const int job = (*jobs_)[x[0]];
      Group g;
      g.value = pb_.value[job];
      g.size = pb_.size[job];
      g.tie = pb_.tie_rank[job];
      g.jobs = {job};
      return std::vector<Group>{std::move(g)};
    }
    std::vector<std::vector<int>> parts = Components(x, true);
    if (parts.size() > 1) {  // Parallel: merge the modules by ratio.
      std::vector<Group> merged;
      for (const std::vector<int>& part : parts) {
        std::optional<std::vector<Group>> sub = Decompose(part);
        if (!sub.has_value()) return std::nullopt;
        merged = MergeParallel(std::move(merged), std::move(*sub));
      }
      return merged;
    }
    parts = Components(x, false);
    if (parts.size() == 1) return std::nullopt;  // Contains an "N".
    // Series: parts are totally ordered; fewer ancestors comes first.
    auto ancestors = [this](int j) {
      int count = 0;
      for (int w = 0; w < words_; ++w) {
        count += __builtin_popcountll(job_anc_[j * words_ + w]);
      }
      return count;
    };
    std::sort(parts.begin(), parts.end(),
              [&](const std::vector<int>& a, const std::vector<int>& b) {
                return ancestors(a[0]) < ancestors(b[0]);
              });
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      for (int a : parts[i]) {
        for (int b : parts[i + 1]) {
          if (!Before(a, b)) return std::nullopt;
        }
      }
    }
    std::vector<Group> result;
    for (const std::vector<int>& part : parts) {
      std::optional<std::vector<Group>> sub = Decompose(part);
      if (!sub.has_value()) return std::nullopt;
      for (Group& g : *sub) {
        // A later module worth more per unit than the one before it cannot
        // overtake it, so the two run back to back as one module.
        while (!result.empty() &&
               CompareRatios(result.back().ratio(), g.ratio()) < 0) {
          Group merged = std::move(result.back());
          result.pop_back();
          merged.value += g.value;
          merged.size += g.size;
          merged.jobs.insert(merged.jobs.end(), g.jobs.begin(), g.jobs.end());
          g = std::move(merged);
        }
        result.push_back(std::move(g));
      }
    }
    return result;
  }

  static bool GroupFirst(const Group& a, const Group& b) {
    const int c = CompareRatios(a.ratio(), b.ratio());
    return c > 0 || (c == 0 && a.tie < b.tie);
  }

  static std::vector<Group> MergeParallel(std::vector<Group> a,
                                          std::vector<Group> b) {
    std::vector<Group> out;
    out.reserve(a.size() + b.size());
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && GroupFirst(a[i], b[j]))) {
        out.push_back(std::move(a[i++]));
      } else {
        out.push_back(std::move(b[j++]));
      }
    }
    return out;
  }

  const OrderingProblem& pb_;
  const OrderingOptions& options_;
  Ordering* out_;
  std::vector<int> local_;  // Node -> index in the current subproblem, or -1.
  // Cut working state, reused by every cut.
  MaxFlow flow_;
  std::vector<char> seen_, base_;
  std::vector<int> sub_;
  std::vector<char> after_job_;  // OrderSet's greedy step.
  std::vector<int> job_index_;   // Lawler's: set position -> job, or -1.
  std::vector<uint64_t> anc_;    // Lawler's: ancestor bitsets of the set.
  // Lawler's working state: ancestor bitsets of the set's jobs.
  std::vector<uint64_t> job_anc_;
  int words_ = 0;
  const std::vector<int>* jobs_ = nullptr;
};

absl::Status CheckProblem(const OrderingProblem& pb) {
  const size_t n = pb.value.size();
  if (pb.size.size() != n || pb.tie_rank.size() != n ||
      pb.topological_order.size() != n || pb.succ_offsets.size() != n + 1 ||
      pb.pred_offsets.size() != n + 1 ||
      static_cast<size_t>(pb.succ_offsets[n]) != pb.succ.size() ||
      static_cast<size_t>(pb.pred_offsets[n]) != pb.pred.size()) {
    return absl::InvalidArgumentError("ordering problem: sizes differ");
  }
  for (size_t i = 0; i < n; ++i) {
    const double w = pb.value[i], p = pb.size[i];
    if (!std::isfinite(w) || !std::isfinite(p) || w < 0 || p < 0 ||
        (p == 0 && w != 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ordering problem: node ", i, " has value ", w, " and size ", p,
          " (need finite, >= 0, value 0 when "
          "size 0)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

int CompareRatios(double a, double b) {
  if (std::abs(a - b) <= kRatioTolerance * std::max(std::abs(a), std::abs(b))) {
    return 0;
  }
  return a < b ? -1 : 1;
}

absl::StatusOr<Ordering> OrderForWeightedCompletion(
    const OrderingProblem& problem, const OrderingOptions& options) {
  RETURN_IF_ERROR(CheckProblem(problem));
  const int n = static_cast<int>(problem.value.size());
  Ordering out;
  out.set_of_node.assign(n, -1);
  if (n > options.exact_max_nodes) {
    out.exact = false;
    RETURN_IF_ERROR(prioritize_internal::OrderFast(problem, options, &out));
    return out;
  }
  Orderer orderer(problem, options, &out);
  RETURN_IF_ERROR(orderer.Order(problem.topological_order));
  return out;
}

double WeightedCompletion(const OrderingProblem& problem,
                          const std::vector<int>& order) {
  double time = 0, sum = 0;
  for (int job : order) {
    time += problem.size[job];
    sum += problem.value[job] * time;
  }
  return sum;
}

}  // namespace backplan

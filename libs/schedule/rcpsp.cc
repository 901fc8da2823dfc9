#include "libs/schedule/rcpsp.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <queue>
#include <random>
#include <tuple>
#include <utility>

#include "absl/random/distributions.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"

namespace backplan {
namespace rcpsp {
namespace {

// The problem seen in one direction. Forward is the problem as given; the
// mirror reverses every precedence and reflects time about a makespan M
// (period t <-> M - 1 - t), which turns right-justification into the same
// serial SGS.
struct Orientation {
  std::vector<int> pred_off, pred_job, pred_lag;  // CSR, in this direction.
  std::vector<int> succ_off, succ_job;
  std::vector<int> indegree;
  std::vector<int> release;
  std::vector<int> topo;       // A topological order in this direction.
  std::vector<int> topo_rank;  // Position of each job in `topo`.
  std::vector<int> base;       // Capacity per period, resource-major, K * H.
  int mirrored_about = -1;     // Mirror only: the M `base` reflects.
};

class Engine {
 public:
  explicit Engine(const Problem& problem);

  // Serial SGS over `order` (precedence-feasible in `o`). Returns the
  // makespan, or -1 if the horizon was too short (a bug guard).
  int RunList(const Orientation& o, const std::vector<int>& order,
              std::vector<int>* start);
  // Serial SGS picking, among eligible jobs, the smallest priority (ties:
  // topological rank).
  int RunRule(const Orientation& o, const std::vector<int>& priority,
              std::vector<int>* start);
  // Serial SGS picking among eligible jobs at random with probability
  // proportional to (max priority - priority + 1)^2: regret-based biased
  // random sampling.
  int RunSampled(const Orientation& o, const std::vector<int>& priority,
                 std::mt19937_64& gen, std::vector<int>* start);

  // Backward then forward justification of `start` (forward frame, makespan
  // *makespan), repeated while it improves and `may_run()` allows another
  // pass; counts each pass in *passes. Keeps the best.
  template <typename MayRun>
  void Justify(std::vector<int>* start, int* makespan, int* passes,
               MayRun may_run);

  const Orientation& forward() const { return fwd_; }
  int horizon() const { return h_; }

 private:
  void BuildOrientation(bool mirror, Orientation* o) const;
  void PrepareMirror(int m);
  void ResetProfile(const Orientation& o);
  int Place(const Orientation& o, int j, const int* start);
  // Jobs by start, ties in o's topological order (a precedence-feasible
  // list for any feasible schedule).
  void OrderByStart(const Orientation& o, const std::vector<int>& start,
                    std::vector<int>* order);

  const Problem& p_;
  int n_ = 0, k_ = 0, h_ = 0;
  std::vector<int> dur_;
  std::vector<int> dem_off_, dem_res_, dem_q_;
  std::vector<int> nominal_;
  bool has_reduced_ = false;
  Orientation fwd_, mir_;
  std::vector<int> avail_;
  int touched_hi_ = 0;  // avail_ differs from its base only below this.
  const Orientation* avail_of_ = nullptr;
  std::vector<int> scratch_start_, scratch_start2_, scratch_order_, indeg_,
      eligible_, bucket_;
  std::vector<double> weight_;
};

Engine::Engine(const Problem& problem) : p_(problem) {
  n_ = problem.num_jobs();
  k_ = problem.num_resources();
  dur_ = problem.duration;
  dem_off_.assign(n_ + 1, 0);
  for (int j = 0; j < n_; ++j) {
    dem_off_[j] = static_cast<int>(dem_res_.size());
    if (dur_[j] == 0) continue;
    for (int r = 0; r < k_; ++r) {
      const int q = problem.Demand(j, r);
      if (q > 0) {
        dem_res_.push_back(r);
        dem_q_.push_back(q);
      }
    }
  }
  dem_off_[n_] = static_cast<int>(dem_res_.size());
  nominal_ = problem.capacity;
  int64_t h = 1;
  for (int j = 0; j < n_; ++j) {
    h += dur_[j];
    if (!problem.release.empty()) {
      h = std::max<int64_t>(h, problem.release[j] + 1);
    }
  }
  int64_t max_release = 0;
  for (int r : problem.release) max_release = std::max<int64_t>(max_release, r);
  int64_t last_reduced = -1;
  for (const ReducedCapacity& rc : problem.reduced) {
    last_reduced = std::max<int64_t>(last_reduced, rc.period);
  }
  int64_t lags = 0;
  for (const Precedence& pr : problem.precedences) lags += pr.lag;
  h += max_release + last_reduced + 1 + lags;
  h_ = static_cast<int>(std::min<int64_t>(h, std::numeric_limits<int>::max()));
  has_reduced_ = !problem.reduced.empty();
  BuildOrientation(false, &fwd_);
  BuildOrientation(true, &mir_);
  avail_.assign(static_cast<size_t>(k_) * h_, 0);
  scratch_start_.resize(n_);
  scratch_start2_.resize(n_);
  indeg_.resize(n_);
}

void Engine::BuildOrientation(bool mirror, Orientation* o) const {
  std::vector<int> pred_count(n_ + 1, 0), succ_count(n_ + 1, 0);
  for (const Precedence& pr : p_.precedences) {
    const int a = mirror ? pr.to : pr.from;
    const int b = mirror ? pr.from : pr.to;
    ++pred_count[b];
    ++succ_count[a];
  }
  o->pred_off.assign(n_ + 1, 0);
  o->succ_off.assign(n_ + 1, 0);
  for (int j = 0; j < n_; ++j) {
    o->pred_off[j + 1] = o->pred_off[j] + pred_count[j];
    o->succ_off[j + 1] = o->succ_off[j] + succ_count[j];
  }
  o->pred_job.resize(p_.precedences.size());
  o->pred_lag.resize(p_.precedences.size());
  o->succ_job.resize(p_.precedences.size());
  std::vector<int> pf(o->pred_off.begin(), o->pred_off.end() - 1);
  std::vector<int> sf(o->succ_off.begin(), o->succ_off.end() - 1);
  for (const Precedence& pr : p_.precedences) {
    const int a = mirror ? pr.to : pr.from;
    const int b = mirror ? pr.from : pr.to;
    o->pred_job[pf[b]] = a;
    o->pred_lag[pf[b]++] = pr.lag;
    o->succ_job[sf[a]++] = b;
  }
  o->indegree.assign(n_, 0);
  for (int j = 0; j < n_; ++j) {
    o->indegree[j] = o->pred_off[j + 1] - o->pred_off[j];
  }
  // Kahn by smallest index (the problem is validated acyclic).
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  std::vector<int> indeg = o->indegree;
  for (int j = 0; j < n_; ++j) {
    if (indeg[j] == 0) ready.push(j);
  }
  o->topo.clear();
  while (!ready.empty()) {
    const int j = ready.top();
    ready.pop();
    o->topo.push_back(j);
    for (int e = o->succ_off[j]; e < o->succ_off[j + 1]; ++e) {
      if (--indeg[o->succ_job[e]] == 0) ready.push(o->succ_job[e]);
    }
  }
  o->topo_rank.assign(n_, 0);
  for (int i = 0; i < n_; ++i) o->topo_rank[o->topo[i]] = i;
  if (mirror || p_.release.empty()) {
    o->release.assign(n_, 0);
  } else {
    o->release = p_.release;
  }
  o->base.resize(static_cast<size_t>(k_) * h_);
  for (int r = 0; r < k_; ++r) {
    std::fill(o->base.begin() + static_cast<size_t>(r) * h_,
              o->base.begin() + static_cast<size_t>(r + 1) * h_, nominal_[r]);
  }
  if (!mirror) {
    for (const ReducedCapacity& rc : p_.reduced) {
      if (rc.period >= h_) continue;
      int& cell = o->base[static_cast<size_t>(rc.resource) * h_ + rc.period];
      cell = std::min(cell, rc.capacity);
    }
  }
}

void Engine::PrepareMirror(int m) {
  if (!has_reduced_ || mir_.mirrored_about == m) return;
  for (int r = 0; r < k_; ++r) {
    std::fill(mir_.base.begin() + static_cast<size_t>(r) * h_,
              mir_.base.begin() + static_cast<size_t>(r + 1) * h_, nominal_[r]);
  }
  for (const ReducedCapacity& rc : p_.reduced) {
    const int t = m - 1 - rc.period;
    if (t < 0 || t >= h_) continue;
    int& cell = mir_.base[static_cast<size_t>(rc.resource) * h_ + t];
    cell = std::min(cell, rc.capacity);
  }
  mir_.mirrored_about = m;
  if (avail_of_ == &mir_) touched_hi_ = h_;  // Base changed under it.
}

void Engine::ResetProfile(const Orientation& o) {
  const int hi = avail_of_ == &o ? touched_hi_ : h_;
  for (int r = 0; r < k_; ++r) {
    const size_t off = static_cast<size_t>(r) * h_;
    std::copy(o.base.begin() + off, o.base.begin() + off + hi,
              avail_.begin() + off);
  }
  avail_of_ = &o;
  touched_hi_ = 0;
}

int Engine::Place(const Orientation& o, int j, const int* start) {
  int es = o.release[j];
  for (int e = o.pred_off[j]; e < o.pred_off[j + 1]; ++e) {
    const int q = o.pred_job[e];
    es = std::max(es, start[q] + dur_[q] + o.pred_lag[e]);
  }
  const int d = dur_[j];
  const int b = dem_off_[j], end = dem_off_[j + 1];
  if (b == end) return es;  // Milestone or no demand.
  int t = es;
  int* const avail = avail_.data();
  for (;;) {
    if (t + d > h_) return -1;
    int bad = -1;
    for (int p = t + d - 1; p >= t; --p) {
      for (int k = b; k < end; ++k) {
        if (avail[dem_res_[k] * h_ + p] < dem_q_[k]) {
          bad = p;
          break;
        }
      }
      if (bad >= 0) break;
    }
    if (bad < 0) break;
    t = bad + 1;
  }
  for (int k = b; k < end; ++k) {
    int* row = avail + dem_res_[k] * h_;
    const int q = dem_q_[k];
    for (int p = t; p < t + d; ++p) row[p] -= q;
  }
  touched_hi_ = std::max(touched_hi_, t + d);
  return t;
}

int Engine::RunList(const Orientation& o, const std::vector<int>& order,
                    std::vector<int>* start) {
  ResetProfile(o);
  start->resize(n_);
  int makespan = 0;
  for (const int j : order) {
    const int t = Place(o, j, start->data());
    if (t < 0) return -1;
    (*start)[j] = t;
    makespan = std::max(makespan, t + dur_[j]);
  }
  return makespan;
}

int Engine::RunRule(const Orientation& o, const std::vector<int>& priority,
                    std::vector<int>* start) {
  ResetProfile(o);
  start->resize(n_);
  using Entry = std::pair<int, int>;  // (priority, topo rank)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> ready;
  indeg_ = o.indegree;
  for (int j = 0; j < n_; ++j) {
    if (indeg_[j] == 0) ready.push({priority[j], o.topo_rank[j]});
  }
  int makespan = 0;
  while (!ready.empty()) {
    const int j = o.topo[ready.top().second];
    ready.pop();
    const int t = Place(o, j, start->data());
    if (t < 0) return -1;
    (*start)[j] = t;
    makespan = std::max(makespan, t + dur_[j]);
    for (int e = o.succ_off[j]; e < o.succ_off[j + 1]; ++e) {
      const int s = o.succ_job[e];
      if (--indeg_[s] == 0) ready.push({priority[s], o.topo_rank[s]});
    }
  }
  return makespan;
}

int Engine::RunSampled(const Orientation& o, const std::vector<int>& priority,
                       std::mt19937_64& gen, std::vector<int>* start) {
  ResetProfile(o);
  start->resize(n_);
  indeg_ = o.indegree;
  eligible_.clear();
  for (const int j : o.topo) {
    if (indeg_[j] == 0) eligible_.push_back(j);
  }
  std::vector<double>& weight = weight_;
  int makespan = 0;
  while (!eligible_.empty()) {
    const int size = static_cast<int>(eligible_.size());
    int pick = 0;
    if (size > 1) {
      int worst = std::numeric_limits<int>::min();
      for (const int j : eligible_) worst = std::max(worst, priority[j]);
      weight.resize(size);
      double total = 0;
      for (int i = 0; i < size; ++i) {
        const double regret = worst - priority[eligible_[i]] + 1.0;
        total += regret * regret;
        weight[i] = total;
      }
      const double x = absl::Uniform<double>(gen, 0.0, total);
      while (pick < size - 1 && weight[pick] <= x) ++pick;
    }
    const int j = eligible_[pick];
    eligible_[pick] = eligible_.back();
    eligible_.pop_back();
    const int t = Place(o, j, start->data());
    if (t < 0) return -1;
    (*start)[j] = t;
    makespan = std::max(makespan, t + dur_[j]);
    for (int e = o.succ_off[j]; e < o.succ_off[j + 1]; ++e) {
      const int s = o.succ_job[e];
      if (--indeg_[s] == 0) eligible_.push_back(s);
    }
  }
  return makespan;
}

void Engine::OrderByStart(const Orientation& o, const std::vector<int>& start,
                          std::vector<int>* order) {
  int hi = 0;
  for (int j = 0; j < n_; ++j) hi = std::max(hi, start[j]);
  bucket_.assign(hi + 2, 0);
  for (int j = 0; j < n_; ++j) ++bucket_[start[j] + 1];
  for (int t = 0; t <= hi; ++t) bucket_[t + 1] += bucket_[t];
  order->resize(n_);
  for (const int j : o.topo) (*order)[bucket_[start[j]]++] = j;
}

template <typename MayRun>
void Engine::Justify(std::vector<int>* start, int* makespan, int* passes,
                     MayRun may_run) {
  std::vector<int>& mirrored = scratch_start_;
  std::vector<int>& next = scratch_start2_;
  while (may_run()) {
    const int m = *makespan;
    // Backward pass: right-justify within [0, m), in the mirror about m.
    PrepareMirror(m);
    mirrored.resize(n_);
    for (int j = 0; j < n_; ++j) mirrored[j] = m - (*start)[j] - dur_[j];
    OrderByStart(mir_, mirrored, &scratch_order_);
    ++*passes;
    if (RunList(mir_, scratch_order_, &next) < 0) return;
    for (int j = 0; j < n_; ++j) next[j] = m - next[j] - dur_[j];
    if (!may_run()) return;
    // Forward pass: left-justify in that order.
    OrderByStart(fwd_, next, &scratch_order_);
    ++*passes;
    const int improved = RunList(fwd_, scratch_order_, &mirrored);
    if (improved < 0 || improved > m) return;
    start->swap(mirrored);
    *makespan = improved;
    if (improved == m) return;
  }
}

int64_t HorizonOf(const Problem& problem) {
  int64_t h = 2;
  for (const int d : problem.duration) h += d;
  int64_t max_release = 0;
  for (const int r : problem.release)
    max_release = std::max<int64_t>(max_release, r);
  int64_t last_reduced = -1;
  for (const ReducedCapacity& rc : problem.reduced) {
    last_reduced = std::max<int64_t>(last_reduced, rc.period);
  }
  for (const Precedence& pr : problem.precedences) h += pr.lag;
  return h + max_release + last_reduced + 1;
}

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
  const int64_t h = HorizonOf(problem);
  if (h >= std::numeric_limits<int>::max() / 2 ||
      h * std::max(k, 1) > max_horizon_cells) {
    return Invalid(absl::StrCat("the schedule horizon of ", h, " periods for ",
                                k, " resources is over the limit of ",
                                max_horizon_cells, " cells"));
  }
  return absl::OkStatus();
}

int Makespan(const Problem& problem, absl::Span<const int> start) {
  int makespan = 0;
  for (int j = 0; j < problem.num_jobs(); ++j) {
    makespan = std::max(makespan, start[j] + problem.duration[j]);
  }
  return makespan;
}

absl::Status CheckSchedule(const Problem& problem,
                           absl::Span<const int> start) {
  const int n = problem.num_jobs();
  if (static_cast<int>(start.size()) != n) {
    return absl::FailedPreconditionError(absl::StrCat(
        "schedule has ", start.size(), " starts for ", n, " jobs"));
  }
  for (int j = 0; j < n; ++j) {
    const int release = problem.release.empty() ? 0 : problem.release[j];
    if (start[j] < release) {
      return absl::FailedPreconditionError(absl::StrCat(
          "job ", j, " starts at ", start[j], " before its release ", release));
    }
  }
  for (const Precedence& pr : problem.precedences) {
    if (start[pr.to] < start[pr.from] + problem.duration[pr.from] + pr.lag) {
      return absl::FailedPreconditionError(absl::StrCat(
          "precedence ", pr.from, " -> ", pr.to, ": job ", pr.to, " starts at ",
          start[pr.to], " but ", pr.from, " ends at ",
          start[pr.from] + problem.duration[pr.from], " with lag ", pr.lag));
    }
  }
  // Usage per resource and period, summed job by job: the plain definition.
  const int makespan = Makespan(problem, start);
  for (int r = 0; r < problem.num_resources(); ++r) {
    std::vector<int64_t> used(makespan, 0);
    for (int j = 0; j < n; ++j) {
      const int q = problem.Demand(j, r);
      for (int t = start[j]; t < start[j] + problem.duration[j]; ++t) {
        used[t] += q;
      }
    }
    std::vector<int64_t> cap(makespan, problem.capacity[r]);
    for (const ReducedCapacity& rc : problem.reduced) {
      if (rc.resource == r && rc.period < makespan) {
        cap[rc.period] = std::min<int64_t>(cap[rc.period], rc.capacity);
      }
    }
    for (int t = 0; t < makespan; ++t) {
      if (used[t] > cap[t]) {
        return absl::FailedPreconditionError(
            absl::StrCat("resource ", r, " on period ", t, ": ", used[t],
                         " units used, capacity ", cap[t]));
      }
    }
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
  Engine engine(problem);
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
  const int n = problem.num_jobs();
  const int k = problem.num_resources();
  Engine engine(problem);
  const Orientation& fwd = engine.forward();

  // Earliest and latest times without resources.
  std::vector<int> es(n, 0), lf(n, 0);
  int cp = 0;
  for (const int j : fwd.topo) {
    int t = fwd.release[j];
    for (int e = fwd.pred_off[j]; e < fwd.pred_off[j + 1]; ++e) {
      const int q = fwd.pred_job[e];
      t = std::max(t, es[q] + problem.duration[q] + fwd.pred_lag[e]);
    }
    es[j] = t;
    cp = std::max(cp, t + problem.duration[j]);
  }
  // Latest finishes: a backward pass over the successors, with lags.
  std::vector<std::vector<std::pair<int, int>>> succ(n);
  for (const Precedence& pr : problem.precedences) {
    succ[pr.from].push_back({pr.to, pr.lag});
  }
  for (auto it = fwd.topo.rbegin(); it != fwd.topo.rend(); ++it) {
    const int j = *it;
    int f = cp;
    for (const auto& [s, lag] : succ[j]) {
      f = std::min(f, lf[s] - problem.duration[s] - lag);
    }
    lf[j] = f;
  }

  Result result;
  result.critical_path_bound = cp;
  for (int r = 0; r < k; ++r) {
    int64_t work = 0;
    for (int j = 0; j < n; ++j) {
      work += int64_t{problem.duration[j]} * problem.Demand(j, r);
    }
    if (work == 0) continue;
    // Cumulative capacity: nominal except on reduced periods.
    std::vector<std::pair<int, int>> reduced;  // (period, capacity)
    for (const ReducedCapacity& rc : problem.reduced) {
      if (rc.resource == r) reduced.push_back({rc.period, rc.capacity});
    }
    std::sort(reduced.begin(), reduced.end());
    const int64_t cap = problem.capacity[r];
    int64_t covered = 0;
    int64_t t = 0;
    size_t i = 0;
    int bound = -1;
    while (i < reduced.size()) {
      // Nominal periods [t, reduced[i].period).
      const int64_t free = (reduced[i].first - t) * cap;
      if (covered + free >= work) break;
      covered += free;
      t = reduced[i].first;
      int64_t c = cap;
      while (i < reduced.size() && reduced[i].first == t) {
        c = std::min<int64_t>(c, reduced[i].second);
        ++i;
      }
      covered += c;
      ++t;
      if (covered >= work) {
        bound = static_cast<int>(t);
        break;
      }
    }
    if (bound < 0)
      bound = static_cast<int>(t + (work - covered + cap - 1) / cap);
    result.resource_bound = std::max(result.resource_bound, bound);
  }
  result.lower_bound =
      std::max(result.critical_path_bound, result.resource_bound);

  int passes = 0;
  int best = std::numeric_limits<int>::max();
  auto may_run = [&] {
    if (passes >= options.max_schedules || best <= result.lower_bound) {
      return false;
    }
    return passes == 0 || !options.out_of_time || !options.out_of_time();
  };
  auto consider = [&](std::vector<int>* start, int makespan, Rule rule) {
    if (makespan < 0) return;
    if (makespan < best) {
      best = makespan;
      result.start = *start;
      result.best_rule = rule;
    }
  };

  std::vector<int> start;
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

  for (const auto& [rule, priority] : rules) {
    if (!may_run()) break;
    ++passes;
    int makespan = engine.RunRule(fwd, priority, &start);
    if (makespan < 0) return absl::InternalError("rcpsp: horizon exceeded");
    consider(&start, makespan, rule);
    engine.Justify(&start, &makespan, &passes, may_run);
    consider(&start, makespan, rule);
  }
  // absl::BitGen salts its seed per process, so the same seed would give
  // different schedules in different runs; a seeded std engine with absl's
  // distributions is reproducible.
  std::mt19937_64 gen(options.seed);
  while (may_run()) {
    ++passes;
    int makespan = engine.RunSampled(fwd, lf, gen, &start);
    if (makespan < 0) return absl::InternalError("rcpsp: horizon exceeded");
    consider(&start, makespan, Rule::kSampling);
    engine.Justify(&start, &makespan, &passes, may_run);
    consider(&start, makespan, Rule::kSampling);
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

#include "libs/schedule/rcpsp_engine.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

#include "absl/random/distributions.h"

namespace backplan {
namespace rcpsp {
namespace internal {

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
  const int64_t h = HorizonOf(problem);
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
    int* row = avail + static_cast<ptrdiff_t>(dem_res_[k]) * h_;
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

void Engine::Justify(std::vector<int>* start, int* makespan, int* passes,
                     absl::FunctionRef<bool()> may_run) {
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

}  // namespace internal
}  // namespace rcpsp
}  // namespace backplan

#include "libs/schedule/rcpsp_genetic.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "absl/random/distributions.h"
#include "libs/schedule/rcpsp_engine.h"

namespace backplan {
namespace rcpsp {
namespace internal {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fingerprint(const std::vector<int>& start) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a.
  for (const int s : start) {
    h ^= static_cast<uint32_t>(s);
    h *= 1099511628211ULL;
  }
  return h;
}

bool SameSchedule(const Individual& a, const Individual& b) {
  return a.makespan == b.makespan && a.fingerprint == b.fingerprint &&
         a.start == b.start;
}

// out_of_time seen by every island: calls are serialized, and once it says
// stop, every island stops at its next check.
class StopSignal {
 public:
  explicit StopSignal(const std::function<bool()>& out_of_time)
      : out_of_time_(out_of_time) {}

  bool Stopped() {
    if (stopped_.load(std::memory_order_acquire)) return true;
    if (!out_of_time_) return false;
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_.load(std::memory_order_relaxed) && out_of_time_()) {
      stopped_.store(true, std::memory_order_release);
    }
    return stopped_.load(std::memory_order_relaxed);
  }

 private:
  const std::function<bool()>& out_of_time_;
  std::mutex mu_;  // Serializes calls of out_of_time_.
  std::atomic<bool> stopped_{false};
};

// One island: its own engine, generator, population and budget. Only its
// own thread touches it during an epoch; Receive() runs between epochs.
class Island {
 public:
  Island(const Problem& problem, const std::vector<int>& priority,
         const std::vector<Individual>& seeds, int budget, int lower_bound,
         uint64_t seed, const GeneticParams& params, StopSignal* stop)
      : engine_(problem),
        priority_(priority),
        seeds_(seeds),
        budget_(budget),
        lower_bound_(lower_bound),
        gen_(seed),
        params_(params),
        stop_(stop) {}

  // Builds the first population on the first call, then runs up to
  // `generations` generations.
  void RunEpoch(int generations) {
    if (!initialized_) {
      initialized_ = true;
      Initialize();
    }
    for (int g = 0; g < generations && !done_; ++g) {
      if (stop_->Stopped()) {
        done_ = true;
        break;
      }
      Generation();
    }
  }

  // A copy of another island's best in place of this one's worst, unless
  // this island has the same schedule already.
  void Receive(const Individual& migrant) {
    if (done_ || pop_.empty()) return;
    for (const Individual& ind : pop_) {
      if (SameSchedule(ind, migrant)) return;
    }
    pop_.back() = migrant;
    std::stable_sort(pop_.begin(), pop_.end(), ByMakespan);
  }

  bool done() const { return done_; }
  bool has_best() const { return !pop_.empty(); }
  const Individual& best() const { return pop_.front(); }
  int passes() const { return passes_; }

 private:
  static bool ByMakespan(const Individual& a, const Individual& b) {
    return a.makespan < b.makespan;
  }

  bool Budget() const { return passes_ < budget_; }

  void UpdateDone() {
    if (!Budget() || (!pop_.empty() && pop_.front().makespan <= lower_bound_)) {
      done_ = true;
    }
  }

  // Justifies out->start (makespan m) and fills the rest of *out.
  void Finish(int m, Individual* out) {
    const int limit = params_.justify_rounds > 0
                          ? passes_ + 2 * params_.justify_rounds
                          : budget_;
    engine_.Justify(&out->start, &m, &passes_,
                    [this, limit] { return Budget() && passes_ < limit; });
    out->makespan = m;
    engine_.OrderByStart(engine_.forward(), out->start, &out->list);
    out->fingerprint = Fingerprint(out->start);
  }

  // Decodes `list` into *out (one schedule) and justifies it. False when the
  // budget allows no decode.
  bool Evaluate(const std::vector<int>& list, Individual* out) {
    if (!Budget()) return false;
    ++passes_;
    const int m = engine_.RunList(engine_.forward(), list, &out->start);
    if (m < 0) return false;
    out->origin = Rule::kGenetic;
    Finish(m, out);
    return true;
  }

  void Initialize() {
    for (const Individual& seed : seeds_) {
      if (static_cast<int>(pop_.size()) >= params_.population) break;
      Individual ind = seed;
      engine_.OrderByStart(engine_.forward(), ind.start, &ind.list);
      ind.fingerprint = Fingerprint(ind.start);
      pop_.push_back(std::move(ind));
    }
    Sample();
    if (pop_.empty()) done_ = true;
    UpdateDone();
    best_makespan_ = pop_.empty() ? 0 : pop_.front().makespan;
  }

  // Fills the population with justified biased-sampling schedules.
  void Sample() {
    while (static_cast<int>(pop_.size()) < params_.population && Budget()) {
      if (stop_->Stopped()) {
        done_ = true;
        break;
      }
      Individual ind;
      ++passes_;
      const int m =
          engine_.RunSampled(engine_.forward(), priority_, gen_, &ind.start);
      if (m < 0) break;
      ind.origin = Rule::kSampling;
      Finish(m, &ind);
      pop_.push_back(std::move(ind));
    }
    std::stable_sort(pop_.begin(), pop_.end(), ByMakespan);
  }

  // After params_.restart_after generations without a better best, all but
  // the best are replaced by fresh samples.
  void MaybeRestart() {
    if (pop_.front().makespan < best_makespan_) {
      best_makespan_ = pop_.front().makespan;
      stale_ = 0;
      return;
    }
    if (params_.restart_after <= 0 || ++stale_ < params_.restart_after) return;
    stale_ = 0;
    pop_.resize(1);
    Sample();
  }

  int Uniform(int lo, int hi) {  // Inclusive.
    return absl::Uniform<int>(absl::IntervalClosedClosed, gen_, lo, hi);
  }

  // Binary tournament on the sorted population: the better of two.
  const Individual& Pick() {
    const int last = static_cast<int>(pop_.size()) - 1;
    return pop_[std::min(Uniform(0, last), Uniform(0, last))];
  }

  // Hartmann's two-point crossover: [0, q1) from `mother`, then up to q2
  // the jobs of `father` not taken yet in his order, then the rest in the
  // mother's order. Keeps precedence when both parents do.
  void Crossover(const std::vector<int>& mother, const std::vector<int>& father,
                 int q1, int q2, std::vector<int>* child) {
    const int n = static_cast<int>(mother.size());
    taken_.assign(n, 0);
    child->clear();
    for (int i = 0; i < q1; ++i) {
      child->push_back(mother[i]);
      taken_[mother[i]] = 1;
    }
    for (int i = 0; i < n && static_cast<int>(child->size()) < q2; ++i) {
      if (!taken_[father[i]]) {
        child->push_back(father[i]);
        taken_[father[i]] = 1;
      }
    }
    for (int i = 0; i < n; ++i) {
      if (!taken_[mother[i]]) {
        child->push_back(mother[i]);
        taken_[mother[i]] = 1;
      }
    }
  }

  bool Precedes(int a, int b) const {
    const Orientation& o = engine_.forward();
    for (int e = o.succ_off[a]; e < o.succ_off[a + 1]; ++e) {
      if (o.succ_job[e] == b) return true;
    }
    return false;
  }

  // Swaps neighbours not linked by a precedence, each position with
  // probability params_.mutation.
  void Mutate(std::vector<int>* list) {
    const int n = static_cast<int>(list->size());
    for (int i = 0; i + 1 < n; ++i) {
      if (absl::Bernoulli(gen_, params_.mutation) &&
          !Precedes((*list)[i], (*list)[i + 1])) {
        std::swap((*list)[i], (*list)[i + 1]);
      }
    }
  }

  // Moves one job of `base.list` to a random place between its last
  // predecessor and first successor.
  void Shift(const std::vector<int>& base, std::vector<int>* list) {
    const int n = static_cast<int>(base.size());
    *list = base;
    if (n < 2) return;
    position_.resize(n);
    for (int i = 0; i < n; ++i) position_[base[i]] = i;
    const int i = Uniform(0, n - 1);
    const int j = base[i];
    const Orientation& o = engine_.forward();
    int lo = 0, hi = n - 1;
    for (int e = o.pred_off[j]; e < o.pred_off[j + 1]; ++e) {
      lo = std::max(lo, position_[o.pred_job[e]] + 1);
    }
    for (int e = o.succ_off[j]; e < o.succ_off[j + 1]; ++e) {
      hi = std::min(hi, position_[o.succ_job[e]] - 1);
    }
    const int p = Uniform(lo, hi);
    if (p > i) {
      std::rotate(list->begin() + i, list->begin() + i + 1,
                  list->begin() + p + 1);
    } else if (p < i) {
      std::rotate(list->begin() + p, list->begin() + i, list->begin() + i + 1);
    }
  }

  void Generation() {
    children_.clear();
    const int n = static_cast<int>(pop_.front().list.size());
    while (static_cast<int>(children_.size()) < params_.population &&
           Budget()) {
      const Individual& mother = Pick();
      const Individual& father = Pick();
      const int a = Uniform(0, n), b = Uniform(0, n);
      const int q1 = std::min(a, b), q2 = std::max(a, b);
      for (int side = 0; side < 2 && Budget(); ++side) {
        Crossover(side == 0 ? mother.list : father.list,
                  side == 0 ? father.list : mother.list, q1, q2, &list_);
        Mutate(&list_);
        const int whole = static_cast<int>(params_.shift);
        const int shifts =
            whole + (absl::Bernoulli(gen_, params_.shift - whole) ? 1 : 0);
        for (int i = 0; i < shifts; ++i) {
          shifted_.swap(list_);
          Shift(shifted_, &list_);
        }
        Individual child;
        if (Evaluate(list_, &child)) children_.push_back(std::move(child));
      }
    }
    for (int m = 0; m < params_.neighbourhood_moves && Budget(); ++m) {
      Shift(pop_.front().list, &list_);
      Individual neighbour;
      if (Evaluate(list_, &neighbour)) {
        children_.push_back(std::move(neighbour));
      }
    }
    Select();
    MaybeRestart();
    UpdateDone();
  }

  // The best `population` distinct schedules of offspring and parents;
  // offspring first among equals, so the search can drift on plateaus.
  void Select() {
    for (Individual& parent : pop_) children_.push_back(std::move(parent));
    std::stable_sort(children_.begin(), children_.end(), ByMakespan);
    pop_.clear();
    std::vector<char> kept(children_.size(), 0);
    for (size_t c = 0; c < children_.size() &&
                       static_cast<int>(pop_.size()) < params_.population;
         ++c) {
      bool duplicate = false;
      for (size_t q = pop_.size(); q-- > 0;) {
        if (pop_[q].makespan != children_[c].makespan) break;
        if (SameSchedule(pop_[q], children_[c])) {
          duplicate = true;
          break;
        }
      }
      if (duplicate) continue;
      kept[c] = 1;
      pop_.push_back(std::move(children_[c]));
    }
    for (size_t c = 0; c < children_.size() &&
                       static_cast<int>(pop_.size()) < params_.population;
         ++c) {
      if (!kept[c]) pop_.push_back(std::move(children_[c]));
    }
    std::stable_sort(pop_.begin(), pop_.end(), ByMakespan);
  }

  Engine engine_;
  const std::vector<int>& priority_;
  const std::vector<Individual>& seeds_;
  const int budget_;
  const int lower_bound_;
  std::mt19937_64 gen_;
  const GeneticParams params_;
  StopSignal* const stop_;
  bool initialized_ = false;
  bool done_ = false;
  int passes_ = 0;
  int best_makespan_ = 0;
  int stale_ = 0;                // Generations since best_makespan_ improved.
  std::vector<Individual> pop_;  // Sorted by makespan, best first.
  std::vector<Individual> children_;
  std::vector<int> list_, position_, shifted_;
  std::vector<char> taken_;
};

}  // namespace

void RunOnThreads(int count, const std::function<void(int)>& body) {
  if (count <= 1) {
    if (count == 1) body(0);
    return;
  }
  std::vector<std::thread> threads;
  threads.reserve(count - 1);
  for (int i = 1; i < count; ++i) threads.emplace_back([&body, i] { body(i); });
  body(0);
  for (std::thread& t : threads) t.join();
}

GeneticOutcome RunGenetic(const Problem& problem,
                          const std::vector<int>& priority,
                          const std::vector<Individual>& seeds, int budget,
                          int lower_bound, const Options& options,
                          const GeneticParams& params) {
  const int count = std::max(1, options.threads);
  StopSignal stop(options.out_of_time);
  std::vector<std::unique_ptr<Island>> islands;
  for (int i = 0; i < count; ++i) {
    const int share = budget / count + (i < budget % count ? 1 : 0);
    islands.push_back(std::make_unique<Island>(
        problem, priority, seeds, share, lower_bound,
        SplitMix64(options.seed ^ SplitMix64(static_cast<uint64_t>(i))), params,
        &stop));
  }
  const auto& run =
      options.run_islands
          ? options.run_islands
          : std::function<void(int, const std::function<void(int)>&)>(
                RunOnThreads);
  GeneticOutcome outcome;
  outcome.best.makespan = -1;
  for (;;) {
    run(count, [&](int i) { islands[i]->RunEpoch(params.migration_interval); });
    bool all_done = true;
    const Individual* best = nullptr;
    for (const auto& island : islands) {
      all_done = all_done && island->done();
      if (island->has_best() &&
          (best == nullptr || island->best().makespan < best->makespan)) {
        best = &island->best();
      }
    }
    if (best != nullptr) outcome.best = *best;
    if (all_done || (best != nullptr && best->makespan <= lower_bound)) break;
    if (count > 1) {
      std::vector<Individual> migrants;
      for (const auto& island : islands) {
        if (island->has_best()) migrants.push_back(island->best());
      }
      if (static_cast<int>(migrants.size()) == count) {
        for (int i = 0; i < count; ++i) {
          islands[i]->Receive(migrants[(i + count - 1) % count]);
        }
      }
    }
  }
  for (const auto& island : islands) outcome.schedules += island->passes();
  return outcome;
}

}  // namespace internal
}  // namespace rcpsp
}  // namespace backplan

// ComputePool: the process-wide pool of threads for CPU-bound work (Monte
// Carlo runs, search islands), sized from the container's CPU quota rather
// than the host's core count (docs/DESIGN.md "Performance expectations").
//
//   ComputePool pool(ComputePool::DefaultThreads());  // once, in main
//   std::vector<Accumulator> acc(pool.threads() + 1);
//   pool.Run(static_cast<int>(acc.size()), [&](int worker) {
//     while (auto block = NextBlock()) acc[worker].Add(*block);
//   });
//
// Run() blocks until every worker call has returned. The calling thread is a
// worker too, so a Run always makes progress, even when every pool thread is
// busy with other callers' work (several RPCs share one pool); workers beyond
// the free threads simply run later. Thread-safe; the destructor waits for
// queued work and joins the threads.
#ifndef BACKPLAN_LIBS_COMMON_COMPUTE_POOL_H_
#define BACKPLAN_LIBS_COMMON_COMPUTE_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"

namespace backplan {

// CPUs allowed by a cgroup quota: ceil(quota / period), at least 1, or
// nullopt when there is no quota. `cpu_max` is cgroup v2's cpu.max
// ("max 100000" or "150000 100000"); `cfs_quota_us` / `cfs_period_us` are
// cgroup v1's files (quota -1: none). Empty strings: file absent.
std::optional<int> CpuQuotaFromCgroup(absl::string_view cpu_max,
                                      absl::string_view cfs_quota_us,
                                      absl::string_view cfs_period_us);

class ComputePool {
 public:
  // Threads for CPU-bound work in this container: the cgroup quota (v2
  // /sys/fs/cgroup/cpu.max, else v1 /sys/fs/cgroup/cpu/cpu.cfs_quota_us),
  // never more than std::thread::hardware_concurrency(); without a quota,
  // hardware_concurrency(); at least 1.
  static int DefaultThreads();

  // `threads` >= 0 helper threads; 0 runs everything on the caller.
  explicit ComputePool(int threads);
  ~ComputePool();
  ComputePool(const ComputePool&) = delete;
  ComputePool& operator=(const ComputePool&) = delete;

  int threads() const { return static_cast<int>(threads_.size()); }

  // Calls fn(0) .. fn(workers - 1), each once, on the caller and the pool's
  // threads, and returns when all have returned. `fn` must not throw.
  void Run(int workers, const std::function<void(int worker)>& fn);

 private:
  void Loop();

  std::mutex mu_;  // Guards queue_ and stopping_.
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_COMMON_COMPUTE_POOL_H_

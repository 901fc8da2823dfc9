#include "libs/common/compute_pool.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace backplan {
namespace {

std::string ReadSmallFile(const char* path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<int> QuotaThreads(int64_t quota, int64_t period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  const int64_t cpus = (quota + period - 1) / period;
  return static_cast<int>(std::clamp<int64_t>(cpus, 1, 1 << 16));
}

}  // namespace

std::optional<int> CpuQuotaFromCgroup(absl::string_view cpu_max,
                                      absl::string_view cfs_quota_us,
                                      absl::string_view cfs_period_us) {
  cpu_max = absl::StripAsciiWhitespace(cpu_max);
  if (!cpu_max.empty()) {
    std::vector<absl::string_view> parts =
        absl::StrSplit(cpu_max, ' ', absl::SkipEmpty());
    int64_t quota = 0, period = 100000;
    if (parts.empty() || !absl::SimpleAtoi(parts[0], &quota)) {
      return std::nullopt;  // "max": no limit.
    }
    if (parts.size() > 1 && !absl::SimpleAtoi(parts[1], &period)) {
      return std::nullopt;
    }
    return QuotaThreads(quota, period);
  }
  int64_t quota = 0, period = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(cfs_quota_us), &quota) ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(cfs_period_us), &period)) {
    return std::nullopt;
  }
  return QuotaThreads(quota, period);
}

int ComputePool::DefaultThreads() {
  const int hardware =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const std::optional<int> quota =
      CpuQuotaFromCgroup(ReadSmallFile("/sys/fs/cgroup/cpu.max"),
                         ReadSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
                         ReadSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  return quota ? std::min(*quota, hardware) : hardware;
}

ComputePool::ComputePool(int threads) {
  threads_.reserve(std::max(0, threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

ComputePool::~ComputePool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ComputePool::Loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping and drained.
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void ComputePool::Run(int workers, const std::function<void(int)>& fn) {
  if (workers <= 0) return;
  // Workers are claimed by index, by the caller or by a queued job, so a job
  // that starts after the caller has done everything finds nothing left and
  // never touches `fn`.
  struct State {
    std::mutex mu;  // Guards next and finished.
    std::condition_variable done;
    int next = 0;
    int finished = 0;
  };
  auto state = std::make_shared<State>();
  const int total = workers;
  auto work = [state, total, &fn] {
    for (;;) {
      int worker;
      {
        std::lock_guard<std::mutex> lock(state->mu);
        if (state->next >= total) return;
        worker = state->next++;
      }
      fn(worker);
      std::lock_guard<std::mutex> lock(state->mu);
      if (++state->finished == total) state->done.notify_all();
    }
  };
  const int helpers = std::min(threads(), workers - 1);
  if (helpers > 0) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < helpers; ++i) queue_.emplace_back(work);
    }
    wake_.notify_all();
  }
  work();
  std::unique_lock<std::mutex> lock(state->mu);
  state->done.wait(lock, [&] { return state->finished == total; });
}

}  // namespace backplan

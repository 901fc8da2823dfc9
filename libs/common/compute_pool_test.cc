#include "libs/common/compute_pool.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace backplan {
namespace {

TEST(CpuQuotaFromCgroup, ReadsV2CpuMax) {
  EXPECT_EQ(CpuQuotaFromCgroup("200000 100000\n", "", ""), 2);
  EXPECT_EQ(CpuQuotaFromCgroup("150000 100000", "", ""), 2);  // Rounds up.
  EXPECT_EQ(CpuQuotaFromCgroup("50000 100000", "", ""), 1);
  EXPECT_EQ(CpuQuotaFromCgroup("max 100000\n", "", ""), std::nullopt);
}

TEST(CpuQuotaFromCgroup, FallsBackToV1CfsQuota) {
  EXPECT_EQ(CpuQuotaFromCgroup("", "400000\n", "100000\n"), 4);
  EXPECT_EQ(CpuQuotaFromCgroup("", "-1\n", "100000\n"), std::nullopt);
  EXPECT_EQ(CpuQuotaFromCgroup("", "", ""), std::nullopt);
}

TEST(ComputePool, DefaultThreadsIsPositive) {
  EXPECT_GE(ComputePool::DefaultThreads(), 1);
}

TEST(ComputePool, RunsEveryWorkerOnce) {
  for (int threads : {0, 1, 3}) {
    ComputePool pool(threads);
    std::vector<std::atomic<int>> calls(17);
    pool.Run(17, [&](int w) { calls[w].fetch_add(1); });
    for (int w = 0; w < 17; ++w) EXPECT_EQ(calls[w].load(), 1) << threads;
  }
}

TEST(ComputePool, UsesSeveralThreads) {
  ComputePool pool(3);
  std::mutex mu;
  std::set<std::thread::id> seen;
  std::atomic<int> arrived{0};
  // Each worker waits until all four are running, which only happens when
  // they run on four different threads.
  pool.Run(4, [&](int) {
    arrived.fetch_add(1);
    while (arrived.load() < 4) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mu);
    seen.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(seen.size(), 4u);
}

TEST(ComputePool, ConcurrentCallersShareThePool) {
  ComputePool pool(2);
  std::atomic<long> total{0};
  std::vector<std::thread> callers;
  callers.reserve(4);
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        pool.Run(5, [&](int w) { total.fetch_add(w + 1); });
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(total.load(), 4L * 20 * 15);
}

}  // namespace
}  // namespace backplan

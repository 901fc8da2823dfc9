#include "libs/rpc/admission.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace backplan::rpc {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

// Waits (without a time bound: ctest's timeout is the bound) until
// `admission` has `queued` calls waiting.
void AwaitQueued(Admission& admission, int queued) {
  while (admission.counts().queued != queued) std::this_thread::yield();
}

TEST(Admission, WithoutALimitAdmitsEveryCall) {
  Admission admission;
  admission.Configure(0, 0, milliseconds(0), milliseconds(7));
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(admission.Admit().ok());
  EXPECT_EQ(admission.counts().running, 1000);
}

TEST(Admission, RefusesAtOnceWhenTheQueueIsFullAndServesAgainAfter) {
  Admission admission;
  admission.Configure(1, 0, hours(1), milliseconds(7));
  ASSERT_TRUE(admission.Admit().ok());
  const absl::Status refused = admission.Admit();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("--max_queued_calls"));
  EXPECT_EQ(admission.counts().refused, 1);
  admission.Release();
  EXPECT_TRUE(admission.Admit().ok());
  EXPECT_EQ(admission.counts().running, 1);
}

TEST(Admission, AQueuedCallIsRefusedWhenItsWaitRunsOut) {
  Admission admission;
  admission.Configure(1, 4, milliseconds(1), milliseconds(7));
  ASSERT_TRUE(admission.Admit().ok());
  const absl::Status refused = admission.Admit();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("--max_queue_wait_ms"));
  EXPECT_EQ(admission.counts().queued, 0);
  EXPECT_EQ(admission.counts().running, 1);
  EXPECT_EQ(admission.RetryPushback(), milliseconds(7));
}

TEST(Admission, ReleaseHandsThePlaceToTheOldestWaiter) {
  Admission admission;
  admission.Configure(1, 2, hours(1), milliseconds(7));
  ASSERT_TRUE(admission.Admit().ok());
  std::vector<int> order;  // Written by the admitted thread only.
  std::mutex order_mu;
  auto waiter = [&](int id) {
    ASSERT_TRUE(admission.Admit().ok());
    {
      std::lock_guard<std::mutex> lock(order_mu);
      order.push_back(id);
    }
    admission.Release();
  };
  std::thread first(waiter, 1);
  AwaitQueued(admission, 1);
  std::thread second(waiter, 2);
  AwaitQueued(admission, 2);
  // A third caller finds the queue full.
  EXPECT_EQ(admission.Admit().code(), absl::StatusCode::kResourceExhausted);
  admission.Release();
  first.join();
  second.join();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(admission.counts().running, 0);
  EXPECT_EQ(admission.counts().queued, 0);
}

TEST(Admission, NeverRunsMoreThanTheLimitUnderContention) {
  Admission admission;
  admission.Configure(2, 64, hours(1), milliseconds(7));
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!admission.Admit().ok()) continue;
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        ++admitted;
        --running;
        admission.Release();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(most.load(), 2);
  // The queue holds every thread, so no call is refused.
  EXPECT_EQ(admitted.load(), 8 * 200);
  EXPECT_EQ(admission.counts().running, 0);
}

}  // namespace
}  // namespace backplan::rpc

// RedisPlanStore at its limits, against a real redis-server: Redis out of
// memory (maxmemory, noeviction), per-tenant quotas, write timeouts that
// grow with the payload, and waiting event reads that hold no pool
// connection (the shared RedisEventHub).
#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/redis_plan_store.h"
#include "libs/store/redis_pool.h"
#include "libs/store/testing/redis_store_testing.h"
#include "tests/testing/redis_server.h"

namespace backplan::testing {
namespace {

using ::testing::_;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RedisLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Create());
  }
  std::unique_ptr<RedisServer> server_;
};

TEST(CommandTimeout, GrowsWithThePayload) {
  RedisOptions options;
  options.command_timeout = absl::Seconds(1);
  options.timeout_per_mib = absl::Milliseconds(100);
  EXPECT_EQ(CommandTimeout(options, 0), absl::Seconds(1));
  EXPECT_EQ(CommandTimeout(options, 1 << 20), absl::Milliseconds(1100));
  EXPECT_EQ(CommandTimeout(options, size_t{64} << 20),
            absl::Milliseconds(7400));
}

TEST_F(RedisLimitsTest, OutOfMemoryIsResourceExhaustedAndPingRecovers) {
  RedisPlanStore store(OptionsFor(*server_));
  RedisPool raw(OptionsFor(*server_));
  ASSERT_OK(store.Ping());
  // 3 MiB of plans, then a limit of 2 MiB: Redis is over it for sure.
  const std::string data(256 << 10, 'x');
  constexpr int kPlans = 12;
  for (int i = 0; i < kPlans; ++i) {
    ASSERT_OK(store.PutPlan("acme", absl::StrCat("p", i), 0, data,
                            TestEvent("plan.created")));
  }
  ASSERT_EQ(
      RawCommand(raw, {"CONFIG", "SET", "maxmemory-policy", "noeviction"}),
      "OK");
  ASSERT_EQ(RawCommand(raw, {"CONFIG", "SET", "maxmemory", "2mb"}), "OK");
  const int stored = kPlans;
  const absl::Status refused =
      store.PutPlan("acme", "p12", 0, data, TestEvent("plan.created")).status();
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("out of memory")));
  // Nothing of the refused write is stored.
  EXPECT_THAT(store.GetPlan("acme", absl::StrCat("p", stored)),
              StatusIs(absl::StatusCode::kNotFound, _));
  // The store reports itself unhealthy while Redis refuses writes...
  EXPECT_THAT(store.Ping(), StatusIs(absl::StatusCode::kResourceExhausted, _));
  // ...reads still work...
  ASSERT_OK_AND_ASSIGN(StoredPlan first, store.GetPlan("acme", "p0"));
  EXPECT_EQ(first.data.size(), data.size());
  // ...and, once memory is freed (deletes are never refused), healthy again
  // by itself.
  for (int i = 0; i < stored; ++i) {
    ASSERT_OK(store.DeletePlan("acme", absl::StrCat("p", i)));
  }
  EXPECT_OK(store.Ping());
  EXPECT_OK(store.PutPlan("acme", "after", 0, "x", TestEvent("plan.created"))
                .status());
}

TEST_F(RedisLimitsTest, PlanQuotaPerTenant) {
  RedisOptions options = OptionsFor(*server_);
  options.max_plans_per_tenant = 3;
  RedisPlanStore store(options);
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(store
                  .PutPlan("acme", absl::StrCat("p", i), 0, "x",
                           TestEvent("plan.created"))
                  .status());
  }
  EXPECT_THAT(store.PutPlan("acme", "p3", 0, "x", TestEvent("plan.created")),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_plans_per_tenant 3")));
  IdempotencyRecord record{"CreatePlan", "k1", "h", "r"};
  EXPECT_THAT(store.PutPlanOnce("acme", "p3", 0, "x", TestEvent("plan.created"),
                                record),
              StatusIs(absl::StatusCode::kResourceExhausted, _));
  ASSERT_OK_AND_ASSIGN(
      std::optional<RecordedResponse> none,
      store.GetRecord("acme", RecordOwner::kPlan, "p3", "CreatePlan", "k1"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 10, ""));
  EXPECT_EQ(page.plans.size(), 3u);
  // Updating a stored plan is not a new plan; other tenants are unaffected.
  EXPECT_OK(
      store.PutPlan("acme", "p0", 1, "y", TestEvent("plan.edited")).status());
  EXPECT_OK(
      store.PutPlan("other", "p3", 0, "x", TestEvent("plan.created")).status());
  // Deleting one makes room for one.
  ASSERT_OK(store.DeletePlan("acme", "p1"));
  EXPECT_OK(
      store.PutPlan("acme", "p3", 0, "x", TestEvent("plan.created")).status());
  EXPECT_THAT(store.PutPlan("acme", "p4", 0, "x", TestEvent("plan.created")),
              StatusIs(absl::StatusCode::kResourceExhausted, _));
}

TEST_F(RedisLimitsTest, StoredBytesQuotaPerTenant) {
  RedisOptions options = OptionsFor(*server_);
  options.max_stored_bytes_per_tenant = 1000;
  RedisPlanStore store(options);
  RedisPool raw(OptionsFor(*server_));
  ASSERT_OK(store
                .PutPlan("acme", "a", 0, std::string(600, 'p'),
                         TestEvent("plan.created"))
                .status());
  ASSERT_OK(store.PutStage("acme", "a", StagePart::kSchedule, 1,
                           std::string(300, 's'),
                           TestEvent("schedule.updated")));
  EXPECT_EQ(
      RawCommand(raw, {"HGET", RedisPlanStore::UsageKey("acme"), "bytes"}),
      "900");
  // 900 + 200 > 1000, whether a new plan, a stage or a book.
  EXPECT_THAT(store.PutPlan("acme", "b", 0, std::string(200, 'p'),
                            TestEvent("plan.created")),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_stored_bytes_per_tenant 1000")));
  EXPECT_THAT(store.PutStage("acme", "a", StagePart::kPriorities, 1,
                             std::string(200, 'r'), TestEvent("x")),
              StatusIs(absl::StatusCode::kResourceExhausted, _));
  EXPECT_THAT(store.PutBook("acme", "book", 0, std::string(200, 'b')),
              StatusIs(absl::StatusCode::kResourceExhausted, _));
  // A write that grows the data by what still fits, or shrinks it, is fine.
  EXPECT_OK(store
                .PutPlan("acme", "a", 1, std::string(700, 'p'),
                         TestEvent("plan.edited"))
                .status());
  EXPECT_OK(store
                .PutPlan("acme", "a", 2, std::string(100, 'p'),
                         TestEvent("plan.edited"))
                .status());
  EXPECT_EQ(
      RawCommand(raw, {"HGET", RedisPlanStore::UsageKey("acme"), "bytes"}),
      "400");
  ASSERT_OK(store.PutBook("acme", "book", 0, std::string(500, 'b')).status());
  EXPECT_OK(store
                .PutPlan("other", "b", 0, std::string(999, 'p'),
                         TestEvent("plan.created"))
                .status());
  // Deletes give the bytes back.
  ASSERT_OK(store.DeletePlan("acme", "a"));
  ASSERT_OK(store.DeleteBook("acme", "book"));
  EXPECT_EQ(
      RawCommand(raw, {"HGET", RedisPlanStore::UsageKey("acme"), "bytes"}),
      "0");
  EXPECT_EQ(
      RawCommand(raw, {"HGET", RedisPlanStore::UsageKey("acme"), "plans"}),
      "0");
  EXPECT_OK(store
                .PutPlan("acme", "c", 0, std::string(1000, 'p'),
                         TestEvent("plan.created"))
                .status());
}

TEST_F(RedisLimitsTest, LargeWriteGetsALongerTimeout) {
  // Redis answers the 8 MiB write only after a pause: too late for the flat
  // 200 ms timeout; a 600 ms pause is in time for 200 ms + 500 ms per MiB
  // (a margin for a loaded machine).
  RedisOptions options = OptionsFor(*server_);
  options.command_timeout = absl::Milliseconds(200);
  options.timeout_per_mib = absl::ZeroDuration();
  RedisPlanStore fixed(options);
  options.timeout_per_mib = absl::Milliseconds(500);
  RedisPlanStore scaled(options);
  RedisPool raw(OptionsFor(*server_));
  // Scripts loaded before the pause.
  ASSERT_OK(fixed.PutPlan("acme", "a", 0, "x", TestEvent("plan.created")));
  ASSERT_OK(scaled.PutPlan("acme", "b", 0, "x", TestEvent("plan.created")));
  const std::string data(8 << 20, 'x');

  // A pause long enough that a slow (sanitized, loaded) client still sends
  // its write inside it; then wait for the pause to end.
  const auto pause_end =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(3000);
  ASSERT_EQ(RawCommand(raw, {"CLIENT", "PAUSE", "3000", "ALL"}), "OK");
  // Cut off while sending (UNAVAILABLE: Redis drops a partial command) or
  // while waiting for the reply (DEADLINE_EXCEEDED, outcome unknown).
  EXPECT_THAT(fixed.PutPlan("acme", "a", 1, data, TestEvent("plan.edited")),
              AnyOf(StatusIs(absl::StatusCode::kDeadlineExceeded, _),
                    StatusIs(absl::StatusCode::kUnavailable, _)));
  std::this_thread::sleep_until(pause_end + std::chrono::milliseconds(100));

  ASSERT_EQ(RawCommand(raw, {"CLIENT", "PAUSE", "600", "ALL"}), "OK");
  ASSERT_OK_AND_ASSIGN(
      int64_t version,
      scaled.PutPlan("acme", "b", 1, data, TestEvent("plan.edited")));
  EXPECT_EQ(version, 2);
  // (Read back with the default timeout: reads are not scaled.)
  RedisPlanStore reader(OptionsFor(*server_));
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, reader.GetPlan("acme", "b"));
  EXPECT_EQ(stored.data.size(), data.size());
}

TEST_F(RedisLimitsTest, UnansweredLargeWriteStaysDeadlineExceeded) {
  RedisOptions options = OptionsFor(*server_);
  options.command_timeout = absl::Milliseconds(100);
  options.timeout_per_mib = absl::Milliseconds(100);
  RedisPlanStore store(options);
  RedisPool raw(OptionsFor(*server_));
  ASSERT_OK(store.Ping());
  ASSERT_EQ(RawCommand(raw, {"CLIENT", "PAUSE", "1500", "ALL"}), "OK");
  // 2 MiB: waits 300 ms for the reply, far less than the pause.
  EXPECT_THAT(store.PutPlan("acme", "p", 0, std::string(2 << 20, 'x'),
                            TestEvent("plan.created")),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("outcome unknown")));
  ASSERT_EQ(RawCommand(raw, {"CLIENT", "UNPAUSE"}), "OK");
}

TEST_F(RedisLimitsTest, WaitingReadsHoldNoPoolConnection) {
  RedisOptions options = OptionsFor(*server_);
  options.pool_size = 2;
  options.acquire_timeout = absl::Milliseconds(500);
  RedisPlanStore store(options);
  constexpr int kWaiters = 32;
  for (int i = 0; i < kWaiters; ++i) {
    ASSERT_OK(store
                  .PutPlan("watcher", absl::StrCat("p", i), 0, "x",
                           TestEvent("plan.created"))
                  .status());
  }
  ASSERT_OK(store.PutPlan("other", "q", 0, "y", TestEvent("plan.created")));
  std::atomic<int> woken{0};
  std::vector<std::thread> waiters;
  waiters.reserve(kWaiters);
  std::vector<absl::Status> results(kWaiters);
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&, i] {
      // After the creation event: waits for the next one.
      absl::StatusOr<std::vector<PlanEvent>> first = store.ReadEvents(
          "watcher", absl::StrCat("p", i), "0", 10, absl::ZeroDuration());
      if (!first.ok() || first->size() != 1) {
        results[i] = absl::InternalError("no creation event");
        return;
      }
      absl::StatusOr<std::vector<PlanEvent>> next =
          store.ReadEvents("watcher", absl::StrCat("p", i), (*first)[0].id, 10,
                           absl::Seconds(20));
      if (!next.ok()) {
        results[i] = next.status();
      } else if (next->size() != 1 || (*next)[0].type != "plan.edited" ||
                 (*next)[0].plan_version != 2) {
        results[i] = absl::InternalError("wrong events");
      } else {
        ++woken;
      }
    });
  }
  // All 32 wait (the reads above take a connection only briefly); another
  // tenant's calls are served from the pool of 2 meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 0; i < 50; ++i) {
    ASSERT_OK_AND_ASSIGN(StoredPlan plan, store.GetPlan("other", "q"));
    EXPECT_EQ(plan.data, "y");
  }
  EXPECT_EQ(woken.load(), 0);
  for (int i = 0; i < kWaiters; ++i) {
    ASSERT_OK(store
                  .PutPlan("watcher", absl::StrCat("p", i), 1, "z",
                           TestEvent("plan.edited"))
                  .status());
  }
  for (std::thread& t : waiters) t.join();
  for (const absl::Status& status : results) EXPECT_OK(status);
  EXPECT_EQ(woken.load(), kWaiters);
}

TEST_F(RedisLimitsTest, WaitingReadTimesOutEmptyAndSeesLaterEvents) {
  RedisPlanStore store(OptionsFor(*server_));
  ASSERT_OK(store.PutPlan("acme", "p", 0, "x", TestEvent("plan.created")));
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> first,
      store.ReadEvents("acme", "p", "0", 10, absl::ZeroDuration()));
  ASSERT_EQ(first.size(), 1u);
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> none,
      store.ReadEvents("acme", "p", first[0].id, 10, absl::Milliseconds(300)));
  EXPECT_THAT(none, IsEmpty());
  // An event written between two waits is not missed.
  ASSERT_OK(store.PutPlan("acme", "p", 1, "y", TestEvent("plan.edited")));
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> later,
      store.ReadEvents("acme", "p", first[0].id, 10, absl::Seconds(5)));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].plan_version, 2);
}

}  // namespace
}  // namespace backplan::testing

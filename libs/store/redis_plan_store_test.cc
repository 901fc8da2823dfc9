// RedisPlanStore against a real redis-server (tests/testing/redis_server.h):
// the PlanStore contract suite, plus what only Redis has — script cache
// flushes, outages and restarts, AUTH, the key schema and the pool.
#include "libs/store/redis_plan_store.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/plan_store_contract_test.h"
#include "libs/store/redis_pool.h"
#include "libs/store/testing/redis_store_testing.h"
#include "tests/testing/redis_server.h"

namespace backplan::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class RedisHarness : public StoreHarness {
 public:
  explicit RedisHarness(std::unique_ptr<RedisServer> server)
      : server_(std::move(server)), store_(OptionsFor(*server_)) {}
  PlanStore& store() override { return store_; }

 private:
  std::unique_ptr<RedisServer> server_;
  RedisPlanStore store_;
};

INSTANTIATE_TEST_SUITE_P(
    Redis, PlanStoreContractTest,
    ::testing::Values(StoreFactory{
        "Redis",
        []() -> absl::StatusOr<std::unique_ptr<StoreHarness>> {
          absl::StatusOr<std::unique_ptr<RedisServer>> server =
              RedisServer::Create();
          if (!server.ok()) return server.status();
          return std::make_unique<RedisHarness>(std::move(server).value());
        }}),
    StoreFactoryName);

// Sends one raw command; returns the reply as text ("" for nil, the integer
// in decimal) for simple assertions.
absl::StatusOr<std::string> Raw(RedisPool& pool,
                                std::initializer_list<absl::string_view> args) {
  absl::StatusOr<RedisPool::Lease> lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  absl::StatusOr<RedisReplyPtr> reply = lease->Command(args);
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply->get();
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      return absl::StrCat(r->integer);
    case REDIS_REPLY_NIL:
      return std::string();
    case REDIS_REPLY_ERROR:
      return absl::InternalError(std::string(r->str, r->len));
    case REDIS_REPLY_ARRAY:
      return absl::StrCat("array:", r->elements);
    default:
      return std::string(r->str, r->len);
  }
}

class RedisPlanStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Create());
  }
  std::unique_ptr<RedisServer> server_;
};

TEST_F(RedisPlanStoreTest, KeySchemaMatchesDesign) {
  RedisPlanStore store(OptionsFor(*server_));
  RedisPool raw(OptionsFor(*server_));
  ASSERT_OK(
      store.PutPlan("acme", "p1", 0, "x", TestEvent("plan.created")).status());
  ASSERT_OK(store.PutStage("acme", "p1", StagePart::kPriorities, 1, "y",
                           TestEvent("priorities.updated")));
  ASSERT_OK(store.PutStage("acme", "p1", StagePart::kSchedule, 1, "z",
                           TestEvent("schedule.updated")));
  ASSERT_OK(store.PutBook("acme", "kitchen", 0, "b").status());

  EXPECT_EQ(RedisPlanStore::PlanKey("acme", "p1", "plan"), "bp:{acme/p1}:plan");
  EXPECT_EQ(RedisPlanStore::BookKey("acme", "kitchen"),
            "bp:{acme/book/kitchen}");
  EXPECT_THAT(Raw(raw, {"TYPE", "bp:{acme/p1}:plan"}), "hash");
  EXPECT_THAT(Raw(raw, {"TYPE", "bp:{acme/p1}:priorities"}), "hash");
  EXPECT_THAT(Raw(raw, {"TYPE", "bp:{acme/p1}:schedule"}), "hash");
  EXPECT_THAT(Raw(raw, {"TYPE", "bp:{acme/p1}:events"}), "stream");
  EXPECT_THAT(Raw(raw, {"TYPE", "bp:{acme/book/kitchen}"}), "hash");
  EXPECT_THAT(Raw(raw, {"TYPE", "bp:{acme}:plans"}), "zset");
  EXPECT_THAT(Raw(raw, {"TYPE", "bp:{acme}:books"}), "zset");
  EXPECT_THAT(Raw(raw, {"HGET", "bp:{acme/p1}:plan", "version"}), "1");
  EXPECT_THAT(Raw(raw, {"HGET", "bp:{acme/p1}:schedule", "plan_version"}), "1");
  EXPECT_THAT(Raw(raw, {"XLEN", "bp:{acme/p1}:events"}), "3");
  EXPECT_THAT(Raw(raw, {"XLEN", "bp:changes"}), "3");

  ASSERT_OK(store.DeletePlan("acme", "p1"));
  EXPECT_THAT(Raw(raw, {"EXISTS", "bp:{acme/p1}:plan", "bp:{acme/p1}:events",
                        "bp:{acme/p1}:priorities", "bp:{acme/p1}:schedule"}),
              "0");
  EXPECT_THAT(Raw(raw, {"ZCARD", "bp:{acme}:plans"}), "0");
  EXPECT_THAT(Raw(raw, {"XLEN", "bp:changes"}), "4");
}

TEST_F(RedisPlanStoreTest, PlansWrittenBeforeSummariesStillList) {
  RedisPlanStore store(OptionsFor(*server_));
  RedisPool raw(OptionsFor(*server_));
  // A plan as stored before summaries existed: no summary, no time.
  EXPECT_THAT(
      Raw(raw, {"HSET", "bp:{acme/old}:plan", "version", "3", "data", "x"}),
      "2");
  EXPECT_THAT(Raw(raw, {"ZADD", "bp:{acme}:plans", "0", "old"}), "1");
  EventInfo event = TestEvent("plan.created");
  event.summary = "new";
  ASSERT_OK(store.PutPlan("acme", "p-new", 0, "y", event).status());
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 10, ""));
  ASSERT_EQ(page.plans.size(), 2u);
  EXPECT_EQ(page.plans[0].plan_id, "old");
  EXPECT_EQ(page.plans[0].version, 3);
  EXPECT_EQ(page.plans[0].summary, "");
  EXPECT_EQ(page.plans[0].updated_at, absl::InfinitePast());
  EXPECT_EQ(page.plans[1].summary, "new");
  EXPECT_NE(page.plans[1].updated_at, absl::InfinitePast());
  // The summary sits in the plan's own hash (its cluster slot).
  EXPECT_THAT(Raw(raw, {"HGET", "bp:{acme/p-new}:plan", "summary"}), "new");
  // An index entry whose plan is gone is skipped, not an error.
  EXPECT_THAT(Raw(raw, {"ZADD", "bp:{acme}:plans", "0", "gone"}), "1");
  ASSERT_OK_AND_ASSIGN(page, store.ListPlans("acme", 10, ""));
  EXPECT_EQ(page.plans.size(), 2u);
}

TEST_F(RedisPlanStoreTest, EventStreamIsCapped) {
  RedisPlanStore store(OptionsFor(*server_));
  ASSERT_OK(
      store.PutPlan("acme", "p", 0, "x", TestEvent("plan.created")).status());
  for (int v = 1; v <= 1200; ++v) {
    ASSERT_OK(store.PutStage("acme", "p", StagePart::kSchedule, 1, "s",
                             TestEvent("schedule.updated")));
  }
  RedisPool raw(OptionsFor(*server_));
  ASSERT_OK_AND_ASSIGN(std::string length,
                       Raw(raw, {"XLEN", "bp:{acme/p}:events"}));
  int64_t n = 0;
  ASSERT_TRUE(absl::SimpleAtoi(length, &n));
  EXPECT_GE(n, 1000);
  EXPECT_LT(n, 1201);
}

TEST_F(RedisPlanStoreTest, SurvivesScriptFlushAndFunctionFlush) {
  RedisPlanStore store(OptionsFor(*server_));
  RedisPool raw(OptionsFor(*server_));
  ASSERT_OK(
      store.PutPlan("acme", "p", 0, "v1", TestEvent("plan.created")).status());
  ASSERT_OK(store.GetPlan("acme", "p").status());
  EXPECT_THAT(Raw(raw, {"SCRIPT", "FLUSH"}), "OK");
  ASSERT_OK_AND_ASSIGN(int64_t v2, store.PutPlan("acme", "p", 1, "v2",
                                                 TestEvent("plan.updated")));
  EXPECT_EQ(v2, 2);
  ASSERT_OK(store.GetPlan("acme", "p").status());
  EXPECT_THAT(Raw(raw, {"FUNCTION", "FLUSH"}), "OK");
  EXPECT_THAT(Raw(raw, {"SCRIPT", "FLUSH"}), "OK");
  ASSERT_OK(store.PutStage("acme", "p", StagePart::kSchedule, 2, "s",
                           TestEvent("schedule.updated")));
  EXPECT_THAT(Raw(raw, {"SCRIPT", "FLUSH"}), "OK");
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 10, ""));
  EXPECT_THAT(page.plans, SizeIs(1));
  EXPECT_THAT(Raw(raw, {"SCRIPT", "FLUSH"}), "OK");
  ASSERT_OK(store.DeletePlan("acme", "p"));
  // After the EVAL fallback the scripts are cached again: EVALSHA works.
  ASSERT_OK(
      store.PutPlan("acme", "p", 0, "v1", TestEvent("plan.created")).status());
  ASSERT_OK(
      store.PutPlan("acme", "p", 1, "v2", TestEvent("plan.updated")).status());
}

TEST_F(RedisPlanStoreTest, UnavailableQuicklyWhileStoppedThenRecovers) {
  RedisPlanStore store(OptionsFor(*server_));
  ASSERT_OK(
      store.PutPlan("acme", "p", 0, "v1", TestEvent("plan.created")).status());
  ASSERT_OK(server_->Stop());

  auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(store.GetPlan("acme", "p"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redis")));
  const double get_ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count();
  start = std::chrono::steady_clock::now();
  EXPECT_THAT(store.PutPlan("acme", "p", 1, "v2", TestEvent("plan.updated")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redis")));
  EXPECT_THAT(store.ReadEvents("acme", "p", "", 10, absl::Seconds(1)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redis")));
  EXPECT_THAT(store.Ping(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redis")));
  const double rest_ms = std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  std::printf(
      "Redis down: GetPlan UNAVAILABLE after %.2f ms; "
      "3 more calls in %.2f ms\n",
      get_ms, rest_ms);
  EXPECT_LT(get_ms, 3000);
  EXPECT_LT(rest_ms, 3000);

  ASSERT_OK(server_->Start());
  // Same store object; the restarted server is empty (no persistence).
  EXPECT_OK(store.Ping());
  EXPECT_THAT(store.GetPlan("acme", "p"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("p")));
  ASSERT_OK_AND_ASSIGN(
      int64_t version,
      store.PutPlan("acme", "p", 0, "again", TestEvent("plan.created")));
  EXPECT_EQ(version, 1);
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store.GetPlan("acme", "p"));
  EXPECT_EQ(plan.data, "again");
}

TEST_F(RedisPlanStoreTest, ConstructionDoesNotNeedRedis) {
  ASSERT_OK(server_->Stop());
  std::unique_ptr<PlanStore> store = NewRedisPlanStore(OptionsFor(*server_));
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->Ping(), StatusIs(absl::StatusCode::kUnavailable,
                                      HasSubstr("unreachable")));
  ASSERT_OK(server_->Start());
  EXPECT_OK(store->Ping());
  EXPECT_OK(
      store->PutPlan("acme", "p", 0, "x", TestEvent("plan.created")).status());
}

TEST_F(RedisPlanStoreTest, AuthPasswordRequiredAndHonoured) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RedisServer> secured,
                       RedisServer::Create({.password = "s3cret"}));
  RedisOptions options = OptionsFor(*secured);
  RedisPlanStore good(options);
  EXPECT_OK(good.Ping());
  ASSERT_OK(
      good.PutPlan("acme", "p", 0, "x", TestEvent("plan.created")).status());
  ASSERT_OK(good.GetPlan("acme", "p").status());

  options.password = "wrong";
  RedisPlanStore wrong(options);
  EXPECT_THAT(wrong.GetPlan("acme", "p"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("AUTH")));
  EXPECT_THAT(wrong.Ping(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("AUTH")));

  options.password = "";
  RedisPlanStore none(options);
  EXPECT_THAT(none.GetPlan("acme", "p"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("NOAUTH")));
  EXPECT_THAT(none.PutPlan("acme", "q", 0, "x", TestEvent("plan.created")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("NOAUTH")));
}

TEST_F(RedisPlanStoreTest, PoolAcquireTimesOutWhenAllConnectionsLeased) {
  RedisOptions options = OptionsFor(*server_);
  options.pool_size = 1;
  options.acquire_timeout = absl::Milliseconds(200);
  RedisPool pool(options);
  ASSERT_OK_AND_ASSIGN(RedisPool::Lease held, pool.Acquire());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kUnavailable,
                                       HasSubstr("no free connection")));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_LT(waited, std::chrono::seconds(3));

  // A lease handed back from another thread wakes a waiter.
  options.acquire_timeout = absl::Seconds(5);
  RedisPool pool2(options);
  ASSERT_OK_AND_ASSIGN(RedisPool::Lease first, pool2.Acquire());
  std::thread releaser([&first] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    RedisPool::Lease gone = std::move(first);
  });
  EXPECT_OK(pool2.Acquire().status());
  releaser.join();
}

TEST_F(RedisPlanStoreTest,
       CommandTimeoutIsDeadlineExceededAndConnectionReplaced) {
  RedisOptions options = OptionsFor(*server_);
  options.command_timeout = absl::Milliseconds(200);
  RedisPlanStore store(options);
  RedisPool raw(OptionsFor(*server_));
  ASSERT_OK(
      store.PutPlan("acme", "p", 0, "x", TestEvent("plan.created")).status());
  // Pause all clients' commands for 2 s: the store's call times out first.
  EXPECT_THAT(Raw(raw, {"CLIENT", "PAUSE", "2000", "ALL"}), "OK");
  const auto start = std::chrono::steady_clock::now();
  // Sent but unanswered: the outcome is unknown, not "certainly not done".
  EXPECT_THAT(store.GetPlan("acme", "p"),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("outcome unknown")));
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(1500));
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  // The timed-out connection was dropped; a fresh one works.
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store.GetPlan("acme", "p"));
  EXPECT_EQ(plan.data, "x");
}

TEST_F(RedisPlanStoreTest, RedisServerRestartsOnTheSamePort) {
  const int port = server_->port();
  EXPECT_GT(port, 0);
  EXPECT_TRUE(server_->running());
  ASSERT_OK(server_->Stop());
  EXPECT_FALSE(server_->running());
  ASSERT_OK(server_->Start());
  EXPECT_EQ(server_->port(), port);
  RedisPlanStore store(OptionsFor(*server_));
  EXPECT_OK(store.Ping());
}

}  // namespace
}  // namespace backplan::testing

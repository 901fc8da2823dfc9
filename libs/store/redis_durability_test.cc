// RedisPlanStore on real redis-servers: what issue 28 added beyond routing.
//   - The schema marker: data of a newer schema is refused
//     (FAILED_PRECONDITION naming it), data without the marker reads as 1.
//   - Index repair: listings drop ids of plans gone; RepairTenant re-adds
//     missing ones and recounts usage.
//   - Quotas on a standalone Redis stay exact under concurrent creates (the
//     standalone scripts check and count in one step; the cluster's bound is
//     in redis_cluster_store_test.cc).
//   - --redis_wait_replicas: with a real replica (REPLICAOF) acknowledged
//     writes are on the replica; with the replica stopped (SIGSTOP) a write
//     is DEADLINE_EXCEEDED.
#include <hiredis/hiredis.h>
#include <signal.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
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
using ::testing::HasSubstr;

class RedisDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Create());
    raw_ = std::make_unique<RedisPool>(OptionsFor(*server_));
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisPool> raw_;
};

TEST_F(RedisDurabilityTest, NewerSchemaIsRefusedNamingIt) {
  RedisPlanStore store(OptionsFor(*server_));
  ASSERT_OK(store.PutPlan("acme", "p", 0, "data", TestEvent("plan.created")));
  ASSERT_OK(store.PutBook("acme", "b", 0, "book").status());
  const std::string plan = RedisPlanStore::PlanKey("acme", "p", "plan");
  const std::string book = RedisPlanStore::BookKey("acme", "b");
  EXPECT_EQ(RawCommand(*raw_, {"HGET", plan, "schema"}), "1");
  EXPECT_EQ(RawCommand(*raw_, {"HGET", book, "schema"}), "1");
  RawCommand(*raw_, {"HSET", plan, "schema", "2"});
  RawCommand(*raw_, {"HSET", book, "schema", "2"});

  const auto refused = StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("schema version 2"));
  EXPECT_THAT(store.GetPlan("acme", "p"), refused);
  EXPECT_THAT(store.GetPlanParts("acme", "p", PlanReadOptions{}), refused);
  EXPECT_THAT(store.ListPlans("acme", 10, ""), refused);
  EXPECT_THAT(
      store.PutPlan("acme", "p", 1, "old writer", TestEvent("plan.edited")),
      refused);
  EXPECT_THAT(store.PutStage("acme", "p", StagePart::kSchedule, 1, "s",
                             TestEvent("schedule.computed")),
              refused);
  EXPECT_THAT(store.GetBook("acme", "b"), refused);
  EXPECT_THAT(store.PutBook("acme", "b", 1, "old writer"), refused);
  // Nothing was overwritten by the refused writes.
  EXPECT_EQ(RawCommand(*raw_, {"HGET", plan, "data"}), "data");
  EXPECT_EQ(RawCommand(*raw_, {"HGET", book, "data"}), "book");
}

TEST_F(RedisDurabilityTest, DataWithoutTheMarkerReadsAsVersionOne) {
  RedisPlanStore store(OptionsFor(*server_));
  ASSERT_OK(store.PutPlan("acme", "p", 0, "data", TestEvent("plan.created")));
  ASSERT_OK(store.PutBook("acme", "b", 0, "book").status());
  RawCommand(*raw_,
             {"HDEL", RedisPlanStore::PlanKey("acme", "p", "plan"), "schema"});
  RawCommand(*raw_, {"HDEL", RedisPlanStore::BookKey("acme", "b"), "schema"});
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store.GetPlan("acme", "p"));
  EXPECT_EQ(plan.data, "data");
  ASSERT_OK_AND_ASSIGN(StoredBook book, store.GetBook("acme", "b"));
  EXPECT_EQ(book.data, "book");
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 10, ""));
  ASSERT_EQ(page.plans.size(), 1u);
  // A write by this version stamps it again.
  ASSERT_OK(store.PutPlan("acme", "p", 1, "data2", TestEvent("plan.edited")));
  EXPECT_EQ(
      RawCommand(*raw_, {"HGET", RedisPlanStore::PlanKey("acme", "p", "plan"),
                         "schema"}),
      "1");
}

TEST_F(RedisDurabilityTest, ListingDropsIdsOfPlansGone) {
  RedisPlanStore store(OptionsFor(*server_));
  ASSERT_OK(store.PutPlan("acme", "a", 0, "x", TestEvent("plan.created")));
  const std::string index = RedisPlanStore::PlanIndexKey("acme");
  // An index entry left behind by a delete whose index write was lost.
  RawCommand(*raw_, {"ZADD", index, "0", "ghost"});
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 10, ""));
  ASSERT_EQ(page.plans.size(), 1u);
  EXPECT_EQ(page.plans[0].plan_id, "a");
  EXPECT_EQ(RawCommand(*raw_, {"ZSCORE", index, "ghost"}), "");
  EXPECT_EQ(RawCommand(*raw_, {"ZCARD", index}), "1");
}

TEST_F(RedisDurabilityTest, RepairTenantReaddsMissingIdsAndRecounts) {
  RedisPlanStore store(OptionsFor(*server_));
  for (const char* id : {"a", "b", "c*?[x]"}) {
    ASSERT_OK(store.PutPlan("acme", id, 0, "12345", TestEvent("plan.created")));
  }
  ASSERT_OK(store.PutStage("acme", "a", StagePart::kSchedule, 1, "sched",
                           TestEvent("schedule.computed")));
  ASSERT_OK(store.PutBook("acme", "book", 0, "bk").status());
  // Another tenant whose name is a glob prefix of this one is not counted.
  ASSERT_OK(store.PutPlan("acme2", "z", 0, "other", TestEvent("plan.created")));
  const std::string index = RedisPlanStore::PlanIndexKey("acme");
  const std::string usage = RedisPlanStore::UsageKey("acme");
  RawCommand(*raw_, {"ZREM", index, "b"});
  RawCommand(*raw_, {"ZREM", RedisPlanStore::BookIndexKey("acme"), "book"});
  RawCommand(*raw_, {"ZADD", index, "0", "ghost"});
  RawCommand(*raw_, {"HSET", usage, "plans", "99", "bytes", "1"});

  ASSERT_OK_AND_ASSIGN(RedisPlanStore::RepairReport report,
                       store.RepairTenant("acme"));
  EXPECT_EQ(report.plans, 3);
  EXPECT_EQ(report.books, 1);
  EXPECT_EQ(report.index_added, 2);  // "b" and the book.
  EXPECT_EQ(report.index_removed, 1);
  EXPECT_EQ(report.bytes, 3 * 5 + 5 + 2);
  EXPECT_EQ(RawCommand(*raw_, {"HGET", usage, "plans"}), "3");
  EXPECT_EQ(RawCommand(*raw_, {"HGET", usage, "bytes"}), "22");
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 10, ""));
  ASSERT_EQ(page.plans.size(), 3u);
  ASSERT_OK_AND_ASSIGN(BookPage books, store.ListBooks("acme", 10, ""));
  EXPECT_THAT(books.names, ::testing::ElementsAre("book"));
  // Idempotent.
  ASSERT_OK_AND_ASSIGN(report, store.RepairTenant("acme"));
  EXPECT_EQ(report.index_added + report.index_removed, 0);
}

// Sequential and concurrent creates both stop exactly at the quota.
TEST_F(RedisDurabilityTest, QuotaIsExactOnAStandaloneRedis) {
  RedisOptions options = OptionsFor(*server_);
  options.max_plans_per_tenant = 10;
  {
    RedisPlanStore store(options);
    for (int i = 0; i < 10; ++i) {
      ASSERT_OK(store.PutPlan("seq", absl::StrCat("p", i), 0, "x",
                              TestEvent("plan.created")));
    }
    EXPECT_THAT(store.PutPlan("seq", "p10", 0, "x", TestEvent("plan.created")),
                StatusIs(absl::StatusCode::kResourceExhausted, _));
  }
  constexpr int kWriters = 8;
  std::atomic<int> created{0};
  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      RedisPlanStore store(options);
      for (int i = 0; i < 20; ++i) {
        absl::StatusOr<int64_t> put =
            store.PutPlan("par", absl::StrCat("w", w, "-", i), 0, "x",
                          TestEvent("plan.created"));
        if (put.ok()) {
          ++created;
        } else {
          EXPECT_THAT(put, StatusIs(absl::StatusCode::kResourceExhausted, _));
          break;
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(created.load(), 10);
}

// The redis-server pid, from INFO server.
int ServerPid(RedisPool& pool) {
  const std::string info = RawCommand(pool, {"INFO", "server"});
  for (absl::string_view line : absl::StrSplit(info, "\r\n")) {
    int pid = 0;
    if (absl::ConsumePrefix(&line, "process_id:") &&
        absl::SimpleAtoi(line, &pid)) {
      return pid;
    }
  }
  return 0;
}

TEST_F(RedisDurabilityTest, WaitReplicasAcknowledgesOrIsDeadlineExceeded) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RedisServer> replica,
                       RedisServer::Create());
  RedisPool replica_raw(OptionsFor(*replica));
  ASSERT_EQ(RawCommand(replica_raw, {"REPLICAOF", server_->host(),
                                     absl::StrCat(server_->port())}),
            "OK");
  // Wait until the master sees its replica online.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (
      RawCommand(*raw_, {"INFO", "replication"}).find("connected_slaves:1") ==
          std::string::npos ||
      RawCommand(replica_raw, {"INFO", "replication"})
              .find("master_link_status:up") == std::string::npos) {
    ASSERT_LT(absl::Now(), deadline) << "replica never synced";
    absl::SleepFor(absl::Milliseconds(50));
  }
  // Acknowledged writes get a generous timeout (the CI machine is loaded and
  // a replica's ack can take seconds); the stopped-replica case a short one.
  RedisOptions options = OptionsFor(*server_);
  options.wait_replicas = 1;
  options.wait_timeout = absl::Seconds(20);
  RedisPlanStore store(options);
  options.wait_timeout = absl::Milliseconds(300);
  RedisPlanStore impatient_store(options);
  ASSERT_OK(store.PutPlan("acme", "p", 0, "acked", TestEvent("plan.created")));
  // Acknowledged means on the replica already.
  EXPECT_EQ(RawCommand(
                replica_raw,
                {"HGET", RedisPlanStore::PlanKey("acme", "p", "plan"), "data"}),
            "acked");

  const int pid = ServerPid(replica_raw);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, SIGSTOP), 0);
  const absl::StatusOr<int64_t> unacked = impatient_store.PutPlan(
      "acme", "p", 1, "unacked", TestEvent("plan.edited"));
  const absl::Status deleted = impatient_store.DeleteBook("acme", "none");
  ASSERT_EQ(kill(pid, SIGCONT), 0);
  EXPECT_THAT(unacked, StatusIs(absl::StatusCode::kDeadlineExceeded,
                                HasSubstr("not acknowledged by 1")));
  // A refused write (nothing written) needs no WAIT.
  EXPECT_THAT(deleted, StatusIs(absl::StatusCode::kNotFound, _));
  // The master has it (outcome "unknown" to the caller); once the replica
  // is back the next write is acknowledged again.
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store.GetPlan("acme", "p"));
  EXPECT_EQ(plan.data, "unacked");
  EXPECT_OK(
      store.PutPlan("acme", "p", 2, "acked again", TestEvent("plan.edited"))
          .status());
}

}  // namespace
}  // namespace backplan::testing

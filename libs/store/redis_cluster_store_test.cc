// RedisPlanStore on a real 3-master, 3-replica Redis Cluster (the ctest
// fixture `redis_cluster`, scripts/redis_cluster.sh): the PlanStore contract
// suite unchanged, keys spread over the masters, index repair across nodes,
// and creating/editing/reading plans from 8 threads while
// `redis-cli --cluster reshard` moves slots between masters.
//
// Seeds ("host:port,...") come from the file $BACKPLAN_TEST_REDIS_CLUSTER_FILE
// or $BACKPLAN_TEST_REDIS_CLUSTER; without either the tests are skipped.
// Every test starts by FLUSHALL on every master, so the binary must not share
// the cluster with another test running at once (ctest RESOURCE_LOCK).
#include <hiredis/hiredis.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/cluster_slots.h"
#include "libs/store/plan_store_contract_test.h"
#include "libs/store/redis_plan_store.h"
#include "libs/store/redis_router.h"
#include "libs/store/testing/redis_store_testing.h"

namespace backplan::testing {
namespace {

std::string ClusterSeeds() {
  if (const char* file = std::getenv("BACKPLAN_TEST_REDIS_CLUSTER_FILE")) {
    std::ifstream in(file);
    std::string seeds;
    if (std::getline(in, seeds)) return seeds;
  }
  if (const char* env = std::getenv("BACKPLAN_TEST_REDIS_CLUSTER")) return env;
  return "";
}

RedisOptions ClusterOptions() {
  RedisOptions options;
  options.cluster_seeds = ClusterSeeds();
  return options;
}

// FLUSHALL on every master (replicas follow).
absl::Status FlushCluster(RedisRouter& router) {
  absl::StatusOr<std::vector<RedisPool*>> masters = router.Masters();
  if (!masters.ok()) return masters.status();
  for (RedisPool* pool : *masters) {
    absl::StatusOr<RedisPool::Lease> lease = pool->Acquire();
    if (!lease.ok()) return lease.status();
    absl::StatusOr<RedisReplyPtr> reply = lease->Command({"FLUSHALL"});
    if (!reply.ok()) return reply.status();
  }
  return absl::OkStatus();
}

class ClusterHarness : public StoreHarness {
 public:
  ClusterHarness() : store_(ClusterOptions()) {}
  PlanStore& store() override { return store_; }

 private:
  RedisPlanStore store_;
};

INSTANTIATE_TEST_SUITE_P(
    RedisCluster, PlanStoreContractTest,
    ::testing::Values(StoreFactory{
        "RedisCluster",
        []() -> absl::StatusOr<std::unique_ptr<StoreHarness>> {
          if (ClusterSeeds().empty()) {
            return absl::FailedPreconditionError(
                "no Redis Cluster: set BACKPLAN_TEST_REDIS_CLUSTER_FILE");
          }
          RedisRouter router(ClusterOptions());
          absl::Status flushed = FlushCluster(router);
          if (!flushed.ok()) return flushed;
          return std::make_unique<ClusterHarness>();
        }}),
    StoreFactoryName);

class RedisClusterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ClusterSeeds().empty()) GTEST_SKIP() << "no Redis Cluster given";
    ASSERT_OK(FlushCluster(router_));
  }

  // Keys stored on each master (DBSIZE).
  std::vector<int64_t> KeysPerMaster() {
    std::vector<int64_t> sizes;
    absl::StatusOr<std::vector<RedisPool*>> masters = router_.Masters();
    EXPECT_OK(masters.status());
    if (!masters.ok()) return sizes;
    for (RedisPool* pool : *masters) {
      absl::StatusOr<RedisPool::Lease> lease = pool->Acquire();
      EXPECT_OK(lease.status());
      if (!lease.ok()) return sizes;
      absl::StatusOr<RedisReplyPtr> reply = lease->Command({"DBSIZE"});
      EXPECT_OK(reply.status());
      if (!reply.ok()) return sizes;
      sizes.push_back((*reply)->integer);
    }
    return sizes;
  }

  RedisRouter router_{ClusterOptions()};
};

TEST_F(RedisClusterStoreTest, PlansSpreadOverEveryMaster) {
  RedisPlanStore store(ClusterOptions());
  for (int i = 0; i < 60; ++i) {
    ASSERT_OK(store
                  .PutPlan("acme", absl::StrCat("p-", i), 0, "data",
                           TestEvent("plan.created"))
                  .status());
  }
  const std::vector<int64_t> sizes = KeysPerMaster();
  ASSERT_EQ(sizes.size(), 3u);
  for (int64_t size : sizes) EXPECT_GT(size, 5);
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 100, ""));
  EXPECT_EQ(page.plans.size(), 60u);
}

// The tenant index lives in one slot, the plans in others: a lost index
// write is repaired from a SCAN of every master.
TEST_F(RedisClusterStoreTest, RepairTenantRebuildsTheIndexAcrossNodes) {
  RedisPlanStore store(ClusterOptions());
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(store
                  .PutPlan("acme", absl::StrCat("p-", i), 0, "12345",
                           TestEvent("plan.created"))
                  .status());
  }
  ASSERT_OK(store.PutBook("acme", "book", 0, "bookdata").status());
  const std::string index = RedisPlanStore::PlanIndexKey("acme");
  const std::string usage = RedisPlanStore::UsageKey("acme");
  ASSERT_OK(router_.Command(index, {"DEL", index}).status());
  ASSERT_OK(router_.Command(usage, {"DEL", usage}).status());
  ASSERT_OK_AND_ASSIGN(PlanPage empty, store.ListPlans("acme", 100, ""));
  EXPECT_TRUE(empty.plans.empty());

  ASSERT_OK_AND_ASSIGN(RedisPlanStore::RepairReport report,
                       store.RepairTenant("acme"));
  EXPECT_EQ(report.plans, 20);
  EXPECT_EQ(report.books, 1);
  EXPECT_EQ(report.index_added, 20);
  EXPECT_EQ(report.bytes, 20 * 5 + 8);
  ASSERT_OK_AND_ASSIGN(PlanPage page, store.ListPlans("acme", 100, ""));
  EXPECT_EQ(page.plans.size(), 20u);
}

// On a cluster the quota is checked against counters read before the
// write (another slot): sequential creates stop exactly at the quota,
// concurrent ones overshoot by fewer than the number of writers.
TEST_F(RedisClusterStoreTest, QuotaOvershootIsBoundedByConcurrentWriters) {
  RedisOptions options = ClusterOptions();
  options.max_plans_per_tenant = 10;
  {
    RedisPlanStore store(options);
    for (int i = 0; i < 10; ++i) {
      ASSERT_OK(store.PutPlan("seq", absl::StrCat("p", i), 0, "x",
                              TestEvent("plan.created")));
    }
    EXPECT_THAT(store.PutPlan("seq", "p10", 0, "x", TestEvent("plan.created")),
                StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
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
        if (!put.ok()) {
          EXPECT_THAT(put, StatusIs(absl::StatusCode::kResourceExhausted,
                                    ::testing::_));
          break;
        }
        ++created;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_GE(created.load(), 10);
  EXPECT_LE(created.load(), 10 + kWriters - 1);
}

// Runs `redis-cli --cluster reshard` moving `slots` slots from the master
// `from` to `to`; true on success.
bool Reshard(const cluster::NodeAddress& seed, const std::string& from,
             const std::string& to, int slots) {
  const std::string command = absl::StrCat(
      "redis-cli --cluster reshard ", seed.HostPort(), " --cluster-from ", from,
      " --cluster-to ", to, " --cluster-slots ", slots,
      " --cluster-yes --cluster-pipeline 20 >/dev/null 2>&1");
  return std::system(command.c_str()) == 0;
}

// 8 threads create, edit and read plans while slots move between masters
// (there and back): every call OK (the store follows MOVED/ASK and retries
// TRYAGAIN), and everything written reads back.
TEST_F(RedisClusterStoreTest, ReshardingUnderLoadLosesNothing) {
  ASSERT_OK_AND_ASSIGN(std::vector<RedisPool*> masters, router_.Masters());
  ASSERT_EQ(masters.size(), 3u);
  std::vector<std::string> ids;
  for (RedisPool* pool : masters) {
    ASSERT_OK_AND_ASSIGN(RedisPool::Lease lease, pool->Acquire());
    ASSERT_OK_AND_ASSIGN(RedisReplyPtr id, lease.Command({"CLUSTER", "MYID"}));
    ids.emplace_back(id->str, id->len);
  }
  cluster::NodeAddress seed;
  seed.host = masters[0]->options().host;
  seed.port = masters[0]->options().port;

  constexpr int kThreads = 8;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> calls{0};
  std::vector<std::vector<std::string>> written(kThreads);
  std::vector<std::thread> workers;
  workers.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      RedisOptions options = ClusterOptions();
      options.pool_size = 2;
      RedisPlanStore store(options);
      for (int i = 0; !stop || i < 20; ++i) {
        const std::string id = absl::StrCat("t", t, "-", i);
        const std::string data = absl::StrCat("v1 of ", id);
        absl::StatusOr<int64_t> created =
            store.PutPlan("load", id, 0, data, TestEvent("plan.created"));
        absl::StatusOr<int64_t> edited =
            created.ok() ? store.PutPlan("load", id, 1, absl::StrCat(data, "+"),
                                         TestEvent("plan.edited"))
                         : created;
        absl::StatusOr<StoredPlan> read = store.GetPlan("load", id);
        calls += 3;
        if (!created.ok() || !edited.ok() || !read.ok() ||
            read->data != absl::StrCat(data, "+")) {
          ++failures;
          ADD_FAILURE() << id << ": " << created.status() << " / "
                        << edited.status() << " / " << read.status();
          continue;
        }
        written[t].push_back(id);
      }
    });
  }
  const bool there = Reshard(seed, ids[0], ids[1], 600);
  const bool back = Reshard(seed, ids[1], ids[0], 600);
  stop = true;
  for (std::thread& worker : workers) worker.join();
  EXPECT_TRUE(there);
  EXPECT_TRUE(back);
  EXPECT_EQ(failures.load(), 0) << "of " << calls.load() << " calls";

  RedisPlanStore reader(ClusterOptions());
  std::set<std::string> listed;
  std::string token;
  do {
    ASSERT_OK_AND_ASSIGN(PlanPage page, reader.ListPlans("load", 1000, token));
    for (const PlanSummary& plan : page.plans) listed.insert(plan.plan_id);
    token = page.next_page_token;
  } while (!token.empty());
  size_t total = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (const std::string& id : written[t]) {
      ++total;
      ASSERT_OK_AND_ASSIGN(StoredPlan plan, reader.GetPlan("load", id));
      EXPECT_EQ(plan.version, 2);
      EXPECT_EQ(plan.data, absl::StrCat("v1 of ", id, "+"));
      EXPECT_TRUE(listed.count(id)) << id << " not listed";
    }
  }
  EXPECT_GE(total, static_cast<size_t>(kThreads * 20));
  std::cout << "resharding under load: " << calls.load() << " calls, " << total
            << " plans\n";
}

}  // namespace
}  // namespace backplan::testing

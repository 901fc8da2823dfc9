// RedisPlanStore: what a plan write and read cost on a standalone Redis,
// with WAIT for one replica after each write (--redis_wait_replicas=1), and
// on a Redis Cluster ($BACKPLAN_TEST_REDIS_CLUSTER, "host:port,..."; e.g.
// from `scripts/redis_cluster.sh start DIR`). One client thread, loopback,
// 1 KiB plans; the ratios between rows are the point on a shared machine.
// Compiled with -DSTORE_BENCH_BEFORE_ISSUE_28 against the store before
// issue 28 (no wait/cluster options: those rows then measure standalone).
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "libs/store/redis_plan_store.h"
#include "libs/store/redis_pool.h"
#include "tests/testing/redis_server.h"

namespace backplan {
namespace {

using testing::RedisServer;

// A master and its replica, started once for the whole run.
struct Servers {
  std::unique_ptr<RedisServer> master;
  std::unique_ptr<RedisServer> replica;
};

Servers& Shared() {
  static Servers* servers = [] {
    auto* s = new Servers;
    s->master = *RedisServer::Create();
    s->replica = *RedisServer::Create();
    RedisOptions options;
    options.port = s->replica->port();
    RedisPool replica_pool(options);
    absl::StatusOr<RedisPool::Lease> lease = replica_pool.Acquire();
    if (!lease.ok() || !lease
                            ->Command({"REPLICAOF", "127.0.0.1",
                                       absl::StrCat(s->master->port())})
                            .ok()) {
      std::abort();
    }
    // Until the replica has synced: WAIT 1 answers 1.
    options.port = s->master->port();
    RedisPool master_pool(options);
    for (int i = 0; i < 400; ++i) {
      absl::StatusOr<RedisPool::Lease> m = master_pool.Acquire();
      if (!m.ok()) continue;
      absl::StatusOr<RedisReplyPtr> acked = m->Command({"WAIT", "1", "100"});
      if (acked.ok() && (*acked)->type == REDIS_REPLY_INTEGER &&
          (*acked)->integer == 1) {
        break;
      }
    }
    return s;
  }();
  return *servers;
}

enum Mode { kStandalone = 0, kWaitOne = 1, kCluster = 2 };

RedisOptions OptionsFor(Mode mode) {
  RedisOptions options;
  options.port = Shared().master->port();
#ifndef STORE_BENCH_BEFORE_ISSUE_28  // Built on main's store for "before".
  if (mode == kWaitOne) {
    options.wait_replicas = 1;
    options.wait_timeout = absl::Seconds(1);
  }
  if (mode == kCluster) {
    const char* seeds = std::getenv("BACKPLAN_TEST_REDIS_CLUSTER");
    options.cluster_seeds = seeds == nullptr ? "" : seeds;
  }
#endif
  return options;
}

bool Skip(benchmark::State& state, Mode mode) {
  if (mode == kCluster &&
      std::getenv("BACKPLAN_TEST_REDIS_CLUSTER") == nullptr) {
    state.SkipWithError("set BACKPLAN_TEST_REDIS_CLUSTER");
    return true;
  }
  return false;
}

const char* ModeName(Mode mode) {
  return mode == kStandalone ? "standalone"
         : mode == kWaitOne  ? "wait_replicas=1"
                             : "cluster";
}

// Edits of one plan (PutPlan with the expected version).
void BM_PutPlan(benchmark::State& state) {
  const Mode mode = static_cast<Mode>(state.range(0));
  if (Skip(state, mode)) return;
  state.SetLabel(ModeName(mode));
  RedisPlanStore store(OptionsFor(mode));
  const std::string id = absl::StrCat("bench-put-", mode);
  (void)store.DeletePlan("bench", id);
  const std::string data(1024, 'x');
  int64_t version = 0;
  for (auto _ : state) {
    absl::StatusOr<int64_t> put =
        store.PutPlan("bench", id, version, data, EventInfo{"plan.edited", ""});
    if (!put.ok()) {
      state.SkipWithError(put.status().ToString().c_str());
      return;
    }
    version = *put;
  }
}
BENCHMARK(BM_PutPlan)->Arg(kStandalone)->Arg(kWaitOne)->Arg(kCluster);

// Reads of that plan (GetPlan: one script).
void BM_GetPlan(benchmark::State& state) {
  const Mode mode = static_cast<Mode>(state.range(0));
  if (Skip(state, mode)) return;
  state.SetLabel(ModeName(mode));
  RedisPlanStore store(OptionsFor(mode));
  const std::string id = absl::StrCat("bench-get-", mode);
  (void)store.DeletePlan("bench", id);
  (void)store.PutPlan("bench", id, 0, std::string(1024, 'x'),
                      EventInfo{"plan.created", ""});
  for (auto _ : state) {
    absl::StatusOr<StoredPlan> plan = store.GetPlan("bench", id);
    if (!plan.ok()) {
      state.SkipWithError(plan.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(plan->data.size());
  }
}
BENCHMARK(BM_GetPlan)->Arg(kStandalone)->Arg(kCluster);

}  // namespace
}  // namespace backplan

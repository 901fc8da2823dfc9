// RedisPool's RedisObserver calls against a real redis-server: each command
// with its upper-case name and result, each lease with the time it took and
// the pool's use, and the outcomes of an outage.
#include <mutex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/redis_pool.h"
#include "libs/store/store_metrics.h"
#include "tests/testing/redis_server.h"

namespace backplan {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

class RecordingObserver final : public RedisObserver {
 public:
  void CommandDone(absl::string_view command, absl::string_view result,
                   double seconds) override {
    std::lock_guard<std::mutex> lock(mu);
    commands.emplace_back(std::string(command), std::string(result));
    EXPECT_GE(seconds, 0);
  }
  void AcquireDone(double seconds, bool ok) override {
    std::lock_guard<std::mutex> lock(mu);
    acquires.push_back(ok);
    EXPECT_GE(seconds, 0);
  }
  void PoolUse(int size, int in_use) override {
    std::lock_guard<std::mutex> lock(mu);
    uses.emplace_back(size, in_use);
  }

  std::mutex mu;  // Guards the three vectors.
  std::vector<std::pair<std::string, std::string>> commands;
  std::vector<bool> acquires;
  std::vector<std::pair<int, int>> uses;
};

TEST(RedisPoolObserver, ReportsCommandsLeasesAndAnOutage) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<testing::RedisServer> redis,
                       testing::RedisServer::Create());
  RecordingObserver observer;
  RedisOptions options;
  options.port = redis->port();
  options.pool_size = 2;
  options.acquire_timeout = absl::Milliseconds(100);
  options.observer = &observer;
  RedisPool pool(options);
  {
    ASSERT_OK_AND_ASSIGN(RedisPool::Lease first, pool.Acquire());
    ASSERT_OK_AND_ASSIGN(RedisPool::Lease second, pool.Acquire());
    ASSERT_OK(first.Command({"set", "k", "v"}).status());
    // An error reply is still a reply: "ok" for the pool.
    ASSERT_OK(second.Command({"incr", "k"}).status());
    // Both slots leased: the third waits 100 ms and gives up.
    EXPECT_FALSE(pool.Acquire().ok());
  }
  {
    // A command on a discarded connection certainly did not run.
    ASSERT_OK_AND_ASSIGN(RedisPool::Lease lease, pool.Acquire());
    lease.Discard();
    EXPECT_FALSE(lease.Command({"get", "k"}).ok());
  }
  ASSERT_OK(redis->Stop());
  // The idle connection is dead and reconnecting fails.
  EXPECT_FALSE(pool.Acquire().ok());
  std::lock_guard<std::mutex> lock(observer.mu);
  EXPECT_THAT(observer.commands,
              ElementsAre(Pair("SET", "ok"), Pair("INCR", "ok"),
                          Pair("GET", "unavailable")));
  EXPECT_THAT(observer.acquires, ElementsAre(true, true, false, true, false));
  // Lease, lease (the refused third changes nothing), release, release;
  // lease, release; the failed reconnect gives its slot back.
  EXPECT_THAT(observer.uses,
              ElementsAre(Pair(2, 1), Pair(2, 2), Pair(2, 1), Pair(2, 0),
                          Pair(2, 1), Pair(2, 0), Pair(2, 0)));
}

}  // namespace
}  // namespace backplan

#include "services/common/redis_metrics.h"

#include <algorithm>
#include <array>
#include <string>

#include "libs/rpc/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace backplan {
namespace {

// Sub-millisecond resolution: a Redis round trip on loopback is ~0.1 ms.
const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
  return *buckets;
}

class PrometheusObserver final : public RedisObserver {
 public:
  explicit PrometheusObserver(prometheus::Registry& registry)
      : commands_(prometheus::BuildCounter()
                      .Name("backplan_redis_commands_total")
                      .Help("Redis commands sent, by command and result (ok, "
                            "unavailable, timeout).")
                      .Register(registry)),
        command_seconds_(prometheus::BuildHistogram()
                             .Name("backplan_redis_command_seconds")
                             .Help("Redis command latency by command.")
                             .Register(registry)),
        pool_size_(prometheus::BuildGauge()
                       .Name("backplan_redis_pool_size")
                       .Help("Redis connections the pool may open.")
                       .Register(registry)
                       .Add({})),
        pool_in_use_(prometheus::BuildGauge()
                         .Name("backplan_redis_pool_in_use")
                         .Help("Redis connections leased now.")
                         .Register(registry)
                         .Add({})),
        pool_wait_(prometheus::BuildHistogram()
                       .Name("backplan_redis_pool_wait_seconds")
                       .Help("Time to get a usable Redis connection from the "
                             "pool (waiting and connecting).")
                       .Register(registry)),
        pool_wait_ok_(pool_wait_.Add({{"result", "ok"}}, Buckets())) {
    // Only the "ok" series are made up front: error series appear with the
    // first error, as before, so "no errors yet" stays an absent series.
    for (size_t c = 0; c < kCommands.size(); ++c) {
      known_[c].ok = &commands_.Add(
          {{"command", std::string(kCommands[c])}, {"result", "ok"}});
      known_[c].seconds = &command_seconds_.Add(
          {{"command", std::string(kCommands[c])}}, Buckets());
    }
  }

  void CommandDone(absl::string_view command, absl::string_view result,
                   double seconds) override {
    // The commands the store sends have their series made up front, so the
    // hot path neither builds label maps nor takes the families' locks.
    const auto c = std::find(kCommands.begin(), kCommands.end(), command);
    if (c != kCommands.end() && result == "ok") {
      const Known& known = known_[c - kCommands.begin()];
      known.ok->Increment();
      known.seconds->Observe(seconds);
      return;
    }
    // Family::Add returns the existing series for known labels.
    commands_
        .Add({{"command", std::string(command)},
              {"result", std::string(result)}})
        .Increment();
    command_seconds_.Add({{"command", std::string(command)}}, Buckets())
        .Observe(seconds);
  }

  void AcquireDone(double seconds, bool ok) override {
    if (ok) {
      pool_wait_ok_.Observe(seconds);
    } else {
      pool_wait_.Add({{"result", "unavailable"}}, Buckets()).Observe(seconds);
    }
  }

  void PoolUse(int size, int in_use) override {
    pool_size_.Set(size);
    pool_in_use_.Set(in_use);
  }

 private:
  static constexpr std::array<absl::string_view, 6> kCommands = {
      "EVALSHA", "HMGET", "EVAL", "PING", "XREAD", "ZRANGEBYLEX"};
  struct Known {
    prometheus::Counter* ok = nullptr;
    prometheus::Histogram* seconds = nullptr;
  };

  prometheus::Family<prometheus::Counter>& commands_;
  prometheus::Family<prometheus::Histogram>& command_seconds_;
  prometheus::Gauge& pool_size_;
  prometheus::Gauge& pool_in_use_;
  prometheus::Family<prometheus::Histogram>& pool_wait_;
  prometheus::Histogram& pool_wait_ok_;
  std::array<Known, kCommands.size()> known_;  // Filled once, read only.
};

}  // namespace

RedisObserver* PrometheusRedisObserver() {
  static PrometheusObserver* observer =
      new PrometheusObserver(*rpc::MetricsRegistry());
  return observer;
}

}  // namespace backplan

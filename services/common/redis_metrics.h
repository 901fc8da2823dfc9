// The Prometheus side of libs/store's RedisObserver: the Redis metrics every
// service with a store exports (registered in rpc::MetricsRegistry()):
//   backplan_redis_commands_total{command,result}  counter; result is ok,
//                                                  unavailable or timeout
//   backplan_redis_command_seconds{command}        histogram
//   backplan_redis_pool_size                       gauge: connections at most
//   backplan_redis_pool_in_use                     gauge: leased now
//   backplan_redis_pool_wait_seconds{result}       histogram: Acquire() time
//                                                  (result ok or unavailable)
#ifndef BACKPLAN_SERVICES_COMMON_REDIS_METRICS_H_
#define BACKPLAN_SERVICES_COMMON_REDIS_METRICS_H_

#include "libs/store/store_metrics.h"

namespace backplan {

// The process's observer (never null; lives for the whole process).
RedisObserver* PrometheusRedisObserver();

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_COMMON_REDIS_METRICS_H_

// RedisObserver: what RedisPool reports about itself, so a service can export
// Redis latency, errors and pool use (services/common/redis_metrics.h does,
// with Prometheus) while libs/store links no metrics library.
//
//   RedisOptions options;
//   options.observer = &my_observer;   // not owned; outlives the pool
//
// Calls come from any thread that uses the pool, without the pool's lock
// held; implementations must be thread-safe and cheap (no I/O).
#ifndef BACKPLAN_LIBS_STORE_STORE_METRICS_H_
#define BACKPLAN_LIBS_STORE_STORE_METRICS_H_

#include "absl/strings/string_view.h"

namespace backplan {

class RedisObserver {
 public:
  virtual ~RedisObserver() = default;

  // One command finished. `command` is its upper-case name ("EVALSHA");
  // `result` is "ok" (any reply, error replies such as NOSCRIPT included:
  // the caller interprets them), "unavailable" (not sent, or refused by a
  // server-state error) or "timeout" (sent, no reply: outcome unknown).
  virtual void CommandDone(absl::string_view command, absl::string_view result,
                           double seconds) = 0;

  // Acquire() took `seconds` to hand out a usable connection (waiting for a
  // free slot, then connecting when the slot had none); `ok` false when it
  // gave up or could not connect.
  virtual void AcquireDone(double seconds, bool ok) = 0;

  // The pool's size (connections at most) and how many are leased now;
  // reported on every lease and release.
  virtual void PoolUse(int size, int in_use) = 0;
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_STORE_METRICS_H_

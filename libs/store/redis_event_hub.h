// RedisEventHub: one reader connection that waits on every watched event
// stream at once, so that callers waiting for a plan's next event (WatchPlan
// streams, through RedisPlanStore::ReadEvents) hold no pool connection while
// they wait.
//
//   RedisEventHub hub(options);  // Starts its reader thread; never connects
//                                // until something is watched.
//   // After a non-blocking read found nothing after `after`:
//   hub.WaitForEntries("bp:{t/p}:events", after, absl::Seconds(1));
//   // ...then read again (non-blocking) through the pool.
//
// Contract:
//   - WaitForEntries(key, after, timeout) returns true as soon as the stream
//     `key` may hold entries after `after` (the hub saw one, or has seen one
//     before), or the reader hit an error (the caller's next read through
//     the pool then reports it); false when `timeout` passed without either.
//     A true return may be spurious (an entry the caller had already read):
//     the caller re-reads and, finding nothing, waits again.
//   - No entry is missed: an entry added after the caller's own read has a
//     stream id greater than everything the hub has seen for that key, so
//     the hub's next XREAD from its last seen id returns it.
//   - The reader blocks in XREAD ... BLOCK `kBlockMs` on all watched keys and
//     picks up newly watched keys when that returns, so a caller whose key
//     is new may wait up to kBlockMs longer than needed; entries on keys
//     already watched wake their waiters at once.
//   - One extra Redis connection (its own pool of one, same options); on a
//     Redis error every waiter is woken and the reader retries every
//     kBlockMs.
// Thread-safe. The destructor wakes every waiter and joins the reader;
// no WaitForEntries may still run then.
#ifndef BACKPLAN_LIBS_STORE_REDIS_EVENT_HUB_H_
#define BACKPLAN_LIBS_STORE_REDIS_EVENT_HUB_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "libs/store/redis_pool.h"
#include "libs/store/validation.h"

namespace backplan {

class RedisEventHub {
 public:
  static constexpr int kBlockMs = 200;

  explicit RedisEventHub(const RedisOptions& options);
  RedisEventHub(const RedisEventHub&) = delete;
  RedisEventHub& operator=(const RedisEventHub&) = delete;
  ~RedisEventHub();

  bool WaitForEntries(const std::string& key,
                      store_internal::EventPosition after,
                      absl::Duration timeout);

 private:
  struct Watch {
    store_internal::EventPosition last;  // Newest id the hub has seen.
    int waiters = 0;
    uint64_t changes = 0;  // Bumped whenever waiters should re-read.
  };

  void Run();
  // Wakes every waiter (after a reader error, or when stopping).
  void WakeAllLocked();

  std::unique_ptr<RedisPool> pool_;  // One connection, the reader's.
  std::mutex mu_;
  std::condition_variable changed_;       // Waiters wait on it; uses mu_.
  std::condition_variable work_;          // The reader waits on it; uses mu_.
  std::map<std::string, Watch> watches_;  // Guarded by mu_.
  bool stopping_ = false;                 // Guarded by mu_.
  std::thread reader_;
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_REDIS_EVENT_HUB_H_

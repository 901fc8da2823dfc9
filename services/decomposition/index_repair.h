// IndexRepairLoop: re-derives tenants' plan and book listing indexes in the
// background (issue 28). On a Redis Cluster a plan or book write and its
// tenant's index entry live in different slots, so the index is written
// right after the object and can miss it (the process died, a node failed
// over in between); RedisPlanStore::RepairTenant() puts it right, at the
// cost of a SCAN of every master. This loop runs it for the tenants that
// listed plans or books since the last pass, so a plan whose index entry
// was lost reappears in ListPlans within one interval of being looked for.
//
//   IndexRepairLoop loop(
//       [&](const std::string& t) { return store.RepairTenant(t).status(); },
//       {.interval = absl::Seconds(600)});
//   loop.Start();                 // One thread; stopped by the destructor.
//   loop.Note(tenant);            // From a listing handler; cheap.
//
// Bounds: at most `max_pending` distinct tenants wait for a pass (further
// ones are dropped until it drains; they are noted again when they list
// again), and one pass repairs at most `tenants_per_pass` of them (the rest
// wait for the next pass), so a pass costs at most that many keyspace
// scans. Thread-safe.
#ifndef BACKPLAN_SERVICES_DECOMPOSITION_INDEX_REPAIR_H_
#define BACKPLAN_SERVICES_DECOMPOSITION_INDEX_REPAIR_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace backplan {

class IndexRepairLoop {
 public:
  struct Options {
    absl::Duration interval = absl::Seconds(600);  // Between passes; > 0.
    int tenants_per_pass = 8;                      // >= 1.
    int max_pending = 10000;                       // >= 1.
  };
  // `repair` repairs one tenant's indexes (RedisPlanStore::RepairTenant);
  // called from the loop's thread (or RunOnce's caller), one at a time.
  IndexRepairLoop(std::function<absl::Status(const std::string&)> repair,
                  const Options& options);
  IndexRepairLoop(const IndexRepairLoop&) = delete;
  IndexRepairLoop& operator=(const IndexRepairLoop&) = delete;
  ~IndexRepairLoop();  // Stops the thread; waits for a running repair.

  // Starts the thread: a pass every `interval`. Call at most once.
  void Start();
  // Queues `tenant` for the next pass (a no-op when already queued or
  // `max_pending` tenants are).
  void Note(const std::string& tenant);
  // One pass now, on the caller's thread: repairs up to `tenants_per_pass`
  // queued tenants and returns how many repairs succeeded. A tenant whose
  // repair fails is queued again.
  int RunOnce();
  // Tenants queued.
  int pending() const;

 private:
  const std::function<absl::Status(const std::string&)> repair_;
  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  absl::flat_hash_set<std::string> pending_;  // Guarded by mu_.
  bool stop_ = false;                         // Guarded by mu_.
  std::mutex pass_mu_;  // One pass at a time (thread or RunOnce).
  std::thread thread_;
};

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_DECOMPOSITION_INDEX_REPAIR_H_

// RedisRouter: sends each Redis command to the node that serves its key, on
// a standalone Redis (one RedisPool, nothing else) or a Redis Cluster (a
// slot map from CLUSTER SLOTS and a RedisPool per master, created lazily).
// Used by RedisPlanStore; hiredis 0.14 has no cluster support, so this is
// the (small) cluster client.
//
//   RedisRouter router(options);  // options.cluster_seeds empty: standalone.
//   ASSIGN_OR_RETURN(RedisReplyPtr reply,
//                    router.Command(key, {"HGET", key, "version"}));
//
// Contract (cluster mode):
//   - The slot map is loaded on first use from any seed (then from any known
//     master). Every pool uses RedisOptions (AUTH, timeouts, pool size) with
//     the node's host and port.
//   - MOVED: the slot is reassigned in the map and the command retried;
//     ASK: `ASKING` then the command on the named node (an ASK from that
//     node too is UNAVAILABLE; TRYAGAIN from it goes back to the slot's
//     owner, which may ASK again); TRYAGAIN and
//     CLUSTERDOWN: retried with backoff (kMaxAttempts in all, ~1 s), then
//     UNAVAILABLE. A connection error (UNAVAILABLE) refreshes the map and is
//     returned as is; the next call uses the new map.
//   - A slot no master serves (a failover in progress) refreshes the map and
//     then is UNAVAILABLE.
// In standalone mode Run() is Acquire() + `fn` on the one pool: no parsing
// of replies, no extra work.
// Thread-safe. Leases handed to `fn` must not outlive the call.
#ifndef BACKPLAN_LIBS_STORE_REDIS_ROUTER_H_
#define BACKPLAN_LIBS_STORE_REDIS_ROUTER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "libs/store/cluster_slots.h"
#include "libs/store/redis_pool.h"

namespace backplan {

// Parses "host:port,host:port,..." (the --redis_cluster form) into nodes;
// INVALID_ARGUMENT naming the bad entry. At most kMaxClusterSeeds.
inline constexpr int kMaxClusterSeeds = 64;
absl::StatusOr<std::vector<cluster::NodeAddress>> ParseClusterSeeds(
    absl::string_view seeds);

class RedisRouter {
 public:
  // Attempts per call, redirections and TRYAGAIN/CLUSTERDOWN waits included.
  static constexpr int kMaxAttempts = 8;
  // Distinct node pools kept at most (MOVED can name nodes not in the map).
  static constexpr int kMaxNodes = 256;

  // Sends the command(s) for a key on `lease`. `asking` true: the node is
  // the target of an ASK redirection, so `fn` must send `ASKING` right
  // before each command for the key (Redis forgets it after one command);
  // SendFor() does that.
  using Fn = absl::FunctionRef<absl::StatusOr<RedisReplyPtr>(
      RedisPool::Lease& lease, bool asking)>;

  // Sends `args` on `lease`, preceded by ASKING when `asking`.
  static absl::StatusOr<RedisReplyPtr> SendFor(
      RedisPool::Lease& lease, bool asking,
      absl::Span<const absl::string_view> args);

  // Cluster mode when options.cluster_seeds is not empty (it must parse:
  // see ParseClusterSeeds; an unparsable list leaves no seeds, so every
  // call is UNAVAILABLE naming it).
  explicit RedisRouter(const RedisOptions& options);
  RedisRouter(const RedisRouter&) = delete;
  RedisRouter& operator=(const RedisRouter&) = delete;
  ~RedisRouter();

  bool cluster() const { return cluster_; }
  const RedisOptions& options() const { return options_; }

  // Runs `fn` on a connection to the node serving `key`, following cluster
  // redirections (above) by calling `fn` again: `fn` must send exactly the
  // command(s) for `key` and return the reply of the last, so a MOVED/ASK
  // error reply is seen here.
  absl::StatusOr<RedisReplyPtr> Run(absl::string_view key, Fn fn);
  // Run() of one command.
  absl::StatusOr<RedisReplyPtr> Command(
      absl::string_view key, absl::Span<const absl::string_view> args);
  absl::StatusOr<RedisReplyPtr> Command(
      absl::string_view key, std::initializer_list<absl::string_view> args) {
    return Command(key, absl::MakeConstSpan(args.begin(), args.size()));
  }

  // Sends `commands[i]` (for key `keys[i]`) with one round trip per node
  // involved and returns the replies in order; a reply may be an error
  // reply. In cluster mode a redirected command is re-sent alone through
  // Command(). Small read-style commands only, as RedisPool::Lease::Pipeline.
  absl::StatusOr<std::vector<RedisReplyPtr>> Pipeline(
      absl::Span<const absl::string_view> keys,
      absl::Span<const std::vector<absl::string_view>> commands);

  // The pools of every master (the one pool when standalone), loading the
  // map first when needed. Valid for the router's lifetime.
  absl::StatusOr<std::vector<RedisPool*>> Masters();

  // Reloads the slot map now (cluster mode; no-op standalone).
  absl::Status Refresh();

 private:
  // The pool for host:port, made on first use.
  absl::StatusOr<RedisPool*> PoolFor(const cluster::NodeAddress& node);
  // The master pool for `slot`, loading the map when none is known.
  absl::StatusOr<RedisPool*> PoolForSlot(int slot);
  // Refresh() unless another thread refreshed since `generation`.
  void RefreshIfStale(uint64_t generation);
  absl::StatusOr<RedisReplyPtr> RunCluster(absl::string_view key, Fn fn);

  const RedisOptions options_;
  const bool cluster_;
  std::unique_ptr<RedisPool> single_;  // Standalone mode only.

  std::vector<cluster::NodeAddress> seeds_;  // Cluster mode; const.
  absl::Status seeds_status_;                // Why seeds_ is empty.
  std::mutex refresh_mu_;                    // Serializes Refresh().
  std::mutex mu_;
  std::shared_ptr<const cluster::SlotMap> map_;              // Guarded by mu_.
  uint64_t generation_ = 0;                                  // Guarded by mu_.
  std::map<std::string, std::unique_ptr<RedisPool>> pools_;  // Guarded by mu_.
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_REDIS_ROUTER_H_

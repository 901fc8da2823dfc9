// RedisPool: a fixed-size pool of blocking hiredis connections to one Redis
// server, with timeouts and lazy reconnects. Used by RedisPlanStore; tests
// also use it to send raw commands (SCRIPT FLUSH, TYPE ...).
//
//   RedisPool pool(RedisOptions{.host = "127.0.0.1", .port = 6379});
//   ASSIGN_OR_RETURN(RedisPool::Lease lease, pool.Acquire());
//   ASSIGN_OR_RETURN(RedisReplyPtr reply, lease.Command({"PING"}));
//
// Contract:
//   - Construction never connects; connections are made on demand by
//     Acquire(), so a service starts while Redis is down.
//   - Acquire() waits at most `acquire_timeout` for a free connection and
//     returns UNAVAILABLE when none frees up, or when connecting (TCP connect
//     bounded by `connect_timeout`, then AUTH when a password is set) fails.
//   - An idle connection is checked before it is handed out (a connection
//     the server closed, e.g. after a restart, is readable at EOF) and
//     replaced when dead.
//   - Every command is bounded by `command_timeout` (socket timeouts) plus
//     `timeout_per_mib` for each MiB it sends (CommandTimeout()), so a large
//     write, which Redis takes longer to parse, copy and log, is not cut off
//     by the timeout meant for small ones. The timeout applies to each wait
//     for the socket, so a large reply that keeps arriving is never cut.
//   - Outcome codes: UNAVAILABLE only when the command certainly did not run
//     (no connection, refused while sending, a server-state error reply);
//     DEADLINE_EXCEEDED when it was sent and no reply came (timeout or the
//     connection dropped): it may have run, and only an idempotent retry is
//     safe.
//   - An `OOM command not allowed` reply (maxmemory reached with the
//     noeviction policy; Redis refuses a write before doing anything) is
//     RESOURCE_EXHAUSTED naming it; the connection stays usable.
//   - A connection is discarded after any I/O or protocol error, a timeout,
//     or an error reply that speaks about the server or the connection rather
//     than the command (NOAUTH, WRONGPASS, LOADING, MASTERDOWN, BUSY,
//     READONLY); its slot reconnects lazily on a later Acquire(). Other error
//     replies (e.g. NOSCRIPT, WRONGTYPE) leave the connection in a good state
//     and are returned to the caller as replies.
//   - SIGPIPE: hiredis writes with write(2), so a write to a connection the
//     server closed would raise SIGPIPE. The first RedisPool constructed sets
//     SIGPIPE to SIG_IGN if it is still SIG_DFL.
// Thread-safe. A Lease is used by one thread at a time and must be returned
// (destroyed) before the pool is.
//
// Only this file's .cc, redis_plan_store*.cc, redis_reply.cc and
// redis_event_hub.cc include <hiredis/hiredis.h>;
// here hiredis types are only forward-declared.
#ifndef BACKPLAN_LIBS_STORE_REDIS_POOL_H_
#define BACKPLAN_LIBS_STORE_REDIS_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "libs/store/store_metrics.h"

struct redisContext;
struct redisReply;

namespace backplan {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // Empty: no AUTH.
  int pool_size = 8;     // Connections at most; >= 1.
  absl::Duration connect_timeout = absl::Milliseconds(500);
  absl::Duration command_timeout = absl::Seconds(2);
  // Added to command_timeout per MiB a command sends (see CommandTimeout).
  absl::Duration timeout_per_mib = absl::Milliseconds(100);
  // Longest wait for a free connection when all are leased.
  absl::Duration acquire_timeout = absl::Seconds(1);
  // RedisPlanStore only: the longest a single ReadEvents waits (XREAD
  // BLOCK); longer waits are cut to this and return no events.
  absl::Duration max_event_wait = absl::Seconds(30);
  // RedisPlanStore only: per-tenant quotas, checked by the write scripts
  // (see redis_plan_store.h). Stored plans, and bytes of stored plan, stage
  // and book data.
  int64_t max_plans_per_tenant = 10000;
  int64_t max_stored_bytes_per_tenant = int64_t{1} << 30;
  // Told about every command and lease when set (not owned).
  RedisObserver* observer = nullptr;
  // RedisPlanStore only: "host:port,..." seeds of a Redis Cluster; when set,
  // host and port are ignored and commands are routed by slot
  // (redis_router.h).
  std::string cluster_seeds;
  // RedisPlanStore only: after each write, `WAIT wait_replicas
  // wait_timeout` before acknowledging it; fewer replicas in time is
  // DEADLINE_EXCEEDED (the write may or may not survive a failover). 0: off.
  int wait_replicas = 0;
  absl::Duration wait_timeout = absl::Milliseconds(500);
};

// The socket timeout for a command that sends `payload_bytes` bytes of
// arguments: command_timeout + timeout_per_mib * payload_bytes / 2^20.
absl::Duration CommandTimeout(const RedisOptions& options,
                              size_t payload_bytes);

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const;
};
// A reply owned by the caller; never null when returned in an OK StatusOr.
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

class RedisPool {
 public:
  // A connection leased from the pool, returned to it on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    // Sends one command (binary-safe arguments) and returns its reply, which
    // may be an error reply the caller has to inspect. UNAVAILABLE when it
    // was not sent or a server-state error reply refused it;
    // RESOURCE_EXHAUSTED when Redis refused it for want of memory (OOM);
    // DEADLINE_EXCEEDED when it was sent but no reply came. Either way the
    // connection is then discarded and later calls on this lease return
    // UNAVAILABLE.
    absl::StatusOr<RedisReplyPtr> Command(
        absl::Span<const absl::string_view> args);
    absl::StatusOr<RedisReplyPtr> Command(
        std::initializer_list<absl::string_view> args) {
      return Command(absl::MakeConstSpan(args.begin(), args.size()));
    }
    // As Command(), with the socket timeout set to `timeout` for this one
    // command (blocking reads such as XREAD BLOCK) instead of
    // CommandTimeout().
    absl::StatusOr<RedisReplyPtr> CommandWithTimeout(
        absl::Span<const absl::string_view> args, absl::Duration timeout);

    // Sends `commands` in one write and reads their replies in order: one
    // round trip for all. For small read commands (no large payloads); a
    // reply may be an error reply. UNAVAILABLE when they were not all sent,
    // DEADLINE_EXCEEDED when a reply did not come (the connection is then
    // discarded, as with Command()).
    absl::StatusOr<std::vector<RedisReplyPtr>> Pipeline(
        absl::Span<const std::vector<absl::string_view>> commands);

    // Closes the connection instead of returning it to the pool.
    void Discard();

   private:
    absl::StatusOr<RedisReplyPtr> Send(
        absl::Span<const absl::string_view> args);
    // Command() without telling RedisOptions::observer.
    absl::StatusOr<RedisReplyPtr> UnobservedCommand(
        absl::Span<const absl::string_view> args);

    friend class RedisPool;
    Lease(RedisPool* pool, redisContext* context)
        : pool_(pool), context_(context) {}

    RedisPool* pool_;        // Null once moved from.
    redisContext* context_;  // Null once discarded.
  };

  explicit RedisPool(RedisOptions options);
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;
  ~RedisPool();

  // A healthy connection, connecting if needed. UNAVAILABLE when none is
  // free within acquire_timeout or Redis cannot be reached.
  absl::StatusOr<Lease> Acquire();

  const RedisOptions& options() const { return options_; }

 private:
  // Acquire() without telling RedisOptions::observer.
  absl::StatusOr<Lease> UnobservedAcquire();
  // Gives a leased slot back; `context` null when it was discarded.
  void Release(redisContext* context);
  absl::StatusOr<redisContext*> Connect();

  const RedisOptions options_;
  std::mutex mu_;
  std::condition_variable slot_freed_;  // Signalled by Release(); uses mu_.
  std::vector<redisContext*> idle_;     // Guarded by mu_.
  int leased_ = 0;                      // Guarded by mu_.
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_REDIS_POOL_H_

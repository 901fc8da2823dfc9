// RedisPlanStore: the production PlanStore, on a standalone Redis (>= 6.2).
//
//   std::unique_ptr<PlanStore> store = NewRedisPlanStore(
//       RedisOptions{.host = "redis", .port = 6379, .password = secret});
//   // Never fails: connections are made lazily. While Redis is down every
//   // call returns UNAVAILABLE quickly, and recovers by itself after.
//
// Key schema (docs/DESIGN.md, "Shared state in Redis"):
//   bp:{<tenant>/<plan-id>}:plan        hash  version, data, summary,
//                                       updated (server time of the write,
//                                       microseconds since the epoch)
//   bp:{<tenant>/<plan-id>}:priorities  hash  plan_version, data
//   bp:{<tenant>/<plan-id>}:schedule    hash  plan_version, data, summary
//   bp:{<tenant>/<plan-id>}:simulation  hash  plan_version, data
//   bp:{<tenant>/<plan-id>}:events      stream (MAXLEN ~ 1000) of
//                                       type, plan_version, request_id
//   bp:{<tenant>/book/<name>}           hash  version, data
//   bp:{<tenant>}:plans                 sorted set (all scores 0) of plan ids,
//                                       the listing index (ZRANGEBYLEX)
//   bp:{<tenant>}:books                 sorted set of book names, likewise
//   bp:{<tenant>}:usage                 hash  plans, bytes: the tenant's
//                                       quota counters (below)
//   bp:{<tenant>/<plan-id>}:idem:<method>:<key>
//   bp:{<tenant>/book/<name>}:idem:<method>:<key>
//                                       hash  hash, response; expires after
//                                       the record's ttl (PEXPIRE)
//   bp:changes                          stream (MAXLEN ~ 10000), best effort:
//                                       plan ("<tenant>/<plan-id>"), type,
//                                       plan_version
//
// Every write is one Lua script (EVALSHA, falling back to EVAL on NOSCRIPT,
// so SCRIPT FLUSH, restarts and cluster nodes that never saw it are
// survived) that checks the version, writes and appends the plan's event,
// atomically, touching the keys of one hash tag only (one Redis Cluster
// slot); a plan write stores its summary, schema version and Redis TIME in
// the same step. Right after it the store updates the tenant's index and
// usage counters (kScriptTenantUsage, in the tenant's slot) and appends to
// bp:changes, in one pipelined round trip on a standalone Redis. If that
// second step fails (the process dies, Redis goes away) the write stands
// and the index is repaired: ListPlans/ListBooks drop (and remove) ids whose
// object is gone, and RepairTenant() re-adds missing ones and recounts the
// usage (docs/ARCHITECTURE.md, "Redis Cluster: single-slot scripts").
// ListPlans reads the page's ids from the index, then the page's summaries
// with one pipelined round trip per node of single-key HMGETs. GetPlan
// reads the four parts in one script. ReadEvents checks the plan exists
// and XREADs without blocking on a pool connection; when it must wait
// (capped at max_event_wait) it waits on the store's RedisEventHub, one
// extra connection shared by all waiting reads, and reads again through the
// pool when the hub sees an entry: a waiting read holds no pool connection.
// On a Redis Cluster (no multi-slot XREAD) a waiting read polls every
// kClusterEventPollMs instead.
//
// Quotas (RedisOptions::max_plans_per_tenant, max_stored_bytes_per_tenant):
// a write that would store a tenant's plan number max_plans_per_tenant + 1,
// or take the bytes of its stored plan, stage and book data past
// max_stored_bytes_per_tenant, is refused with RESOURCE_EXHAUSTED naming the
// quota, and writes nothing. A write that does not grow the data is never
// refused, and deletes always work. Precision: check-then-write. The write
// reads the tenant's counters, and its script checks against them, so
// writes of one tenant running at once may together overshoot a quota by
// what they add at once (with N concurrent creates, at most N - 1 plans
// over max_plans_per_tenant); sequential writes are exact for what is
// counted (the data bytes; not keys, events, idempotency records or Redis
// overhead, which add roughly 1 KiB and up to 1,000 events per plan).
// Plans stored before the counters existed are not counted (the counters
// never go below 0) until RepairTenant() recounts them.
//
// Schema: plan and book hashes carry `schema` (store_internal::
// kSchemaVersion); an object written by a newer version is refused with
// FAILED_PRECONDITION naming it (reads and writes), so an older replica in
// a rolling upgrade never misreads it. No field means version 1.
//
// Durability (RedisOptions::wait_replicas > 0): each write script is
// followed, on the same connection, by WAIT wait_replicas wait_timeout;
// fewer replicas acknowledging in time is DEADLINE_EXCEEDED (the write may
// or may not survive a failover; retry with the idempotency record).
//
// Out of memory: when Redis refuses a write with OOM (maxmemory reached,
// noeviction), the write returns RESOURCE_EXHAUSTED and Ping() does too,
// so the `backplan.store` health entry goes NOT_SERVING; Ping() then probes
// with a tiny expiring write (bp:health:oom-probe) and is OK again as soon as
// Redis accepts writes, as is any successful write.
//
// Error codes follow plan_store.h; additionally UNAVAILABLE when Redis is
// unreachable, refuses AUTH, or no pool connection frees up (the call did
// nothing), DEADLINE_EXCEEDED when a command was sent but not answered in
// time (a write may have happened: retry it with its idempotency record;
// the wait grows with the bytes sent, RedisOptions::timeout_per_mib),
// RESOURCE_EXHAUSTED for a quota or a Redis out of memory, and INTERNAL when
// Redis answers something unexpected.
#ifndef BACKPLAN_LIBS_STORE_REDIS_PLAN_STORE_H_
#define BACKPLAN_LIBS_STORE_REDIS_PLAN_STORE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "libs/store/plan_store.h"
#include "libs/store/redis_event_hub.h"
#include "libs/store/redis_pool.h"
#include "libs/store/redis_router.h"
#include "libs/store/redis_scripts.h"

namespace backplan {

// Makes a RedisPlanStore (on a Redis Cluster when options.cluster_seeds is
// set); never connects, never fails.
std::unique_ptr<PlanStore> NewRedisPlanStore(const RedisOptions& options);

class RedisPlanStore : public PlanStore {
 public:
  explicit RedisPlanStore(const RedisOptions& options);
  RedisPlanStore(const RedisPlanStore&) = delete;
  RedisPlanStore& operator=(const RedisPlanStore&) = delete;
  ~RedisPlanStore() override;

  absl::StatusOr<StoredPlan> GetPlan(absl::string_view tenant,
                                     absl::string_view plan_id) override;
  // One script; digests are SHA-1 hex computed by Redis (redis.sha1hex).
  absl::StatusOr<StoredPlan> GetPlanParts(
      absl::string_view tenant, absl::string_view plan_id,
      const PlanReadOptions& options) override;
  absl::StatusOr<int64_t> PutPlan(absl::string_view tenant,
                                  absl::string_view plan_id,
                                  int64_t expected_version, std::string data,
                                  const EventInfo& event) override;
  absl::Status PutStage(absl::string_view tenant, absl::string_view plan_id,
                        StagePart part, int64_t plan_version, std::string data,
                        const EventInfo& event) override;
  absl::StatusOr<PlanPage> ListPlans(absl::string_view tenant, int page_size,
                                     absl::string_view page_token) override;
  absl::Status DeletePlan(absl::string_view tenant,
                          absl::string_view plan_id) override;
  absl::StatusOr<std::vector<PlanEvent>> ReadEvents(
      absl::string_view tenant, absl::string_view plan_id,
      absl::string_view after_id, int max_count, absl::Duration wait) override;
  absl::StatusOr<int64_t> PutBook(absl::string_view tenant,
                                  absl::string_view name,
                                  int64_t expected_version,
                                  std::string data) override;
  absl::StatusOr<StoredBook> GetBook(absl::string_view tenant,
                                     absl::string_view name) override;
  absl::StatusOr<BookPage> ListBooks(absl::string_view tenant, int page_size,
                                     absl::string_view page_token) override;
  absl::Status DeleteBook(absl::string_view tenant,
                          absl::string_view name) override;
  absl::Status Ping() override;
  absl::StatusOr<OnceResult> PutPlanOnce(
      absl::string_view tenant, absl::string_view plan_id,
      int64_t expected_version, std::string data, const EventInfo& event,
      const IdempotencyRecord& record) override;
  absl::StatusOr<OnceResult> PutStageOnce(
      absl::string_view tenant, absl::string_view plan_id, StagePart part,
      int64_t plan_version, std::string data, const EventInfo& event,
      const IdempotencyRecord& record) override;
  absl::StatusOr<OnceResult> PutBookOnce(
      absl::string_view tenant, absl::string_view name,
      int64_t expected_version, std::string data,
      const IdempotencyRecord& record) override;
  absl::StatusOr<std::optional<RecordedResponse>> GetRecord(
      absl::string_view tenant, RecordOwner owner, absl::string_view id,
      absl::string_view method, absl::string_view key) override;

  // Key names, exposed for tests and operational tools.
  static std::string PlanKey(absl::string_view tenant,
                             absl::string_view plan_id,
                             absl::string_view part);  // "plan", "events"...
  static std::string BookKey(absl::string_view tenant, absl::string_view name);
  static std::string PlanIndexKey(absl::string_view tenant);
  static std::string BookIndexKey(absl::string_view tenant);
  static std::string UsageKey(absl::string_view tenant);
  // An idempotency record: the owner's hash tag, then ":idem:<method>:<key>".
  static std::string RecordKey(absl::string_view tenant, RecordOwner owner,
                               absl::string_view id, absl::string_view method,
                               absl::string_view key);
  static constexpr absl::string_view kChangesKey = "bp:changes";
  static constexpr absl::string_view kChangesMaxLen = "10000";  // ~ trimmed.
  static constexpr int kClusterEventPollMs = 100;

  // What RepairTenant() found and fixed.
  struct RepairReport {
    int64_t plans = 0;          // Plans stored (found by SCAN).
    int64_t books = 0;          // Books stored.
    int64_t index_added = 0;    // Ids missing from the indexes, added.
    int64_t index_removed = 0;  // Ids of objects gone, removed.
    int64_t bytes = 0;          // Data bytes stored, the new counter.
  };
  // Makes the tenant's plan and book indexes and usage counters match what
  // is stored: SCANs every master for the tenant's plan and book hashes
  // (COUNT 1000 per step), adds missing ids, removes ids of objects gone,
  // and sets the usage counters to the counts and bytes found. Costs a scan
  // of the whole keyspace; meant for an operator or a periodic pass, not
  // per request. Writes running meanwhile may leave the counters off by
  // what they wrote (a later pass corrects them).
  absl::StatusOr<RepairReport> RepairTenant(absl::string_view tenant);

 private:
  // A RedisScript, or store_internal::Standalone() of one.
  using ScriptId = int;

  // Runs a script by EVALSHA (loading it first when its SHA is not known
  // yet), falling back to EVAL when Redis answers NOSCRIPT.
  // Routed by keys[0]. `write`: a write, followed by WAIT when
  // RedisOptions::wait_replicas is set (DEADLINE_EXCEEDED when too few
  // replicas acknowledge in time).
  absl::StatusOr<RedisReplyPtr> RunScript(
      ScriptId script, absl::Span<const std::string> keys,
      absl::Span<const absl::string_view> args, bool write = false);
  // The SHA-1 of `script`, loading it through `lease` the first time.
  absl::StatusOr<std::string> ScriptSha(ScriptId script,
                                        RedisPool::Lease& lease);
  // The tenant's usage counters {plans, bytes} (0 when absent), read for a
  // write of `write_bytes` (with that write's command timeout).
  absl::StatusOr<std::array<int64_t, 2>> ReadUsage(absl::string_view tenant,
                                                   size_t write_bytes);
  // After a write script: adjusts the tenant's index and counters by the
  // script's deltas and, for a plan (`change_type` not empty), appends to
  // bp:changes. Best effort: errors are ignored (repaired later).
  void AfterWrite(absl::string_view tenant, bool book, absl::string_view id,
                  const redisReply* reply, absl::string_view change_type);
  // Runs a write: the plain script `plain` without a record; with one, its
  // idempotent form `once` with `keys` and `args` of the plain script, then
  // the record's key and its hash, response and ttl. Applies `effects`: on
  // a standalone Redis by the Standalone() form of the script (one round
  // trip, exact quotas); on a cluster by ReadUsage() before and AfterWrite()
  // after. Returns the reply to parse as usual, or (idempotent form only)
  // sets `*replay`.
  // What a write does to its tenant beyond its own slot: index entry `id`
  // (a book's when `book`), a bp:changes entry of `change_type` (none when
  // empty), and usage counters the script checks, at ARGV positions
  // `plans_pos` and `bytes_pos` (1-based; 0: not read).
  struct TenantWrite {
    absl::string_view tenant;
    bool book = false;
    absl::string_view id;
    absl::string_view change_type;
    int plans_pos = 0;
    int bytes_pos = 0;
    size_t bytes = 0;  // Bytes the write sends (for the usage read timeout).
  };
  absl::StatusOr<RedisReplyPtr> RunWrite(ScriptId plain, ScriptId once,
                                         std::vector<std::string> keys,
                                         std::vector<absl::string_view> args,
                                         absl::string_view record_key,
                                         const IdempotencyRecord* record,
                                         std::optional<OnceResult>* replay,
                                         const TenantWrite& effects);
  // The bodies of PutPlan/PutPlanOnce, PutStage/PutStageOnce and
  // PutBook/PutBookOnce; `record` may be null (a plain write).
  absl::StatusOr<OnceResult> WritePlan(absl::string_view tenant,
                                       absl::string_view plan_id,
                                       int64_t expected_version,
                                       absl::string_view data,
                                       const EventInfo& event,
                                       const IdempotencyRecord* record);
  absl::StatusOr<OnceResult> WriteStage(absl::string_view tenant,
                                        absl::string_view plan_id,
                                        StagePart part, int64_t plan_version,
                                        absl::string_view data,
                                        const EventInfo& event,
                                        const IdempotencyRecord* record);
  absl::StatusOr<OnceResult> WriteBook(absl::string_view tenant,
                                       absl::string_view name,
                                       int64_t expected_version,
                                       absl::string_view data,
                                       const IdempotencyRecord* record);

  // Removes `ids` (of plans found gone) from the tenant's plan index; best
  // effort.
  void DropFromIndex(absl::string_view tenant,
                     const std::vector<std::string>& ids);
  // RepairTenant() for one index: makes the sorted set `index_key` hold
  // exactly `ids`; adds to `*report`.
  absl::Status RepairIndex(const std::string& index_key,
                           const std::vector<std::string>& ids,
                           RepairReport* report);

  // Maps a write script's QUOTA_* outcome to RESOURCE_EXHAUSTED.
  absl::Status QuotaError(absl::string_view tenant, absl::string_view outcome,
                          int64_t stored, size_t bytes) const;
  // Records whether the last write attempt found Redis out of memory.
  void NoteWrite(const absl::Status& status);

  std::unique_ptr<RedisRouter> router_;
  std::unique_ptr<RedisEventHub> hub_;  // Null on a Redis Cluster.
  std::atomic<bool> out_of_memory_{false};
  std::mutex sha_mu_;
  std::array<std::string, store_internal::kNumScriptTexts>
      sha_;  // Guarded by sha_mu_.
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_REDIS_PLAN_STORE_H_

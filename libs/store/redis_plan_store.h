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
// so SCRIPT FLUSH and restarts are survived) that checks the version,
// writes, maintains the index and appends the events, atomically; a plan
// write stores its summary and Redis TIME in the same step. ListPlans reads
// the page's ids from the index, then the page's summaries with one
// pipelined round trip of single-key HMGETs (each in its plan's slot). GetPlan
// reads the four parts in one script. ReadEvents checks the plan exists
// and XREADs without blocking on a pool connection; when it must wait
// (capped at max_event_wait) it waits on the store's RedisEventHub, one
// extra connection shared by all waiting reads, and reads again through the
// pool when the hub sees an entry: a waiting read holds no pool connection.
//
// Quotas (RedisOptions::max_plans_per_tenant, max_stored_bytes_per_tenant):
// a write that would store a tenant's plan number max_plans_per_tenant + 1,
// or take the bytes of its stored plan, stage and book data past
// max_stored_bytes_per_tenant, is refused with RESOURCE_EXHAUSTED naming the
// quota, and writes nothing. A write that does not grow the data is never
// refused, and deletes always work. Precision: the counters are updated in
// the write's own script, so on a standalone Redis enforcement is exact for
// what is counted (the data bytes; not keys, events, idempotency records
// or Redis overhead, which add roughly 1 KiB and up to 1,000 events per
// plan). Plans stored before the counters existed are not counted (the
// counters never go below 0). When issue 28 moves the tenant index (and
// these counters, kept beside it in the tenant's slot) out of the scripts
// for Redis Cluster, the check becomes check-then-write: concurrent writes
// of one tenant may overshoot a quota by what they write at once.
//
// Out of memory: when Redis refuses a write with OOM (maxmemory reached,
// noeviction), the write returns RESOURCE_EXHAUSTED and Ping() does too,
// so the `backplan.store` health entry goes NOT_SERVING; Ping() then probes
// with a tiny expiring write (bp:health:oom-probe) and is OK again as soon as
// Redis accepts writes, as is any successful write.
//
// Cluster caveat: the per-plan keys share a hash tag, but the scripts also
// touch the tenant index, the usage counters and bp:changes, which live in
// other slots. That is fine on the standalone Redis Backplan runs; a Redis
// Cluster deployment would need the index and change stream moved out of the
// write scripts (the listing already reads only one slot per command).
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
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "libs/store/plan_store.h"
#include "libs/store/redis_event_hub.h"
#include "libs/store/redis_pool.h"
#include "libs/store/redis_scripts.h"

namespace backplan {

// Makes a RedisPlanStore; never connects, never fails.
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

 private:
  using ScriptId = store_internal::RedisScript;

  // Runs a script by EVALSHA (loading it first when its SHA is not known
  // yet), falling back to EVAL when Redis answers NOSCRIPT.
  absl::StatusOr<RedisReplyPtr> RunScript(
      ScriptId script, std::initializer_list<absl::string_view> keys,
      std::initializer_list<absl::string_view> args);
  absl::StatusOr<RedisReplyPtr> RunScript(
      ScriptId script, absl::Span<const absl::string_view> keys,
      absl::Span<const absl::string_view> args);
  // Runs a write: the plain script `plain` without a record; with one, its
  // idempotent form `once` with `keys` and `args` of the plain script, then
  // the record's key and its hash, response and ttl. Returns the reply to
  // parse as usual, or (idempotent form only) sets `*replay`.
  absl::StatusOr<RedisReplyPtr> RunWrite(ScriptId plain, ScriptId once,
                                         std::vector<absl::string_view> keys,
                                         std::vector<absl::string_view> args,
                                         absl::string_view record_key,
                                         const IdempotencyRecord* record,
                                         std::optional<OnceResult>* replay);
  // The bodies of PutPlan/PutPlanOnce, PutStage/PutStageOnce and
  // PutBook/PutBookOnce; `record` may be null (a plain write).
  absl::StatusOr<OnceResult> WritePlan(absl::string_view tenant,
                                       absl::string_view plan_id,
                                       int64_t expected_version,
                                       std::string data, const EventInfo& event,
                                       const IdempotencyRecord* record);
  absl::StatusOr<OnceResult> WriteStage(absl::string_view tenant,
                                        absl::string_view plan_id,
                                        StagePart part, int64_t plan_version,
                                        std::string data,
                                        const EventInfo& event,
                                        const IdempotencyRecord* record);
  absl::StatusOr<OnceResult> WriteBook(absl::string_view tenant,
                                       absl::string_view name,
                                       int64_t expected_version,
                                       std::string data,
                                       const IdempotencyRecord* record);

  // Maps a write script's QUOTA_* outcome to RESOURCE_EXHAUSTED.
  absl::Status QuotaError(absl::string_view tenant, absl::string_view outcome,
                          int64_t stored, size_t bytes) const;
  // Records whether the last write attempt found Redis out of memory.
  void NoteWrite(const absl::Status& status);

  std::unique_ptr<RedisPool> pool_;
  std::unique_ptr<RedisEventHub> hub_;
  std::atomic<bool> out_of_memory_{false};
  std::mutex sha_mu_;
  std::array<std::string, store_internal::kNumRedisScripts>
      sha_;  // Guarded by sha_mu_.
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_REDIS_PLAN_STORE_H_

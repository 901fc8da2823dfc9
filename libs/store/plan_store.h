// PlanStore: the narrow, domain-shaped interface to Backplan's shared state.
//
// A stored plan has three parts, each an opaque byte string (serialized
// protobuf, chosen by the caller) and each owned by one service:
//   - the plan itself, with a version that only plan edits bump;
//   - its priorities and its schedule ("stages"), each recording the plan
//     version it was computed from.
// Every write checks a version, writes, and appends an event to the plan's
// own event stream in one atomic step: nothing is half-written.
//
// Implementations: RedisPlanStore (redis_plan_store.h) for production and
// integration tests; InMemoryPlanStore (in_memory_plan_store.h) only for unit
// tests of service classes. One contract test suite runs against both.
//
// Errors: NOT_FOUND for a missing plan or book; ABORTED when a version check
// fails (the caller must re-read and redo its change); UNAVAILABLE when the
// backing store cannot be reached and nothing happened (the same call may be
// retried); DEADLINE_EXCEEDED when a write may or may not have happened (a
// retry carrying the same idempotency record settles it);
// INVALID_ARGUMENT for a malformed tenant, id or name, naming the field.
//
// Names: a tenant, plan id or book name is 1..128 bytes with no '{', '}',
// whitespace or control characters (they become part of Redis keys); a
// tenant also has no '/'. Limits: a page holds at most 1000 entries and a
// ReadEvents call returns at most 1000 events, whatever larger size is asked
// for; a plan keeps about its last 1000 events. Deleting a plan deletes its
// events too.
// All methods are thread-safe.
//
// Idempotent writes (PutPlanOnce, PutStageOnce, PutBookOnce): a write may
// carry an IdempotencyRecord, the response to give a retry of the same
// request. It is stored in the same atomic step as the write, next to the
// object written (a plan's record lives with the plan, a book's with the
// book: one Redis Cluster slot), and kept for record.ttl. While a record for
// (tenant, object, method, key) exists, a write carrying the same method and
// key writes nothing and returns that record instead (a "replay"), whatever
// its versions say; the caller compares request hashes and answers from it.
// Only successful writes leave a record: a refused write (ABORTED, NOT_FOUND)
// stores none, so its retry is refused again for the same reason.
#ifndef BACKPLAN_LIBS_STORE_PLAN_STORE_H_
#define BACKPLAN_LIBS_STORE_PLAN_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace backplan {

// A result computed by a later stage from a given plan version.
enum class StagePart { kPriorities, kSchedule, kSimulation };

// "priorities", "schedule" or "simulation": the key suffix and the name in
// messages.
absl::string_view StagePartName(StagePart part);

struct StoredStage {
  std::string data;
  int64_t plan_version = 0;  // Version of the plan it was computed from.
  // GetPlanParts only: identifies `data` and the version (equal digests,
  // equal bytes and versions); empty when the store computes none. `unchanged`:
  // the digest equals the one the caller gave as known, and `data` was left
  // empty rather than sent.
  std::string digest;
  bool unchanged = false;
};

struct StoredPlan {
  std::string data;
  int64_t version = 0;     // >= 1 once stored.
  std::string digest;      // As StoredStage::digest, for the plan's data.
  bool unchanged = false;  // As StoredStage::unchanged.
  std::optional<StoredStage> priorities;
  std::optional<StoredStage> schedule;
  std::optional<StoredStage> simulation;  // Monte Carlo results.
};

// What GetPlanParts reads: the plan always, the stages asked for. A caller
// that keeps parsed forms of what it read (a cache) passes the digests it
// holds, and data that still has that digest is not sent again.
struct PlanReadOptions {
  bool priorities = false;
  bool schedule = false;
  bool simulation = false;
  // Set StoredPlan::digest and, for priorities, StoredStage::digest.
  bool digests = false;
  // Digests the caller already holds ("" = none); implies `digests`.
  std::string known_plan_digest;
  std::string known_priorities_digest;
};

// What a write records besides its data: the event appended to the plan's
// stream and the listing summary kept with the part written.
struct EventInfo {
  std::string type;        // e.g. "plan.created", "schedule.updated".
  std::string request_id;  // The request that caused it.
  std::string caller;      // Authenticated caller's name; empty without auth.
  // Opaque bytes (at most kMaxSummaryBytes) that ListPlans returns without
  // reading the data: PutPlan/PutPlanOnce keep it as PlanSummary::summary,
  // PutStage/PutStageOnce of kSchedule as PlanSummary::schedule_summary (other
  // stages ignore it). Stored in the same atomic step as the write; an empty
  // summary replaces the stored one (it described the old data).
  std::string summary;
};

// The largest EventInfo::summary; larger is INVALID_ARGUMENT naming
// "summary".
inline constexpr size_t kMaxSummaryBytes = 4096;

// One entry of a plan's event stream.
struct PlanEvent {
  std::string id;  // Stream position, e.g. "1700000000000-0"; increasing.
  std::string type;
  int64_t plan_version = 0;  // Plan version after (or used by) the write.
  std::string request_id;
  std::string caller;
};

// One plan of a listing, read from what the writes kept (never from the
// plan's data): the summary the last plan write carried, the server time of
// that write, and the summary the latest schedule write carried. Plans
// written before summaries existed list with these fields empty.
struct PlanSummary {
  std::string plan_id;
  int64_t version = 0;
  std::string summary;  // EventInfo::summary of the last plan write.
  // Server time of the last plan write (PutPlan/PutPlanOnce; stage writes do
  // not count); absl::InfinitePast() when not recorded.
  absl::Time updated_at = absl::InfinitePast();
  // EventInfo::summary of the latest schedule write and the plan version
  // that schedule was computed from (0: no schedule stored).
  std::string schedule_summary;
  int64_t schedule_plan_version = 0;
};

// One page of a listing, in ascending id order. An empty next_page_token
// means there is nothing more.
struct PlanPage {
  std::vector<PlanSummary> plans;
  std::string next_page_token;
};

struct StoredBook {
  std::string data;
  int64_t version = 0;
};

struct BookPage {
  std::vector<std::string> names;  // Ascending.
  std::string next_page_token;
};

// The first response to a request that carried an idempotency key.
struct IdempotencyRecord {
  std::string method;        // The RPC, e.g. "CreatePlan"; 1..64 bytes.
  std::string key;           // The caller's key; 1..128 bytes.
  std::string request_hash;  // Identifies the request (e.g. its SHA-256).
  std::string response;      // What a retry is answered with (opaque bytes).
  absl::Duration ttl = absl::Hours(24);  // How long it is kept; >= 1 ms.
};

// A stored record: the hash of the request that made it and its response.
struct RecordedResponse {
  std::string request_hash;
  std::string response;
};

// Which object a record is kept with.
enum class RecordOwner { kPlan, kBook };

// The outcome of a write carrying a record.
struct OnceResult {
  // Set when a record with the same method and key already existed: nothing
  // was written and this is what it holds.
  std::optional<RecordedResponse> replay;
  // When written: the new version (PutPlanOnce, PutBookOnce) or the plan
  // version the stage was stored for (PutStageOnce).
  int64_t version = 0;
};

class PlanStore {
 public:
  virtual ~PlanStore() = default;

  // The plan with its stages, read atomically.
  virtual absl::StatusOr<StoredPlan> GetPlan(absl::string_view tenant,
                                             absl::string_view plan_id) = 0;

  // As GetPlan, reading only the parts `options` asks for (the others are
  // nullopt) and, with digests, leaving out data the caller already holds
  // (see PlanReadOptions). The default reads everything with GetPlan and
  // computes no digests, so `unchanged` is never set.
  virtual absl::StatusOr<StoredPlan> GetPlanParts(
      absl::string_view tenant, absl::string_view plan_id,
      const PlanReadOptions& options);

  // Writes the plan if its stored version equals `expected_version` (0: the
  // plan must not exist yet) and appends `event`. Returns the new version,
  // expected_version + 1. ABORTED on a version mismatch or when creating an
  // existing plan; NOT_FOUND when updating a plan that does not exist.
  virtual absl::StatusOr<int64_t> PutPlan(absl::string_view tenant,
                                          absl::string_view plan_id,
                                          int64_t expected_version,
                                          std::string data,
                                          const EventInfo& event) = 0;

  // Writes a stage computed from `plan_version` if that is still the plan's
  // current version, and appends `event`. ABORTED when the plan moved on (the
  // result is stale and never overwrites a newer one); NOT_FOUND without plan.
  virtual absl::Status PutStage(absl::string_view tenant,
                                absl::string_view plan_id, StagePart part,
                                int64_t plan_version, std::string data,
                                const EventInfo& event) = 0;

  // Plans of `tenant` with ids after `page_token`, at most `page_size` (>= 1).
  virtual absl::StatusOr<PlanPage> ListPlans(absl::string_view tenant,
                                             int page_size,
                                             absl::string_view page_token) = 0;

  // Deletes the plan, its stages and its events. NOT_FOUND if absent.
  virtual absl::Status DeletePlan(absl::string_view tenant,
                                  absl::string_view plan_id) = 0;

  // Events of the plan after stream position `after_id` ("" or "0": from the
  // start), oldest first, at most `max_count`. When there are none yet, waits
  // up to `wait` for one (zero: no wait). NOT_FOUND if the plan does not
  // exist when the read starts.
  virtual absl::StatusOr<std::vector<PlanEvent>> ReadEvents(
      absl::string_view tenant, absl::string_view plan_id,
      absl::string_view after_id, int max_count, absl::Duration wait) = 0;

  // Recipe books, versioned like plans (expected_version 0: create).
  virtual absl::StatusOr<int64_t> PutBook(absl::string_view tenant,
                                          absl::string_view name,
                                          int64_t expected_version,
                                          std::string data) = 0;
  virtual absl::StatusOr<StoredBook> GetBook(absl::string_view tenant,
                                             absl::string_view name) = 0;
  virtual absl::StatusOr<BookPage> ListBooks(absl::string_view tenant,
                                             int page_size,
                                             absl::string_view page_token) = 0;
  virtual absl::Status DeleteBook(absl::string_view tenant,
                                  absl::string_view name) = 0;

  // OK when the backing store answers; UNAVAILABLE otherwise.
  virtual absl::Status Ping() = 0;

  // Idempotent writes: as PutPlan, PutStage and PutBook, and `record` is
  // stored with the write (see the file comment). INVALID_ARGUMENT naming
  // "idempotency_key" for a key over 128 bytes or empty; the other errors
  // are those of the plain write and leave no record.
  virtual absl::StatusOr<OnceResult> PutPlanOnce(
      absl::string_view tenant, absl::string_view plan_id,
      int64_t expected_version, std::string data, const EventInfo& event,
      const IdempotencyRecord& record) = 0;
  virtual absl::StatusOr<OnceResult> PutStageOnce(
      absl::string_view tenant, absl::string_view plan_id, StagePart part,
      int64_t plan_version, std::string data, const EventInfo& event,
      const IdempotencyRecord& record) = 0;
  virtual absl::StatusOr<OnceResult> PutBookOnce(
      absl::string_view tenant, absl::string_view name,
      int64_t expected_version, std::string data,
      const IdempotencyRecord& record) = 0;

  // The live record for (tenant, owner `id`, method, key), or nullopt when
  // there is none (never written, or older than its ttl).
  virtual absl::StatusOr<std::optional<RecordedResponse>> GetRecord(
      absl::string_view tenant, RecordOwner owner, absl::string_view id,
      absl::string_view method, absl::string_view key) = 0;
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_PLAN_STORE_H_

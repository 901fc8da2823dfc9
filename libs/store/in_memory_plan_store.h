// InMemoryPlanStore: a PlanStore kept in process memory, FOR UNIT TESTS ONLY
// (of service classes and anything else that needs a PlanStore without a
// Redis server). It follows the PlanStore contract exactly as
// RedisPlanStore does; plan_store_contract_test.cc runs the same suite
// against both.
//
//   InMemoryPlanStore store;
//   ASSIGN_OR_RETURN(int64_t v, store.PutPlan("default", "p1", 0, bytes,
//                                            {"plan.created", "req-1"}));
//
// Differences from Redis that tests must not rely on: event ids are "N-0"
// with N a per-store counter (increasing, but not a timestamp), there is no
// global change stream, and Ping() is always OK. Nothing is persisted.
// Idempotency records expire by the injected clock and are dropped lazily.
// Thread-safe; ReadEvents with a wait blocks on a condition variable and is
// woken by any write.
#ifndef BACKPLAN_LIBS_STORE_IN_MEMORY_PLAN_STORE_H_
#define BACKPLAN_LIBS_STORE_IN_MEMORY_PLAN_STORE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/store/plan_store.h"

namespace backplan {

class InMemoryPlanStore : public PlanStore {
 public:
  InMemoryPlanStore() = default;
  // `now` is the clock idempotency records expire by (absl::Now by default),
  // injected so tests can move time.
  explicit InMemoryPlanStore(std::function<absl::Time()> now)
      : now_(std::move(now)) {}
  InMemoryPlanStore(const InMemoryPlanStore&) = delete;
  InMemoryPlanStore& operator=(const InMemoryPlanStore&) = delete;

  absl::StatusOr<StoredPlan> GetPlan(absl::string_view tenant,
                                     absl::string_view plan_id) override;
  // Digests here are the version, the data size and its 64-bit absl::Hash
  // (unit tests only).
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

 private:
  struct Record {
    RecordedResponse response;
    absl::Time expires;
  };
  // Identifies a record: tenant, owner kind and id, method, key.
  using RecordId = std::tuple<std::string, RecordOwner, std::string,
                              std::string, std::string>;
  // The live record `id`, dropping it when expired. Requires once_mu_.
  const Record* FindRecord(const RecordId& id);
  // Runs `write` unless a live record `id` exists (then returns it), and
  // keeps `record` when the write succeeds; one step under once_mu_.
  template <typename WriteFn>
  absl::StatusOr<OnceResult> Once(RecordId id, const IdempotencyRecord& record,
                                  WriteFn write);

  struct Event {
    uint64_t seq = 0;  // The id is "<seq>-0".
    PlanEvent event;
  };
  struct Plan {
    std::string data;
    int64_t version = 0;
    std::optional<StoredStage> priorities;
    std::optional<StoredStage> schedule;
    std::optional<StoredStage> simulation;
    std::string summary;           // Of the last plan write.
    absl::Time updated_at;         // Of the last plan write.
    std::string schedule_summary;  // Of the last schedule write.
    std::deque<Event> events;
  };
  using PlanMap = std::map<std::string, Plan, std::less<>>;
  using BookMap = std::map<std::string, StoredBook, std::less<>>;

  // Finds a plan; nullptr when absent. Requires mu_.
  Plan* FindPlan(absl::string_view tenant, absl::string_view plan_id);
  // Appends an event to `plan` and wakes readers. Requires mu_.
  void AppendEvent(Plan& plan, const EventInfo& info, int64_t plan_version);

  std::mutex mu_;
  std::condition_variable events_cv_;  // Signalled on every event; uses mu_.
  // tenant -> plan id -> plan. Guarded by mu_.
  std::map<std::string, PlanMap, std::less<>> plans_;
  // tenant -> book name -> book. Guarded by mu_.
  std::map<std::string, BookMap, std::less<>> books_;
  uint64_t next_event_seq_ = 1;  // Guarded by mu_.

  std::function<absl::Time()> now_ = [] { return absl::Now(); };
  // Serialises the idempotent writes (taken before mu_, never after), so a
  // record check, its write and the record's insertion are one step.
  std::mutex once_mu_;
  std::map<RecordId, Record> records_;  // Guarded by once_mu_.
};

}  // namespace backplan

#endif  // BACKPLAN_LIBS_STORE_IN_MEMORY_PLAN_STORE_H_

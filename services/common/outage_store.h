// OutageStore: the in-memory store behind a switch that makes every call
// UNAVAILABLE, as RedisPlanStore answers while Redis is down. For in-process
// service tests of the "Redis down" contract (stored calls UNAVAILABLE,
// inline calls unaffected). Tests only.
#ifndef BACKPLAN_SERVICES_COMMON_OUTAGE_STORE_H_
#define BACKPLAN_SERVICES_COMMON_OUTAGE_STORE_H_

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libs/store/in_memory_plan_store.h"

namespace backplan::testing {

class OutageStore final : public PlanStore {
 public:
  void set_down(bool down) { down_ = down; }
  InMemoryPlanStore& inner() { return inner_; }

  absl::StatusOr<StoredPlan> GetPlan(absl::string_view tenant,
                                     absl::string_view plan_id) override {
    if (down_) return Down();
    return inner_.GetPlan(tenant, plan_id);
  }
  absl::StatusOr<int64_t> PutPlan(absl::string_view tenant,
                                  absl::string_view plan_id,
                                  int64_t expected_version, std::string data,
                                  const EventInfo& event) override {
    if (down_) return Down();
    return inner_.PutPlan(tenant, plan_id, expected_version, std::move(data),
                          event);
  }
  absl::Status PutStage(absl::string_view tenant, absl::string_view plan_id,
                        StagePart part, int64_t plan_version, std::string data,
                        const EventInfo& event) override {
    if (down_) return Down();
    return inner_.PutStage(tenant, plan_id, part, plan_version, std::move(data),
                           event);
  }
  absl::StatusOr<PlanPage> ListPlans(absl::string_view tenant, int page_size,
                                     absl::string_view page_token) override {
    if (down_) return Down();
    return inner_.ListPlans(tenant, page_size, page_token);
  }
  absl::Status DeletePlan(absl::string_view tenant,
                          absl::string_view plan_id) override {
    if (down_) return Down();
    return inner_.DeletePlan(tenant, plan_id);
  }
  absl::StatusOr<std::vector<PlanEvent>> ReadEvents(
      absl::string_view tenant, absl::string_view plan_id,
      absl::string_view after_id, int max_count, absl::Duration wait) override {
    if (down_) return Down();
    return inner_.ReadEvents(tenant, plan_id, after_id, max_count, wait);
  }
  absl::StatusOr<int64_t> PutBook(absl::string_view tenant,
                                  absl::string_view name,
                                  int64_t expected_version,
                                  std::string data) override {
    if (down_) return Down();
    return inner_.PutBook(tenant, name, expected_version, std::move(data));
  }
  absl::StatusOr<StoredBook> GetBook(absl::string_view tenant,
                                     absl::string_view name) override {
    if (down_) return Down();
    return inner_.GetBook(tenant, name);
  }
  absl::StatusOr<BookPage> ListBooks(absl::string_view tenant, int page_size,
                                     absl::string_view page_token) override {
    if (down_) return Down();
    return inner_.ListBooks(tenant, page_size, page_token);
  }
  absl::Status DeleteBook(absl::string_view tenant,
                          absl::string_view name) override {
    if (down_) return Down();
    return inner_.DeleteBook(tenant, name);
  }
  absl::Status Ping() override {
    if (down_) return Down();
    return inner_.Ping();
  }
  absl::StatusOr<OnceResult> PutPlanOnce(
      absl::string_view tenant, absl::string_view plan_id,
      int64_t expected_version, std::string data, const EventInfo& event,
      const IdempotencyRecord& record) override {
    if (down_) return Down();
    return inner_.PutPlanOnce(tenant, plan_id, expected_version,
                              std::move(data), event, record);
  }
  absl::StatusOr<OnceResult> PutStageOnce(
      absl::string_view tenant, absl::string_view plan_id, StagePart part,
      int64_t plan_version, std::string data, const EventInfo& event,
      const IdempotencyRecord& record) override {
    if (down_) return Down();
    return inner_.PutStageOnce(tenant, plan_id, part, plan_version,
                               std::move(data), event, record);
  }
  absl::StatusOr<OnceResult> PutBookOnce(
      absl::string_view tenant, absl::string_view name,
      int64_t expected_version, std::string data,
      const IdempotencyRecord& record) override {
    if (down_) return Down();
    return inner_.PutBookOnce(tenant, name, expected_version, std::move(data),
                              record);
  }
  absl::StatusOr<std::optional<RecordedResponse>> GetRecord(
      absl::string_view tenant, RecordOwner owner, absl::string_view id,
      absl::string_view method, absl::string_view key) override {
    if (down_) return Down();
    return inner_.GetRecord(tenant, owner, id, method, key);
  }

 private:
  absl::Status Down() const {
    return absl::UnavailableError("store: connection refused (test outage)");
  }

  InMemoryPlanStore inner_;
  std::atomic<bool> down_{false};
};

}  // namespace backplan::testing

#endif  // BACKPLAN_SERVICES_COMMON_OUTAGE_STORE_H_

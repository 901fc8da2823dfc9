#include "libs/store/in_memory_plan_store.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/common/status_macros.h"
#include "libs/store/validation.h"

namespace backplan {

using store_internal::BookNotFound;
using store_internal::EventPosition;
using store_internal::PlanNotFound;
using store_internal::VersionMismatch;

namespace {

// One page from an ordered map, starting after `token`.
template <typename Map, typename Fn>
std::string Page(const Map& map, int page_size, absl::string_view token,
                 Fn&& emit) {
  const int limit = std::min(page_size, store_internal::kMaxPageSize);
  auto it = token.empty() ? map.begin() : map.upper_bound(token);
  int n = 0;
  std::string last;
  for (; it != map.end() && n < limit; ++it, ++n) {
    emit(it->first, it->second);
    last = it->first;
  }
  return it == map.end() ? std::string() : last;
}

}  // namespace

InMemoryPlanStore::Plan* InMemoryPlanStore::FindPlan(
    absl::string_view tenant, absl::string_view plan_id) {
  auto tenant_it = plans_.find(tenant);
  if (tenant_it == plans_.end()) return nullptr;
  auto it = tenant_it->second.find(plan_id);
  return it == tenant_it->second.end() ? nullptr : &it->second;
}

void InMemoryPlanStore::AppendEvent(Plan& plan, const EventInfo& info,
                                    int64_t plan_version) {
  Event event;
  event.seq = next_event_seq_++;
  event.event.id = absl::StrCat(event.seq, "-0");
  event.event.type = info.type;
  event.event.plan_version = plan_version;
  event.event.request_id = info.request_id;
  event.event.caller = info.caller;
  plan.events.push_back(std::move(event));
  while (plan.events.size() >
         static_cast<size_t>(store_internal::kMaxEventsPerPlan)) {
    plan.events.pop_front();
  }
  events_cv_.notify_all();
}

absl::StatusOr<StoredPlan> InMemoryPlanStore::GetPlan(
    absl::string_view tenant, absl::string_view plan_id) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  std::lock_guard<std::mutex> lock(mu_);
  const Plan* plan = FindPlan(tenant, plan_id);
  if (plan == nullptr) return PlanNotFound(tenant, plan_id);
  StoredPlan result;
  result.data = plan->data;
  result.version = plan->version;
  result.priorities = plan->priorities;
  result.schedule = plan->schedule;
  result.simulation = plan->simulation;
  return result;
}

absl::StatusOr<StoredPlan> InMemoryPlanStore::GetPlanParts(
    absl::string_view tenant, absl::string_view plan_id,
    const PlanReadOptions& options) {
  ASSIGN_OR_RETURN(StoredPlan result,
                   PlanStore::GetPlanParts(tenant, plan_id, options));
  const bool digests = options.digests || !options.known_plan_digest.empty() ||
                       !options.known_priorities_digest.empty();
  if (!digests) return result;
  auto digest = [](int64_t version, const std::string& data) {
    return absl::StrCat(version, ":", data.size(), ":",
                        absl::Hash<absl::string_view>{}(data));
  };
  result.digest = digest(result.version, result.data);
  if (result.digest == options.known_plan_digest) {
    result.unchanged = true;
    result.data.clear();
  }
  if (result.priorities) {
    result.priorities->digest =
        digest(result.priorities->plan_version, result.priorities->data);
    if (result.priorities->digest == options.known_priorities_digest) {
      result.priorities->unchanged = true;
      result.priorities->data.clear();
    }
  }
  return result;
}

absl::StatusOr<int64_t> InMemoryPlanStore::PutPlan(absl::string_view tenant,
                                                   absl::string_view plan_id,
                                                   int64_t expected_version,
                                                   std::string data,
                                                   const EventInfo& event) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, plan_id, false, expected_version));
  RETURN_IF_ERROR(store_internal::ValidateSummary(event));
  std::lock_guard<std::mutex> lock(mu_);
  Plan* plan = FindPlan(tenant, plan_id);
  const int64_t current = plan == nullptr ? 0 : plan->version;
  if (current != expected_version) {
    if (plan == nullptr) return PlanNotFound(tenant, plan_id);
    return VersionMismatch("plan", plan_id, expected_version, current);
  }
  if (plan == nullptr) {
    plan = &plans_[std::string(tenant)][std::string(plan_id)];
  }
  plan->data = std::move(data);
  plan->version = current + 1;
  plan->summary = event.summary;
  plan->updated_at = now_();
  AppendEvent(*plan, event, plan->version);
  return plan->version;
}

absl::Status InMemoryPlanStore::PutStage(absl::string_view tenant,
                                         absl::string_view plan_id,
                                         StagePart part, int64_t plan_version,
                                         std::string data,
                                         const EventInfo& event) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  RETURN_IF_ERROR(store_internal::ValidateSummary(event));
  std::lock_guard<std::mutex> lock(mu_);
  Plan* plan = FindPlan(tenant, plan_id);
  if (plan == nullptr) return PlanNotFound(tenant, plan_id);
  if (plan->version != plan_version) {
    return absl::AbortedError(
        absl::StrCat(StagePartName(part), " of plan \"", plan_id,
                     "\" computed from version ", plan_version,
                     " but the plan is at version ", plan->version));
  }
  std::optional<StoredStage>& stage =
      part == StagePart::kPriorities ? plan->priorities
      : part == StagePart::kSchedule ? plan->schedule
                                     : plan->simulation;
  stage = StoredStage{std::move(data), plan_version};
  if (part == StagePart::kSchedule) plan->schedule_summary = event.summary;
  AppendEvent(*plan, event, plan_version);
  return absl::OkStatus();
}

absl::StatusOr<PlanPage> InMemoryPlanStore::ListPlans(
    absl::string_view tenant, int page_size, absl::string_view page_token) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePageSize(page_size));
  RETURN_IF_ERROR(store_internal::ValidatePageToken(page_token));
  std::lock_guard<std::mutex> lock(mu_);
  PlanPage page;
  auto it = plans_.find(tenant);
  if (it == plans_.end()) return page;
  page.next_page_token =
      Page(it->second, page_size, page_token,
           [&](const std::string& id, const Plan& plan) {
             PlanSummary summary;
             summary.plan_id = id;
             summary.version = plan.version;
             summary.summary = plan.summary;
             summary.updated_at = plan.updated_at;
             if (plan.schedule) {
               summary.schedule_summary = plan.schedule_summary;
               summary.schedule_plan_version = plan.schedule->plan_version;
             }
             page.plans.push_back(std::move(summary));
           });
  return page;
}

absl::Status InMemoryPlanStore::DeletePlan(absl::string_view tenant,
                                           absl::string_view plan_id) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = plans_.find(tenant);
  if (it == plans_.end()) return PlanNotFound(tenant, plan_id);
  auto plan_it = it->second.find(plan_id);
  if (plan_it == it->second.end()) return PlanNotFound(tenant, plan_id);
  it->second.erase(plan_it);
  if (it->second.empty()) plans_.erase(it);
  events_cv_.notify_all();  // Waiting readers of this plan return.
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PlanEvent>> InMemoryPlanStore::ReadEvents(
    absl::string_view tenant, absl::string_view plan_id,
    absl::string_view after_id, int max_count, absl::Duration wait) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  RETURN_IF_ERROR(store_internal::ValidateMaxCount(max_count));
  ASSIGN_OR_RETURN(const EventPosition after,
                   store_internal::ParseEventPosition(after_id));
  const size_t limit = std::min(max_count, store_internal::kMaxEventCount);
  const auto deadline =
      std::chrono::steady_clock::now() +
      absl::ToChronoNanoseconds(std::max(wait, absl::ZeroDuration()));

  std::unique_lock<std::mutex> lock(mu_);
  if (FindPlan(tenant, plan_id) == nullptr) {
    return PlanNotFound(tenant, plan_id);
  }
  std::vector<PlanEvent> result;
  // Collects events after `after`; true when there are some or the plan is
  // gone (nothing more will come).
  auto collect = [&]() {
    const Plan* plan = FindPlan(tenant, plan_id);
    if (plan == nullptr) return true;
    for (const Event& event : plan->events) {
      if (after < EventPosition{event.seq, 0}) {
        result.push_back(event.event);
        if (result.size() == limit) break;
      }
    }
    return !result.empty();
  };
  while (!collect()) {
    if (events_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      collect();
      break;
    }
  }
  return result;
}

absl::StatusOr<int64_t> InMemoryPlanStore::PutBook(absl::string_view tenant,
                                                   absl::string_view name,
                                                   int64_t expected_version,
                                                   std::string data) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, name, true, expected_version));
  std::lock_guard<std::mutex> lock(mu_);
  BookMap& books = books_[std::string(tenant)];
  auto it = books.find(name);
  const int64_t current = it == books.end() ? 0 : it->second.version;
  if (current != expected_version) {
    if (it == books.end()) {
      if (books.empty()) books_.erase(std::string(tenant));
      return BookNotFound(tenant, name);
    }
    return VersionMismatch("book", name, expected_version, current);
  }
  StoredBook& book = books[std::string(name)];
  book.data = std::move(data);
  book.version = current + 1;
  return book.version;
}

absl::StatusOr<StoredBook> InMemoryPlanStore::GetBook(absl::string_view tenant,
                                                      absl::string_view name) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidateBookName(name));
  std::lock_guard<std::mutex> lock(mu_);
  auto tenant_it = books_.find(tenant);
  if (tenant_it == books_.end()) return BookNotFound(tenant, name);
  auto it = tenant_it->second.find(name);
  if (it == tenant_it->second.end()) return BookNotFound(tenant, name);
  return it->second;
}

absl::StatusOr<BookPage> InMemoryPlanStore::ListBooks(
    absl::string_view tenant, int page_size, absl::string_view page_token) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePageSize(page_size));
  RETURN_IF_ERROR(store_internal::ValidatePageToken(page_token));
  std::lock_guard<std::mutex> lock(mu_);
  BookPage page;
  auto it = books_.find(tenant);
  if (it == books_.end()) return page;
  page.next_page_token = Page(it->second, page_size, page_token,
                              [&](const std::string& name, const StoredBook&) {
                                page.names.push_back(name);
                              });
  return page;
}

absl::Status InMemoryPlanStore::DeleteBook(absl::string_view tenant,
                                           absl::string_view name) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidateBookName(name));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = books_.find(tenant);
  if (it == books_.end()) return BookNotFound(tenant, name);
  auto book_it = it->second.find(name);
  if (book_it == it->second.end()) return BookNotFound(tenant, name);
  it->second.erase(book_it);
  if (it->second.empty()) books_.erase(it);
  return absl::OkStatus();
}

absl::Status InMemoryPlanStore::Ping() { return absl::OkStatus(); }

const InMemoryPlanStore::Record* InMemoryPlanStore::FindRecord(
    const RecordId& id) {
  auto it = records_.find(id);
  if (it == records_.end()) return nullptr;
  if (it->second.expires <= now_()) {
    records_.erase(it);
    return nullptr;
  }
  return &it->second;
}

template <typename WriteFn>
absl::StatusOr<OnceResult> InMemoryPlanStore::Once(
    RecordId id, const IdempotencyRecord& record, WriteFn write) {
  RETURN_IF_ERROR(store_internal::ValidateRecord(record));
  std::lock_guard<std::mutex> lock(once_mu_);
  OnceResult result;
  if (const Record* found = FindRecord(id)) {
    result.replay = found->response;
    return result;
  }
  ASSIGN_OR_RETURN(result.version, write());
  records_[std::move(id)] =
      Record{RecordedResponse{record.request_hash, record.response},
             now_() + record.ttl};
  return result;
}

absl::StatusOr<OnceResult> InMemoryPlanStore::PutPlanOnce(
    absl::string_view tenant, absl::string_view plan_id,
    int64_t expected_version, std::string data, const EventInfo& event,
    const IdempotencyRecord& record) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, plan_id, false, expected_version));
  return Once(
      RecordId(tenant, RecordOwner::kPlan, plan_id, record.method, record.key),
      record, [&] {
        return PutPlan(tenant, plan_id, expected_version, std::move(data),
                       event);
      });
}

absl::StatusOr<OnceResult> InMemoryPlanStore::PutStageOnce(
    absl::string_view tenant, absl::string_view plan_id, StagePart part,
    int64_t plan_version, std::string data, const EventInfo& event,
    const IdempotencyRecord& record) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  return Once(
      RecordId(tenant, RecordOwner::kPlan, plan_id, record.method, record.key),
      record, [&]() -> absl::StatusOr<int64_t> {
        RETURN_IF_ERROR(PutStage(tenant, plan_id, part, plan_version,
                                 std::move(data), event));
        return plan_version;
      });
}

absl::StatusOr<OnceResult> InMemoryPlanStore::PutBookOnce(
    absl::string_view tenant, absl::string_view name, int64_t expected_version,
    std::string data, const IdempotencyRecord& record) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, name, true, expected_version));
  return Once(
      RecordId(tenant, RecordOwner::kBook, name, record.method, record.key),
      record,
      [&] { return PutBook(tenant, name, expected_version, std::move(data)); });
}

absl::StatusOr<std::optional<RecordedResponse>> InMemoryPlanStore::GetRecord(
    absl::string_view tenant, RecordOwner owner, absl::string_view id,
    absl::string_view method, absl::string_view key) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(owner == RecordOwner::kPlan
                      ? store_internal::ValidatePlanId(id)
                      : store_internal::ValidateBookName(id));
  RETURN_IF_ERROR(store_internal::ValidateRecordLookup(method, key));
  std::lock_guard<std::mutex> lock(once_mu_);
  const Record* found = FindRecord(RecordId(tenant, owner, id, method, key));
  if (found == nullptr) return std::nullopt;
  return found->response;
}

}  // namespace backplan

#include "services/common/plan_cache.h"

#include <optional>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "backplan/v1/prioritization.pb.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/rpc/metrics.h"
#include "services/common/service_support.h"

ABSL_FLAG(int64_t, plan_cache_mb, 64,
          "MiB of parsed stored plans (and priorities; for scheduling with "
          "their graphs and calendars) kept in memory, so a plan read again "
          "is neither sent by Redis nor parsed again; checked against the "
          "plan's digest on every read. 0: no cache.");

namespace backplan {
namespace {

// Parsed forms take about this many times their encoded size; a plan with
// its graph and calendar about this many.
constexpr size_t kParsedToEncoded = 3;
constexpr size_t kScheduledToEncoded = 5;

std::string CacheKey(absl::string_view tenant, absl::string_view plan_id) {
  return absl::StrCat(tenant, "/", plan_id);  // Tenants hold no '/'.
}

// A read that said "unchanged" for a digest this reader did not send.
absl::Status UnaskedUnchanged(absl::string_view plan_id) {
  return absl::InternalError(absl::StrCat("store left out plan \"", plan_id,
                                          "\" without being asked to"));
}

absl::Status DoesNotParse(absl::string_view plan_id) {
  return absl::DataLossError(
      absl::StrCat("stored plan \"", plan_id, "\" does not parse"));
}

}  // namespace

size_t PlanCacheBytesFromFlags() {
  const int64_t mb = absl::GetFlag(FLAGS_plan_cache_mb);
  return mb <= 0 ? 0 : static_cast<size_t>(mb) << 20;
}

CachedPlanReader::CachedPlanReader(PlanStore* store, size_t max_bytes)
    : store_(store),
      plans_(max_bytes / 4 * 3),
      priorities_(max_bytes / 4),
      protos_(max_bytes) {}

absl::StatusOr<CachedPlanReader::ForSchedule> CachedPlanReader::ReadForSchedule(
    absl::string_view tenant, absl::string_view plan_id) {
  RETURN_IF_ERROR(Required(plan_id, "plan_id"));
  const std::string key = CacheKey(tenant, plan_id);
  std::optional<DigestCache<Sized<ScheduledPlan>>::Hit> plan_hit =
      plans_.Find(key);
  std::optional<DigestCache<ParsedPriorities>::Hit> priorities_hit =
      priorities_.Find(key);
  PlanReadOptions read;
  read.priorities = true;
  read.digests = true;
  if (plan_hit) read.known_plan_digest = plan_hit->digest;
  if (priorities_hit) read.known_priorities_digest = priorities_hit->digest;
  ASSIGN_OR_RETURN(StoredPlan stored,
                   store_->GetPlanParts(tenant, plan_id, read));

  ForSchedule result;
  result.version = stored.version;
  std::shared_ptr<const Sized<ScheduledPlan>> plan;
  if (stored.unchanged) {
    if (!plan_hit) return UnaskedUnchanged(plan_id);
    plan = std::move(plan_hit->value);
  } else {
    v1::Plan proto;
    if (!proto.ParseFromString(stored.data)) return DoesNotParse(plan_id);
    proto.set_version(stored.version);
    auto shared = std::make_shared<Sized<ScheduledPlan>>();
    ASSIGN_OR_RETURN(shared->value.plan, PlanFromProto(proto));
    shared->value.plan.id = std::string(plan_id);
    shared->encoded_bytes = stored.data.size();
    absl::StatusOr<PlanGraph> graph = BuildPlanGraph(shared->value.plan);
    if (graph.ok()) shared->value.graph = *std::move(graph);
    absl::StatusOr<WorkingCalendar> calendar =
        WorkingCalendar::Create(shared->value.plan.calendar);
    if (calendar.ok()) shared->value.calendar = *std::move(calendar);
    plans_.Put(key, stored.digest, shared,
               stored.data.size() * kScheduledToEncoded);
    plan = std::move(shared);
  }
  rpc::RecordPlanSize(static_cast<int64_t>(plan->value.plan.tasks.size()),
                      static_cast<int64_t>(plan->encoded_bytes));
  // Each shares ownership with the cached entry and points into it.
  result.plan = std::shared_ptr<const Plan>(plan, &plan->value.plan);
  if (plan->value.graph.has_value()) {
    result.graph = std::shared_ptr<const PlanGraph>(plan, &*plan->value.graph);
  }
  if (plan->value.calendar.has_value()) {
    result.calendar =
        std::shared_ptr<const WorkingCalendar>(plan, &*plan->value.calendar);
  }

  if (stored.priorities && stored.priorities->plan_version == stored.version) {
    if (stored.priorities->unchanged && priorities_hit) {
      result.priorities = std::move(priorities_hit->value);
    } else {
      v1::Priorities proto;
      if (proto.ParseFromString(stored.priorities->data)) {
        auto parsed = std::make_shared<ParsedPriorities>();
        parsed->execution_order.assign(proto.execution_order().begin(),
                                       proto.execution_order().end());
        parsed->ranks.reserve(proto.tasks_size());
        for (const v1::TaskPriority& task : proto.tasks()) {
          parsed->ranks[task.task_id()] = task.rank();
        }
        result.priorities = parsed;
        priorities_.Put(key, stored.priorities->digest, std::move(parsed),
                        stored.priorities->data.size() * kParsedToEncoded);
      }
    }
  }
  return result;
}

absl::StatusOr<std::shared_ptr<const v1::Plan>> CachedPlanReader::ReadProto(
    absl::string_view tenant, absl::string_view plan_id) {
  RETURN_IF_ERROR(Required(plan_id, "plan_id"));
  const std::string key = CacheKey(tenant, plan_id);
  std::optional<DigestCache<Sized<v1::Plan>>::Hit> hit = protos_.Find(key);
  PlanReadOptions read;
  read.digests = true;
  if (hit) read.known_plan_digest = hit->digest;
  ASSIGN_OR_RETURN(StoredPlan stored,
                   store_->GetPlanParts(tenant, plan_id, read));
  std::shared_ptr<const Sized<v1::Plan>> plan;
  if (stored.unchanged) {
    if (!hit) return UnaskedUnchanged(plan_id);
    plan = std::move(hit->value);
  } else {
    auto parsed = std::make_shared<Sized<v1::Plan>>();
    if (!parsed->value.ParseFromString(stored.data)) {
      return DoesNotParse(plan_id);
    }
    parsed->value.set_version(stored.version);
    parsed->encoded_bytes = stored.data.size();
    protos_.Put(key, stored.digest, parsed,
                stored.data.size() * kParsedToEncoded);
    plan = std::move(parsed);
  }
  rpc::RecordPlanSize(plan->value.tasks_size(),
                      static_cast<int64_t>(plan->encoded_bytes));
  // Shares ownership with the cached entry, points at the plan inside.
  return std::shared_ptr<const v1::Plan>(plan, &plan->value);
}

}  // namespace backplan

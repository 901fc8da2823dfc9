// Glue shared by the three service classes and their main.cc files: the
// Redis store from flags, reading a stored plan as protobuf, "today", and
// paging arguments. Nothing here computes; it only translates.
//
// Flags (env fallback BACKPLAN_<NAME>): --redis (host:port) or --redis_cluster
// (seeds host:port,...; not with a non-default --redis), --redis_wait_replicas,
// --redis_wait_timeout_ms, --redis_password,
// --redis_pool_size, --redis_timeout_ms, --redis_timeout_ms_per_mib,
// --max_plans_per_tenant, --max_stored_bytes_per_tenant.
#ifndef BACKPLAN_SERVICES_COMMON_SERVICE_SUPPORT_H_
#define BACKPLAN_SERVICES_COMMON_SERVICE_SUPPORT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "backplan/v1/plan.pb.h"
#include "libs/rpc/server.h"
#include "libs/store/plan_store.h"

namespace backplan {

// The Redis-backed store configured by the flags. Never fails when Redis is
// down: connections are made on demand.
absl::StatusOr<std::unique_ptr<PlanStore>> MakeStoreFromFlags();

// MakeStoreFromFlags, or a logged error and exit(2) when the flags are wrong.
std::unique_ptr<PlanStore> StoreFromFlagsOrExit();

// rpc::RunServer with the `backplan.store` health entry following `store`.
int ServeWithStore(const rpc::ServiceDefaults& defaults,
                   const std::vector<grpc::Service*>& services,
                   PlanStore* store);

// Today's date in UTC; service classes take it as an injected function.
absl::CivilDay TodayUtc();
using TodayFunction = std::function<absl::CivilDay()>;

// A stored plan with its parsed protobuf (version set from the store).
struct LoadedPlan {
  StoredPlan stored;
  v1::Plan plan;
};
absl::StatusOr<LoadedPlan> LoadPlan(PlanStore& store, absl::string_view tenant,
                                    absl::string_view plan_id);

// Page size of a List call: 0 -> 100; 1..1000; otherwise INVALID_ARGUMENT.
absl::StatusOr<int> PageSize(int requested);

// INVALID_ARGUMENT "<field>: required" when `value` is empty.
absl::Status Required(absl::string_view value, absl::string_view field);

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_COMMON_SERVICE_SUPPORT_H_

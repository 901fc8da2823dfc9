// DecompositionService: translates recipe books, Decompose, stored plans,
// manual edits and WatchPlan between protobuf and libs/decompose, libs/core
// and the PlanStore. Every stored call works within the caller's tenant.
//
// Writes: CreatePlan and stored Decompose create a plan at version 1
// ("plan.created"); EditPlan applies its edits in order to the version it
// names and stores the result only if it validates, at version + 1
// ("plan.edited"), else nothing changes; a stale base_version is ABORTED.
// Every write honours its idempotency_key (services/common/idempotency.h).
#ifndef BACKPLAN_SERVICES_DECOMPOSITION_DECOMPOSITION_SERVICE_H_
#define BACKPLAN_SERVICES_DECOMPOSITION_DECOMPOSITION_SERVICE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "libs/rpc/call.h"
#include "libs/store/plan_store.h"
#include "services/common/idempotency.h"
#include "services/common/plan_cache.h"
#include "services/decomposition/book_cache.h"
#include "services/decomposition/index_repair.h"

namespace backplan {

// Server-side caps a caller cannot raise (flags in main.cc; docs/LIMITS in
// the README's limits table). A request asking for more than a cap is
// INVALID_ARGUMENT naming it; a search that hits one is RESOURCE_EXHAUSTED.
struct DecompositionLimits {
  int max_depth = 64;                    // SearchLimits.max_depth at most.
  int64_t max_nodes = 200000;            // SearchLimits.max_nodes at most.
  int64_t max_matcher_steps = 10000000;  // Per Decompose call.
  int64_t max_goal_bytes = 32 << 20;     // Goal text held by one search.
  int max_watch_streams = 8;             // Open WatchPlan streams in all...
  int max_watch_streams_per_tenant = 4;  // ...and per tenant.
  int max_edits_per_request = 100000;    // EditPlanRequest.edits at most.
};

class DecompositionServiceImpl final
    : public v1::DecompositionService::Service {
 public:
  // `store` is not owned. `new_plan_id` makes ids for new plans (injected so
  // tests are deterministic).
  DecompositionServiceImpl(PlanStore* store,
                           std::function<std::string()> new_plan_id,
                           const DecompositionLimits& limits = {})
      : store_(store), new_plan_id_(std::move(new_plan_id)), limits_(limits) {}

  // ListPlans and ListRecipeBooks queue their tenant on `loop` (not owned;
  // outlives the service) for an index repair pass. Call before serving.
  void set_index_repair(IndexRepairLoop* loop) { index_repair_ = loop; }

  grpc::Status PutRecipeBook(grpc::ServerContext* context,
                             const v1::PutRecipeBookRequest* request,
                             v1::PutRecipeBookResponse* response) override;
  grpc::Status GetRecipeBook(grpc::ServerContext* context,
                             const v1::GetRecipeBookRequest* request,
                             v1::RecipeBook* response) override;
  grpc::Status ListRecipeBooks(grpc::ServerContext* context,
                               const v1::ListRecipeBooksRequest* request,
                               v1::ListRecipeBooksResponse* response) override;
  grpc::Status DeleteRecipeBook(
      grpc::ServerContext* context, const v1::DeleteRecipeBookRequest* request,
      v1::DeleteRecipeBookResponse* response) override;
  grpc::Status Decompose(grpc::ServerContext* context,
                         const v1::DecomposeRequest* request,
                         v1::DecomposeResponse* response) override;
  grpc::Status CreatePlan(grpc::ServerContext* context,
                          const v1::CreatePlanRequest* request,
                          v1::CreatePlanResponse* response) override;
  grpc::Status GetPlan(grpc::ServerContext* context,
                       const v1::GetPlanRequest* request,
                       v1::Plan* response) override;
  grpc::Status ListPlans(grpc::ServerContext* context,
                         const v1::ListPlansRequest* request,
                         v1::ListPlansResponse* response) override;
  grpc::Status DeletePlan(grpc::ServerContext* context,
                          const v1::DeletePlanRequest* request,
                          v1::DeletePlanResponse* response) override;
  grpc::Status EditPlan(grpc::ServerContext* context,
                        const v1::EditPlanRequest* request,
                        v1::EditPlanResponse* response) override;
  grpc::Status WatchPlan(grpc::ServerContext* context,
                         const v1::WatchPlanRequest* request,
                         grpc::ServerWriter<v1::PlanEvent>* writer) override;

 private:
  // Validates `plan` and stores it as a new plan, its id derived from the
  // idempotency key when there is one; `fill` (id, version) completes
  // `*response` before the write, which a replay replaces.
  absl::Status StoreNewPlan(
      const rpc::CallScope& call, v1::Plan plan, const Idempotency& once,
      const std::function<void(const std::string&, int64_t)>& fill,
      google::protobuf::Message* response);

  // Counts an open WatchPlan stream of `tenant`; RESOURCE_EXHAUSTED past
  // the limits. Every OK must be followed by EndWatch(tenant).
  absl::Status BeginWatch(const std::string& tenant);
  void EndWatch(const std::string& tenant);

  PlanStore* store_;
  std::function<std::string()> new_plan_id_;
  const DecompositionLimits limits_;
  IndexRepairLoop* index_repair_ = nullptr;
  std::mutex watch_mu_;
  int open_watches_ = 0;  // Guarded by watch_mu_.
  absl::flat_hash_map<std::string, int> open_watches_by_tenant_;  // Same.
  // Compiled books of recent Decompose calls, by content or stored version.
  CompiledBookCache books_{64};
  // GetPlan's reads: parsed plans by digest (services/common/plan_cache.h).
  CachedPlanReader plan_reader_{store_, PlanCacheBytesFromFlags()};
};

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_DECOMPOSITION_DECOMPOSITION_SERVICE_H_

// PrioritizationService: translates Prioritize and ComputeAhpWeights between
// protobuf and libs/prioritize. Inline requests (a plan in the request) read
// and store nothing; stored requests (plan_id) read the plan of the caller's
// tenant, compute, and store the priorities compare-and-set against the plan
// version they came from, appending a "priorities.updated" event.
// A stored request's idempotency_key makes its retries get the first answer
// (services/common/idempotency.h).
#ifndef BACKPLAN_SERVICES_PRIORITIZATION_PRIORITIZATION_SERVICE_H_
#define BACKPLAN_SERVICES_PRIORITIZATION_PRIORITIZATION_SERVICE_H_

#include "backplan/v1/prioritization.grpc.pb.h"
#include "libs/rpc/call.h"
#include "libs/store/plan_store.h"

namespace backplan {

class PrioritizationServiceImpl final
    : public v1::PrioritizationService::Service {
 public:
  // `store` is not owned and must outlive the service.
  explicit PrioritizationServiceImpl(PlanStore* store) : store_(store) {}

  grpc::Status Prioritize(grpc::ServerContext* context,
                          const v1::PrioritizeRequest* request,
                          v1::PrioritizeResponse* response) override;
  grpc::Status ComputeAhpWeights(grpc::ServerContext* context,
                                 const v1::ComputeAhpWeightsRequest* request,
                                 v1::AhpWeights* response) override;

 private:
  absl::Status DoPrioritize(const rpc::CallScope& call,
                            const v1::PrioritizeRequest& request,
                            v1::PrioritizeResponse* response);

  PlanStore* store_;
};

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_PRIORITIZATION_PRIORITIZATION_SERVICE_H_

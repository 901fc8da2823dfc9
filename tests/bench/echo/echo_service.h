// The echo baseline of the load benchmarks: Backplan's service interfaces
// answered without computing anything. Each method receives the same request
// as the real service and returns a response of about the same size (a
// 50-task Schedule gets 51 ScheduledTask entries with dummy dates, no
// calendar math), so a benchmark's ratio to it isolates Backplan's own cost
// from gRPC's. Served by backplan-echo with the services' bootstrap
// (libs/rpc RunServer: same server options, thread bound, health, metrics).
//
//   backplan::echo::EchoScheduling scheduling(/*stored_tasks=*/50);
//   backplan::rpc::RunServer(kDefaults, {&scheduling, ...}, nullptr);
#ifndef BACKPLAN_TESTS_BENCH_ECHO_ECHO_SERVICE_H_
#define BACKPLAN_TESTS_BENCH_ECHO_ECHO_SERVICE_H_

#include <map>
#include <mutex>
#include <utility>

#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "backplan/v1/scheduling.grpc.pb.h"

namespace backplan::echo {

// Schedule: inline plans get one entry per task and goal plus the outcome,
// ids and titles copied; by plan id, the answer for a generated plan of
// `stored_tasks` tasks (built once).
class EchoScheduling final : public v1::SchedulingService::Service {
 public:
  explicit EchoScheduling(int stored_tasks);
  grpc::Status Schedule(grpc::ServerContext* context,
                        const v1::ScheduleRequest* request,
                        v1::ScheduleResponse* response) override;

 private:
  v1::ScheduleResponse stored_;
};

// Prioritize: one TaskPriority (two contributions) per task and the
// execution order, like the default WEIGHTED method.
class EchoPrioritization final : public v1::PrioritizationService::Service {
 public:
  explicit EchoPrioritization(int stored_tasks);
  grpc::Status Prioritize(grpc::ServerContext* context,
                          const v1::PrioritizeRequest* request,
                          v1::PrioritizeResponse* response) override;

 private:
  v1::PrioritizeResponse stored_;
};

// CreatePlan (returns a fixed id), GetPlan (a generated plan of
// `stored_tasks` tasks, built once) and Decompose (a generated plan with as
// many tasks and goals as the request's book names, and one explanation per
// goal; cached per size).
class EchoDecomposition final : public v1::DecompositionService::Service {
 public:
  explicit EchoDecomposition(int stored_tasks);
  grpc::Status CreatePlan(grpc::ServerContext* context,
                          const v1::CreatePlanRequest* request,
                          v1::CreatePlanResponse* response) override;
  grpc::Status GetPlan(grpc::ServerContext* context,
                       const v1::GetPlanRequest* request,
                       v1::Plan* response) override;
  grpc::Status Decompose(grpc::ServerContext* context,
                         const v1::DecomposeRequest* request,
                         v1::DecomposeResponse* response) override;

 private:
  v1::Plan stored_;
  std::mutex mu_;  // Guards decomposed_.
  std::map<std::pair<int, int>, v1::DecomposeResponse> decomposed_;
};

// The inline forms' answers, exposed for tests.
void EchoSchedule(const v1::Plan& plan, v1::ScheduleResponse* response);
void EchoPrioritize(const v1::Plan& plan, v1::PrioritizeResponse* response);

}  // namespace backplan::echo

#endif  // BACKPLAN_TESTS_BENCH_ECHO_ECHO_SERVICE_H_

// SchedulingService: translates Schedule, Simulate, ReportProgress and Export
// between protobuf and libs/schedule.
//
// Inline requests (a plan in the request) make no nested call and read or
// store nothing. Schedule by plan_id is the one-call pipeline: read the plan
// of the caller's tenant; when its stored priorities are missing or from an
// older plan version, ask the prioritization service (stored form, with this
// call's deadline, request id and tenant); lay out the timeline, listing
// tasks in priority order with their ranks; store it compare-and-set against
// the plan version. When prioritization cannot be reached the schedule is
// still computed and stored, marked degraded, without ranks. Stored Schedule
// and ReportProgress honour their idempotency_key, and the nested Prioritize
// carries a key of its own (services/common/idempotency.h).
#ifndef BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_SERVICE_H_
#define BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "backplan/v1/prioritization.grpc.pb.h"
#include "backplan/v1/scheduling.grpc.pb.h"
#include "libs/common/compute_pool.h"
#include "libs/rpc/call.h"
#include "libs/schedule/gantt.h"
#include "libs/store/plan_store.h"
#include "services/common/plan_cache.h"
#include "services/common/service_support.h"

namespace backplan {

class SchedulingServiceImpl final : public v1::SchedulingService::Service {
 public:
  // `store` is not owned. `prioritization` may be null (every stored schedule
  // is then degraded). `today` gives the default start and as-of date.
  SchedulingServiceImpl(
      PlanStore* store,
      std::unique_ptr<v1::PrioritizationService::StubInterface> prioritization,
      TodayFunction today)
      : store_(store),
        prioritization_(std::move(prioritization)),
        today_(std::move(today)),
        plan_reader_(store, PlanCacheBytesFromFlags()) {}

  grpc::Status Schedule(grpc::ServerContext* context,
                        const v1::ScheduleRequest* request,
                        v1::ScheduleResponse* response) override;
  grpc::Status ReportProgress(grpc::ServerContext* context,
                              const v1::ReportProgressRequest* request,
                              v1::ReportProgressResponse* response) override;
  grpc::Status Export(grpc::ServerContext* context,
                      const v1::ExportRequest* request,
                      v1::ExportResponse* response) override;
  // In simulate_handler.cc.
  grpc::Status Simulate(grpc::ServerContext* context,
                        const v1::SimulateRequest* request,
                        v1::SimulateResponse* response) override;

  // In options_handler.cc.
  grpc::Status Options(grpc::ServerContext* context,
                       const v1::OptionsRequest* request,
                       v1::OptionsResponse* response) override;
  // Bounds on one Options call a caller cannot exceed (server flags).
  struct OptionsLimits {
    int max_optional_items = 200;    // Optional tasks and goals in the plan.
    int max_iterations = 20000;      // Simulation runs per option scored.
    int max_extra_units = 20;        // Extra people searched, all pools.
    int max_people_schedules = 200;  // Resource schedules tried.
  };
  void set_options_limits(const OptionsLimits& limits) {
    options_limits_ = limits;
  }

  // Simulation runs are split over `pool` (not owned; null: the calling
  // thread alone). Set before serving.
  void set_compute_pool(ComputePool* pool) { compute_pool_ = pool; }

 private:
  absl::Status DoSchedule(const rpc::CallScope& call,
                          const v1::ScheduleRequest& request,
                          v1::ScheduleResponse* response);
  absl::Status StoredSchedule(const rpc::CallScope& call,
                              const v1::ScheduleRequest& request,
                              v1::ScheduleResponse* response);
  absl::Status DoReportProgress(const rpc::CallScope& call,
                                const v1::ReportProgressRequest& request,
                                v1::ReportProgressResponse* response);
  absl::Status DoExport(const rpc::CallScope& call,
                        const v1::ExportRequest& request,
                        v1::ExportResponse* response);
  absl::Status DoSimulate(const rpc::CallScope& call,
                          const v1::SimulateRequest& request,
                          std::function<bool()> stop,
                          v1::SimulateResponse* response);
  // In export_risk.cc: the Gantt chart's simulation marks for
  // request.simulation, on `plan` (the exported one); `stored_simulation`
  // is the plan's stored v1::SimulateResponse when it is of the current
  // plan version, else null.
  absl::StatusOr<GanttRisk> ExportRisk(const rpc::CallScope& call,
                                       const v1::ExportRequest& request,
                                       const v1::Plan& plan,
                                       const std::string* stored_simulation);

  absl::Status DoOptions(const rpc::CallScope& call,
                         const v1::OptionsRequest& request,
                         std::function<bool()> stop,
                         v1::OptionsResponse* response);

  PlanStore* store_;
  std::unique_ptr<v1::PrioritizationService::StubInterface> prioritization_;
  TodayFunction today_;
  CachedPlanReader plan_reader_;  // Stored Schedule's reads.
  ComputePool* compute_pool_ = nullptr;
  OptionsLimits options_limits_;
};

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_SERVICE_H_

// SchedulingServiceImpl::ExportRisk: the Monte Carlo marks on an exported
// Gantt chart (ExportRequest.simulation), from a simulation run here (as an
// inline Simulate call, same limits) or the one stored with the plan.
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "services/scheduling/scheduling_service.h"

namespace backplan {

absl::StatusOr<GanttRisk> SchedulingServiceImpl::ExportRisk(
    const rpc::CallScope& call, const v1::ExportRequest& request,
    const v1::Plan& plan, const std::string* stored_simulation) {
  const v1::ExportSimulation& want = request.simulation();
  v1::SimulateResponse simulation;
  if (want.use_stored()) {
    if (request.source_case() != v1::ExportRequest::kPlanId) {
      return absl::InvalidArgumentError(
          "simulation.use_stored: only with plan_id (an inline plan has no "
          "stored simulation)");
    }
    if (stored_simulation == nullptr ||
        !simulation.ParseFromString(*stored_simulation)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "simulation.use_stored: plan \"", request.plan_id(),
          "\" has no simulation of its current version; call Simulate with "
          "its plan_id first"));
    }
  } else {
    v1::SimulateRequest run;
    *run.mutable_plan() = plan;
    run.set_iterations(want.iterations());
    run.set_seed(want.seed());
    run.set_distribution(want.distribution());
    if (request.has_as_of()) *run.mutable_as_of() = request.as_of();
    absl::Status status = DoSimulate(
        call, run, [&call] { return call.ShouldStop(); }, &simulation);
    if (!status.ok()) {
      // The options' own errors name the field under `simulation`.
      const bool option = absl::StartsWith(status.message(), "iterations:") ||
                          absl::StartsWith(status.message(), "distribution:");
      return option
                 ? absl::Status(status.code(),
                                absl::StrCat("simulation.", status.message()))
                 : status;
    }
  }
  GanttRisk risk;
  risk.probability_on_time = simulation.probability_on_time();
  risk.iterations = simulation.iterations();
  for (const auto& [percentile, date] :
       {std::pair<double, const v1::Date*>{50, &simulation.p50()},
        {80, &simulation.p80()},
        {95, &simulation.p95()}}) {
    ASSIGN_OR_RETURN(absl::CivilDay day, DayFromProto(*date, "simulation"));
    risk.finishes.push_back({percentile, day});
  }
  return risk;
}

}  // namespace backplan

// SchedulingServiceImpl::Simulate: Monte Carlo risk (libs/schedule/simulate.h)
// between protobuf and the library, inline and stored.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/schedule/simulate.h"
#include "services/common/idempotency.h"
#include "services/scheduling/scheduling_internal.h"
#include "services/scheduling/scheduling_service.h"

namespace backplan {
namespace {

constexpr int kMaxStoredAttempts = 3;

absl::Status OptionsFromProto(const v1::SimulateRequest& request,
                              SimulationOptions* options) {
  ASSIGN_OR_RETURN(options->iterations,
                   scheduling_internal::IterationsFromProto(
                       request.iterations(), kMaxSimulationIterations));
  options->seed = request.seed();
  switch (request.distribution()) {
    case v1::DURATION_DISTRIBUTION_UNSPECIFIED:
    case v1::PERT:
      options->distribution = DurationDistribution::kPert;
      break;
    case v1::TRIANGULAR:
      options->distribution = DurationDistribution::kTriangular;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("distribution: unknown value ", request.distribution()));
  }
  options->percentiles.assign(request.percentiles().begin(),
                              request.percentiles().end());
  return absl::OkStatus();
}

// Criticality most critical first, sensitivity by |correlation|; ties keep
// plan order.
void FillResponse(const SimulationResult& r, v1::DurationDistribution dist,
                  v1::SimulateResponse* out) {
  out->set_probability_on_time(r.probability_on_time);
  for (const FinishPercentile& p : r.percentiles) {
    v1::SimulateResponse::Percentile* pp = out->add_percentiles();
    pp->set_percentile(p.percentile);
    *pp->mutable_date() = DayToProto(p.day);
  }
  if (const FinishPercentile* p = r.Percentile(10)) {
    *out->mutable_p10() = DayToProto(p->day);
  }
  if (const FinishPercentile* p = r.Percentile(50)) {
    *out->mutable_p50() = DayToProto(p->day);
  }
  if (const FinishPercentile* p = r.Percentile(80)) {
    *out->mutable_p80() = DayToProto(p->day);
  }
  if (const FinishPercentile* p = r.Percentile(90)) {
    *out->mutable_p90() = DayToProto(p->day);
  }
  if (const FinishPercentile* p = r.Percentile(95)) {
    *out->mutable_p95() = DayToProto(p->day);
  }
  std::vector<int> order(r.tasks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return r.tasks[a].criticality > r.tasks[b].criticality;
  });
  for (int i : order) {
    const TaskRisk& t = r.tasks[i];
    v1::SimulateResponse::Criticality* c = out->add_criticality();
    c->set_id(t.id);
    c->set_index(t.criticality);
    *c->mutable_deadline() = DayToProto(t.deadline);
    c->set_probability_by_deadline(t.probability_by_deadline);
    c->set_sensitivity(t.sensitivity);
    c->set_mean_duration_days(t.mean_duration_days);
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return std::fabs(r.tasks[a].sensitivity) >
           std::fabs(r.tasks[b].sensitivity);
  });
  for (int i : order) {
    const TaskRisk& t = r.tasks[i];
    if (t.sensitivity == 0) continue;
    v1::SimulateResponse::Sensitivity* s = out->add_sensitivity();
    s->set_id(t.id);
    s->set_correlation(t.sensitivity);
  }
  for (const FinishDay& f : r.finish_days) {
    v1::SimulateResponse::FinishDay* fd = out->add_finish_days();
    *fd->mutable_date() = DayToProto(f.day);
    fd->set_runs(f.runs);
    fd->set_cumulative_probability(f.cumulative_probability);
  }
  for (const WeekBucket& w : r.histogram) {
    v1::SimulateResponse::Week* wk = out->add_histogram();
    *wk->mutable_monday() = DayToProto(w.monday);
    wk->set_runs(w.runs);
  }
  out->set_iterations(r.iterations);
  out->set_seed(r.seed);
  out->set_distribution(dist == v1::DURATION_DISTRIBUTION_UNSPECIFIED ? v1::PERT
                                                                      : dist);
  *out->mutable_start_date() = DayToProto(r.start_date);
  *out->mutable_target_date() = DayToProto(r.target_date);
  *out->mutable_deterministic_finish() = DayToProto(r.deterministic_finish);
  out->set_mean_finish_working_days(r.mean_finish_working_days);
  out->set_resource_constrained(r.resource_constrained);
}

}  // namespace

absl::StatusOr<int> scheduling_internal::IterationsFromProto(int iterations,
                                                             int max) {
  if (iterations < 0 || iterations > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("iterations: ", iterations, " is outside 0..", max,
                     " (0: ", kDefaultSimulationIterations, ")"));
  }
  return iterations == 0 ? kDefaultSimulationIterations : iterations;
}

grpc::Status SchedulingServiceImpl::Simulate(grpc::ServerContext* context,
                                             const v1::SimulateRequest* request,
                                             v1::SimulateResponse* response) {
  rpc::CallScope call(context, "Simulate");
  // Polled between blocks of runs: the caller gave up or its deadline passed.
  const auto deadline = context->deadline();
  auto stop = [context, deadline] {
    return context->IsCancelled() ||
           std::chrono::system_clock::now() >= deadline;
  };
  return call.Finish(DoSimulate(call, *request, stop, response));
}

absl::Status SchedulingServiceImpl::DoSimulate(
    const rpc::CallScope& call, const v1::SimulateRequest& request,
    std::function<bool()> stop, v1::SimulateResponse* response) {
  SimulationOptions options;
  RETURN_IF_ERROR(OptionsFromProto(request, &options));
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                   OptionalDayFromProto(request.as_of(), "as_of"));
  options.today = as_of ? *as_of : today_();
  options.as_of = as_of;
  options.stop = std::move(stop);
  options.pool = compute_pool_;

  switch (request.source_case()) {
    case v1::SimulateRequest::kPlan: {
      if (request.stored_only()) {
        return absl::InvalidArgumentError(
            "stored_only: only with plan_id (an inline plan is never stored)");
      }
      ASSIGN_OR_RETURN(Plan plan, PlanFromProto(request.plan()));
      ASSIGN_OR_RETURN(SimulationResult result,
                       backplan::Simulate(plan, options));
      FillResponse(result, request.distribution(), response);
      return absl::OkStatus();
    }
    case v1::SimulateRequest::kPlanId:
      break;
    default:
      return absl::InvalidArgumentError("source: give plan or plan_id");
  }

  RETURN_IF_ERROR(call.tenant_status());
  ASSIGN_OR_RETURN(
      Idempotency once,
      Idempotency::For("Simulate", request, request.idempotency_key()));
  if (!request.stored_only()) {
    ASSIGN_OR_RETURN(bool replayed,
                     once.Replay(*store_, call.tenant(), RecordOwner::kPlan,
                                 request.plan_id(), response));
    if (replayed) return absl::OkStatus();
  }
  absl::Status status;
  for (int attempt = 0; attempt < kMaxStoredAttempts; ++attempt) {
    response->Clear();
    ASSIGN_OR_RETURN(LoadedPlan loaded,
                     LoadPlan(*store_, call.tenant(), request.plan_id()));
    if (request.stored_only()) {
      const std::optional<StoredStage>& stored = loaded.stored.simulation;
      if (!stored || !response->ParseFromString(stored->data)) {
        return absl::NotFoundError(absl::StrCat("plan \"", request.plan_id(),
                                                "\" has no stored simulation"));
      }
      response->set_stale(stored->plan_version != loaded.stored.version);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Plan plan, PlanFromProto(loaded.plan));
    plan.id = request.plan_id();
    // With people, runs follow the stored priority order when it is current.
    options.priority_order.clear();
    v1::Priorities priorities;
    if (loaded.stored.priorities &&
        loaded.stored.priorities->plan_version == loaded.stored.version &&
        priorities.ParseFromString(loaded.stored.priorities->data)) {
      options.priority_order.assign(priorities.execution_order().begin(),
                                    priorities.execution_order().end());
    }
    ASSIGN_OR_RETURN(SimulationResult result,
                     backplan::Simulate(plan, options));
    FillResponse(result, request.distribution(), response);
    response->set_plan_id(request.plan_id());
    response->set_plan_version(loaded.stored.version);
    status =
        once.PutStage(*store_, call.tenant(), request.plan_id(),
                      StagePart::kSimulation, loaded.stored.version,
                      response->SerializeAsString(),
                      {"simulation.updated", call.request_id(), call.caller()},
                      response)
            .status();
    if (!absl::IsAborted(status)) return status;
  }
  return status;
}

}  // namespace backplan

// SchedulingServiceImpl::StoredSchedule: the one-call pipeline of Schedule by
// plan id (see scheduling_service.h). Its seam is the prioritization stub
// given to the constructor, so tests serve a fake PrioritizationService
// in-process (slow, stale, failing, refusing) and watch what is stored.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/rpc/grpc_status.h"
#include "services/common/idempotency.h"
#include "services/common/listing_summary.h"
#include "services/common/plan_cache.h"
#include "services/scheduling/scheduling_internal.h"
#include "services/scheduling/scheduling_service.h"

namespace backplan {
namespace {

constexpr int kMaxPipelineAttempts = 3;

}  // namespace

using scheduling_internal::LayOut;
using scheduling_internal::ModeFromProto;
using scheduling_internal::ResourceOptionsFromProto;

absl::Status SchedulingServiceImpl::StoredSchedule(
    const rpc::CallScope& call, const v1::ScheduleRequest& request,
    v1::ScheduleResponse* response) {
  RETURN_IF_ERROR(call.tenant_status());
  ScheduleRequest schedule_request;
  ASSIGN_OR_RETURN(schedule_request.mode, ModeFromProto(request.mode()));
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                   OptionalDayFromProto(request.as_of(), "as_of"));
  schedule_request.today = as_of ? *as_of : today_();
  schedule_request.as_of = as_of;
  ASSIGN_OR_RETURN(
      Idempotency once,
      Idempotency::For("Schedule", request, request.idempotency_key()));
  ASSIGN_OR_RETURN(bool replayed,
                   once.Replay(*store_, call.tenant(), RecordOwner::kPlan,
                               request.plan_id(), response));
  if (replayed) return absl::OkStatus();

  // A plan edit between reading and writing makes the write ABORTED: redo the
  // read-compute-write a few times before giving the conflict to the caller.
  absl::Status status;
  for (int attempt = 0; attempt < kMaxPipelineAttempts; ++attempt) {
    response->Clear();
    // The plan and its priorities, parsed once per stored version
    // (services/common/plan_cache.h).
    ASSIGN_OR_RETURN(
        CachedPlanReader::ForSchedule loaded,
        plan_reader_.ReadForSchedule(call.tenant(), request.plan_id()));
    const Plan& plan = *loaded.plan;
    RETURN_IF_ERROR(ResourceOptionsFromProto(request.resources()).status());

    // Stored priorities of this version, else asked for.
    std::shared_ptr<const ParsedPriorities> priorities = loaded.priorities;
    if (priorities == nullptr && prioritization_ == nullptr) {
      response->set_degraded(true);
      response->set_degraded_reason("no prioritization service configured");
    } else if (priorities == nullptr) {
      v1::PrioritizeRequest prioritize;
      prioritize.set_plan_id(request.plan_id());
      // A key of its own per plan version, so the channel's retry policy
      // may retry it and a retry of this Schedule reuses its answer.
      prioritize.set_idempotency_key(
          once.NestedKey(call.request_id(), absl::StrCat(loaded.version)));
      v1::PrioritizeResponse prioritized;
      std::unique_ptr<grpc::ClientContext> context =
          call.NewDownstreamContext();
      rpc::ClientCallMetrics client_metrics(
          v1::PrioritizationService::service_full_name(), "Prioritize");
      grpc::Status rpc_status =
          prioritization_->Prioritize(context.get(), prioritize, &prioritized);
      client_metrics.Finish(rpc_status);
      if (rpc_status.ok() &&
          prioritized.priorities().plan_version() == loaded.version) {
        auto fresh = std::make_shared<ParsedPriorities>();
        const v1::Priorities& computed = prioritized.priorities();
        fresh->execution_order.assign(computed.execution_order().begin(),
                                      computed.execution_order().end());
        for (const v1::TaskPriority& task : computed.tasks()) {
          fresh->ranks[task.task_id()] = task.rank();
        }
        priorities = std::move(fresh);
      } else if (rpc_status.ok()) {
        // The plan moved on meanwhile; read it again (ABORTED if it keeps
        // moving; before, the last attempt ended OK with an empty response).
        status = absl::AbortedError(absl::StrCat(
            "plan \"", request.plan_id(),
            "\" kept changing while it was being prioritized; retry"));
        continue;
      } else if (rpc_status.error_code() ==
                 grpc::StatusCode::INVALID_ARGUMENT) {
        // The plan itself is wrong; the caller must hear it.
        return rpc::FromGrpcStatus(rpc_status);
      } else {
        response->set_degraded(true);
        response->set_degraded_reason(absl::StrCat(
            "prioritization: ",
            absl::StatusCodeToString(
                static_cast<absl::StatusCode>(rpc_status.error_code())),
            ": ", rpc_status.error_message()));
      }
    }
    static const std::vector<std::string>* const kNoOrder =
        new std::vector<std::string>();
    RETURN_IF_ERROR(LayOut(
        plan, schedule_request, request.resources(),
        priorities != nullptr ? priorities->execution_order : *kNoOrder,
        priorities != nullptr ? &priorities->ranks : nullptr,
        response->mutable_timeline(), [&call] { return call.ShouldStop(); },
        loaded.graph.get(), loaded.calendar.get()));
    status =
        once.PutStage(*store_, call.tenant(), request.plan_id(),
                      StagePart::kSchedule, loaded.version,
                      response->SerializeAsString(),
                      {"schedule.updated", call.request_id(), call.caller(),
                       ScheduleListingSummary(response->timeline())},
                      response)
            .status();
    if (!absl::IsAborted(status)) return status;
  }
  return status;
}

}  // namespace backplan

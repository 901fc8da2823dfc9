#include "services/prioritization/prioritization_service.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backplan/v1/scheduling.pb.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/prioritize/ahp.h"
#include "libs/prioritize/criteria.h"
#include "libs/prioritize/prioritize.h"
#include "services/common/idempotency.h"
#include "services/common/service_support.h"

namespace backplan {
namespace {

absl::StatusOr<AhpMatrix> AhpFromProto(const v1::AhpMatrix& in,
                                       absl::string_view field) {
  const int n = in.criteria_size();
  RETURN_IF_ERROR(CheckCriterionNames(
      std::vector<std::string>(in.criteria().begin(), in.criteria().end()),
      absl::StrCat(field, ".criteria")));
  if (in.values_size() != n * n) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".values: ", in.values_size(), " values for ", n,
                     " criteria (need ", n * n, ")"));
  }
  AhpMatrix matrix(n, std::vector<double>(n));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) matrix[i][j] = in.values(i * n + j);
  }
  return matrix;
}

v1::PriorityMethod MethodToProto(PrioritizationMethod method) {
  switch (method) {
    case PrioritizationMethod::kImportance:
      return v1::IMPORTANCE;
    case PrioritizationMethod::kHardestFirst:
      return v1::HARDEST_FIRST;
    case PrioritizationMethod::kQuickWins:
      return v1::QUICK_WINS;
    case PrioritizationMethod::kWsjf:
      return v1::WSJF;
    case PrioritizationMethod::kRice:
      return v1::RICE;
    case PrioritizationMethod::kWeighted:
      return v1::WEIGHTED;
  }
  return v1::WEIGHTED;
}

absl::StatusOr<PrioritizeOptions> OptionsFromProto(
    const v1::PrioritizeRequest& request) {
  PrioritizeOptions options;
  switch (request.method()) {
    case v1::PRIORITY_METHOD_UNSPECIFIED:  // Weighted, default weights.
      options.method = PrioritizationMethod::kWeighted;
      break;
    case v1::IMPORTANCE:
      options.method = PrioritizationMethod::kImportance;
      break;
    case v1::HARDEST_FIRST:
      options.method = PrioritizationMethod::kHardestFirst;
      break;
    case v1::QUICK_WINS:
      options.method = PrioritizationMethod::kQuickWins;
      break;
    case v1::WSJF:
      options.method = PrioritizationMethod::kWsjf;
      break;
    case v1::RICE:
      options.method = PrioritizationMethod::kRice;
      break;
    case v1::WEIGHTED:
      options.method = PrioritizationMethod::kWeighted;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("method: unknown value ", request.method()));
  }
  if (request.ahp().criteria_size() > 0 || request.ahp().values_size() > 0) {
    ASSIGN_OR_RETURN(options.ahp_matrix, AhpFromProto(request.ahp(), "ahp"));
    for (int i = 0; i < request.ahp().criteria_size(); ++i) {
      ASSIGN_OR_RETURN(Criterion c, CriterionFromName(
                                        request.ahp().criteria(i),
                                        absl::StrCat("ahp.criteria[", i, "]")));
      options.criteria.push_back({c, 0, PrefersLower(c)});
    }
  }
  for (int i = 0; i < request.weights_size(); ++i) {
    ASSIGN_OR_RETURN(
        Criterion c,
        CriterionFromName(request.weights(i).criterion(),
                          absl::StrCat("weights[", i, "].criterion")));
    options.criteria.push_back(
        {c, request.weights(i).weight(), PrefersLower(c)});
  }
  if (request.consistency_threshold() != 0) {
    options.ahp_max_consistency_ratio = request.consistency_threshold();
  }
  const v1::TierPolicy& tiers = request.tiers();
  if (tiers.capacity_days() != 0) {
    // Whole working days; NaN, infinities and values past int are refused
    // here, before the cast (NaN used to come back as -2147483648).
    if (!std::isfinite(tiers.capacity_days()) || tiers.capacity_days() < 0 ||
        tiers.capacity_days() > 1e6) {
      return absl::InvalidArgumentError(
          absl::StrCat("tiers.capacity_days = ", tiers.capacity_days(),
                       ": must be finite, > 0 and at most 1000000"));
    }
    options.capacity_days = static_cast<int>(tiers.capacity_days());
    if (tiers.must_fraction() != 0) options.tiers.must = tiers.must_fraction();
    if (tiers.should_fraction() != 0) {
      options.tiers.should = tiers.should_fraction();
    }
    if (tiers.could_fraction() != 0) {
      options.tiers.could = tiers.could_fraction();
    }
  }
  return options;
}

void PrioritiesToProto(const Priorities& in, absl::string_view plan_id,
                       v1::Priorities* out) {
  out->set_plan_id(std::string(plan_id));
  out->set_plan_version(in.plan_version);
  out->set_method(MethodToProto(in.method));
  for (const TaskPriority& task : in.tasks) {
    v1::TaskPriority* t = out->add_tasks();
    t->set_task_id(task.task_id);
    t->set_rank(task.rank);
    t->set_score(task.own_score);
    t->set_effective_score(task.effective_score);
    t->set_inherited_from(task.inherited_from);
    t->set_tier(static_cast<v1::Tier>(static_cast<int>(task.tier)));
    for (const Contribution& c : task.contributions) {
      v1::Contribution* contribution = t->add_contributions();
      contribution->set_criterion(c.criterion);
      contribution->set_value(c.raw_value);
      contribution->set_weight(c.weight);
      contribution->set_contribution(c.contribution);
      contribution->set_normalized_value(c.normalized_value);
      contribution->set_note(c.note);
    }
    t->set_order_value(task.order_value);
    t->set_order_size(task.order_size);
    t->set_set_index(task.set_index);
    t->set_set_tasks(task.set_tasks);
    t->set_set_ratio(task.set_ratio);
    for (const std::string& id : task.unlocks) t->add_unlocks(id);
    t->set_reason(task.reason);
  }
  for (const std::string& id : in.execution_order) out->add_execution_order(id);
  for (const CriterionWeight& w : in.weights) {
    v1::CriterionWeight* weight = out->add_weights();
    weight->set_criterion(w.criterion);
    weight->set_weight(w.weight);
  }
  out->set_weighted_completion(in.weighted_completion);
  out->set_fast_order(!in.exact_order);
  out->set_num_sets(in.num_sets);
}

}  // namespace

grpc::Status PrioritizationServiceImpl::Prioritize(
    grpc::ServerContext* context, const v1::PrioritizeRequest* request,
    v1::PrioritizeResponse* response) {
  rpc::CallScope call(context, "Prioritize");
  return call.Finish(DoPrioritize(call, *request, response));
}

absl::Status PrioritizationServiceImpl::DoPrioritize(
    const rpc::CallScope& call, const v1::PrioritizeRequest& request,
    v1::PrioritizeResponse* response) {
  ASSIGN_OR_RETURN(PrioritizeOptions options, OptionsFromProto(request));
  grpc::ServerContext* context = call.context();
  if (context != nullptr) {
    options.should_stop = [context] { return context->IsCancelled(); };
  }
  switch (request.source_case()) {
    case v1::PrioritizeRequest::kPlan: {
      if (request.urgency_from_schedule()) {
        return absl::InvalidArgumentError(
            "urgency_from_schedule: needs a stored plan (plan_id), whose "
            "stored schedule gives the slack");
      }
      ASSIGN_OR_RETURN(Plan plan, PlanFromProto(request.plan()));
      ASSIGN_OR_RETURN(Priorities priorities,
                       backplan::Prioritize(plan, options));
      PrioritiesToProto(priorities, request.plan().id(),
                        response->mutable_priorities());
      return absl::OkStatus();
    }
    case v1::PrioritizeRequest::kPlanId:
      break;
    default:
      return absl::InvalidArgumentError("source: give plan or plan_id");
  }
  RETURN_IF_ERROR(call.tenant_status());
  ASSIGN_OR_RETURN(LoadedPlan loaded,
                   LoadPlan(*store_, call.tenant(), request.plan_id()));
  ASSIGN_OR_RETURN(Plan plan, PlanFromProto(loaded.plan));
  if (request.urgency_from_schedule()) {
    if (!loaded.stored.schedule ||
        loaded.stored.schedule->plan_version != loaded.stored.version) {
      return absl::FailedPreconditionError(
          absl::StrCat("urgency_from_schedule: plan \"", request.plan_id(),
                       "\" has no schedule for its version ",
                       loaded.stored.version, "; schedule it first"));
    }
    v1::ScheduleResponse schedule;
    if (!schedule.ParseFromString(loaded.stored.schedule->data)) {
      return absl::DataLossError("stored schedule does not parse");
    }
    options.use_schedule_slack = true;
    options.slack_plan_version = loaded.stored.schedule->plan_version;
    for (const v1::ScheduledTask& task : schedule.timeline().tasks()) {
      if (task.kind() == v1::TASK && task.duration_days() > 0) {
        options.slack_days[task.id()] = task.slack_days();
      }
    }
  }
  ASSIGN_OR_RETURN(Priorities priorities, backplan::Prioritize(plan, options));
  v1::Priorities* out = response->mutable_priorities();
  PrioritiesToProto(priorities, request.plan_id(), out);
  out->set_plan_version(loaded.stored.version);
  ASSIGN_OR_RETURN(
      Idempotency once,
      Idempotency::For("Prioritize", request, request.idempotency_key()));
  absl::Status stored =
      once.PutStage(*store_, call.tenant(), request.plan_id(),
                    StagePart::kPriorities, loaded.stored.version,
                    out->SerializeAsString(),
                    {"priorities.updated", call.request_id(), call.caller()},
                    response)
          .status();
  if (absl::IsAborted(stored)) {
    // The plan changed while computing: the answer is stale and not stored.
    response->set_stale(true);
    return absl::OkStatus();
  }
  return stored;
}

grpc::Status PrioritizationServiceImpl::ComputeAhpWeights(
    grpc::ServerContext* context, const v1::ComputeAhpWeightsRequest* request,
    v1::AhpWeights* response) {
  rpc::CallScope call(context, "ComputeAhpWeights");
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(AhpMatrix matrix,
                     AhpFromProto(request->matrix(), "matrix"));
    const double threshold = request->consistency_threshold() == 0
                                 ? kDefaultMaxConsistencyRatio
                                 : request->consistency_threshold();
    ASSIGN_OR_RETURN(AhpResult result,
                     backplan::ComputeAhpWeights(matrix, threshold, "matrix"));
    for (size_t i = 0; i < result.weights.size(); ++i) {
      v1::CriterionWeight* weight = response->add_weights();
      weight->set_criterion(request->matrix().criteria(i));
      weight->set_weight(result.weights[i]);
    }
    response->set_lambda_max(result.lambda_max);
    response->set_consistency_index(result.consistency_index);
    response->set_consistency_ratio(result.consistency_ratio);
    return absl::OkStatus();
  }();
  return call.Finish(status);
}

}  // namespace backplan

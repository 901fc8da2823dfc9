// SchedulingServiceImpl::Options: what it takes to hit a date
// (libs/schedule/options.h) between protobuf and the library, inline and
// stored. The stored form reads the plan and, when current, its priorities
// (task values and execution order); it writes nothing.
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/schedule/options.h"
#include "services/scheduling/scheduling_internal.h"
#include "services/scheduling/scheduling_service.h"

namespace backplan {
namespace {

// Resource schedules per layout scored (each a short SGS search).
constexpr int kOptionsMaxSchedules = 200;

void ScoreToProto(const OptionScore& score, v1::Date* finish,
                  v1::Date* at_confidence) {
  *finish = DayToProto(score.finish);
  *at_confidence = DayToProto(score.finish_at_confidence);
}

void FillResponse(const PlanOptions& o, const OptionsRequest& request,
                  v1::OptionsResponse* out) {
  *out->mutable_start_date() = DayToProto(o.start_date);
  *out->mutable_target_date() = DayToProto(o.target);
  ScoreToProto(o.baseline, out->mutable_finish(),
               out->mutable_finish_at_confidence());
  out->set_probability_on_time(o.baseline.probability_on_time);
  out->set_on_time(o.baseline.holds);
  out->set_confidence(request.confidence.value_or(0));
  out->set_resource_constrained(o.resource_constrained);

  v1::OptionsResponse::CutScope* cut = out->mutable_cut_scope();
  cut->set_found(o.cut.found);
  cut->set_exact(o.cut.exact);
  cut->set_optional_items(o.cut.optional_items);
  for (const std::string& id : o.cut.cut_ids) cut->add_cut_ids(id);
  for (const std::string& id : o.cut.removed_task_ids) {
    cut->add_removed_task_ids(id);
  }
  cut->set_note(o.cut.note);
  if (o.cut.found) {
    cut->set_value_lost(o.cut.value_lost);
    cut->set_days_gained(o.cut.days_gained);
    ScoreToProto(o.cut.score, cut->mutable_finish(),
                 cut->mutable_finish_at_confidence());
    cut->set_probability_on_time(o.cut.score.probability_on_time);
  }

  v1::OptionsResponse::AddPeople* people = out->mutable_add_people();
  people->set_applicable(o.people.applicable);
  people->set_found(o.people.found);
  people->set_note(o.people.note);
  people->set_schedules_evaluated(o.people.schedules);
  if (o.people.found) {
    for (const auto& [pool, units] : o.people.extra) {
      v1::OptionsResponse::PoolUnits* p = people->add_extra();
      p->set_pool(pool);
      p->set_extra_units(units);
    }
    people->set_total_extra_units(o.people.total_extra_units);
    ScoreToProto(o.people.score, people->mutable_finish(),
                 people->mutable_finish_at_confidence());
    people->set_probability_on_time(o.people.score.probability_on_time);
  }

  v1::OptionsResponse::MoveDate* date = out->mutable_move_date();
  *date->mutable_target_date() = DayToProto(o.date.date);
  date->set_probability_on_time(o.date.probability_on_time);
  date->set_working_days_later(o.date.working_days_later);
  out->set_iterations(request.simulation.iterations);
  out->set_seed(request.simulation.seed);
}

}  // namespace

grpc::Status SchedulingServiceImpl::Options(grpc::ServerContext* context,
                                            const v1::OptionsRequest* request,
                                            v1::OptionsResponse* response) {
  rpc::CallScope call(context, "Options");
  // Polled by every search and simulation: the caller gave up or its
  // deadline passed.
  const auto deadline = context->deadline();
  auto stop = [context, deadline] {
    return context->IsCancelled() ||
           std::chrono::system_clock::now() >= deadline;
  };
  return call.Finish(DoOptions(call, *request, stop, response));
}

absl::Status SchedulingServiceImpl::DoOptions(const rpc::CallScope& call,
                                              const v1::OptionsRequest& request,
                                              std::function<bool()> stop,
                                              v1::OptionsResponse* response) {
  const OptionsLimits& limits = options_limits_;
  OptionsRequest options;
  if (request.confidence() != 0) options.confidence = request.confidence();
  ASSIGN_OR_RETURN(options.simulation.iterations,
                   scheduling_internal::IterationsFromProto(
                       request.iterations(), limits.max_iterations));
  options.simulation.seed = request.seed();
  options.simulation.pool = compute_pool_;
  switch (request.distribution()) {
    case v1::DURATION_DISTRIBUTION_UNSPECIFIED:
    case v1::PERT:
      options.simulation.distribution = DurationDistribution::kPert;
      break;
    case v1::TRIANGULAR:
      options.simulation.distribution = DurationDistribution::kTriangular;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("distribution: unknown value ", request.distribution()));
  }
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                   OptionalDayFromProto(request.as_of(), "as_of"));
  options.today = as_of ? *as_of : today_();
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> target,
                   OptionalDayFromProto(request.target_date(), "target_date"));
  options.max_optional_items = limits.max_optional_items;
  options.max_extra_units = limits.max_extra_units;
  options.max_people_schedules = limits.max_people_schedules;
  options.resources.max_schedules = kOptionsMaxSchedules;
  options.resources.seed = request.seed();
  options.stop = std::move(stop);

  v1::Plan plan_proto;
  switch (request.source_case()) {
    case v1::OptionsRequest::kPlan:
      plan_proto = request.plan();
      break;
    case v1::OptionsRequest::kPlanId: {
      RETURN_IF_ERROR(call.tenant_status());
      ASSIGN_OR_RETURN(LoadedPlan loaded,
                       LoadPlan(*store_, call.tenant(), request.plan_id()));
      plan_proto = std::move(loaded.plan);
      response->set_plan_id(request.plan_id());
      response->set_plan_version(loaded.stored.version);
      v1::Priorities priorities;
      if (loaded.stored.priorities &&
          loaded.stored.priorities->plan_version == loaded.stored.version &&
          priorities.ParseFromString(loaded.stored.priorities->data)) {
        for (const v1::TaskPriority& task : priorities.tasks()) {
          options.task_values[task.task_id()] = task.order_value();
        }
        options.simulation.priority_order.assign(
            priorities.execution_order().begin(),
            priorities.execution_order().end());
        options.resources.priority_order = options.simulation.priority_order;
      }
      break;
    }
    default:
      return absl::InvalidArgumentError("source: give plan or plan_id");
  }
  ASSIGN_OR_RETURN(Plan plan, PlanFromProto(plan_proto));
  options.target = target ? *target : plan.outcome.target_date;
  ASSIGN_OR_RETURN(PlanOptions result, FindOptions(plan, options));
  FillResponse(result, options, response);
  return absl::OkStatus();
}

}  // namespace backplan

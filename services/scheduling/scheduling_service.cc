#include "services/scheduling/scheduling_service.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/core/plan_edit.h"
#include "libs/rpc/grpc_status.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/export.h"
#include "libs/schedule/gantt.h"
#include "libs/schedule/progress.h"
#include "libs/schedule/rcpsp_plan.h"
#include "services/common/idempotency.h"
#include "services/common/listing_summary.h"
#include "services/scheduling/scheduling_internal.h"

namespace backplan {
namespace scheduling_internal {

absl::StatusOr<ScheduleMode> ModeFromProto(v1::ScheduleMode mode) {
  switch (mode) {
    case v1::SCHEDULE_MODE_UNSPECIFIED:
    case v1::BACKWARD:
      return ScheduleMode::kBackward;
    case v1::FORWARD:
      return ScheduleMode::kForward;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("mode: unknown value ", mode));
  }
}

constexpr int kDefaultMaxSchedules = 1000;
constexpr int kMaxMaxSchedules = 1000000;
constexpr int kDefaultTimeLimitMs = 500;
constexpr int kMaxTimeLimitMs = 60000;

// Resource options: 0 means the server default; negative or above the
// limits is refused.
absl::StatusOr<ResourceScheduleOptions> ResourceOptionsFromProto(
    const v1::ResourceOptions& resources, std::function<bool()> stop,
    std::shared_ptr<std::atomic<int>> why) {
  if (resources.max_schedules() < 0 ||
      resources.max_schedules() > kMaxMaxSchedules) {
    return absl::InvalidArgumentError(
        absl::StrCat("resources.max_schedules: ", resources.max_schedules(),
                     " is out of range 0-", kMaxMaxSchedules));
  }
  if (resources.time_limit_ms() < 0 ||
      resources.time_limit_ms() > kMaxTimeLimitMs) {
    return absl::InvalidArgumentError(
        absl::StrCat("resources.time_limit_ms: ", resources.time_limit_ms(),
                     " is out of range 0-", kMaxTimeLimitMs));
  }
  ResourceScheduleOptions options;
  options.max_schedules = resources.max_schedules() == 0
                              ? kDefaultMaxSchedules
                              : resources.max_schedules();
  options.seed = resources.seed();
  const absl::Time end =
      absl::Now() + absl::Milliseconds(resources.time_limit_ms() == 0
                                           ? kDefaultTimeLimitMs
                                           : resources.time_limit_ms());
  options.out_of_time = [end, stop = std::move(stop), why = std::move(why)] {
    int reason = 0;
    if (stop && stop()) {
      reason = kSearchStoppedByCall;
    } else if (absl::Now() >= end) {
      reason = kSearchStoppedByTime;
    }
    if (reason != 0 && why != nullptr) why->store(reason);
    return reason != 0;
  };
  return options;
}

v1::NodeKind KindToProto(PlanGraph::Kind kind) {
  switch (kind) {
    case PlanGraph::Kind::kTask:
      return v1::TASK;
    case PlanGraph::Kind::kGoal:
      return v1::GOAL;
    case PlanGraph::Kind::kOutcome:
      return v1::OUTCOME;
  }
  return v1::TASK;
}

const std::string& NodeTitle(const Plan& plan, const ScheduledNode& node) {
  switch (node.kind) {
    case PlanGraph::Kind::kTask:
      return plan.tasks[node.source_index].title;
    case PlanGraph::Kind::kGoal:
      return plan.goals[node.source_index].title;
    case PlanGraph::Kind::kOutcome:
      return plan.outcome.title;
  }
  static const std::string* const kNone = new std::string();
  return *kNone;
}

// DayToProto written in place (no temporary message to copy).
void SetDay(absl::CivilDay day, v1::Date* out) {
  out->set_year(static_cast<int32_t>(day.year()));
  out->set_month(day.month());
  out->set_day(day.day());
}

// Fills `out` from `timeline`. With `ranks` (task id -> rank), ranked tasks
// come first in rank order, then the rest in timeline order.
void TimelineToProto(const Plan& plan, const Timeline& timeline,
                     const absl::flat_hash_map<std::string, int>* ranks,
                     v1::Timeline* out,
                     const ResourceTimeline* resources = nullptr) {
  if (resources != nullptr) {
    out->set_resource_constrained(true);
    out->set_makespan_days(resources->makespan_days);
    out->set_lower_bound_days(resources->lower_bound_days);
    out->set_gap_percent(resources->gap_percent);
    out->set_critical_path_bound_days(resources->critical_path_bound_days);
    out->set_resource_bound_days(resources->resource_bound_days);
    out->set_energy_bound_days(resources->energy_bound_days);
    out->set_conflict_bound_days(resources->conflict_bound_days);
    out->set_lower_bound_name(resources->lower_bound_name);
    out->set_schedules_generated(resources->schedules);
  }
  out->set_plan_id(plan.id);
  out->set_plan_version(plan.version);
  out->set_mode(timeline.mode == ScheduleMode::kForward ? v1::FORWARD
                                                        : v1::BACKWARD);
  *out->mutable_start_date() = DayToProto(timeline.start_date);
  *out->mutable_target_date() = DayToProto(timeline.target_date);
  *out->mutable_final_milestone() = DayToProto(timeline.final_milestone);
  out->set_feasible(timeline.feasible);
  out->set_days_short(static_cast<int32_t>(timeline.days_short));
  *out->mutable_earliest_finish() = DayToProto(timeline.earliest_finish);
  for (const std::string& id : timeline.critical_path) {
    out->add_critical_path(id);
  }
  for (const std::string& id : timeline.causing_chain) {
    out->add_causing_chain(id);
  }
  std::vector<int> order(timeline.nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  // Each node's rank (0: none), looked up once rather than per comparison.
  std::vector<int> rank(timeline.nodes.size(), 0);
  if (ranks != nullptr) {
    for (size_t i = 0; i < rank.size(); ++i) {
      auto it = ranks->find(timeline.nodes[i].id);
      if (it != ranks->end()) rank[i] = it->second;
    }
    std::stable_sort(order.begin(), order.end(), [&rank](int a, int b) {
      const int ra = rank[a], rb = rank[b];
      if ((ra == 0) != (rb == 0)) return ra != 0;
      return ra < rb;
    });
  }
  auto rank_of = [&rank](int node) { return rank[node]; };
  out->mutable_tasks()->Reserve(static_cast<int>(order.size()));
  for (int index : order) {
    const ScheduledNode& node = timeline.nodes[index];
    v1::ScheduledTask* task = out->add_tasks();
    task->set_id(node.id);
    task->set_title(NodeTitle(plan, node));
    task->set_kind(KindToProto(node.kind));
    task->set_duration_days(node.duration_days);
    SetDay(node.earliest_start, task->mutable_earliest_start());
    SetDay(node.earliest_finish, task->mutable_earliest_finish());
    SetDay(node.latest_start, task->mutable_latest_start());
    SetDay(node.deadline, task->mutable_deadline());
    SetDay(node.planned_start, task->mutable_planned_start());
    task->set_slack_days(static_cast<int32_t>(node.slack_days));
    task->set_critical(node.critical);
    v1::DeadlineReason* reason = task->mutable_deadline_reason();
    switch (node.deadline_reason.kind) {
      case DeadlineReason::Kind::kSuccessor:
        reason->set_kind(v1::DeadlineReason::SUCCESSOR);
        reason->set_successor_id(
            timeline.nodes[node.deadline_reason.successor].id);
        break;
      case DeadlineReason::Kind::kFixedDeadline:
        reason->set_kind(v1::DeadlineReason::FIXED_DEADLINE);
        break;
      case DeadlineReason::Kind::kTarget:
        reason->set_kind(v1::DeadlineReason::TARGET);
        break;
      case DeadlineReason::Kind::kDone:
        reason->set_kind(v1::DeadlineReason::KIND_UNSPECIFIED);
        break;
    }
    task->set_rank(rank_of(index));
    if (resources != nullptr) {
      for (const std::string& name : resources->assignees[index]) {
        task->add_assignees(name);
      }
      WaitToProto(*resources, index, task);
    }
  }
}

void ChangesToProto(const std::vector<DeadlineChange>& changes,
                    v1::Timeline* out) {
  for (const DeadlineChange& change : changes) {
    v1::DeadlineChange* c = out->add_moved_deadlines();
    c->set_id(change.id);
    *c->mutable_old_deadline() = DayToProto(change.old_deadline);
    *c->mutable_new_deadline() = DayToProto(change.new_deadline);
  }
}

// Lays out `plan`: under its resources when a task demands a pool (with
// `order` as the caller's priority rule), else by the critical path.
absl::Status LayOut(const Plan& plan, const ScheduleRequest& request,
                    const v1::ResourceOptions& resources,
                    const std::vector<std::string>& order,
                    const absl::flat_hash_map<std::string, int>* ranks,
                    v1::Timeline* out, std::function<bool()> stop,
                    const PlanGraph* graph, const WorkingCalendar* calendar) {
  auto why = std::make_shared<std::atomic<int>>(0);
  ASSIGN_OR_RETURN(ResourceScheduleOptions options,
                   ResourceOptionsFromProto(resources, std::move(stop), why));
  if (!UsesResources(plan)) {
    absl::StatusOr<Timeline> timeline =
        graph != nullptr && calendar != nullptr
            ? backplan::Schedule(plan, *graph, *calendar, request)
            : backplan::Schedule(plan, request);
    if (!timeline.ok()) return timeline.status();
    TimelineToProto(plan, *timeline, ranks, out);
    return absl::OkStatus();
  }
  options.priority_order = order;
  ASSIGN_OR_RETURN(ResourceTimeline timeline,
                   ScheduleWithResources(plan, request, options));
  TimelineToProto(plan, timeline.timeline, ranks, out, &timeline);
  SearchToProto(timeline, options, why->load(), out);
  return absl::OkStatus();
}

}  // namespace scheduling_internal

using scheduling_internal::ChangesToProto;
using scheduling_internal::LayOut;
using scheduling_internal::ModeFromProto;
using scheduling_internal::PeopleOf;
using scheduling_internal::ResourceOptionsFromProto;
using scheduling_internal::SearchToProto;
using scheduling_internal::StoredAssignees;
using scheduling_internal::TimelineToProto;

grpc::Status SchedulingServiceImpl::Schedule(grpc::ServerContext* context,
                                             const v1::ScheduleRequest* request,
                                             v1::ScheduleResponse* response) {
  rpc::CallScope call(context, "Schedule");
  return call.Finish(DoSchedule(call, *request, response));
}

absl::Status SchedulingServiceImpl::DoSchedule(
    const rpc::CallScope& call, const v1::ScheduleRequest& request,
    v1::ScheduleResponse* response) {
  switch (request.source_case()) {
    case v1::ScheduleRequest::kPlan:
      break;
    case v1::ScheduleRequest::kPlanId:
      return StoredSchedule(call, request, response);
    default:
      return absl::InvalidArgumentError("source: give plan or plan_id");
  }
  ASSIGN_OR_RETURN(Plan plan, PlanFromProto(request.plan()));
  ScheduleRequest schedule_request;
  ASSIGN_OR_RETURN(schedule_request.mode, ModeFromProto(request.mode()));
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                   OptionalDayFromProto(request.as_of(), "as_of"));
  schedule_request.today = as_of ? *as_of : today_();
  schedule_request.as_of = as_of;
  return LayOut(plan, schedule_request, request.resources(), {}, nullptr,
                response->mutable_timeline(),
                [&call] { return call.ShouldStop(); });
}

grpc::Status SchedulingServiceImpl::ReportProgress(
    grpc::ServerContext* context, const v1::ReportProgressRequest* request,
    v1::ReportProgressResponse* response) {
  rpc::CallScope call(context, "ReportProgress");
  return call.Finish(DoReportProgress(call, *request, response));
}

absl::Status SchedulingServiceImpl::DoReportProgress(
    const rpc::CallScope& call, const v1::ReportProgressRequest& request,
    v1::ReportProgressResponse* response) {
  RETURN_IF_ERROR(call.tenant_status());
  if (request.base_version() <= 0) {
    return absl::InvalidArgumentError("base_version: required (>= 1)");
  }
  RETURN_IF_ERROR(Required(request.plan_id(), "plan_id"));
  ASSIGN_OR_RETURN(
      Idempotency once,
      Idempotency::For("ReportProgress", request, request.idempotency_key()));
  ASSIGN_OR_RETURN(bool replayed,
                   once.Replay(*store_, call.tenant(), RecordOwner::kPlan,
                               request.plan_id(), response));
  if (replayed) return absl::OkStatus();
  ASSIGN_OR_RETURN(LoadedPlan loaded,
                   LoadPlan(*store_, call.tenant(), request.plan_id()));
  if (loaded.stored.version != request.base_version()) {
    // A retry racing its twin (see EditPlan): the twin's record says so.
    ASSIGN_OR_RETURN(replayed,
                     once.Replay(*store_, call.tenant(), RecordOwner::kPlan,
                                 request.plan_id(), response));
    if (replayed) return absl::OkStatus();
    return absl::AbortedError(
        absl::StrCat("plan \"", request.plan_id(), "\" is at version ",
                     loaded.stored.version, ", not ", request.base_version(),
                     "; read it again and redo the change"));
  }
  ASSIGN_OR_RETURN(Plan before, PlanFromProto(loaded.plan));
  before.id = request.plan_id();
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                   OptionalDayFromProto(request.as_of(), "as_of"));
  const absl::CivilDay as_of_day = as_of ? *as_of : today_();

  // Unknown tasks are reported before progress that does not convert.
  std::vector<ProgressUpdate> updates(request.updates_size());
  absl::Status conversion;
  for (int u = 0; u < request.updates_size(); ++u) {
    updates[u].task_id = request.updates(u).task_id();
    absl::StatusOr<TaskProgress> progress =
        ProgressFromProto(request.updates(u).progress(),
                          absl::StrCat("updates[", u, "].progress"));
    if (progress.ok()) {
      updates[u].progress = *std::move(progress);
    } else if (conversion.ok()) {
      conversion = progress.status();
    }
  }
  Plan after = before;
  ASSIGN_OR_RETURN(std::vector<int> positions,
                   ApplyProgressUpdates(updates, &after));
  RETURN_IF_ERROR(conversion);
  v1::Plan edited = loaded.plan;
  for (int u = 0; u < request.updates_size(); ++u) {
    *edited.mutable_tasks(positions[u])->mutable_progress() =
        request.updates(u).progress();
  }
  ScheduleRequest old_request;
  old_request.today = as_of_day;
  ScheduleRequest new_request;
  new_request.today = as_of_day;
  new_request.as_of = as_of_day;
  Timeline old_timeline, new_timeline;
  // Plans with people: both layouts under the pools; work in progress keeps
  // the members the stored schedule gave it.
  std::optional<ResourceTimeline> people;
  ResourceScheduleOptions search;
  auto why = std::make_shared<std::atomic<int>>(0);
  if (UsesResources(before)) {
    auto options = [&]() {
      return ResourceOptionsFromProto(
          request.resources(), [&call] { return call.ShouldStop(); }, why);
    };
    ASSIGN_OR_RETURN(search, options());
    ASSIGN_OR_RETURN(ResourceTimeline old_rt,
                     ScheduleWithResources(before, old_request, search));
    old_timeline = std::move(old_rt.timeline);
    ASSIGN_OR_RETURN(search, options());  // A time limit of its own.
    if (loaded.stored.schedule) {
      search.kept_assignees = StoredAssignees(loaded.stored.schedule->data);
    }
    ASSIGN_OR_RETURN(people, ScheduleWithResources(after, new_request, search));
    new_timeline = people->timeline;
  } else {
    ASSIGN_OR_RETURN(old_timeline, backplan::Schedule(before, old_request));
    ASSIGN_OR_RETURN(new_timeline, backplan::Schedule(after, new_request));
  }

  // The response is complete before the write: its record is kept with it.
  const int64_t version = request.base_version() + 1;
  after.version = version;
  v1::ScheduleResponse stored;
  TimelineToProto(after, new_timeline, nullptr, stored.mutable_timeline(),
                  people ? &*people : nullptr);
  if (people)
    SearchToProto(*people, search, why->load(), stored.mutable_timeline());
  ChangesToProto(ChangedDeadlines(old_timeline, new_timeline),
                 stored.mutable_timeline());
  response->set_version(version);
  *response->mutable_timeline() = stored.timeline();
  ASSIGN_OR_RETURN(
      replayed, once.PutPlan(*store_, call.tenant(), request.plan_id(),
                             request.base_version(), edited.SerializeAsString(),
                             {"plan.edited", call.request_id(), call.caller(),
                              PlanListingSummary(edited)},
                             response));
  if (replayed) return absl::OkStatus();
  absl::Status put =
      store_->PutStage(call.tenant(), request.plan_id(), StagePart::kSchedule,
                       version, stored.SerializeAsString(),
                       {"schedule.updated", call.request_id(), call.caller(),
                        ScheduleListingSummary(stored.timeline())});
  // A newer edit already landed: the progress is stored, the schedule is
  // simply not the latest one, which its version shows.
  if (!put.ok() && !absl::IsAborted(put)) return put;
  return absl::OkStatus();
}

grpc::Status SchedulingServiceImpl::Export(grpc::ServerContext* context,
                                           const v1::ExportRequest* request,
                                           v1::ExportResponse* response) {
  rpc::CallScope call(context, "Export");
  return call.Finish(DoExport(call, *request, response));
}

absl::Status SchedulingServiceImpl::DoExport(const rpc::CallScope& call,
                                             const v1::ExportRequest& request,
                                             v1::ExportResponse* response) {
  v1::Plan source;
  std::optional<std::string> stored_simulation;  // Of the current version.
  switch (request.source_case()) {
    case v1::ExportRequest::kPlan:
      source = request.plan();
      break;
    case v1::ExportRequest::kPlanId: {
      RETURN_IF_ERROR(call.tenant_status());
      ASSIGN_OR_RETURN(LoadedPlan loaded,
                       LoadPlan(*store_, call.tenant(), request.plan_id()));
      const auto& simulation = loaded.stored.simulation;
      if (simulation && simulation->plan_version == loaded.stored.version) {
        stored_simulation = simulation->data;
      }
      source = std::move(loaded.plan);
      source.set_id(request.plan_id());
      break;
    }
    default:
      return absl::InvalidArgumentError("source: give plan or plan_id");
  }
  ASSIGN_OR_RETURN(Plan plan, PlanFromProto(source));
  const bool ics = request.format() == v1::EXPORT_FORMAT_UNSPECIFIED ||
                   request.format() == v1::ICS;
  if (!ics &&
      request.ics_events() != v1::ExportRequest::ICS_EVENTS_UNSPECIFIED) {
    return absl::InvalidArgumentError("ics_events: only for format ICS");
  }
  if (request.has_simulation() && request.format() != v1::HTML &&
      request.format() != v1::SVG) {
    return absl::InvalidArgumentError(
        "simulation: only for format HTML or SVG");
  }
  ScheduleRequest schedule_request;
  ASSIGN_OR_RETURN(schedule_request.mode, ModeFromProto(request.mode()));
  ASSIGN_OR_RETURN(std::optional<absl::CivilDay> as_of,
                   OptionalDayFromProto(request.as_of(), "as_of"));
  schedule_request.today = as_of ? *as_of : today_();
  schedule_request.as_of = as_of;
  // Plans with demands are laid out under their resources (default search
  // options); named members become the Gantt chart's swim lanes.
  Timeline timeline;
  GanttOptions gantt;
  std::optional<ExportPeople> people;
  if (UsesResources(plan)) {
    ASSIGN_OR_RETURN(ResourceScheduleOptions options,
                     ResourceOptionsFromProto(request.resources(), [&call] {
                       return call.ShouldStop();
                     }));
    ASSIGN_OR_RETURN(ResourceTimeline laid,
                     ScheduleWithResources(plan, schedule_request, options));
    people = PeopleOf(laid);
    timeline = std::move(laid.timeline);
    gantt.assignees = std::move(laid.assignees);
  } else {
    ASSIGN_OR_RETURN(timeline, backplan::Schedule(plan, schedule_request));
  }
  if (request.has_simulation()) {
    ASSIGN_OR_RETURN(
        gantt.risk,
        ExportRisk(call, request, source,
                   stored_simulation ? &*stored_simulation : nullptr));
  }
  switch (request.format()) {
    case v1::EXPORT_FORMAT_UNSPECIFIED:
    case v1::ICS: {
      IcsOptions options;
      switch (request.ics_events()) {
        case v1::ExportRequest::ICS_EVENTS_UNSPECIFIED:
        case v1::ExportRequest::VTODO:
          break;
        case v1::ExportRequest::DEADLINE:
          options.events = IcsEvents::kDeadline;
          break;
        case v1::ExportRequest::SPAN:
          options.events = IcsEvents::kSpan;
          break;
        default:
          return absl::InvalidArgumentError(
              absl::StrCat("ics_events: unknown value ", request.ics_events()));
      }
      options.dtstamp_utc =
          absl::ToCivilSecond(absl::Now(), absl::UTCTimeZone());
      if (people) options.people = &*people;
      ASSIGN_OR_RETURN(*response->mutable_body(),
                       ExportIcs(plan, timeline, options));
      response->set_content_type("text/calendar; charset=utf-8");
      break;
    }
    case v1::MERMAID: {
      MermaidOptions options;
      if (people) options.people = &*people;
      ASSIGN_OR_RETURN(*response->mutable_body(),
                       ExportMermaidGantt(plan, timeline, options));
      response->set_content_type("text/vnd.mermaid; charset=utf-8");
      break;
    }
    case v1::CSV: {
      ASSIGN_OR_RETURN(*response->mutable_body(),
                       ExportCsv(plan, timeline, people ? &*people : nullptr));
      response->set_content_type("text/csv; charset=utf-8");
      break;
    }
    case v1::HTML: {
      ASSIGN_OR_RETURN(*response->mutable_body(),
                       ExportGanttHtml(plan, timeline, gantt));
      response->set_content_type("text/html; charset=utf-8");
      break;
    }
    case v1::SVG: {
      ASSIGN_OR_RETURN(*response->mutable_body(),
                       ExportGanttSvg(plan, timeline, gantt));
      response->set_content_type("image/svg+xml");
      break;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("format: unknown value ", request.format()));
  }
  return absl::OkStatus();
}

}  // namespace backplan

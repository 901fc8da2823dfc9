// Helpers of SchedulingServiceImpl shared between its source files
// (scheduling_service.cc, stored_schedule.cc, resource_fields.cc). Internal to
// the service.
#ifndef BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_INTERNAL_H_
#define BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_INTERNAL_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backplan/v1/scheduling.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/export.h"
#include "libs/schedule/rcpsp_plan.h"

namespace backplan::scheduling_internal {

// The mode asked for; unset means BACKWARD. INVALID_ARGUMENT "mode: ..." for
// an unknown value.
absl::StatusOr<ScheduleMode> ModeFromProto(v1::ScheduleMode mode);

// Simulation runs asked for in a request's `iterations` (Simulate, Options):
// 0 means kDefaultSimulationIterations; outside 0..`max` is INVALID_ARGUMENT
// naming the field.
inline constexpr int kDefaultSimulationIterations = 1000;
absl::StatusOr<int> IterationsFromProto(int iterations, int max);

// Resource options: 0 means the server default; negative or above the
// limits is INVALID_ARGUMENT naming the field. The search ends at the time
// limit or as soon as `stop` (e.g. the call's ShouldStop) returns true;
// `why`, when given, then holds kSearchStoppedByTime or ...ByCall.
inline constexpr int kSearchStoppedByTime = 1;
inline constexpr int kSearchStoppedByCall = 2;
absl::StatusOr<ResourceScheduleOptions> ResourceOptionsFromProto(
    const v1::ResourceOptions& resources, std::function<bool()> stop = {},
    std::shared_ptr<std::atomic<int>> why = nullptr);

// In resource_fields.cc. Timeline.search_stopped_by, max_schedules and seed
// of a search run with `options` that ended for `why` (0 or kSearchStopped*).
void SearchToProto(const ResourceTimeline& timeline,
                   const ResourceScheduleOptions& options, int why,
                   v1::Timeline* out);
// resource_slack_days, resource_critical and waits_for of node `index`.
void WaitToProto(const ResourceTimeline& timeline, int index,
                 v1::ScheduledTask* out);
// The people side of `timeline` for the exporters (export.h).
ExportPeople PeopleOf(const ResourceTimeline& timeline);
// Task id -> assignees of a stored v1::ScheduleResponse (`data`); empty when
// it does not parse.
absl::flat_hash_map<std::string, std::vector<std::string>> StoredAssignees(
    const std::string& data);

// Lays out `plan` into `out`: under its resources when a task demands a pool
// (with `order` as the priority rule), else by the critical path. With
// `ranks` (task id -> rank), ranked tasks are listed first in rank order.
// `graph` and `calendar`, when both given, must be BuildPlanGraph(plan) and
// WorkingCalendar::Create(plan.calendar) (e.g. cached with the plan); the
// critical-path schedule then uses them instead of building its own.
absl::Status LayOut(const Plan& plan, const ScheduleRequest& request,
                    const v1::ResourceOptions& resources,
                    const std::vector<std::string>& order,
                    const absl::flat_hash_map<std::string, int>* ranks,
                    v1::Timeline* out, std::function<bool()> stop = {},
                    const PlanGraph* graph = nullptr,
                    const WorkingCalendar* calendar = nullptr);

}  // namespace backplan::scheduling_internal

#endif  // BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_INTERNAL_H_

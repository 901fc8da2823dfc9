// Helpers of SchedulingServiceImpl shared between its source files
// (scheduling_service.cc, stored_schedule.cc). Internal to the service.
#ifndef BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_INTERNAL_H_
#define BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backplan/v1/scheduling.pb.h"
#include "libs/core/plan.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/rcpsp_plan.h"

namespace backplan::scheduling_internal {

// The mode asked for; unset means BACKWARD. INVALID_ARGUMENT "mode: ..." for
// an unknown value.
absl::StatusOr<ScheduleMode> ModeFromProto(v1::ScheduleMode mode);

// Resource options: 0 means the server default; negative or above the
// limits is INVALID_ARGUMENT naming the field.
absl::StatusOr<ResourceScheduleOptions> ResourceOptionsFromProto(
    const v1::ResourceOptions& resources);

// Lays out `plan` into `out`: under its resources when a task demands a pool
// (with `order` as the priority rule), else by the critical path. With
// `ranks` (task id -> rank), ranked tasks are listed first in rank order.
absl::Status LayOut(const Plan& plan, const ScheduleRequest& request,
                    const v1::ResourceOptions& resources,
                    const std::vector<std::string>& order,
                    const absl::flat_hash_map<std::string, int>* ranks,
                    v1::Timeline* out);

}  // namespace backplan::scheduling_internal

#endif  // BACKPLAN_SERVICES_SCHEDULING_SCHEDULING_INTERNAL_H_

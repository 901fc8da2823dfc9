// Conversion between the protobuf contracts (proto/backplan/v1/plan.proto)
// and the plain C++ plan model (libs/core/plan.h). Service classes and tools
// call these once at the edge; algorithms never see protobuf.
//
// FromProto functions check what the C++ types cannot express (a required
// date that is missing, a date that does not exist, an unknown enum value)
// and return INVALID_ARGUMENT naming the field, e.g.
// `tasks[2].fixed_deadline: 2027-02-30 is not a valid date`. Ranges and
// references are checked later by BuildPlanGraph.
#ifndef BACKPLAN_LIBS_CONVERT_PLAN_CONVERT_H_
#define BACKPLAN_LIBS_CONVERT_PLAN_CONVERT_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "backplan/v1/plan.pb.h"
#include "libs/core/plan.h"

namespace backplan {

// True when the message has any field set (an unset Date is all zero).
bool IsSet(const v1::Date& date);

// The day `date` names. INVALID_ARGUMENT naming `field` when it is unset or
// not a real calendar day.
absl::StatusOr<absl::CivilDay> DayFromProto(const v1::Date& date,
                                            absl::string_view field);
// std::nullopt for an unset date; otherwise as DayFromProto.
absl::StatusOr<std::optional<absl::CivilDay>> OptionalDayFromProto(
    const v1::Date& date, absl::string_view field);
v1::Date DayToProto(absl::CivilDay day);

absl::StatusOr<CalendarSpec> CalendarFromProto(const v1::Calendar& calendar);
void CalendarToProto(const CalendarSpec& spec, v1::Calendar* out);

absl::StatusOr<TaskProgress> ProgressFromProto(const v1::TaskProgress& in,
                                               absl::string_view field);
void ProgressToProto(const TaskProgress& in, v1::TaskProgress* out);

// Attribute blocks convert as they are (ranges are checked by validation);
// shared by tasks and recipe tasks.
TaskAttributes AttributesFromProto(const v1::TaskAttributes& in);
void AttributesToProto(const TaskAttributes& in, v1::TaskAttributes* out);

absl::StatusOr<Task> TaskFromProto(const v1::Task& in, absl::string_view field);
void TaskToProto(const Task& in, v1::Task* out);

Goal GoalFromProto(const v1::Goal& in);
void GoalToProto(const Goal& in, v1::Goal* out);

// The whole plan. The target date is required.
absl::StatusOr<Plan> PlanFromProto(const v1::Plan& in);
void PlanToProto(const Plan& in, v1::Plan* out);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CONVERT_PLAN_CONVERT_H_

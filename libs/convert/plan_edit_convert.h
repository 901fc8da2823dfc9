// Conversion of manual breakdown edits (decomposition.proto PlanEdit) to the
// plain model of libs/core/plan_edit.h, and of an edited plan back to the
// wire form with every element taken from the message it came from.
//
//   ASSIGN_OR_RETURN(Plan plan, PlanFromProto(stored));
//   ASSIGN_OR_RETURN(std::vector<PlanEdit> edits,
//                    PlanEditsFromProto(request.edits()));
//   ASSIGN_OR_RETURN(PlanEditOrigins origins, ApplyPlanEdits(edits, &plan));
//   RETURN_IF_ERROR(ValidatePlan(plan));
//   v1::Plan edited = EditedPlanToProto(stored, request.edits(), plan,
//                                       origins);
#ifndef BACKPLAN_LIBS_CONVERT_PLAN_EDIT_CONVERT_H_
#define BACKPLAN_LIBS_CONVERT_PLAN_EDIT_CONVERT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "backplan/v1/decomposition.pb.h"
#include "backplan/v1/plan.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "libs/core/plan.h"
#include "libs/core/plan_edit.h"

namespace backplan {

// The edits in plain form. An empty edit becomes PlanEdit::Kind::kNone (which
// ApplyPlanEdits refuses in its turn). INVALID_ARGUMENT naming the field
// (`edits[2].add_task.task.fixed_deadline: ...`) for a task that does not
// convert.
absl::StatusOr<std::vector<PlanEdit>> PlanEditsFromProto(
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits);

// `edited` (the result of ApplyPlanEdits on PlanFromProto(`base`) with the
// edits of `edits`) as a message: tasks, goals and dependencies are copied
// from `base` or `edits` as `origins` says, so they keep every field as sent;
// goals then take their sub-goal and task lists and their state from
// `edited`. The outcome, calendar and pools come from the last set_* edit
// that replaced them, as sent; everything else from `base`.
v1::Plan EditedPlanToProto(
    const v1::Plan& base,
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits,
    const Plan& edited, const PlanEditOrigins& origins);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_CONVERT_PLAN_EDIT_CONVERT_H_

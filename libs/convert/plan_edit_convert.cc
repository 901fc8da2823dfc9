#include "libs/convert/plan_edit_convert.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"

namespace backplan {
namespace {

Dependency DependencyFromProto(const v1::Dependency& in) {
  return {in.predecessor_id(), in.successor_id(), in.lag_days()};
}

const v1::Task& SourceTask(
    const v1::Plan& base,
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits,
    const EditOrigin& origin) {
  if (origin.edit < 0) return base.tasks(origin.index);
  const v1::PlanEdit& edit = edits.Get(origin.edit);
  switch (edit.edit_case()) {
    case v1::PlanEdit::kExpandGoal:
      return edit.expand_goal().tasks(origin.index);
    case v1::PlanEdit::kAddTask:
      return edit.add_task().task();
    default:
      return edit.update_task();
  }
}

const v1::Goal& SourceGoal(
    const v1::Plan& base,
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits,
    const EditOrigin& origin) {
  if (origin.edit < 0) return base.goals(origin.index);
  const v1::PlanEdit& edit = edits.Get(origin.edit);
  switch (edit.edit_case()) {
    case v1::PlanEdit::kExpandGoal:
      return edit.expand_goal().sub_goals(origin.index);
    case v1::PlanEdit::kAddGoal:
      return edit.add_goal().goal();
    default:
      return edit.update_goal();
  }
}

// Converts the part of the plan a kSet* edit replaces by converting a plan
// holding just that part; errors are prefixed with the edit's field.
absl::StatusOr<Plan> PartFromProto(v1::Plan part, absl::string_view field) {
  if (!part.has_outcome()) {
    // Set edits other than set_outcome carry no outcome: any valid date.
    part.mutable_outcome()->mutable_target_date()->set_year(2000);
    part.mutable_outcome()->mutable_target_date()->set_month(1);
    part.mutable_outcome()->mutable_target_date()->set_day(1);
  }
  absl::StatusOr<Plan> plan = PlanFromProto(part);
  if (!plan.ok()) {
    return absl::Status(plan.status().code(),
                        absl::StrCat(field, ": ", plan.status().message()));
  }
  return plan;
}

}  // namespace

absl::StatusOr<std::vector<PlanEdit>> PlanEditsFromProto(
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits) {
  std::vector<PlanEdit> out(edits.size());
  for (int e = 0; e < edits.size(); ++e) {
    const v1::PlanEdit& in = edits.Get(e);
    PlanEdit& edit = out[e];
    const std::string field = absl::StrCat("edits[", e, "]");
    switch (in.edit_case()) {
      case v1::PlanEdit::kExpandGoal: {
        edit.kind = PlanEdit::Kind::kExpandGoal;
        edit.target_id = in.expand_goal().goal_id();
        for (const v1::Goal& goal : in.expand_goal().sub_goals()) {
          edit.goals.push_back(GoalFromProto(goal));
        }
        for (int t = 0; t < in.expand_goal().tasks_size(); ++t) {
          ASSIGN_OR_RETURN(
              Task task,
              TaskFromProto(
                  in.expand_goal().tasks(t),
                  absl::StrCat(field, ".expand_goal.tasks[", t, "]")));
          edit.tasks.push_back(std::move(task));
        }
        break;
      }
      case v1::PlanEdit::kAddTask: {
        edit.kind = PlanEdit::Kind::kAddTask;
        edit.target_id = in.add_task().goal_id();
        ASSIGN_OR_RETURN(Task task,
                         TaskFromProto(in.add_task().task(),
                                       absl::StrCat(field, ".add_task.task")));
        edit.tasks.push_back(std::move(task));
        break;
      }
      case v1::PlanEdit::kUpdateTask: {
        edit.kind = PlanEdit::Kind::kUpdateTask;
        ASSIGN_OR_RETURN(Task task,
                         TaskFromProto(in.update_task(),
                                       absl::StrCat(field, ".update_task")));
        edit.tasks.push_back(std::move(task));
        break;
      }
      case v1::PlanEdit::kAddGoal:
        edit.kind = PlanEdit::Kind::kAddGoal;
        edit.target_id = in.add_goal().parent_goal_id();
        edit.goals.push_back(GoalFromProto(in.add_goal().goal()));
        break;
      case v1::PlanEdit::kUpdateGoal:
        edit.kind = PlanEdit::Kind::kUpdateGoal;
        edit.goals.push_back(GoalFromProto(in.update_goal()));
        break;
      case v1::PlanEdit::kRemove:
        edit.kind = PlanEdit::Kind::kRemove;
        edit.target_id = in.remove().id();
        break;
      case v1::PlanEdit::kAddDependency:
        edit.kind = PlanEdit::Kind::kAddDependency;
        edit.dependency = DependencyFromProto(in.add_dependency());
        break;
      case v1::PlanEdit::kRemoveDependency:
        edit.kind = PlanEdit::Kind::kRemoveDependency;
        edit.dependency = DependencyFromProto(in.remove_dependency());
        break;
      case v1::PlanEdit::kSetOutcome: {
        edit.kind = PlanEdit::Kind::kSetOutcome;
        v1::Plan part;
        *part.mutable_outcome() = in.set_outcome();
        ASSIGN_OR_RETURN(
            Plan plain,
            PartFromProto(part, absl::StrCat(field, ".set_outcome")));
        edit.outcome = std::move(plain.outcome);
        break;
      }
      case v1::PlanEdit::kSetTargetDate: {
        edit.kind = PlanEdit::Kind::kSetTargetDate;
        ASSIGN_OR_RETURN(edit.outcome.target_date,
                         DayFromProto(in.set_target_date(),
                                      absl::StrCat(field, ".set_target_date")));
        break;
      }
      case v1::PlanEdit::kSetCalendar: {
        edit.kind = PlanEdit::Kind::kSetCalendar;
        v1::Plan part;
        *part.mutable_calendar() = in.set_calendar();
        ASSIGN_OR_RETURN(
            Plan plain,
            PartFromProto(part, absl::StrCat(field, ".set_calendar")));
        edit.calendar = std::move(plain.calendar);
        break;
      }
      case v1::PlanEdit::kSetResources: {
        edit.kind = PlanEdit::Kind::kSetResources;
        v1::Plan part;
        *part.mutable_resources() = in.set_resources().pools();
        ASSIGN_OR_RETURN(
            Plan plain,
            PartFromProto(part, absl::StrCat(field, ".set_resources")));
        edit.resources = std::move(plain.resources);
        break;
      }
      default:
        edit.kind = PlanEdit::Kind::kNone;
    }
  }
  return out;
}

v1::Plan EditedPlanToProto(
    const v1::Plan& base,
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits,
    const Plan& edited, const PlanEditOrigins& origins) {
  v1::Plan out = base;
  out.clear_tasks();
  out.clear_goals();
  out.clear_dependencies();
  out.mutable_tasks()->Reserve(static_cast<int>(origins.tasks.size()));
  for (const EditOrigin& origin : origins.tasks) {
    *out.add_tasks() = SourceTask(base, edits, origin);
  }
  out.mutable_goals()->Reserve(static_cast<int>(origins.goals.size()));
  for (size_t g = 0; g < origins.goals.size(); ++g) {
    v1::Goal* goal = out.add_goals();
    *goal = SourceGoal(base, edits, origins.goals[g]);
    const Goal& plain = edited.goals[g];
    goal->mutable_sub_goal_ids()->Assign(plain.sub_goal_ids.begin(),
                                         plain.sub_goal_ids.end());
    goal->mutable_task_ids()->Assign(plain.task_ids.begin(),
                                     plain.task_ids.end());
    // Only expanding changes a state (open -> broken down); an unset state
    // stays unset.
    if (GoalFromProto(*goal).state != plain.state) {
      v1::Goal state;
      GoalToProto(plain, &state);
      goal->set_state(state.state());
    }
  }
  out.mutable_dependencies()->Reserve(
      static_cast<int>(origins.dependencies.size()));
  for (const EditOrigin& origin : origins.dependencies) {
    const v1::PlanEdit* edit =
        origin.edit < 0 ? nullptr : &edits.Get(origin.edit);
    *out.add_dependencies() = edit == nullptr ? base.dependencies(origin.index)
                                              : edit->add_dependency();
  }
  // The parts kSet* edits replace, as sent, in edit order.
  for (const v1::PlanEdit& edit : edits) {
    switch (edit.edit_case()) {
      case v1::PlanEdit::kSetOutcome:
        *out.mutable_outcome() = edit.set_outcome();
        break;
      case v1::PlanEdit::kSetTargetDate:
        *out.mutable_outcome()->mutable_target_date() = edit.set_target_date();
        break;
      case v1::PlanEdit::kSetCalendar:
        *out.mutable_calendar() = edit.set_calendar();
        break;
      case v1::PlanEdit::kSetResources:
        *out.mutable_resources() = edit.set_resources().pools();
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace backplan

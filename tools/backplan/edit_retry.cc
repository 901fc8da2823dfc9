#include "tools/backplan/edit_retry.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "tools/backplan/commands.h"

namespace backplan::cli {
namespace {

constexpr char kOutcome[] = "(outcome)";
constexpr char kCalendar[] = "(calendar)";
constexpr char kPools[] = "(pools)";

// The part of `plan` that is node `id`'s state (see FirstChangedNode).
v1::Plan Slice(const v1::Plan& plan, const std::string& id) {
  v1::Plan slice;
  if (id == kOutcome) {
    *slice.mutable_outcome() = plan.outcome();
    slice.set_outcome_goal_id(plan.outcome_goal_id());
    return slice;
  }
  if (id == kCalendar) {
    *slice.mutable_calendar() = plan.calendar();
    return slice;
  }
  if (id == kPools) {
    *slice.mutable_resources() = plan.resources();
    return slice;
  }
  for (const v1::Task& task : plan.tasks()) {
    if (task.id() == id) *slice.add_tasks() = task;
  }
  for (const v1::Goal& goal : plan.goals()) {
    if (goal.id() == id) *slice.add_goals() = goal;
  }
  for (const v1::Dependency& dep : plan.dependencies()) {
    if (dep.predecessor_id() == id || dep.successor_id() == id) {
      *slice.add_dependencies() = dep;
    }
  }
  return slice;
}

std::string Describe(const v1::Plan& read, const v1::Plan& now,
                     const std::string& id) {
  if (id == kOutcome) return "the outcome";
  if (id == kCalendar) return "the calendar";
  if (id == kPools) return "the pools";
  const v1::Plan a = Slice(read, id);
  const v1::Plan b = Slice(now, id);
  const bool goal = a.goals_size() + b.goals_size() > 0;
  const bool task = a.tasks_size() + b.tasks_size() > 0;
  return absl::StrCat(goal && !task ? "goal" : "task", " \"", id, "\"");
}

bool Read(Client& client, const std::string& plan_id, v1::Plan* plan) {
  v1::GetPlanRequest request;
  request.set_plan_id(plan_id);
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  return client.Call(client.decomposition(), "GetPlan",
                     [&](grpc::ClientContext* context) {
                       return stub->GetPlan(context, request, plan);
                     });
}

}  // namespace

std::vector<std::string> TouchedNodes(
    const google::protobuf::RepeatedPtrField<v1::PlanEdit>& edits) {
  std::vector<std::string> ids;
  auto add = [&ids](const std::string& id) {
    if (!id.empty()) ids.push_back(id);
  };
  for (const v1::PlanEdit& edit : edits) {
    switch (edit.edit_case()) {
      case v1::PlanEdit::kExpandGoal:
        add(edit.expand_goal().goal_id());
        for (const v1::Goal& g : edit.expand_goal().sub_goals()) add(g.id());
        for (const v1::Task& t : edit.expand_goal().tasks()) add(t.id());
        break;
      case v1::PlanEdit::kAddTask:
        add(edit.add_task().task().id());
        add(edit.add_task().goal_id());
        break;
      case v1::PlanEdit::kUpdateTask:
        add(edit.update_task().id());
        break;
      case v1::PlanEdit::kAddGoal:
        add(edit.add_goal().goal().id());
        add(edit.add_goal().parent_goal_id());
        break;
      case v1::PlanEdit::kUpdateGoal:
        add(edit.update_goal().id());
        break;
      case v1::PlanEdit::kRemove:
        add(edit.remove().id());
        break;
      case v1::PlanEdit::kAddDependency:
        add(edit.add_dependency().predecessor_id());
        add(edit.add_dependency().successor_id());
        break;
      case v1::PlanEdit::kRemoveDependency:
        add(edit.remove_dependency().predecessor_id());
        add(edit.remove_dependency().successor_id());
        break;
      case v1::PlanEdit::kSetOutcome:
      case v1::PlanEdit::kSetTargetDate:
        add(kOutcome);
        break;
      case v1::PlanEdit::kSetCalendar:
        add(kCalendar);
        break;
      case v1::PlanEdit::kSetResources:
        add(kPools);
        break;
      case v1::PlanEdit::EDIT_NOT_SET:
        break;
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string FirstChangedNode(const v1::Plan& read, const v1::Plan& now,
                             const std::vector<std::string>& touched) {
  for (const std::string& id : touched) {
    if (!google::protobuf::util::MessageDifferencer::Equals(Slice(read, id),
                                                            Slice(now, id))) {
      return Describe(read, now, id);
    }
  }
  return "";
}

int SendPlanEdit(Client& client, const std::string& plan_id,
                 const EditBuilder& build, v1::EditPlanResponse* response) {
  v1::Plan read;
  if (!Read(client, plan_id, &read)) return kExitServerError;
  const int64_t fixed_base = client.options().base_version;
  if (std::getenv("BACKPLAN_TEST_PAUSE_AFTER_READ") != nullptr) {
    client.err() << "backplan: paused after reading version " << read.version()
                 << "\n";
    client.err().flush();
    std::string line;
    std::getline(std::cin, line);
  }
  v1::EditPlanRequest request;
  request.set_plan_id(plan_id);
  request.set_idempotency_key(NewRequestId());
  if (int code = build(read, &request); code != kExitOk) return code;
  if (request.edits().empty()) {
    response->set_version(read.version());
    *response->mutable_plan() = std::move(read);
    response->set_unchanged(true);
    return kExitOk;
  }
  const std::vector<std::string> touched = TouchedNodes(request.edits());
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  for (int attempt = 1;; ++attempt) {
    request.set_base_version(fixed_base > 0 ? fixed_base : read.version());
    grpc::ClientContext context;
    const std::string request_id = client.PrepareContext(&context);
    const grpc::Status status = stub->EditPlan(&context, request, response);
    if (status.ok()) return kExitOk;
    if (status.error_code() != grpc::StatusCode::ABORTED || fixed_base > 0 ||
        attempt == kMaxEditAttempts) {
      client.ReportError(client.decomposition(), "EditPlan", status,
                         request_id);
      return kExitServerError;
    }
    v1::Plan now;
    if (!Read(client, plan_id, &now)) return kExitServerError;
    const std::string changed = FirstChangedNode(read, now, touched);
    if (!changed.empty()) {
      client.err() << "backplan: conflict: " << changed << " of plan "
                   << plan_id << " changed after version " << read.version()
                   << " was read (the plan is now at version " << now.version()
                   << "); nothing was written. Look at it again (backplan get "
                   << plan_id << ") and redo the edit.\n";
      return kExitServerError;
    }
    // Only other nodes changed: the same edits mean the same thing on the
    // new version.
    read = std::move(now);
  }
}

}  // namespace backplan::cli

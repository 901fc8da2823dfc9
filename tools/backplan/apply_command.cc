#include "tools/backplan/apply_command.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/status_macros.h"
#include "tools/backplan/commands.h"
#include "tools/backplan/edit_retry.h"
#include "tools/backplan/plan_file.h"
#include "tools/backplan/table.h"

namespace backplan::cli {
namespace {

using google::protobuf::util::MessageDifferencer;
using DepKey = std::pair<std::string, std::string>;

// Tasks or goals by id; INVALID_ARGUMENT naming the field for a repeated id.
template <typename T>
absl::Status IndexById(const google::protobuf::RepeatedPtrField<T>& items,
                       absl::string_view field,
                       std::map<std::string, const T*>* index) {
  for (int i = 0; i < items.size(); ++i) {
    if (!index->emplace(items.Get(i).id(), &items.Get(i)).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "].id: \"", items.Get(i).id(), "\" repeats"));
    }
  }
  return absl::OkStatus();
}

// Dependencies grouped by their ends, in order.
std::map<DepKey, std::vector<const v1::Dependency*>> DepsByEnds(
    const v1::Plan& plan) {
  std::map<DepKey, std::vector<const v1::Dependency*>> by_ends;
  for (const v1::Dependency& dep : plan.dependencies()) {
    by_ends[{dep.predecessor_id(), dep.successor_id()}].push_back(&dep);
  }
  return by_ends;
}

bool SameDeps(const std::vector<const v1::Dependency*>& a,
              const std::vector<const v1::Dependency*>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!MessageDifferencer::Equals(*a[i], *b[i])) return false;
  }
  return true;
}

std::string Feasibility(const v1::PlanSummary& plan) {
  std::string text;
  switch (plan.feasibility()) {
    case v1::UNSCHEDULED:
      return "unscheduled";
    case v1::FEASIBLE:
      text = "on time";
      break;
    case v1::INFEASIBLE:
      text = absl::StrCat("late ", FormatDays(plan.days_short()));
      break;
    default:
      return "-";
  }
  if (plan.schedule_version() != plan.version()) {
    absl::StrAppend(&text, " (v", plan.schedule_version(), ")");
  }
  return text;
}

}  // namespace

absl::Status PlanFileEdits(
    const v1::Plan& stored, const v1::Plan& file,
    google::protobuf::RepeatedPtrField<v1::PlanEdit>* edits) {
  if (file.outcome_goal_id() != stored.outcome_goal_id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "outcome_goal_id: the file names \"", file.outcome_goal_id(),
        "\" but the stored plan ends in \"", stored.outcome_goal_id(),
        "\"; apply cannot change the final milestone (create a new plan)"));
  }
  std::map<std::string, const v1::Task*> stored_tasks, file_tasks;
  std::map<std::string, const v1::Goal*> stored_goals, file_goals;
  RETURN_IF_ERROR(IndexById(stored.tasks(), "stored tasks", &stored_tasks));
  RETURN_IF_ERROR(IndexById(stored.goals(), "stored goals", &stored_goals));
  RETURN_IF_ERROR(IndexById(file.tasks(), "tasks", &file_tasks));
  RETURN_IF_ERROR(IndexById(file.goals(), "goals", &file_goals));
  auto in_file = [&](const std::string& id) {
    return file_tasks.count(id) > 0 || file_goals.count(id) > 0;
  };

  // Dependencies that go or change, while both their ends stay (removing a
  // node removes its dependencies with it).
  const auto stored_deps = DepsByEnds(stored);
  const auto file_deps = DepsByEnds(file);
  for (const auto& [ends, deps] : stored_deps) {
    auto it = file_deps.find(ends);
    if (it != file_deps.end() && SameDeps(deps, it->second)) continue;
    if (!in_file(ends.first) || !in_file(ends.second)) continue;
    v1::Dependency* removed = edits->Add()->mutable_remove_dependency();
    removed->set_predecessor_id(ends.first);
    removed->set_successor_id(ends.second);
  }
  // Removed tasks and goals, in the stored plan's order.
  for (const v1::Task& task : stored.tasks()) {
    if (!in_file(task.id())) edits->Add()->mutable_remove()->set_id(task.id());
  }
  for (const v1::Goal& goal : stored.goals()) {
    if (!in_file(goal.id())) edits->Add()->mutable_remove()->set_id(goal.id());
  }
  // Added and changed ones, in the file's order. New goals carry their own
  // task and sub-goal lists; existing ones are replaced whole.
  for (const v1::Task& task : file.tasks()) {
    auto it = stored_tasks.find(task.id());
    if (it == stored_tasks.end()) {
      *edits->Add()->mutable_add_task()->mutable_task() = task;
    } else if (!MessageDifferencer::Equals(*it->second, task)) {
      *edits->Add()->mutable_update_task() = task;
    }
  }
  for (const v1::Goal& goal : file.goals()) {
    auto it = stored_goals.find(goal.id());
    if (it == stored_goals.end()) {
      *edits->Add()->mutable_add_goal()->mutable_goal() = goal;
    } else if (!MessageDifferencer::Equals(*it->second, goal)) {
      *edits->Add()->mutable_update_goal() = goal;
    }
  }
  for (const auto& [ends, deps] : file_deps) {
    auto it = stored_deps.find(ends);
    if (it != stored_deps.end() && SameDeps(deps, it->second)) continue;
    for (const v1::Dependency* dep : deps) {
      *edits->Add()->mutable_add_dependency() = *dep;
    }
  }
  if (!MessageDifferencer::Equals(stored.outcome(), file.outcome())) {
    *edits->Add()->mutable_set_outcome() = file.outcome();
  }
  if (!MessageDifferencer::Equals(stored.calendar(), file.calendar())) {
    *edits->Add()->mutable_set_calendar() = file.calendar();
  }
  v1::Plan stored_pools, file_pools;
  *stored_pools.mutable_resources() = stored.resources();
  *file_pools.mutable_resources() = file.resources();
  if (!MessageDifferencer::Equals(stored_pools, file_pools)) {
    *edits->Add()->mutable_set_resources()->mutable_pools() = file.resources();
  }
  return absl::OkStatus();
}

int RunApply(Client& client, const std::vector<std::string>& args) {
  const std::string& plan_id = client.options().plan;
  if (args.size() != 1 || plan_id.empty()) {
    return client.Usage(
        "usage: backplan apply FILE --plan PLAN_ID [--base_version N]");
  }
  absl::StatusOr<v1::Plan> file = LoadPlanFile(args[0]);
  if (!file.ok()) {
    client.err() << "backplan: " << OneLine(file.status().message()) << "\n";
    return kExitUsage;
  }
  v1::EditPlanResponse response;
  if (int code = SendPlanEdit(
          client, plan_id,
          [&](const v1::Plan& read, v1::EditPlanRequest* request) {
            absl::Status diff =
                PlanFileEdits(read, *file, request->mutable_edits());
            if (diff.ok()) return kExitOk;
            client.err() << "backplan: " << args[0] << ": "
                         << OneLine(diff.message()) << "\n";
            return kExitUsage;
          },
          &response);
      code != kExitOk) {
    return code;
  }
  return client.Output(response,
                       response.unchanged()
                           ? absl::StrCat("plan ", plan_id, " version ",
                                          response.version(), " (unchanged)\n")
                           : absl::StrCat("plan ", plan_id, " version ",
                                          response.version(), "\n"));
}

std::string FormatPlanList(const v1::ListPlansResponse& list) {
  if (list.plans().empty()) return "no plans\n";
  Table table({"PLAN ID", "TITLE", "TARGET", "VERSION", "TASKS", "FEASIBILITY",
               "CHANGED (UTC)"});
  table.SetMaxWidth(1, 40);  // Ids (column 0) are never cut.
  table.AlignRight(3);
  table.AlignRight(4);
  for (const v1::PlanSummary& plan : list.plans()) {
    const bool known = plan.feasibility() != v1::FEASIBILITY_UNSPECIFIED ||
                       !plan.title().empty();
    table.AddRow({plan.plan_id(), plan.title().empty() ? "-" : plan.title(),
                  FormatDate(plan.target_date()), absl::StrCat(plan.version()),
                  known ? absl::StrCat(plan.task_count()) : "-",
                  Feasibility(plan),
                  plan.updated_unix_micros() == 0
                      ? "-"
                      : absl::FormatTime(
                            "%Y-%m-%d %H:%M",
                            absl::FromUnixMicros(plan.updated_unix_micros()),
                            absl::UTCTimeZone())});
  }
  return absl::StrCat(table.Render(), list.plans_size(), " plan(s)\n");
}

}  // namespace backplan::cli

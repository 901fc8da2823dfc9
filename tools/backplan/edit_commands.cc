#include "tools/backplan/edit_commands.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tools/backplan/edit_retry.h"
#include "tools/backplan/inputs.h"

namespace backplan::cli {
namespace {

constexpr char kEditUsage[] =
    "usage: backplan edit PLAN_ID [--base_version N] "
    "add-task|update-task|remove|add-goal|expand|add-dep|remove-dep ... "
    "(see backplan help)";

// Applies --importance/--difficulty; false (after printing) when out of
// range.
bool SetAttributes(Client& client, v1::Task* task) {
  const Options& options = client.options();
  if (options.importance < 0 || options.importance > 10 ||
      options.difficulty < 0 || options.difficulty > 10) {
    client.Usage("--importance and --difficulty must be 1..10");
    return false;
  }
  if (options.importance != 0) {
    task->mutable_attributes()->set_importance(options.importance);
  }
  if (options.difficulty != 0) {
    task->mutable_attributes()->set_difficulty(options.difficulty);
  }
  return true;
}

// What is wrong with a --days value below -1 (-1 stands for "not given").
std::string DaysProblem(int days) {
  return absl::StrCat("--days must be 0 or more working days, not ", days);
}

// What is wrong with add-task's flags, one clause; "" when nothing is.
std::string AddTaskProblems(const Options& options,
                            const std::vector<std::string>& args) {
  if (!args.empty()) {
    return absl::StrCat("unexpected argument \"", args[0], "\"");
  }
  if (options.id.empty()) return "--id X (the new task's id) is missing";
  if (options.title.empty()) return "--title T is missing";
  if (options.days == -1) {
    return "--days D (the duration in working days, 0 or more) is missing";
  }
  if (options.days < 0) return DaysProblem(options.days);
  if (options.goals.size() > 1) return "add-task takes at most one --goal";
  return "";
}

// Fills `edit` from the operation and its arguments. Returns kExitOk, or the
// exit code after printing why not.
int BuildEdit(Client& client, const v1::Plan& plan, const std::string& op,
              const std::vector<std::string>& args, v1::PlanEdit* edit) {
  const Options& options = client.options();
  if (op == "add-task") {
    if (std::string wrong = AddTaskProblems(options, args); !wrong.empty()) {
      return client.Usage(absl::StrCat(
          "edit add-task: ", wrong,
          "; usage: backplan edit PLAN_ID [--base_version N] add-task --id X "
          "--title T --days D [--goal G]"));
    }
    v1::Task* task = edit->mutable_add_task()->mutable_task();
    task->set_id(options.id);
    task->set_title(options.title);
    task->set_duration_days(options.days);
    if (!SetAttributes(client, task)) return kExitUsage;
    if (!options.goals.empty()) {
      edit->mutable_add_task()->set_goal_id(options.goals[0]);
    }
    return kExitOk;
  }
  if (op == "update-task") {
    std::string wrong;
    if (!args.empty()) {
      wrong = absl::StrCat("unexpected argument \"", args[0], "\"");
    } else if (options.id.empty()) {
      wrong = "--id X (the task to change) is missing";
    } else if (options.days < -1) {
      wrong = DaysProblem(options.days);
    }
    if (!wrong.empty()) {
      return client.Usage(absl::StrCat(
          "edit update-task: ", wrong,
          "; usage: backplan edit PLAN_ID [--base_version N] update-task --id "
          "X "
          "[--title T] [--days D] [--importance I] [--difficulty D]"));
    }
    for (const v1::Task& task : plan.tasks()) {
      if (task.id() != options.id) continue;
      v1::Task* updated = edit->mutable_update_task();
      *updated = task;
      if (!options.title.empty()) updated->set_title(options.title);
      if (options.days >= 0) {
        updated->set_duration_days(options.days);
        // Three-point bounds that no longer bracket the new estimate would
        // make the task invalid; they no longer describe it either.
        if (updated->has_optimistic_days() &&
            updated->optimistic_days() > options.days) {
          updated->clear_optimistic_days();
        }
        if (updated->has_pessimistic_days() &&
            updated->pessimistic_days() < options.days) {
          updated->clear_pessimistic_days();
        }
      }
      if (!SetAttributes(client, updated)) return kExitUsage;
      return kExitOk;
    }
    client.err() << "backplan: plan " << plan.id() << " (version "
                 << plan.version() << ") has no task \"" << options.id
                 << "\"\n";
    return kExitServerError;
  }
  if (op == "remove") {
    if (args.size() != 1) {
      return client.Usage(
          "usage: backplan edit PLAN_ID [--base_version N] remove ID");
    }
    edit->mutable_remove()->set_id(args[0]);
    return kExitOk;
  }
  if (op == "add-goal") {
    if (!args.empty() || options.id.empty() || options.title.empty()) {
      return client.Usage(
          "usage: backplan edit PLAN_ID [--base_version N] add-goal --id G "
          "--title T [--parent P] [--open]");
    }
    v1::Goal* goal = edit->mutable_add_goal()->mutable_goal();
    goal->set_id(options.id);
    goal->set_title(options.title);
    goal->set_state(options.open ? v1::OPEN : v1::BROKEN_DOWN);
    edit->mutable_add_goal()->set_parent_goal_id(options.parent);
    return kExitOk;
  }
  if (op == "expand") {
    if (args.size() != 1 || (options.tasks.empty() && options.goals.empty())) {
      return client.Usage(
          "usage: backplan edit PLAN_ID [--base_version N] expand GOAL "
          "[--task id:title:days]... [--goal id:title]...");
    }
    v1::PlanEdit::ExpandGoal* expand = edit->mutable_expand_goal();
    expand->set_goal_id(args[0]);
    for (const std::string& spec : options.tasks) {
      absl::StatusOr<TaskSpec> parsed = ParseTaskSpec(spec);
      if (!parsed.ok()) return client.Usage(parsed.status().message());
      v1::Task* task = expand->add_tasks();
      task->set_id(parsed->id);
      task->set_title(parsed->title);
      task->set_duration_days(parsed->days);
    }
    for (const std::string& spec : options.goals) {
      absl::StatusOr<GoalSpec> parsed = ParseGoalSpec(spec);
      if (!parsed.ok()) return client.Usage(parsed.status().message());
      v1::Goal* goal = expand->add_sub_goals();
      goal->set_id(parsed->id);
      goal->set_title(parsed->title);
      goal->set_state(v1::OPEN);
    }
    return kExitOk;
  }
  if (op == "add-dep" || op == "remove-dep") {
    if (args.size() != 2 || options.lag < 0) {
      return client.Usage(absl::StrCat(
          "usage: backplan edit PLAN_ID [--base_version N] ", op,
          " PREDECESSOR SUCCESSOR", op == "add-dep" ? " [--lag L]" : ""));
    }
    v1::Dependency* dep = op == "add-dep" ? edit->mutable_add_dependency()
                                          : edit->mutable_remove_dependency();
    dep->set_predecessor_id(args[0]);
    dep->set_successor_id(args[1]);
    if (op == "add-dep") dep->set_lag_days(options.lag);
    return kExitOk;
  }
  return client.Usage(
      absl::StrCat("edit: unknown operation \"", op, "\"; ", kEditUsage));
}

}  // namespace

int RunEdit(Client& client, const std::vector<std::string>& args) {
  if (args.size() < 2) return client.Usage(kEditUsage);
  if (client.options().base_version < 0) {
    return client.Usage(
        "edit: --base_version N must be >= 1 (leave it out to edit the "
        "current version)");
  }
  const std::vector<std::string> rest(args.begin() + 2, args.end());
  v1::EditPlanResponse response;
  if (int code = SendPlanEdit(
          client, args[0],
          [&](const v1::Plan& read, v1::EditPlanRequest* request) {
            return BuildEdit(client, read, args[1], rest, request->add_edits());
          },
          &response);
      code != kExitOk) {
    return code;
  }
  return client.Output(response, absl::StrCat("plan ", args[0], " version ",
                                              response.version(), "\n"));
}

std::string FormatWatchEvent(const v1::PlanEvent& event,
                             const std::string& received) {
  return absl::StrCat(received, "  ", event.type(), "  v", event.plan_version(),
                      "  request ",
                      event.request_id().empty() ? "-" : event.request_id(),
                      "  event ", event.id(), "\n");
}

int RunWatch(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return client.Usage("usage: backplan watch PLAN_ID [--from_version N]");
  }
  v1::WatchPlanRequest request;
  request.set_plan_id(args[0]);
  request.set_from_version(client.options().from_version);
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  grpc::ClientContext context;
  const std::string request_id = client.PrepareStreamContext(&context);
  std::unique_ptr<grpc::ClientReader<v1::PlanEvent>> reader =
      stub->WatchPlan(&context, request);
  v1::PlanEvent event;
  while (reader->Read(&event)) {
    const std::string received = absl::FormatTime(
        "%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
    if (client.options().json) {
      std::string json;
      google::protobuf::util::JsonPrintOptions json_options;
      json_options.preserve_proto_field_names = true;
      (void)google::protobuf::util::MessageToJsonString(event, &json,
                                                        json_options);
      client.out() << json << "\n";
    } else {
      client.out() << FormatWatchEvent(event, received);
    }
    client.out().flush();  // A pipe reader sees each event as it comes.
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    client.ReportError(client.decomposition(), "WatchPlan", status, request_id);
    return kExitServerError;
  }
  return kExitOk;
}

}  // namespace backplan::cli

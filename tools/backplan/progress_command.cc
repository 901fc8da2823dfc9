#include "tools/backplan/progress_command.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/scheduling.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tools/backplan/command_helpers.h"
#include "tools/backplan/format.h"
#include "tools/backplan/plan_file.h"

namespace backplan::cli {
namespace {

constexpr char kUsage[] =
    "usage: backplan progress PLAN_ID --task T (--done YYYY-MM-DD | "
    "--remaining N) [--started YYYY-MM-DD] [--as_of YYYY-MM-DD] "
    "[--base_version N]";

// Parses flag `name`'s value `text` into `date`; the error line otherwise.
std::string SetDay(const char* name, const std::string& text, v1::Date* date) {
  const std::optional<absl::CivilDay> day = ParseIsoDay(text);
  if (!day.has_value()) {
    return absl::StrCat("progress: --", name, " \"", text,
                        "\" is not a date (YYYY-MM-DD)");
  }
  date->set_year(static_cast<int32_t>(day->year()));
  date->set_month(day->month());
  date->set_day(day->day());
  return "";
}

}  // namespace

std::string BuildProgressRequest(const Options& options,
                                 v1::ReportProgressRequest* request) {
  if (options.tasks.size() != 1 || options.tasks[0].empty()) {
    return absl::StrCat("progress: give one --task (the task's id); ", kUsage);
  }
  const bool done = !options.done.empty();
  const bool remaining = options.remaining != kRemainingNotGiven;
  if (done == remaining) {
    return absl::StrCat(
        "progress: give either --done YYYY-MM-DD (the task's last worked "
        "day) or --remaining N (working days left); ",
        kUsage);
  }
  if (remaining && options.remaining < 0) {
    return absl::StrCat(
        "progress: --remaining must be 0 or more working "
        "days, not ",
        options.remaining);
  }
  v1::ReportProgressRequest::Update* update = request->add_updates();
  update->set_task_id(options.tasks[0]);
  v1::TaskProgress* progress = update->mutable_progress();
  if (done) {
    progress->set_status(v1::DONE);
    if (std::string error =
            SetDay("done", options.done, progress->mutable_actual_finish());
        !error.empty()) {
      return error;
    }
  } else {
    progress->set_status(v1::IN_PROGRESS);
    progress->set_remaining_days(options.remaining);
  }
  if (!options.started.empty()) {
    if (std::string error = SetDay("started", options.started,
                                   progress->mutable_actual_start());
        !error.empty()) {
      return error;
    }
  }
  if (!options.as_of.empty()) {
    if (std::string error =
            SetDay("as_of", options.as_of, request->mutable_as_of());
        !error.empty()) {
      return error;
    }
  }
  return "";
}

int RunProgress(Client& client, const std::vector<std::string>& args) {
  const Options& options = client.options();
  if (args.size() != 1) return client.Usage(kUsage);
  v1::ReportProgressRequest request;
  request.set_plan_id(args[0]);
  if (std::string error = BuildProgressRequest(options, &request);
      !error.empty()) {
    return client.Usage(error);
  }
  SetSearch(options, request.mutable_resources());
  int64_t base_version = options.base_version;
  if (base_version < 0) {
    return client.Usage("progress: --base_version must be 1 or more");
  }
  if (base_version == 0) {
    v1::GetPlanRequest get;
    get.set_plan_id(args[0]);
    v1::Plan plan;
    auto decomposition =
        v1::DecompositionService::NewStub(client.decomposition().Channel());
    if (!client.Call(client.decomposition(), "GetPlan",
                     [&](grpc::ClientContext* context) {
                       return decomposition->GetPlan(context, get, &plan);
                     })) {
      return kExitServerError;
    }
    base_version = plan.version();
  }
  request.set_base_version(base_version);
  request.set_idempotency_key(NewRequestId());
  v1::ReportProgressResponse response;
  auto scheduling =
      v1::SchedulingService::NewStub(client.scheduling().Channel());
  if (!client.Call(client.scheduling(), "ReportProgress",
                   [&](grpc::ClientContext* context) {
                     return scheduling->ReportProgress(context, request,
                                                       &response);
                   })) {
    return kExitServerError;
  }
  v1::ScheduleResponse shown;
  *shown.mutable_timeline() = response.timeline();
  return client.Output(
      response,
      absl::StrCat("plan ", args[0], " version ", response.version(), ": ",
                   options.tasks[0],
                   options.done.empty()
                       ? absl::StrCat(" in progress, ", options.remaining,
                                      " working days left")
                       : absl::StrCat(" done on ", options.done),
                   "\n", FormatTimeline(shown, options.line_width())));
}

}  // namespace backplan::cli

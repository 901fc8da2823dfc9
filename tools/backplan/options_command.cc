#include "tools/backplan/options_command.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backplan/v1/scheduling.grpc.pb.h"
#include "tools/backplan/command_helpers.h"
#include "tools/backplan/plan_file.h"
#include "tools/backplan/table.h"

namespace backplan::cli {
namespace {

std::string Percent(double p) { return absl::StrFormat("%.1f%%", 100 * p); }

}  // namespace

int RunOptions(Client& client, const std::vector<std::string>& args) {
  if (int code = client.ExpectArgs(
          args, 1,
          "options PLAN_ID|FILE [--confidence 0.8] [--target YYYY-MM-DD] "
          "[--iterations N] [--seed S]");
      code != kExitOk) {
    return code;
  }
  v1::OptionsRequest request;
  if (!SetSource(client, args[0], &request)) return kExitUsage;
  const Options& options = client.options();
  if (!options.target.empty()) {
    const std::optional<absl::CivilDay> day = ParseIsoDay(options.target);
    if (!day) {
      return client.Usage(absl::StrCat("--target \"", options.target,
                                       "\" is not a day written YYYY-MM-DD"));
    }
    v1::Date* date = request.mutable_target_date();
    date->set_year(static_cast<int32_t>(day->year()));
    date->set_month(day->month());
    date->set_day(day->day());
  }
  request.set_confidence(options.confidence);
  request.set_iterations(options.iterations);
  request.set_seed(options.seed);
  v1::OptionsResponse response;
  auto stub = v1::SchedulingService::NewStub(client.scheduling().Channel());
  if (!client.Call(client.scheduling(), "Options",
                   [&](grpc::ClientContext* context) {
                     return stub->Options(context, request, &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response, FormatOptions(response));
}

std::string FormatOptions(const v1::OptionsResponse& r) {
  const bool confident = r.confidence() > 0;
  std::string out;
  if (!r.plan_id().empty()) {
    absl::StrAppend(&out, "plan ", r.plan_id(), " v", r.plan_version(), " | ");
  }
  absl::StrAppend(&out, "start ", FormatIsoDate(r.start_date()), " | target ",
                  FormatIsoDate(r.target_date()), " | finish ",
                  FormatIsoDate(r.finish()));
  if (confident) {
    absl::StrAppend(&out, absl::StrFormat(" | P%g ", 100 * r.confidence()),
                    FormatIsoDate(r.finish_at_confidence()));
  }
  absl::StrAppend(&out, " | P(on time) ", Percent(r.probability_on_time()),
                  r.on_time() ? " | already on time" : "", "\n");

  const std::string finish_header =
      confident ? absl::StrFormat("P%g FINISH", 100 * r.confidence())
                : "FINISH";
  Table table({"OPTION", "WHAT", finish_header, "P(ON TIME)", "COST"});
  table.AlignRight(3);
  table.SetShrinkable(4, 24);
  const v1::OptionsResponse::CutScope& cut = r.cut_scope();
  if (cut.found()) {
    table.AddRow(
        {"cut scope",
         cut.cut_ids().empty() ? "nothing" : absl::StrJoin(cut.cut_ids(), ", "),
         FormatIsoDate(confident ? cut.finish_at_confidence() : cut.finish()),
         Percent(cut.probability_on_time()),
         absl::StrFormat("value %g lost, %d days gained (%s)", cut.value_lost(),
                         cut.days_gained(), cut.exact() ? "exact" : "greedy")});
  } else {
    table.AddRow({"cut scope", "-", "-", "-", "not possible (below)"});
  }
  const v1::OptionsResponse::AddPeople& people = r.add_people();
  if (people.found()) {
    std::vector<std::string> extra;
    for (const auto& p : people.extra()) {
      extra.push_back(absl::StrCat("+", p.extra_units(), " ", p.pool()));
    }
    table.AddRow({"add people",
                  extra.empty() ? "nobody" : absl::StrJoin(extra, ", "),
                  FormatIsoDate(confident ? people.finish_at_confidence()
                                          : people.finish()),
                  Percent(people.probability_on_time()),
                  absl::StrCat(people.total_extra_units(), " more people")});
  } else {
    table.AddRow({"add people", "-", "-", "-", "not possible (below)"});
  }
  const v1::OptionsResponse::MoveDate& date = r.move_date();
  table.AddRow(
      {"move the date",
       absl::StrCat("target ", FormatIsoDate(date.target_date())),
       FormatIsoDate(date.target_date()), Percent(date.probability_on_time()),
       absl::StrFormat("%+d working days", date.working_days_later())});
  absl::StrAppend(&out, table.Render());
  if (!cut.found()) absl::StrAppend(&out, "cut scope: ", cut.note(), "\n");
  if (!people.found()) {
    absl::StrAppend(&out, "add people: ", people.note(), "\n");
  }
  if (cut.found() && !cut.removed_task_ids().empty()) {
    absl::StrAppend(
        &out, "tasks cut: ", absl::StrJoin(cut.removed_task_ids(), ", "), "\n");
  }
  return out;
}

}  // namespace backplan::cli

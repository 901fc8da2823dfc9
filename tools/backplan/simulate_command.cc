#include "tools/backplan/simulate_command.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backplan/v1/scheduling.grpc.pb.h"
#include "tools/backplan/command_helpers.h"
#include "tools/backplan/table.h"

namespace backplan::cli {
namespace {

constexpr int kTopTasks = 10;
constexpr int kBarWidth = 40;

}  // namespace

int RunSimulate(Client& client, const std::vector<std::string>& args) {
  if (int code = client.ExpectArgs(
          args, 1, "simulate PLAN_ID|FILE [--iterations N] [--seed S]");
      code != kExitOk) {
    return code;
  }
  v1::SimulateRequest request;
  if (!SetSource(client, args[0], &request)) return kExitUsage;
  request.set_iterations(client.options().iterations);
  request.set_seed(client.options().seed);
  v1::SimulateResponse response;
  auto stub = v1::SchedulingService::NewStub(client.scheduling().Channel());
  if (!client.Call(client.scheduling(), "Simulate",
                   [&](grpc::ClientContext* context) {
                     return stub->Simulate(context, request, &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response, FormatSimulation(response));
}

std::string FormatSimulation(const v1::SimulateResponse& r) {
  std::string out;
  if (!r.plan_id().empty()) {
    absl::StrAppend(&out, "plan ", r.plan_id(), " v", r.plan_version(),
                    r.stale() ? " (STALE: the plan changed)" : "", " | ");
  }
  absl::StrAppend(&out, r.iterations(), " runs, seed ", r.seed(), ", ",
                  r.distribution() == v1::TRIANGULAR ? "triangular" : "PERT",
                  r.resource_constrained() ? ", with people" : "", " | start ",
                  FormatIsoDate(r.start_date()), " | target ",
                  FormatIsoDate(r.target_date()), " | most likely finish ",
                  FormatIsoDate(r.deterministic_finish()), "\n");
  absl::StrAppend(&out, absl::StrFormat("P(on time) %.1f%%\n",
                                        100 * r.probability_on_time()));
  std::vector<std::string> percentiles;
  for (const auto& p : r.percentiles()) {
    percentiles.push_back(
        absl::StrFormat("P%g %s", p.percentile(), FormatIsoDate(p.date())));
  }
  absl::StrAppend(&out, absl::StrJoin(percentiles, "  "),
                  "\n\nfinishes by week (Monday):\n");
  int64_t most = 1;
  for (const auto& w : r.histogram()) most = std::max(most, w.runs());
  const double runs = std::max(1, r.iterations());
  for (const auto& w : r.histogram()) {
    const int bar = static_cast<int>((w.runs() * kBarWidth + most - 1) / most);
    absl::StrAppend(
        &out, absl::StrFormat("  %s %-*s %5.1f%%\n", FormatIsoDate(w.monday()),
                              kBarWidth, std::string(bar, '#'),
                              100 * w.runs() / runs));
  }

  absl::StrAppend(&out, "\nmost critical:\n");
  Table critical({"TASK", "CRITICAL", "DEADLINE", "P(BY DEADLINE)"});
  for (int i = 1; i < 4; ++i) critical.AlignRight(i);
  for (int i = 0; i < r.criticality_size() && i < kTopTasks; ++i) {
    const auto& c = r.criticality(i);
    critical.AddRow(
        {c.id(), absl::StrFormat("%.1f%%", 100 * c.index()),
         FormatIsoDate(c.deadline()),
         absl::StrFormat("%.1f%%", 100 * c.probability_by_deadline())});
  }
  absl::StrAppend(&out, critical.Render());
  absl::StrAppend(&out, "\nmost sensitive (correlation with the finish):\n");
  if (r.sensitivity_size() == 0) {
    absl::StrAppend(&out, "  no task has a three-point range\n");
    return out;
  }
  Table sensitive({"TASK", "CORRELATION"});
  sensitive.AlignRight(1);
  for (int i = 0; i < r.sensitivity_size() && i < kTopTasks; ++i) {
    sensitive.AddRow({r.sensitivity(i).id(),
                      absl::StrFormat("%.2f", r.sensitivity(i).correlation())});
  }
  absl::StrAppend(&out, sensitive.Render());
  return out;
}

}  // namespace backplan::cli

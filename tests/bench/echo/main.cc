// backplan-echo: the baseline server of scripts/bench.sh — Backplan's
// service interfaces answered with same-sized responses and no computing,
// on the services' own bootstrap (libs/rpc). Flags: --help.
#include "absl/flags/flag.h"
#include "libs/rpc/server.h"
#include "tests/bench/echo/echo_service.h"

ABSL_FLAG(int, echo_tasks, 50,
          "Tasks of the plan answered by id (stored Schedule, GetPlan).");

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {"backplan-echo", 50059,
                                                        9099};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  const int tasks = absl::GetFlag(FLAGS_echo_tasks);
  backplan::echo::EchoScheduling scheduling(tasks);
  backplan::echo::EchoPrioritization prioritization(tasks);
  backplan::echo::EchoDecomposition decomposition(tasks);
  return backplan::rpc::RunServer(
      kDefaults, {&scheduling, &prioritization, &decomposition}, nullptr);
}

// backplan-echo: the baseline server of scripts/bench.sh — Backplan's
// service interfaces answered with same-sized responses and no computing,
// on the services' own bootstrap (libs/rpc), or with --bare on a plain
// grpc::ServerBuilder and the callback API (bare_echo.h), gRPC's floor.
// Flags: --help.
#include <signal.h>

#include <fstream>

#include "absl/flags/flag.h"
#include "libs/common/log.h"
#include "libs/rpc/server.h"
#include "tests/bench/echo/bare_echo.h"
#include "tests/bench/echo/echo_service.h"

ABSL_FLAG(int, echo_tasks, 50,
          "Tasks of the plan answered by id (stored Schedule, GetPlan).");
ABSL_FLAG(bool, bare, false,
          "Serve on a plain ServerBuilder with the callback API: no thread "
          "bound, health, reflection, metrics or TLS; only --host, --port, "
          "--port_file and --max_message_mb apply.");

namespace {

int RunBare(const backplan::rpc::ServiceDefaults& defaults) {
  const backplan::rpc::ServerOptions options =
      backplan::rpc::ServerOptionsFromFlags(defaults);
  absl::StatusOr<std::unique_ptr<backplan::echo::BareEcho>> echo =
      backplan::echo::BareEcho::Start(options.host, options.port,
                                      absl::GetFlag(FLAGS_echo_tasks),
                                      options.max_message_bytes);
  if (!echo.ok()) {
    backplan::LogLine(backplan::LogLevel::kError, "cannot start")
        .Add("error", echo.status().message());
    return 1;
  }
  if (!options.port_file.empty()) {
    std::ofstream(options.port_file + ".tmp") << (*echo)->port() << "\n";
    std::rename((options.port_file + ".tmp").c_str(),
                options.port_file.c_str());
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {"backplan-echo", 50059,
                                                        9099};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  if (absl::GetFlag(FLAGS_bare)) return RunBare(kDefaults);
  const int tasks = absl::GetFlag(FLAGS_echo_tasks);
  backplan::echo::EchoScheduling scheduling(tasks);
  backplan::echo::EchoPrioritization prioritization(tasks);
  backplan::echo::EchoDecomposition decomposition(tasks);
  return backplan::rpc::RunServer(
      kDefaults, {&scheduling, &prioritization, &decomposition}, nullptr);
}

// The bootstrap shared by Backplan's three server binaries.
//
//   int main(int argc, char** argv) {
//     backplan::rpc::InitServer(argc, argv, kDefaults);   // flags, signals
//     auto store = ...;  SchedulingService service(store.get(), ...);
//     return backplan::rpc::RunServer(kDefaults, {&service}, probe);
//   }
//
// InitServer parses the flags below (each also read from the environment
// variable BACKPLAN_<FLAG NAME IN UPPER CASE> when not given on the command
// line), sets the log level and blocks SIGTERM/SIGINT in every thread, which
// must happen before gRPC starts threads.
//
// RunServer serves the given services with gRPC health (`""`: the process,
// NOT_SERVING while draining; `backplan.store`: the result of `store_probe`,
// re-checked every --store_check_interval_ms), server reflection, message
// size limits, a bounded thread count (the sync API: handlers may block on
// Redis), SO_REUSEPORT off, optional TLS, and Prometheus metrics. It returns
// 0 after SIGTERM/SIGINT: health goes NOT_SERVING, the server stops accepting,
// in-flight calls get --grace_period_s to finish.
//
// Flags: --host, --port (-1: the service's default; 0: any free port),
// --port_file (the bound port is written there), --metrics_port (-1: the
// default; 0: off), --max_message_mb, --max_threads, --grace_period_s,
// --store_check_interval_ms, --log_level, --tls_cert, --tls_key,
// --tls_client_ca (mutual TLS when set).
#ifndef BACKPLAN_LIBS_RPC_SERVER_H_
#define BACKPLAN_LIBS_RPC_SERVER_H_

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/impl/codegen/service_type.h"

namespace backplan::rpc {

struct ServiceDefaults {
  const char* name;  // "backplan-scheduling"; used in logs and --help.
  int port;          // Default gRPC port.
  int metrics_port;  // Default Prometheus port.
};

// Parses flags and blocks termination signals. Exits on bad flags.
void InitServer(int argc, char** argv, const ServiceDefaults& defaults);

// Serves until SIGTERM or SIGINT; returns the process exit code.
// `store_probe` may be empty (no `backplan.store` entry).
int RunServer(const ServiceDefaults& defaults,
              const std::vector<grpc::Service*>& services,
              std::function<absl::Status()> store_probe);

// True once SIGTERM/SIGINT arrived: long-running calls (streams) end early.
bool Draining();

// The maximum gRPC message size configured, in bytes (for clients of other
// services created by the binary).
int MaxMessageBytes();

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_SERVER_H_

// The bootstrap shared by Backplan's three server binaries, and the same
// server started in-process by tests.
//
//   int main(int argc, char** argv) {
//     backplan::rpc::InitServer(argc, argv, kDefaults);   // flags, signals
//     auto store = ...;  SchedulingService service(store.get(), ...);
//     return backplan::rpc::RunServer(kDefaults, {&service}, probe);
//   }
//
//   // In a test: any free loopback port, no metrics, no signals.
//   ASSERT_OK_AND_ASSIGN(std::unique_ptr<RunningServer> server,
//                        StartServer(ServerOptions(), {&service}, nullptr));
//   auto channel = grpc::CreateChannel(
//       absl::StrCat("127.0.0.1:", server->port()), ...);
//
// InitServer parses the flags below (each also read from the environment
// variable BACKPLAN_<FLAG NAME IN UPPER CASE> when not given on the command
// line), sets the log level and blocks SIGTERM/SIGINT in every thread, which
// must happen before gRPC starts threads. Flags are read only there and in
// ServerOptionsFromFlags. `--version` prints VersionLine(defaults.name)
// (libs/common/version.h) and exits 0.
//
// StartServer serves the given services with gRPC health (`""` and each
// served service's full name, e.g. `backplan.v1.SchedulingService`: the
// process, NOT_SERVING while draining; `backplan.store`: the result of
// `store_probe`, re-checked every store_check_interval, also exported as
// backplan_store_up), server reflection, message size
// limits, a bounded thread count (the sync API: handlers may block on Redis),
// SO_REUSEPORT off, optional TLS, and Prometheus metrics.
//
// RunServer is ServerOptionsFromFlags + StartServer + waiting for SIGTERM or
// SIGINT; it then returns 0: health goes NOT_SERVING, the server stops
// accepting, in-flight calls get --grace_period_s to finish.
//
// Flags: --host, --port (-1: the service's default; 0: any free port),
// --port_file (the bound port is written there), --metrics_port (-1: the
// default; 0: off), --max_message_mb, --max_threads, --grace_period_s,
// --store_check_interval_ms, --log_level, --tls_cert, --tls_key,
// --tls_client_ca (mutual TLS when set), --auth (required: mtls, token or
// none), --auth_identities, --auth_tokens, --reflection, --health_port,
// --max_calls_per_tenant, --sync_pollers, --max_running_calls,
// --max_queued_calls, --max_queue_wait_ms, --retry_pushback_ms
// (admission.h), --max_connection_age_ms, --max_connection_age_grace_ms;
// --slow_call_ms (libs/rpc/call.h).
#ifndef BACKPLAN_LIBS_RPC_SERVER_H_
#define BACKPLAN_LIBS_RPC_SERVER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/server.h"
#include "libs/rpc/auth.h"
#include "libs/rpc/server_parts.h"

namespace backplan::rpc {

struct ServiceDefaults {
  const char* name;  // "backplan-scheduling"; used in logs and --help.
  int port;          // Default gRPC port.
  int metrics_port;  // Default Prometheus port.
};

// How StartServer serves. The defaults suit an in-process test: a free
// loopback port, no metrics, no TLS, no port file.
struct ServerOptions {
  std::string name = "backplan";  // Logs and the resource quota's name.
  std::string host = "127.0.0.1";
  int port = 0;           // 0: any free port (RunningServer::port()).
  std::string port_file;  // If set, the bound port is written there.
  int metrics_port = 0;   // 0: no metrics HTTP server.
  int max_message_bytes = 64 * 1024 * 1024;
  int max_threads = 256;  // Threads serving calls at once.
  // Serving threads kept waiting for calls (gRPC's sync MAX_POLLERS; at
  // least the cores wait); 0: max_threads, so threads never exit; -1:
  // gRPC's defaults (1 to 2).
  int sync_pollers = 0;
  std::chrono::milliseconds store_check_interval{1000};
  std::chrono::seconds grace_period{10};  // Used by RunServer on a signal.
  // PEM file paths; TLS when tls_cert is set, mutual TLS when tls_client_ca
  // is set too.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // Who may call (auth.h). The binaries' --auth has no default; an
  // in-process test serves kNone on loopback.
  AuthOptions auth;
  bool reflection = true;
  int health_port = 0;           // > 0: a plaintext port serving only health.
  int max_calls_per_tenant = 0;  // Unary calls in flight; 0: no cap.
  // Overload admission (admission.h): unary handlers running at once (0 or
  // less: no limit, no queue), calls waiting for a place, and how long one
  // may wait before RESOURCE_EXHAUSTED. max_running + max_queued must stay
  // below max_threads, or StartServer returns INVALID_ARGUMENT.
  int max_running_calls = 0;
  int max_queued_calls = 0;
  std::chrono::milliseconds max_queue_wait{100};
  // grpc-retry-pushback-ms of refused calls (admission and tenant cap).
  std::chrono::milliseconds retry_pushback{500};
  // GOAWAY to a connection this old (gRPC adds +-10% jitter), so clients
  // re-resolve and spread over replicas; then its calls get the grace
  // before it closes. 0: never / no limit.
  int max_connection_age_ms = 0;
  int max_connection_age_grace_ms = 0;
};

// The options the flags give, with -1 ports replaced by `defaults`.
ServerOptions ServerOptionsFromFlags(const ServiceDefaults& defaults);

// A started server. Destroying it shuts it down with no grace period.
class RunningServer {
 public:
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  ~RunningServer();

  // The bound gRPC port.
  int port() const { return port_; }
  grpc::Server* server() const { return server_.get(); }

  // Marks every health entry NOT_SERVING, stops accepting, gives in-flight
  // calls `grace` to finish (then cancels them) and waits for them. Once;
  // later calls do nothing.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  friend absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(
      const ServerOptions&, const std::vector<grpc::Service*>&,
      std::function<absl::Status()>);
  class StoreHealthChecker;
  RunningServer() = default;

  std::string name_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HealthServer> health_server_;  // --health_port.
  HealthFanout health_;  // The health services of both servers.
  std::unique_ptr<StoreHealthChecker> checker_;
  bool shut_down_ = false;
};

// Builds and starts a server for `services` (not owned; they must outlive
// it). `store_probe` may be empty (no `backplan.store` health entry).
// INVALID_ARGUMENT when a TLS file cannot be read or the admission limits do
// not fit in max_threads; UNAVAILABLE when the port
// cannot be bound or metrics cannot start.
absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    std::function<absl::Status()> store_probe);

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

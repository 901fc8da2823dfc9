// Prometheus metrics of a Backplan server, exposed over HTTP at /metrics,
// named and labelled as go-grpc-prometheus does so that stock gRPC
// dashboards and alerts work unchanged:
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}      counter
//   grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}
//   grpc_server_msg_received_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_msg_sent_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method} histogram
//   grpc_client_* the same five, for calls this process makes downstream
//   backplan_inflight_calls{grpc_service}       gauge: handlers running now
//   backplan_store_up                           gauge: 1 when Redis answers
//   backplan_plan_tasks, backplan_plan_bytes    histograms of stored plans read
// grpc_type is unary, client_stream, server_stream or bidi_stream; grpc_code
// is Go's name of the status code (OK, InvalidArgument, Unavailable, ...);
// grpc_service is the full name ("backplan.v1.SchedulingService").
// The Redis metrics (backplan_redis_*) live in services/common/redis_metrics.
//
// Recording always goes to one process-wide registry; StartMetrics only adds
// the HTTP exposer, so unit tests read MetricsText() without a port.
#ifndef BACKPLAN_LIBS_RPC_METRICS_H_
#define BACKPLAN_LIBS_RPC_METRICS_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace backplan::rpc {

// Starts serving metrics on `address` ("0.0.0.0:9093"). Once per process;
// UNAVAILABLE when the port cannot be bound.
absl::Status StartMetrics(const std::string& address);

// The registry every Backplan metric is registered in (never null).
std::shared_ptr<prometheus::Registry> MetricsRegistry();

// The registry in the Prometheus text format (for tests).
std::string MetricsText();

// Go's name of a gRPC status code: "OK", "InvalidArgument", ...;
// "Unknown" for a value outside 0-16.
absl::string_view GrpcCodeName(int code);

// Per-method counters of one side (server or client) of one RPC method,
// resolved once so recording a call does no label lookups. Owned by the
// registry's bookkeeping; pointers stay valid for the process's life.
struct MethodMetrics;

// Makes every method of the served service `full_service_name` known (its
// call types come from the protobuf descriptor pool) and creates its series
// at zero, as go-grpc-prometheus's InitializeMetrics does. Unknown names
// (not in the generated pool) are ignored.
void RegisterServedService(absl::string_view full_service_name);

// The server-side metrics of `method` ("Schedule"), looked up among the
// registered services; a method never registered gets grpc_service
// "unknown", grpc_type "unary".
MethodMetrics* ServerMethod(absl::string_view method);

// Server-side recording, called by CallScope.
void RecordServerStart(MethodMetrics* m);  // started, in-flight, request msg
void RecordServerMessageSent(MethodMetrics* m);
// handled, handling time, in-flight; for a unary OK call also the reply msg.
void RecordServerFinish(MethodMetrics* m, int code, double seconds);

// Records one downstream unary call as grpc_client_*:
//   ClientCallMetrics metrics("backplan.v1.PrioritizationService",
//                             "Prioritize");
//   grpc::Status status = stub->Prioritize(...);
//   metrics.Finish(status);
class ClientCallMetrics {
 public:
  // Counts the call started and its request message sent.
  ClientCallMetrics(absl::string_view full_service_name,
                    absl::string_view method);
  // Counts it handled with `status`, its time, and the reply when OK.
  void Finish(const grpc::Status& status);

 private:
  MethodMetrics* metrics_;
  std::chrono::steady_clock::time_point start_;
};

// backplan_store_up: 1 when the last store health check succeeded.
void SetStoreUp(bool up);

// Observes one stored plan read: its task count and encoded size in bytes.
void RecordPlanSize(int64_t tasks, int64_t bytes);

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_METRICS_H_

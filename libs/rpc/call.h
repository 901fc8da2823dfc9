// CallScope: what every RPC handler does around its work — find the request
// id (metadata `x-request-id`, or a new one), the W3C trace context
// (metadata `traceparent`, or a new trace) and the tenant (metadata
// `x-backplan-tenant`, default "default"), echo the request id back, count
// the call in the grpc_server_* metrics (libs/rpc/metrics.h), and on Finish
// write one JSON log line "rpc" with the fields
//   method, code (gRPC code name), duration_ms, request_id, trace_id,
//   span_id (this call's span, the parent of its downstream calls), tenant,
//   error (the status message, failures only).
// The line is at warning for server-side faults (Unknown, Internal,
// Unavailable, DataLoss, DeadlineExceeded), at info for other failures and
// for calls slower than --slow_call_ms, and at debug otherwise.
//
//   grpc::Status Schedule(grpc::ServerContext* ctx, const Req* req,
//                         Resp* resp) override {
//     CallScope call(ctx, "Schedule");
//     return call.Finish(DoSchedule(call, *req, resp));
//   }
//
// Handlers pass call.request_id() into store events and downstream calls
// (PropagateTo) so one request can be followed across services.
//
// Under --auth=mtls or token the caller was authenticated before the handler
// ran (auth.h): tenant() is the tenant its identity is bound to and
// caller() its name, which the log line carries. Each unary call holds one of
// its tenant's slots (tenant_slots.h) while in flight; over the cap,
// tenant_status() is RESOURCE_EXHAUSTED, ShouldStop() is true and Finish
// returns that error whatever the handler computed. A unary call within its
// tenant's cap is then admitted by the process's Admission (admission.h): it
// may wait there up to --max_queue_wait_ms; refused, it behaves as over the
// tenant cap. Both refusals carry the `grpc-retry-pushback-ms` trailer.
#ifndef BACKPLAN_LIBS_RPC_CALL_H_
#define BACKPLAN_LIBS_RPC_CALL_H_

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"
#include "libs/rpc/metrics.h"

namespace backplan::rpc {

inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTenantHeader[] = "x-backplan-tenant";
inline constexpr char kDefaultTenant[] = "default";
inline constexpr char kTraceparentHeader[] = "traceparent";

// A W3C trace context (https://www.w3.org/TR/trace-context/): lowercase hex.
struct TraceContext {
  std::string trace_id;  // 32 hex digits, not all zero.
  std::string span_id;   // 16 hex digits, not all zero.
  std::string flags;     // 2 hex digits ("01": sampled).
};

// Parses a `traceparent` value "00-<trace_id>-<span_id>-<flags>"; false when
// it is malformed (then a new trace is started). Later versions' extra
// fields are ignored, as the spec asks.
bool ParseTraceparent(absl::string_view value, TraceContext* out);
// "00-<trace_id>-<span_id>-<flags>".
std::string FormatTraceparent(const TraceContext& context);

// A new random request id (16 hex digits).
std::string NewRequestId();

// Unary calls count against --max_calls_per_tenant; streams do not (they
// have caps of their own, e.g. --max_watch_streams_per_tenant).
enum class CallKind { kUnary, kStream };

class CallScope {
 public:
  // `method` must outlive the scope (a string literal).
  CallScope(grpc::ServerContext* context, absl::string_view method,
            CallKind kind = CallKind::kUnary);
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;
  ~CallScope();

  const std::string& request_id() const { return request_id_; }
  // The caller's tenant; INVALID_ARGUMENT via tenant_status() when the
  // metadata holds a malformed one.
  const std::string& tenant() const { return tenant_; }
  const absl::Status& tenant_status() const { return tenant_status_; }
  // The authenticated caller's name; empty under --auth=none.
  const std::string& caller() const { return caller_; }
  grpc::ServerContext* context() const { return context_; }

  // This call's trace: the caller's trace id (or a new one) and a new span
  // id for this call.
  const TraceContext& trace() const { return trace_; }

  // Sets up a downstream call: deadline and cancellation propagated from
  // this call, request id, tenant and `traceparent` (this call's span as the
  // parent) passed on.
  std::unique_ptr<grpc::ClientContext> NewDownstreamContext() const;

  // Logs and counts the call; returns `status` as a grpc::Status. The
  // request id is echoed in the response headers on success and in the
  // trailers on failure, so an error is answered Trailers-Only: gRPC's
  // client retry policies never retry a call whose headers arrived.
  grpc::Status Finish(const absl::Status& status);

  // True once the call should stop computing: the client cancelled, its
  // deadline passed, or the server's grace period ended (gRPC then cancels
  // every call left). Long computations poll it through the libraries' stop
  // callbacks. Thread-safe.
  bool ShouldStop() const;

  // Echoes the request id in the response headers now: for streaming calls,
  // whose headers leave with the first message, before Finish.
  void SendRequestIdHeader();

  // Counts one message written on a server stream (grpc_server_msg_sent).
  void MessageSent();

 private:
  grpc::ServerContext* context_;
  absl::string_view method_;
  std::string request_id_;
  std::string tenant_;
  absl::Status tenant_status_;
  TraceContext trace_;
  MethodMetrics* metrics_;
  std::string caller_;
  CallKind kind_;
  std::chrono::steady_clock::time_point start_;
  bool holds_slot_ = false;
  bool admitted_ = false;     // Holds a place of Admission::Process().
  bool overloaded_ = false;   // Refused: over the tenant cap or admission.
  absl::Status slot_status_;  // RESOURCE_EXHAUSTED over the tenant's cap.
  bool header_added_ = false;
};

// Whether `tenant` is usable in keys: 1-64 of [A-Za-z0-9._-].
absl::Status ValidateTenant(absl::string_view tenant);

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_CALL_H_

// Prometheus metrics of a Backplan server, exposed over HTTP at /metrics:
//   backplan_requests_total{method, code}       counter
//   backplan_request_duration_seconds{method}   histogram
//   backplan_store_errors_total{operation}       counter (Redis errors)
// StartMetrics starts the HTTP exposer; before it (or when the port is
// negative) recording is a no-op, so unit tests need no HTTP server.
#ifndef BACKPLAN_LIBS_RPC_METRICS_H_
#define BACKPLAN_LIBS_RPC_METRICS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace backplan::rpc {

// Starts serving metrics on `address` ("0.0.0.0:9093"). Once per process.
absl::Status StartMetrics(const std::string& address);

// Records one finished call.
void RecordCall(absl::string_view method, absl::string_view code,
                double seconds);

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_METRICS_H_

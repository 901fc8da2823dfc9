// The load engine of backplan-load: sends pre-serialized unary requests to
// one gRPC method over N channels with the callback API and a generic stub,
// either closed loop (a fixed number of calls in flight) or open loop (a
// fixed rate, latency measured from each call's intended send time so a slow
// server cannot hide its queueing: no coordinated omission).
//
//   RunOptions options;
//   options.method = "/backplan.v1.SchedulingService/Schedule";
//   options.requests = {request.SerializeAsString()};
//   options.concurrency = 16;
//   options.duration = absl::Seconds(5);
//   auto channels = MakeChannels("127.0.0.1:50053", 1, TlsOptions{});
//   RunResult result = Run(*channels, options);
//   Report report = Summarize(std::move(result.results), result.total_ns);
#ifndef BACKPLAN_TOOLS_BACKPLAN_LOAD_RUNNER_H_
#define BACKPLAN_TOOLS_BACKPLAN_LOAD_RUNNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "tools/backplan-load/stats.h"

namespace backplan::load {

// Transport security. Plain text unless `insecure` is false or a file is
// given.
struct TlsOptions {
  bool insecure = true;
  std::string cacert;       // PEM roots; empty: the system's.
  std::string cert;         // PEM client certificate (mutual TLS).
  std::string key;          // PEM key of `cert`.
  std::string server_name;  // Overrides the name checked in the certificate.
  std::string token;        // Bearer token on every call (needs TLS).
};

// `connections` channels to `address`, each its own HTTP/2 connection (no
// shared subchannel pool), connected before returning. UNAVAILABLE when they
// do not connect within `connect_timeout`; INVALID_ARGUMENT/NOT_FOUND for
// unreadable TLS files.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> MakeChannels(
    const std::string& address, int connections, const TlsOptions& tls,
    absl::Duration connect_timeout = absl::Seconds(10));

struct RunOptions {
  std::string method;                 // "/package.Service/Method".
  std::vector<std::string> requests;  // Serialized; call i sends i % size.
  int concurrency = 16;               // Closed loop: calls in flight.
  double rps = 0;                     // > 0: open loop at this rate.
  int max_in_flight = 100000;         // Open loop: cap on calls in flight.
  // Bounds of the measured part; at least one must be set. Warmup comes on
  // top and is excluded from the results: a time or a number of calls.
  absl::Duration duration = absl::ZeroDuration();
  int64_t total = 0;
  absl::Duration warmup_time = absl::ZeroDuration();
  int64_t warmup_calls = 0;
  absl::Duration timeout = absl::Seconds(20);  // Per-call deadline.
  std::vector<std::pair<std::string, std::string>> metadata;
  bool progress = false;  // A progress line on stderr every second.
  // Closed loop: after a RESOURCE_EXHAUSTED call whose trailers carry
  // `grpc-retry-pushback-ms`, the call's slot waits that long before its
  // next call, as a gRPC retry policy would (the wait is not a call and is
  // not measured).
  bool honor_pushback = true;
};

struct RunResult {
  Results results;   // Measured calls only.
  int64_t total_ns;  // From the start of the measured part to its last reply.
};

// Runs the load and returns when every call has completed.
RunResult Run(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
              const RunOptions& options);

}  // namespace backplan::load

#endif  // BACKPLAN_TOOLS_BACKPLAN_LOAD_RUNNER_H_

// The bare echo: the same answers as echo_service.h (same protos, same
// response sizes) on gRPC's callback API and a plain grpc::ServerBuilder,
// with nothing of Backplan's bootstrap (no ResourceQuota thread bound,
// health, reflection, metrics, interceptors or logging). scripts/bench.sh
// serves it as `backplan-echo --bare` next to the bootstrap echo, so the
// bench table shows what the bootstrap itself costs against gRPC's floor.
//
//   ASSERT_OK_AND_ASSIGN(std::unique_ptr<BareEcho> echo,
//                        BareEcho::Start("127.0.0.1", 0, 50, 64 << 20));
//   ... calls to 127.0.0.1:echo->port() ...
#ifndef BACKPLAN_TESTS_BENCH_ECHO_BARE_ECHO_H_
#define BACKPLAN_TESTS_BENCH_ECHO_BARE_ECHO_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"

namespace backplan::echo {

// The three echo services served on the callback API. Destroying it shuts
// the server down at once.
class BareEcho {
 public:
  // Serves on `host:port` (0: any free port). `stored_tasks` sizes the by-id
  // answers as in EchoScheduling. UNAVAILABLE when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<BareEcho>> Start(
      const std::string& host, int port, int stored_tasks,
      int max_message_bytes);
  BareEcho(const BareEcho&) = delete;
  BareEcho& operator=(const BareEcho&) = delete;
  ~BareEcho();

  int port() const { return port_; }
  grpc::Server* server() const { return server_.get(); }

 private:
  struct Services;
  BareEcho() = default;
  std::unique_ptr<Services> services_;  // Outlives server_.
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace backplan::echo

#endif  // BACKPLAN_TESTS_BENCH_ECHO_BARE_ECHO_H_

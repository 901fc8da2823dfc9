// Pieces of StartServer (server.h) that concern who may reach what: the main
// port's credentials with authentication (auth.h), the switch for server
// reflection, and the plaintext port that serves only grpc.health.v1 for
// Kubernetes probes, which speak neither TLS nor client certificates.
#ifndef BACKPLAN_LIBS_RPC_SERVER_PARTS_H_
#define BACKPLAN_LIBS_RPC_SERVER_PARTS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "libs/rpc/auth.h"

namespace backplan::rpc {

// The main port's credentials: plaintext without `cert_file`; TLS with it;
// mutual TLS (client certificate required and verified) with `client_ca_file`
// too. With an authentication mode other than kNone, the Authenticator runs
// before every call. INVALID_ARGUMENT when a file cannot be read, when
// kMtls lacks a client CA or kToken lacks TLS (a token must not cross the
// network in clear).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MainPortCredentials(
    const std::string& cert_file, const std::string& key_file,
    const std::string& client_ca_file, const AuthOptions& auth);

// A builder option that serves server reflection on the server built with
// it or, with `enabled` false, removes it (gRPC registers its reflection
// plugin for every server once libgrpc++_reflection is loaded).
std::unique_ptr<grpc::ServerBuilderOption> ReflectionOption(bool enabled);

// Sets every status on each of several health services: the main server's
// and the health-only port's. Not owned; they must outlive it.
class HealthFanout : public grpc::HealthCheckServiceInterface {
 public:
  void Add(grpc::HealthCheckServiceInterface* health) {
    healths_.push_back(health);
  }
  void SetServingStatus(const std::string& service_name, bool serving) override;
  void SetServingStatus(bool serving) override;
  void Shutdown() override;

 private:
  std::vector<grpc::HealthCheckServiceInterface*> healths_;
};

// A plaintext server serving only grpc.health.v1 (gRPC's default health
// service, set through health()).
class HealthServer {
 public:
  // Listens on `host:port` (0: any free port). UNAVAILABLE when the port
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<HealthServer>> Start(
      const std::string& host, int port);
  ~HealthServer();

  int port() const { return port_; }
  grpc::HealthCheckServiceInterface* health() const {
    return server_->GetHealthCheckService();
  }

 private:
  HealthServer() = default;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  // gRPC refuses to build a server without a polled queue, and the default
  // health service only registers itself once the server starts: this one
  // never receives work and is drained at shutdown.
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
};

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_SERVER_PARTS_H_

#include "libs/rpc/server_parts.h"

#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "libs/common/status_macros.h"

namespace backplan::rpc {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read file \"", path, "\""));
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Reflection : public grpc::ServerBuilderOption {
 public:
  explicit Reflection(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    const std::string name =
        grpc::reflection::ProtoServerReflectionPlugin().name();
    for (auto it = plugins->begin(); it != plugins->end();) {
      it = (*it)->name() == name ? plugins->erase(it) : it + 1;
    }
    if (enabled_) {
      plugins->push_back(
          std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
    }
  }

 private:
  const bool enabled_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MainPortCredentials(
    const std::string& cert_file, const std::string& key_file,
    const std::string& client_ca_file, const AuthOptions& auth) {
  if (auth.mode != AuthMode::kNone && cert_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--auth=", AuthModeName(auth.mode), " needs --tls_cert and --tls_key"));
  }
  if (auth.mode == AuthMode::kMtls && client_ca_file.empty()) {
    return absl::InvalidArgumentError("--auth=mtls needs --tls_client_ca");
  }
  if (cert_file.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      client_ca_file.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ASSIGN_OR_RETURN(std::string key, ReadPem(key_file));
  ASSIGN_OR_RETURN(std::string cert, ReadPem(cert_file));
  options.pem_key_cert_pairs.push_back({std::move(key), std::move(cert)});
  if (!client_ca_file.empty()) {
    ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem(client_ca_file));
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::SslServerCredentials(options);
  ASSIGN_OR_RETURN(std::shared_ptr<Authenticator> authenticator,
                   Authenticator::Create(auth));
  if (authenticator != nullptr) {
    credentials->SetAuthMetadataProcessor(std::move(authenticator));
  }
  return credentials;
}

std::unique_ptr<grpc::ServerBuilderOption> ReflectionOption(bool enabled) {
  return std::make_unique<Reflection>(enabled);
}

void HealthFanout::SetServingStatus(const std::string& service_name,
                                    bool serving) {
  for (auto* health : healths_) health->SetServingStatus(service_name, serving);
}

void HealthFanout::SetServingStatus(bool serving) {
  for (auto* health : healths_) health->SetServingStatus(serving);
}

void HealthFanout::Shutdown() {
  for (auto* health : healths_) health->Shutdown();
}

absl::StatusOr<std::unique_ptr<HealthServer>> HealthServer::Start(
    const std::string& host, int port) {
  grpc::EnableDefaultHealthCheckService(true);
  std::unique_ptr<HealthServer> health(new HealthServer());
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat(host, ":", port),
                           grpc::InsecureServerCredentials(), &health->port_);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetOption(ReflectionOption(false));
  builder.SetMaxReceiveMessageSize(4096);
  health->queue_ = builder.AddCompletionQueue();
  health->server_ = builder.BuildAndStart();
  if (health->server_ == nullptr || health->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("health port: cannot listen on ", host, ":", port));
  }
  return health;
}

HealthServer::~HealthServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
  queue_->Shutdown();
  void* tag;
  bool ok;
  while (queue_->Next(&tag, &ok)) {
  }
}

}  // namespace backplan::rpc

// The one way Backplan's clients (the scheduling -> prioritization channel,
// the backplan CLI, backplan-load) build a channel: plaintext, TLS against a
// CA, mutual TLS with a client certificate, and a bearer token on every
// call, with the published client defaults (channel_config.h).
//
//   ClientSecurity security;
//   security.ca_file = "certs/ca.pem";          // TLS
//   security.cert_file = "certs/client.pem";    // mutual TLS
//   security.key_file = "certs/client.key";
//   security.token = std::getenv("BACKPLAN_TOKEN");  // or token_file
//   ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
//                    NewChannel("backplan-scheduling:50053", security, args));
//
// A token travels only over TLS: a token without TLS is INVALID_ARGUMENT.
// `token_file` is re-read when it changes (checked at most once a second),
// so a rotated Kubernetes Secret takes effect without a restart.
#ifndef BACKPLAN_LIBS_CHANNEL_CREDENTIALS_H_
#define BACKPLAN_LIBS_CHANNEL_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace backplan::channel {

struct ClientSecurity {
  bool tls = false;         // TLS with the system's roots unless ca_file.
  std::string ca_file;      // PEM roots; implies tls.
  std::string cert_file;    // PEM client certificate; implies tls.
  std::string key_file;     // PEM key of cert_file.
  std::string server_name;  // Name checked in the server's certificate.
  std::string token;        // Bearer token sent with every call.
  std::string token_file;   // Or: a file holding it (first line).

  bool UsesTls() const { return tls || !ca_file.empty() || !cert_file.empty(); }
};

// Channel credentials for `security`. INVALID_ARGUMENT for an unreadable
// file, a certificate without its key (or the reverse), or a token without
// TLS.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const ClientSecurity& security);

// A channel to `target` with `args` plus ApplyClientDefaults and the
// server-name override; errors as ClientCredentials.
absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannel(
    const std::string& target, const ClientSecurity& security,
    grpc::ChannelArguments args);

}  // namespace backplan::channel

#endif  // BACKPLAN_LIBS_CHANNEL_CREDENTIALS_H_

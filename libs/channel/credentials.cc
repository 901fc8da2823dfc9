#include "libs/channel/credentials.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <mutex>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "libs/channel/channel_config.h"

namespace backplan::channel {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read file \"", path, "\""));
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string FirstLine(absl::string_view text) {
  return std::string(
      absl::StripAsciiWhitespace(text.substr(0, text.find('\n'))));
}

// Sends `authorization: Bearer <token>` read from a file, re-read when the
// file's modification time or size changes.
class TokenFilePlugin : public grpc::MetadataCredentialsPlugin {
 public:
  explicit TokenFilePlugin(std::string path) : path_(std::move(path)) {}
  bool IsBlocking() const override { return false; }
  const char* GetType() const override { return "backplan-token-file"; }

  grpc::Status GetMetadata(
      grpc::string_ref, grpc::string_ref, const grpc::AuthContext&,
      std::multimap<grpc::string, grpc::string>* metadata) override {
    std::string token;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const auto now = std::chrono::steady_clock::now();
      if (token_.empty() || now - checked_ >= std::chrono::seconds(1)) {
        checked_ = now;
        struct stat info;
        std::string version;
        if (stat(path_.c_str(), &info) == 0) {
          version =
              absl::StrCat(info.st_ino, ".", info.st_size, ".",
                           info.st_mtim.tv_sec, ".", info.st_mtim.tv_nsec);
        }
        if (version != version_) {
          absl::StatusOr<std::string> text = ReadFile(path_);
          if (text.ok()) {
            token_ = FirstLine(*text);
            version_ = version;
          }
        }
      }
      token = token_;
    }
    if (token.empty()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          absl::StrCat("no token in \"", path_, "\""));
    }
    metadata->insert({"authorization", absl::StrCat("Bearer ", token)});
    return grpc::Status::OK;
  }

 private:
  const std::string path_;
  std::mutex mu_;  // Guards everything below.
  std::string token_;
  std::string version_;
  std::chrono::steady_clock::time_point checked_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientCredentials(
    const ClientSecurity& security) {
  const bool has_token =
      !security.token.empty() || !security.token_file.empty();
  if (!security.UsesTls()) {
    if (has_token) {
      return absl::InvalidArgumentError(
          "a token is sent only over TLS: give a CA (--tls_ca)");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (security.cert_file.empty() != security.key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate and its key go together");
  }
  grpc::SslCredentialsOptions ssl;
  if (!security.ca_file.empty()) {
    absl::StatusOr<std::string> roots = ReadFile(security.ca_file);
    if (!roots.ok()) return roots.status();
    ssl.pem_root_certs = *std::move(roots);
  }
  if (!security.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(security.cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(security.key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::SslCredentials(ssl);
  if (!security.token.empty()) {
    credentials = grpc::CompositeChannelCredentials(
        credentials, grpc::AccessTokenCredentials(security.token));
  } else if (!security.token_file.empty()) {
    absl::StatusOr<std::string> token = ReadFile(security.token_file);
    if (!token.ok()) return token.status();
    credentials = grpc::CompositeChannelCredentials(
        credentials,
        grpc::MetadataCredentialsFromPlugin(
            std::make_unique<TokenFilePlugin>(security.token_file)));
  }
  return credentials;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannel(
    const std::string& target, const ClientSecurity& security,
    grpc::ChannelArguments args) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ClientCredentials(security);
  if (!credentials.ok()) return credentials.status();
  ApplyClientDefaults(&args);
  if (!security.server_name.empty()) {
    args.SetSslTargetNameOverride(security.server_name);
  }
  return grpc::CreateCustomChannel(target, *credentials, args);
}

}  // namespace backplan::channel

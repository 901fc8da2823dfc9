#include "libs/rpc/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpc/grpc_security_constants.h"
#include "libs/common/log.h"
#include "libs/core/tenant.h"
#include "libs/rpc/call.h"

namespace backplan::rpc {
namespace {

constexpr char kAuthorizationHeader[] = "authorization";
constexpr char kBearerPrefix[] = "Bearer ";

std::array<unsigned char, 32> Sha256(absl::string_view data) {
  std::array<unsigned char, 32> digest{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(),
             nullptr);
  return digest;
}

absl::Status CheckBinding(absl::string_view what, absl::string_view tenant) {
  if (tenant == kAnyTenant) return absl::OkStatus();
  absl::Status status = ValidateTenantName(tenant);
  if (status.ok()) return status;
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", status.message()));
}

// Resolved path, device, inode, size and modification time of `path`;
// empty when it cannot be resolved.
std::string FileVersion(const std::string& path) {
  char* resolved = realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return "";
  std::string real(resolved);
  free(resolved);
  struct stat info;
  if (stat(real.c_str(), &info) != 0) return "";
  return absl::StrFormat("%s|%d|%d|%d|%d.%09d", real, info.st_dev, info.st_ino,
                         info.st_size, info.st_mtim.tv_sec,
                         info.st_mtim.tv_nsec);
}

std::string Metadata(const grpc::AuthMetadataProcessor::InputMetadata& md,
                     absl::string_view key) {
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::string FirstProperty(const grpc::AuthContext& context, const char* name) {
  for (const grpc::string_ref& value : context.FindPropertyValues(name)) {
    if (!value.empty()) return std::string(value.data(), value.size());
  }
  return "";
}

}  // namespace

absl::StatusOr<AuthMode> ParseAuthMode(absl::string_view text) {
  if (text == "mtls") return AuthMode::kMtls;
  if (text == "token") return AuthMode::kToken;
  if (text == "none") return AuthMode::kNone;
  return absl::InvalidArgumentError(
      absl::StrCat("--auth must be mtls, token or none (no default), not \"",
                   absl::CHexEscape(text.substr(0, 32)), "\""));
}

absl::string_view AuthModeName(AuthMode mode) {
  switch (mode) {
    case AuthMode::kMtls:
      return "mtls";
    case AuthMode::kToken:
      return "token";
    case AuthMode::kNone:
      break;
  }
  return "none";
}

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ParseIdentities(
    absl::string_view yaml) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("identities: not YAML: ", e.what()));
  }
  if (root.IsMap() && root["identities"]) root = root["identities"];
  absl::flat_hash_map<std::string, std::string> identities;
  if (root.IsNull()) return identities;
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(
        "identities: expected a mapping of identity to tenant or \"*\"");
  }
  if (root.size() > static_cast<size_t>(kMaxAuthEntries)) {
    return absl::InvalidArgumentError(
        absl::StrCat("identities: more than ", kMaxAuthEntries, " entries"));
  }
  for (const auto& entry : root) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
      return absl::InvalidArgumentError(
          absl::StrCat("identities line ", entry.first.Mark().line + 1,
                       ": expected identity: tenant"));
    }
    const std::string identity = entry.first.Scalar();
    const std::string tenant = entry.second.Scalar();
    if (identity.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "identities line ", entry.first.Mark().line + 1, ": empty identity"));
    }
    absl::Status status =
        CheckBinding(absl::StrCat("identity \"", identity, "\""), tenant);
    if (!status.ok()) return status;
    identities[identity] = tenant;
  }
  return identities;
}

absl::StatusOr<std::vector<TokenEntry>> ParseTokens(absl::string_view text) {
  std::vector<TokenEntry> entries;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(
        line, absl::MaxSplits(absl::ByAnyChar(" \t"), 2), absl::SkipEmpty());
    const std::string where = absl::StrCat("tokens line ", line_number);
    if (fields.size() < 3) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": expected <sha256 hex> <tenant or *> <name>"));
    }
    if (fields[0].size() != 64 ||
        !std::all_of(fields[0].begin(), fields[0].end(),
                     absl::ascii_isxdigit)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": the token's SHA-256 is 64 hex digits"));
    }
    if (entries.size() >= static_cast<size_t>(kMaxAuthEntries)) {
      return absl::InvalidArgumentError(
          absl::StrCat("tokens: more than ", kMaxAuthEntries, " entries"));
    }
    TokenEntry entry;
    const std::string bytes = absl::HexStringToBytes(fields[0]);
    std::copy(bytes.begin(), bytes.end(), entry.sha256.begin());
    entry.tenant = std::string(fields[1]);
    entry.name = std::string(absl::StripAsciiWhitespace(fields[2]));
    absl::Status status = CheckBinding(where, entry.tenant);
    if (!status.ok()) return status;
    entries.push_back(std::move(entry));
  }
  return entries;
}

const TokenEntry* MatchToken(absl::Span<const TokenEntry> entries,
                             absl::string_view token) {
  const std::array<unsigned char, 32> digest = Sha256(token);
  const TokenEntry* found = nullptr;
  for (const TokenEntry& entry : entries) {
    // No early exit: every entry costs the same whether or not it matches.
    const bool equal =
        CRYPTO_memcmp(entry.sha256.data(), digest.data(), digest.size()) == 0;
    if (equal && found == nullptr) found = &entry;
  }
  return found;
}

absl::StatusOr<std::string> ResolveTenant(const Principal& bound,
                                          absl::string_view header_tenant) {
  if (bound.tenant == kAnyTenant) {
    return header_tenant.empty() ? std::string(kDefaultTenant)
                                 : std::string(header_tenant);
  }
  if (!header_tenant.empty() && header_tenant != bound.tenant) {
    return absl::PermissionDeniedError(absl::StrCat(
        "caller \"", bound.name, "\" may not act for tenant \"",
        absl::CHexEscape(header_tenant.substr(0, kMaxTenantLength)), "\""));
  }
  return bound.tenant;
}

template <typename T>
absl::StatusOr<std::unique_ptr<WatchedFile<T>>> WatchedFile<T>::Open(
    std::string path, Parser parse, std::chrono::milliseconds interval) {
  std::unique_ptr<WatchedFile> file(
      new WatchedFile(std::move(path), std::move(parse), interval));
  std::lock_guard<std::mutex> lock(file->mu_);
  absl::Status status = file->Reload(/*force=*/true);
  if (!status.ok()) return status;
  return file;
}

template <typename T>
std::shared_ptr<const T> WatchedFile<T>::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (std::chrono::steady_clock::now() - checked_ >= interval_) {
    absl::Status status = Reload(/*force=*/false);
    if (!status.ok()) {
      LogLine(LogLevel::kError, "auth file not reloaded; the last one stays")
          .Add("path", path_)
          .Add("error", status.message());
    }
  }
  return value_;
}

template <typename T>
absl::Status WatchedFile<T>::Reload(bool force) {
  checked_ = std::chrono::steady_clock::now();
  const std::string version = FileVersion(path_);
  if (!force && version == version_) return absl::OkStatus();
  version_ = version;  // A bad file is reported once, not on every check.
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read \"", path_, "\""));
  }
  const std::string text(std::istreambuf_iterator<char>(in), {});
  absl::StatusOr<T> parsed = parse_(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": ", parsed.status().message()));
  }
  value_ = std::make_shared<const T>(*std::move(parsed));
  if (!force) LogLine(LogLevel::kInfo, "auth file reloaded").Add("path", path_);
  return absl::OkStatus();
}

template class WatchedFile<absl::flat_hash_map<std::string, std::string>>;
template class WatchedFile<std::vector<TokenEntry>>;

std::string PeerIdentity(const grpc::AuthContext& context) {
  std::string identity = FirstProperty(context, GRPC_PEER_URI_PROPERTY_NAME);
  if (identity.empty())
    identity = FirstProperty(context, GRPC_PEER_DNS_PROPERTY_NAME);
  if (identity.empty())
    identity = FirstProperty(context, GRPC_X509_CN_PROPERTY_NAME);
  return identity;
}

absl::StatusOr<std::shared_ptr<Authenticator>> Authenticator::Create(
    const AuthOptions& options) {
  if (options.mode == AuthMode::kNone) return nullptr;
  std::shared_ptr<Authenticator> authenticator(new Authenticator(options.mode));
  if (options.mode == AuthMode::kMtls) {
    if (options.identities_file.empty()) {
      return absl::InvalidArgumentError("--auth=mtls needs --auth_identities");
    }
    auto file =
        WatchedFile<absl::flat_hash_map<std::string, std::string>>::Open(
            options.identities_file, ParseIdentities, options.reload_interval);
    if (!file.ok()) return file.status();
    authenticator->identities_ = *std::move(file);
  } else {
    if (options.tokens_file.empty()) {
      return absl::InvalidArgumentError("--auth=token needs --auth_tokens");
    }
    auto file = WatchedFile<std::vector<TokenEntry>>::Open(
        options.tokens_file, ParseTokens, options.reload_interval);
    if (!file.ok()) return file.status();
    authenticator->tokens_ = *std::move(file);
  }
  return authenticator;
}

absl::StatusOr<Principal> Authenticator::Identify(
    const InputMetadata& metadata, const grpc::AuthContext& context) {
  if (mode_ == AuthMode::kMtls) {
    const std::string identity = PeerIdentity(context);
    if (identity.empty()) {
      return absl::UnauthenticatedError(
          "a client certificate with a URI SAN, DNS SAN or CN is required");
    }
    std::shared_ptr<const absl::flat_hash_map<std::string, std::string>>
        identities = identities_->Get();
    auto it = identities->find(identity);
    if (it == identities->end()) {
      return absl::UnauthenticatedError(absl::StrCat(
          "client certificate identity \"",
          absl::CHexEscape(absl::string_view(identity).substr(0, 256)),
          "\" is not in the identities file"));
    }
    return Principal{identity, it->second};
  }
  const std::string header = Metadata(metadata, kAuthorizationHeader);
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "missing authorization: Bearer <token> metadata");
  }
  if (!absl::StartsWith(header, kBearerPrefix)) {
    return absl::UnauthenticatedError(
        "authorization metadata must be \"Bearer <token>\"");
  }
  std::shared_ptr<const std::vector<TokenEntry>> tokens = tokens_->Get();
  const TokenEntry* entry = MatchToken(
      *tokens, absl::string_view(header).substr(sizeof(kBearerPrefix) - 1));
  if (entry == nullptr) return absl::UnauthenticatedError("unknown token");
  return Principal{entry->name, entry->tenant};
}

grpc::Status Authenticator::Process(const InputMetadata& auth_metadata,
                                    grpc::AuthContext* context,
                                    OutputMetadata* consumed_auth_metadata,
                                    OutputMetadata*) {
  if (mode_ == AuthMode::kToken &&
      auth_metadata.count(kAuthorizationHeader) > 0) {
    // The token never reaches handlers or logs.
    consumed_auth_metadata->insert(
        {kAuthorizationHeader, Metadata(auth_metadata, kAuthorizationHeader)});
  }
  absl::StatusOr<Principal> principal = Identify(auth_metadata, *context);
  absl::StatusOr<std::string> tenant =
      principal.ok()
          ? ResolveTenant(*principal, Metadata(auth_metadata, kTenantHeader))
          : principal.status();
  if (!tenant.ok()) {
    return grpc::Status(static_cast<grpc::StatusCode>(tenant.status().code()),
                        std::string(tenant.status().message()));
  }
  context->AddProperty(kCallerProperty, principal->name);
  context->AddProperty(kTenantProperty, *tenant);
  return grpc::Status::OK;
}

}  // namespace backplan::rpc

// Authentication of callers, shared by Backplan's three servers: who is
// calling (a verified client certificate or a bearer token) and which tenant
// that caller may act for.
//
//   AuthOptions auth;
//   auth.mode = AuthMode::kToken;
//   auth.tokens_file = "/etc/backplan/auth/tokens";
//   ASSIGN_OR_RETURN(std::shared_ptr<Authenticator> authenticator,
//                    Authenticator::Create(auth));
//   server_credentials->SetAuthMetadataProcessor(authenticator);
//
// Modes (--auth, no default):
// - kMtls: the client certificate, verified by the TLS handshake against
//   --tls_client_ca, names the caller: its first URI SAN, else its first DNS
//   SAN, else its subject CN. --auth_identities maps that name to a tenant,
//   or to "*" for a trusted service that acts for the tenant named in the
//   x-backplan-tenant header (the scheduling service calling
//   prioritization on its caller's behalf).
// - kToken: `authorization: Bearer <token>`; --auth_tokens holds one line
//   per token: the token's SHA-256 in hex, its tenant or "*", and a name for
//   logs. Compared in constant time; the header is consumed, so handlers and
//   logs never see the token.
// - kNone: no authentication; the tenant header is trusted (local
//   development on loopback). The server logs a warning at start.
//
// Both files are re-read when the file at their resolved path changes
// (Kubernetes swaps a symlink when a Secret changes), checked at most every
// AuthOptions::reload_interval; a file that no longer parses leaves the last
// good contents in force and logs an error.
//
// A call is refused before any handler runs: UNAUTHENTICATED without a
// known identity or token, PERMISSION_DENIED when the tenant header names
// another tenant than the one the caller is bound to. An accepted call's
// auth context carries kCallerProperty and kTenantProperty, which CallScope
// reads (call.h).
#ifndef BACKPLAN_LIBS_RPC_AUTH_H_
#define BACKPLAN_LIBS_RPC_AUTH_H_

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "grpcpp/security/auth_metadata_processor.h"

namespace backplan::rpc {

enum class AuthMode { kNone, kMtls, kToken };

// "mtls", "token" or "none"; INVALID_ARGUMENT for anything else, including
// "" (--auth has no default).
absl::StatusOr<AuthMode> ParseAuthMode(absl::string_view text);
absl::string_view AuthModeName(AuthMode mode);

// The tenant binding that lets a trusted service act for any tenant.
inline constexpr char kAnyTenant[] = "*";
// Auth-context properties of an accepted call.
inline constexpr char kCallerProperty[] = "backplan_caller";
inline constexpr char kTenantProperty[] = "backplan_tenant";
// Most entries either file may hold.
inline constexpr int kMaxAuthEntries = 100000;

struct AuthOptions {
  AuthMode mode = AuthMode::kNone;
  std::string identities_file;  // kMtls: YAML, identity -> tenant or "*".
  std::string tokens_file;      // kToken: "<sha256 hex> <tenant|*> <name>".
  std::chrono::milliseconds reload_interval{1000};
};

// A caller and the tenant it is bound to (kAnyTenant for a trusted service).
struct Principal {
  std::string name;
  std::string tenant;
};

// Parses an identities file: a YAML mapping of identity to tenant or "*",
// either at the top level or under the key `identities`. INVALID_ARGUMENT
// naming the entry for a malformed tenant, an empty identity or more than
// kMaxAuthEntries entries.
absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ParseIdentities(
    absl::string_view yaml);

struct TokenEntry {
  std::array<unsigned char, 32> sha256;
  std::string tenant;  // Or kAnyTenant.
  std::string name;
};

// Parses a tokens file: per line the token's SHA-256 (64 hex digits), its
// tenant or "*", and a name (rest of the line); blank lines and lines
// starting with '#' are skipped. INVALID_ARGUMENT naming the line.
absl::StatusOr<std::vector<TokenEntry>> ParseTokens(absl::string_view text);

// The entry whose hash is SHA-256(token), or null. Every entry is compared
// in full (CRYPTO_memcmp), so the time taken does not depend on how much of
// a hash matched.
const TokenEntry* MatchToken(absl::Span<const TokenEntry> entries,
                             absl::string_view token);

// The caller's tenant for a call: `bound` unless it is kAnyTenant, when it
// is `header_tenant` (or "default" when that is empty). PERMISSION_DENIED
// when a caller bound to one tenant names another in the header.
absl::StatusOr<std::string> ResolveTenant(const Principal& bound,
                                          absl::string_view header_tenant);

// A file parsed into T, re-read when the file at its resolved path changes
// (device, inode, size or modification time), checked at most every
// `interval`. Thread-safe.
template <typename T>
class WatchedFile {
 public:
  using Parser = std::function<absl::StatusOr<T>(absl::string_view)>;

  // Reads and parses `path` now; its error if either fails.
  static absl::StatusOr<std::unique_ptr<WatchedFile>> Open(
      std::string path, Parser parse, std::chrono::milliseconds interval);

  // The current contents.
  std::shared_ptr<const T> Get();

 private:
  WatchedFile(std::string path, Parser parse,
              std::chrono::milliseconds interval)
      : path_(std::move(path)), parse_(std::move(parse)), interval_(interval) {}
  // Re-reads when the file changed; keeps the old contents on failure.
  absl::Status Reload(bool force);

  const std::string path_;
  const Parser parse_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;  // Guards everything below.
  std::shared_ptr<const T> value_;
  std::string version_;  // Resolved path, device, inode, size, mtime.
  std::chrono::steady_clock::time_point checked_;
};

// The server side of authentication: a gRPC AuthMetadataProcessor that runs
// before every call on the main port (it needs TLS: kMtls and kToken servers
// refuse to start without --tls_cert).
class Authenticator : public grpc::AuthMetadataProcessor {
 public:
  // INVALID_ARGUMENT when the mode's file is missing or malformed; null for
  // kNone.
  static absl::StatusOr<std::shared_ptr<Authenticator>> Create(
      const AuthOptions& options);

  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

  // The principal behind a call's credentials, without the tenant check.
  absl::StatusOr<Principal> Identify(const InputMetadata& metadata,
                                     const grpc::AuthContext& context);

 private:
  explicit Authenticator(AuthMode mode) : mode_(mode) {}

  const AuthMode mode_;
  std::unique_ptr<WatchedFile<absl::flat_hash_map<std::string, std::string>>>
      identities_;
  std::unique_ptr<WatchedFile<std::vector<TokenEntry>>> tokens_;
};

// The identity a verified peer certificate names: its first URI SAN, else
// its first DNS SAN, else its CN; empty when it has none.
std::string PeerIdentity(const grpc::AuthContext& context);

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_AUTH_H_

// The parts of authentication that need no TLS handshake: the two files'
// formats, token matching, the tenant binding rule, re-reading a file when
// Kubernetes swaps its symlink, the per-tenant call cap, and the start-up
// checks on --auth. The handshake and the whole path run in
// tests/e2e/test_security.py.
#include "libs/rpc/auth.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/rpc/server_parts.h"
#include "libs/rpc/tenant_slots.h"

namespace backplan::rpc {
namespace {

using ::backplan::testing::IsOk;
using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

// A fresh directory under the test's temporary directory.
std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(base != nullptr ? base : "/tmp", "/auth-",
                                 getpid(), "-", name);
  std::string command =
      absl::StrCat("rm -rf '", dir, "' && mkdir -p '", dir, "'");
  EXPECT_EQ(std::system(command.c_str()), 0);
  return dir;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

TEST(ParseAuthMode, HasNoDefault) {
  EXPECT_THAT(ParseAuthMode(""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--auth must be mtls, token or none")));
  EXPECT_THAT(ParseAuthMode("tls").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tls")));
  EXPECT_EQ(*ParseAuthMode("mtls"), AuthMode::kMtls);
  EXPECT_EQ(*ParseAuthMode("token"), AuthMode::kToken);
  EXPECT_EQ(*ParseAuthMode("none"), AuthMode::kNone);
}

TEST(ParseTokens, ReadsHashTenantAndName) {
  const std::string text =
      absl::StrCat("# comment\n\n", Sha256Hex("a-secret"), " acme  ci bot\n",
                   Sha256Hex("s-secret"), "\t*\tscheduling\n");
  ASSERT_OK_AND_ASSIGN(std::vector<TokenEntry> entries, ParseTokens(text));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].tenant, "acme");
  EXPECT_EQ(entries[0].name, "ci bot");
  EXPECT_EQ(entries[1].tenant, "*");
  EXPECT_EQ(entries[1].name, "scheduling");

  const TokenEntry* found = MatchToken(entries, "a-secret");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->name, "ci bot");
  EXPECT_EQ(MatchToken(entries, "s-secret")->tenant, "*");
  EXPECT_EQ(MatchToken(entries, "a-secreT"), nullptr);
  EXPECT_EQ(MatchToken(entries, ""), nullptr);
}

TEST(ParseTokens, NamesTheBadLine) {
  EXPECT_THAT(ParseTokens("\nabc acme x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tokens line 2: the token's SHA-256")));
  EXPECT_THAT(ParseTokens(absl::StrCat(Sha256Hex("t"), " acme\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tokens line 1: expected")));
  EXPECT_THAT(ParseTokens(absl::StrCat(Sha256Hex("t"), " ac/me name\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tokens line 1: tenant")));
}

TEST(ParseIdentities, MapsIdentitiesToTenants) {
  ASSERT_OK_AND_ASSIGN(auto top,
                       ParseIdentities("spiffe://backplan/acme: acme\n"
                                       "backplan-scheduling: '*'\n"));
  EXPECT_EQ(top.at("spiffe://backplan/acme"), "acme");
  EXPECT_EQ(top.at("backplan-scheduling"), "*");
  ASSERT_OK_AND_ASSIGN(auto nested,
                       ParseIdentities("identities:\n  globex-ci: globex\n"));
  EXPECT_EQ(nested.at("globex-ci"), "globex");
  EXPECT_THAT(ParseIdentities("a: [1]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("identities line 1")));
  EXPECT_THAT(ParseIdentities("a: 'x y'\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("identity \"a\"")));
}

TEST(ResolveTenant, BoundCallerActsOnlyForItsTenant) {
  const Principal acme{"acme-ci", "acme"};
  EXPECT_EQ(*ResolveTenant(acme, ""), "acme");
  EXPECT_EQ(*ResolveTenant(acme, "acme"), "acme");
  EXPECT_THAT(ResolveTenant(acme, "globex"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("\"acme-ci\" may not act for tenant "
                                 "\"globex\"")));
}

TEST(ResolveTenant, TrustedServiceActsForTheNamedTenant) {
  const Principal service{"backplan-scheduling", "*"};
  EXPECT_EQ(*ResolveTenant(service, "globex"), "globex");
  EXPECT_EQ(*ResolveTenant(service, ""), "default");
}

TEST(WatchedFile, RereadsWhenTheSymlinkIsSwapped) {
  // The layout Kubernetes gives a mounted Secret: tokens -> ..data/tokens,
  // ..data -> a timestamped directory, swapped atomically on change.
  const std::string dir = TempDir("swap");
  ASSERT_EQ(mkdir((dir + "/v1").c_str(), 0700), 0);
  ASSERT_EQ(mkdir((dir + "/v2").c_str(), 0700), 0);
  Write(dir + "/v1/tokens", absl::StrCat(Sha256Hex("one"), " acme first\n"));
  Write(dir + "/v2/tokens", absl::StrCat(Sha256Hex("two"), " acme second\n"));
  ASSERT_EQ(symlink("v1", (dir + "/..data").c_str()), 0);
  ASSERT_EQ(symlink("..data/tokens", (dir + "/tokens").c_str()), 0);

  ASSERT_OK_AND_ASSIGN(auto file, WatchedFile<std::vector<TokenEntry>>::Open(
                                      dir + "/tokens", ParseTokens,
                                      std::chrono::milliseconds(0)));
  EXPECT_NE(MatchToken(*file->Get(), "one"), nullptr);
  EXPECT_EQ(MatchToken(*file->Get(), "two"), nullptr);

  ASSERT_EQ(symlink("v2", (dir + "/..data.new").c_str()), 0);
  ASSERT_EQ(rename((dir + "/..data.new").c_str(), (dir + "/..data").c_str()),
            0);
  EXPECT_EQ(MatchToken(*file->Get(), "one"), nullptr);
  EXPECT_NE(MatchToken(*file->Get(), "two"), nullptr);

  // A file that no longer parses leaves the last good contents in force.
  Write(dir + "/v2/tokens", "not a token line\n");
  EXPECT_NE(MatchToken(*file->Get(), "two"), nullptr);
}

TEST(WatchedFile, ChecksAtMostOncePerInterval) {
  const std::string dir = TempDir("interval");
  Write(dir + "/tokens", absl::StrCat(Sha256Hex("one"), " acme first\n"));
  ASSERT_OK_AND_ASSIGN(
      auto file, WatchedFile<std::vector<TokenEntry>>::Open(
                     dir + "/tokens", ParseTokens, std::chrono::hours(1)));
  Write(dir + "/tokens", absl::StrCat(Sha256Hex("two"), " acme second one\n"));
  EXPECT_NE(MatchToken(*file->Get(), "one"), nullptr);
}

TEST(Authenticator, RefusesToStartWithoutItsFile) {
  AuthOptions options;
  options.mode = AuthMode::kToken;
  EXPECT_THAT(
      Authenticator::Create(options).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--auth_tokens")));
  options.tokens_file = "/nonexistent/tokens";
  EXPECT_THAT(Authenticator::Create(options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("/nonexistent/tokens")));
  options.mode = AuthMode::kMtls;
  EXPECT_THAT(Authenticator::Create(options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--auth_identities")));
  options.mode = AuthMode::kNone;
  ASSERT_OK_AND_ASSIGN(auto none, Authenticator::Create(options));
  EXPECT_EQ(none, nullptr);
}

TEST(MainPortCredentials, AuthNeedsTls) {
  AuthOptions token;
  token.mode = AuthMode::kToken;
  EXPECT_THAT(MainPortCredentials("", "", "", token).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--auth=token needs --tls_cert")));
  AuthOptions mtls;
  mtls.mode = AuthMode::kMtls;
  EXPECT_THAT(MainPortCredentials("cert.pem", "key.pem", "", mtls).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--auth=mtls needs --tls_client_ca")));
  EXPECT_THAT(MainPortCredentials("", "", "", AuthOptions()).status(), IsOk());
}

TEST(TenantSlots, CapsEachTenantApart) {
  TenantSlots slots;
  slots.Configure(2);
  ASSERT_OK(slots.Acquire("acme"));
  ASSERT_OK(slots.Acquire("acme"));
  EXPECT_THAT(slots.Acquire("acme"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("--max_calls_per_tenant")));
  EXPECT_EQ(slots.InFlight("acme"), 2);
  ASSERT_OK(slots.Acquire("globex"));
  slots.Release("acme");
  EXPECT_OK(slots.Acquire("acme"));
  slots.Release("acme");
  slots.Release("acme");
  slots.Release("globex");
  EXPECT_EQ(slots.InFlight("acme"), 0);
  EXPECT_EQ(slots.InFlight("globex"), 0);
  slots.Configure(0);
  for (int i = 0; i < 1000; ++i) ASSERT_OK(slots.Acquire("acme"));
}

// Readers and slot takers on several threads while the file changes under
// them (for ThreadSanitizer: build-tsan, ctest -R rpc_auth).
TEST(Concurrency, ReadersSlotsAndReloads) {
  const std::string dir = TempDir("threads");
  Write(dir + "/tokens", absl::StrCat(Sha256Hex("one"), " acme first\n"));
  ASSERT_OK_AND_ASSIGN(auto file, WatchedFile<std::vector<TokenEntry>>::Open(
                                      dir + "/tokens", ParseTokens,
                                      std::chrono::milliseconds(0)));
  TenantSlots slots;
  slots.Configure(3);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> matched{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (MatchToken(*file->Get(), "one") != nullptr) ++matched;
        if (slots.Acquire("acme").ok()) slots.Release("acme");
      }
    });
  }
  for (int i = 0; i < 20; ++i) {  // Replaced whole, as a Secret is.
    Write(dir + "/tokens.new",
          absl::StrCat(Sha256Hex("one"), " acme v", i, "\n"));
    EXPECT_EQ(rename((dir + "/tokens.new").c_str(), (dir + "/tokens").c_str()),
              0);
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(matched.load(), 800);
  EXPECT_EQ(slots.InFlight("acme"), 0);
}

}  // namespace
}  // namespace backplan::rpc

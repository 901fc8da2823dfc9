// StartServer in-process: the bound port, the port file, health entries
// (checked over the wire with a generic call, so no health stubs are
// needed), Shutdown, and the errors a bad configuration gives.
#include "libs/rpc/server.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan::rpc {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int kServing = 1;
constexpr int kNotServing = 2;

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureChannelCredentials());
}

// grpc.health.v1.Health/Check for `service`, hand-encoded: the request is
// field 1 (string), the answer field 1 (enum). Returns the status number,
// or -(gRPC code) when the call fails.
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                 const std::string& service) {
  std::string request;
  if (!service.empty()) {
    request = absl::StrCat(std::string(1, '\x0a'),
                           std::string(1, static_cast<char>(service.size())),
                           service);
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  std::promise<grpc::Status> done;
  stub.UnaryCall(
      &context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
      &request_buffer, &response_buffer,
      [&done](const grpc::Status& status) { done.set_value(status); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return -static_cast<int>(status.error_code());
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) return -1;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // SERVING and NOT_SERVING encode as 08 01 / 08 02; UNKNOWN (0) as nothing.
  return bytes.size() == 2 && bytes[0] == '\x08' ? bytes[1] : 0;
}

// Polls until the entry reads `want` (the store checker runs on its own
// thread) or 10 s pass; returns the last value read.
int WaitForHealth(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& service, int want) {
  int got = HealthStatus(channel, service);
  for (int i = 0; i < 1000 && got != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    got = HealthStatus(channel, service);
  }
  return got;
}

TEST(StartServer, BindsAFreePortAndServesHealth) {
  const std::string port_file =
      absl::StrCat(::testing::TempDir(), "/server_test_port");
  ServerOptions options;
  options.port_file = port_file;
  std::atomic<bool> store_up{false};
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RunningServer> server,
                       StartServer(options, {}, [&store_up]() -> absl::Status {
                         return store_up ? absl::OkStatus()
                                         : absl::UnavailableError("down");
                       }));
  ASSERT_GT(server->port(), 0);
  std::ifstream in(port_file);
  int written = 0;
  in >> written;
  EXPECT_EQ(written, server->port());

  auto channel = Channel(server->port());
  EXPECT_EQ(HealthStatus(channel, ""), kServing);
  EXPECT_EQ(WaitForHealth(channel, "backplan.store", kNotServing), kNotServing);
  store_up = true;
  EXPECT_EQ(WaitForHealth(channel, "backplan.store", kServing), kServing);

  server->Shutdown(std::chrono::milliseconds(100));
  server->Shutdown(std::chrono::milliseconds(100));  // A second one is a no-op.
  EXPECT_LT(HealthStatus(Channel(written), ""), 0);
  std::remove(port_file.c_str());
}

TEST(StartServer, WithoutAProbeThereIsNoStoreEntry) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RunningServer> server,
                       StartServer(ServerOptions(), {}, nullptr));
  auto channel = Channel(server->port());
  EXPECT_EQ(HealthStatus(channel, ""), kServing);
  EXPECT_EQ(HealthStatus(channel, "backplan.store"),
            -static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

TEST(StartServer, ATakenPortIsUnavailable) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RunningServer> first,
                       StartServer(ServerOptions(), {}, nullptr));
  ServerOptions options;
  options.port = first->port();
  EXPECT_THAT(StartServer(options, {}, nullptr).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr(absl::StrCat(":", first->port()))));
}

TEST(StartServer, AnUnreadableTlsFileIsInvalidArgument) {
  ServerOptions options;
  options.tls_cert = "/nonexistent/cert.pem";
  options.tls_key = "/nonexistent/key.pem";
  EXPECT_THAT(
      StartServer(options, {}, nullptr).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("/nonexistent/")));
}

}  // namespace
}  // namespace backplan::rpc

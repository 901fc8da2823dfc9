// What an ops team sees of a server started by StartServer, checked on a
// real in-process gRPC server around a small PrioritizationService whose
// Prioritize goes through CallScope: health by full service name, the
// go-grpc-prometheus series with their labels and counts, the client-side
// series, the W3C trace context and which calls are logged at info.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/common/log.h"
#include "libs/common/status_matchers.h"
#include "libs/rpc/call.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/server.h"

namespace backplan::rpc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Prioritize answers OK for plan_id "ok" and INVALID_ARGUMENT otherwise, and
// remembers the trace context of the last call.
class TracingService : public v1::PrioritizationService::Service {
 public:
  grpc::Status Prioritize(grpc::ServerContext* context,
                          const v1::PrioritizeRequest* request,
                          v1::PrioritizeResponse*) override {
    CallScope call(context, "Prioritize");
    last_trace = call.trace();
    if (request->plan_id() == "ok") return call.Finish(absl::OkStatus());
    return call.Finish(absl::InvalidArgumentError("plan_id: not ok"));
  }
  TraceContext last_trace;
};

// The value of the series `name{labels}` in the exposition text; labels as
// prometheus-cpp prints them (sorted by name). -1 when absent.
double Sample(const std::string& name, const std::string& labels) {
  const std::string prefix = absl::StrCat(name, "{", labels, "} ");
  for (absl::string_view line : absl::StrSplit(MetricsText(), '\n')) {
    if (!absl::ConsumePrefix(&line, prefix)) continue;
    double value = 0;
    return absl::SimpleAtod(line, &value) ? value : -2;
  }
  return -1;
}

constexpr int kHealthServing = 1;

constexpr char kPrioritize[] =
    "grpc_method=\"Prioritize\",grpc_service=\"backplan.v1."
    "PrioritizationService\",grpc_type=\"unary\"";

std::string WithCode(const std::string& code) {
  return absl::StrCat("grpc_code=\"", code, "\",", kPrioritize);
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        server_,
        StartServer(ServerOptions(), {&service_, &decomposition_}, nullptr));
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::PrioritizationService::NewStub(channel_);
  }

  grpc::Status Call(const std::string& plan_id,
                    const std::string& traceparent = "") {
    grpc::ClientContext context;
    if (!traceparent.empty()) context.AddMetadata("traceparent", traceparent);
    v1::PrioritizeRequest request;
    request.set_plan_id(plan_id);
    v1::PrioritizeResponse response;
    return stub_->Prioritize(&context, request, &response);
  }

  // grpc.health.v1.Health/Check for `service` (no C++ health stubs ship
  // with gRPC): the request is field 1 (string), the answer field 1 (enum).
  // Returns the status number (1 SERVING), or -(gRPC code) on failure.
  int Health(const std::string& service) {
    std::string request;
    if (!service.empty()) {
      request = absl::StrCat(
          "\x0a", std::string(1, static_cast<char>(service.size())), service);
    }
    grpc::Slice slice(request);
    grpc::ByteBuffer request_buffer(&slice, 1);
    grpc::ByteBuffer response_buffer;
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    std::promise<grpc::Status> done;
    stub.UnaryCall(
        &context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
        &request_buffer, &response_buffer,
        [&done](const grpc::Status& status) { done.set_value(status); });
    const grpc::Status status = done.get_future().get();
    if (!status.ok()) return -static_cast<int>(status.error_code());
    grpc::Slice reply;
    if (!response_buffer.TrySingleSlice(&reply).ok() &&
        !response_buffer.DumpToSingleSlice(&reply).ok()) {
      return -1;
    }
    const std::string bytes(reinterpret_cast<const char*>(reply.begin()),
                            reply.size());
    return bytes.size() == 2 && bytes[0] == '\x08' ? bytes[1] : 0;
  }

  TracingService service_;
  v1::DecompositionService::Service decomposition_;  // All UNIMPLEMENTED.
  std::unique_ptr<RunningServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::PrioritizationService::Stub> stub_;
};

TEST_F(ObservabilityTest, HealthAnswersEveryServedServiceByFullName) {
  EXPECT_EQ(Health(""), kHealthServing);
  EXPECT_EQ(Health("backplan.v1.PrioritizationService"), kHealthServing);
  EXPECT_EQ(Health("backplan.v1.DecompositionService"), kHealthServing);
  EXPECT_EQ(Health("backplan.v1.SchedulingService"),
            -static_cast<int>(grpc::StatusCode::NOT_FOUND));
  // No store probe: no store entry.
  EXPECT_EQ(Health("backplan.store"),
            -static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ObservabilityTest, ServerSeriesCarryGoGrpcPrometheusNamesAndCounts) {
  const double started = Sample("grpc_server_started_total", kPrioritize);
  const double ok = Sample("grpc_server_handled_total", WithCode("OK"));
  const double invalid =
      Sample("grpc_server_handled_total", WithCode("InvalidArgument"));
  const double sent = Sample("grpc_server_msg_sent_total", kPrioritize);
  const double received = Sample("grpc_server_msg_received_total", kPrioritize);
  const double observed =
      Sample("grpc_server_handling_seconds_count", kPrioritize);
  ASSERT_GE(started, 0);  // Created at zero when the service registered.
  ASSERT_GE(invalid, 0);

  EXPECT_TRUE(Call("ok").ok());
  EXPECT_TRUE(Call("ok").ok());
  EXPECT_EQ(Call("bad").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  EXPECT_EQ(Sample("grpc_server_started_total", kPrioritize), started + 3);
  EXPECT_EQ(Sample("grpc_server_handled_total", WithCode("OK")), ok + 2);
  EXPECT_EQ(Sample("grpc_server_handled_total", WithCode("InvalidArgument")),
            invalid + 1);
  EXPECT_EQ(Sample("grpc_server_msg_received_total", kPrioritize),
            received + 3);
  // A unary reply is sent only on success, as in go-grpc-prometheus.
  EXPECT_EQ(Sample("grpc_server_msg_sent_total", kPrioritize), sent + 2);
  EXPECT_EQ(Sample("grpc_server_handling_seconds_count", kPrioritize),
            observed + 3);
  EXPECT_EQ(Sample("backplan_inflight_calls",
                   "grpc_service=\"backplan.v1.PrioritizationService\""),
            0);
  // The streaming method of the other served service, typed from its
  // descriptor, exists at zero.
  EXPECT_EQ(Sample("grpc_server_started_total",
                   "grpc_method=\"WatchPlan\",grpc_service=\"backplan.v1."
                   "DecompositionService\",grpc_type=\"server_stream\""),
            0);
}

TEST(ClientCallMetrics, CountsADownstreamCallByCode) {
  const std::string labels =
      "grpc_method=\"Fetch\",grpc_service=\"test.v1.Upstream\","
      "grpc_type=\"unary\"";
  ClientCallMetrics(("test.v1.Upstream"), "Fetch")
      .Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  ClientCallMetrics("test.v1.Upstream", "Fetch").Finish(grpc::Status::OK);
  EXPECT_EQ(Sample("grpc_client_started_total", labels), 2);
  EXPECT_EQ(Sample("grpc_client_handled_total",
                   absl::StrCat("grpc_code=\"Unavailable\",", labels)),
            1);
  EXPECT_EQ(Sample("grpc_client_handled_total",
                   absl::StrCat("grpc_code=\"OK\",", labels)),
            1);
  EXPECT_EQ(Sample("grpc_client_msg_sent_total", labels), 2);
  EXPECT_EQ(Sample("grpc_client_msg_received_total", labels), 1);
  EXPECT_EQ(Sample("grpc_client_handling_seconds_count", labels), 2);
}

TEST(GrpcCodeName, UsesGoNames) {
  EXPECT_EQ(GrpcCodeName(0), "OK");
  EXPECT_EQ(GrpcCodeName(1), "Canceled");
  EXPECT_EQ(GrpcCodeName(3), "InvalidArgument");
  EXPECT_EQ(GrpcCodeName(14), "Unavailable");
  EXPECT_EQ(GrpcCodeName(16), "Unauthenticated");
  EXPECT_EQ(GrpcCodeName(99), "Unknown");
}

TEST(Traceparent, ParsesValidAndRejectsMalformed) {
  TraceContext trace;
  ASSERT_TRUE(ParseTraceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &trace));
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace.span_id, "00f067aa0ba902b7");
  EXPECT_EQ(trace.flags, "01");
  EXPECT_EQ(FormatTraceparent(trace),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  // A future version may append fields.
  EXPECT_TRUE(ParseTraceparent(
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", &trace));
  for (const char* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
       }) {
    EXPECT_FALSE(ParseTraceparent(bad, &trace)) << bad;
  }
}

TEST_F(ObservabilityTest, KeepsTheCallersTraceWithASpanOfItsOwn) {
  ASSERT_TRUE(
      Call("ok", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
          .ok());
  EXPECT_EQ(service_.last_trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(service_.last_trace.span_id, "00f067aa0ba902b7");
  EXPECT_EQ(service_.last_trace.span_id.size(), 16u);
  // Without one (or with a malformed one) the call starts a trace.
  ASSERT_TRUE(Call("ok", "garbage").ok());
  EXPECT_EQ(service_.last_trace.trace_id.size(), 32u);
  EXPECT_NE(service_.last_trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(ObservabilityTest, LogsFailuresAtInfoButFastSuccessesOnlyAtDebug) {
  char path[] = "/tmp/observability_log_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  SetLogFd(fd);
  SetMinLogLevel(LogLevel::kInfo);
  ASSERT_TRUE(Call("ok").ok());
  ASSERT_FALSE(
      Call("bad", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
          .ok());
  SetMinLogLevel(LogLevel::kDebug);
  ASSERT_TRUE(Call("ok").ok());
  SetMinLogLevel(LogLevel::kInfo);
  SetLogFd(2);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  close(fd);
  std::remove(path);
  std::vector<std::string> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_THAT(lines[0], HasSubstr("\"level\":\"info\""));
  EXPECT_THAT(lines[0], HasSubstr("\"code\":\"InvalidArgument\""));
  EXPECT_THAT(lines[0],
              HasSubstr("\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\""));
  EXPECT_THAT(lines[0], HasSubstr("\"error\":\"plan_id: not ok\""));
  EXPECT_THAT(lines[1], HasSubstr("\"level\":\"debug\""));
  EXPECT_THAT(lines[1], HasSubstr("\"code\":\"OK\""));
  EXPECT_THAT(lines[1], Not(HasSubstr("\"error\"")));
}

}  // namespace
}  // namespace backplan::rpc

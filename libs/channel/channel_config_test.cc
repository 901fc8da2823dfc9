// The compiled-in service config against a real in-process gRPC server whose
// handlers fail a set number of times: the channel retries what the config
// says, and only that.
#include "libs/channel/channel_config.h"

#include <atomic>
#include <memory>
#include <string>

#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace backplan::channel {
namespace {

// Fails each call with `code` until `failures` calls have failed.
class FlakyDecomposition final : public v1::DecompositionService::Service {
 public:
  FlakyDecomposition(grpc::StatusCode code, int failures)
      : code_(code), failures_(failures) {}
  grpc::Status CreatePlan(grpc::ServerContext*, const v1::CreatePlanRequest*,
                          v1::CreatePlanResponse* response) override {
    return Answer(response);
  }
  grpc::Status EditPlan(grpc::ServerContext*, const v1::EditPlanRequest*,
                        v1::EditPlanResponse* response) override {
    return Answer(response);
  }
  grpc::Status GetPlan(grpc::ServerContext*, const v1::GetPlanRequest*,
                       v1::Plan*) override {
    return Answer(nullptr);
  }
  int calls() const { return calls_.load(); }

 private:
  grpc::Status Answer(const google::protobuf::Message*) {
    if (calls_.fetch_add(1) < failures_) return grpc::Status(code_, "flaky");
    return grpc::Status::OK;
  }
  const grpc::StatusCode code_;
  const int failures_;
  std::atomic<int> calls_{0};
};

struct Served {
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<v1::DecompositionService::Stub> stub;
};

Served Serve(grpc::Service* service, bool with_config) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(service);
  Served served;
  served.server = builder.BuildAndStart();
  grpc::ChannelArguments args;
  if (with_config) ApplyClientDefaults(&args);
  served.stub = v1::DecompositionService::NewStub(
      grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                grpc::InsecureChannelCredentials(), args));
  return served;
}

TEST(ServiceConfig, IsTheRepositoryJson) {
  EXPECT_NE(ServiceConfigJson().find("\"methodConfig\""),
            absl::string_view::npos);
  EXPECT_NE(ServiceConfigJson().find("backplan.v1.DecompositionService"),
            absl::string_view::npos);
}

TEST(ServiceConfig, WritesAreRetriedOnUnavailable) {
  FlakyDecomposition service(grpc::StatusCode::UNAVAILABLE, 2);
  Served served = Serve(&service, true);
  grpc::ClientContext context;
  v1::CreatePlanRequest request;
  request.set_idempotency_key("k");
  v1::CreatePlanResponse response;
  EXPECT_TRUE(served.stub->CreatePlan(&context, request, &response).ok());
  EXPECT_EQ(service.calls(), 3);
}

TEST(ServiceConfig, WritesAreRetriedOnDeadlineExceededFromTheServer) {
  FlakyDecomposition service(grpc::StatusCode::DEADLINE_EXCEEDED, 1);
  Served served = Serve(&service, true);
  grpc::ClientContext context;
  v1::EditPlanResponse response;
  EXPECT_TRUE(
      served.stub->EditPlan(&context, v1::EditPlanRequest(), &response).ok());
  EXPECT_EQ(service.calls(), 2);
}

TEST(ServiceConfig, ReadsAreNotRetriedOnDeadlineExceeded) {
  FlakyDecomposition service(grpc::StatusCode::DEADLINE_EXCEEDED, 1);
  Served served = Serve(&service, true);
  grpc::ClientContext context;
  v1::Plan plan;
  EXPECT_EQ(
      served.stub->GetPlan(&context, v1::GetPlanRequest(), &plan).error_code(),
      grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(service.calls(), 1);
}

TEST(ServiceConfig, GivesUpAfterFiveAttempts) {
  FlakyDecomposition service(grpc::StatusCode::UNAVAILABLE, 100);
  Served served = Serve(&service, true);
  grpc::ClientContext context;
  v1::Plan plan;
  EXPECT_EQ(
      served.stub->GetPlan(&context, v1::GetPlanRequest(), &plan).error_code(),
      grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service.calls(), 5);
}

TEST(ServiceConfig, WithoutItNothingIsRetried) {
  FlakyDecomposition service(grpc::StatusCode::UNAVAILABLE, 1);
  Served served = Serve(&service, false);
  grpc::ClientContext context;
  v1::CreatePlanResponse response;
  EXPECT_EQ(
      served.stub->CreatePlan(&context, v1::CreatePlanRequest(), &response)
          .error_code(),
      grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service.calls(), 1);
}

}  // namespace
}  // namespace backplan::channel

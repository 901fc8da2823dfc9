// SchedulingService's stored Simulate in-process: a real gRPC server on a
// free loopback port around the service class, over the in-memory store.
// What is checked here is the write side: a retry with the same idempotency
// key gets the first response and writes nothing.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/in_memory_plan_store.h"
#include "services/common/service_testing.h"
#include "services/scheduling/scheduling_service.h"

namespace backplan {
namespace {

using ::backplan::testing::ChainPlan;
using ::backplan::testing::Context;
using ::testing::HasSubstr;

class StoredSimulateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        server_, rpc::StartServer(rpc::ServerOptions(), {&service_}, nullptr));
    stub_ = v1::SchedulingService::NewStub(testing::LocalChannel(*server_));
    ASSERT_OK(store_
                  .PutPlan("default", "p", 0, ChainPlan().SerializeAsString(),
                           {"plan.created", "test"})
                  .status());
  }

  grpc::Status Call(const v1::SimulateRequest& request,
                    v1::SimulateResponse* response) {
    return stub_->Simulate(Context().get(), request, response);
  }

  int SimulationEvents() {
    absl::StatusOr<std::vector<PlanEvent>> events =
        store_.ReadEvents("default", "p", "", 1000, absl::ZeroDuration());
    EXPECT_OK(events.status());
    int count = 0;
    for (const PlanEvent& event : *events) {
      count += event.type == "simulation.updated";
    }
    return count;
  }

  InMemoryPlanStore store_;
  SchedulingServiceImpl service_{&store_, nullptr,
                                 [] { return absl::CivilDay(2027, 6, 1); }};
  std::unique_ptr<rpc::RunningServer> server_;
  std::unique_ptr<v1::SchedulingService::Stub> stub_;
};

TEST_F(StoredSimulateTest, RetryWithTheSameKeyIsAnsweredFromTheRecord) {
  v1::SimulateRequest request;
  request.set_plan_id("p");
  request.set_iterations(200);
  request.set_seed(7);
  request.set_idempotency_key("sim-1");
  v1::SimulateResponse first;
  ASSERT_TRUE(Call(request, &first).ok());
  EXPECT_EQ(first.plan_version(), 1);
  EXPECT_EQ(first.iterations(), 200);
  EXPECT_EQ(SimulationEvents(), 1);

  v1::SimulateResponse retry;
  ASSERT_TRUE(Call(request, &retry).ok());
  EXPECT_EQ(retry.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(SimulationEvents(), 1);

  // Without a key a repeat recomputes and writes again.
  request.clear_idempotency_key();
  v1::SimulateResponse again;
  ASSERT_TRUE(Call(request, &again).ok());
  EXPECT_EQ(SimulationEvents(), 2);
}

TEST_F(StoredSimulateTest, SameKeyWithAnotherRequestNamesTheKey) {
  v1::SimulateRequest request;
  request.set_plan_id("p");
  request.set_iterations(200);
  request.set_idempotency_key("sim-2");
  v1::SimulateResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  request.set_iterations(300);
  grpc::Status status = Call(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("idempotency_key \"sim-2\""));
  EXPECT_EQ(SimulationEvents(), 1);
}

TEST_F(StoredSimulateTest, KeyOverTheLimitIsRefused) {
  v1::SimulateRequest request;
  request.set_plan_id("p");
  request.set_idempotency_key(std::string(129, 'k'));
  v1::SimulateResponse response;
  grpc::Status status = Call(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("idempotency_key"));
  EXPECT_EQ(SimulationEvents(), 0);
}

}  // namespace
}  // namespace backplan

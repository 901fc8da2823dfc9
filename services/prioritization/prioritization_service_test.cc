// Every PrioritizationService RPC in-process: a real gRPC server on a free
// loopback port around the service class, over the in-memory store.
#include "services/prioritization/prioritization_service.h"

#include <cmath>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/in_memory_plan_store.h"
#include "services/common/outage_store.h"
#include "services/common/service_testing.h"

namespace backplan {
namespace {

using ::backplan::testing::ChainPlan;
using ::backplan::testing::Context;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PrioritizationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        server_, rpc::StartServer(rpc::ServerOptions(), {&service_}, nullptr));
    stub_ = v1::PrioritizationService::NewStub(testing::LocalChannel(*server_));
  }

  void StorePlan(const std::string& id) {
    v1::Plan plan = ChainPlan();
    plan.set_id(id);
    ASSERT_OK(store_
                  .PutPlan("default", id, 0, plan.SerializeAsString(),
                           {"plan.created", "test"})
                  .status());
  }

  InMemoryPlanStore store_;
  PrioritizationServiceImpl service_{&store_};
  std::unique_ptr<rpc::RunningServer> server_;  // Stops before the above.
  std::unique_ptr<v1::PrioritizationService::Stub> stub_;
};

TEST_F(PrioritizationServiceTest, InlineImportanceOrdersByDependencyAndValue) {
  v1::PrioritizeRequest request;
  *request.mutable_plan() = ChainPlan();
  request.set_method(v1::IMPORTANCE);
  v1::PrioritizeResponse response;
  ASSERT_TRUE(stub_->Prioritize(Context().get(), request, &response).ok());
  // a inherits b's importance 9 and must come before b.
  EXPECT_THAT(response.priorities().execution_order(),
              ElementsAre("a", "b", "c"));
  ASSERT_EQ(response.priorities().tasks_size(), 3);
  EXPECT_EQ(response.priorities().tasks(0).rank(), 1);
  EXPECT_FALSE(response.priorities().tasks(0).contributions().empty());
  EXPECT_TRUE(store_.ListPlans("default", 10, "")->plans.empty());
}

TEST_F(PrioritizationServiceTest, StoredFormWritesPrioritiesForTheVersion) {
  StorePlan("p");
  v1::PrioritizeRequest request;
  request.set_plan_id("p");
  request.set_method(v1::IMPORTANCE);
  v1::PrioritizeResponse response;
  ASSERT_TRUE(stub_->Prioritize(Context().get(), request, &response).ok());
  EXPECT_EQ(response.priorities().plan_version(), 1);
  EXPECT_FALSE(response.stale());
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", "p"));
  ASSERT_TRUE(stored.priorities.has_value());
  EXPECT_EQ(stored.priorities->plan_version, 1);
  v1::Priorities priorities;
  ASSERT_TRUE(priorities.ParseFromString(stored.priorities->data));
  EXPECT_THAT(priorities.execution_order(), ElementsAre("a", "b", "c"));
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store_.ReadEvents("default", "p", "0", 10, absl::ZeroDuration()));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, "priorities.updated");
}

// Hostile input D14: a NaN capacity was cast to int and came back as
// -2147483648 days; now refused naming the field.
TEST_F(PrioritizationServiceTest, NonFiniteCapacityIsRefused) {
  v1::PrioritizeRequest request;
  *request.mutable_plan() = ChainPlan();
  v1::PrioritizeResponse response;
  for (double bad : {std::nan(""), HUGE_VAL, -3.0, 1e12}) {
    request.mutable_tiers()->set_capacity_days(bad);
    const grpc::Status status =
        stub_->Prioritize(Context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(status.error_message(), HasSubstr("tiers.capacity_days"));
  }
  request.mutable_tiers()->set_capacity_days(5);
  EXPECT_TRUE(stub_->Prioritize(Context().get(), request, &response).ok());
}

TEST_F(PrioritizationServiceTest, PrioritizeErrors) {
  v1::PrioritizeRequest request;
  v1::PrioritizeResponse response;
  EXPECT_EQ(stub_->Prioritize(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // No source.
  request.set_plan_id("missing");
  EXPECT_EQ(stub_->Prioritize(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->Prioritize(Context("no/slash").get(), request, &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  *request.mutable_plan() = ChainPlan();
  request.set_method(static_cast<v1::PriorityMethod>(77));
  EXPECT_EQ(stub_->Prioritize(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_method(v1::IMPORTANCE);
  request.mutable_plan()
      ->mutable_tasks(1)
      ->mutable_attributes()
      ->set_difficulty(12);
  const grpc::Status status =
      stub_->Prioritize(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("tasks[1].attributes.difficulty: task \"b\""));
  v1::Dependency* back = request.mutable_plan()->add_dependencies();
  back->set_predecessor_id("b");
  back->set_successor_id("a");
  request.mutable_plan()
      ->mutable_tasks(1)
      ->mutable_attributes()
      ->set_difficulty(0);
  EXPECT_EQ(stub_->Prioritize(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PrioritizationServiceTest, AhpWeightsAndAnInconsistentMatrix) {
  v1::ComputeAhpWeightsRequest request;
  for (const char* c : {"a", "b", "c"})
    request.mutable_matrix()->add_criteria(c);
  for (double v : {1.0, 3.0, 5.0, 1 / 3.0, 1.0, 3.0, 1 / 5.0, 1 / 3.0, 1.0}) {
    request.mutable_matrix()->add_values(v);
  }
  v1::AhpWeights weights;
  ASSERT_TRUE(
      stub_->ComputeAhpWeights(Context().get(), request, &weights).ok());
  ASSERT_EQ(weights.weights_size(), 3);
  EXPECT_EQ(weights.weights(0).criterion(), "a");
  EXPECT_NEAR(weights.weights(0).weight() + weights.weights(1).weight() +
                  weights.weights(2).weight(),
              1.0, 1e-9);
  EXPECT_GT(weights.weights(0).weight(), weights.weights(1).weight());
  EXPECT_LT(weights.consistency_ratio(), 0.1);

  request.mutable_matrix()->clear_values();
  for (double v : {1.0, 9.0, 1 / 9.0, 1 / 9.0, 1.0, 9.0, 9.0, 1 / 9.0, 1.0}) {
    request.mutable_matrix()->add_values(v);
  }
  const grpc::Status status =
      stub_->ComputeAhpWeights(Context().get(), request, &weights);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("onsistency"));
}

TEST(PrioritizationServiceOutage, StoredCallsUnavailableInlineServed) {
  testing::OutageStore store;
  PrioritizationServiceImpl service(&store);
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<rpc::RunningServer> server,
      rpc::StartServer(rpc::ServerOptions(), {&service}, nullptr));
  auto stub =
      v1::PrioritizationService::NewStub(testing::LocalChannel(*server));
  store.set_down(true);
  v1::PrioritizeRequest request;
  request.set_plan_id("p");
  v1::PrioritizeResponse response;
  EXPECT_EQ(stub->Prioritize(Context().get(), request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  *request.mutable_plan() = ChainPlan();
  EXPECT_TRUE(stub->Prioritize(Context().get(), request, &response).ok());
}

}  // namespace
}  // namespace backplan

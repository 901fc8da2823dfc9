// Export's Gantt chart with simulation marks (ExportRequest.simulation),
// in-process: a real gRPC server on a loopback port around the service
// class, over the in-memory store. The marks must be Simulate's own
// numbers: run inline, or the simulation stored with the plan.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
using ::testing::Not;

std::string Day(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// ChainPlan with a three-point estimate on b, so the percentiles differ.
v1::Plan RangedPlan() {
  v1::Plan plan = ChainPlan();
  plan.mutable_tasks(1)->set_optimistic_days(1);
  plan.mutable_tasks(1)->set_pessimistic_days(15);
  return plan;
}

class ExportRiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        server_, rpc::StartServer(rpc::ServerOptions(), {&service_}, nullptr));
    stub_ = v1::SchedulingService::NewStub(testing::LocalChannel(*server_));
    ASSERT_OK(store_
                  .PutPlan("default", "p", 0, RangedPlan().SerializeAsString(),
                           {"plan.created", "test"})
                  .status());
  }

  grpc::Status Export(const v1::ExportRequest& request, std::string* body) {
    v1::ExportResponse response;
    grpc::Status status = stub_->Export(Context().get(), request, &response);
    *body = response.body();
    return status;
  }

  // The three lines and the legend of `sim`.
  static void ExpectMarks(const std::string& body,
                          const v1::SimulateResponse& sim) {
    for (const auto& [q, date] : {std::pair<int, v1::Date>{50, sim.p50()},
                                  {80, sim.p80()},
                                  {95, sim.p95()}}) {
      EXPECT_THAT(body,
                  HasSubstr(absl::StrCat("data-percentile=\"", q,
                                         "\" data-day=\"", Day(date), "\"")));
    }
    EXPECT_THAT(body,
                HasSubstr(absl::StrFormat("P(finish by Wed 2027-06-30) %.1f %%",
                                          100 * sim.probability_on_time())));
    EXPECT_THAT(body, HasSubstr(absl::StrCat("(", sim.iterations(),
                                             " simulated runs)")));
  }

  InMemoryPlanStore store_;
  SchedulingServiceImpl service_{&store_, nullptr,
                                 [] { return absl::CivilDay(2027, 6, 1); }};
  std::unique_ptr<rpc::RunningServer> server_;
  std::unique_ptr<v1::SchedulingService::Stub> stub_;
};

TEST_F(ExportRiskTest, InlineChartCarriesSimulatesPercentiles) {
  v1::SimulateRequest sim_request;
  *sim_request.mutable_plan() = RangedPlan();
  sim_request.set_iterations(500);
  sim_request.set_seed(7);
  v1::SimulateResponse sim;
  ASSERT_TRUE(stub_->Simulate(Context().get(), sim_request, &sim).ok());
  ASSERT_NE(Day(sim.p50()), Day(sim.p95()));

  v1::ExportRequest request;
  *request.mutable_plan() = RangedPlan();
  request.mutable_simulation()->set_iterations(500);
  request.mutable_simulation()->set_seed(7);
  for (v1::ExportFormat format : {v1::HTML, v1::SVG}) {
    request.set_format(format);
    std::string body;
    ASSERT_TRUE(Export(request, &body).ok()) << format;
    SCOPED_TRACE(format);
    ExpectMarks(body, sim);
  }
  // Without the option, no marks.
  request.clear_simulation();
  std::string body;
  ASSERT_TRUE(Export(request, &body).ok());
  EXPECT_THAT(body, Not(HasSubstr("data-percentile")));
}

TEST_F(ExportRiskTest, BadOptionsAreRefusedNamingTheField) {
  v1::ExportRequest request;
  *request.mutable_plan() = RangedPlan();
  request.mutable_simulation()->set_iterations(10);
  request.set_format(v1::CSV);
  std::string body;
  grpc::Status status = Export(request, &body);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("simulation: only for"));

  request.set_format(v1::SVG);
  request.mutable_simulation()->set_iterations(100001);
  status = Export(request, &body);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("simulation.iterations"));

  request.mutable_simulation()->set_iterations(10);
  request.mutable_simulation()->set_use_stored(true);
  status = Export(request, &body);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("simulation.use_stored"));
}

TEST_F(ExportRiskTest, StoredSimulationIsDrawnWhileCurrent) {
  v1::ExportRequest request;
  request.set_plan_id("p");
  request.set_format(v1::SVG);
  request.mutable_simulation()->set_use_stored(true);
  std::string body;
  grpc::Status status = Export(request, &body);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("call Simulate"));

  v1::SimulateRequest sim_request;
  sim_request.set_plan_id("p");
  sim_request.set_iterations(96);
  sim_request.set_seed(3);
  v1::SimulateResponse stored;
  ASSERT_TRUE(stub_->Simulate(Context().get(), sim_request, &stored).ok());
  ASSERT_TRUE(Export(request, &body).ok());
  ExpectMarks(body, stored);

  // A new plan version makes the stored simulation stale: refused again.
  ASSERT_OK(store_
                .PutPlan("default", "p", 1, RangedPlan().SerializeAsString(),
                         {"plan.updated", "test"})
                .status());
  status = Export(request, &body);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace backplan

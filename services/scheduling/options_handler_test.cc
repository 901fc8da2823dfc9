// SchedulingService's Options in-process: a real gRPC server on a free
// loopback port around the service class, over the in-memory store.
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

using ::backplan::testing::Context;
using ::backplan::testing::DayProto;
using ::backplan::testing::Ymd;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Task* AddTask(v1::Plan* plan, const std::string& id, int days,
                  bool optional, int importance) {
  v1::Task* task = plan->add_tasks();
  task->set_id(id);
  task->set_title(id);
  task->set_duration_days(days);
  task->set_optional(optional);
  task->mutable_attributes()->set_importance(importance);
  return task;
}

// a (10 days) -> b (5, optional, importance 9) in goal g1, which is the
// precondition of c (5, optional, importance 2) in the outcome goal: 20
// working days from Mon 2027-06-07, Fri 2027-07-02. Cutting either b or c
// gains 5 days.
v1::Plan ChainWithOptions() {
  v1::Plan plan;
  plan.mutable_outcome()->set_title("ship");
  *plan.mutable_outcome()->mutable_start_date() = DayProto(2027, 6, 7);
  *plan.mutable_outcome()->mutable_target_date() = DayProto(2027, 7, 30);
  AddTask(&plan, "a", 10, false, 5);
  AddTask(&plan, "b", 5, true, 9);
  AddTask(&plan, "c", 5, true, 2);
  plan.set_outcome_goal_id("g-out");
  v1::Goal* out = plan.add_goals();
  out->set_id("g-out");
  out->set_title("out");
  out->add_sub_goal_ids("g1");
  out->add_task_ids("c");
  v1::Goal* g1 = plan.add_goals();
  g1->set_id("g1");
  g1->set_title("g1");
  g1->add_task_ids("a");
  g1->add_task_ids("b");
  v1::Dependency* d = plan.add_dependencies();
  d->set_predecessor_id("a");
  d->set_successor_id("b");
  return plan;
}

class OptionsHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SchedulingServiceImpl::OptionsLimits limits;
    limits.max_iterations = 500;
    limits.max_optional_items = 3;
    service_.set_options_limits(limits);
    ASSERT_OK_AND_ASSIGN(
        server_, rpc::StartServer(rpc::ServerOptions(), {&service_}, nullptr));
    stub_ = v1::SchedulingService::NewStub(testing::LocalChannel(*server_));
  }

  grpc::Status Call(const v1::OptionsRequest& request,
                    v1::OptionsResponse* response) {
    return stub_->Options(Context().get(), request, response);
  }

  InMemoryPlanStore store_;
  SchedulingServiceImpl service_{&store_, nullptr,
                                 [] { return absl::CivilDay(2027, 6, 1); }};
  std::unique_ptr<rpc::RunningServer> server_;
  std::unique_ptr<v1::SchedulingService::Stub> stub_;
};

TEST_F(OptionsHandlerTest, InlineCutsTheLeastImportantTask) {
  v1::OptionsRequest request;
  *request.mutable_plan() = ChainWithOptions();
  *request.mutable_target_date() = DayProto(2027, 6, 25);
  request.set_iterations(100);
  v1::OptionsResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  EXPECT_EQ(Ymd(response.finish()), "2027-7-2");
  EXPECT_FALSE(response.on_time());
  EXPECT_TRUE(response.cut_scope().found());
  EXPECT_TRUE(response.cut_scope().exact());
  EXPECT_THAT(response.cut_scope().cut_ids(), ElementsAre("c"));
  EXPECT_DOUBLE_EQ(response.cut_scope().value_lost(), 2);
  EXPECT_EQ(response.cut_scope().days_gained(), 5);
  EXPECT_EQ(Ymd(response.cut_scope().finish()), "2027-6-25");
  EXPECT_DOUBLE_EQ(response.cut_scope().probability_on_time(), 1.0);
  EXPECT_FALSE(response.add_people().applicable());
  EXPECT_EQ(Ymd(response.move_date().target_date()), "2027-7-2");
  EXPECT_EQ(response.move_date().working_days_later(), 5);
  EXPECT_TRUE(store_.ListPlans("default", 10, "")->plans.empty());
}

TEST_F(OptionsHandlerTest, StoredUsesTheStoredPriorities) {
  ASSERT_OK(store_
                .PutPlan("default", "p1", 0,
                         ChainWithOptions().SerializeAsString(),
                         {"plan.created", "test"})
                .status());
  // Prioritization valued c above b: now b goes.
  v1::Priorities priorities;
  priorities.set_plan_version(1);
  for (auto [id, value] :
       {std::pair{"a", 5.0}, std::pair{"b", 1.0}, std::pair{"c", 7.0}}) {
    v1::TaskPriority* t = priorities.add_tasks();
    t->set_task_id(id);
    t->set_order_value(value);
    priorities.add_execution_order(id);
  }
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", "p1"));
  ASSERT_OK(store_.PutStage("default", "p1", StagePart::kPriorities,
                            stored.version, priorities.SerializeAsString(),
                            {"priorities.updated", "test"}));
  v1::OptionsRequest request;
  request.set_plan_id("p1");
  *request.mutable_target_date() = DayProto(2027, 6, 25);
  request.set_iterations(100);
  v1::OptionsResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  EXPECT_THAT(response.cut_scope().cut_ids(), ElementsAre("b"));
  EXPECT_DOUBLE_EQ(response.cut_scope().value_lost(), 1);
  EXPECT_EQ(response.plan_id(), "p1");
  EXPECT_EQ(response.plan_version(), stored.version);

  request.set_plan_id("nope");
  EXPECT_EQ(Call(request, &response).error_code(), grpc::NOT_FOUND);
}

TEST_F(OptionsHandlerTest, BadInputIsInvalidArgumentNamingTheField) {
  auto expect_invalid = [&](const v1::OptionsRequest& request,
                            const std::string& field) {
    v1::OptionsResponse response;
    grpc::Status status = Call(request, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << field;
    EXPECT_THAT(status.error_message(), HasSubstr(field));
  };
  v1::OptionsRequest request;
  *request.mutable_plan() = ChainWithOptions();
  request.set_confidence(1.5);
  expect_invalid(request, "confidence");
  request.set_confidence(-0.2);
  expect_invalid(request, "confidence");
  request.set_confidence(0.8);
  *request.mutable_target_date() = DayProto(2027, 6, 1);
  expect_invalid(request, "target");
  request.clear_target_date();
  request.set_iterations(501);
  expect_invalid(request, "iterations");
  request.set_iterations(0);
  request.mutable_plan()->mutable_goals(0)->set_optional(true);
  expect_invalid(request, "goals[0].optional");
  request.mutable_plan()->mutable_goals(0)->set_optional(false);
  AddTask(request.mutable_plan(), "d", 1, true, 1);
  AddTask(request.mutable_plan(), "e", 1, true, 1);
  expect_invalid(request, "limit of 3");
}

}  // namespace
}  // namespace backplan

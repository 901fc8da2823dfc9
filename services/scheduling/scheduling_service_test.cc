// SchedulingService's inline Schedule, ReportProgress and Export in-process:
// a real gRPC server on a free loopback port around the service class, over
// the in-memory store. The stored Schedule pipeline: stored_schedule_test.cc.
#include "services/scheduling/scheduling_service.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/convert/plan_convert.h"
#include "libs/store/in_memory_plan_store.h"
#include "services/common/outage_store.h"
#include "services/common/service_testing.h"
#include "services/scheduling/scheduling_internal.h"

namespace backplan {
namespace {

using ::backplan::testing::ChainPlan;
using ::backplan::testing::Context;
using ::backplan::testing::DayProto;
using ::backplan::testing::Ymd;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class SchedulingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        server_, rpc::StartServer(rpc::ServerOptions(), {&service_}, nullptr));
    stub_ = v1::SchedulingService::NewStub(testing::LocalChannel(*server_));
  }

  void StorePlan(const std::string& id, const v1::Plan& plan) {
    ASSERT_OK(store_
                  .PutPlan("default", id, 0, plan.SerializeAsString(),
                           {"plan.created", "test"})
                  .status());
  }

  InMemoryPlanStore store_;
  SchedulingServiceImpl service_{&store_, nullptr,
                                 [] { return absl::CivilDay(2027, 6, 1); }};
  std::unique_ptr<rpc::RunningServer> server_;  // Stops before the above.
  std::unique_ptr<v1::SchedulingService::Stub> stub_;
};

TEST_F(SchedulingServiceTest, InlineBackwardGivesDeadlinesAndReasons) {
  v1::ScheduleRequest request;
  *request.mutable_plan() = ChainPlan();
  v1::ScheduleResponse response;
  ASSERT_TRUE(stub_->Schedule(Context().get(), request, &response).ok());
  const v1::Timeline& timeline = response.timeline();
  EXPECT_TRUE(timeline.feasible());
  EXPECT_EQ(Ymd(timeline.final_milestone()), "2027-6-30");
  std::map<std::string, v1::ScheduledTask> by_id;
  for (const v1::ScheduledTask& task : timeline.tasks())
    by_id[task.id()] = task;
  EXPECT_EQ(Ymd(by_id["b"].deadline()), "2027-6-30");
  EXPECT_EQ(Ymd(by_id["a"].deadline()), "2027-6-25");
  EXPECT_EQ(by_id["a"].deadline_reason().successor_id(), "b");
  EXPECT_EQ(by_id["a"].slack_days(), 13);
  EXPECT_EQ(by_id["a"].rank(), 0);  // Inline: no ranks.
  EXPECT_FALSE(response.degraded());
  EXPECT_TRUE(store_.ListPlans("default", 10, "")->plans.empty());
}

TEST_F(SchedulingServiceTest, InlineForwardReportsAnInfeasibleTarget) {
  v1::ScheduleRequest request;
  *request.mutable_plan() = ChainPlan();
  *request.mutable_plan()->mutable_outcome()->mutable_target_date() =
      DayProto(2027, 6, 8);
  request.set_mode(v1::FORWARD);
  v1::ScheduleResponse response;
  ASSERT_TRUE(stub_->Schedule(Context().get(), request, &response).ok());
  EXPECT_FALSE(response.timeline().feasible());
  EXPECT_EQ(Ymd(response.timeline().earliest_finish()), "2027-6-11");
  EXPECT_EQ(response.timeline().days_short(), 3);
}

TEST_F(SchedulingServiceTest, ScheduleErrors) {
  v1::ScheduleRequest request;
  v1::ScheduleResponse response;
  grpc::Status status = stub_->Schedule(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("source"));
  request.set_plan_id("missing");
  EXPECT_EQ(stub_->Schedule(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  *request.mutable_plan() = ChainPlan();
  request.set_mode(static_cast<v1::ScheduleMode>(9));
  EXPECT_EQ(stub_->Schedule(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_mode();
  request.mutable_resources()->set_time_limit_ms(-1);
  status = stub_->Schedule(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("resources.time_limit_ms"));
  request.clear_resources();
  request.mutable_plan()->mutable_outcome()->clear_target_date();
  status = stub_->Schedule(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("outcome.target_date"));
}

TEST_F(SchedulingServiceTest, ReportProgressStoresAndReschedules) {
  StorePlan("p", ChainPlan());
  v1::ReportProgressRequest request;
  request.set_plan_id("p");
  request.set_base_version(1);
  *request.mutable_as_of() = DayProto(2027, 6, 9);
  v1::ReportProgressRequest::Update* update = request.add_updates();
  update->set_task_id("a");
  update->mutable_progress()->set_status(v1::DONE);
  *update->mutable_progress()->mutable_actual_start() = DayProto(2027, 6, 7);
  *update->mutable_progress()->mutable_actual_finish() = DayProto(2027, 6, 8);
  v1::ReportProgressResponse response;
  ASSERT_TRUE(stub_->ReportProgress(Context().get(), request, &response).ok());
  EXPECT_EQ(response.version(), 2);
  bool moved_a = false;
  for (const v1::DeadlineChange& change :
       response.timeline().moved_deadlines()) {
    moved_a = moved_a || change.id() == "a";
  }
  EXPECT_TRUE(moved_a);
  for (const v1::ScheduledTask& task : response.timeline().tasks()) {
    if (task.id() == "a") {
      EXPECT_EQ(Ymd(task.deadline()), "2027-6-8");
    }
  }
  // The stored plan carries the progress exactly as sent, and the schedule
  // is stored for the new version.
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", "p"));
  EXPECT_EQ(stored.version, 2);
  v1::Plan plan;
  ASSERT_TRUE(plan.ParseFromString(stored.data));
  EXPECT_EQ(plan.tasks(0).progress().SerializeAsString(),
            update->progress().SerializeAsString());
  ASSERT_TRUE(stored.schedule.has_value());
  EXPECT_EQ(stored.schedule->plan_version, 2);

  // Stale now.
  EXPECT_EQ(
      stub_->ReportProgress(Context().get(), request, &response).error_code(),
      grpc::StatusCode::ABORTED);
}

// ChainPlan with a pool of two named developers that every task needs.
v1::Plan PeoplePlan() {
  v1::Plan plan = ChainPlan();
  v1::ResourcePool* pool = plan.add_resources();
  pool->set_name("dev");
  pool->set_capacity(2);
  pool->add_members("ann");
  pool->add_members("bob");
  for (v1::Task& task : *plan.mutable_tasks()) {
    v1::ResourceDemand* demand = task.add_demands();
    demand->set_pool("dev");
    demand->set_units(1);
  }
  return plan;
}

TEST_F(SchedulingServiceTest, ReportProgressWithPeopleKeepsTheirMembers) {
  StorePlan("team", PeoplePlan());
  // The stored schedule had bob on b (ann, the first free, would get it
  // in a fresh layout).
  v1::ScheduleResponse earlier;
  v1::ScheduledTask* b = earlier.mutable_timeline()->add_tasks();
  b->set_id("b");
  b->add_assignees("bob");
  ASSERT_OK(store_.PutStage("default", "team", StagePart::kSchedule, 1,
                            earlier.SerializeAsString(), {"schedule", "test"}));
  v1::ReportProgressRequest request;
  request.set_plan_id("team");
  request.set_base_version(1);
  *request.mutable_as_of() = DayProto(2027, 6, 10);
  v1::ReportProgressRequest::Update* done = request.add_updates();
  done->set_task_id("a");
  done->mutable_progress()->set_status(v1::DONE);
  *done->mutable_progress()->mutable_actual_finish() = DayProto(2027, 6, 9);
  v1::ReportProgressRequest::Update* running = request.add_updates();
  running->set_task_id("b");
  running->mutable_progress()->set_status(v1::IN_PROGRESS);
  running->mutable_progress()->set_remaining_days(2);
  *running->mutable_progress()->mutable_actual_start() = DayProto(2027, 6, 9);
  request.mutable_resources()->set_seed(3);
  v1::ReportProgressResponse response;
  grpc::Status status =
      stub_->ReportProgress(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Timeline& timeline = response.timeline();
  EXPECT_TRUE(timeline.resource_constrained());
  EXPECT_EQ(timeline.search_stopped_by(), "lower bound");  // Optimal.
  EXPECT_EQ(timeline.seed(), 3u);
  std::map<std::string, v1::ScheduledTask> by_id;
  for (const v1::ScheduledTask& task : timeline.tasks())
    by_id[task.id()] = task;
  EXPECT_EQ(Ymd(by_id["a"].deadline()), "2027-6-9");
  EXPECT_EQ(by_id["a"].assignees_size(), 0);
  ASSERT_EQ(by_id["b"].assignees_size(), 1);
  EXPECT_EQ(by_id["b"].assignees(0), "bob");
  ASSERT_EQ(by_id["c"].assignees_size(), 1);
  // Nobody on two tasks at once (calendar days, both inclusive).
  auto day = [](const v1::Date& d) {
    return absl::CivilDay(d.year(), d.month(), d.day());
  };
  if (by_id["c"].assignees(0) == "bob") {
    EXPECT_TRUE(day(by_id["c"].deadline()) < day(by_id["b"].planned_start()) ||
                day(by_id["b"].deadline()) < day(by_id["c"].planned_start()));
  }
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", "team"));
  EXPECT_EQ(stored.version, 2);
  ASSERT_TRUE(stored.schedule.has_value());
  EXPECT_EQ(stored.schedule->plan_version, 2);
}

TEST_F(SchedulingServiceTest, ExportWithPeopleNamesThemInEveryFormat) {
  v1::ExportRequest request;
  *request.mutable_plan() = PeoplePlan();
  request.set_mode(v1::FORWARD);
  v1::ExportResponse response;
  ASSERT_TRUE(stub_->Export(Context().get(), request, &response).ok());
  EXPECT_THAT(response.body(), HasSubstr("RESOURCES:ann\r\n"));
  EXPECT_THAT(response.body(), HasSubstr("RESOURCES:bob\r\n"));
  request.set_format(v1::MERMAID);
  ASSERT_TRUE(stub_->Export(Context().get(), request, &response).ok());
  EXPECT_THAT(response.body(), HasSubstr("task a (ann) :"));
  request.set_format(v1::CSV);
  ASSERT_TRUE(stub_->Export(Context().get(), request, &response).ok());
  EXPECT_THAT(response.body(), HasSubstr(",assignees,resource_slack_days,"));
  EXPECT_THAT(response.body(), HasSubstr(",ann,0,true,"));
  request.mutable_resources()->set_max_schedules(-1);
  EXPECT_EQ(stub_->Export(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(SchedulingServiceTest, ReportProgressErrors) {
  StorePlan("p", ChainPlan());

  v1::ReportProgressRequest request;
  request.set_plan_id("p");
  v1::ReportProgressResponse response;
  EXPECT_EQ(
      stub_->ReportProgress(Context().get(), request, &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);  // base_version required.
  request.set_base_version(1);
  request.add_updates()->set_task_id("zz");
  grpc::Status status =
      stub_->ReportProgress(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("updates[0].task_id: unknown task \"zz\""));
  request.set_plan_id("missing");
  EXPECT_EQ(
      stub_->ReportProgress(Context().get(), request, &response).error_code(),
      grpc::StatusCode::NOT_FOUND);
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", "p"));
  EXPECT_EQ(stored.version, 1);
}

TEST_F(SchedulingServiceTest, ExportFormats) {
  StorePlan("p", ChainPlan());
  v1::ExportRequest request;
  request.set_plan_id("p");
  v1::ExportResponse response;
  ASSERT_TRUE(stub_->Export(Context().get(), request, &response).ok());
  EXPECT_THAT(response.body(), StartsWith("BEGIN:VCALENDAR\r\n"));
  EXPECT_THAT(response.body(), HasSubstr("DUE;VALUE=DATE:20270630"));
  EXPECT_EQ(response.content_type(), "text/calendar; charset=utf-8");

  *request.mutable_plan() = ChainPlan();
  request.set_format(v1::MERMAID);
  ASSERT_TRUE(stub_->Export(Context().get(), request, &response).ok());
  EXPECT_THAT(response.body(), StartsWith("gantt"));
  request.set_format(v1::CSV);
  ASSERT_TRUE(stub_->Export(Context().get(), request, &response).ok());
  EXPECT_THAT(response.body(), StartsWith("id,kind,title"));
  EXPECT_EQ(response.content_type(), "text/csv; charset=utf-8");
}

TEST_F(SchedulingServiceTest, ExportErrors) {
  v1::ExportRequest request;
  v1::ExportResponse response;
  EXPECT_EQ(stub_->Export(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_plan_id("missing");
  EXPECT_EQ(stub_->Export(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  *request.mutable_plan() = ChainPlan();
  request.set_format(static_cast<v1::ExportFormat>(99));
  EXPECT_EQ(stub_->Export(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(SchedulingServiceOutage, StoredCallsUnavailableInlineServed) {
  testing::OutageStore store;
  SchedulingServiceImpl service(&store, nullptr,
                                [] { return absl::CivilDay(2027, 6, 1); });
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<rpc::RunningServer> server,
      rpc::StartServer(rpc::ServerOptions(), {&service}, nullptr));
  auto stub = v1::SchedulingService::NewStub(testing::LocalChannel(*server));
  store.set_down(true);
  v1::ScheduleRequest schedule;
  schedule.set_plan_id("p");
  v1::ScheduleResponse scheduled;
  EXPECT_EQ(stub->Schedule(Context().get(), schedule, &scheduled).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  v1::ReportProgressRequest progress;
  progress.set_plan_id("p");
  progress.set_base_version(1);
  v1::ReportProgressResponse reported;
  EXPECT_EQ(
      stub->ReportProgress(Context().get(), progress, &reported).error_code(),
      grpc::StatusCode::UNAVAILABLE);
  v1::ExportRequest export_request;
  export_request.set_plan_id("p");
  v1::ExportResponse exported;
  EXPECT_EQ(
      stub->Export(Context().get(), export_request, &exported).error_code(),
      grpc::StatusCode::UNAVAILABLE);
  *schedule.mutable_plan() = ChainPlan();
  EXPECT_TRUE(stub->Schedule(Context().get(), schedule, &scheduled).ok());
}

TEST(ResourceSearchStop, CallStopEndsTheSearchAndIsReported) {
  // What the handlers bind to CallScope::ShouldStop: a cancelled call, a
  // passed deadline or a draining server ends the search after the schedule
  // in hand, and the timeline says so.
  v1::ResourceOptions resources;
  resources.set_max_schedules(1000000);
  resources.set_time_limit_ms(60000);
  auto why = std::make_shared<std::atomic<int>>(0);
  ASSERT_OK_AND_ASSIGN(ResourceScheduleOptions options,
                       scheduling_internal::ResourceOptionsFromProto(
                           resources, [] { return true; }, why));
  ASSERT_OK_AND_ASSIGN(Plan plan, PlanFromProto(PeoplePlan()));
  ScheduleRequest request;
  request.today = absl::CivilDay(2027, 6, 1);
  // a (3 days, 1 dev), b (1, 1), c (1, both devs), no dependencies: every
  // bound says 3, the optimum is 4, so the search would go on.
  plan.dependencies.clear();
  plan.tasks[0].duration_days = 3;
  plan.tasks[1].duration_days = 1;
  plan.tasks[2].duration_days = 1;
  plan.tasks[2].demands[0].units = 2;
  ASSERT_OK_AND_ASSIGN(ResourceTimeline laid,
                       ScheduleWithResources(plan, request, options));
  EXPECT_EQ(laid.schedules, 1);
  EXPECT_EQ(why->load(), scheduling_internal::kSearchStoppedByCall);
  v1::Timeline timeline;
  scheduling_internal::SearchToProto(laid, options, why->load(), &timeline);
  EXPECT_EQ(timeline.search_stopped_by(), "stopped");
  EXPECT_EQ(timeline.max_schedules(), 1000000);
}

}  // namespace
}  // namespace backplan

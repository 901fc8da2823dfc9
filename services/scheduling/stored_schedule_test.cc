// The stored Schedule pipeline (stored_schedule.cc) against a fake
// PrioritizationService: a real generated ::Service served in-process that
// answers well, late, stale, with an error, or refusing the plan.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

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
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Answers Prioritize for a stored plan the way `mode` says; reads the plan's
// version from the shared store as the real service would.
class FakePrioritization final : public v1::PrioritizationService::Service {
 public:
  enum class Mode { kGood, kSlow, kStale, kFailing, kInvalid };

  explicit FakePrioritization(PlanStore* store) : store_(store) {}

  void set_mode(Mode mode) { mode_ = mode; }
  int calls() const { return calls_; }
  std::string last_tenant() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_tenant_;
  }
  std::string last_request_id() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_request_id_;
  }

  grpc::Status Prioritize(grpc::ServerContext* context,
                          const v1::PrioritizeRequest* request,
                          v1::PrioritizeResponse* response) override {
    ++calls_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_tenant_ = Metadata(*context, rpc::kTenantHeader);
      last_request_id_ = Metadata(*context, rpc::kRequestIdHeader);
    }
    switch (mode_.load()) {
      case Mode::kSlow:
        // Until the caller's propagated deadline passes.
        while (!context->IsCancelled()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "too slow");
      case Mode::kFailing:
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "redis is down");
      case Mode::kInvalid:
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "tasks[1].attributes.difficulty: task \"b\"");
      case Mode::kGood:
      case Mode::kStale:
        break;
    }
    absl::StatusOr<StoredPlan> stored =
        store_->GetPlan(last_tenant(), request->plan_id());
    if (!stored.ok()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "");
    v1::Priorities* priorities = response->mutable_priorities();
    priorities->set_plan_id(request->plan_id());
    priorities->set_plan_version(stored->version -
                                 (mode_ == Mode::kStale ? 1 : 0));
    // c first, then a before b.
    int rank = 0;
    for (const char* id : {"c", "a", "b"}) {
      v1::TaskPriority* task = priorities->add_tasks();
      task->set_task_id(id);
      task->set_rank(++rank);
      priorities->add_execution_order(id);
    }
    return grpc::Status::OK;
  }

 private:
  static std::string Metadata(const grpc::ServerContext& context,
                              const char* key) {
    auto it = context.client_metadata().find(key);
    if (it == context.client_metadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }

  PlanStore* store_;
  std::atomic<Mode> mode_{Mode::kGood};
  std::atomic<int> calls_{0};
  std::mutex mu_;  // Guards last_tenant_, last_request_id_.
  std::string last_tenant_;
  std::string last_request_id_;
};

class StoredScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(fake_server_, rpc::StartServer(rpc::ServerOptions(),
                                                        {&fake_}, nullptr));
    service_ = std::make_unique<SchedulingServiceImpl>(
        &store_,
        v1::PrioritizationService::NewStub(
            testing::LocalChannel(*fake_server_)),
        [] { return absl::CivilDay(2027, 6, 1); });
    ASSERT_OK_AND_ASSIGN(server_, rpc::StartServer(rpc::ServerOptions(),
                                                   {service_.get()}, nullptr));
    stub_ = v1::SchedulingService::NewStub(testing::LocalChannel(*server_));
    v1::Plan plan = ChainPlan();
    ASSERT_OK(store_
                  .PutPlan("acme", "p", 0, plan.SerializeAsString(),
                           {"plan.created", "test"})
                  .status());
  }

  grpc::Status Schedule(
      v1::ScheduleResponse* response,
      std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    v1::ScheduleRequest request;
    request.set_plan_id("p");
    std::unique_ptr<grpc::ClientContext> context = Context("acme");
    context->set_deadline(std::chrono::system_clock::now() + deadline);
    context->AddMetadata(rpc::kRequestIdHeader, "rid-7");
    return stub_->Schedule(context.get(), request, response);
  }

  // The stored schedule, once a write of it has happened.
  v1::ScheduleResponse StoredSchedule() {
    v1::ScheduleResponse stored;
    absl::StatusOr<StoredPlan> plan = store_.GetPlan("acme", "p");
    EXPECT_OK(plan.status());
    if (plan.ok() && plan->schedule) {
      EXPECT_TRUE(stored.ParseFromString(plan->schedule->data));
    }
    return stored;
  }

  InMemoryPlanStore store_;
  FakePrioritization fake_{&store_};
  std::unique_ptr<rpc::RunningServer> fake_server_;
  std::unique_ptr<SchedulingServiceImpl> service_;
  std::unique_ptr<rpc::RunningServer> server_;  // Stops first.
  std::unique_ptr<v1::SchedulingService::Stub> stub_;
};

TEST_F(StoredScheduleTest, AsksForMissingPrioritiesAndListsByRank) {
  v1::ScheduleResponse response;
  ASSERT_TRUE(Schedule(&response).ok());
  EXPECT_FALSE(response.degraded());
  EXPECT_EQ(fake_.calls(), 1);
  EXPECT_EQ(fake_.last_tenant(), "acme");
  EXPECT_EQ(fake_.last_request_id(), "rid-7");
  std::vector<std::string> listed;
  std::vector<int> ranks;
  for (const v1::ScheduledTask& task : response.timeline().tasks()) {
    if (task.kind() != v1::TASK) continue;
    listed.push_back(task.id());
    ranks.push_back(task.rank());
  }
  EXPECT_THAT(listed, ElementsAre("c", "a", "b"));
  EXPECT_THAT(ranks, ElementsAre(1, 2, 3));
  EXPECT_EQ(StoredSchedule().SerializeAsString(), response.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store_.GetPlan("acme", "p"));
  ASSERT_TRUE(plan.schedule.has_value());
  const int64_t stored_version = plan.schedule->plan_version;
  EXPECT_EQ(stored_version, 1);
}

TEST_F(StoredScheduleTest, CurrentStoredPrioritiesNeedNoCall) {
  v1::Priorities priorities;
  priorities.set_plan_version(1);
  int rank = 0;
  for (const char* id : {"a", "b", "c"}) {
    v1::TaskPriority* task = priorities.add_tasks();
    task->set_task_id(id);
    task->set_rank(++rank);
  }
  ASSERT_OK(store_.PutStage("acme", "p", StagePart::kPriorities, 1,
                            priorities.SerializeAsString(),
                            {"priorities.updated", "test"}));
  v1::ScheduleResponse response;
  ASSERT_TRUE(Schedule(&response).ok());
  EXPECT_EQ(fake_.calls(), 0);
  EXPECT_EQ(response.timeline().tasks(0).id(), "a");
  EXPECT_EQ(response.timeline().tasks(0).rank(), 1);
}

TEST_F(StoredScheduleTest, FailingPrioritizationDegradesWithoutRanks) {
  fake_.set_mode(FakePrioritization::Mode::kFailing);
  v1::ScheduleResponse response;
  ASSERT_TRUE(Schedule(&response).ok());
  EXPECT_TRUE(response.degraded());
  EXPECT_THAT(response.degraded_reason(),
              HasSubstr("prioritization: UNAVAILABLE: redis is down"));
  for (const v1::ScheduledTask& task : response.timeline().tasks()) {
    EXPECT_EQ(task.rank(), 0) << task.id();
  }
  EXPECT_TRUE(StoredSchedule().degraded());
}

TEST_F(StoredScheduleTest, RefusedPlanIsTheCallersError) {
  fake_.set_mode(FakePrioritization::Mode::kInvalid);
  v1::ScheduleResponse response;
  const grpc::Status status = Schedule(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("task \"b\""));
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store_.GetPlan("acme", "p"));
  EXPECT_FALSE(plan.schedule.has_value());
}

TEST_F(StoredScheduleTest, StalePrioritiesAreAskedForAgainThenAborted) {
  fake_.set_mode(FakePrioritization::Mode::kStale);
  v1::ScheduleResponse response;
  const grpc::Status status = Schedule(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(fake_.calls(), 3);
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store_.GetPlan("acme", "p"));
  EXPECT_FALSE(plan.schedule.has_value());
}

TEST_F(StoredScheduleTest, SlowPrioritizationRunsIntoTheCallersDeadline) {
  fake_.set_mode(FakePrioritization::Mode::kSlow);
  v1::ScheduleResponse response;
  const grpc::Status status =
      Schedule(&response, std::chrono::milliseconds(500));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(fake_.calls(), 1);
  // The handler itself still finishes: the schedule it stores is degraded.
  server_->Shutdown(std::chrono::seconds(5));
  const v1::ScheduleResponse stored = StoredSchedule();
  EXPECT_TRUE(stored.degraded());
  EXPECT_THAT(stored.degraded_reason(), HasSubstr("prioritization: "));
}

TEST_F(StoredScheduleTest, NoPrioritizationServiceConfigured) {
  SchedulingServiceImpl alone(&store_, nullptr,
                              [] { return absl::CivilDay(2027, 6, 1); });
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<rpc::RunningServer> server,
      rpc::StartServer(rpc::ServerOptions(), {&alone}, nullptr));
  auto stub = v1::SchedulingService::NewStub(testing::LocalChannel(*server));
  v1::ScheduleRequest request;
  request.set_plan_id("p");
  v1::ScheduleResponse response;
  ASSERT_TRUE(stub->Schedule(Context("acme").get(), request, &response).ok());
  EXPECT_TRUE(response.degraded());
  EXPECT_EQ(response.degraded_reason(), "no prioritization service configured");
}

}  // namespace
}  // namespace backplan

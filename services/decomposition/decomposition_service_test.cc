// Every DecompositionService RPC in-process: a real gRPC server on a free
// loopback port around the service class, over the in-memory store.
#include "services/decomposition/decomposition_service.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

constexpr char kBookYaml[] = R"(
name: launch
recipes:
  - name: launch-product
    goal: launch {product}
    sub_goals: ["{product} is built", "store sells {product}"]
    tasks:
      - title: write press release for {product}
        days: 3
      - title: launch event for {product}
        days: 1
        after: ["write press release for {product}"]
  - name: build-in-house
    goal: "{product} is built"
    tasks:
      - title: build {product}
        days: 20
  - name: build-with-partner
    goal: "{product} is built"
    tasks:
      - title: contract a partner to build {product}
        days: 10
)";

class DecompositionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        server_, rpc::StartServer(rpc::ServerOptions(), {&service_}, nullptr));
    stub_ = v1::DecompositionService::NewStub(testing::LocalChannel(*server_));
  }

  std::string Create(const v1::Plan& plan, absl::string_view tenant = "") {
    v1::CreatePlanRequest request;
    *request.mutable_plan() = plan;
    v1::CreatePlanResponse response;
    const grpc::Status status =
        stub_->CreatePlan(Context(tenant).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.version(), 1);
    return response.plan_id();
  }

  grpc::Status Edit(const v1::EditPlanRequest& request,
                    v1::EditPlanResponse* response = nullptr) {
    v1::EditPlanResponse ignored;
    return stub_->EditPlan(Context().get(), request,
                           response == nullptr ? &ignored : response);
  }

  InMemoryPlanStore store_;
  std::atomic<int> next_id_{0};
  DecompositionServiceImpl service_{
      &store_, [this] { return absl::StrCat("plan-", ++next_id_); }};
  std::unique_ptr<rpc::RunningServer> server_;  // Stops before the above.
  std::unique_ptr<v1::DecompositionService::Stub> stub_;
};

TEST_F(DecompositionServiceTest, CreateGetListDeletePlan) {
  const std::string id = Create(ChainPlan());
  EXPECT_EQ(id, "plan-1");
  v1::GetPlanRequest get;
  get.set_plan_id(id);
  v1::Plan got;
  ASSERT_TRUE(stub_->GetPlan(Context().get(), get, &got).ok());
  EXPECT_EQ(got.version(), 1);
  EXPECT_EQ(got.tenant(), "default");
  EXPECT_EQ(got.tasks_size(), 3);

  v1::ListPlansRequest list;
  v1::ListPlansResponse listed;
  ASSERT_TRUE(stub_->ListPlans(Context().get(), list, &listed).ok());
  ASSERT_EQ(listed.plans_size(), 1);
  EXPECT_EQ(listed.plans(0).plan_id(), id);
  list.set_page_size(5000);
  EXPECT_EQ(stub_->ListPlans(Context().get(), list, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::DeletePlanRequest del;
  del.set_plan_id(id);
  v1::DeletePlanResponse deleted;
  ASSERT_TRUE(stub_->DeletePlan(Context().get(), del, &deleted).ok());
  EXPECT_EQ(stub_->GetPlan(Context().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  del.clear_plan_id();
  EXPECT_EQ(stub_->DeletePlan(Context().get(), del, &deleted).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DecompositionServiceTest, CreatePlanRefusesACycleNamingIt) {
  v1::Plan plan = ChainPlan();
  v1::Dependency* back = plan.add_dependencies();
  back->set_predecessor_id("b");
  back->set_successor_id("a");
  v1::CreatePlanRequest request;
  *request.mutable_plan() = plan;
  v1::CreatePlanResponse response;
  const grpc::Status status =
      stub_->CreatePlan(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("cycle"));
  EXPECT_EQ(next_id_.load(), 0);  // Nothing stored, no id used.
}

TEST_F(DecompositionServiceTest, TenantsDoNotSeeEachOther) {
  const std::string id = Create(ChainPlan(), "acme");
  v1::GetPlanRequest get;
  get.set_plan_id(id);
  v1::Plan got;
  EXPECT_TRUE(stub_->GetPlan(Context("acme").get(), get, &got).ok());
  EXPECT_EQ(stub_->GetPlan(Context("other").get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      stub_->GetPlan(Context("bad tenant!").get(), get, &got).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DecompositionServiceTest, EditPlanIsVersionedValidatedAndStored) {
  const std::string id = Create(ChainPlan());
  v1::EditPlanRequest edit;
  edit.set_plan_id(id);
  edit.set_base_version(1);
  v1::PlanEdit::AddTask* add = edit.add_edits()->mutable_add_task();
  add->mutable_task()->set_id("d");
  add->mutable_task()->set_title("test");
  add->mutable_task()->set_duration_days(2);
  v1::Dependency* dep = edit.add_edits()->mutable_add_dependency();
  dep->set_predecessor_id("d");
  dep->set_successor_id("b");
  v1::PlanEdit::AddGoal* goal = edit.add_edits()->mutable_add_goal();
  goal->mutable_goal()->set_id("g");
  goal->mutable_goal()->set_title("open");
  goal->mutable_goal()->set_state(v1::OPEN);
  v1::EditPlanResponse response;
  ASSERT_TRUE(Edit(edit, &response).ok());
  EXPECT_EQ(response.version(), 2);
  EXPECT_EQ(response.plan().tasks_size(), 4);
  // The stored plan is the one returned.
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", id));
  v1::Plan parsed;
  ASSERT_TRUE(parsed.ParseFromString(stored.data));
  parsed.set_version(2);
  EXPECT_EQ(parsed.SerializeAsString(), response.plan().SerializeAsString());

  // Stale: based on version 1 again.
  EXPECT_EQ(Edit(edit).error_code(), grpc::StatusCode::ABORTED);

  // Expand the open goal; removing "d" takes its edge along.
  v1::EditPlanRequest expand;
  expand.set_plan_id(id);
  expand.set_base_version(2);
  v1::PlanEdit::ExpandGoal* e = expand.add_edits()->mutable_expand_goal();
  e->set_goal_id("g");
  v1::Task* work = e->add_tasks();
  work->set_id("e");
  work->set_title("work");
  work->set_duration_days(1);
  expand.add_edits()->mutable_remove()->set_id("d");
  ASSERT_TRUE(Edit(expand, &response).ok());
  EXPECT_EQ(response.version(), 3);
  const v1::Goal& expanded = response.plan().goals(0);
  EXPECT_EQ(expanded.state(), v1::BROKEN_DOWN);
  EXPECT_THAT(expanded.task_ids(), ElementsAre("e"));
  EXPECT_EQ(response.plan().dependencies_size(), 1);

  // Expanding it again: it is no longer open.
  expand.set_base_version(3);
  expand.mutable_edits()->RemoveLast();
  EXPECT_EQ(Edit(expand).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(DecompositionServiceTest, EditPlanErrors) {
  const std::string id = Create(ChainPlan());
  v1::EditPlanRequest edit;
  edit.set_plan_id(id);
  edit.set_base_version(1);
  EXPECT_EQ(Edit(edit).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  edit.add_edits()->mutable_remove()->set_id("nope");
  grpc::Status status = Edit(edit);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("edits[0].remove.id: unknown task or goal \"nope\""));
  edit.mutable_edits(0)->mutable_remove()->set_id("a");
  edit.set_base_version(0);
  EXPECT_EQ(Edit(edit).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  edit.set_base_version(1);
  edit.set_plan_id("missing");
  EXPECT_EQ(Edit(edit).error_code(), grpc::StatusCode::NOT_FOUND);
  // A result that does not validate changes nothing.
  edit.set_plan_id(id);
  v1::Dependency* self = edit.add_edits()->mutable_add_dependency();
  self->set_predecessor_id("b");
  self->set_successor_id("b");
  EXPECT_EQ(Edit(edit).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", id));
  EXPECT_EQ(stored.version, 1);
}

TEST(DecompositionServiceLimits, EditsPerRequestCappedByFlag) {
  InMemoryPlanStore store;
  DecompositionLimits limits;
  limits.max_edits_per_request = 2;
  DecompositionServiceImpl service(
      &store, [] { return std::string("plan-1"); }, limits);
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<rpc::RunningServer> server,
      rpc::StartServer(rpc::ServerOptions(), {&service}, nullptr));
  auto stub = v1::DecompositionService::NewStub(testing::LocalChannel(*server));
  v1::CreatePlanRequest create;
  *create.mutable_plan() = ChainPlan();
  v1::CreatePlanResponse created;
  ASSERT_TRUE(stub->CreatePlan(Context().get(), create, &created).ok());

  v1::EditPlanRequest edit;
  edit.set_plan_id(created.plan_id());
  edit.set_base_version(1);
  for (int i = 0; i < 3; ++i) {
    *edit.add_edits()->mutable_update_task() = ChainPlan().tasks(0);
    edit.mutable_edits(i)->mutable_update_task()->set_title("renamed");
  }
  v1::EditPlanResponse response;
  grpc::Status status = stub->EditPlan(Context().get(), edit, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      status.error_message(),
      HasSubstr("3 edits, over the limit of 2 (--max_edits_per_request)"));
  ASSERT_OK_AND_ASSIGN(StoredPlan stored,
                       store.GetPlan("default", created.plan_id()));
  EXPECT_EQ(stored.version, 1);

  edit.mutable_edits()->RemoveLast();
  status = stub->EditPlan(Context().get(), edit, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.version(), 2);
  server->Shutdown(std::chrono::milliseconds(0));
}

TEST_F(DecompositionServiceTest, RecipeBooksPutGetListDelete) {
  v1::PutRecipeBookRequest put;
  put.set_yaml(kBookYaml);
  put.set_name("launch");
  v1::PutRecipeBookResponse response;
  ASSERT_TRUE(
      stub_->PutRecipeBook(Context("books").get(), put, &response).ok());
  EXPECT_EQ(response.version(), 1);
  // expected_version 0 means "must not exist".
  EXPECT_EQ(
      stub_->PutRecipeBook(Context("books").get(), put, &response).error_code(),
      grpc::StatusCode::ABORTED);

  v1::GetRecipeBookRequest get;
  get.set_name("launch");
  v1::RecipeBook book;
  ASSERT_TRUE(stub_->GetRecipeBook(Context("books").get(), get, &book).ok());
  EXPECT_EQ(book.recipes_size(), 3);
  EXPECT_EQ(book.version(), 1);

  v1::ListRecipeBooksResponse listed;
  ASSERT_TRUE(stub_
                  ->ListRecipeBooks(Context("books").get(),
                                    v1::ListRecipeBooksRequest(), &listed)
                  .ok());
  EXPECT_THAT(listed.names(), ElementsAre("launch"));

  v1::DeleteRecipeBookRequest del;
  del.set_name("launch");
  v1::DeleteRecipeBookResponse deleted;
  ASSERT_TRUE(
      stub_->DeleteRecipeBook(Context("books").get(), del, &deleted).ok());
  EXPECT_EQ(
      stub_->GetRecipeBook(Context("books").get(), get, &book).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->DeleteRecipeBook(Context("books").get(), del, &deleted)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(DecompositionServiceTest, RecipeBookErrors) {
  v1::PutRecipeBookRequest put;
  v1::PutRecipeBookResponse response;
  grpc::Status status = stub_->PutRecipeBook(Context().get(), put, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("content"));
  put.set_yaml("recipes:\n  - name: x\n    goal: g\n    colour: red\n");
  put.set_name("bad");
  status = stub_->PutRecipeBook(Context().get(), put, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr(":4"));
  // An inline book with an attribute out of range is refused, not fatal.
  v1::RecipeBook* book = put.mutable_book();
  v1::Recipe* recipe = book->add_recipes();
  recipe->set_name("r");
  recipe->set_goal("g");
  v1::RecipeTask* task = recipe->add_tasks();
  task->set_title("t");
  task->set_duration_days(1);
  task->mutable_attributes()->set_importance(42);
  status = stub_->PutRecipeBook(Context().get(), put, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("importance"));
  v1::GetRecipeBookRequest get;
  v1::RecipeBook got;
  EXPECT_EQ(stub_->GetRecipeBook(Context().get(), get, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListRecipeBooksRequest list;
  list.set_page_size(-1);
  v1::ListRecipeBooksResponse listed;
  EXPECT_EQ(stub_->ListRecipeBooks(Context().get(), list, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DecompositionServiceTest, DecomposeInlineAndStored) {
  v1::DecomposeRequest request;
  request.set_book_yaml(kBookYaml);
  request.mutable_outcome()->set_title("launch the reader");
  *request.mutable_outcome()->mutable_target_date() =
      testing::DayProto(2027, 6, 30);
  v1::DecomposeResponse response;
  ASSERT_TRUE(stub_->Decompose(Context().get(), request, &response).ok());
  std::vector<std::string> titles;
  for (const v1::Task& task : response.plan().tasks()) {
    titles.push_back(task.title());
  }
  EXPECT_THAT(titles,
              ::testing::Contains("contract a partner to build the reader"));
  EXPECT_THAT(titles, ::testing::Not(::testing::Contains("build the reader")));
  EXPECT_EQ(response.open_goal_ids_size(), 1);
  EXPECT_TRUE(response.plan_id().empty());
  EXPECT_EQ(next_id_.load(), 0);

  request.set_store(true);
  ASSERT_TRUE(stub_->Decompose(Context().get(), request, &response).ok());
  EXPECT_EQ(response.plan_id(), "plan-1");
  EXPECT_EQ(response.version(), 1);
  ASSERT_OK_AND_ASSIGN(StoredPlan stored, store_.GetPlan("default", "plan-1"));
  EXPECT_EQ(stored.version, 1);
}

TEST_F(DecompositionServiceTest, DecomposeErrors) {
  v1::DecomposeRequest request;
  request.mutable_outcome()->set_title("launch the reader");
  *request.mutable_outcome()->mutable_target_date() =
      testing::DayProto(2027, 6, 30);
  v1::DecomposeResponse response;
  EXPECT_EQ(stub_->Decompose(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // No recipes.
  request.set_book_name("missing");
  EXPECT_EQ(stub_->Decompose(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_book_yaml(kBookYaml);
  request.set_strategy(static_cast<v1::SearchStrategy>(99));
  EXPECT_EQ(stub_->Decompose(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_strategy();
  request.mutable_limits()->set_max_nodes(1);
  const grpc::Status status =
      stub_->Decompose(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("max_nodes"));
}

TEST_F(DecompositionServiceTest, WatchPlanStreamsEventsInOrder) {
  const std::string id = Create(ChainPlan());
  v1::EditPlanRequest edit;
  edit.set_plan_id(id);
  edit.set_base_version(1);
  *edit.add_edits()->mutable_update_task() = ChainPlan().tasks(2);
  edit.mutable_edits(0)->mutable_update_task()->set_title("renamed");
  ASSERT_TRUE(Edit(edit).ok());

  v1::WatchPlanRequest watch;
  watch.set_plan_id(id);
  std::unique_ptr<grpc::ClientContext> context = Context();
  auto reader = stub_->WatchPlan(context.get(), watch);
  v1::PlanEvent event;
  std::vector<std::string> types;
  while (types.size() < 2 && reader->Read(&event)) {
    types.push_back(absl::StrCat(event.type(), "@", event.plan_version()));
  }
  EXPECT_THAT(types, ElementsAre("plan.created@1", "plan.edited@2"));
  context->TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  watch.set_plan_id("missing");
  std::unique_ptr<grpc::ClientContext> missing = Context();
  auto none = stub_->WatchPlan(missing.get(), watch);
  EXPECT_FALSE(none->Read(&event));
  EXPECT_EQ(none->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(DecompositionServiceTest, EditThatChangesNothingKeepsTheVersion) {
  const std::string id = Create(ChainPlan());
  v1::EditPlanRequest edit;
  edit.set_plan_id(id);
  edit.set_base_version(1);
  *edit.add_edits()->mutable_update_task() = ChainPlan().tasks(0);
  *edit.add_edits()->mutable_set_outcome() = ChainPlan().outcome();
  v1::EditPlanResponse response;
  ASSERT_TRUE(Edit(edit, &response).ok());
  EXPECT_TRUE(response.unchanged());
  EXPECT_EQ(response.version(), 1);
  EXPECT_EQ(response.plan().tasks_size(), 3);
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store_.ReadEvents("default", id, "", 10, absl::ZeroDuration()));
  EXPECT_EQ(events.size(), 1u);  // plan.created only.

  // A real change: the target moves and the version with it.
  edit.clear_edits();
  edit.add_edits()->mutable_set_target_date()->set_year(2027);
  edit.mutable_edits(0)->mutable_set_target_date()->set_month(7);
  edit.mutable_edits(0)->mutable_set_target_date()->set_day(30);
  ASSERT_TRUE(Edit(edit, &response).ok());
  EXPECT_FALSE(response.unchanged());
  EXPECT_EQ(response.version(), 2);
  EXPECT_EQ(response.plan().outcome().target_date().month(), 7);
  EXPECT_EQ(response.plan().outcome().title(), ChainPlan().outcome().title());

  // The listing shows what the last write kept.
  v1::ListPlansResponse listed;
  ASSERT_TRUE(
      stub_->ListPlans(Context().get(), v1::ListPlansRequest(), &listed).ok());
  ASSERT_EQ(listed.plans_size(), 1);
  const v1::PlanSummary& summary = listed.plans(0);
  EXPECT_EQ(summary.version(), 2);
  EXPECT_EQ(summary.title(), ChainPlan().outcome().title());
  EXPECT_EQ(summary.target_date().month(), 7);
  EXPECT_EQ(summary.task_count(), 3);
  EXPECT_EQ(summary.feasibility(), v1::UNSCHEDULED);
  EXPECT_GT(summary.updated_unix_micros(), 0);

  // A bad replacement part is refused naming the edit.
  edit.clear_edits();
  edit.set_base_version(2);
  v1::Outcome* outcome = edit.add_edits()->mutable_set_outcome();
  outcome->set_title("no date");
  outcome->mutable_target_date()->set_month(13);
  EXPECT_EQ(Edit(edit).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status status = Edit(edit);
  EXPECT_THAT(status.error_message(), HasSubstr("edits[0].set_outcome"));
}

TEST(DecompositionServiceOutage, StoredCallsUnavailableInlineServed) {
  testing::OutageStore store;
  DecompositionServiceImpl service(&store, [] { return std::string("p"); });
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<rpc::RunningServer> server,
      rpc::StartServer(rpc::ServerOptions(), {&service}, nullptr));
  auto stub = v1::DecompositionService::NewStub(testing::LocalChannel(*server));
  store.set_down(true);
  v1::CreatePlanRequest create;
  *create.mutable_plan() = ChainPlan();
  v1::CreatePlanResponse created;
  EXPECT_EQ(stub->CreatePlan(Context().get(), create, &created).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  v1::GetPlanRequest get;
  get.set_plan_id("p");
  v1::Plan plan;
  EXPECT_EQ(stub->GetPlan(Context().get(), get, &plan).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  v1::DecomposeRequest decompose;
  decompose.set_book_yaml(kBookYaml);
  decompose.mutable_outcome()->set_title("launch the reader");
  *decompose.mutable_outcome()->mutable_target_date() =
      testing::DayProto(2027, 6, 30);
  v1::DecomposeResponse response;
  EXPECT_TRUE(stub->Decompose(Context().get(), decompose, &response).ok());
  store.set_down(false);
  EXPECT_TRUE(stub->CreatePlan(Context().get(), create, &created).ok());
}

}  // namespace
}  // namespace backplan

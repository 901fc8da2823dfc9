// EditPlan cost on large plans: N edits on an N-task plan, through the
// service class (protobuf in, plan validated, stored in the in-memory store).
// Before libs/core/plan_edit each edit searched the plan by id, so the cost
// grew with N^2; it should now grow linearly.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "grpcpp/server_context.h"
#include "libs/store/in_memory_plan_store.h"
#include "services/decomposition/decomposition_service.h"

namespace backplan {
namespace {

// One outcome goal over `n` tasks, each after the previous one.
v1::Plan ChainPlan(int n) {
  v1::Plan plan;
  plan.mutable_outcome()->set_title("done");
  plan.mutable_outcome()->mutable_target_date()->set_year(2030);
  plan.mutable_outcome()->mutable_target_date()->set_month(1);
  plan.mutable_outcome()->mutable_target_date()->set_day(1);
  plan.set_outcome_goal_id("g");
  v1::Goal* goal = plan.add_goals();
  goal->set_id("g");
  goal->set_title("done");
  for (int i = 0; i < n; ++i) {
    v1::Task* task = plan.add_tasks();
    task->set_id(absl::StrCat("t", i));
    task->set_title(absl::StrCat("task ", i));
    task->set_duration_days(1);
    goal->add_task_ids(task->id());
    if (i > 0) {
      v1::Dependency* dep = plan.add_dependencies();
      dep->set_predecessor_id(absl::StrCat("t", i - 1));
      dep->set_successor_id(task->id());
    }
  }
  return plan;
}

struct Fixture {
  explicit Fixture(int n) : service(&store, [] { return std::string("p"); }) {
    v1::CreatePlanRequest create;
    *create.mutable_plan() = ChainPlan(n);
    v1::CreatePlanResponse created;
    grpc::ServerContext context;
    if (!service.CreatePlan(&context, &create, &created).ok()) std::abort();
    version = created.version();
  }
  // Applies `request` at the current version; aborts on failure.
  void Edit(v1::EditPlanRequest& request) {
    request.set_plan_id("p");
    request.set_base_version(version);
    v1::EditPlanResponse response;
    grpc::ServerContext context;
    const grpc::Status status = service.EditPlan(&context, &request, &response);
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.error_message().c_str());
      std::abort();
    }
    version = response.version();
  }
  InMemoryPlanStore store;
  DecompositionServiceImpl service;
  int64_t version = 0;
};

// N update_task edits, one per task.
void BM_EditPlanUpdateEveryTask(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Fixture fixture(n);
  const v1::Plan plan = ChainPlan(n);
  v1::EditPlanRequest request;
  for (int i = 0; i < n; ++i) {
    v1::Task* task = request.add_edits()->mutable_update_task();
    *task = plan.tasks(i);
    task->set_title(absl::StrCat("renamed ", i));
  }
  for (auto _ : state) fixture.Edit(request);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_EditPlanUpdateEveryTask)
    ->Arg(6000)
    ->Arg(60000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// N/4 new tasks under the outcome goal, N/4 dependencies on them, N/4
// removals of them (every reference goes too) and N/4 task updates: N edits.
void BM_EditPlanAddThenRemove(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Fixture fixture(n);
  const v1::Plan plan = ChainPlan(n);
  v1::EditPlanRequest request;
  for (int i = 0; i < n / 4; ++i) {
    v1::PlanEdit::AddTask* add = request.add_edits()->mutable_add_task();
    add->set_goal_id("g");
    add->mutable_task()->set_id(absl::StrCat("new", i));
    add->mutable_task()->set_title("new");
    add->mutable_task()->set_duration_days(1);
  }
  for (int i = 0; i < n / 4; ++i) {
    v1::Dependency* dep = request.add_edits()->mutable_add_dependency();
    dep->set_predecessor_id(absl::StrCat("t", i));
    dep->set_successor_id(absl::StrCat("new", i));
  }
  for (int i = 0; i < n / 4; ++i) {
    request.add_edits()->mutable_remove()->set_id(absl::StrCat("new", i));
  }
  for (int i = 0; i < n / 4; ++i) {
    *request.add_edits()->mutable_update_task() = plan.tasks(i);
  }
  for (auto _ : state) fixture.Edit(request);
  state.SetItemsProcessed(state.iterations() * request.edits_size());
}
BENCHMARK(BM_EditPlanAddThenRemove)
    ->Arg(6000)
    ->Arg(60000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace backplan

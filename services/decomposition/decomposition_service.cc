#include "services/decomposition/decomposition_service.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/core/plan_graph.h"
#include "libs/decompose/decompose.h"
#include "libs/decompose/recipe.h"
#include "libs/decompose/recipe_yaml.h"
#include "libs/rpc/server.h"
#include "services/common/idempotency.h"
#include "services/common/service_support.h"

namespace backplan {
namespace {

namespace dc = ::backplan::decompose;

dc::RecipeBook BookFromProto(const v1::RecipeBook& in) {
  dc::RecipeBook book;
  book.name = in.name();
  for (const v1::Recipe& r : in.recipes()) {
    dc::Recipe recipe;
    recipe.name = r.name();
    recipe.goal = r.goal();
    recipe.when.assign(r.when().begin(), r.when().end());
    recipe.sub_goals.assign(r.sub_goals().begin(), r.sub_goals().end());
    recipe.extra_cost_days = static_cast<int>(r.extra_cost_days());
    for (const v1::RecipeTask& t : r.tasks()) {
      // Reuse the task conversion for the attribute block.
      v1::Task as_task;
      *as_task.mutable_attributes() = t.attributes();
      dc::RecipeTask task;
      task.title = t.title();
      task.duration_days = t.duration_days();
      if (t.has_optimistic_days()) task.optimistic_days = t.optimistic_days();
      if (t.has_pessimistic_days()) {
        task.pessimistic_days = t.pessimistic_days();
      }
      task.attributes = TaskFromProto(as_task, "").value().attributes;
      task.after.assign(t.after().begin(), t.after().end());
      recipe.tasks.push_back(std::move(task));
    }
    book.recipes.push_back(std::move(recipe));
  }
  return book;
}

void BookToProto(const dc::RecipeBook& in, v1::RecipeBook* out) {
  out->set_name(in.name);
  for (const dc::Recipe& recipe : in.recipes) {
    v1::Recipe* r = out->add_recipes();
    r->set_name(recipe.name);
    r->set_goal(recipe.goal);
    for (const std::string& w : recipe.when) r->add_when(w);
    for (const std::string& s : recipe.sub_goals) r->add_sub_goals(s);
    r->set_extra_cost_days(recipe.extra_cost_days);
    for (const dc::RecipeTask& task : recipe.tasks) {
      v1::RecipeTask* t = r->add_tasks();
      t->set_title(task.title);
      t->set_duration_days(task.duration_days);
      if (task.optimistic_days) t->set_optimistic_days(*task.optimistic_days);
      if (task.pessimistic_days) {
        t->set_pessimistic_days(*task.pessimistic_days);
      }
      Task as_task;
      as_task.attributes = task.attributes;
      v1::Task converted;
      TaskToProto(as_task, &converted);
      *t->mutable_attributes() = converted.attributes();
      for (const std::string& a : task.after) t->add_after(a);
    }
  }
}

// A book from an inline message or YAML, validated like the YAML loader.
absl::StatusOr<dc::RecipeBook> BookFromRequest(const v1::RecipeBook* book,
                                               const std::string* yaml) {
  if (yaml != nullptr) return dc::ParseRecipeBookYaml(*yaml, "request");
  dc::RecipeBook parsed = BookFromProto(*book);
  for (size_t r = 0; r < parsed.recipes.size(); ++r) {
    if (book->recipes(r).extra_cost_days() !=
        parsed.recipes[r].extra_cost_days) {
      return absl::InvalidArgumentError(
          absl::StrCat("recipes[", r,
                       "].extra_cost_days: must be a whole "
                       "number of working days"));
    }
  }
  RETURN_IF_ERROR(dc::ValidateRecipeBook(parsed, "request"));
  return parsed;
}

const char* VerdictName(dc::AlternativeExplanation::Verdict verdict) {
  using Verdict = dc::AlternativeExplanation::Verdict;
  switch (verdict) {
    case Verdict::kChosen:
      return "chosen";
    case Verdict::kApplicable:
      return "applicable, costlier";
    case Verdict::kConditionFalse:
      return "condition false";
    case Verdict::kCycle:
      return "cycle on the path";
    case Verdict::kNotEvaluated:
      return "not evaluated (an earlier recipe applied)";
  }
  return "";
}

void ExplanationsToProto(const dc::DecomposeResult& result,
                         v1::DecomposeResponse* out) {
  for (const dc::GoalExplanation& goal : result.explanations) {
    v1::GoalExplanation* e = out->add_explanations();
    e->set_goal_id(goal.goal_id);
    e->set_goal(goal.goal);
    e->set_chosen_recipe(goal.chosen_recipe);
    e->set_open_goals(static_cast<int32_t>(goal.cost.open_goals));
    e->set_effort_days(static_cast<double>(goal.cost.effort_days));
    for (const dc::AlternativeExplanation& alt : goal.alternatives) {
      using Verdict = dc::AlternativeExplanation::Verdict;
      v1::GoalExplanation::Alternative* a = e->add_alternatives();
      a->set_recipe(alt.recipe);
      const bool applicable = alt.verdict == Verdict::kChosen ||
                              alt.verdict == Verdict::kApplicable;
      a->set_applicable(applicable);
      if (applicable) {
        a->set_open_goals(static_cast<int32_t>(alt.cost.open_goals));
        a->set_effort_days(static_cast<double>(alt.cost.effort_days));
      }
      a->set_reason(alt.detail.empty() ? VerdictName(alt.verdict)
                                       : absl::StrCat(VerdictName(alt.verdict),
                                                      ": ", alt.detail));
    }
  }
  for (const std::string& id : result.open_goal_ids) out->add_open_goal_ids(id);
}

// Removes every occurrence of `id` from `ids`.
void Erase(google::protobuf::RepeatedPtrField<std::string>* ids,
           const std::string& id) {
  ids->erase(std::remove(ids->begin(), ids->end(), id), ids->end());
}

int FindTask(const v1::Plan& plan, absl::string_view id) {
  for (int i = 0; i < plan.tasks_size(); ++i) {
    if (plan.tasks(i).id() == id) return i;
  }
  return -1;
}

int FindGoal(const v1::Plan& plan, absl::string_view id) {
  for (int i = 0; i < plan.goals_size(); ++i) {
    if (plan.goals(i).id() == id) return i;
  }
  return -1;
}

absl::Status NotFoundIn(absl::string_view field, absl::string_view what,
                        absl::string_view id) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": unknown ", what, " \"", id, "\""));
}

// Applies one edit to `plan`; validation of the whole result comes after.
absl::Status ApplyEdit(const v1::PlanEdit& edit, absl::string_view field,
                       v1::Plan* plan) {
  switch (edit.edit_case()) {
    case v1::PlanEdit::kExpandGoal: {
      const auto& expand = edit.expand_goal();
      const int g = FindGoal(*plan, expand.goal_id());
      if (g < 0) {
        return NotFoundIn(absl::StrCat(field, ".expand_goal.goal_id"), "goal",
                          expand.goal_id());
      }
      if (plan->goals(g).state() != v1::OPEN) {
        return absl::FailedPreconditionError(
            absl::StrCat(field, ".expand_goal: goal \"", expand.goal_id(),
                         "\" is not open"));
      }
      for (const v1::Goal& sub : expand.sub_goals()) {
        *plan->add_goals() = sub;
        plan->mutable_goals(g)->add_sub_goal_ids(sub.id());
      }
      for (const v1::Task& task : expand.tasks()) {
        *plan->add_tasks() = task;
        plan->mutable_goals(g)->add_task_ids(task.id());
      }
      plan->mutable_goals(g)->set_state(v1::BROKEN_DOWN);
      return absl::OkStatus();
    }
    case v1::PlanEdit::kAddTask: {
      *plan->add_tasks() = edit.add_task().task();
      if (!edit.add_task().goal_id().empty()) {
        const int g = FindGoal(*plan, edit.add_task().goal_id());
        if (g < 0) {
          return NotFoundIn(absl::StrCat(field, ".add_task.goal_id"), "goal",
                            edit.add_task().goal_id());
        }
        plan->mutable_goals(g)->add_task_ids(edit.add_task().task().id());
      }
      return absl::OkStatus();
    }
    case v1::PlanEdit::kUpdateTask: {
      const int t = FindTask(*plan, edit.update_task().id());
      if (t < 0) {
        return NotFoundIn(absl::StrCat(field, ".update_task.id"), "task",
                          edit.update_task().id());
      }
      *plan->mutable_tasks(t) = edit.update_task();
      return absl::OkStatus();
    }
    case v1::PlanEdit::kAddGoal: {
      *plan->add_goals() = edit.add_goal().goal();
      if (!edit.add_goal().parent_goal_id().empty()) {
        const int g = FindGoal(*plan, edit.add_goal().parent_goal_id());
        if (g < 0) {
          return NotFoundIn(absl::StrCat(field, ".add_goal.parent_goal_id"),
                            "goal", edit.add_goal().parent_goal_id());
        }
        plan->mutable_goals(g)->add_sub_goal_ids(edit.add_goal().goal().id());
      }
      return absl::OkStatus();
    }
    case v1::PlanEdit::kUpdateGoal: {
      const int g = FindGoal(*plan, edit.update_goal().id());
      if (g < 0) {
        return NotFoundIn(absl::StrCat(field, ".update_goal.id"), "goal",
                          edit.update_goal().id());
      }
      *plan->mutable_goals(g) = edit.update_goal();
      return absl::OkStatus();
    }
    case v1::PlanEdit::kRemove: {
      const std::string& id = edit.remove().id();
      const int t = FindTask(*plan, id);
      const int g = FindGoal(*plan, id);
      if (t < 0 && g < 0) {
        return NotFoundIn(absl::StrCat(field, ".remove.id"), "task or goal",
                          id);
      }
      if (id == plan->outcome_goal_id()) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ".remove.id: \"", id, "\" is the outcome goal"));
      }
      if (t >= 0) plan->mutable_tasks()->DeleteSubrange(t, 1);
      if (g >= 0) plan->mutable_goals()->DeleteSubrange(g, 1);
      for (v1::Goal& goal : *plan->mutable_goals()) {
        Erase(goal.mutable_task_ids(), id);
        Erase(goal.mutable_sub_goal_ids(), id);
      }
      auto* deps = plan->mutable_dependencies();
      deps->erase(std::remove_if(deps->begin(), deps->end(),
                                 [&](const v1::Dependency& d) {
                                   return d.predecessor_id() == id ||
                                          d.successor_id() == id;
                                 }),
                  deps->end());
      return absl::OkStatus();
    }
    case v1::PlanEdit::kAddDependency:
      *plan->add_dependencies() = edit.add_dependency();
      return absl::OkStatus();
    case v1::PlanEdit::kRemoveDependency: {
      const v1::Dependency& target = edit.remove_dependency();
      auto* deps = plan->mutable_dependencies();
      const int before = deps->size();
      deps->erase(std::remove_if(
                      deps->begin(), deps->end(),
                      [&](const v1::Dependency& d) {
                        return d.predecessor_id() == target.predecessor_id() &&
                               d.successor_id() == target.successor_id();
                      }),
                  deps->end());
      if (deps->size() == before) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ".remove_dependency: no dependency \"",
            target.predecessor_id(), "\" -> \"", target.successor_id(), "\""));
      }
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(field, ": empty edit"));
  }
}

}  // namespace

absl::Status DecompositionServiceImpl::StoreNewPlan(
    const rpc::CallScope& call, v1::Plan plan, const Idempotency& once,
    const std::function<void(const std::string&, int64_t)>& fill,
    google::protobuf::Message* response) {
  RETURN_IF_ERROR(call.tenant_status());
  ASSIGN_OR_RETURN(Plan parsed, PlanFromProto(plan));
  RETURN_IF_ERROR(ValidatePlan(parsed));
  const std::string plan_id =
      once.enabled() ? once.PlanIdFor(call.tenant()) : new_plan_id_();
  plan.set_id(plan_id);
  plan.set_tenant(call.tenant());
  plan.set_version(1);
  fill(plan_id, 1);  // A new plan is always at version 1.
  return once
      .PutPlan(*store_, call.tenant(), plan_id, 0, plan.SerializeAsString(),
               {"plan.created", call.request_id()}, response)
      .status();
}

grpc::Status DecompositionServiceImpl::CreatePlan(
    grpc::ServerContext* context, const v1::CreatePlanRequest* request,
    v1::CreatePlanResponse* response) {
  rpc::CallScope call(context, "CreatePlan");
  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(
        Idempotency once,
        Idempotency::For("CreatePlan", *request, request->idempotency_key()));
    return StoreNewPlan(
        call, request->plan(), once,
        [&](const std::string& plan_id, int64_t version) {
          response->set_plan_id(plan_id);
          response->set_version(version);
        },
        response);
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::GetPlan(
    grpc::ServerContext* context, const v1::GetPlanRequest* request,
    v1::Plan* response) {
  rpc::CallScope call(context, "GetPlan");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    ASSIGN_OR_RETURN(LoadedPlan loaded,
                     LoadPlan(*store_, call.tenant(), request->plan_id()));
    *response = std::move(loaded.plan);
    return absl::OkStatus();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::ListPlans(
    grpc::ServerContext* context, const v1::ListPlansRequest* request,
    v1::ListPlansResponse* response) {
  rpc::CallScope call(context, "ListPlans");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    ASSIGN_OR_RETURN(int page_size, PageSize(request->page_size()));
    ASSIGN_OR_RETURN(PlanPage page, store_->ListPlans(call.tenant(), page_size,
                                                      request->page_token()));
    for (const PlanSummary& summary : page.plans) {
      v1::PlanSummary* s = response->add_plans();
      s->set_plan_id(summary.plan_id);
      s->set_version(summary.version);
    }
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::DeletePlan(
    grpc::ServerContext* context, const v1::DeletePlanRequest* request,
    v1::DeletePlanResponse* response) {
  rpc::CallScope call(context, "DeletePlan");
  absl::Status status = call.tenant_status();
  if (status.ok()) status = Required(request->plan_id(), "plan_id");
  if (status.ok())
    status = store_->DeletePlan(call.tenant(), request->plan_id());
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::Decompose(
    grpc::ServerContext* context, const v1::DecomposeRequest* request,
    v1::DecomposeResponse* response) {
  rpc::CallScope call(context, "Decompose");
  absl::Status status = [&]() -> absl::Status {
    std::shared_ptr<const dc::CompiledRecipeBook> book;
    switch (request->recipes_case()) {
      case v1::DecomposeRequest::kBook: {
        ASSIGN_OR_RETURN(
            book,
            books_.GetOrBuild(
                absl::StrCat("book:", request->book().SerializeAsString()),
                [&] { return BookFromRequest(&request->book(), nullptr); }));
        break;
      }
      case v1::DecomposeRequest::kBookYaml: {
        ASSIGN_OR_RETURN(
            book,
            books_.GetOrBuild(absl::StrCat("yaml:", request->book_yaml()), [&] {
              return BookFromRequest(nullptr, &request->book_yaml());
            }));
        break;
      }
      case v1::DecomposeRequest::kBookName: {
        RETURN_IF_ERROR(call.tenant_status());
        ASSIGN_OR_RETURN(StoredBook stored,
                         store_->GetBook(call.tenant(), request->book_name()));
        // A stored book's version changes with every put, so tenant, name and
        // version identify its content.
        ASSIGN_OR_RETURN(
            book, books_.GetOrBuild(
                      absl::StrCat("stored:", call.tenant(), "/",
                                   request->book_name(), "@", stored.version),
                      [&]() -> absl::StatusOr<dc::RecipeBook> {
                        v1::RecipeBook proto;
                        if (!proto.ParseFromString(stored.data)) {
                          return absl::DataLossError(
                              "stored recipe book does not parse");
                        }
                        return BookFromProto(proto);
                      }));
        break;
      }
      default:
        return absl::InvalidArgumentError(
            "recipes: give book, book_name or book_yaml");
    }
    v1::Plan outcome_only;
    *outcome_only.mutable_outcome() = request->outcome();
    if (!request->goal().empty()) {
      outcome_only.mutable_outcome()->set_title(request->goal());
    }
    ASSIGN_OR_RETURN(Plan shell, PlanFromProto(outcome_only));
    dc::DecomposeOptions options;
    switch (request->strategy()) {
      case v1::SEARCH_STRATEGY_UNSPECIFIED:
      case v1::CHEAPEST:
        options.strategy = dc::Strategy::kCheapest;
        break;
      case v1::FIRST_APPLICABLE:
        options.strategy = dc::Strategy::kFirstApplicable;
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("strategy: unknown value ", request->strategy()));
    }
    if (request->limits().max_depth() != 0) {
      options.max_depth = request->limits().max_depth();
    }
    if (request->limits().max_nodes() != 0) {
      options.max_nodes = request->limits().max_nodes();
    }
    ASSIGN_OR_RETURN(dc::DecomposeResult result,
                     dc::Decompose(*book, shell.outcome, options));
    result.plan.outcome = shell.outcome;
    if (!request->goal().empty()) {
      result.plan.outcome.title = request->outcome().title();
    }
    ASSIGN_OR_RETURN(result.plan.calendar,
                     CalendarFromProto(request->calendar()));
    PlanToProto(result.plan, response->mutable_plan());
    ExplanationsToProto(result, response);
    if (request->store()) {
      ASSIGN_OR_RETURN(
          Idempotency once,
          Idempotency::For("Decompose", *request, request->idempotency_key()));
      RETURN_IF_ERROR(StoreNewPlan(
          call, response->plan(), once,
          [&](const std::string& plan_id, int64_t version) {
            response->set_plan_id(plan_id);
            response->set_version(version);
            response->mutable_plan()->set_id(plan_id);
            response->mutable_plan()->set_version(version);
            response->mutable_plan()->set_tenant(call.tenant());
          },
          response));
    }
    return absl::OkStatus();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::EditPlan(
    grpc::ServerContext* context, const v1::EditPlanRequest* request,
    v1::EditPlanResponse* response) {
  rpc::CallScope call(context, "EditPlan");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    if (request->base_version() <= 0) {
      return absl::InvalidArgumentError("base_version: required (>= 1)");
    }
    if (request->edits_size() == 0) {
      return absl::InvalidArgumentError("edits: at least one edit");
    }
    RETURN_IF_ERROR(Required(request->plan_id(), "plan_id"));
    ASSIGN_OR_RETURN(
        Idempotency once,
        Idempotency::For("EditPlan", *request, request->idempotency_key()));
    ASSIGN_OR_RETURN(bool replayed,
                     once.Replay(*store_, call.tenant(), RecordOwner::kPlan,
                                 request->plan_id(), response));
    if (replayed) return absl::OkStatus();
    ASSIGN_OR_RETURN(LoadedPlan loaded,
                     LoadPlan(*store_, call.tenant(), request->plan_id()));
    if (loaded.stored.version != request->base_version()) {
      return absl::AbortedError(
          absl::StrCat("plan \"", request->plan_id(), "\" is at version ",
                       loaded.stored.version, ", not ", request->base_version(),
                       "; read it again and redo the edit"));
    }
    v1::Plan plan = std::move(loaded.plan);
    for (int i = 0; i < request->edits_size(); ++i) {
      RETURN_IF_ERROR(
          ApplyEdit(request->edits(i), absl::StrCat("edits[", i, "]"), &plan));
    }
    ASSIGN_OR_RETURN(Plan parsed, PlanFromProto(plan));
    RETURN_IF_ERROR(ValidatePlan(parsed));
    plan.set_version(request->base_version() + 1);
    response->set_version(plan.version());
    *response->mutable_plan() = plan;
    return once
        .PutPlan(*store_, call.tenant(), request->plan_id(),
                 request->base_version(), plan.SerializeAsString(),
                 {"plan.edited", call.request_id()}, response)
        .status();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::WatchPlan(
    grpc::ServerContext* context, const v1::WatchPlanRequest* request,
    grpc::ServerWriter<v1::PlanEvent>* writer) {
  rpc::CallScope call(context, "WatchPlan");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    RETURN_IF_ERROR(Required(request->plan_id(), "plan_id"));
    call.SendRequestIdHeader();
    std::string after = "0";
    while (!context->IsCancelled() && !rpc::Draining()) {
      absl::StatusOr<std::vector<PlanEvent>> events = store_->ReadEvents(
          call.tenant(), request->plan_id(), after, 100, absl::Seconds(1));
      if (!events.ok()) {
        // The plan was deleted while watched: the stream simply ends.
        if (absl::IsNotFound(events.status()) && after != "0") break;
        return events.status();
      }
      for (const PlanEvent& event : *events) {
        after = event.id;
        if (event.plan_version < request->from_version()) continue;
        v1::PlanEvent out;
        out.set_id(event.id);
        out.set_type(event.type);
        out.set_plan_version(event.plan_version);
        out.set_request_id(event.request_id);
        if (!writer->Write(out)) return absl::OkStatus();  // Client left.
      }
    }
    return absl::OkStatus();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::PutRecipeBook(
    grpc::ServerContext* context, const v1::PutRecipeBookRequest* request,
    v1::PutRecipeBookResponse* response) {
  rpc::CallScope call(context, "PutRecipeBook");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    dc::RecipeBook book;
    switch (request->content_case()) {
      case v1::PutRecipeBookRequest::kBook: {
        ASSIGN_OR_RETURN(book, BookFromRequest(&request->book(), nullptr));
        break;
      }
      case v1::PutRecipeBookRequest::kYaml: {
        ASSIGN_OR_RETURN(book, BookFromRequest(nullptr, &request->yaml()));
        break;
      }
      default:
        return absl::InvalidArgumentError("content: give book or yaml");
    }
    std::string name =
        request->name().empty() ? request->book().name() : request->name();
    RETURN_IF_ERROR(Required(name, "name"));
    book.name = name;
    v1::RecipeBook proto;
    BookToProto(book, &proto);
    ASSIGN_OR_RETURN(Idempotency once,
                     Idempotency::For("PutRecipeBook", *request,
                                      request->idempotency_key()));
    response->set_name(name);
    response->set_version(request->expected_version() + 1);
    return once
        .PutBook(*store_, call.tenant(), name, request->expected_version(),
                 proto.SerializeAsString(), response)
        .status();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::GetRecipeBook(
    grpc::ServerContext* context, const v1::GetRecipeBookRequest* request,
    v1::RecipeBook* response) {
  rpc::CallScope call(context, "GetRecipeBook");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    RETURN_IF_ERROR(Required(request->name(), "name"));
    ASSIGN_OR_RETURN(StoredBook stored,
                     store_->GetBook(call.tenant(), request->name()));
    if (!response->ParseFromString(stored.data)) {
      return absl::DataLossError("stored recipe book does not parse");
    }
    response->set_version(stored.version);
    return absl::OkStatus();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::ListRecipeBooks(
    grpc::ServerContext* context, const v1::ListRecipeBooksRequest* request,
    v1::ListRecipeBooksResponse* response) {
  rpc::CallScope call(context, "ListRecipeBooks");
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    ASSIGN_OR_RETURN(int page_size, PageSize(request->page_size()));
    ASSIGN_OR_RETURN(BookPage page, store_->ListBooks(call.tenant(), page_size,
                                                      request->page_token()));
    for (const std::string& name : page.names) response->add_names(name);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  }();
  return call.Finish(status);
}

grpc::Status DecompositionServiceImpl::DeleteRecipeBook(
    grpc::ServerContext* context, const v1::DeleteRecipeBookRequest* request,
    v1::DeleteRecipeBookResponse* response) {
  rpc::CallScope call(context, "DeleteRecipeBook");
  absl::Status status = call.tenant_status();
  if (status.ok()) status = Required(request->name(), "name");
  if (status.ok()) status = store_->DeleteBook(call.tenant(), request->name());
  return call.Finish(status);
}

}  // namespace backplan

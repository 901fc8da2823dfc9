#include "services/decomposition/decomposition_service.h"

#include <string>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/common/status_macros.h"
#include "libs/convert/plan_convert.h"
#include "libs/convert/plan_edit_convert.h"
#include "libs/convert/recipe_convert.h"
#include "libs/core/plan_edit.h"
#include "libs/core/plan_graph.h"
#include "libs/decompose/decompose.h"
#include "libs/decompose/recipe.h"
#include "libs/decompose/recipe_yaml.h"
#include "libs/rpc/server.h"
#include "services/common/idempotency.h"
#include "services/common/listing_summary.h"
#include "services/common/service_support.h"

namespace backplan {
namespace {

namespace dc = ::backplan::decompose;

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
               {"plan.created", call.request_id(), call.caller(),
                PlanListingSummary(plan)},
               response)
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
    // Only the plan is read, and not parsed again while it is unchanged.
    ASSIGN_OR_RETURN(std::shared_ptr<const v1::Plan> plan,
                     plan_reader_.ReadProto(call.tenant(), request->plan_id()));
    *response = *plan;
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
    if (index_repair_ != nullptr) index_repair_->Note(call.tenant());
    ASSIGN_OR_RETURN(PlanPage page, store_->ListPlans(call.tenant(), page_size,
                                                      request->page_token()));
    for (const PlanSummary& summary : page.plans) {
      ListedPlanToProto(summary, response->add_plans());
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
                [&] {
                  return RecipeBookFromRequest(&request->book(), nullptr);
                }));
        break;
      }
      case v1::DecomposeRequest::kBookYaml: {
        ASSIGN_OR_RETURN(
            book,
            books_.GetOrBuild(absl::StrCat("yaml:", request->book_yaml()), [&] {
              return RecipeBookFromRequest(nullptr, &request->book_yaml());
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
                        return RecipeBookFromProto(proto);
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
    if (request->limits().max_depth() > limits_.max_depth) {
      return absl::InvalidArgumentError(
          absl::StrCat("limits.max_depth: ", request->limits().max_depth(),
                       " is over the server's limit ", limits_.max_depth,
                       " (--max_decompose_depth)"));
    }
    if (request->limits().max_nodes() > limits_.max_nodes) {
      return absl::InvalidArgumentError(
          absl::StrCat("limits.max_nodes: ", request->limits().max_nodes(),
                       " is over the server's limit ", limits_.max_nodes,
                       " (--max_decompose_nodes)"));
    }
    options.max_depth = request->limits().max_depth() != 0
                            ? request->limits().max_depth()
                            : limits_.max_depth;
    options.max_nodes = request->limits().max_nodes() != 0
                            ? request->limits().max_nodes()
                            : limits_.max_nodes;
    options.max_matcher_steps = limits_.max_matcher_steps;
    options.max_goal_bytes = limits_.max_goal_bytes;
    options.should_stop = [&call] { return call.ShouldStop(); };
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
    if (request->edits_size() > limits_.max_edits_per_request) {
      return absl::InvalidArgumentError(absl::StrCat(
          "edits: ", request->edits_size(), " edits, over the limit of ",
          limits_.max_edits_per_request, " (--max_edits_per_request)"));
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
      // A retry racing its twin: the twin's write and its record land in one
      // script, so a newer version may be the twin's; its record says so.
      ASSIGN_OR_RETURN(replayed,
                       once.Replay(*store_, call.tenant(), RecordOwner::kPlan,
                                   request->plan_id(), response));
      if (replayed) return absl::OkStatus();
      return absl::AbortedError(
          absl::StrCat("plan \"", request->plan_id(), "\" is at version ",
                       loaded.stored.version, ", not ", request->base_version(),
                       "; read it again and redo the edit"));
    }
    ASSIGN_OR_RETURN(Plan parsed, PlanFromProto(loaded.plan));
    ASSIGN_OR_RETURN(std::vector<PlanEdit> edits,
                     PlanEditsFromProto(request->edits()));
    ASSIGN_OR_RETURN(PlanEditOrigins origins, ApplyPlanEdits(edits, &parsed));
    RETURN_IF_ERROR(ValidatePlan(parsed));
    v1::Plan plan =
        EditedPlanToProto(loaded.plan, request->edits(), parsed, origins);
    if (google::protobuf::util::MessageDifferencer::Equals(plan, loaded.plan)) {
      // Nothing changed (e.g. a plan file applied twice): no new version,
      // no write, no event.
      response->set_version(loaded.stored.version);
      *response->mutable_plan() = std::move(loaded.plan);
      response->set_unchanged(true);
      return absl::OkStatus();
    }
    plan.set_version(request->base_version() + 1);
    response->set_version(plan.version());
    *response->mutable_plan() = plan;
    return once
        .PutPlan(*store_, call.tenant(), request->plan_id(),
                 request->base_version(), plan.SerializeAsString(),
                 {"plan.edited", call.request_id(), call.caller(),
                  PlanListingSummary(plan)},
                 response)
        .status();
  }();
  return call.Finish(status);
}

absl::Status DecompositionServiceImpl::BeginWatch(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  if (open_watches_ >= limits_.max_watch_streams) {
    return absl::ResourceExhaustedError(
        absl::StrCat("WatchPlan: ", open_watches_,
                     " streams open, the server's limit "
                     "(--max_watch_streams); retry later"));
  }
  int& mine = open_watches_by_tenant_[tenant];
  if (mine >= limits_.max_watch_streams_per_tenant) {
    return absl::ResourceExhaustedError(
        absl::StrCat("WatchPlan: tenant has ", mine,
                     " streams open, the limit "
                     "(--max_watch_streams_per_tenant)"));
  }
  ++mine;
  ++open_watches_;
  return absl::OkStatus();
}

void DecompositionServiceImpl::EndWatch(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  --open_watches_;
  if (--open_watches_by_tenant_[tenant] == 0) {
    open_watches_by_tenant_.erase(tenant);
  }
}

grpc::Status DecompositionServiceImpl::WatchPlan(
    grpc::ServerContext* context, const v1::WatchPlanRequest* request,
    grpc::ServerWriter<v1::PlanEvent>* writer) {
  rpc::CallScope call(context, "WatchPlan", rpc::CallKind::kStream);
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(call.tenant_status());
    RETURN_IF_ERROR(Required(request->plan_id(), "plan_id"));
    RETURN_IF_ERROR(BeginWatch(call.tenant()));
    absl::Cleanup end_watch = [&] { EndWatch(call.tenant()); };
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
        out.set_caller(event.caller);
        if (!writer->Write(out)) return absl::OkStatus();  // Client left.
        call.MessageSent();
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
        ASSIGN_OR_RETURN(book,
                         RecipeBookFromRequest(&request->book(), nullptr));
        break;
      }
      case v1::PutRecipeBookRequest::kYaml: {
        ASSIGN_OR_RETURN(book,
                         RecipeBookFromRequest(nullptr, &request->yaml()));
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
    RecipeBookToProto(book, &proto);
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
    if (index_repair_ != nullptr) index_repair_->Note(call.tenant());
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

#include "tools/backplan-load/scenarios.h"

#include <fstream>
#include <memory>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "backplan/v1/scheduling.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "tools/backplan-load/plan_gen.h"

namespace backplan::load {
namespace {

constexpr char kSchedule[] = "/backplan.v1.SchedulingService/Schedule";
constexpr char kPrioritize[] = "/backplan.v1.PrioritizationService/Prioritize";
constexpr char kGetPlan[] = "/backplan.v1.DecompositionService/GetPlan";
constexpr char kDecompose[] = "/backplan.v1.DecompositionService/Decompose";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

v1::Plan ScenarioPlan(const ScenarioOptions& options) {
  PlanShape shape;
  shape.tasks = options.tasks;
  shape.goals = options.goals;
  shape.seed = options.seed;
  return GeneratePlan(shape);
}

// Creates `options.plans` copies of the generated plan; returns their ids.
absl::StatusOr<std::vector<std::string>> CreatePlans(
    const ScenarioOptions& options, const std::string& address,
    const ChannelFactory& channels) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = channels(address);
  if (!channel.ok()) return channel.status();
  auto stub = v1::DecompositionService::NewStub(*channel);
  v1::CreatePlanRequest request;
  *request.mutable_plan() = ScenarioPlan(options);
  std::vector<std::string> ids;
  // One idempotency key per plan, so the service config may retry creates.
  absl::BitGen random;
  const uint64_t run = absl::Uniform<uint64_t>(random);
  for (int i = 0; i < std::max(1, options.plans); ++i) {
    request.set_idempotency_key(absl::StrFormat("load-%016x-%d", run, i));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoNanoseconds(options.timeout));
    if (!options.tenant.empty()) {
      context.AddMetadata("x-backplan-tenant", options.tenant);
    }
    v1::CreatePlanResponse response;
    absl::Status status =
        FromGrpc(stub->CreatePlan(&context, request, &response),
                 absl::StrCat("CreatePlan at ", address));
    if (!status.ok()) return status;
    ids.push_back(response.plan_id());
  }
  return ids;
}

}  // namespace

absl::StatusOr<Prepared> PrepareCall(const std::string& method,
                                     const std::string& json) {
  namespace pb = google::protobuf;
  // Make sure the generated descriptors of every service are linked in.
  const pb::Descriptor* linked[] = {v1::ScheduleRequest::descriptor(),
                                    v1::PrioritizeRequest::descriptor(),
                                    v1::DecomposeRequest::descriptor()};
  (void)linked;
  std::string name(absl::StripPrefix(method, "/"));
  name = absl::StrReplaceAll(name, {{"/", "."}});
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  const pb::MethodDescriptor* descriptor = pool->FindMethodByName(name);
  if (descriptor == nullptr) {
    descriptor = pool->FindMethodByName(absl::StrCat("backplan.v1.", name));
  }
  if (descriptor == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--call: unknown method \"", method,
        "\" (expected e.g. backplan.v1.SchedulingService/Schedule)"));
  }
  if (descriptor->client_streaming() || descriptor->server_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--call: ", descriptor->full_name(),
                     " is a streaming method; only unary calls are supported"));
  }
  pb::DynamicMessageFactory factory(pool);
  factory.SetDelegateToGeneratedFactory(true);
  std::unique_ptr<pb::Message> request(
      factory.GetPrototype(descriptor->input_type())->New());
  if (!json.empty()) {
    auto status = pb::util::JsonStringToMessage(json, request.get());
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--data is not a valid ", descriptor->input_type()->full_name(),
          " in JSON: ", status.ToString()));
    }
  }
  Prepared prepared;
  prepared.method = absl::StrCat("/", descriptor->service()->full_name(), "/",
                                 descriptor->name());
  prepared.requests.push_back(request->SerializeAsString());
  prepared.description =
      absl::StrCat(descriptor->full_name(), ", ",
                   prepared.requests.back().size(), "-byte request");
  return prepared;
}

absl::StatusOr<Prepared> Prepare(const ScenarioOptions& options,
                                 const ChannelFactory& channels) {
  if (!options.call.empty()) {
    std::string json = options.data;
    if (!options.data_file.empty()) {
      absl::StatusOr<std::string> text = ReadFile(options.data_file);
      if (!text.ok()) return text.status();
      json = *text;
    }
    return PrepareCall(options.call, json);
  }
  Prepared prepared;
  const std::string& scenario = options.scenario;
  if (scenario == "schedule") {
    v1::ScheduleRequest request;
    *request.mutable_plan() = ScenarioPlan(options);
    prepared.method = kSchedule;
    prepared.requests.push_back(request.SerializeAsString());
    prepared.description =
        absl::StrCat("inline Schedule, ", options.tasks, " tasks");
  } else if (scenario == "prioritize") {
    v1::PrioritizeRequest request;
    *request.mutable_plan() = ScenarioPlan(options);
    prepared.method = kPrioritize;
    prepared.requests.push_back(request.SerializeAsString());
    prepared.description =
        absl::StrCat("inline Prioritize, ", options.tasks, " tasks");
  } else if (scenario == "pipeline" || scenario == "get") {
    const bool pipeline = scenario == "pipeline";
    const std::string& create_at =
        pipeline ? options.decomposition_address : options.address;
    if (create_at.empty()) {
      return absl::InvalidArgumentError(
          "--scenario=pipeline needs --decomposition_address (plans are "
          "created there, then scheduled by id at --address)");
    }
    absl::StatusOr<std::vector<std::string>> ids =
        CreatePlans(options, create_at, channels);
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      if (pipeline) {
        v1::ScheduleRequest request;
        request.set_plan_id(id);
        prepared.requests.push_back(request.SerializeAsString());
      } else {
        v1::GetPlanRequest request;
        request.set_plan_id(id);
        prepared.requests.push_back(request.SerializeAsString());
      }
    }
    prepared.method = pipeline ? kSchedule : kGetPlan;
    prepared.description =
        absl::StrCat(pipeline ? "stored Schedule{plan_id}" : "GetPlan", ", ",
                     options.tasks, " tasks, ", ids->size(), " plan(s)");
  } else if (scenario == "decompose") {
    v1::DecomposeRequest request;
    GeneratedBook book = GenerateBook(options.tasks);
    if (!options.book_file.empty()) {
      absl::StatusOr<std::string> text = ReadFile(options.book_file);
      if (!text.ok()) return text.status();
      book.yaml = *text;
      if (options.goal.empty()) {
        return absl::InvalidArgumentError("--book_file needs --goal");
      }
    }
    if (options.book_form == "proto" && options.book_file.empty()) {
      *request.mutable_book() = book.book;
    } else if (options.book_form == "yaml") {
      request.set_book_yaml(book.yaml);
    } else {
      return absl::InvalidArgumentError(
          "--book_form: yaml, or proto for the generated book");
    }
    const std::string goal =
        options.goal.empty() ? book.root_goal : options.goal;
    v1::Outcome* outcome = request.mutable_outcome();
    outcome->set_title(goal);
    outcome->mutable_target_date()->set_year(2029);
    outcome->mutable_target_date()->set_month(1);
    outcome->mutable_target_date()->set_day(31);
    outcome->mutable_start_date()->set_year(2027);
    outcome->mutable_start_date()->set_month(1);
    outcome->mutable_start_date()->set_day(4);
    prepared.method = kDecompose;
    prepared.requests.push_back(request.SerializeAsString());
    prepared.description =
        options.book_file.empty()
            ? absl::StrCat("Decompose, generated ", options.book_form,
                           " book of ", book.goals, " recipes (", book.tasks,
                           " tasks)")
            : absl::StrCat("Decompose, book ", options.book_file);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown --scenario \"", scenario,
        "\": schedule, prioritize, pipeline, get, decompose, or --call"));
  }
  return prepared;
}

}  // namespace backplan::load

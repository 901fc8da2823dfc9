#include "tools/backplan/prioritize_command.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tools/backplan/command_helpers.h"
#include "tools/backplan/format.h"

namespace backplan::cli {
namespace {

bool ParseMethod(Client& client, v1::PriorityMethod* method) {
  const Options& options = client.options();
  const std::string value = absl::AsciiStrToLower(options.method);
  static const std::pair<const char*, v1::PriorityMethod> kMethods[] = {
      {"importance", v1::IMPORTANCE},
      {"hardest_first", v1::HARDEST_FIRST},
      {"quick_wins", v1::QUICK_WINS},
      {"wsjf", v1::WSJF},
      {"rice", v1::RICE},
      {"weighted", v1::WEIGHTED}};
  if (value.empty()) {
    *method = v1::PRIORITY_METHOD_UNSPECIFIED;
    return true;
  }
  for (const auto& [name, m] : kMethods) {
    if (value == name) {
      *method = m;
      return true;
    }
  }
  client.Usage(absl::StrCat(
      "--method must be one of importance, hardest_first, quick_wins, wsjf, "
      "rice, weighted, not \"",
      options.method, "\""));
  return false;
}

bool ParseWeights(Client& client, v1::PrioritizeRequest* request) {
  const Options& options = client.options();
  if (options.weights.empty()) return true;
  for (absl::string_view item :
       absl::StrSplit(options.weights, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
    double weight = 0;
    if (kv.first.empty() || !absl::SimpleAtod(kv.second, &weight)) {
      client.Usage(
          absl::StrCat("--weights: \"", item,
                       "\" is not criterion=weight (e.g. importance=0.6)"));
      return false;
    }
    v1::CriterionWeight* out = request->add_weights();
    out->set_criterion(std::string(absl::StripAsciiWhitespace(kv.first)));
    out->set_weight(weight);
  }
  return true;
}

}  // namespace

int RunPrioritize(Client& client, const std::vector<std::string>& args) {
  const Options& options = client.options();
  if (int code = client.ExpectArgs(
          args, 1,
          "prioritize PLAN_ID|FILE --method importance|hardest_first|"
          "quick_wins|wsjf|rice|weighted [--weights c=w,...] [--explain] "
          "[--urgency]");
      code != kExitOk) {
    return code;
  }
  v1::PrioritizeRequest request;
  v1::PriorityMethod method;
  if (!ParseMethod(client, &method) || !ParseWeights(client, &request))
    return kExitUsage;
  request.set_method(method);
  request.set_urgency_from_schedule(options.urgency);
  if (!SetSource(client, args[0], &request)) return kExitUsage;
  if (request.has_plan_id()) request.set_idempotency_key(NewRequestId());

  v1::PrioritizeResponse response;
  auto stub =
      v1::PrioritizationService::NewStub(client.prioritization().Channel());
  if (!client.Call(client.prioritization(), "Prioritize",
                   [&](grpc::ClientContext* context) {
                     return stub->Prioritize(context, request, &response);
                   })) {
    return kExitServerError;
  }
  if (options.json) return client.Output(response, "");

  // Titles make the table readable; for a stored plan they cost one more
  // call, and the table is still useful without them.
  std::map<std::string, std::string> titles;
  v1::Plan plan;
  if (request.has_plan()) {
    plan = request.plan();
  } else {
    v1::GetPlanRequest get;
    get.set_plan_id(request.plan_id());
    auto decomposition =
        v1::DecompositionService::NewStub(client.decomposition().Channel());
    grpc::ClientContext context;
    client.PrepareContext(&context);
    if (!decomposition->GetPlan(&context, get, &plan).ok()) plan.Clear();
  }
  for (const auto& task : plan.tasks()) titles[task.id()] = task.title();
  return client.Output(response,
                       FormatPriorities(response, titles, options.explain,
                                        options.line_width()));
}

}  // namespace backplan::cli

#include "tools/backplan/ahp_command.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backplan/v1/prioritization.grpc.pb.h"
#include "tools/backplan/inputs.h"
#include "tools/backplan/table.h"

namespace backplan::cli {

int RunAhp(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return client.Usage("usage: backplan ahp FILE [--threshold R]");
  }
  absl::StatusOr<AhpInput> input = LoadAhpFile(args[0]);
  if (!input.ok()) return client.Usage(input.status().message());
  if (client.options().threshold < 0) {
    return client.Usage("--threshold must be >= 0");
  }
  v1::ComputeAhpWeightsRequest request;
  for (const std::string& c : input->criteria) {
    request.mutable_matrix()->add_criteria(c);
  }
  for (double v : input->values) request.mutable_matrix()->add_values(v);
  request.set_consistency_threshold(client.options().threshold > 0
                                        ? client.options().threshold
                                        : input->threshold);
  v1::AhpWeights response;
  auto stub =
      v1::PrioritizationService::NewStub(client.prioritization().Channel());
  if (!client.Call(client.prioritization(), "ComputeAhpWeights",
                   [&](grpc::ClientContext* context) {
                     return stub->ComputeAhpWeights(context, request,
                                                    &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response, FormatAhpWeights(response));
}

std::string FormatAhpWeights(const v1::AhpWeights& weights) {
  Table table({"CRITERION", "WEIGHT"});
  table.AlignRight(1);
  for (const auto& w : weights.weights()) {
    table.AddRow({w.criterion(), absl::StrFormat("%.3f", w.weight())});
  }
  return absl::StrCat(
      table.Render(),
      absl::StrFormat("λmax %.3f  consistency index %.3f  consistency ratio "
                      "%.3f\n",
                      weights.lambda_max(), weights.consistency_index(),
                      weights.consistency_ratio()));
}

}  // namespace backplan::cli

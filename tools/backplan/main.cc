// `backplan`: the command-line client of the Backplan services. Parses flags
// and hands the command to RunCommand (commands.h).
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "tools/backplan/args.h"
#include "tools/backplan/commands.h"

ABSL_FLAG(std::string, decomposition, "127.0.0.1:50051",
          "Address of the decomposition service.");
ABSL_FLAG(std::string, prioritization, "127.0.0.1:50052",
          "Address of the prioritization service.");
ABSL_FLAG(std::string, scheduling, "127.0.0.1:50053",
          "Address of the scheduling service.");
ABSL_FLAG(std::string, tenant, "", "Tenant, sent as x-backplan-tenant.");
ABSL_FLAG(int, timeout_s, 30, "Deadline of each call, in seconds.");
ABSL_FLAG(bool, json, false, "Print responses as protobuf JSON.");
ABSL_FLAG(std::string, mode, "", "Schedule mode: backward or forward.");
ABSL_FLAG(std::string, method, "", "Prioritization method.");
ABSL_FLAG(std::string, format, "", "Export format: ics, mermaid or csv.");
ABSL_FLAG(std::string, weights, "",
          "Weights for --method weighted: criterion=weight,...");

int main(int argc, char** argv) {
  namespace cli = backplan::cli;
  const absl::StatusOr<cli::ParsedArgs> args =
      cli::ParseArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::cerr << "backplan: " << args.status().message() << "\n";
    return cli::kExitUsage;
  }
  if (args->help) {
    std::cout << cli::HelpText();
    return cli::kExitOk;
  }
  cli::Options options;
  options.decomposition_address = absl::GetFlag(FLAGS_decomposition);
  options.prioritization_address = absl::GetFlag(FLAGS_prioritization);
  options.scheduling_address = absl::GetFlag(FLAGS_scheduling);
  options.tenant = absl::GetFlag(FLAGS_tenant);
  options.timeout_s = absl::GetFlag(FLAGS_timeout_s);
  options.json = absl::GetFlag(FLAGS_json);
  options.mode = absl::GetFlag(FLAGS_mode);
  options.method = absl::GetFlag(FLAGS_method);
  options.format = absl::GetFlag(FLAGS_format);
  options.weights = absl::GetFlag(FLAGS_weights);
  return cli::RunCommand(args->positional, options, std::cout, std::cerr);
}

// The requests backplan-load sends: built-in scenarios over Backplan's
// services and any method given by name with a protobuf-JSON request.
//
//   schedule    SchedulingService.Schedule, inline generated N-task plan
//   prioritize  PrioritizationService.Prioritize, inline generated plan
//   pipeline    SchedulingService.Schedule{plan_id}: the stored one-call
//               pipeline; the plan is first created through
//               DecompositionService.CreatePlan at `decomposition_address`
//   get         DecompositionService.GetPlan of a plan created first
//   decompose   DecompositionService.Decompose with `book_yaml` (generated,
//               or read from `book_file`), or the generated book as a
//               message (`book_form` "proto")
//   call        `call` ("backplan.v1.SchedulingService/Schedule") with
//               `data` / `data_file` as protobuf JSON, looked up in the
//               generated descriptor pool
//
//   ASSIGN_OR_RETURN(Prepared p, Prepare(options, channel_factory));
//   run_options.method = p.method;  run_options.requests = p.requests;
#ifndef BACKPLAN_TOOLS_BACKPLAN_LOAD_SCENARIOS_H_
#define BACKPLAN_TOOLS_BACKPLAN_LOAD_SCENARIOS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace backplan::load {

struct ScenarioOptions {
  std::string scenario;  // One of the names above; empty with `call`.
  int tasks = 50;
  int goals = 0;
  uint64_t seed = 1;
  int plans = 1;        // pipeline/get: plans created, called round-robin.
  std::string address;  // The target.
  std::string decomposition_address;  // pipeline: where plans are created.
  std::string book_file;              // decompose: a YAML book file.
  std::string goal;                   // decompose: the root goal text.
  std::string book_form = "yaml";     // decompose: yaml (book_yaml) or
                                      // proto (book, generated book only).
  std::string call;                   // call: the method.
  std::string data;                   // call: request as protobuf JSON.
  std::string data_file;              // call: a file holding it.
  std::string tenant;                 // x-backplan-tenant of set-up calls.
  absl::Duration timeout = absl::Seconds(20);
};

struct Prepared {
  std::string method;                 // "/backplan.v1.X/Y".
  std::vector<std::string> requests;  // Serialized requests.
  std::string description;            // For people: "Schedule, 50 tasks".
};

// Returns a channel to `address` with the tool's credentials.
using ChannelFactory =
    std::function<absl::StatusOr<std::shared_ptr<grpc::Channel>>(
        const std::string& address)>;

// Builds the requests of the scenario, making the set-up calls it needs
// (CreatePlan). INVALID_ARGUMENT for unknown scenarios or methods and bad
// JSON; the set-up call's status when it fails.
absl::StatusOr<Prepared> Prepare(const ScenarioOptions& options,
                                 const ChannelFactory& channels);

// Resolves a method name ("backplan.v1.SchedulingService/Schedule",
// "/backplan.v1.SchedulingService/Schedule", "...Service.Schedule", or
// "SchedulingService/Schedule") and serializes `json` as its request.
absl::StatusOr<Prepared> PrepareCall(const std::string& method,
                                     const std::string& json);

}  // namespace backplan::load

#endif  // BACKPLAN_TOOLS_BACKPLAN_LOAD_SCENARIOS_H_

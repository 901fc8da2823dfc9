// backplan-decomposition: breaks outcomes down into goals and tasks and keeps
// plans and recipe books. Flags: --help.
#include <cstdint>

#include "absl/flags/flag.h"
#include "libs/rpc/call.h"
#include "libs/rpc/server.h"
#include "services/common/service_support.h"
#include "services/decomposition/decomposition_service.h"

ABSL_FLAG(int, max_decompose_depth, 64,
          "Decompose: sub-goal steps below the root at most (callers may ask "
          "for less, never more).");
ABSL_FLAG(int64_t, max_decompose_nodes, 200000,
          "Decompose: goals expanded and goal evaluations at most.");
ABSL_FLAG(int64_t, max_matcher_steps, 10000000,
          "Decompose: recipe-pattern matcher steps per call at most.");
ABSL_FLAG(int64_t, max_goal_bytes, 32 << 20,
          "Decompose: bytes of goal text one search may hold.");
ABSL_FLAG(
    int, max_watch_streams, 8,
    "WatchPlan streams open at once, in all (each holds a serving "
    "thread while it waits; waiting streams share one Redis connection).");
ABSL_FLAG(int, max_watch_streams_per_tenant, 4,
          "WatchPlan streams open at once per tenant.");
ABSL_FLAG(int, max_edits_per_request, 100000,
          "EditPlan: edits in one request at most.");

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {
      "backplan-decomposition", 50051, 9091};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  std::unique_ptr<backplan::PlanStore> store = backplan::StoreFromFlagsOrExit();
  const backplan::DecompositionLimits limits = {
      .max_depth = absl::GetFlag(FLAGS_max_decompose_depth),
      .max_nodes = absl::GetFlag(FLAGS_max_decompose_nodes),
      .max_matcher_steps = absl::GetFlag(FLAGS_max_matcher_steps),
      .max_goal_bytes = absl::GetFlag(FLAGS_max_goal_bytes),
      .max_watch_streams = absl::GetFlag(FLAGS_max_watch_streams),
      .max_watch_streams_per_tenant =
          absl::GetFlag(FLAGS_max_watch_streams_per_tenant),
      .max_edits_per_request = absl::GetFlag(FLAGS_max_edits_per_request)};
  backplan::DecompositionServiceImpl service(
      store.get(), backplan::rpc::NewRequestId, limits);
  return backplan::ServeWithStore(kDefaults, {&service}, store.get());
}

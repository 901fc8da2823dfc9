// backplan-decomposition: breaks outcomes down into goals and tasks and keeps
// plans and recipe books. Flags: --help.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "libs/common/log.h"
#include "libs/rpc/call.h"
#include "libs/rpc/server.h"
#include "libs/store/redis_plan_store.h"
#include "services/common/service_support.h"
#include "services/decomposition/decomposition_service.h"
#include "services/decomposition/index_repair.h"

ABSL_DECLARE_FLAG(std::string, redis_cluster);

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
ABSL_FLAG(int, index_repair_interval_s, 600,
          "With --redis_cluster: seconds between passes that rebuild the "
          "plan and book indexes of tenants that listed since the last pass "
          "(a SCAN of every master per tenant); 0: off, at most 86400. A "
          "standalone Redis writes the index atomically: no passes.");
ABSL_FLAG(int, index_repair_tenants_per_pass, 8,
          "Tenants one index repair pass rebuilds at most (1..1000); the "
          "rest wait for the next pass.");

namespace {

// The index repair loop the flags ask for, started; null when off.
std::unique_ptr<backplan::IndexRepairLoop> IndexRepairFromFlags(
    backplan::PlanStore* store) {
  const int interval_s = absl::GetFlag(FLAGS_index_repair_interval_s);
  const int per_pass = absl::GetFlag(FLAGS_index_repair_tenants_per_pass);
  if (interval_s < 0 || interval_s > 86400 || per_pass < 1 || per_pass > 1000) {
    backplan::LogLine(backplan::LogLevel::kError, "bad flag")
        .Add("error",
             "--index_repair_interval_s must be 0..86400 and "
             "--index_repair_tenants_per_pass 1..1000");
    std::exit(2);
  }
  auto* redis = dynamic_cast<backplan::RedisPlanStore*>(store);
  if (interval_s == 0 || redis == nullptr ||
      absl::GetFlag(FLAGS_redis_cluster).empty()) {
    return nullptr;
  }
  auto loop = std::make_unique<backplan::IndexRepairLoop>(
      [redis](const std::string& tenant) -> absl::Status {
        absl::StatusOr<backplan::RedisPlanStore::RepairReport> report =
            redis->RepairTenant(tenant);
        if (!report.ok()) return report.status();
        if (report->index_added > 0 || report->index_removed > 0) {
          backplan::LogLine(backplan::LogLevel::kInfo, "index repaired")
              .Add("tenant", tenant)
              .Add("added", report->index_added)
              .Add("removed", report->index_removed);
        }
        return absl::OkStatus();
      },
      backplan::IndexRepairLoop::Options{.interval = absl::Seconds(interval_s),
                                         .tenants_per_pass = per_pass});
  loop->Start();
  return loop;
}

}  // namespace

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
  std::unique_ptr<backplan::IndexRepairLoop> index_repair =
      IndexRepairFromFlags(store.get());
  service.set_index_repair(index_repair.get());
  return backplan::ServeWithStore(kDefaults, {&service}, store.get());
}

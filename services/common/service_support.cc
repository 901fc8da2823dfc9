#include "services/common/service_support.h"

#include <cstdint>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"
#include "libs/rpc/metrics.h"
#include "libs/store/redis_plan_store.h"
#include "services/common/redis_metrics.h"

ABSL_FLAG(std::string, redis, "127.0.0.1:6379", "Redis address, host:port.");
ABSL_FLAG(std::string, redis_cluster, "",
          "Redis Cluster seed nodes, host:port,host:port,... (instead of "
          "--redis; password and timeouts apply to every node).");
ABSL_FLAG(int, redis_wait_replicas, 0,
          "After each write, WAIT until this many replicas have it before "
          "acknowledging (0: off); too few in time is DEADLINE_EXCEEDED.");
ABSL_FLAG(int, redis_wait_timeout_ms, 500,
          "Longest WAIT for --redis_wait_replicas, in milliseconds.");
ABSL_FLAG(std::string, redis_password, "",
          "Redis AUTH password (prefer the BACKPLAN_REDIS_PASSWORD variable).");
ABSL_FLAG(int, redis_pool_size, 32, "Redis connections at most.");
ABSL_FLAG(
    int, redis_timeout_ms, 1000,
    "Redis connect and command timeout in milliseconds (a command that "
    "sends more than 1 MiB waits longer: see --redis_timeout_ms_per_mib).");
ABSL_FLAG(int, redis_timeout_ms_per_mib, 100,
          "Milliseconds added to the Redis command timeout per MiB a command "
          "sends (a 64 MiB write waits 1 s + 6.4 s).");
ABSL_FLAG(int64_t, max_plans_per_tenant, 10000,
          "Stored plans per tenant at most; creating one more is "
          "RESOURCE_EXHAUSTED.");
ABSL_FLAG(int64_t, max_stored_bytes_per_tenant, int64_t{1} << 30,
          "Bytes of stored plan, priorities, schedule, simulation and recipe "
          "book data per tenant at most; a write that would pass it is "
          "RESOURCE_EXHAUSTED.");

namespace backplan {

absl::StatusOr<std::unique_ptr<PlanStore>> MakeStoreFromFlags() {
  const std::string address = absl::GetFlag(FLAGS_redis);
  std::pair<std::string, std::string> parts =
      absl::StrSplit(address, absl::MaxSplits(':', 1));
  RedisOptions options;
  options.host = parts.first;
  if (options.host.empty() || !absl::SimpleAtoi(parts.second, &options.port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis: \"", address, "\" is not host:port"));
  }
  options.cluster_seeds = absl::GetFlag(FLAGS_redis_cluster);
  if (!options.cluster_seeds.empty()) {
    if (address != "127.0.0.1:6379") {
      return absl::InvalidArgumentError(
          "--redis and --redis_cluster are mutually exclusive");
    }
    RETURN_IF_ERROR(ParseClusterSeeds(options.cluster_seeds).status());
  }
  options.wait_replicas = absl::GetFlag(FLAGS_redis_wait_replicas);
  const int wait_ms = absl::GetFlag(FLAGS_redis_wait_timeout_ms);
  if (options.wait_replicas < 0 || options.wait_replicas > 16 || wait_ms < 1 ||
      wait_ms > 60000) {
    return absl::InvalidArgumentError(
        "--redis_wait_replicas must be 0-16 and --redis_wait_timeout_ms "
        "1-60000");
  }
  options.wait_timeout = absl::Milliseconds(wait_ms);
  options.password = absl::GetFlag(FLAGS_redis_password);
  options.pool_size = absl::GetFlag(FLAGS_redis_pool_size);
  options.connect_timeout =
      absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms));
  options.command_timeout = options.connect_timeout;
  options.timeout_per_mib =
      absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms_per_mib));
  options.max_plans_per_tenant = absl::GetFlag(FLAGS_max_plans_per_tenant);
  options.max_stored_bytes_per_tenant =
      absl::GetFlag(FLAGS_max_stored_bytes_per_tenant);
  if (options.max_plans_per_tenant < 1 ||
      options.max_stored_bytes_per_tenant < 1) {
    return absl::InvalidArgumentError(
        "--max_plans_per_tenant and --max_stored_bytes_per_tenant must be >= "
        "1");
  }
  options.observer = PrometheusRedisObserver();
  return std::unique_ptr<PlanStore>(new RedisPlanStore(options));
}

std::unique_ptr<PlanStore> StoreFromFlagsOrExit() {
  absl::StatusOr<std::unique_ptr<PlanStore>> store = MakeStoreFromFlags();
  if (!store.ok()) {
    LogLine(LogLevel::kError, "store").Add("error", store.status().message());
    std::exit(2);
  }
  return *std::move(store);
}

int ServeWithStore(const rpc::ServiceDefaults& defaults,
                   const std::vector<grpc::Service*>& services,
                   PlanStore* store) {
  return rpc::RunServer(defaults, services, [store] { return store->Ping(); });
}

absl::CivilDay TodayUtc() {
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
}

absl::StatusOr<LoadedPlan> LoadPlan(PlanStore& store, absl::string_view tenant,
                                    absl::string_view plan_id) {
  RETURN_IF_ERROR(Required(plan_id, "plan_id"));
  LoadedPlan loaded;
  absl::StatusOr<StoredPlan> stored = store.GetPlan(tenant, plan_id);
  if (!stored.ok()) return stored.status();
  loaded.stored = *std::move(stored);
  if (!loaded.plan.ParseFromString(loaded.stored.data)) {
    return absl::DataLossError(
        absl::StrCat("stored plan \"", plan_id, "\" does not parse"));
  }
  loaded.plan.set_version(loaded.stored.version);
  rpc::RecordPlanSize(loaded.plan.tasks_size(),
                      static_cast<int64_t>(loaded.stored.data.size()));
  return loaded;
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested == 0) return 100;
  if (requested < 0 || requested > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", requested, " is out of range 1-1000"));
  }
  return requested;
}

absl::Status Required(absl::string_view value, absl::string_view field) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  return absl::OkStatus();
}

}  // namespace backplan

// backplan-prioritization: ranks a plan's tasks. Flags: --help.
#include "libs/common/log.h"
#include "libs/rpc/server.h"
#include "services/common/service_support.h"
#include "services/prioritization/prioritization_service.h"

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {
      "backplan-prioritization", 50052, 9092};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  auto store = backplan::MakeStoreFromFlags();
  if (!store.ok()) {
    backplan::LogLine(backplan::LogLevel::kError, "store")
        .Add("error", store.status().message());
    return 2;
  }
  backplan::PrioritizationServiceImpl service(store->get());
  backplan::PlanStore* probe_store = store->get();
  return backplan::rpc::RunServer(
      kDefaults, {&service}, [probe_store] { return probe_store->Ping(); });
}

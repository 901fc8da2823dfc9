// backplan-prioritization: ranks a plan's tasks. Flags: --help.
#include "libs/rpc/server.h"
#include "services/common/service_support.h"
#include "services/prioritization/prioritization_service.h"

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {
      "backplan-prioritization", 50052, 9092};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  std::unique_ptr<backplan::PlanStore> store = backplan::StoreFromFlagsOrExit();
  backplan::PrioritizationServiceImpl service(store.get());
  return backplan::ServeWithStore(kDefaults, {&service}, store.get());
}

// backplan-decomposition: breaks outcomes down into goals and tasks and keeps
// plans and recipe books. Flags: --help.
#include "libs/rpc/call.h"
#include "libs/rpc/server.h"
#include "services/common/service_support.h"
#include "services/decomposition/decomposition_service.h"

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {
      "backplan-decomposition", 50051, 9091};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  std::unique_ptr<backplan::PlanStore> store = backplan::StoreFromFlagsOrExit();
  backplan::DecompositionServiceImpl service(store.get(),
                                             backplan::rpc::NewRequestId);
  return backplan::ServeWithStore(kDefaults, {&service}, store.get());
}

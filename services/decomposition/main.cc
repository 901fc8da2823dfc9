// backplan-decomposition: breaks outcomes down into goals and tasks and keeps
// plans and recipe books. Flags: --help.
#include "libs/common/log.h"
#include "libs/rpc/call.h"
#include "libs/rpc/server.h"
#include "services/common/service_support.h"
#include "services/decomposition/decomposition_service.h"

int main(int argc, char** argv) {
  constexpr backplan::rpc::ServiceDefaults kDefaults = {
      "backplan-decomposition", 50051, 9091};
  backplan::rpc::InitServer(argc, argv, kDefaults);
  auto store = backplan::MakeStoreFromFlags();
  if (!store.ok()) {
    backplan::LogLine(backplan::LogLevel::kError, "store")
        .Add("error", store.status().message());
    return 2;
  }
  backplan::DecompositionServiceImpl service(store->get(),
                                             backplan::rpc::NewRequestId);
  backplan::PlanStore* probe_store = store->get();
  return backplan::rpc::RunServer(
      kDefaults, {&service}, [probe_store] { return probe_store->Ping(); });
}

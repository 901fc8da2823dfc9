// Learns the full names of the services a grpc::Server serves
// ("backplan.v1.SchedulingService", "grpc.health.v1.Health", ...), which the
// public grpc::Service interface does not expose, so that health can answer
// by full service name and metrics can label calls with it.
//
//   std::vector<std::string> names;
//   CaptureServedServices(&builder, &names);   // before BuildAndStart
//   builder.BuildAndStart();                   // `names` is now filled
//
// It uses the same hook as gRPC's reflection plugin (a ServerBuilderPlugin
// whose Finish sees the server's service list).
#ifndef BACKPLAN_LIBS_RPC_SERVED_SERVICES_H_
#define BACKPLAN_LIBS_RPC_SERVED_SERVICES_H_

#include <string>
#include <vector>

#include "grpcpp/server_builder.h"

namespace backplan::rpc {

// Fills `*names` (not owned; must outlive BuildAndStart) with every
// service's full name when `builder` builds its server.
void CaptureServedServices(grpc::ServerBuilder* builder,
                           std::vector<std::string>* names);

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_SERVED_SERVICES_H_

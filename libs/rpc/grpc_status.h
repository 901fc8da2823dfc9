// The one place where status crosses the gRPC boundary. Abseil's codes match
// gRPC's numerically, so the conversion keeps code and message as they are.
#ifndef BACKPLAN_LIBS_RPC_GRPC_STATUS_H_
#define BACKPLAN_LIBS_RPC_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace backplan::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_GRPC_STATUS_H_

// The one place where status crosses the gRPC boundary (CallScope::Finish
// and the downstream call use it). Abseil's codes match gRPC's numerically,
// so the conversion keeps the code; the message is kept, shortened to at most
// kMaxMessageBytes (libs/common/short_text.h) on a UTF-8 boundary.
#ifndef BACKPLAN_LIBS_RPC_GRPC_STATUS_H_
#define BACKPLAN_LIBS_RPC_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace backplan::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_GRPC_STATUS_H_

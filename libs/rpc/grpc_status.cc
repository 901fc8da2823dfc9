#include "libs/rpc/grpc_status.h"

#include <string>

#include "libs/common/short_text.h"

namespace backplan::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // Messages quote what callers sent; gRPC refuses trailers past its
  // metadata limit (8 KiB), which would replace the error with another.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      ShortText(status.message(), kMaxMessageBytes));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace backplan::rpc

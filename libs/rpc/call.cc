#include "libs/rpc/call.h"

#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/log.h"
#include "libs/core/tenant.h"
#include "libs/rpc/auth.h"
#include "libs/rpc/grpc_status.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/tenant_slots.h"

namespace backplan::rpc {
namespace {

std::string Metadata(const grpc::ServerContext* context,
                     absl::string_view key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

std::string NewRequestId() {
  thread_local absl::BitGen bitgen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(bitgen));
}

absl::Status ValidateTenant(absl::string_view tenant) {
  absl::Status status = ValidateTenantName(tenant);
  if (status.ok()) return status;
  return absl::InvalidArgumentError(
      absl::StrCat(kTenantHeader, " metadata: ", status.message()));
}

CallScope::CallScope(grpc::ServerContext* context, absl::string_view method,
                     CallKind kind)
    : context_(context),
      method_(method),
      kind_(kind),
      start_(std::chrono::steady_clock::now()) {
  request_id_ = Metadata(context, kRequestIdHeader);
  if (request_id_.empty() || request_id_.size() > 128) {
    request_id_ = NewRequestId();
  }
  tenant_ = Metadata(context, kTenantHeader);
  if (tenant_.empty()) tenant_ = kDefaultTenant;
  // An authenticated call's tenant is the one its identity allows (auth.h).
  if (std::shared_ptr<const grpc::AuthContext> auth = context->auth_context()) {
    for (const grpc::string_ref& value :
         auth->FindPropertyValues(kTenantProperty)) {
      tenant_.assign(value.data(), value.size());
    }
    for (const grpc::string_ref& value :
         auth->FindPropertyValues(kCallerProperty)) {
      caller_.assign(value.data(), value.size());
    }
  }
  tenant_status_ = ValidateTenant(tenant_);
  if (tenant_status_.ok() && kind_ == CallKind::kUnary) {
    slot_status_ = TenantSlots::Process().Acquire(tenant_);
    holds_slot_ = slot_status_.ok();
    if (!holds_slot_) tenant_status_ = slot_status_;
  }
}

CallScope::~CallScope() {
  if (holds_slot_) {
    TenantSlots::Process().Release(tenant_);
  }
}

void CallScope::SendRequestIdHeader() {
  if (!header_added_)
    context_->AddInitialMetadata(kRequestIdHeader, request_id_);
  header_added_ = true;
}

std::unique_ptr<grpc::ClientContext> CallScope::NewDownstreamContext() const {
  std::unique_ptr<grpc::ClientContext> downstream =
      grpc::ClientContext::FromServerContext(*context_);
  downstream->AddMetadata(kRequestIdHeader, request_id_);
  downstream->AddMetadata(kTenantHeader, tenant_);
  return downstream;
}

grpc::Status CallScope::Finish(const absl::Status& handler_status) {
  // Over the tenant's cap the answer is that, whatever the handler did.
  const absl::Status& status =
      slot_status_.ok() ? handler_status : slot_status_;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  const std::string code = absl::StatusCodeToString(status.code());
  RecordCall(method_, code, seconds);
  {
    LogLine line(status.ok() ? LogLevel::kInfo : LogLevel::kWarning, "rpc");
    line.Add("method", method_)
        .Add("code", code)
        .Add("duration_ms", seconds * 1000)
        .Add("request_id", request_id_)
        .Add("tenant", tenant_);
    if (!caller_.empty()) line.Add("caller", caller_);
    if (!status.ok()) line.Add("error", status.message());
  }
  // An error goes out Trailers-Only (no headers): clients' retry policies
  // only retry calls whose response headers never arrived.
  if (status.ok()) {
    SendRequestIdHeader();
    return grpc::Status::OK;
  }
  if (!header_added_)
    context_->AddTrailingMetadata(kRequestIdHeader, request_id_);
  return ToGrpcStatus(status);
}

bool CallScope::ShouldStop() const {
  if (!slot_status_.ok()) return true;
  // Draining lets calls finish within the grace period; at its end gRPC
  // cancels what is left, which IsCancelled reports.
  if (context_->IsCancelled()) return true;
  return std::chrono::system_clock::now() >= context_->deadline();
}

}  // namespace backplan::rpc

#include "libs/rpc/call.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/log.h"
#include "libs/core/tenant.h"
#include "libs/rpc/admission.h"
#include "libs/rpc/auth.h"
#include "libs/rpc/grpc_status.h"
#include "libs/rpc/metrics.h"
#include "libs/rpc/tenant_slots.h"

ABSL_FLAG(int, slow_call_ms, 1000,
          "Calls slower than this many milliseconds are logged at info; "
          "faster successful calls only at debug.");

namespace backplan::rpc {
namespace {

bool IsLowerHex(absl::string_view text, size_t size) {
  if (text.size() != size) return false;
  bool all_zero = true;
  for (char c : text) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return false;
    if (c != '0') all_zero = false;
  }
  return !all_zero || size == 2;  // Flags may be 00.
}

std::string RandomHex(int digits) {
  thread_local absl::BitGen bitgen;
  std::string out;
  while (static_cast<int>(out.size()) < digits) {
    absl::StrAppend(
        &out, absl::Hex(absl::Uniform<uint64_t>(bitgen), absl::kZeroPad16));
  }
  out.resize(digits);
  if (out.find_first_not_of('0') == std::string::npos) out.back() = '1';
  return out;
}

// Failures that are the server's (or its dependencies') fault.
bool IsServerFault(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kDeadlineExceeded:
      return true;
    default:
      return false;
  }
}

std::string Metadata(const grpc::ServerContext* context,
                     absl::string_view key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

std::string NewRequestId() { return RandomHex(16); }

bool ParseTraceparent(absl::string_view value, TraceContext* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(value, '-');
  if (parts.size() < 4) return false;
  const absl::string_view version = parts[0];
  // Version ff is invalid; version 00 has exactly four fields.
  if (!IsLowerHex(version, 2) || version == "ff") return false;
  if (version == "00" && parts.size() != 4) return false;
  if (!IsLowerHex(parts[1], 32) || !IsLowerHex(parts[2], 16) ||
      !IsLowerHex(parts[3], 2)) {
    return false;
  }
  out->trace_id = std::string(parts[1]);
  out->span_id = std::string(parts[2]);
  out->flags = std::string(parts[3]);
  return true;
}

std::string FormatTraceparent(const TraceContext& context) {
  return absl::StrCat("00-", context.trace_id, "-", context.span_id, "-",
                      context.flags);
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
      metrics_(ServerMethod(method)),
      kind_(kind),
      start_(std::chrono::steady_clock::now()) {
  RecordServerStart(metrics_);
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
  // The caller's trace continues here with a span of our own; without a
  // (valid) traceparent this call starts a trace.
  if (ParseTraceparent(Metadata(context, kTraceparentHeader), &trace_)) {
    trace_.span_id = RandomHex(16);
  } else {
    trace_ = TraceContext{RandomHex(32), RandomHex(16), "01"};
  }
  if (tenant_status_.ok() && kind_ == CallKind::kUnary) {
    slot_status_ = TenantSlots::Process().Acquire(tenant_);
    holds_slot_ = slot_status_.ok();
    if (!holds_slot_) {
      tenant_status_ = slot_status_;
      overloaded_ = true;
    }
  }
  if (holds_slot_) {
    absl::Status admitted = Admission::Process().Admit();
    admitted_ = admitted.ok();
    if (!admitted_) {
      overloaded_ = true;
      slot_status_ = admitted;
      tenant_status_ = std::move(admitted);
    }
  }
}

CallScope::~CallScope() {
  if (admitted_) Admission::Process().Release();
  if (holds_slot_) {
    TenantSlots::Process().Release(tenant_);
  }
}

void CallScope::MessageSent() { RecordServerMessageSent(metrics_); }

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
  downstream->AddMetadata(kTraceparentHeader, FormatTraceparent(trace_));
  return downstream;
}

grpc::Status CallScope::Finish(const absl::Status& handler_status) {
  // Over the tenant's cap the answer is that, whatever the handler did.
  const absl::Status& status =
      slot_status_.ok() ? handler_status : slot_status_;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  RecordServerFinish(metrics_, static_cast<int>(status.code()), seconds);
  LogLevel level = LogLevel::kDebug;
  if (IsServerFault(status.code())) {
    level = LogLevel::kWarning;
  } else if (!status.ok() ||
             seconds * 1000 > absl::GetFlag(FLAGS_slow_call_ms)) {
    level = LogLevel::kInfo;
  }
  if (level >= MinLogLevel()) {
    LogLine line(level, "rpc");
    line.Add("method", method_)
        .Add("code", GrpcCodeName(static_cast<int>(status.code())))
        .Add("duration_ms", seconds * 1000)
        .Add("request_id", request_id_)
        .Add("trace_id", trace_.trace_id)
        .Add("span_id", trace_.span_id)
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
  if (overloaded_) {
    context_->AddTrailingMetadata(
        kRetryPushbackHeader,
        absl::StrCat(Admission::Process().RetryPushback().count()));
  }
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

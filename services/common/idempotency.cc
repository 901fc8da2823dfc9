#include "services/common/idempotency.h"

#include <openssl/evp.h>

#include <memory>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "libs/common/status_macros.h"

ABSL_FLAG(absl::Duration, idempotency_ttl, absl::Hours(24),
          "How long the response to a write with an idempotency key is kept "
          "for its retries (e.g. 24h, 90s).");

namespace backplan {
namespace {

constexpr size_t kMaxKeyBytes = 128;

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

// The request's bytes with its idempotency_key cleared, serialised
// deterministically (map entries sorted), so equal requests hash equally.
std::string Fingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const google::protobuf::FieldDescriptor* field =
      copy->GetDescriptor()->FindFieldByName("idempotency_key");
  if (field != nullptr) copy->GetReflection()->ClearField(copy.get(), field);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&out);
  }
  return Sha256(bytes);
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  return absl::BytesToHexString(Sha256(data));
}

absl::StatusOr<Idempotency> Idempotency::For(
    absl::string_view method, const google::protobuf::Message& request,
    absl::string_view key) {
  if (key.size() > kMaxKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "idempotency_key: ", key.size(), " bytes, longer than ", kMaxKeyBytes));
  }
  if (key.empty()) return Idempotency(std::string(method), "", "");
  return Idempotency(std::string(method), std::string(key),
                     Fingerprint(request));
}

std::string Idempotency::PlanIdFor(absl::string_view tenant) const {
  // Length-prefixed parts: no two (tenant, method, key) give the same input.
  const std::string input =
      absl::StrCat(tenant.size(), ":", tenant, method_.size(), ":", method_,
                   key_.size(), ":", key_);
  return absl::StrCat("k", Sha256Hex(input).substr(0, 31));
}

std::string Idempotency::NestedKey(absl::string_view request_id,
                                   absl::string_view scope) const {
  const std::string base =
      enabled() ? absl::StrCat("key:", key_) : absl::StrCat("req:", request_id);
  return absl::StrCat(method_, "/", Sha256Hex(absl::StrCat(base, "@", scope)));
}

IdempotencyRecord Idempotency::RecordOf(
    const google::protobuf::Message& response) const {
  IdempotencyRecord record;
  record.method = method_;
  record.key = key_;
  record.request_hash = fingerprint_;
  record.response = response.SerializeAsString();
  record.ttl = absl::GetFlag(FLAGS_idempotency_ttl);
  return record;
}

absl::Status Idempotency::Use(const RecordedResponse& recorded,
                              google::protobuf::Message* response) const {
  if (recorded.request_hash != fingerprint_) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency_key \"", absl::CHexEscape(key_),
                     "\" was used with a different ", method_,
                     " request; use a new key for a new request"));
  }
  if (!response->ParseFromString(recorded.response)) {
    return absl::DataLossError(
        absl::StrCat("recorded ", method_, " response does not parse"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Idempotency::Settle(
    const absl::StatusOr<OnceResult>& result,
    google::protobuf::Message* response) const {
  if (!result.ok()) return result.status();
  if (!result->replay) return false;
  RETURN_IF_ERROR(Use(*result->replay, response));
  return true;
}

absl::StatusOr<bool> Idempotency::Replay(
    PlanStore& store, absl::string_view tenant, RecordOwner owner,
    absl::string_view id, google::protobuf::Message* response) const {
  if (!enabled()) return false;
  ASSIGN_OR_RETURN(std::optional<RecordedResponse> recorded,
                   store.GetRecord(tenant, owner, id, method_, key_));
  if (!recorded) return false;
  RETURN_IF_ERROR(Use(*recorded, response));
  return true;
}

absl::StatusOr<bool> Idempotency::PutPlan(
    PlanStore& store, absl::string_view tenant, absl::string_view plan_id,
    int64_t expected_version, std::string data, const EventInfo& event,
    google::protobuf::Message* response) const {
  if (!enabled()) {
    RETURN_IF_ERROR(
        store.PutPlan(tenant, plan_id, expected_version, std::move(data), event)
            .status());
    return false;
  }
  return Settle(store.PutPlanOnce(tenant, plan_id, expected_version,
                                  std::move(data), event, RecordOf(*response)),
                response);
}

absl::StatusOr<bool> Idempotency::PutStage(
    PlanStore& store, absl::string_view tenant, absl::string_view plan_id,
    StagePart part, int64_t plan_version, std::string data,
    const EventInfo& event, google::protobuf::Message* response) const {
  if (!enabled()) {
    RETURN_IF_ERROR(store.PutStage(tenant, plan_id, part, plan_version,
                                   std::move(data), event));
    return false;
  }
  return Settle(store.PutStageOnce(tenant, plan_id, part, plan_version,
                                   std::move(data), event, RecordOf(*response)),
                response);
}

absl::StatusOr<bool> Idempotency::PutBook(
    PlanStore& store, absl::string_view tenant, absl::string_view name,
    int64_t expected_version, std::string data,
    google::protobuf::Message* response) const {
  if (!enabled()) {
    RETURN_IF_ERROR(
        store.PutBook(tenant, name, expected_version, std::move(data))
            .status());
    return false;
  }
  return Settle(store.PutBookOnce(tenant, name, expected_version,
                                  std::move(data), RecordOf(*response)),
                response);
}

}  // namespace backplan

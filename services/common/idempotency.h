// Idempotency: the glue every write handler uses to honour a request's
// `idempotency_key` (docs/DESIGN.md, "Security"; README, "Retrying calls").
//
//   ASSIGN_OR_RETURN(Idempotency once,
//                    Idempotency::For("EditPlan", *request,
//                                     request->idempotency_key()));
//   ASSIGN_OR_RETURN(bool replayed, once.Replay(*store_, tenant,
//                                               RecordOwner::kPlan, plan_id,
//                                               response));
//   if (replayed) return absl::OkStatus();
//   ... compute, fill *response as it will be once the write succeeds ...
//   ASSIGN_OR_RETURN(replayed, once.PutPlan(*store_, tenant, plan_id, base,
//                                           data, event, response));
//
// Contract:
//   - No key: every method here behaves as the plain PlanStore write and
//     Replay() finds nothing.
//   - A key (1..128 bytes, else INVALID_ARGUMENT naming idempotency_key):
//     the request's fingerprint is the SHA-256 of its deterministic
//     serialisation with the key cleared. The first successful write stores
//     the response with it for --idempotency_ttl (default 24 h), atomically
//     with the write. A later call with the same tenant, method and key
//     writes nothing: with the same fingerprint it gets the stored response
//     (`*response` replaced, `true` returned); with another fingerprint it is
//     INVALID_ARGUMENT naming the key.
//   - CreatePlan and stored Decompose take their new plan's id from
//     PlanIdFor(tenant, key), so the record and the plan share a Redis slot
//     and one key can never make two plans.
#ifndef BACKPLAN_SERVICES_COMMON_IDEMPOTENCY_H_
#define BACKPLAN_SERVICES_COMMON_IDEMPOTENCY_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "libs/store/plan_store.h"

ABSL_DECLARE_FLAG(absl::Duration, idempotency_ttl);

namespace backplan {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(absl::string_view data);

class Idempotency {
 public:
  // For `request` of RPC `method` (a literal such as "CreatePlan") carrying
  // `key` ("" = none). INVALID_ARGUMENT for a key over 128 bytes.
  static absl::StatusOr<Idempotency> For(
      absl::string_view method, const google::protobuf::Message& request,
      absl::string_view key);

  bool enabled() const { return !key_.empty(); }
  const std::string& key() const { return key_; }

  // The id of the plan that CreatePlan/Decompose make for this key: "k" and
  // 31 hex digits of SHA-256(tenant, method, key). Only when enabled().
  std::string PlanIdFor(absl::string_view tenant) const;

  // A key for a nested write made on behalf of this call (e.g. the stored
  // Prioritize inside Schedule), distinct per `scope`; from the request id
  // when this call has no key, so retries of the nested call stay safe.
  std::string NestedKey(absl::string_view request_id,
                        absl::string_view scope) const;

  // Whether a response was recorded for this key with `owner` `id`; when so
  // and the fingerprint matches, `*response` is replaced by it.
  absl::StatusOr<bool> Replay(PlanStore& store, absl::string_view tenant,
                              RecordOwner owner, absl::string_view id,
                              google::protobuf::Message* response) const;

  // The store's writes, keeping `*response` as the record (it must already
  // hold the answer for a successful write). True when replayed instead.
  absl::StatusOr<bool> PutPlan(PlanStore& store, absl::string_view tenant,
                               absl::string_view plan_id,
                               int64_t expected_version, std::string data,
                               const EventInfo& event,
                               google::protobuf::Message* response) const;
  absl::StatusOr<bool> PutStage(PlanStore& store, absl::string_view tenant,
                                absl::string_view plan_id, StagePart part,
                                int64_t plan_version, std::string data,
                                const EventInfo& event,
                                google::protobuf::Message* response) const;
  absl::StatusOr<bool> PutBook(PlanStore& store, absl::string_view tenant,
                               absl::string_view name, int64_t expected_version,
                               std::string data,
                               google::protobuf::Message* response) const;

 private:
  Idempotency(std::string method, std::string key, std::string fingerprint)
      : method_(std::move(method)),
        key_(std::move(key)),
        fingerprint_(std::move(fingerprint)) {}

  IdempotencyRecord RecordOf(const google::protobuf::Message& response) const;
  // Checks a recorded fingerprint and parses its response into `*response`.
  absl::Status Use(const RecordedResponse& recorded,
                   google::protobuf::Message* response) const;
  // A write's outcome: true after Use() of a replay, false when written.
  absl::StatusOr<bool> Settle(const absl::StatusOr<OnceResult>& result,
                              google::protobuf::Message* response) const;

  std::string method_;
  std::string key_;
  std::string fingerprint_;  // Raw SHA-256 of the request without the key.
};

}  // namespace backplan

#endif  // BACKPLAN_SERVICES_COMMON_IDEMPOTENCY_H_

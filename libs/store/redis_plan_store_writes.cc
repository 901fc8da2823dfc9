#include <hiredis/hiredis.h>

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/store/redis_plan_store.h"
#include "libs/store/redis_reply.h"
#include "libs/store/redis_scripts.h"
#include "libs/store/validation.h"

namespace backplan {

using store_internal::BookNotFound;
using store_internal::ParseInt;
using store_internal::PlanNotFound;
using store_internal::Str;
using store_internal::Unexpected;
using store_internal::VersionMismatch;

namespace {

// A {'REPLAY', hash, response} reply as a result; nullopt for any other.
std::optional<OnceResult> ParseReplay(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      Str(reply->element[0]) != "REPLAY" ||
      reply->element[1]->type != REDIS_REPLY_STRING ||
      reply->element[2]->type != REDIS_REPLY_STRING) {
    return std::nullopt;
  }
  OnceResult result;
  result.replay = RecordedResponse{std::string(Str(reply->element[1])),
                                   std::string(Str(reply->element[2]))};
  return result;
}

struct WriteResult {
  absl::string_view outcome;  // "OK", "ABORTED", "NOT_FOUND", "QUOTA_*".
  int64_t version = 0;
};

// {outcome, number, ...}; FAILED_PRECONDITION for {'SCHEMA', n}.
absl::StatusOr<WriteResult> ParseWriteResult(absl::string_view what,
                                             const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      reply->element[1]->type != REDIS_REPLY_INTEGER) {
    return Unexpected(what, reply);
  }
  WriteResult result{Str(reply->element[0]), reply->element[1]->integer};
  if (result.outcome == "SCHEMA") {
    return store_internal::NewerSchema(what, result.version);
  }
  return result;
}

}  // namespace

absl::StatusOr<int64_t> RedisPlanStore::PutPlan(absl::string_view tenant,
                                                absl::string_view plan_id,
                                                int64_t expected_version,
                                                std::string data,
                                                const EventInfo& event) {
  ASSIGN_OR_RETURN(
      OnceResult written,
      WritePlan(tenant, plan_id, expected_version, data, event, nullptr));
  return written.version;
}

absl::Status RedisPlanStore::PutStage(absl::string_view tenant,
                                      absl::string_view plan_id, StagePart part,
                                      int64_t plan_version, std::string data,
                                      const EventInfo& event) {
  return WriteStage(tenant, plan_id, part, plan_version, data, event, nullptr)
      .status();
}

absl::Status RedisPlanStore::DeletePlan(absl::string_view tenant,
                                        absl::string_view plan_id) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  TenantWrite effects;
  effects.tenant = tenant;
  effects.id = plan_id;
  effects.change_type = "plan.deleted";
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(store_internal::kScriptDeletePlan,
               store_internal::kScriptDeletePlan,
               store_internal::ScriptKeys(store_internal::kScriptDeletePlan,
                                          tenant, plan_id),
               {}, "", nullptr, nullptr, effects));
  ASSIGN_OR_RETURN(WriteResult result,
                   ParseWriteResult("DeletePlan", reply.get()));
  if (result.outcome == "NOT_FOUND") return PlanNotFound(tenant, plan_id);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> RedisPlanStore::PutBook(absl::string_view tenant,
                                                absl::string_view name,
                                                int64_t expected_version,
                                                std::string data) {
  ASSIGN_OR_RETURN(OnceResult written,
                   WriteBook(tenant, name, expected_version, data, nullptr));
  return written.version;
}

absl::Status RedisPlanStore::DeleteBook(absl::string_view tenant,
                                        absl::string_view name) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidateBookName(name));
  TenantWrite effects;
  effects.tenant = tenant;
  effects.book = true;
  effects.id = name;
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(store_internal::kScriptDeleteBook,
               store_internal::kScriptDeleteBook,
               store_internal::ScriptKeys(store_internal::kScriptDeleteBook,
                                          tenant, name),
               {}, "", nullptr, nullptr, effects));
  ASSIGN_OR_RETURN(WriteResult result,
                   ParseWriteResult("DeleteBook", reply.get()));
  if (result.outcome == "NOT_FOUND") return BookNotFound(tenant, name);
  return absl::OkStatus();
}

absl::StatusOr<RedisReplyPtr> RedisPlanStore::RunWrite(
    ScriptId plain, ScriptId once, std::vector<std::string> keys,
    std::vector<absl::string_view> args, absl::string_view record_key,
    const IdempotencyRecord* record, std::optional<OnceResult>* replay,
    const TenantWrite& effects) {
  ScriptId script = plain;
  std::string ttl_ms;
  if (record != nullptr) {
    RETURN_IF_ERROR(store_internal::ValidateRecord(*record));
    ttl_ms = absl::StrCat(absl::ToInt64Milliseconds(
        absl::Ceil(record->ttl, absl::Milliseconds(1))));
    script = once;
  }
  const bool cluster = router_->cluster();
  std::string used_plans;
  std::string used_bytes;
  if (cluster && (effects.plans_pos > 0 || effects.bytes_pos > 0)) {
    ASSIGN_OR_RETURN(const auto usage,
                     ReadUsage(effects.tenant, effects.bytes));
    used_plans = absl::StrCat(usage[0]);
    used_bytes = absl::StrCat(usage[1]);
    if (effects.plans_pos > 0) args[effects.plans_pos - 1] = used_plans;
    if (effects.bytes_pos > 0) args[effects.bytes_pos - 1] = used_bytes;
  }
  if (record != nullptr) {
    keys.emplace_back(record_key);
    args.push_back(record->request_hash);
    args.push_back(record->response);
    args.push_back(ttl_ms);
  }
  const std::string plans_pos = absl::StrCat(effects.plans_pos);
  const std::string bytes_pos = absl::StrCat(effects.bytes_pos);
  const std::string ref = absl::StrCat(effects.tenant, "/", effects.id);
  if (!cluster) {
    script = store_internal::Standalone(script);
    keys.push_back(effects.book ? BookIndexKey(effects.tenant)
                                : PlanIndexKey(effects.tenant));
    keys.push_back(UsageKey(effects.tenant));
    keys.emplace_back(kChangesKey);
    args.insert(args.end(), {plans_pos, bytes_pos, effects.id,
                             effects.change_type, ref, kChangesMaxLen});
  }
  absl::StatusOr<RedisReplyPtr> reply =
      RunScript(script, keys, args, /*write=*/true);
  if (absl::IsResourceExhausted(reply.status())) out_of_memory_ = true;
  if (!reply.ok()) return reply.status();
  if (record != nullptr) *replay = ParseReplay(reply->get());
  if (cluster && !(replay != nullptr && replay->has_value())) {
    AfterWrite(effects.tenant, effects.book, effects.id, reply->get(),
               effects.change_type);
  }
  return reply;
}

absl::StatusOr<OnceResult> RedisPlanStore::PutPlanOnce(
    absl::string_view tenant, absl::string_view plan_id,
    int64_t expected_version, std::string data, const EventInfo& event,
    const IdempotencyRecord& record) {
  return WritePlan(tenant, plan_id, expected_version, data, event, &record);
}

absl::StatusOr<OnceResult> RedisPlanStore::PutStageOnce(
    absl::string_view tenant, absl::string_view plan_id, StagePart part,
    int64_t plan_version, std::string data, const EventInfo& event,
    const IdempotencyRecord& record) {
  return WriteStage(tenant, plan_id, part, plan_version, data, event, &record);
}

absl::StatusOr<OnceResult> RedisPlanStore::PutBookOnce(
    absl::string_view tenant, absl::string_view name, int64_t expected_version,
    std::string data, const IdempotencyRecord& record) {
  return WriteBook(tenant, name, expected_version, data, &record);
}

absl::StatusOr<OnceResult> RedisPlanStore::WritePlan(
    absl::string_view tenant, absl::string_view plan_id,
    int64_t expected_version, absl::string_view data, const EventInfo& event,
    const IdempotencyRecord* record) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, plan_id, false, expected_version));
  RETURN_IF_ERROR(store_internal::ValidateSummary(event));
  const std::string record_key =
      record == nullptr ? std::string()
                        : RecordKey(tenant, RecordOwner::kPlan, plan_id,
                                    record->method, record->key);
  const std::string expected = absl::StrCat(expected_version);
  const std::string events_max =
      absl::StrCat(store_internal::kMaxEventsPerPlan);
  const RedisOptions& options = router_->options();
  const std::string max_plans = absl::StrCat(options.max_plans_per_tenant);
  const std::string max_bytes =
      absl::StrCat(options.max_stored_bytes_per_tenant);
  TenantWrite effects;
  effects.tenant = tenant;
  effects.id = plan_id;
  effects.change_type = event.type;
  effects.plans_pos = 10;
  effects.bytes_pos = 11;
  effects.bytes = data.size();
  const std::string schema = absl::StrCat(store_internal::kSchemaVersion);
  std::optional<OnceResult> replay;
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(
          store_internal::kScriptPutPlan, store_internal::kScriptPutPlanOnce,
          store_internal::ScriptKeys(store_internal::kScriptPutPlan, tenant,
                                     plan_id),
          {expected, data, event.type, event.request_id, events_max, max_plans,
           max_bytes, event.caller, event.summary, "0", "0", schema},
          record_key, record, &replay, effects));
  if (replay) return *std::move(replay);
  ASSIGN_OR_RETURN(WriteResult result,
                   ParseWriteResult("PutPlan", reply.get()));
  if (result.outcome == "NOT_FOUND") return PlanNotFound(tenant, plan_id);
  if (absl::StartsWith(result.outcome, "QUOTA_")) {
    return QuotaError(tenant, result.outcome, result.version, data.size());
  }
  if (result.outcome == "ABORTED") {
    return VersionMismatch("plan", plan_id, expected_version, result.version);
  }
  out_of_memory_ = false;
  OnceResult written;
  written.version = result.version;
  return written;
}

absl::StatusOr<OnceResult> RedisPlanStore::WriteStage(
    absl::string_view tenant, absl::string_view plan_id, StagePart part,
    int64_t plan_version, absl::string_view data, const EventInfo& event,
    const IdempotencyRecord* record) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  RETURN_IF_ERROR(store_internal::ValidateSummary(event));
  const std::string record_key =
      record == nullptr ? std::string()
                        : RecordKey(tenant, RecordOwner::kPlan, plan_id,
                                    record->method, record->key);
  const std::string version = absl::StrCat(plan_version);
  const std::string events_max =
      absl::StrCat(store_internal::kMaxEventsPerPlan);
  const std::string max_bytes =
      absl::StrCat(router_->options().max_stored_bytes_per_tenant);
  const std::string schema = absl::StrCat(store_internal::kSchemaVersion);
  TenantWrite effects;
  effects.tenant = tenant;
  effects.id = plan_id;
  effects.change_type = event.type;
  effects.bytes_pos = 9;
  effects.bytes = data.size();
  std::optional<OnceResult> replay;
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(store_internal::kScriptPutStage,
               store_internal::kScriptPutStageOnce,
               store_internal::ScriptKeys(store_internal::kScriptPutStage,
                                          tenant, plan_id, StagePartName(part)),
               {version, data, event.type, event.request_id, events_max,
                max_bytes, event.caller,
                part == StagePart::kSchedule ? absl::string_view(event.summary)
                                             : absl::string_view(),
                "0", schema},
               record_key, record, &replay, effects));
  if (replay) return *std::move(replay);
  ASSIGN_OR_RETURN(WriteResult result,
                   ParseWriteResult("PutStage", reply.get()));
  if (result.outcome == "NOT_FOUND") return PlanNotFound(tenant, plan_id);
  if (absl::StartsWith(result.outcome, "QUOTA_")) {
    return QuotaError(tenant, result.outcome, result.version, data.size());
  }
  if (result.outcome == "OK") out_of_memory_ = false;
  if (result.outcome == "ABORTED") {
    return absl::AbortedError(
        absl::StrCat(StagePartName(part), " of plan \"", plan_id,
                     "\" computed from version ", plan_version,
                     " but the plan is at version ", result.version));
  }
  OnceResult written;
  written.version = result.version;
  return written;
}

absl::StatusOr<OnceResult> RedisPlanStore::WriteBook(
    absl::string_view tenant, absl::string_view name, int64_t expected_version,
    absl::string_view data, const IdempotencyRecord* record) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, name, true, expected_version));
  const std::string record_key =
      record == nullptr ? std::string()
                        : RecordKey(tenant, RecordOwner::kBook, name,
                                    record->method, record->key);
  const std::string expected = absl::StrCat(expected_version);
  TenantWrite effects;
  effects.tenant = tenant;
  effects.book = true;
  effects.id = name;
  effects.bytes_pos = 4;
  effects.bytes = data.size();
  const std::string schema = absl::StrCat(store_internal::kSchemaVersion);
  std::optional<OnceResult> replay;
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(store_internal::kScriptPutBook,
               store_internal::kScriptPutBookOnce,
               store_internal::ScriptKeys(store_internal::kScriptPutBook,
                                          tenant, name),
               {expected, data,
                absl::StrCat(router_->options().max_stored_bytes_per_tenant),
                "0", schema},
               record_key, record, &replay, effects));
  if (replay) return *std::move(replay);
  ASSIGN_OR_RETURN(WriteResult result,
                   ParseWriteResult("PutBook", reply.get()));
  if (result.outcome == "NOT_FOUND") return BookNotFound(tenant, name);
  if (absl::StartsWith(result.outcome, "QUOTA_")) {
    return QuotaError(tenant, result.outcome, result.version, data.size());
  }
  if (result.outcome == "ABORTED") {
    return VersionMismatch("book", name, expected_version, result.version);
  }
  out_of_memory_ = false;
  OnceResult written;
  written.version = result.version;
  return written;
}

}  // namespace backplan

#include <hiredis/hiredis.h>

#include <optional>
#include <string>
#include <utility>

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

absl::StatusOr<std::optional<StoredStage>> ParseStage(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
    return Unexpected("GetPlan", reply);
  }
  if (reply->element[0]->type == REDIS_REPLY_NIL) return std::nullopt;
  StoredStage stage;
  if (!ParseInt(reply->element[0], &stage.plan_version) ||
      reply->element[1]->type != REDIS_REPLY_STRING) {
    return Unexpected("GetPlan stage", reply);
  }
  stage.data = std::string(Str(reply->element[1]));
  return stage;
}

// One {version, digest, data} of kScriptGetPlanParts into `stage`; false
// when malformed. `*present` is false for an absent (or unread) part.
bool ParsePart(const redisReply* reply, bool* present, int64_t* version,
               std::string* digest, std::string* data, bool* unchanged) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) return false;
  *present = reply->element[0]->type != REDIS_REPLY_NIL;
  if (!*present) return true;
  if (!ParseInt(reply->element[0], version)) return false;
  if (reply->element[1]->type == REDIS_REPLY_STRING) {
    *digest = std::string(Str(reply->element[1]));
  }
  if (reply->element[2]->type == REDIS_REPLY_STRING) {
    data->assign(reply->element[2]->str, reply->element[2]->len);
  } else {
    *unchanged = true;
  }
  return true;
}

}  // namespace

absl::StatusOr<StoredPlan> RedisPlanStore::GetPlanParts(
    absl::string_view tenant, absl::string_view plan_id,
    const PlanReadOptions& options) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  const bool digests = options.digests || !options.known_plan_digest.empty() ||
                       !options.known_priorities_digest.empty();
  const std::string schema = absl::StrCat(store_internal::kSchemaVersion);
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunScript(store_internal::kScriptGetPlanParts,
                store_internal::ScriptKeys(store_internal::kScriptGetPlanParts,
                                           tenant, plan_id),
                {options.priorities ? "1" : "0", options.schedule ? "1" : "0",
                 options.simulation ? "1" : "0", digests ? "1" : "0",
                 options.known_plan_digest, options.known_priorities_digest,
                 schema}));
  const redisReply* r = reply.get();
  int64_t newer = 0;
  if (store_internal::IsSchemaReply(r, &newer)) {
    return store_internal::NewerSchema(absl::StrCat("plan \"", plan_id, "\""),
                                       newer);
  }
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
    return Unexpected("GetPlanParts", r);
  }
  StoredPlan result;
  bool present = false;
  if (!ParsePart(r->element[0], &present, &result.version, &result.digest,
                 &result.data, &result.unchanged)) {
    return Unexpected("GetPlanParts plan", r->element[0]);
  }
  if (!present) return PlanNotFound(tenant, plan_id);
  std::optional<StoredStage>* stages[] = {&result.priorities, &result.schedule,
                                          &result.simulation};
  for (int i = 0; i < 3; ++i) {
    StoredStage stage;
    if (!ParsePart(r->element[i + 1], &present, &stage.plan_version,
                   &stage.digest, &stage.data, &stage.unchanged)) {
      return Unexpected("GetPlanParts stage", r->element[i + 1]);
    }
    if (present) *stages[i] = std::move(stage);
  }
  return result;
}

absl::StatusOr<StoredPlan> RedisPlanStore::GetPlan(absl::string_view tenant,
                                                   absl::string_view plan_id) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  const std::string schema = absl::StrCat(store_internal::kSchemaVersion);
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunScript(store_internal::kScriptGetPlan,
                store_internal::ScriptKeys(store_internal::kScriptGetPlan,
                                           tenant, plan_id),
                {schema}));
  const redisReply* r = reply.get();
  int64_t newer = 0;
  if (store_internal::IsSchemaReply(r, &newer)) {
    return store_internal::NewerSchema(absl::StrCat("plan \"", plan_id, "\""),
                                       newer);
  }
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 4 ||
      r->element[0]->type != REDIS_REPLY_ARRAY ||
      r->element[0]->elements != 2) {
    return Unexpected("GetPlan", r);
  }
  const redisReply* plan = r->element[0];
  if (plan->element[0]->type == REDIS_REPLY_NIL) {
    return PlanNotFound(tenant, plan_id);
  }
  StoredPlan result;
  if (!ParseInt(plan->element[0], &result.version) ||
      plan->element[1]->type != REDIS_REPLY_STRING) {
    return Unexpected("GetPlan plan", plan);
  }
  result.data = std::string(Str(plan->element[1]));
  ASSIGN_OR_RETURN(result.priorities, ParseStage(r->element[1]));
  ASSIGN_OR_RETURN(result.schedule, ParseStage(r->element[2]));
  ASSIGN_OR_RETURN(result.simulation, ParseStage(r->element[3]));
  return result;
}

absl::StatusOr<StoredBook> RedisPlanStore::GetBook(absl::string_view tenant,
                                                   absl::string_view name) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidateBookName(name));
  const std::string book_key = BookKey(tenant, name);
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   router_->Command(book_key, {"HMGET", book_key, "version",
                                               "data", "schema"}));
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
    return Unexpected("GetBook", r);
  }
  if (r->element[0]->type == REDIS_REPLY_NIL) return BookNotFound(tenant, name);
  int64_t schema = 1;
  if (r->element[2]->type != REDIS_REPLY_NIL &&
      !ParseInt(r->element[2], &schema)) {
    return Unexpected("GetBook schema", r);
  }
  if (schema > store_internal::kSchemaVersion) {
    return store_internal::NewerSchema(absl::StrCat("book \"", name, "\""),
                                       schema);
  }
  StoredBook book;
  if (!ParseInt(r->element[0], &book.version) ||
      r->element[1]->type != REDIS_REPLY_STRING) {
    return Unexpected("GetBook", r);
  }
  book.data = std::string(Str(r->element[1]));
  return book;
}

std::string RedisPlanStore::RecordKey(absl::string_view tenant,
                                      RecordOwner owner, absl::string_view id,
                                      absl::string_view method,
                                      absl::string_view key) {
  const std::string suffix = absl::StrCat("idem:", method, ":", key);
  return owner == RecordOwner::kPlan
             ? PlanKey(tenant, id, suffix)
             : absl::StrCat(BookKey(tenant, id), ":", suffix);
}

absl::StatusOr<std::optional<RecordedResponse>> RedisPlanStore::GetRecord(
    absl::string_view tenant, RecordOwner owner, absl::string_view id,
    absl::string_view method, absl::string_view key) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(owner == RecordOwner::kPlan
                      ? store_internal::ValidatePlanId(id)
                      : store_internal::ValidateBookName(id));
  RETURN_IF_ERROR(store_internal::ValidateRecordLookup(method, key));
  const std::string record_key = RecordKey(tenant, owner, id, method, key);
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      router_->Command(record_key, {"HMGET", record_key, "hash", "response"}));
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
    return Unexpected("GetRecord", r);
  }
  if (r->element[0]->type == REDIS_REPLY_NIL) return std::nullopt;
  if (r->element[0]->type != REDIS_REPLY_STRING ||
      r->element[1]->type != REDIS_REPLY_STRING) {
    return Unexpected("GetRecord", r);
  }
  return RecordedResponse{std::string(Str(r->element[0])),
                          std::string(Str(r->element[1]))};
}

}  // namespace backplan

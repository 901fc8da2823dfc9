#include "libs/store/redis_plan_store.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/common/status_macros.h"
#include "libs/store/redis_scripts.h"
#include "libs/store/validation.h"

namespace backplan {

using store_internal::BookNotFound;
using store_internal::PlanNotFound;
using store_internal::VersionMismatch;

namespace {

using store_internal::EventPosition;

constexpr int kChangesMaxLen = 10000;

absl::string_view Str(const redisReply* reply) {
  return absl::string_view(reply->str, reply->len);
}

absl::Status Unexpected(absl::string_view what, const redisReply* reply) {
  if (reply->type == REDIS_REPLY_ERROR) {
    return absl::InternalError(
        absl::StrCat("redis error in ", what, ": ", Str(reply)));
  }
  return absl::InternalError(
      absl::StrCat("unexpected redis reply type ", reply->type, " in ", what));
}

// Parses a bulk string holding a decimal integer.
bool ParseInt(const redisReply* reply, int64_t* out) {
  if (reply->type == REDIS_REPLY_INTEGER) {
    *out = reply->integer;
    return true;
  }
  return reply->type == REDIS_REPLY_STRING && absl::SimpleAtoi(Str(reply), out);
}

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
  absl::string_view outcome;  // "OK", "ABORTED" or "NOT_FOUND".
  int64_t version = 0;
};

absl::StatusOr<WriteResult> ParseWriteResult(absl::string_view what,
                                             const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      reply->element[1]->type != REDIS_REPLY_INTEGER) {
    return Unexpected(what, reply);
  }
  return WriteResult{Str(reply->element[0]), reply->element[1]->integer};
}

std::string ChangeRef(absl::string_view tenant, absl::string_view plan_id) {
  return absl::StrCat(tenant, "/", plan_id);
}

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

// An XREAD reply on one stream as events (none for a nil reply).
absl::StatusOr<std::vector<PlanEvent>> ParseXRead(const redisReply* r) {
  std::vector<PlanEvent> events;
  if (r->type == REDIS_REPLY_NIL) return events;
  // [[key, [[id, [field, value, ...]], ...]]]
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
      r->element[0]->type != REDIS_REPLY_ARRAY ||
      r->element[0]->elements != 2 ||
      r->element[0]->element[1]->type != REDIS_REPLY_ARRAY) {
    return Unexpected("ReadEvents XREAD", r);
  }
  const redisReply* entries = r->element[0]->element[1];
  events.reserve(entries->elements);
  for (size_t i = 0; i < entries->elements; ++i) {
    const redisReply* entry = entries->element[i];
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[0]->type != REDIS_REPLY_STRING ||
        entry->element[1]->type != REDIS_REPLY_ARRAY) {
      return Unexpected("ReadEvents entry", entry);
    }
    PlanEvent event;
    event.id = std::string(Str(entry->element[0]));
    const redisReply* fields = entry->element[1];
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      if (fields->element[f]->type != REDIS_REPLY_STRING ||
          fields->element[f + 1]->type != REDIS_REPLY_STRING) {
        return Unexpected("ReadEvents field", fields);
      }
      const absl::string_view name = Str(fields->element[f]);
      const absl::string_view value = Str(fields->element[f + 1]);
      if (name == "type") {
        event.type = std::string(value);
      } else if (name == "plan_version") {
        if (!absl::SimpleAtoi(value, &event.plan_version)) {
          return Unexpected("ReadEvents plan_version", fields->element[f + 1]);
        }
      } else if (name == "request_id") {
        event.request_id = std::string(value);
      } else if (name == "caller") {
        event.caller = std::string(value);
      }
    }
    events.push_back(std::move(event));
  }
  return events;
}

// The ZRANGEBYLEX start for a page: everything, or strictly after `token`.
std::string LexStart(absl::string_view token) {
  return token.empty() ? std::string("-") : absl::StrCat("(", token);
}

}  // namespace

std::unique_ptr<PlanStore> NewRedisPlanStore(const RedisOptions& options) {
  return std::make_unique<RedisPlanStore>(options);
}

RedisPlanStore::RedisPlanStore(const RedisOptions& options)
    : pool_(std::make_unique<RedisPool>(options)),
      hub_(std::make_unique<RedisEventHub>(options)) {}

RedisPlanStore::~RedisPlanStore() = default;

std::string RedisPlanStore::PlanKey(absl::string_view tenant,
                                    absl::string_view plan_id,
                                    absl::string_view part) {
  return absl::StrCat("bp:{", tenant, "/", plan_id, "}:", part);
}

std::string RedisPlanStore::BookKey(absl::string_view tenant,
                                    absl::string_view name) {
  return absl::StrCat("bp:{", tenant, "/book/", name, "}");
}

std::string RedisPlanStore::PlanIndexKey(absl::string_view tenant) {
  return absl::StrCat("bp:{", tenant, "}:plans");
}

std::string RedisPlanStore::BookIndexKey(absl::string_view tenant) {
  return absl::StrCat("bp:{", tenant, "}:books");
}

std::string RedisPlanStore::UsageKey(absl::string_view tenant) {
  return absl::StrCat("bp:{", tenant, "}:usage");
}

absl::Status RedisPlanStore::QuotaError(absl::string_view tenant,
                                        absl::string_view outcome,
                                        int64_t stored, size_t bytes) const {
  const RedisOptions& options = pool_->options();
  if (outcome == "QUOTA_PLANS") {
    return absl::ResourceExhaustedError(
        absl::StrCat("tenant \"", tenant, "\" already stores ", stored,
                     " plans, its quota (max_plans_per_tenant ",
                     options.max_plans_per_tenant, "): delete plans first"));
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      "tenant \"", tenant, "\" stores ", stored, " bytes; writing ", bytes,
      " more would pass its quota (max_stored_bytes_per_tenant ",
      options.max_stored_bytes_per_tenant, ")"));
}

absl::StatusOr<RedisReplyPtr> RedisPlanStore::RunScript(
    ScriptId script, std::initializer_list<absl::string_view> keys,
    std::initializer_list<absl::string_view> args) {
  return RunScript(script, absl::MakeConstSpan(keys.begin(), keys.size()),
                   absl::MakeConstSpan(args.begin(), args.size()));
}

absl::StatusOr<RedisReplyPtr> RedisPlanStore::RunScript(
    ScriptId script, absl::Span<const absl::string_view> keys,
    absl::Span<const absl::string_view> args) {
  ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_->Acquire());
  std::string sha;
  {
    std::lock_guard<std::mutex> lock(sha_mu_);
    sha = sha_[script];
  }
  if (sha.empty()) {
    ASSIGN_OR_RETURN(RedisReplyPtr loaded,
                     lease.Command({"SCRIPT", "LOAD",
                                    store_internal::RedisScriptText(script)}));
    if (loaded->type != REDIS_REPLY_STRING) {
      return Unexpected("SCRIPT LOAD", loaded.get());
    }
    sha = std::string(Str(loaded.get()));
    std::lock_guard<std::mutex> lock(sha_mu_);
    sha_[script] = sha;
  }
  const std::string num_keys = absl::StrCat(keys.size());
  std::vector<absl::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(sha);
  argv.push_back(num_keys);
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  ASSIGN_OR_RETURN(RedisReplyPtr reply, lease.Command(argv));
  if (reply->type == REDIS_REPLY_ERROR &&
      absl::StartsWith(Str(reply.get()), "NOSCRIPT")) {
    // Flushed or restarted: EVAL runs it once and caches it again.
    argv[0] = "EVAL";
    argv[1] = store_internal::RedisScriptText(script);
    ASSIGN_OR_RETURN(reply, lease.Command(argv));
  }
  return reply;
}

absl::StatusOr<StoredPlan> RedisPlanStore::GetPlan(absl::string_view tenant,
                                                   absl::string_view plan_id) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  const std::string plan_key = PlanKey(tenant, plan_id, "plan");
  const std::string priorities_key = PlanKey(tenant, plan_id, "priorities");
  const std::string schedule_key = PlanKey(tenant, plan_id, "schedule");
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   RunScript(store_internal::kScriptGetPlan,
                             {plan_key, priorities_key, schedule_key,
                              PlanKey(tenant, plan_id,
                                      StagePartName(StagePart::kSimulation))},
                             {}));
  const redisReply* r = reply.get();
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

absl::StatusOr<int64_t> RedisPlanStore::PutPlan(absl::string_view tenant,
                                                absl::string_view plan_id,
                                                int64_t expected_version,
                                                std::string data,
                                                const EventInfo& event) {
  ASSIGN_OR_RETURN(OnceResult written,
                   WritePlan(tenant, plan_id, expected_version, std::move(data),
                             event, nullptr));
  return written.version;
}

absl::Status RedisPlanStore::PutStage(absl::string_view tenant,
                                      absl::string_view plan_id, StagePart part,
                                      int64_t plan_version, std::string data,
                                      const EventInfo& event) {
  return WriteStage(tenant, plan_id, part, plan_version, std::move(data), event,
                    nullptr)
      .status();
}

absl::StatusOr<PlanPage> RedisPlanStore::ListPlans(
    absl::string_view tenant, int page_size, absl::string_view page_token) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePageSize(page_size));
  RETURN_IF_ERROR(store_internal::ValidatePageToken(page_token));
  const int limit = std::min(page_size, store_internal::kMaxPageSize);
  const std::string index_key = PlanIndexKey(tenant);
  const std::string start = LexStart(page_token);
  // One more than the page, to know whether another page follows.
  const std::string count = absl::StrCat(limit + 1);
  const std::string prefix = absl::StrCat("bp:{", tenant, "/");
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   RunScript(store_internal::kScriptListPlans, {index_key},
                             {start, count, prefix, "}:plan"}));
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) {
    return Unexpected("ListPlans", r);
  }
  PlanPage page;
  for (size_t i = 0; i + 1 < r->elements; i += 2) {
    if (r->element[i]->type != REDIS_REPLY_STRING ||
        r->element[i + 1]->type != REDIS_REPLY_INTEGER) {
      return Unexpected("ListPlans entry", r);
    }
    if (page.plans.size() == static_cast<size_t>(limit)) {
      page.next_page_token = page.plans.back().plan_id;
      break;
    }
    page.plans.push_back(PlanSummary{std::string(Str(r->element[i])),
                                     r->element[i + 1]->integer});
  }
  return page;
}

absl::Status RedisPlanStore::DeletePlan(absl::string_view tenant,
                                        absl::string_view plan_id) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  const std::string plan_key = PlanKey(tenant, plan_id, "plan");
  const std::string priorities_key = PlanKey(tenant, plan_id, "priorities");
  const std::string schedule_key = PlanKey(tenant, plan_id, "schedule");
  const std::string events_key = PlanKey(tenant, plan_id, "events");
  const std::string index_key = PlanIndexKey(tenant);
  const std::string ref = ChangeRef(tenant, plan_id);
  const std::string changes_max = absl::StrCat(kChangesMaxLen);
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   RunScript(store_internal::kScriptDeletePlan,
                             {plan_key, priorities_key, schedule_key,
                              events_key, index_key, kChangesKey,
                              PlanKey(tenant, plan_id,
                                      StagePartName(StagePart::kSimulation)),
                              UsageKey(tenant)},
                             {plan_id, ref, changes_max}));
  ASSIGN_OR_RETURN(WriteResult result,
                   ParseWriteResult("DeletePlan", reply.get()));
  if (result.outcome == "NOT_FOUND") return PlanNotFound(tenant, plan_id);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PlanEvent>> RedisPlanStore::ReadEvents(
    absl::string_view tenant, absl::string_view plan_id,
    absl::string_view after_id, int max_count, absl::Duration wait) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  RETURN_IF_ERROR(store_internal::ValidateMaxCount(max_count));
  ASSIGN_OR_RETURN(const EventPosition after,
                   store_internal::ParseEventPosition(after_id));
  const std::string plan_key = PlanKey(tenant, plan_id, "plan");
  const std::string events_key = PlanKey(tenant, plan_id, "events");
  const std::string count =
      absl::StrCat(std::min(max_count, store_internal::kMaxEventCount));
  const std::string start = store_internal::FormatEventPosition(after);

  const absl::Duration wait_for =
      std::min(wait, pool_->options().max_event_wait);
  const absl::Time deadline = absl::Now() + wait_for;
  // Reads without blocking; `check_exists` first makes sure the plan exists.
  auto read_now =
      [&](bool check_exists) -> absl::StatusOr<std::vector<PlanEvent>> {
    ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_->Acquire());
    if (check_exists) {
      ASSIGN_OR_RETURN(RedisReplyPtr exists,
                       lease.Command({"EXISTS", plan_key}));
      if (exists->type != REDIS_REPLY_INTEGER) {
        return Unexpected("ReadEvents EXISTS", exists.get());
      }
      if (exists->integer == 0) return PlanNotFound(tenant, plan_id);
    }
    ASSIGN_OR_RETURN(
        RedisReplyPtr reply,
        lease.Command({"XREAD", "COUNT", count, "STREAMS", events_key, start}));
    return ParseXRead(reply.get());
  };
  ASSIGN_OR_RETURN(std::vector<PlanEvent> events, read_now(true));
  // Waits on the hub, holding no pool connection, then reads again.
  while (events.empty()) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration() ||
        !hub_->WaitForEntries(events_key, after, left)) {
      break;
    }
    ASSIGN_OR_RETURN(events, read_now(false));
  }
  return events;
}

absl::StatusOr<int64_t> RedisPlanStore::PutBook(absl::string_view tenant,
                                                absl::string_view name,
                                                int64_t expected_version,
                                                std::string data) {
  ASSIGN_OR_RETURN(OnceResult written, WriteBook(tenant, name, expected_version,
                                                 std::move(data), nullptr));
  return written.version;
}

absl::StatusOr<StoredBook> RedisPlanStore::GetBook(absl::string_view tenant,
                                                   absl::string_view name) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidateBookName(name));
  const std::string book_key = BookKey(tenant, name);
  ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_->Acquire());
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   lease.Command({"HMGET", book_key, "version", "data"}));
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
    return Unexpected("GetBook", r);
  }
  if (r->element[0]->type == REDIS_REPLY_NIL) return BookNotFound(tenant, name);
  StoredBook book;
  if (!ParseInt(r->element[0], &book.version) ||
      r->element[1]->type != REDIS_REPLY_STRING) {
    return Unexpected("GetBook", r);
  }
  book.data = std::string(Str(r->element[1]));
  return book;
}

absl::StatusOr<BookPage> RedisPlanStore::ListBooks(
    absl::string_view tenant, int page_size, absl::string_view page_token) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePageSize(page_size));
  RETURN_IF_ERROR(store_internal::ValidatePageToken(page_token));
  const int limit = std::min(page_size, store_internal::kMaxPageSize);
  const std::string index_key = BookIndexKey(tenant);
  const std::string start = LexStart(page_token);
  const std::string count = absl::StrCat(limit + 1);
  ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_->Acquire());
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   lease.Command({"ZRANGEBYLEX", index_key, start, "+", "LIMIT",
                                  "0", count}));
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY) return Unexpected("ListBooks", r);
  BookPage page;
  for (size_t i = 0; i < r->elements; ++i) {
    if (r->element[i]->type != REDIS_REPLY_STRING) {
      return Unexpected("ListBooks entry", r);
    }
    if (page.names.size() == static_cast<size_t>(limit)) {
      page.next_page_token = page.names.back();
      break;
    }
    page.names.emplace_back(Str(r->element[i]));
  }
  return page;
}

absl::Status RedisPlanStore::DeleteBook(absl::string_view tenant,
                                        absl::string_view name) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidateBookName(name));
  const std::string book_key = BookKey(tenant, name);
  const std::string index_key = BookIndexKey(tenant);
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   RunScript(store_internal::kScriptDeleteBook,
                             {book_key, index_key, UsageKey(tenant)}, {name}));
  ASSIGN_OR_RETURN(WriteResult result,
                   ParseWriteResult("DeleteBook", reply.get()));
  if (result.outcome == "NOT_FOUND") return BookNotFound(tenant, name);
  return absl::OkStatus();
}

absl::Status RedisPlanStore::Ping() {
  ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_->Acquire());
  ASSIGN_OR_RETURN(RedisReplyPtr reply, lease.Command({"PING"}));
  if (reply->type != REDIS_REPLY_STATUS) return Unexpected("PING", reply.get());
  if (out_of_memory_) {
    // RESOURCE_EXHAUSTED while Redis still refuses writes.
    ASSIGN_OR_RETURN(reply, lease.Command({"SET", "bp:health:oom-probe", "1",
                                           "PX", "1000"}));
    if (reply->type == REDIS_REPLY_ERROR) return Unexpected("SET", reply.get());
    out_of_memory_ = false;
  }
  return absl::OkStatus();
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

absl::StatusOr<RedisReplyPtr> RedisPlanStore::RunWrite(
    ScriptId plain, ScriptId once, std::vector<absl::string_view> keys,
    std::vector<absl::string_view> args, absl::string_view record_key,
    const IdempotencyRecord* record, std::optional<OnceResult>* replay) {
  if (record == nullptr) {
    absl::StatusOr<RedisReplyPtr> reply = RunScript(plain, keys, args);
    if (absl::IsResourceExhausted(reply.status())) out_of_memory_ = true;
    return reply;
  }
  RETURN_IF_ERROR(store_internal::ValidateRecord(*record));
  const std::string ttl_ms = absl::StrCat(absl::ToInt64Milliseconds(
      absl::Ceil(record->ttl, absl::Milliseconds(1))));
  keys.push_back(record_key);
  args.push_back(record->request_hash);
  args.push_back(record->response);
  args.push_back(ttl_ms);
  absl::StatusOr<RedisReplyPtr> reply = RunScript(once, keys, args);
  if (absl::IsResourceExhausted(reply.status())) out_of_memory_ = true;
  if (!reply.ok()) return reply.status();
  *replay = ParseReplay(reply->get());
  return reply;
}

absl::StatusOr<OnceResult> RedisPlanStore::PutPlanOnce(
    absl::string_view tenant, absl::string_view plan_id,
    int64_t expected_version, std::string data, const EventInfo& event,
    const IdempotencyRecord& record) {
  return WritePlan(tenant, plan_id, expected_version, std::move(data), event,
                   &record);
}

absl::StatusOr<OnceResult> RedisPlanStore::PutStageOnce(
    absl::string_view tenant, absl::string_view plan_id, StagePart part,
    int64_t plan_version, std::string data, const EventInfo& event,
    const IdempotencyRecord& record) {
  return WriteStage(tenant, plan_id, part, plan_version, std::move(data), event,
                    &record);
}

absl::StatusOr<OnceResult> RedisPlanStore::PutBookOnce(
    absl::string_view tenant, absl::string_view name, int64_t expected_version,
    std::string data, const IdempotencyRecord& record) {
  return WriteBook(tenant, name, expected_version, std::move(data), &record);
}

absl::StatusOr<OnceResult> RedisPlanStore::WritePlan(
    absl::string_view tenant, absl::string_view plan_id,
    int64_t expected_version, std::string data, const EventInfo& event,
    const IdempotencyRecord* record) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, plan_id, false, expected_version));
  const std::string plan_key = PlanKey(tenant, plan_id, "plan");
  const std::string events_key = PlanKey(tenant, plan_id, "events");
  const std::string index_key = PlanIndexKey(tenant);
  const std::string record_key =
      record == nullptr ? std::string()
                        : RecordKey(tenant, RecordOwner::kPlan, plan_id,
                                    record->method, record->key);
  const std::string expected = absl::StrCat(expected_version);
  const std::string ref = ChangeRef(tenant, plan_id);
  const std::string events_max =
      absl::StrCat(store_internal::kMaxEventsPerPlan);
  const std::string changes_max = absl::StrCat(kChangesMaxLen);
  const std::string usage_key = UsageKey(tenant);
  const std::string max_plans =
      absl::StrCat(pool_->options().max_plans_per_tenant);
  const std::string max_bytes =
      absl::StrCat(pool_->options().max_stored_bytes_per_tenant);
  std::optional<OnceResult> replay;
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(store_internal::kScriptPutPlan,
               store_internal::kScriptPutPlanOnce,
               {plan_key, events_key, index_key, kChangesKey, usage_key},
               {expected, data, event.type, event.request_id, plan_id, ref,
                events_max, changes_max, max_plans, max_bytes, event.caller},
               record_key, record, &replay));
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
    int64_t plan_version, std::string data, const EventInfo& event,
    const IdempotencyRecord* record) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(store_internal::ValidatePlanId(plan_id));
  const std::string plan_key = PlanKey(tenant, plan_id, "plan");
  const std::string stage_key = PlanKey(tenant, plan_id, StagePartName(part));
  const std::string events_key = PlanKey(tenant, plan_id, "events");
  const std::string record_key =
      record == nullptr ? std::string()
                        : RecordKey(tenant, RecordOwner::kPlan, plan_id,
                                    record->method, record->key);
  const std::string version = absl::StrCat(plan_version);
  const std::string ref = ChangeRef(tenant, plan_id);
  const std::string events_max =
      absl::StrCat(store_internal::kMaxEventsPerPlan);
  const std::string changes_max = absl::StrCat(kChangesMaxLen);
  const std::string usage_key = UsageKey(tenant);
  const std::string max_bytes =
      absl::StrCat(pool_->options().max_stored_bytes_per_tenant);
  std::optional<OnceResult> replay;
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(store_internal::kScriptPutStage,
               store_internal::kScriptPutStageOnce,
               {plan_key, stage_key, events_key, kChangesKey, usage_key},
               {version, data, event.type, event.request_id, ref, events_max,
                changes_max, max_bytes, event.caller},
               record_key, record, &replay));
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
    std::string data, const IdempotencyRecord* record) {
  RETURN_IF_ERROR(
      store_internal::ValidateWrite(tenant, name, true, expected_version));
  const std::string book_key = BookKey(tenant, name);
  const std::string index_key = BookIndexKey(tenant);
  const std::string record_key =
      record == nullptr ? std::string()
                        : RecordKey(tenant, RecordOwner::kBook, name,
                                    record->method, record->key);
  const std::string expected = absl::StrCat(expected_version);
  std::optional<OnceResult> replay;
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      RunWrite(store_internal::kScriptPutBook,
               store_internal::kScriptPutBookOnce,
               {book_key, index_key, UsageKey(tenant)},
               {expected, data, name,
                absl::StrCat(pool_->options().max_stored_bytes_per_tenant)},
               record_key, record, &replay));
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

absl::StatusOr<std::optional<RecordedResponse>> RedisPlanStore::GetRecord(
    absl::string_view tenant, RecordOwner owner, absl::string_view id,
    absl::string_view method, absl::string_view key) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  RETURN_IF_ERROR(owner == RecordOwner::kPlan
                      ? store_internal::ValidatePlanId(id)
                      : store_internal::ValidateBookName(id));
  RETURN_IF_ERROR(store_internal::ValidateRecordLookup(method, key));
  const std::string record_key = RecordKey(tenant, owner, id, method, key);
  ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_->Acquire());
  ASSIGN_OR_RETURN(RedisReplyPtr reply,
                   lease.Command({"HMGET", record_key, "hash", "response"}));
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

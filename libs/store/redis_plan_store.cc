#include "libs/store/redis_plan_store.h"

#include <hiredis/hiredis.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/store/redis_reply.h"
#include "libs/store/redis_scripts.h"
#include "libs/store/validation.h"

namespace backplan {
using store_internal::ParseInt;
using store_internal::Str;
using store_internal::Unexpected;

std::unique_ptr<PlanStore> NewRedisPlanStore(const RedisOptions& options) {
  return std::make_unique<RedisPlanStore>(options);
}

RedisPlanStore::RedisPlanStore(const RedisOptions& options)
    : router_(std::make_unique<RedisRouter>(options)),
      hub_(options.cluster_seeds.empty()
               ? std::make_unique<RedisEventHub>(options)
               : nullptr) {}

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
  const RedisOptions& options = router_->options();
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

absl::StatusOr<std::string> RedisPlanStore::ScriptSha(ScriptId script,
                                                      RedisPool::Lease& lease) {
  {
    std::lock_guard<std::mutex> lock(sha_mu_);
    if (!sha_[script].empty()) return sha_[script];
  }
  ASSIGN_OR_RETURN(RedisReplyPtr loaded,
                   lease.Command({"SCRIPT", "LOAD",
                                  store_internal::RedisScriptText(script)}));
  if (loaded->type != REDIS_REPLY_STRING) {
    return Unexpected("SCRIPT LOAD", loaded.get());
  }
  std::string sha(Str(loaded.get()));
  std::lock_guard<std::mutex> lock(sha_mu_);
  sha_[script] = sha;
  return sha;
}

absl::StatusOr<RedisReplyPtr> RedisPlanStore::RunScript(
    ScriptId script, absl::Span<const std::string> keys,
    absl::Span<const absl::string_view> args, bool write) {
  const std::string num_keys = absl::StrCat(keys.size());
  const RedisOptions& options = router_->options();
  const bool wait = write && options.wait_replicas > 0;
  return router_->Run(
      keys[0],
      [&](RedisPool::Lease& lease,
          bool asking) -> absl::StatusOr<RedisReplyPtr> {
        // The SHA is the same on every node; a node that does not have the
        // script answers NOSCRIPT and EVAL caches it there.
        ASSIGN_OR_RETURN(const std::string sha, ScriptSha(script, lease));
        std::vector<absl::string_view> argv;
        argv.reserve(3 + keys.size() + args.size());
        argv.push_back("EVALSHA");
        argv.push_back(sha);
        argv.push_back(num_keys);
        argv.insert(argv.end(), keys.begin(), keys.end());
        argv.insert(argv.end(), args.begin(), args.end());
        ASSIGN_OR_RETURN(RedisReplyPtr reply,
                         RedisRouter::SendFor(lease, asking, argv));
        if (reply->type == REDIS_REPLY_ERROR &&
            absl::StartsWith(Str(reply.get()), "NOSCRIPT")) {
          // Flushed, restarted or a new node: EVAL runs it and caches it.
          argv[0] = "EVAL";
          argv[1] = store_internal::RedisScriptText(script);
          ASSIGN_OR_RETURN(reply, RedisRouter::SendFor(lease, asking, argv));
        }
        // Only a write that wrote (or replays one that did) waits.
        if (!wait || reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
            reply->element[0]->type != REDIS_REPLY_STRING ||
            (Str(reply->element[0]) != "OK" &&
             Str(reply->element[0]) != "REPLAY")) {
          return reply;
        }
        const std::string replicas = absl::StrCat(options.wait_replicas);
        const std::string timeout_ms =
            absl::StrCat(absl::ToInt64Milliseconds(options.wait_timeout));
        ASSIGN_OR_RETURN(RedisReplyPtr acked,
                         lease.CommandWithTimeout(
                             {"WAIT", replicas, timeout_ms},
                             options.wait_timeout + options.command_timeout));
        if (acked->type != REDIS_REPLY_INTEGER) {
          return Unexpected("WAIT", acked.get());
        }
        if (acked->integer < options.wait_replicas) {
          return absl::DeadlineExceededError(absl::StrCat(
              "write not acknowledged by ", options.wait_replicas,
              " replicas within ", timeout_ms, " ms (", acked->integer,
              " did; --redis_wait_replicas): it may be lost in a failover; "
              "retry it with its idempotency key"));
        }
        return reply;
      });
}

absl::StatusOr<std::array<int64_t, 2>> RedisPlanStore::ReadUsage(
    absl::string_view tenant, size_t write_bytes) {
  const std::string key = UsageKey(tenant);
  // Part of the write: it gets the write's (payload-scaled) timeout.
  const absl::Duration timeout =
      CommandTimeout(router_->options(), write_bytes);
  ASSIGN_OR_RETURN(
      RedisReplyPtr reply,
      router_->Run(
          key,
          [&](RedisPool::Lease& lease,
              bool asking) -> absl::StatusOr<RedisReplyPtr> {
            if (asking) {
              RETURN_IF_ERROR(lease.Command({"ASKING"}).status());
            }
            const absl::string_view args[] = {"HMGET", key, "plans", "bytes"};
            return lease.CommandWithTimeout(args, timeout);
          }));
  const redisReply* r = reply.get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
    return Unexpected("usage", r);
  }
  std::array<int64_t, 2> usage = {0, 0};
  for (int i = 0; i < 2; ++i) {
    if (r->element[i]->type != REDIS_REPLY_NIL &&
        !ParseInt(r->element[i], &usage[i])) {
      return Unexpected("usage", r);
    }
  }
  return usage;
}

void RedisPlanStore::AfterWrite(absl::string_view tenant, bool book,
                                absl::string_view id, const redisReply* reply,
                                absl::string_view change_type) {
  int64_t version = 0;
  int64_t bytes = 0;
  int64_t plans = 0;
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 4 ||
      !ParseInt(reply->element[1], &version) ||
      !ParseInt(reply->element[2], &bytes) ||
      !ParseInt(reply->element[3], &plans)) {
    return;
  }
  const std::vector<std::string> keys = store_internal::ScriptKeys(
      store_internal::kScriptTenantUsage, tenant, book ? "books" : "plans");
  const std::string plans_delta = absl::StrCat(plans);
  const std::string bytes_delta = absl::StrCat(bytes);
  const std::string version_text = absl::StrCat(version);
  const std::string ref = absl::StrCat(tenant, "/", id);
  std::string sha;
  {
    std::lock_guard<std::mutex> lock(sha_mu_);
    sha = sha_[store_internal::kScriptTenantUsage];
  }
  std::vector<std::vector<absl::string_view>> commands;
  std::vector<absl::string_view> routes;
  if (!sha.empty()) {
    commands.push_back(
        {"EVALSHA", sha, "2", keys[0], keys[1], id, plans_delta, bytes_delta});
    routes.push_back(keys[0]);
  }
  if (!change_type.empty()) {
    commands.push_back({"XADD", kChangesKey, "MAXLEN", "~", kChangesMaxLen, "*",
                        "plan", ref, "type", change_type, "plan_version",
                        version_text});
    routes.push_back(kChangesKey);
  }
  bool usage_done = false;
  if (!commands.empty()) {
    absl::StatusOr<std::vector<RedisReplyPtr>> replies =
        router_->Pipeline(routes, commands);
    usage_done = !sha.empty() && replies.ok() &&
                 (*replies)[0]->type != REDIS_REPLY_ERROR;
  }
  if (!usage_done) {
    // First use, or NOSCRIPT: the script path loads it.
    RunScript(store_internal::kScriptTenantUsage, keys,
              {id, plans_delta, bytes_delta})
        .IgnoreError();
  }
}

absl::Status RedisPlanStore::Ping() {
  // Every master answers; on a cluster a failure refreshes the map and the
  // masters (new ones after a failover) are asked once more.
  auto ping_all = [this]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<RedisPool*> masters, router_->Masters());
    for (RedisPool* pool : masters) {
      ASSIGN_OR_RETURN(RedisPool::Lease lease, pool->Acquire());
      ASSIGN_OR_RETURN(RedisReplyPtr reply, lease.Command({"PING"}));
      if (reply->type != REDIS_REPLY_STATUS) {
        return Unexpected("PING", reply.get());
      }
    }
    return absl::OkStatus();
  };
  absl::Status pinged = ping_all();
  if (!pinged.ok() && router_->cluster()) {
    router_->Refresh().IgnoreError();
    pinged = ping_all();
  }
  RETURN_IF_ERROR(pinged);
  if (out_of_memory_) {
    // RESOURCE_EXHAUSTED while Redis still refuses writes.
    constexpr absl::string_view kProbe = "bp:health:oom-probe";
    ASSIGN_OR_RETURN(
        RedisReplyPtr reply,
        router_->Command(kProbe, {"SET", kProbe, "1", "PX", "1000"}));
    if (reply->type == REDIS_REPLY_ERROR) return Unexpected("SET", reply.get());
    out_of_memory_ = false;
  }
  return absl::OkStatus();
}

}  // namespace backplan

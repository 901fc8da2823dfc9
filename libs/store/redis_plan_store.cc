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

}  // namespace backplan

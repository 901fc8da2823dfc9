// RedisPlanStore's index repair: DropFromIndex (ListPlans found ids of plans
// gone) and RepairTenant (re-derives a tenant's indexes and usage counters
// from a SCAN of every master). See redis_plan_store.h.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/store/redis_plan_store.h"
#include "libs/store/redis_reply.h"
#include "libs/store/validation.h"

namespace backplan {

using store_internal::ParseInt;
using store_internal::Str;
using store_internal::Unexpected;

namespace {

// Commands per pipelined round trip.
constexpr size_t kBatch = 500;

// `text` with SCAN MATCH glob characters escaped.
std::string GlobEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

// The id between `prefix` and `suffix` of `key`; empty when `key` is not of
// that form (or the id would contain '}', i.e. it is another key).
absl::string_view Between(absl::string_view key, absl::string_view prefix,
                          absl::string_view suffix) {
  if (!absl::StartsWith(key, prefix) || !absl::EndsWith(key, suffix) ||
      key.size() <= prefix.size() + suffix.size()) {
    return {};
  }
  absl::string_view id =
      key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
  if (id.find('}') != absl::string_view::npos) return {};
  return id;
}

// Every key matching `pattern` on `pool` (SCAN, COUNT 1000 per step).
absl::Status ScanNode(RedisPool* pool, const std::string& pattern,
                      std::vector<std::string>* keys) {
  ASSIGN_OR_RETURN(RedisPool::Lease lease, pool->Acquire());
  std::string cursor = "0";
  do {
    ASSIGN_OR_RETURN(
        RedisReplyPtr reply,
        lease.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}));
    const redisReply* r = reply.get();
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[1]->type != REDIS_REPLY_ARRAY) {
      return Unexpected("SCAN", r);
    }
    cursor = std::string(Str(r->element[0]));
    for (size_t i = 0; i < r->element[1]->elements; ++i) {
      keys->emplace_back(Str(r->element[1]->element[i]));
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

}  // namespace

void RedisPlanStore::DropFromIndex(absl::string_view tenant,
                                   const std::vector<std::string>& ids) {
  const std::string index_key = PlanIndexKey(tenant);
  std::vector<absl::string_view> args = {"ZREM", index_key};
  args.insert(args.end(), ids.begin(), ids.end());
  router_->Command(index_key, args).IgnoreError();
}

absl::Status RedisPlanStore::RepairIndex(const std::string& index_key,
                                         const std::vector<std::string>& ids,
                                         RepairReport* report) {
  ASSIGN_OR_RETURN(
      RedisReplyPtr listed,
      router_->Command(index_key, {"ZRANGE", index_key, "0", "-1"}));
  if (listed->type != REDIS_REPLY_ARRAY) {
    return Unexpected("ZRANGE", listed.get());
  }
  const absl::flat_hash_set<std::string> stored(ids.begin(), ids.end());
  absl::flat_hash_set<std::string> indexed;
  std::vector<std::string> extra;
  for (size_t i = 0; i < listed->elements; ++i) {
    std::string id(Str(listed->element[i]));
    if (!stored.contains(id)) extra.push_back(id);
    indexed.insert(std::move(id));
  }
  std::vector<std::string> missing;
  std::copy_if(ids.begin(), ids.end(), std::back_inserter(missing),
               [&](const std::string& id) { return !indexed.contains(id); });
  for (size_t begin = 0; begin < missing.size(); begin += kBatch) {
    std::vector<absl::string_view> args = {"ZADD", index_key};
    for (size_t i = begin; i < std::min(missing.size(), begin + kBatch); ++i) {
      args.push_back("0");
      args.push_back(missing[i]);
    }
    RETURN_IF_ERROR(router_->Command(index_key, args).status());
  }
  for (size_t begin = 0; begin < extra.size(); begin += kBatch) {
    std::vector<absl::string_view> args = {"ZREM", index_key};
    args.insert(args.end(), extra.begin() + begin,
                extra.begin() + std::min(extra.size(), begin + kBatch));
    RETURN_IF_ERROR(router_->Command(index_key, args).status());
  }
  report->index_added += static_cast<int64_t>(missing.size());
  report->index_removed += static_cast<int64_t>(extra.size());
  return absl::OkStatus();
}

absl::StatusOr<RedisPlanStore::RepairReport> RedisPlanStore::RepairTenant(
    absl::string_view tenant) {
  RETURN_IF_ERROR(store_internal::ValidateTenant(tenant));
  const std::string plan_prefix = absl::StrCat("bp:{", tenant, "/");
  const std::string book_prefix = absl::StrCat("bp:{", tenant, "/book/");
  const std::string escaped = GlobEscape(tenant);
  std::vector<std::string> keys;
  ASSIGN_OR_RETURN(std::vector<RedisPool*> masters, router_->Masters());
  for (RedisPool* pool : masters) {
    RETURN_IF_ERROR(
        ScanNode(pool, absl::StrCat("bp:{", escaped, "/*}:plan"), &keys));
    RETURN_IF_ERROR(
        ScanNode(pool, absl::StrCat("bp:{", escaped, "/book/*}"), &keys));
  }
  std::vector<std::string> plans;
  std::vector<std::string> books;
  for (const std::string& key : keys) {
    absl::string_view id = Between(key, plan_prefix, "}:plan");
    if (!id.empty()) {
      plans.emplace_back(id);
      continue;
    }
    id = Between(key, book_prefix, "}");
    if (!id.empty()) books.emplace_back(id);
  }
  // A key can show up twice in a SCAN (and on two nodes mid-migration).
  for (std::vector<std::string>* ids : {&plans, &books}) {
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  }
  RepairReport report;
  report.plans = static_cast<int64_t>(plans.size());
  report.books = static_cast<int64_t>(books.size());
  RETURN_IF_ERROR(RepairIndex(PlanIndexKey(tenant), plans, &report));
  RETURN_IF_ERROR(RepairIndex(BookIndexKey(tenant), books, &report));

  // The data bytes: HSTRLEN of every part, pipelined.
  std::vector<std::string> data_keys;
  for (const std::string& id : plans) {
    for (absl::string_view part :
         {absl::string_view("plan"), StagePartName(StagePart::kPriorities),
          StagePartName(StagePart::kSchedule),
          StagePartName(StagePart::kSimulation)}) {
      data_keys.push_back(PlanKey(tenant, id, part));
    }
  }
  for (const std::string& name : books) {
    data_keys.push_back(BookKey(tenant, name));
  }
  for (size_t begin = 0; begin < data_keys.size(); begin += kBatch) {
    const size_t end = std::min(data_keys.size(), begin + kBatch);
    std::vector<absl::string_view> routes;
    std::vector<std::vector<absl::string_view>> commands;
    for (size_t i = begin; i < end; ++i) {
      routes.push_back(data_keys[i]);
      commands.push_back({"HSTRLEN", data_keys[i], "data"});
    }
    ASSIGN_OR_RETURN(std::vector<RedisReplyPtr> replies,
                     router_->Pipeline(routes, commands));
    for (const RedisReplyPtr& reply : replies) {
      int64_t bytes = 0;
      if (!ParseInt(reply.get(), &bytes))
        return Unexpected("HSTRLEN", reply.get());
      report.bytes += bytes;
    }
  }
  const std::string usage_key = UsageKey(tenant);
  const std::string plans_text = absl::StrCat(report.plans);
  const std::string bytes_text = absl::StrCat(report.bytes);
  ASSIGN_OR_RETURN(
      RedisReplyPtr set,
      router_->Command(usage_key, {"HSET", usage_key, "plans", plans_text,
                                   "bytes", bytes_text}));
  if (set->type == REDIS_REPLY_ERROR) return Unexpected("HSET", set.get());
  return report;
}

}  // namespace backplan

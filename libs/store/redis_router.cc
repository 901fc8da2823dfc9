#include "libs/store/redis_router.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/common/status_macros.h"
#include "libs/store/redis_reply.h"

namespace backplan {
namespace {

using store_internal::Str;

cluster::RespValue ToResp(const redisReply* reply) {
  cluster::RespValue value;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      value.type = cluster::RespValue::Type::kString;
      value.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      value.type = cluster::RespValue::Type::kError;
      value.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      value.type = cluster::RespValue::Type::kInteger;
      value.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      value.type = cluster::RespValue::Type::kArray;
      value.elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) {
        value.elements.push_back(ToResp(reply->element[i]));
      }
      break;
    default:
      break;
  }
  return value;
}

// The redirection an error reply asks for; kNone for any other reply.
cluster::Redirect RedirectOf(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ERROR) return cluster::Redirect{};
  return cluster::ClassifyError(Str(reply));
}

// The pause before retry `attempt` (1-based) after TRYAGAIN/CLUSTERDOWN:
// 20 ms doubling, at most 320 ms (about 1 s over kMaxAttempts).
absl::Duration Backoff(int attempt) {
  return absl::Milliseconds(20) * (1 << std::min(attempt - 1, 4));
}

}  // namespace

absl::StatusOr<std::vector<cluster::NodeAddress>> ParseClusterSeeds(
    absl::string_view seeds) {
  std::vector<cluster::NodeAddress> nodes;
  for (absl::string_view entry : absl::StrSplit(seeds, ',')) {
    const size_t colon = entry.rfind(':');
    cluster::NodeAddress node;
    if (colon == absl::string_view::npos || colon == 0 ||
        !absl::SimpleAtoi(entry.substr(colon + 1), &node.port) ||
        node.port < 1 || node.port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("--redis_cluster: \"", entry, "\" is not host:port"));
    }
    node.host = std::string(entry.substr(0, colon));
    nodes.push_back(std::move(node));
  }
  if (nodes.size() > static_cast<size_t>(kMaxClusterSeeds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis_cluster: ", nodes.size(), " seeds, more than ",
                     kMaxClusterSeeds));
  }
  return nodes;
}

RedisRouter::RedisRouter(const RedisOptions& options)
    : options_(options), cluster_(!options.cluster_seeds.empty()) {
  if (!cluster_) {
    single_ = std::make_unique<RedisPool>(options_);
    return;
  }
  absl::StatusOr<std::vector<cluster::NodeAddress>> seeds =
      ParseClusterSeeds(options_.cluster_seeds);
  if (seeds.ok()) {
    seeds_ = *std::move(seeds);
  } else {
    seeds_status_ = absl::UnavailableError(seeds.status().message());
  }
}

RedisRouter::~RedisRouter() = default;

absl::StatusOr<RedisPool*> RedisRouter::PoolFor(
    const cluster::NodeAddress& node) {
  const std::string name = node.HostPort();
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<RedisPool>& pool = pools_[name];
  if (pool == nullptr) {
    if (pools_.size() > static_cast<size_t>(kMaxNodes)) {
      pools_.erase(name);
      return absl::UnavailableError(
          absl::StrCat("Redis Cluster: more than ", kMaxNodes,
                       " nodes seen; not adding ", name));
    }
    RedisOptions node_options = options_;
    node_options.host = node.host;
    node_options.port = node.port;
    pool = std::make_unique<RedisPool>(node_options);
  }
  return pool.get();
}

absl::Status RedisRouter::Refresh() {
  if (!cluster_) return absl::OkStatus();
  if (seeds_.empty()) return seeds_status_;
  std::lock_guard<std::mutex> refresh_lock(refresh_mu_);
  // Known masters first (they survive a seed's removal), then the seeds.
  std::vector<cluster::NodeAddress> candidates;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (map_ != nullptr) candidates = map_->Masters();
  }
  candidates.insert(candidates.end(), seeds_.begin(), seeds_.end());
  absl::Status last = absl::UnavailableError("Redis Cluster: no seed");
  for (const cluster::NodeAddress& node : candidates) {
    absl::StatusOr<RedisPool*> pool = PoolFor(node);
    if (!pool.ok()) {
      last = pool.status();
      continue;
    }
    absl::StatusOr<RedisPool::Lease> lease = (*pool)->Acquire();
    if (!lease.ok()) {
      last = lease.status();
      continue;
    }
    absl::StatusOr<RedisReplyPtr> reply = lease->Command({"CLUSTER", "SLOTS"});
    if (!reply.ok()) {
      last = reply.status();
      continue;
    }
    absl::StatusOr<cluster::SlotMap> map =
        cluster::SlotMap::FromClusterSlots(ToResp(reply->get()), node.host);
    if (!map.ok()) {
      last = absl::UnavailableError(
          absl::StrCat("Redis Cluster: CLUSTER SLOTS from ", node.HostPort(),
                       ": ", map.status().message()));
      continue;
    }
    if (map->UncoveredSlots() > 0 && candidates.size() > 1) {
      // A node with a stale view (e.g. just restarted): try another, but
      // keep this map if no node knows better.
      last = absl::UnavailableError(
          absl::StrCat("Redis Cluster: ", map->UncoveredSlots(),
                       " slots not served (", node.HostPort(), ")"));
    }
    std::lock_guard<std::mutex> lock(mu_);
    map_ = std::make_shared<const cluster::SlotMap>(*std::move(map));
    ++generation_;
    if (map_->UncoveredSlots() == 0) return absl::OkStatus();
  }
  return last;
}

void RedisRouter::RefreshIfStale(uint64_t generation) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation_ != generation) return;
  }
  Refresh().IgnoreError();  // The caller reports its own error.
}

absl::StatusOr<RedisPool*> RedisRouter::PoolForSlot(int slot) {
  std::shared_ptr<const cluster::SlotMap> map;
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    map = map_;
    generation = generation_;
  }
  if (map == nullptr || map->MasterFor(slot) == nullptr) {
    RefreshIfStale(generation);
    std::lock_guard<std::mutex> lock(mu_);
    map = map_;
  }
  if (map == nullptr) {
    RETURN_IF_ERROR(Refresh());  // Reports why no map could be loaded.
    return absl::UnavailableError("Redis Cluster: no slot map");
  }
  const cluster::NodeAddress* master = map->MasterFor(slot);
  if (master == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("Redis Cluster: no master serves slot ", slot));
  }
  return PoolFor(*master);
}

absl::StatusOr<RedisReplyPtr> RedisRouter::Run(absl::string_view key, Fn fn) {
  if (!cluster_) {
    ASSIGN_OR_RETURN(RedisPool::Lease lease, single_->Acquire());
    return fn(lease, false);
  }
  return RunCluster(key, fn);
}

absl::StatusOr<RedisReplyPtr> RedisRouter::RunCluster(absl::string_view key,
                                                      Fn fn) {
  const int slot = cluster::KeySlot(key);
  cluster::NodeAddress ask_node;
  bool asked = false;
  absl::Status last;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    uint64_t generation = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      generation = generation_;
    }
    absl::StatusOr<RedisPool*> pool =
        ask_node.host.empty() ? PoolForSlot(slot) : PoolFor(ask_node);
    if (!pool.ok()) return pool.status();
    absl::StatusOr<RedisPool::Lease> lease = (*pool)->Acquire();
    if (!lease.ok()) {
      RefreshIfStale(generation);
      return lease.status();
    }
    absl::StatusOr<RedisReplyPtr> reply = fn(*lease, !ask_node.host.empty());
    if (!reply.ok()) {
      if (absl::IsUnavailable(reply.status())) RefreshIfStale(generation);
      return reply;
    }
    cluster::Redirect redirect = RedirectOf(reply->get());
    if (redirect.node.host.empty() && redirect.node.port != 0) {
      redirect.node.host = (*pool)->options().host;
    }
    switch (redirect.kind) {
      case cluster::RedirectKind::kNone:
        return reply;
      case cluster::RedirectKind::kMoved: {
        ask_node = cluster::NodeAddress();
        asked = false;
        std::lock_guard<std::mutex> lock(mu_);
        if (map_ != nullptr) {
          auto moved = std::make_shared<cluster::SlotMap>(*map_);
          moved->Assign(redirect.slot, redirect.node);
          map_ = std::move(moved);
          ++generation_;
        }
        last = absl::UnavailableError(
            absl::StrCat("Redis Cluster: ", Str(reply->get())));
        break;
      }
      case cluster::RedirectKind::kAsk:
        if (asked) {  // The ASK target redirected again.
          return absl::UnavailableError(
              absl::StrCat("Redis Cluster: ASK twice: ", Str(reply->get())));
        }
        asked = true;
        ask_node = redirect.node;
        last = absl::UnavailableError(
            absl::StrCat("Redis Cluster: ", Str(reply->get())));
        break;
      case cluster::RedirectKind::kTryAgain:
      case cluster::RedirectKind::kClusterDown:
        // Back to the slot's owner, which may ASK again: a multi-key
        // command meets TRYAGAIN on the target of a slot migration while
        // some of its keys are not there (yet).
        ask_node = cluster::NodeAddress();
        asked = false;
        last = absl::UnavailableError(
            absl::StrCat("Redis Cluster: ", Str(reply->get())));
        absl::SleepFor(Backoff(attempt));
        if (redirect.kind == cluster::RedirectKind::kClusterDown) {
          RefreshIfStale(generation);
        }
        break;
    }
  }
  return last;
}

absl::StatusOr<RedisReplyPtr> RedisRouter::Command(
    absl::string_view key, absl::Span<const absl::string_view> args) {
  return Run(key, [args](RedisPool::Lease& lease, bool asking) {
    return SendFor(lease, asking, args);
  });
}

absl::StatusOr<RedisReplyPtr> RedisRouter::SendFor(
    RedisPool::Lease& lease, bool asking,
    absl::Span<const absl::string_view> args) {
  if (asking) {
    ASSIGN_OR_RETURN(RedisReplyPtr reply, lease.Command({"ASKING"}));
    if (reply->type == REDIS_REPLY_ERROR) {
      return store_internal::Unexpected("ASKING", reply.get());
    }
  }
  return lease.Command(args);
}

absl::StatusOr<std::vector<RedisReplyPtr>> RedisRouter::Pipeline(
    absl::Span<const absl::string_view> keys,
    absl::Span<const std::vector<absl::string_view>> commands) {
  if (!cluster_) {
    ASSIGN_OR_RETURN(RedisPool::Lease lease, single_->Acquire());
    return lease.Pipeline(commands);
  }
  // Group by master, one pipeline each, then chase redirections singly.
  std::map<RedisPool*, std::vector<size_t>> groups;
  for (size_t i = 0; i < commands.size(); ++i) {
    ASSIGN_OR_RETURN(RedisPool * pool, PoolForSlot(cluster::KeySlot(keys[i])));
    groups[pool].push_back(i);
  }
  std::vector<RedisReplyPtr> replies(commands.size());
  for (const auto& [pool, indexes] : groups) {
    std::vector<std::vector<absl::string_view>> group;
    group.reserve(indexes.size());
    for (size_t i : indexes) group.push_back(commands[i]);
    absl::StatusOr<RedisPool::Lease> lease = pool->Acquire();
    if (!lease.ok()) {
      Refresh().IgnoreError();
      return lease.status();
    }
    ASSIGN_OR_RETURN(std::vector<RedisReplyPtr> got, lease->Pipeline(group));
    for (size_t g = 0; g < indexes.size(); ++g) {
      replies[indexes[g]] = std::move(got[g]);
    }
  }
  for (size_t i = 0; i < replies.size(); ++i) {
    if (RedirectOf(replies[i].get()).kind != cluster::RedirectKind::kNone) {
      ASSIGN_OR_RETURN(replies[i], Command(keys[i], commands[i]));
    }
  }
  return replies;
}

absl::StatusOr<std::vector<RedisPool*>> RedisRouter::Masters() {
  if (!cluster_) return std::vector<RedisPool*>{single_.get()};
  std::shared_ptr<const cluster::SlotMap> map;
  {
    std::lock_guard<std::mutex> lock(mu_);
    map = map_;
  }
  if (map == nullptr) {
    RETURN_IF_ERROR(Refresh());
    std::lock_guard<std::mutex> lock(mu_);
    map = map_;
  }
  std::vector<RedisPool*> pools;
  for (const cluster::NodeAddress& node : map->Masters()) {
    ASSIGN_OR_RETURN(RedisPool * pool, PoolFor(node));
    pools.push_back(pool);
  }
  return pools;
}

}  // namespace backplan

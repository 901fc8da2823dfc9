#include "libs/store/redis_event_hub.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/store/redis_reply.h"

namespace backplan {

using store_internal::EventPosition;
using store_internal::Str;

namespace {

// The hub's own connection: one, and never waited for.
RedisOptions ReaderOptions(RedisOptions options) {
  options.pool_size = 1;
  options.acquire_timeout = absl::ZeroDuration();
  return options;
}

}  // namespace

RedisEventHub::RedisEventHub(const RedisOptions& options)
    : pool_(std::make_unique<RedisPool>(ReaderOptions(options))) {
  reader_ = std::thread([this] { Run(); });
}

RedisEventHub::~RedisEventHub() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    WakeAllLocked();
  }
  work_.notify_all();
  reader_.join();
}

bool RedisEventHub::WaitForEntries(const std::string& key, EventPosition after,
                                   absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return true;
  auto [it, inserted] = watches_.try_emplace(key);
  Watch& watch = it->second;
  if (inserted) {
    watch.last = after;
    work_.notify_one();
  } else if (after < watch.last) {
    return true;  // The hub has seen entries the caller has not read.
  }
  ++watch.waiters;
  const uint64_t seen = watch.changes;
  const bool woken =
      changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                        [&] { return stopping_ || watch.changes != seen; });
  if (--watch.waiters == 0) watches_.erase(it);
  return woken;
}

void RedisEventHub::WakeAllLocked() {
  for (auto& [key, watch] : watches_) ++watch.changes;
  changed_.notify_all();
}

void RedisEventHub::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_.wait(lock, [this] { return stopping_ || !watches_.empty(); });
    if (stopping_) return;
    // XREAD COUNT n BLOCK ms STREAMS key... id...
    std::vector<std::string> keys;
    std::vector<std::string> ids;
    for (const auto& [key, watch] : watches_) {
      keys.push_back(key);
      ids.push_back(store_internal::FormatEventPosition(watch.last));
    }
    lock.unlock();

    const std::string count = absl::StrCat(store_internal::kMaxEventCount);
    const std::string block = absl::StrCat(kBlockMs);
    std::vector<absl::string_view> argv = {"XREAD", "COUNT", count,
                                           "BLOCK", block,   "STREAMS"};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), ids.begin(), ids.end());
    absl::StatusOr<RedisReplyPtr> reply;
    {
      absl::StatusOr<RedisPool::Lease> lease = pool_->Acquire();
      if (lease.ok()) {
        reply = lease->CommandWithTimeout(
            argv,
            absl::Milliseconds(kBlockMs) + pool_->options().command_timeout);
      } else {
        reply = lease.status();
      }
    }

    lock.lock();
    if (stopping_) return;
    const redisReply* r = reply.ok() ? reply->get() : nullptr;
    if (r == nullptr ||
        (r->type != REDIS_REPLY_NIL && r->type != REDIS_REPLY_ARRAY)) {
      // Redis down or an error reply: let every waiter re-read (and see the
      // error there), then retry after a pause.
      WakeAllLocked();
      work_.wait_for(lock, std::chrono::milliseconds(kBlockMs),
                     [this] { return stopping_; });
      continue;
    }
    if (r->type == REDIS_REPLY_NIL) continue;
    // [[key, [[id, fields], ...]], ...]
    bool any = false;
    for (size_t i = 0; i < r->elements; ++i) {
      const redisReply* stream = r->element[i];
      if (stream->type != REDIS_REPLY_ARRAY || stream->elements != 2 ||
          stream->element[0]->type != REDIS_REPLY_STRING ||
          stream->element[1]->type != REDIS_REPLY_ARRAY ||
          stream->element[1]->elements == 0) {
        continue;
      }
      const redisReply* entries = stream->element[1];
      const redisReply* newest = entries->element[entries->elements - 1];
      if (newest->type != REDIS_REPLY_ARRAY || newest->elements < 1 ||
          newest->element[0]->type != REDIS_REPLY_STRING) {
        continue;
      }
      absl::StatusOr<EventPosition> position =
          store_internal::ParseEventPosition(Str(newest->element[0]));
      auto it = watches_.find(std::string(Str(stream->element[0])));
      if (!position.ok() || it == watches_.end()) continue;
      if (it->second.last < *position) it->second.last = *position;
      ++it->second.changes;
      any = true;
    }
    if (any) changed_.notify_all();
  }
}

}  // namespace backplan

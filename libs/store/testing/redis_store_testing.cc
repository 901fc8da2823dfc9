#include "libs/store/testing/redis_store_testing.h"

#include <hiredis/hiredis.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/store/redis_reply.h"

namespace backplan::testing {

RedisOptions OptionsFor(const RedisServer& server) {
  RedisOptions options;
  options.host = server.host();
  options.port = server.port();
  options.password = server.password();
  return options;
}

std::string RawCommand(RedisPool& pool,
                       std::initializer_list<absl::string_view> args) {
  absl::StatusOr<RedisPool::Lease> lease = pool.Acquire();
  if (!lease.ok()) return std::string(lease.status().message());
  absl::StatusOr<RedisReplyPtr> reply = lease->Command(args);
  if (!reply.ok()) return std::string(reply.status().message());
  const redisReply* r = reply->get();
  if (r->type == REDIS_REPLY_INTEGER) return absl::StrCat(r->integer);
  if (r->type == REDIS_REPLY_NIL) return "";
  return std::string(r->str, r->len);
}

EventInfo TestEvent(absl::string_view type) {
  return EventInfo{std::string(type), "req"};
}

}  // namespace backplan::testing

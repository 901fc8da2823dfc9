// Reading hiredis replies, shared by the RedisPlanStore files
// (redis_plan_store*.cc). Internal to backplan_store_redis: only .cc files
// that already include <hiredis/hiredis.h> include this header, so hiredis
// stays private to the Redis implementation (docs/ARCHITECTURE.md).
#ifndef BACKPLAN_LIBS_STORE_REDIS_REPLY_H_
#define BACKPLAN_LIBS_STORE_REDIS_REPLY_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct redisReply;

namespace backplan::store_internal {

// The bytes of a string, status or error reply; valid while `reply` is.
absl::string_view Str(const redisReply* reply);

// INTERNAL naming `what`: the server's error text for an error reply, else
// the unexpected reply type.
absl::Status Unexpected(absl::string_view what, const redisReply* reply);

// An integer reply, or a bulk string holding a decimal integer, into `out`;
// false for anything else.
bool ParseInt(const redisReply* reply, int64_t* out);

// FAILED_PRECONDITION for stored data of schema `version`, newer than this
// build's kSchemaVersion (redis_scripts.h); `what` names the object.
absl::Status NewerSchema(absl::string_view what, int64_t version);

// True for a {'SCHEMA', n} script reply; sets `*version` to n.
bool IsSchemaReply(const redisReply* reply, int64_t* version);

}  // namespace backplan::store_internal

#endif  // BACKPLAN_LIBS_STORE_REDIS_REPLY_H_

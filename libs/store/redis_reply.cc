#include "libs/store/redis_reply.h"

#include <hiredis/hiredis.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/store/redis_scripts.h"

namespace backplan::store_internal {

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

absl::Status NewerSchema(absl::string_view what, int64_t version) {
  return absl::FailedPreconditionError(
      absl::StrCat(what, ": stored with schema version ", version,
                   ", newer than this server reads (", kSchemaVersion,
                   "): upgrade this replica"));
}

bool IsSchemaReply(const redisReply* reply, int64_t* version) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      Str(reply->element[0]) != "SCHEMA") {
    return false;
  }
  return ParseInt(reply->element[1], version);
}

}  // namespace backplan::store_internal

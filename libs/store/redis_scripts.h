// The Lua scripts behind RedisPlanStore's atomic reads and writes. Internal
// to libs/store: the key and argument layout of each script is documented
// beside its text in redis_scripts.cc and must match its callers in
// redis_plan_store*.cc, which take each script's KEYS from ScriptKeys().
//
// Every script touches the keys of one hash tag, so one Redis Cluster slot
// (redis_scripts_slot_test.cc asserts it for every script's ScriptKeys()):
// the tenant's index, its usage counters and bp:changes are written by the
// store after the write script (kScriptTenantUsage, XADD).
//
// Write scripts return {outcome, number, bytes delta, plans delta}:
// {'OK', new version, delta, created (1) / deleted (-1) / 0},
// {'ABORTED', stored version}, {'NOT_FOUND', 0}, or, when a per-tenant
// quota would be passed (checked against the usage the caller read just
// before), {'QUOTA_PLANS', plans stored} or {'QUOTA_BYTES', bytes stored},
// or {'SCHEMA', n} when the object was written by a newer schema n. They
// check everything before their first write (Redis does not roll back a
// script that fails halfway, and refuses a script's first write, not a later
// one, when it is out of memory).
#ifndef BACKPLAN_LIBS_STORE_REDIS_SCRIPTS_H_
#define BACKPLAN_LIBS_STORE_REDIS_SCRIPTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace backplan::store_internal {

// The schema version of the plans and books this build writes (field
// `schema` of the plan and book hashes). Reads and writes of an object
// with a newer version are refused (FAILED_PRECONDITION) rather than
// misread; an object without the field is version 1.
inline constexpr int kSchemaVersion = 1;

// Indexed like RedisPlanStore::ScriptId.
enum RedisScript {
  kScriptGetPlan,
  kScriptPutPlan,
  kScriptPutStage,
  kScriptDeletePlan,
  kScriptPutBook,
  kScriptDeleteBook,
  kScriptPutPlanOnce,
  kScriptPutStageOnce,
  kScriptPutBookOnce,
  kScriptGetPlanParts,
  kScriptTenantUsage,
  kNumRedisScripts
};

// The standalone form of write script `id`: Standalone(id) runs it, and in
// the same script reads the usage counters it checks and applies its deltas
// to the tenant's index, counters and bp:changes, so a write on a
// standalone Redis is one round trip with exact quotas, as before issue 28.
// It touches several slots: never used on a Redis Cluster. KEYS: the
// script's own, then index, usage, changes. ARGV: the script's own (with
// placeholders for the usage it reads), then the ARGV position of "plans
// used" (0: none), of "bytes used", the id, the change type ('' for no
// bp:changes entry), the change ref and the changes maxlen.
inline constexpr int Standalone(int id) { return kNumRedisScripts + id; }
inline constexpr int kNumScriptTexts = 2 * kNumRedisScripts;

// The text of script `id` (a RedisScript, or Standalone() of one).
const std::string& RedisScriptText(int id);

// The KEYS the store passes to script `id` for object `id_name` (a plan id,
// or a book name for the book scripts) of `tenant`; `stage` names the stage
// part for kScriptPutStage*; the idempotent forms end with the record key
// for `method` and `record_key`. For kScriptTenantUsage `id_name` is
// "books" (the book index) or anything else (the plan index).
std::vector<std::string> ScriptKeys(int id, absl::string_view tenant,
                                    absl::string_view id_name,
                                    absl::string_view stage = "schedule",
                                    absl::string_view method = "",
                                    absl::string_view record_key = "");

}  // namespace backplan::store_internal

#endif  // BACKPLAN_LIBS_STORE_REDIS_SCRIPTS_H_

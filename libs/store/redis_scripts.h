// The Lua scripts behind RedisPlanStore's atomic reads and writes. Internal
// to libs/store: the key and argument layout of each script is documented
// beside its text in redis_scripts.cc and must match its callers in
// redis_plan_store*.cc.
//
// Write scripts return {outcome, number}: {'OK', new version},
// {'ABORTED', stored version}, {'NOT_FOUND', 0}, or, when a per-tenant
// quota would be passed, {'QUOTA_PLANS', plans stored} or
// {'QUOTA_BYTES', bytes stored}. They check everything before their first
// write (Redis does not roll back a script that fails halfway, and refuses a
// script's first write, not a later one, when it is out of memory).
#ifndef BACKPLAN_LIBS_STORE_REDIS_SCRIPTS_H_
#define BACKPLAN_LIBS_STORE_REDIS_SCRIPTS_H_

#include <string>

namespace backplan::store_internal {

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
  kNumRedisScripts
};

// The text of script `id` (a RedisScript).
const std::string& RedisScriptText(int id);

}  // namespace backplan::store_internal

#endif  // BACKPLAN_LIBS_STORE_REDIS_SCRIPTS_H_

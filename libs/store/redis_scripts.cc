#include "libs/store/redis_scripts.h"

#include <iterator>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/store/plan_store.h"
#include "libs/store/redis_plan_store.h"

namespace backplan::store_internal {
namespace {

// The start of both versioned writes: KEYS[1] is the object's hash, ARGV[1]
// the expected version (0: create); leaves `cur` (the old version).
#define BP_VERSION_CHECK                                                  \
  "local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')\n" \
  "if cur ~= tonumber(ARGV[1]) then\n"                                    \
  "  if cur == 0 then return {'NOT_FOUND', 0} end\n"                      \
  "  return {'ABORTED', cur}\n"                                           \
  "end\n"

// Lua helpers for the tenant's usage hash (fields plans, bytes): `used(k)`
// reads a counter, `add(k, f, n)` adds n to it and never leaves it below 0
// (objects stored before the counters existed are not counted).
#define BP_USAGE                                                      \
  "local function used(k, f)\n"                                       \
  "  return tonumber(redis.call('HGET', k, f) or '0')\n"              \
  "end\n"                                                             \
  "local function add(k, f, n)\n"                                     \
  "  if redis.call('HINCRBY', k, f, n) < 0 then\n"                    \
  "    redis.call('HSET', k, f, 0)\n"                                 \
  "  end\n"                                                           \
  "end\n"                                                             \
  "local function over(k, delta, max)\n"                              \
  "  return delta > 0 and used(k, 'bytes') + delta > tonumber(max)\n" \
  "end\n"

// Refuses data written by a newer schema: KEYS[1] is the object's hash,
// ARGV[n] the reader's schema version; a hash without the field is version 1.
#define BP_SCHEMA_CHECK(n)                                                  \
  "local schema = tonumber(redis.call('HGET', KEYS[1], 'schema') or '1')\n" \
  "if schema > tonumber(ARGV[" #n "]) then return {'SCHEMA', schema} end\n"

// Every script touches the keys of one hash tag only (one Redis Cluster
// slot): the tenant's index and usage counters and bp:changes are written
// by the caller after the script (kScriptTenantUsage, XADD). Writes return
// {outcome, number, bytes delta, plans delta}, the deltas for the usage
// counters; quotas are checked against the usage read before the script.
constexpr const char* kScripts[] = {
    // kScriptGetPlan. KEYS: plan, priorities, schedule, simulation.
    // ARGV: schema version known.
    BP_SCHEMA_CHECK(1) R"lua(
return {redis.call('HMGET', KEYS[1], 'version', 'data'),
        redis.call('HMGET', KEYS[2], 'plan_version', 'data'),
        redis.call('HMGET', KEYS[3], 'plan_version', 'data'),
        redis.call('HMGET', KEYS[4], 'plan_version', 'data')}
)lua",
    // kScriptPutPlan. KEYS: plan, events.
    // ARGV: expected version, data, type, request id, events maxlen,
    //       max plans, max bytes, caller, summary, plans used, bytes used,
    //       schema version. Stores the summary, the schema version and the
    //       server time in microseconds (TIME; scripts replicate their
    //       effects) as 'summary', 'schema' and 'updated'.
    BP_SCHEMA_CHECK(12) BP_VERSION_CHECK R"lua(
local delta = string.len(ARGV[2]) - redis.call('HSTRLEN', KEYS[1], 'data')
if cur == 0 and tonumber(ARGV[10]) >= tonumber(ARGV[6]) then
  return {'QUOTA_PLANS', tonumber(ARGV[10])}
end
if delta > 0 and tonumber(ARGV[11]) + delta > tonumber(ARGV[7]) then
  return {'QUOTA_BYTES', tonumber(ARGV[11])}
end
local v = cur + 1
local now = redis.call('TIME')
redis.call('HSET', KEYS[1], 'version', v, 'data', ARGV[2], 'summary', ARGV[9],
           'updated', now[1] .. string.rep('0', 6 - #now[2]) .. now[2],
           'schema', ARGV[12])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*',
           'type', ARGV[3], 'plan_version', v, 'request_id', ARGV[4],
           'caller', ARGV[8])
return {'OK', v, delta, cur == 0 and 1 or 0}
)lua",
    // kScriptPutStage. KEYS: plan, stage, events.
    // ARGV: plan version, data, type, request id, events maxlen, max bytes,
    //       caller, summary, bytes used, schema version.
    BP_SCHEMA_CHECK(10) R"lua(
local cur = redis.call('HGET', KEYS[1], 'version')
if not cur then return {'NOT_FOUND', 0} end
cur = tonumber(cur)
if cur ~= tonumber(ARGV[1]) then return {'ABORTED', cur} end
local delta = string.len(ARGV[2]) - redis.call('HSTRLEN', KEYS[2], 'data')
if delta > 0 and tonumber(ARGV[9]) + delta > tonumber(ARGV[6]) then
  return {'QUOTA_BYTES', tonumber(ARGV[9])}
end
redis.call('HSET', KEYS[2], 'plan_version', cur, 'data', ARGV[2],
           'summary', ARGV[8])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*',
           'type', ARGV[3], 'plan_version', cur, 'request_id', ARGV[4],
           'caller', ARGV[7])
return {'OK', cur, delta, 0}
)lua",
    // kScriptDeletePlan. KEYS: plan, priorities, schedule, events,
    // simulation.
    R"lua(
local cur = redis.call('HGET', KEYS[1], 'version')
if not cur then return {'NOT_FOUND', 0} end
local freed = 0
for _, k in ipairs({KEYS[1], KEYS[2], KEYS[3], KEYS[5]}) do
  freed = freed + redis.call('HSTRLEN', k, 'data')
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return {'OK', tonumber(cur), -freed, -1}
)lua",
    // kScriptPutBook. KEYS: book.
    // ARGV: expected version, data, max bytes, bytes used, schema version.
    BP_SCHEMA_CHECK(5) BP_VERSION_CHECK R"lua(
local delta = string.len(ARGV[2]) - redis.call('HSTRLEN', KEYS[1], 'data')
if delta > 0 and tonumber(ARGV[4]) + delta > tonumber(ARGV[3]) then
  return {'QUOTA_BYTES', tonumber(ARGV[4])}
end
local v = cur + 1
redis.call('HSET', KEYS[1], 'version', v, 'data', ARGV[2], 'schema', ARGV[5])
return {'OK', v, delta, cur == 0 and 1 or 0}
)lua",
    // kScriptDeleteBook. KEYS: book.
    R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOT_FOUND', 0} end
local freed = redis.call('HSTRLEN', KEYS[1], 'data')
redis.call('DEL', KEYS[1])
return {'OK', 0, -freed, -1}
)lua",
};
#undef BP_SCHEMA_CHECK
#undef BP_VERSION_CHECK

// The idempotent form of a write script: its body runs as `write()` only
// when the record (the last key) is absent; on success the record is stored
// in the same step. The last three ARGV are the request hash, the response
// and the ttl in ms, after the plain script's own arguments, which it
// addresses by position and so never sees. Returns the plain script's reply
// or {'REPLAY', hash, response}.
std::string OnceScript(const char* body) {
  return absl::StrCat("local function write()\n", body, R"lua(
end
local rec = KEYS[#KEYS]
local old = redis.call('HMGET', rec, 'hash', 'response')
if old[1] then return {'REPLAY', old[1], old[2]} end
local out = write()
if out[1] == 'OK' then
  redis.call('HSET', rec, 'hash', ARGV[#ARGV - 2], 'response', ARGV[#ARGV - 1])
  redis.call('PEXPIRE', rec, ARGV[#ARGV])
end
return out
)lua");
}

// kScriptGetPlanParts. KEYS: plan, priorities, schedule, simulation.
// ARGV: read priorities, schedule, simulation ('1' or '0'), digests ('1' or
// '0'), known plan digest, known priorities digest, schema version known.
// Returns four {version, digest, data}: digest is "<version>:<SHA-1 hex of
// data>" (false without digests), data false when the digest is the known one;
// a part not read, or absent, is {false, false, false}; {'SCHEMA', n} when the
// plan was written by a newer schema.
constexpr char kGetPlanParts[] = R"lua(
local function part(i, field, known)
  local v = redis.call('HMGET', KEYS[i], field, 'data')
  if not v[1] then return {false, false, false} end
  if ARGV[4] ~= '1' then return {v[1], false, v[2]} end
  local d = v[1] .. ':' .. redis.sha1hex(v[2])
  if d == known then return {v[1], d, false} end
  return {v[1], d, v[2]}
end
local schema = tonumber(redis.call('HGET', KEYS[1], 'schema') or '1')
if schema > tonumber(ARGV[7]) then return {'SCHEMA', schema} end
local out = {part(1, 'version', ARGV[5])}
for i = 2, 4 do
  if ARGV[i - 1] == '1' then
    out[i] = part(i, 'plan_version', i == 2 and ARGV[6] or '')
  else
    out[i] = {false, false, false}
  end
end
return out
)lua";

// The standalone form of a write script (redis_scripts.h, Standalone()):
// pops its own extra KEYS and ARGV off the ends (so the inner script, and an
// idempotent form's record key and arguments, are found where they expect),
// fills in the usage counters, runs the inner script and, when it wrote,
// applies the deltas to the index and counters and appends to bp:changes.
std::string StandaloneScript(const std::string& inner) {
  return absl::StrCat(BP_USAGE R"lua(
local changes_key = table.remove(KEYS)
local usage_key = table.remove(KEYS)
local index_key = table.remove(KEYS)
local changes_max = table.remove(ARGV)
local change_ref = table.remove(ARGV)
local change_type = table.remove(ARGV)
local id = table.remove(ARGV)
local bytes_pos = tonumber(table.remove(ARGV))
local plans_pos = tonumber(table.remove(ARGV))
if plans_pos > 0 then ARGV[plans_pos] = tostring(used(usage_key, 'plans')) end
if bytes_pos > 0 then ARGV[bytes_pos] = tostring(used(usage_key, 'bytes')) end
local function inner()
)lua",
                      inner, R"lua(
end
local out = inner()
if out[1] == 'OK' then
  local plans = tonumber(out[4])
  if plans > 0 then redis.call('ZADD', index_key, 0, id) end
  if plans < 0 then redis.call('ZREM', index_key, id) end
  if plans ~= 0 then add(usage_key, 'plans', plans) end
  add(usage_key, 'bytes', tonumber(out[3]))
  if change_type ~= '' then
    redis.pcall('XADD', changes_key, 'MAXLEN', '~', changes_max, '*',
                'plan', change_ref, 'type', change_type,
                'plan_version', out[2])
  end
end
return out
)lua");
}

// kScriptTenantUsage. KEYS: the tenant's index, its usage hash (one slot:
// both tagged {tenant}). ARGV: id, plans delta (1: add the id to the index,
// -1: remove it), bytes delta.
constexpr char kTenantUsage[] = BP_USAGE R"lua(
local plans = tonumber(ARGV[2])
if plans > 0 then redis.call('ZADD', KEYS[1], 0, ARGV[1]) end
if plans < 0 then redis.call('ZREM', KEYS[1], ARGV[1]) end
if plans ~= 0 then add(KEYS[2], 'plans', plans) end
add(KEYS[2], 'bytes', tonumber(ARGV[3]))
return 'OK'
)lua";
#undef BP_USAGE

}  // namespace

const std::string& RedisScriptText(int id) {
  static const std::vector<std::string>* const kTexts = [] {
    auto* t =
        new std::vector<std::string>(std::begin(kScripts), std::end(kScripts));
    t->push_back(OnceScript(kScripts[kScriptPutPlan]));
    t->push_back(OnceScript(kScripts[kScriptPutStage]));
    t->push_back(OnceScript(kScripts[kScriptPutBook]));
    t->push_back(kGetPlanParts);
    t->push_back(kTenantUsage);
    for (int id = 0; id < kNumRedisScripts; ++id) {
      t->push_back(StandaloneScript((*t)[id]));
    }
    return t;
  }();
  return (*kTexts)[id];
}

std::vector<std::string> ScriptKeys(int id, absl::string_view tenant,
                                    absl::string_view id_name,
                                    absl::string_view stage,
                                    absl::string_view method,
                                    absl::string_view record_key) {
  auto plan = [&](absl::string_view part) {
    return RedisPlanStore::PlanKey(tenant, id_name, part);
  };
  const std::string sim = std::string(StagePartName(StagePart::kSimulation));
  std::vector<std::string> keys;
  switch (id) {
    case kScriptGetPlan:
    case kScriptGetPlanParts:
      keys = {plan("plan"), plan("priorities"), plan("schedule"), plan(sim)};
      break;
    case kScriptPutPlan:
    case kScriptPutPlanOnce:
      keys = {plan("plan"), plan("events")};
      break;
    case kScriptPutStage:
    case kScriptPutStageOnce:
      keys = {plan("plan"), plan(stage), plan("events")};
      break;
    case kScriptDeletePlan:
      keys = {plan("plan"), plan("priorities"), plan("schedule"),
              plan("events"), plan(sim)};
      break;
    case kScriptPutBook:
    case kScriptPutBookOnce:
    case kScriptDeleteBook:
      keys = {RedisPlanStore::BookKey(tenant, id_name)};
      break;
    case kScriptTenantUsage:
      keys = {id_name == "books" ? RedisPlanStore::BookIndexKey(tenant)
                                 : RedisPlanStore::PlanIndexKey(tenant),
              RedisPlanStore::UsageKey(tenant)};
      break;
    default:
      break;
  }
  if (id == kScriptPutPlanOnce || id == kScriptPutStageOnce) {
    keys.push_back(RedisPlanStore::RecordKey(tenant, RecordOwner::kPlan,
                                             id_name, method, record_key));
  } else if (id == kScriptPutBookOnce) {
    keys.push_back(RedisPlanStore::RecordKey(tenant, RecordOwner::kBook,
                                             id_name, method, record_key));
  }
  return keys;
}

}  // namespace backplan::store_internal

#include "libs/store/redis_scripts.h"

#include <iterator>
#include <vector>

#include "absl/strings/str_cat.h"

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

constexpr const char* kScripts[] = {
    // kScriptGetPlan. KEYS: plan, priorities, schedule, simulation.
    R"lua(
return {redis.call('HMGET', KEYS[1], 'version', 'data'),
        redis.call('HMGET', KEYS[2], 'plan_version', 'data'),
        redis.call('HMGET', KEYS[3], 'plan_version', 'data'),
        redis.call('HMGET', KEYS[4], 'plan_version', 'data')}
)lua",
    // kScriptPutPlan. KEYS: plan, events, index, changes, usage.
    // ARGV: expected version, data, type, request id, plan id,
    //       change ref, events maxlen, changes maxlen, max plans, max bytes,
    //       caller, summary. Stores the summary and the server time in
    //       microseconds (TIME; scripts replicate their effects) as
    //       'summary' and 'updated'.
    BP_USAGE BP_VERSION_CHECK R"lua(
local delta = string.len(ARGV[2]) - redis.call('HSTRLEN', KEYS[1], 'data')
if cur == 0 and used(KEYS[5], 'plans') >= tonumber(ARGV[9]) then
  return {'QUOTA_PLANS', used(KEYS[5], 'plans')}
end
if over(KEYS[5], delta, ARGV[10]) then
  return {'QUOTA_BYTES', used(KEYS[5], 'bytes')}
end
local v = cur + 1
local now = redis.call('TIME')
redis.call('HSET', KEYS[1], 'version', v, 'data', ARGV[2], 'summary', ARGV[12],
           'updated', now[1] .. string.rep('0', 6 - #now[2]) .. now[2])
if cur == 0 then
  redis.call('ZADD', KEYS[3], 0, ARGV[5])
  add(KEYS[5], 'plans', 1)
end
add(KEYS[5], 'bytes', delta)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*',
           'type', ARGV[3], 'plan_version', v, 'request_id', ARGV[4],
           'caller', ARGV[11])
redis.pcall('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*',
            'plan', ARGV[6], 'type', ARGV[3], 'plan_version', v)
return {'OK', v}
)lua",
    // kScriptPutStage. KEYS: plan, stage, events, changes, usage.
    // ARGV: plan version, data, type, request id, change ref,
    //       events maxlen, changes maxlen, max bytes, caller, summary.
    BP_USAGE R"lua(
local cur = redis.call('HGET', KEYS[1], 'version')
if not cur then return {'NOT_FOUND', 0} end
cur = tonumber(cur)
if cur ~= tonumber(ARGV[1]) then return {'ABORTED', cur} end
local delta = string.len(ARGV[2]) - redis.call('HSTRLEN', KEYS[2], 'data')
if over(KEYS[5], delta, ARGV[8]) then
  return {'QUOTA_BYTES', used(KEYS[5], 'bytes')}
end
redis.call('HSET', KEYS[2], 'plan_version', cur, 'data', ARGV[2],
           'summary', ARGV[10])
add(KEYS[5], 'bytes', delta)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*',
           'type', ARGV[3], 'plan_version', cur, 'request_id', ARGV[4],
           'caller', ARGV[9])
redis.pcall('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*',
            'plan', ARGV[5], 'type', ARGV[3], 'plan_version', cur)
return {'OK', cur}
)lua",
    // kScriptDeletePlan. KEYS: plan, priorities, schedule, events, index,
    // changes, simulation, usage. ARGV: plan id, change ref, changes maxlen.
    BP_USAGE R"lua(
local cur = redis.call('HGET', KEYS[1], 'version')
if not cur then return {'NOT_FOUND', 0} end
local freed = 0
for _, k in ipairs({KEYS[1], KEYS[2], KEYS[3], KEYS[7]}) do
  freed = freed + redis.call('HSTRLEN', k, 'data')
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[7])
redis.call('ZREM', KEYS[5], ARGV[1])
add(KEYS[8], 'plans', -1)
add(KEYS[8], 'bytes', -freed)
redis.pcall('XADD', KEYS[6], 'MAXLEN', '~', ARGV[3], '*',
            'plan', ARGV[2], 'type', 'plan.deleted', 'plan_version', cur)
return {'OK', tonumber(cur)}
)lua",
    // kScriptPutBook. KEYS: book, index, usage.
    // ARGV: expected version, data, name, max bytes.
    BP_USAGE BP_VERSION_CHECK R"lua(
local delta = string.len(ARGV[2]) - redis.call('HSTRLEN', KEYS[1], 'data')
if over(KEYS[3], delta, ARGV[4]) then
  return {'QUOTA_BYTES', used(KEYS[3], 'bytes')}
end
local v = cur + 1
redis.call('HSET', KEYS[1], 'version', v, 'data', ARGV[2])
if cur == 0 then redis.call('ZADD', KEYS[2], 0, ARGV[3]) end
add(KEYS[3], 'bytes', delta)
return {'OK', v}
)lua",
    // kScriptDeleteBook. KEYS: book, index, usage. ARGV: name.
    BP_USAGE R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOT_FOUND', 0} end
local freed = redis.call('HSTRLEN', KEYS[1], 'data')
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
add(KEYS[3], 'bytes', -freed)
return {'OK', 0}
)lua",
};
#undef BP_VERSION_CHECK
#undef BP_USAGE

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
// '0'), known plan digest, known priorities digest. Returns four
// {version, digest, data}: digest is "<version>:<SHA-1 hex of data>" (false
// without digests), data false when the digest is the known one; a part not
// read, or absent, is {false, false, false}.
constexpr char kGetPlanParts[] = R"lua(
local function part(i, field, known)
  local v = redis.call('HMGET', KEYS[i], field, 'data')
  if not v[1] then return {false, false, false} end
  if ARGV[4] ~= '1' then return {v[1], false, v[2]} end
  local d = v[1] .. ':' .. redis.sha1hex(v[2])
  if d == known then return {v[1], d, false} end
  return {v[1], d, v[2]}
end
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

}  // namespace

const std::string& RedisScriptText(int id) {
  static const std::vector<std::string>* const texts = [] {
    auto* t =
        new std::vector<std::string>(std::begin(kScripts), std::end(kScripts));
    t->push_back(OnceScript(kScripts[kScriptPutPlan]));
    t->push_back(OnceScript(kScripts[kScriptPutStage]));
    t->push_back(OnceScript(kScripts[kScriptPutBook]));
    t->push_back(kGetPlanParts);
    return t;
  }();
  return (*texts)[id];
}

}  // namespace backplan::store_internal

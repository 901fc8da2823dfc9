// Every RedisPlanStore script touches one Redis Cluster slot: for each
// script, the KEYS the store passes (store_internal::ScriptKeys, which the
// store itself calls) all hash to one slot, for assorted tenants, ids,
// stages and idempotency keys. A script that grows a key outside its hash
// tag (a tenant index, bp:changes) fails here before it fails on a cluster.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/store/cluster_slots.h"
#include "libs/store/redis_plan_store.h"
#include "libs/store/redis_scripts.h"

namespace backplan::store_internal {
namespace {

TEST(RedisScriptsSlotTest, EveryScriptsKeysShareOneSlot) {
  const std::vector<std::string> tenants = {"default", "acme", "t/x", "a*b"};
  const std::vector<std::string> ids = {"p-1", "plan/with/slashes", "book/x",
                                        "q"};
  const std::vector<std::string> stages = {"priorities", "schedule",
                                           "simulation"};
  int checked = 0;
  for (int script = 0; script < kNumRedisScripts; ++script) {
    for (const std::string& tenant : tenants) {
      for (const std::string& id : ids) {
        for (const std::string& stage : stages) {
          const std::vector<std::string> keys =
              ScriptKeys(script, tenant, id, stage, "PutPlan", "key-1");
          ASSERT_FALSE(keys.empty()) << "script " << script;
          const int slot = cluster::KeySlot(keys[0]);
          for (const std::string& key : keys) {
            EXPECT_EQ(cluster::KeySlot(key), slot)
                << "script " << script << ": " << key << " vs " << keys[0];
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, kNumRedisScripts * 48);
}

// The keys the store writes outside scripts are in other slots than a
// plan's (which is why they are not in the scripts): a guard that this test
// would see a cross-slot script.
TEST(RedisScriptsSlotTest, TenantKeysLiveInOtherSlots) {
  const int plan_slot =
      cluster::KeySlot(RedisPlanStore::PlanKey("default", "p-1", "plan"));
  EXPECT_NE(cluster::KeySlot(RedisPlanStore::PlanIndexKey("default")),
            plan_slot);
  EXPECT_NE(cluster::KeySlot(RedisPlanStore::kChangesKey), plan_slot);
  EXPECT_EQ(cluster::KeySlot(RedisPlanStore::PlanIndexKey("default")),
            cluster::KeySlot(RedisPlanStore::UsageKey("default")));
}

}  // namespace
}  // namespace backplan::store_internal

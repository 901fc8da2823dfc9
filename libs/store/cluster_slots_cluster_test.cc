// cluster_slots against a real 3-master, 3-replica Redis Cluster started by
// scripts/redis_cluster.sh (the ctest fixture `redis_cluster`): the seeds
// ("host:port,...") are in the file $BACKPLAN_TEST_REDIS_CLUSTER_FILE, or in
// $BACKPLAN_TEST_REDIS_CLUSTER itself when run by hand against any cluster.
// Without either the tests are skipped.
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/cluster_slots.h"

namespace backplan::cluster {
namespace {

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

RespValue ToResp(const redisReply* reply) {
  RespValue value;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      value.type = RespValue::Type::kString;
      value.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      value.type = RespValue::Type::kError;
      value.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      value.type = RespValue::Type::kInteger;
      value.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      value.type = RespValue::Type::kArray;
      for (size_t i = 0; i < reply->elements; ++i) {
        value.elements.push_back(ToResp(reply->element[i]));
      }
      break;
    default:
      break;
  }
  return value;
}

class ClusterSlotsOnRealCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string seeds;
    if (const char* file = std::getenv("BACKPLAN_TEST_REDIS_CLUSTER_FILE")) {
      std::ifstream in(file);
      ASSERT_TRUE(std::getline(in, seeds)) << "cannot read " << file;
    } else if (const char* env = std::getenv("BACKPLAN_TEST_REDIS_CLUSTER")) {
      seeds = env;
    }
    if (seeds.empty()) GTEST_SKIP() << "no Redis Cluster given";
    for (absl::string_view seed : absl::StrSplit(seeds, ',')) {
      std::vector<std::string> parts = absl::StrSplit(seed, ':');
      ASSERT_EQ(parts.size(), 2u) << seed;
      NodeAddress node;
      node.host = parts[0];
      ASSERT_TRUE(absl::SimpleAtoi(parts[1], &node.port)) << seed;
      seeds_.push_back(node);
    }
    ASSERT_FALSE(seeds_.empty());
  }

  Context Connect(const NodeAddress& node) {
    Context c(redisConnect(node.host.c_str(), node.port));
    EXPECT_TRUE(c != nullptr && c->err == 0) << node.HostPort();
    return c;
  }

  Reply Command(redisContext* c, const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    std::vector<size_t> lengths;
    for (const std::string& arg : argv) {
      args.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    return Reply(static_cast<redisReply*>(redisCommandArgv(
        c, static_cast<int>(args.size()), args.data(), lengths.data())));
  }

  std::vector<NodeAddress> seeds_;
};

// Random keys, some with hash tags shaped like Backplan's, some with
// arbitrary bytes: our slot equals the server's CLUSTER KEYSLOT.
TEST_F(ClusterSlotsOnRealCluster, KeySlotMatchesClusterKeyslot) {
  Context c = Connect(seeds_[0]);
  ASSERT_TRUE(c);
  std::mt19937_64 rng(28);
  std::uniform_int_distribution<int> length(0, 24);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> shape(0, 3);
  for (int i = 0; i < 2000; ++i) {
    std::string body;
    const int n = length(rng);
    for (int j = 0; j < n; ++j) body.push_back(static_cast<char>(byte(rng)));
    std::string key;
    switch (shape(rng)) {
      case 0:
        key = body;
        break;
      case 1:
        key = absl::StrCat("bp:{t", i, "/", body, "}:plan");
        break;
      case 2:
        key = absl::StrCat(body, "{", i, "}", body);
        break;
      default:
        key = absl::StrCat("{}", body, "{", body, "}");
        break;
    }
    Reply reply = Command(c.get(), {"CLUSTER", "KEYSLOT", key});
    ASSERT_TRUE(reply && reply->type == REDIS_REPLY_INTEGER);
    ASSERT_EQ(KeySlot(key), reply->integer) << "key #" << i;
  }
}

// The parsed map sends every key to the master that accepts it, and a key
// sent to the wrong master comes back as a MOVED naming that master.
TEST_F(ClusterSlotsOnRealCluster, SlotMapRoutesAndMovedAgrees) {
  Context seed = Connect(seeds_[0]);
  ASSERT_TRUE(seed);
  Reply slots = Command(seed.get(), {"CLUSTER", "SLOTS"});
  ASSERT_TRUE(slots);
  ASSERT_OK_AND_ASSIGN(SlotMap map, SlotMap::FromClusterSlots(
                                        ToResp(slots.get()), seeds_[0].host));
  EXPECT_EQ(map.UncoveredSlots(), 0);
  const std::vector<NodeAddress> masters = map.Masters();
  ASSERT_EQ(masters.size(), 3u);
  for (const SlotRange& range : map.ranges()) {
    EXPECT_EQ(range.replicas.size(), 1u);
  }
  std::vector<Context> connections;
  connections.reserve(masters.size());
  for (const NodeAddress& master : masters) {
    connections.push_back(Connect(master));
  }
  int moved = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string key = absl::StrCat("bp:{default/p-", i, "}:plan");
    const NodeAddress* owner = map.MasterForKey(key);
    ASSERT_NE(owner, nullptr);
    for (size_t m = 0; m < masters.size(); ++m) {
      Reply reply =
          Command(connections[m].get(), {"SET", key, absl::StrCat(i)});
      ASSERT_TRUE(reply);
      if (masters[m].SameEndpoint(*owner)) {
        EXPECT_EQ(reply->type, REDIS_REPLY_STATUS) << key;
        continue;
      }
      ASSERT_EQ(reply->type, REDIS_REPLY_ERROR);
      Redirect redirect =
          ClassifyError(absl::string_view(reply->str, reply->len));
      EXPECT_EQ(redirect.kind, RedirectKind::kMoved) << reply->str;
      EXPECT_EQ(redirect.slot, KeySlot(key));
      EXPECT_TRUE(redirect.node.SameEndpoint(*owner)) << reply->str;
      ++moved;
    }
  }
  EXPECT_EQ(moved, 600);
}

}  // namespace
}  // namespace backplan::cluster

#include "libs/store/cluster_slots.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan::cluster {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

RespValue Int(int64_t value) {
  RespValue v;
  v.type = RespValue::Type::kInteger;
  v.integer = value;
  return v;
}

RespValue Str(std::string text) {
  RespValue v;
  v.type = RespValue::Type::kString;
  v.str = std::move(text);
  return v;
}

RespValue Arr(std::vector<RespValue> elements) {
  RespValue v;
  v.type = RespValue::Type::kArray;
  v.elements = std::move(elements);
  return v;
}

RespValue Node(std::string host, int port, std::string id = "") {
  std::vector<RespValue> parts = {Str(std::move(host)), Int(port)};
  if (!id.empty()) parts.push_back(Str(std::move(id)));
  return Arr(std::move(parts));
}

// The check value in Redis's src/crc16.c: "Output for "123456789": 31C3".
TEST(Crc16, MatchesRedisCheckValue) {
  EXPECT_EQ(Crc16("123456789"), 0x31C3);
  EXPECT_EQ(Crc16(""), 0);
}

// Slots Redis's own documentation prints: redis-cli's cluster tutorial
// ("Redirected to slot [12182]" for foo, 866 for hello, 5061 for bar) and
// the CLUSTER KEYSLOT page (somekey 11058, foo{hash_tag} 2515).
TEST(KeySlot, MatchesRedisDocumentation) {
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("hello"), 866);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("somekey"), 11058);
  EXPECT_EQ(KeySlot("foo{hash_tag}"), 2515);
}

// The hash tag rules of the cluster specification, with its own examples.
TEST(HashTag, FollowsTheClusterSpecification) {
  EXPECT_EQ(HashTag("{user1000}.following"), "user1000");
  EXPECT_EQ(HashTag("{user1000}.followers"), "user1000");
  EXPECT_EQ(HashTag("foo{}{bar}"), "foo{}{bar}");  // Empty tag: whole key.
  EXPECT_EQ(HashTag("foo{{bar}}zap"), "{bar");     // First { to first }.
  EXPECT_EQ(HashTag("foo{bar}{zap}"), "bar");      // Only the first tag.
  EXPECT_EQ(HashTag("no tag"), "no tag");
  EXPECT_EQ(HashTag("open{only"), "open{only");
  EXPECT_EQ(HashTag("}{x}"), "x");
  EXPECT_EQ(KeySlot("{user1000}.following"), KeySlot("user1000"));
  EXPECT_EQ(KeySlot("foo{hash_tag}"), KeySlot("hash_tag"));
}

// Backplan's layout: a plan's parts share its slot; indexes do not (which is
// why their writes move out of the plan scripts, issue 28).
TEST(KeySlot, PlanPartsShareASlot) {
  const int plan = KeySlot("bp:{default/p-17}:plan");
  EXPECT_EQ(KeySlot("bp:{default/p-17}:priorities"), plan);
  EXPECT_EQ(KeySlot("bp:{default/p-17}:schedule"), plan);
  EXPECT_EQ(KeySlot("bp:{default/p-17}:events"), plan);
  EXPECT_EQ(plan, KeySlot("default/p-17"));
  for (const char* key : {"", "a", "bp:{t/p}:plan", "\xff\xfe{\x01}"}) {
    EXPECT_GE(KeySlot(key), 0);
    EXPECT_LT(KeySlot(key), kSlotCount);
  }
}

// Three masters with one replica each, as `redis-cli --cluster create`
// lays them out.
RespValue ThreeMasters() {
  return Arr({
      Arr({Int(0), Int(5460), Node("127.0.0.1", 7000, "a"),
           Node("127.0.0.1", 7004)}),
      Arr({Int(10923), Int(16383), Node("127.0.0.1", 7002, "c"),
           Node("127.0.0.1", 7003)}),
      Arr({Int(5461), Int(10922), Node("127.0.0.1", 7001, "b"),
           Node("127.0.0.1", 7005)}),
  });
}

TEST(SlotMap, ParsesClusterSlots) {
  ASSERT_OK_AND_ASSIGN(SlotMap map,
                       SlotMap::FromClusterSlots(ThreeMasters(), "seed"));
  EXPECT_EQ(map.UncoveredSlots(), 0);
  EXPECT_EQ(map.MasterFor(0)->port, 7000);
  EXPECT_EQ(map.MasterFor(5460)->port, 7000);
  EXPECT_EQ(map.MasterFor(5461)->port, 7001);
  EXPECT_EQ(map.MasterFor(10923)->port, 7002);
  EXPECT_EQ(map.MasterFor(16383)->id, "c");
  EXPECT_EQ(map.MasterFor(16384), nullptr);
  EXPECT_EQ(map.MasterFor(-1), nullptr);
  EXPECT_EQ(map.MasterForKey("foo")->port, 7002);  // Slot 12182.
  ASSERT_EQ(map.ranges().size(), 3u);
  EXPECT_EQ(map.ranges()[1].first, 5461);  // Sorted by first slot.
  EXPECT_EQ(map.ranges()[1].replicas[0].port, 7005);
  std::vector<int> ports;
  for (const NodeAddress& node : map.Masters()) ports.push_back(node.port);
  EXPECT_THAT(ports, ElementsAre(7000, 7001, 7002));
}

TEST(SlotMap, EmptyHostMeansTheQueriedNode) {
  RespValue reply = Arr({Arr({Int(0), Int(16383), Node("", 7000)})});
  ASSERT_OK_AND_ASSIGN(SlotMap map, SlotMap::FromClusterSlots(reply, "h1"));
  EXPECT_EQ(map.MasterFor(42)->HostPort(), "h1:7000");
}

TEST(SlotMap, CountsUncoveredSlotsAndFollowsMoved) {
  RespValue reply = Arr({Arr({Int(0), Int(99), Node("a", 1)})});
  ASSERT_OK_AND_ASSIGN(SlotMap map, SlotMap::FromClusterSlots(reply, "a"));
  EXPECT_EQ(map.UncoveredSlots(), kSlotCount - 100);
  EXPECT_EQ(map.MasterFor(100), nullptr);
  map.Assign(100, NodeAddress{"b", 2, ""});
  map.Assign(5, NodeAddress{"b", 2, ""});
  map.Assign(kSlotCount, NodeAddress{"c", 3, ""});  // Ignored.
  EXPECT_EQ(map.MasterFor(100)->host, "b");
  EXPECT_EQ(map.MasterFor(5)->host, "b");
  EXPECT_EQ(map.MasterFor(4)->host, "a");
  EXPECT_EQ(map.UncoveredSlots(), kSlotCount - 101);
  EXPECT_EQ(map.Masters().size(), 2u);
}

TEST(SlotMap, RefusesMalformedReplies) {
  EXPECT_THAT(SlotMap::FromClusterSlots(Str("x"), "h"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("array")));
  RespValue error;
  error.type = RespValue::Type::kError;
  error.str = "CLUSTERDOWN Hash slot not served";
  EXPECT_THAT(
      SlotMap::FromClusterSlots(error, "h"),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("CLUSTERDOWN")));
  EXPECT_THAT(
      SlotMap::FromClusterSlots(Arr({Arr({Int(5), Int(4), Node("a", 1)})}),
                                "h"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("entry 0")));
  EXPECT_THAT(SlotMap::FromClusterSlots(
                  Arr({Arr({Int(0), Int(kSlotCount), Node("a", 1)})}), "h"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("16383")));
  EXPECT_THAT(
      SlotMap::FromClusterSlots(Arr({Arr({Int(0), Int(10), Node("a", 1)}),
                                     Arr({Int(10), Int(20), Node("b", 2)})}),
                                "h"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("entry 1: slot 10 listed twice")));
  EXPECT_THAT(SlotMap::FromClusterSlots(
                  Arr({Arr({Int(0), Int(10), Node("a", 70000)})}), "h"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("port")));
  EXPECT_THAT(SlotMap::FromClusterSlots(
                  Arr({Arr({Int(0), Int(10), Arr({Str("a")})})}), "h"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("node")));
  EXPECT_THAT(SlotMap::FromClusterSlots(Arr({Arr({Int(0), Int(10)})}), "h"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not [first, last, master")));
}

TEST(ClassifyError, ParsesMovedAndAsk) {
  Redirect moved = ClassifyError("MOVED 3999 127.0.0.1:6381");
  EXPECT_EQ(moved.kind, RedirectKind::kMoved);
  EXPECT_EQ(moved.slot, 3999);
  EXPECT_EQ(moved.node.HostPort(), "127.0.0.1:6381");

  Redirect ask = ClassifyError("ASK 3999 ::1:6381");
  EXPECT_EQ(ask.kind, RedirectKind::kAsk);
  EXPECT_EQ(ask.node.host, "::1");
  EXPECT_EQ(ask.node.HostPort(), "[::1]:6381");
  EXPECT_EQ(ClassifyError("ASK 1 [fe80::1]:7000").node.host, "fe80::1");

  Redirect same_host = ClassifyError("MOVED 12 :7001");
  EXPECT_EQ(same_host.kind, RedirectKind::kMoved);
  EXPECT_EQ(same_host.node.host, "");
  EXPECT_EQ(same_host.node.port, 7001);
}

TEST(ClassifyError, RetryableAndOtherErrors) {
  EXPECT_EQ(ClassifyError("TRYAGAIN Multiple keys request during rehashing "
                          "of slot")
                .kind,
            RedirectKind::kTryAgain);
  EXPECT_EQ(ClassifyError("CLUSTERDOWN The cluster is down").kind,
            RedirectKind::kClusterDown);
  for (const char* other :
       {"ERR unknown command", "MOVED", "MOVED 16384 a:1", "MOVED -1 a:1",
        "MOVED 1 a", "MOVED 1 a:0", "MOVED 1 a:99999", "ASK x a:1",
        "MOVED 1 a:1 extra", "NOSCRIPT No matching script", ""}) {
    EXPECT_EQ(ClassifyError(other).kind, RedirectKind::kNone) << other;
  }
}

}  // namespace
}  // namespace backplan::cluster

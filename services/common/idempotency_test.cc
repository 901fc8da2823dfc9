// Idempotency glue on the in-memory store with real protobuf requests.
#include "services/common/idempotency.h"

#include <string>

#include "absl/flags/flag.h"
#include "backplan/v1/decomposition.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/in_memory_plan_store.h"

namespace backplan {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

v1::CreatePlanRequest Create(const std::string& title, const std::string& key) {
  v1::CreatePlanRequest request;
  request.mutable_plan()->mutable_outcome()->set_title(title);
  request.set_idempotency_key(key);
  return request;
}

TEST(Idempotency, NoKeyIsPlainWrite) {
  InMemoryPlanStore store;
  ASSERT_OK_AND_ASSIGN(Idempotency once,
                       Idempotency::For("CreatePlan", Create("a", ""), ""));
  EXPECT_FALSE(once.enabled());
  v1::CreatePlanResponse response;
  ASSERT_OK_AND_ASSIGN(bool replayed, once.PutPlan(store, "t", "p", 0, "x",
                                                   {"c", "r"}, &response));
  EXPECT_FALSE(replayed);
  EXPECT_THAT(once.PutPlan(store, "t", "p", 0, "x", {"c", "r"}, &response),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("exists")));
}

TEST(Idempotency, SameRequestReplaysOtherRequestIsInvalidArgument) {
  InMemoryPlanStore store;
  ASSERT_OK_AND_ASSIGN(Idempotency once,
                       Idempotency::For("CreatePlan", Create("a", "k"), "k"));
  v1::CreatePlanResponse first;
  first.set_plan_id(once.PlanIdFor("t"));
  first.set_version(1);
  ASSERT_OK_AND_ASSIGN(bool replayed, once.PutPlan(store, "t", first.plan_id(),
                                                   0, "x", {"c", "r"}, &first));
  EXPECT_FALSE(replayed);

  // The key itself is not part of the fingerprint; the request is.
  ASSERT_OK_AND_ASSIGN(Idempotency same,
                       Idempotency::For("CreatePlan", Create("a", "k"), "k"));
  v1::CreatePlanResponse again;
  ASSERT_OK_AND_ASSIGN(replayed, same.Replay(store, "t", RecordOwner::kPlan,
                                             first.plan_id(), &again));
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.plan_id(), first.plan_id());
  EXPECT_EQ(again.version(), 1);

  ASSERT_OK_AND_ASSIGN(Idempotency other,
                       Idempotency::For("CreatePlan", Create("b", "k"), "k"));
  EXPECT_EQ(other.PlanIdFor("t"), first.plan_id());
  EXPECT_THAT(
      other.Replay(store, "t", RecordOwner::kPlan, first.plan_id(), &again),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("idempotency_key \"k\"")));
  EXPECT_THAT(
      other.PutPlan(store, "t", first.plan_id(), 0, "y", {"c", "r"}, &again),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("different CreatePlan request")));
}

TEST(Idempotency, PlanIdsDependOnTenantMethodAndKey) {
  ASSERT_OK_AND_ASSIGN(Idempotency a,
                       Idempotency::For("CreatePlan", Create("a", "k"), "k"));
  ASSERT_OK_AND_ASSIGN(Idempotency b,
                       Idempotency::For("Decompose", Create("a", "k"), "k"));
  ASSERT_OK_AND_ASSIGN(Idempotency c,
                       Idempotency::For("CreatePlan", Create("a", "k2"), "k2"));
  EXPECT_EQ(a.PlanIdFor("t"), a.PlanIdFor("t"));
  EXPECT_EQ(a.PlanIdFor("t").size(), 32u);
  EXPECT_NE(a.PlanIdFor("t"), a.PlanIdFor("u"));
  EXPECT_NE(a.PlanIdFor("t"), b.PlanIdFor("t"));
  EXPECT_NE(a.PlanIdFor("t"), c.PlanIdFor("t"));
}

TEST(Idempotency, KeyOver128BytesIsRefused) {
  const std::string key(129, 'k');
  EXPECT_THAT(Idempotency::For("CreatePlan", Create("a", key), key),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("idempotency_key")));
}

TEST(Idempotency, Sha256OfKnownInput) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace backplan

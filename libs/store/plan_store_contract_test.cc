// The PlanStore contract: every case here holds for the in-memory fake and
// for RedisPlanStore alike (see plan_store_contract_test.h).
#include "libs/store/plan_store_contract_test.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/validation.h"

namespace backplan::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

EventInfo Event(absl::string_view type, absl::string_view request_id) {
  return EventInfo{std::string(type), std::string(request_id)};
}

store_internal::EventPosition Position(const std::string& id) {
  absl::StatusOr<store_internal::EventPosition> position =
      store_internal::ParseEventPosition(id);
  EXPECT_TRUE(position.ok()) << id;
  return position.value_or(store_internal::EventPosition{});
}

TEST_P(PlanStoreContractTest, CreateGetUpdate) {
  ASSERT_OK_AND_ASSIGN(
      int64_t v1,
      store().PutPlan(kTenant, "p1", 0, "one", Event("plan.created", "r1")));
  EXPECT_EQ(v1, 1);
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p1"));
  EXPECT_EQ(plan.data, "one");
  EXPECT_EQ(plan.version, 1);
  EXPECT_FALSE(plan.priorities.has_value());
  EXPECT_FALSE(plan.schedule.has_value());

  ASSERT_OK_AND_ASSIGN(
      int64_t v2,
      store().PutPlan(kTenant, "p1", 1, "two", Event("plan.updated", "r2")));
  EXPECT_EQ(v2, 2);
  ASSERT_OK_AND_ASSIGN(plan, store().GetPlan(kTenant, "p1"));
  EXPECT_EQ(plan.data, "two");
  EXPECT_EQ(plan.version, 2);
}

TEST_P(PlanStoreContractTest, BinaryDataRoundTrips) {
  std::string data("a\0b\r\n\xff", 6);
  data += std::string(100000, 'x');
  ASSERT_OK(store().PutPlan(kTenant, "bin", 0, data, Event("t", "r")).status());
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "bin"));
  EXPECT_EQ(plan.data, data);
}

TEST_P(PlanStoreContractTest, StaleUpdateIsAborted) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "a", Event("t", "r")).status());
  ASSERT_OK(store().PutPlan(kTenant, "p", 1, "b", Event("t", "r")).status());
  EXPECT_THAT(store().PutPlan(kTenant, "p", 1, "stale", Event("t", "r")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("version")));
  EXPECT_THAT(store().PutPlan(kTenant, "p", 7, "future", Event("t", "r")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("version")));
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  EXPECT_EQ(plan.data, "b");
  EXPECT_EQ(plan.version, 2);
}

TEST_P(PlanStoreContractTest, CreateExistingIsAborted) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "a", Event("t", "r")).status());
  EXPECT_THAT(store().PutPlan(kTenant, "p", 0, "again", Event("t", "r")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("exists")));
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  EXPECT_EQ(plan.data, "a");
}

TEST_P(PlanStoreContractTest, MissingPlanIsNotFound) {
  EXPECT_THAT(store().GetPlan(kTenant, "nope"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(store().PutPlan(kTenant, "nope", 3, "x", Event("t", "r")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(store().PutStage(kTenant, "nope", StagePart::kSchedule, 1, "s",
                               Event("t", "r")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(store().DeletePlan(kTenant, "nope"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(store().ReadEvents(kTenant, "nope", "", 10, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  // The failed update created nothing.
  EXPECT_THAT(store().GetPlan(kTenant, "nope"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
}

TEST_P(PlanStoreContractTest, InvalidNamesAreRejectedNamingTheField) {
  const std::string too_long(129, 'a');
  for (absl::string_view bad :
       {absl::string_view(""), absl::string_view("a b"),
        absl::string_view("a{b"), absl::string_view("a}"),
        absl::string_view("tab\t"), absl::string_view(too_long)}) {
    SCOPED_TRACE(absl::StrCat("bad name \"", bad, "\""));
    EXPECT_THAT(
        store().GetPlan(bad, "p"),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tenant")));
    EXPECT_THAT(
        store().PutPlan(kTenant, bad, 0, "x", Event("t", "r")),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("plan_id")));
    EXPECT_THAT(
        store().PutBook(kTenant, bad, 0, "x"),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("book name")));
  }
  EXPECT_THAT(
      store().ListPlans("a/b", 10, ""),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tenant")));
  EXPECT_THAT(
      store().ListPlans(kTenant, 0, ""),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(
      store().ListBooks(kTenant, 10, "x y"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "x", Event("t", "r")).status());
  EXPECT_THAT(
      store().ReadEvents(kTenant, "p", "12-x", 10, absl::ZeroDuration()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("after_id")));
  EXPECT_THAT(
      store().ReadEvents(kTenant, "p", "", 0, absl::ZeroDuration()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_count")));
  // 128 bytes and a '/' in a plan id are fine.
  const std::string longest(128, 'z');
  EXPECT_OK(
      store().PutPlan(kTenant, longest, 0, "x", Event("t", "r")).status());
  EXPECT_OK(
      store().PutPlan(kTenant, "team/q3", 0, "x", Event("t", "r")).status());
}

TEST_P(PlanStoreContractTest, StagesCarryPlanVersion) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "v1", Event("t", "r")).status());
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kPriorities, 1, "prio1",
                             Event("priorities.updated", "r")));
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  ASSERT_TRUE(plan.priorities.has_value());
  EXPECT_EQ(plan.priorities->data, "prio1");
  EXPECT_EQ(plan.priorities->plan_version, 1);
  EXPECT_FALSE(plan.schedule.has_value());

  // A plan edit leaves the stages, now visibly computed from version 1.
  ASSERT_OK(store().PutPlan(kTenant, "p", 1, "v2", Event("t", "r")).status());
  ASSERT_OK_AND_ASSIGN(plan, store().GetPlan(kTenant, "p"));
  EXPECT_EQ(plan.version, 2);
  ASSERT_TRUE(plan.priorities.has_value());
  EXPECT_EQ(plan.priorities->plan_version, 1);

  // A stage computed from version 1 is stale now.
  EXPECT_THAT(store().PutStage(kTenant, "p", StagePart::kSchedule, 1, "sched1",
                               Event("schedule.updated", "r")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("schedule")));
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kSchedule, 2, "sched2",
                             Event("schedule.updated", "r")));
  ASSERT_OK_AND_ASSIGN(plan, store().GetPlan(kTenant, "p"));
  ASSERT_TRUE(plan.schedule.has_value());
  EXPECT_EQ(plan.schedule->data, "sched2");
  EXPECT_EQ(plan.schedule->plan_version, 2);
}

TEST_P(PlanStoreContractTest, StaleStageNeverOverwritesNewer) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "v1", Event("t", "r")).status());
  ASSERT_OK(store().PutPlan(kTenant, "p", 1, "v2", Event("t", "r")).status());
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kPriorities, 2, "new",
                             Event("t", "r")));
  EXPECT_THAT(store().PutStage(kTenant, "p", StagePart::kPriorities, 1, "old",
                               Event("t", "r")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("priorities")));
  EXPECT_THAT(store().PutStage(kTenant, "p", StagePart::kPriorities, 3,
                               "future", Event("t", "r")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("priorities")));
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  ASSERT_TRUE(plan.priorities.has_value());
  EXPECT_EQ(plan.priorities->data, "new");
  EXPECT_EQ(plan.priorities->plan_version, 2);
}

// The simulation is a third stage, kept apart from the schedule, versioned
// like it, announced by an event and deleted with the plan.
TEST_P(PlanStoreContractTest, SimulationIsAStageOfItsOwn) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "v1", Event("t", "r")).status());
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kSchedule, 1, "sched",
                             Event("schedule.updated", "r")));
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kSimulation, 1, "sim1",
                             Event("simulation.updated", "r7")));
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  ASSERT_TRUE(plan.simulation.has_value());
  EXPECT_EQ(plan.simulation->data, "sim1");
  EXPECT_EQ(plan.simulation->plan_version, 1);
  ASSERT_TRUE(plan.schedule.has_value());
  EXPECT_EQ(plan.schedule->data, "sched");
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store().ReadEvents(kTenant, "p", "", 10, absl::ZeroDuration()));
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[2].type, "simulation.updated");
  EXPECT_EQ(events[2].plan_version, 1);
  EXPECT_EQ(events[2].request_id, "r7");
  EXPECT_EQ(events[2].caller, "");

  // The caller's name is kept with the event, for plan and stage writes.
  EventInfo named = Event("plan.edited", "r8");
  named.caller = "spiffe://backplan/tenant/acme";
  ASSERT_OK(store().PutPlan(kTenant, "q", 0, "v1", named).status());
  named.type = "schedule.updated";
  ASSERT_OK(
      store().PutStage(kTenant, "q", StagePart::kSchedule, 1, "s", named));
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> named_events,
      store().ReadEvents(kTenant, "q", "", 10, absl::ZeroDuration()));
  ASSERT_THAT(named_events, SizeIs(2));
  EXPECT_EQ(named_events[0].caller, "spiffe://backplan/tenant/acme");
  EXPECT_EQ(named_events[1].caller, "spiffe://backplan/tenant/acme");

  // The plan moves on: the stored simulation stays, visibly stale, and one
  // from the old version is refused.
  ASSERT_OK(store().PutPlan(kTenant, "p", 1, "v2", Event("t", "r")).status());
  EXPECT_THAT(store().PutStage(kTenant, "p", StagePart::kSimulation, 1, "old",
                               Event("simulation.updated", "r")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("simulation")));
  ASSERT_OK_AND_ASSIGN(plan, store().GetPlan(kTenant, "p"));
  ASSERT_TRUE(plan.simulation.has_value());
  EXPECT_EQ(plan.simulation->data, "sim1");
  EXPECT_EQ(plan.simulation->plan_version, 1);

  ASSERT_OK(store().DeletePlan(kTenant, "p"));
  ASSERT_OK(
      store().PutPlan(kTenant, "p", 0, "again", Event("t", "r")).status());
  ASSERT_OK_AND_ASSIGN(plan, store().GetPlan(kTenant, "p"));
  EXPECT_FALSE(plan.simulation.has_value());
}

TEST_P(PlanStoreContractTest, DeleteRemovesPlanStagesAndEvents) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "v1", Event("t", "r")).status());
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kPriorities, 1, "x",
                             Event("t", "r")));
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kSchedule, 1, "y",
                             Event("t", "r")));
  ASSERT_OK(store().DeletePlan(kTenant, "p"));
  EXPECT_THAT(store().GetPlan(kTenant, "p"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("p")));
  EXPECT_THAT(store().ReadEvents(kTenant, "p", "", 10, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("p")));
  ASSERT_OK_AND_ASSIGN(PlanPage page, store().ListPlans(kTenant, 10, ""));
  EXPECT_THAT(page.plans, IsEmpty());
  EXPECT_THAT(store().DeletePlan(kTenant, "p"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("p")));

  // Re-created from scratch: version 1, no stages, only the new event.
  ASSERT_OK_AND_ASSIGN(
      int64_t version,
      store().PutPlan(kTenant, "p", 0, "again", Event("plan.created", "r9")));
  EXPECT_EQ(version, 1);
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  EXPECT_FALSE(plan.priorities.has_value());
  EXPECT_FALSE(plan.schedule.has_value());
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store().ReadEvents(kTenant, "p", "", 10, absl::ZeroDuration()));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].request_id, "r9");
}

TEST_P(PlanStoreContractTest, ListPagesInIdOrder) {
  std::vector<std::string> ids;
  ids.reserve(57);
  for (int i = 0; i < 57; ++i) ids.push_back(absl::StrFormat("plan-%03d", i));
  std::vector<std::string> shuffled = ids;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  for (const std::string& id : shuffled) {
    ASSERT_OK(store().PutPlan(kTenant, id, 0, "x", Event("t", "r")).status());
  }
  // Some plans at version 2, so versions are listed correctly.
  ASSERT_OK(
      store().PutPlan(kTenant, "plan-010", 1, "y", Event("t", "r")).status());

  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(PlanPage page, store().ListPlans(kTenant, 10, token));
    EXPECT_LE(page.plans.size(), 10u);
    for (const PlanSummary& summary : page.plans) {
      listed.push_back(summary.plan_id);
      EXPECT_EQ(summary.version, summary.plan_id == "plan-010" ? 2 : 1)
          << summary.plan_id;
    }
    token = page.next_page_token;
    ASSERT_LT(++pages, 20);
  } while (!token.empty());
  EXPECT_EQ(pages, 6);
  EXPECT_EQ(listed, ids);

  // An exact fit has no next page.
  ASSERT_OK_AND_ASSIGN(PlanPage all, store().ListPlans(kTenant, 57, ""));
  EXPECT_THAT(all.plans, SizeIs(57));
  EXPECT_EQ(all.next_page_token, "");
  // A token need not be an existing id.
  ASSERT_OK_AND_ASSIGN(PlanPage after,
                       store().ListPlans(kTenant, 2, "plan-0305"));
  ASSERT_THAT(after.plans, SizeIs(2));
  EXPECT_EQ(after.plans[0].plan_id, "plan-031");
}

TEST_P(PlanStoreContractTest, TenantsAreIsolated) {
  ASSERT_OK(store().PutPlan("a", "shared", 0, "A's", Event("t", "r")).status());
  ASSERT_OK(store().PutPlan("a", "only-a", 0, "A's", Event("t", "r")).status());
  ASSERT_OK(store().PutBook("a", "recipes", 0, "A's book").status());

  EXPECT_THAT(store().GetPlan("b", "shared"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("shared")));
  EXPECT_THAT(store().GetBook("b", "recipes"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("recipes")));
  ASSERT_OK_AND_ASSIGN(PlanPage plans, store().ListPlans("b", 100, ""));
  EXPECT_THAT(plans.plans, IsEmpty());
  ASSERT_OK_AND_ASSIGN(BookPage books, store().ListBooks("b", 100, ""));
  EXPECT_THAT(books.names, IsEmpty());
  EXPECT_THAT(store().DeletePlan("b", "shared"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("shared")));
  EXPECT_THAT(store().ReadEvents("b", "shared", "", 10, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("shared")));

  // B's plan of the same id is independent.
  ASSERT_OK_AND_ASSIGN(int64_t version, store().PutPlan("b", "shared", 0, "B's",
                                                        Event("t", "r")));
  EXPECT_EQ(version, 1);
  ASSERT_OK(store().PutStage("b", "shared", StagePart::kSchedule, 1, "B sched",
                             Event("t", "r")));
  ASSERT_OK_AND_ASSIGN(StoredPlan a_plan, store().GetPlan("a", "shared"));
  EXPECT_EQ(a_plan.data, "A's");
  EXPECT_FALSE(a_plan.schedule.has_value());
  ASSERT_OK_AND_ASSIGN(plans, store().ListPlans("b", 100, ""));
  ASSERT_THAT(plans.plans, SizeIs(1));
  EXPECT_EQ(plans.plans[0].plan_id, "shared");
  ASSERT_OK_AND_ASSIGN(plans, store().ListPlans("a", 100, ""));
  EXPECT_THAT(plans.plans, SizeIs(2));
}

TEST_P(PlanStoreContractTest, EveryWriteAppendsAnEvent) {
  ASSERT_OK(store()
                .PutPlan(kTenant, "p", 0, "v1", Event("plan.created", "req-1"))
                .status());
  ASSERT_OK(store()
                .PutPlan(kTenant, "p", 1, "v2", Event("plan.updated", "req-2"))
                .status());
  ASSERT_OK(store().PutStage(kTenant, "p", StagePart::kPriorities, 2, "x",
                             Event("priorities.updated", "req-3")));
  // Failed writes append nothing.
  EXPECT_FALSE(store().PutPlan(kTenant, "p", 1, "no", Event("bad", "x")).ok());
  EXPECT_FALSE(store()
                   .PutStage(kTenant, "p", StagePart::kSchedule, 1, "no",
                             Event("bad", "x"))
                   .ok());

  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store().ReadEvents(kTenant, "p", "", 100, absl::ZeroDuration()));
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[0].type, "plan.created");
  EXPECT_EQ(events[0].plan_version, 1);
  EXPECT_EQ(events[0].request_id, "req-1");
  EXPECT_EQ(events[1].type, "plan.updated");
  EXPECT_EQ(events[1].plan_version, 2);
  EXPECT_EQ(events[1].request_id, "req-2");
  EXPECT_EQ(events[2].type, "priorities.updated");
  EXPECT_EQ(events[2].plan_version, 2);
  EXPECT_EQ(events[2].request_id, "req-3");
  EXPECT_TRUE(Position(events[0].id) < Position(events[1].id));
  EXPECT_TRUE(Position(events[1].id) < Position(events[2].id));

  // "0" also means from the start.
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> from_zero,
      store().ReadEvents(kTenant, "p", "0", 100, absl::ZeroDuration()));
  EXPECT_THAT(from_zero, SizeIs(3));
  ASSERT_OK_AND_ASSIGN(std::vector<PlanEvent> after_first,
                       store().ReadEvents(kTenant, "p", events[0].id, 100,
                                          absl::ZeroDuration()));
  ASSERT_THAT(after_first, SizeIs(2));
  EXPECT_EQ(after_first[0].id, events[1].id);
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> one,
      store().ReadEvents(kTenant, "p", "", 1, absl::ZeroDuration()));
  ASSERT_THAT(one, SizeIs(1));
  EXPECT_EQ(one[0].id, events[0].id);
  ASSERT_OK_AND_ASSIGN(std::vector<PlanEvent> none,
                       store().ReadEvents(kTenant, "p", events[2].id, 100,
                                          absl::ZeroDuration()));
  EXPECT_THAT(none, IsEmpty());
}

TEST_P(PlanStoreContractTest, ReadEventsWaitTimesOutEmpty) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "v1", Event("t", "r")).status());
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store().ReadEvents(kTenant, "p", "", 10, absl::ZeroDuration()));
  ASSERT_THAT(events, SizeIs(1));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(std::vector<PlanEvent> none,
                       store().ReadEvents(kTenant, "p", events[0].id, 10,
                                          absl::Milliseconds(200)));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_THAT(none, IsEmpty());
  EXPECT_GE(elapsed, std::chrono::milliseconds(150));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_P(PlanStoreContractTest, ReadEventsWaitWakesOnWrite) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "v1", Event("t", "r")).status());
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store().ReadEvents(kTenant, "p", "", 10, absl::ZeroDuration()));
  ASSERT_THAT(events, SizeIs(1));
  const std::string last = events[0].id;

  absl::StatusOr<std::vector<PlanEvent>> woken;
  std::chrono::steady_clock::duration waited{};
  std::thread reader([&] {
    const auto start = std::chrono::steady_clock::now();
    woken = store().ReadEvents(kTenant, "p", last, 10, absl::Seconds(10));
    waited = std::chrono::steady_clock::now() - start;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_OK(store()
                .PutPlan(kTenant, "p", 1, "v2", Event("plan.updated", "wake"))
                .status());
  reader.join();
  ASSERT_OK(woken.status());
  ASSERT_THAT(*woken, SizeIs(1));
  EXPECT_EQ((*woken)[0].request_id, "wake");
  EXPECT_EQ((*woken)[0].plan_version, 2);
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_P(PlanStoreContractTest, BooksCrudAndVersions) {
  ASSERT_OK_AND_ASSIGN(int64_t v1,
                       store().PutBook(kTenant, "kitchen", 0, "b1"));
  EXPECT_EQ(v1, 1);
  ASSERT_OK_AND_ASSIGN(StoredBook book, store().GetBook(kTenant, "kitchen"));
  EXPECT_EQ(book.data, "b1");
  EXPECT_EQ(book.version, 1);
  ASSERT_OK_AND_ASSIGN(int64_t v2,
                       store().PutBook(kTenant, "kitchen", 1, "b2"));
  EXPECT_EQ(v2, 2);
  EXPECT_THAT(store().PutBook(kTenant, "kitchen", 1, "stale"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("kitchen")));
  EXPECT_THAT(store().PutBook(kTenant, "kitchen", 0, "again"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("exists")));
  EXPECT_THAT(store().PutBook(kTenant, "missing", 4, "x"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  ASSERT_OK_AND_ASSIGN(book, store().GetBook(kTenant, "kitchen"));
  EXPECT_EQ(book.data, "b2");
  EXPECT_EQ(book.version, 2);

  // A book and a plan of the same name do not collide.
  ASSERT_OK(
      store().PutPlan(kTenant, "kitchen", 0, "plan", Event("t", "r")).status());
  ASSERT_OK(store()
                .PutPlan(kTenant, "book/kitchen", 0, "p", Event("t", "r"))
                .status());

  for (const char* name : {"b", "a", "d", "c"}) {
    ASSERT_OK(store().PutBook(kTenant, name, 0, name).status());
  }
  ASSERT_OK_AND_ASSIGN(BookPage page, store().ListBooks(kTenant, 3, ""));
  EXPECT_THAT(page.names, ElementsAre("a", "b", "c"));
  ASSERT_FALSE(page.next_page_token.empty());
  ASSERT_OK_AND_ASSIGN(page,
                       store().ListBooks(kTenant, 3, page.next_page_token));
  EXPECT_THAT(page.names, ElementsAre("d", "kitchen"));
  EXPECT_EQ(page.next_page_token, "");

  ASSERT_OK(store().DeleteBook(kTenant, "kitchen"));
  EXPECT_THAT(store().GetBook(kTenant, "kitchen"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("kitchen")));
  EXPECT_THAT(store().DeleteBook(kTenant, "kitchen"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("kitchen")));
  ASSERT_OK_AND_ASSIGN(page, store().ListBooks(kTenant, 10, ""));
  EXPECT_THAT(page.names, ElementsAre("a", "b", "c", "d"));
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "kitchen"));
  EXPECT_EQ(plan.data, "plan");
  ASSERT_OK_AND_ASSIGN(int64_t recreated,
                       store().PutBook(kTenant, "kitchen", 0, "b3"));
  EXPECT_EQ(recreated, 1);
}

TEST_P(PlanStoreContractTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  ASSERT_OK(
      store().PutPlan(kTenant, "counter", 0, "0", Event("t", "r")).status());
  std::atomic<int> failures{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        for (int attempt = 0;; ++attempt) {
          if (attempt > 10000) {
            ++failures;
            return;
          }
          absl::StatusOr<StoredPlan> plan = store().GetPlan(kTenant, "counter");
          if (!plan.ok()) {
            ++failures;
            return;
          }
          int64_t value = 0;
          if (!absl::SimpleAtoi(plan->data, &value)) {
            ++failures;
            return;
          }
          absl::StatusOr<int64_t> put = store().PutPlan(
              kTenant, "counter", plan->version, absl::StrCat(value + 1),
              Event("counter.incremented", absl::StrCat("t", t, "-", i)));
          if (put.ok()) break;
          if (put.status().code() != absl::StatusCode::kAborted) {
            ++failures;
            return;
          }
          ++conflicts;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "counter"));
  EXPECT_EQ(plan.data, absl::StrCat(kThreads * kIncrements));
  EXPECT_EQ(plan.version, 1 + kThreads * kIncrements);
  std::printf("%d increments, %d version conflicts retried\n",
              kThreads * kIncrements, conflicts.load());
}

// A seeded random sequence of operations, checked step by step against a
// std::map oracle.
TEST_P(PlanStoreContractTest, RandomOperationsMatchOracle) {
  constexpr uint32_t kSeed = 20240611;
  constexpr int kSteps = 1500;
  SCOPED_TRACE(absl::StrCat("seed ", kSeed));
  struct Model {
    std::string data;
    int64_t version = 0;
    std::optional<StoredStage> priorities;
    std::optional<StoredStage> schedule;
  };
  std::map<std::string, Model> oracle;
  std::mt19937 rng(kSeed);
  auto pick = [&](int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(rng);
  };
  for (int step = 0; step < kSteps; ++step) {
    SCOPED_TRACE(absl::StrCat("step ", step));
    const std::string id = absl::StrCat("id", pick(12));
    auto it = oracle.find(id);
    const bool exists = it != oracle.end();
    const int64_t current = exists ? it->second.version : 0;
    switch (pick(6)) {
      case 0:
      case 1: {  // Put, usually with the right version.
        const bool right = pick(4) != 0;
        const int64_t expected = right ? current : current + 1 + pick(2);
        const std::string data = absl::StrCat("d", step);
        absl::StatusOr<int64_t> put =
            store().PutPlan(kTenant, id, expected, data, Event("t", "r"));
        if (right) {
          ASSERT_OK(put.status());
          EXPECT_EQ(*put, current + 1);
          Model& model = oracle[id];
          model.data = data;
          model.version = current + 1;
        } else if (!exists && expected > 0) {
          EXPECT_THAT(put,
                      StatusIs(absl::StatusCode::kNotFound, HasSubstr(id)));
        } else {
          EXPECT_THAT(put, StatusIs(absl::StatusCode::kAborted, HasSubstr(id)));
        }
        break;
      }
      case 2: {  // Get.
        absl::StatusOr<StoredPlan> got = store().GetPlan(kTenant, id);
        if (!exists) {
          EXPECT_THAT(got,
                      StatusIs(absl::StatusCode::kNotFound, HasSubstr(id)));
          break;
        }
        ASSERT_OK(got.status());
        EXPECT_EQ(got->data, it->second.data);
        EXPECT_EQ(got->version, it->second.version);
        EXPECT_EQ(got->priorities.has_value(),
                  it->second.priorities.has_value());
        if (got->priorities && it->second.priorities) {
          EXPECT_EQ(got->priorities->data, it->second.priorities->data);
          EXPECT_EQ(got->priorities->plan_version,
                    it->second.priorities->plan_version);
        }
        EXPECT_EQ(got->schedule.has_value(), it->second.schedule.has_value());
        if (got->schedule && it->second.schedule) {
          EXPECT_EQ(got->schedule->data, it->second.schedule->data);
          EXPECT_EQ(got->schedule->plan_version,
                    it->second.schedule->plan_version);
        }
        break;
      }
      case 3: {  // Delete, rarely.
        if (pick(3) != 0) break;
        absl::Status deleted = store().DeletePlan(kTenant, id);
        if (exists) {
          ASSERT_OK(deleted);
          oracle.erase(it);
        } else {
          EXPECT_THAT(deleted,
                      StatusIs(absl::StatusCode::kNotFound, HasSubstr(id)));
        }
        break;
      }
      case 4: {  // Stage, sometimes stale.
        const StagePart part =
            pick(2) == 0 ? StagePart::kPriorities : StagePart::kSchedule;
        const int64_t from = pick(3) != 0 ? current : current - 1;
        const std::string data = absl::StrCat("s", step);
        absl::Status staged =
            store().PutStage(kTenant, id, part, from, data, Event("t", "r"));
        if (!exists) {
          EXPECT_THAT(staged,
                      StatusIs(absl::StatusCode::kNotFound, HasSubstr(id)));
        } else if (from != current) {
          EXPECT_THAT(staged,
                      StatusIs(absl::StatusCode::kAborted, HasSubstr(id)));
        } else {
          ASSERT_OK(staged);
          (part == StagePart::kPriorities ? it->second.priorities
                                          : it->second.schedule) =
              StoredStage{data, from};
        }
        break;
      }
      case 5: {  // Full listing with a random page size.
        const int page_size = 1 + pick(5);
        std::vector<PlanSummary> listed;
        std::string token;
        int pages = 0;
        do {
          ASSERT_OK_AND_ASSIGN(PlanPage page,
                               store().ListPlans(kTenant, page_size, token));
          ASSERT_LE(page.plans.size(), static_cast<size_t>(page_size));
          listed.insert(listed.end(), page.plans.begin(), page.plans.end());
          token = page.next_page_token;
          ASSERT_LT(++pages, 100);
        } while (!token.empty());
        ASSERT_EQ(listed.size(), oracle.size());
        size_t i = 0;
        for (const auto& [oracle_id, model] : oracle) {
          EXPECT_EQ(listed[i].plan_id, oracle_id);
          EXPECT_EQ(listed[i].version, model.version);
          ++i;
        }
        break;
      }
    }
    if (HasFatalFailure() || ::testing::Test::HasFailure()) return;
  }
}

TEST_P(PlanStoreContractTest, PingIsOk) { EXPECT_OK(store().Ping()); }

// --- Idempotent writes -----------------------------------------------------

MATCHER(HoldsNoRecord, "is OK and holds no record") {
  return arg.ok() && !arg->has_value();
}
MATCHER_P2(HoldsRecord, hash, response, "is OK and holds the record") {
  return arg.ok() && arg->has_value() && (*arg)->request_hash == hash &&
         (*arg)->response == response;
}

IdempotencyRecord Record(absl::string_view method, absl::string_view key,
                         absl::string_view hash, absl::string_view response,
                         absl::Duration ttl = absl::Hours(24)) {
  return IdempotencyRecord{std::string(method), std::string(key),
                           std::string(hash), std::string(response), ttl};
}

TEST_P(PlanStoreContractTest, OnceWritesThenReplaysWithoutWriting) {
  const IdempotencyRecord create = Record("CreatePlan", "k1", "h1", "resp-1");
  ASSERT_OK_AND_ASSIGN(
      OnceResult first,
      store().PutPlanOnce(kTenant, "p", 0, "one", Event("plan.created", "r1"),
                          create));
  EXPECT_FALSE(first.replay.has_value());
  EXPECT_EQ(first.version, 1);
  // The retry would be ABORTED as a plain write (the plan exists); with the
  // record it is a replay and writes nothing.
  ASSERT_OK_AND_ASSIGN(
      OnceResult again,
      store().PutPlanOnce(kTenant, "p", 0, "other", Event("plan.created", "r2"),
                          Record("CreatePlan", "k1", "h2", "resp-2")));
  ASSERT_TRUE(again.replay.has_value());
  EXPECT_EQ(again.replay->request_hash, "h1");
  EXPECT_EQ(again.replay->response, "resp-1");
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  EXPECT_EQ(plan.data, "one");
  EXPECT_EQ(plan.version, 1);
  ASSERT_OK_AND_ASSIGN(
      std::vector<PlanEvent> events,
      store().ReadEvents(kTenant, "p", "", 100, absl::ZeroDuration()));
  EXPECT_THAT(events, SizeIs(1));
  ASSERT_OK_AND_ASSIGN(
      std::optional<RecordedResponse> found,
      store().GetRecord(kTenant, RecordOwner::kPlan, "p", "CreatePlan", "k1"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->response, "resp-1");
  // Records are per method and per key.
  EXPECT_THAT(
      store().GetRecord(kTenant, RecordOwner::kPlan, "p", "EditPlan", "k1"),
      HoldsNoRecord());
  EXPECT_THAT(
      store().GetRecord(kTenant, RecordOwner::kPlan, "p", "CreatePlan", "k2"),
      HoldsNoRecord());
}

TEST_P(PlanStoreContractTest, RefusedOnceWriteLeavesNoRecord) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "a", Event("t", "r")).status());
  EXPECT_THAT(store().PutPlanOnce(kTenant, "p", 5, "b", Event("t", "r"),
                                  Record("EditPlan", "k", "h", "x")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("version")));
  EXPECT_THAT(
      store().GetRecord(kTenant, RecordOwner::kPlan, "p", "EditPlan", "k"),
      HoldsNoRecord());
  EXPECT_THAT(
      store().PutStageOnce(kTenant, "nope", StagePart::kSchedule, 1, "s",
                           Event("t", "r"), Record("Schedule", "k", "h", "x")),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("not found")));
  EXPECT_THAT(store().PutBookOnce(kTenant, "b", 3, "d",
                                  Record("PutRecipeBook", "k", "h", "x")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("not found")));
}

TEST_P(PlanStoreContractTest, StageAndBookOnceReplay) {
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "a", Event("t", "r")).status());
  const IdempotencyRecord rec = Record("Prioritize", "k", "h", "prio-resp");
  ASSERT_OK_AND_ASSIGN(
      OnceResult stage,
      store().PutStageOnce(kTenant, "p", StagePart::kPriorities, 1, "s1",
                           Event("priorities.updated", "r"), rec));
  EXPECT_FALSE(stage.replay.has_value());
  EXPECT_EQ(stage.version, 1);
  ASSERT_OK(store().PutPlan(kTenant, "p", 1, "b", Event("t", "r")).status());
  // Stale as a plain stage write, but a replay of the recorded one.
  ASSERT_OK_AND_ASSIGN(
      stage, store().PutStageOnce(kTenant, "p", StagePart::kPriorities, 1, "s2",
                                  Event("priorities.updated", "r"), rec));
  ASSERT_TRUE(stage.replay.has_value());
  EXPECT_EQ(stage.replay->response, "prio-resp");
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  ASSERT_TRUE(plan.priorities.has_value());
  EXPECT_EQ(plan.priorities->data, "s1");

  const IdempotencyRecord book = Record("PutRecipeBook", "bk", "hb", "b-resp");
  ASSERT_OK_AND_ASSIGN(OnceResult put,
                       store().PutBookOnce(kTenant, "book", 0, "v1", book));
  EXPECT_EQ(put.version, 1);
  ASSERT_OK_AND_ASSIGN(put,
                       store().PutBookOnce(kTenant, "book", 0, "v1", book));
  ASSERT_TRUE(put.replay.has_value());
  EXPECT_EQ(put.replay->response, "b-resp");
  ASSERT_OK_AND_ASSIGN(StoredBook stored, store().GetBook(kTenant, "book"));
  EXPECT_EQ(stored.version, 1);
  // A book's record is not a plan's, even with the same name.
  EXPECT_THAT(store().GetRecord(kTenant, RecordOwner::kPlan, "book",
                                "PutRecipeBook", "bk"),
              HoldsNoRecord());
  // Nor another tenant's.
  EXPECT_THAT(store().GetRecord("other", RecordOwner::kBook, "book",
                                "PutRecipeBook", "bk"),
              HoldsNoRecord());
}

TEST_P(PlanStoreContractTest, RecordIsForgottenAfterItsTtl) {
  const IdempotencyRecord rec =
      Record("Prioritize", "k", "h", "resp", absl::Milliseconds(150));
  ASSERT_OK(store().PutPlan(kTenant, "p", 0, "a", Event("t", "r")).status());
  ASSERT_OK(store()
                .PutStageOnce(kTenant, "p", StagePart::kPriorities, 1, "s1",
                              Event("t", "r"), rec)
                .status());
  ASSERT_OK_AND_ASSIGN(
      std::optional<RecordedResponse> found,
      store().GetRecord(kTenant, RecordOwner::kPlan, "p", "Prioritize", "k"));
  EXPECT_TRUE(found.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_THAT(
      store().GetRecord(kTenant, RecordOwner::kPlan, "p", "Prioritize", "k"),
      HoldsNoRecord());
  // Forgotten: the same key writes again.
  ASSERT_OK_AND_ASSIGN(
      OnceResult again,
      store().PutStageOnce(kTenant, "p", StagePart::kPriorities, 1, "s2",
                           Event("t", "r"), rec));
  EXPECT_FALSE(again.replay.has_value());
  ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "p"));
  EXPECT_EQ(plan.priorities->data, "s2");
}

TEST_P(PlanStoreContractTest, IdempotencyKeyIsBounded) {
  const std::string long_key(129, 'k');
  EXPECT_THAT(store().PutPlanOnce(kTenant, "p", 0, "a", Event("t", "r"),
                                  Record("CreatePlan", long_key, "h", "x")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("idempotency_key")));
  EXPECT_THAT(
      store().GetRecord(kTenant, RecordOwner::kPlan, "p", "CreatePlan", ""),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("idempotency_key")));
  EXPECT_THAT(store().GetPlan(kTenant, "p"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("not found")));
  // 128 bytes of anything, braces included, is a usable key.
  const std::string max_key = std::string(120, 'k') + "{x}/: \n\t";
  ASSERT_EQ(max_key.size(), 128u);
  ASSERT_OK(store()
                .PutPlanOnce(kTenant, "p", 0, "a", Event("t", "r"),
                             Record("CreatePlan", max_key, "h", "x"))
                .status());
  EXPECT_THAT(store().GetRecord(kTenant, RecordOwner::kPlan, "p", "CreatePlan",
                                max_key),
              HoldsRecord("h", "x"));
}

TEST_P(PlanStoreContractTest, ConcurrentOnceWritesWriteOnce) {
  // Eight racing retries of one create and then of one edit: one write
  // each, the others replay the first one's record.
  for (const auto& [method, expected] :
       std::vector<std::pair<std::string, int64_t>>{{"CreatePlan", 0},
                                                    {"EditPlan", 1}}) {
    std::vector<std::thread> threads;
    threads.reserve(8);
    std::atomic<int> written{0}, replayed{0}, failed{0};
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i, method = method, expected = expected] {
        absl::StatusOr<OnceResult> result = store().PutPlanOnce(
            kTenant, "race", expected, absl::StrCat(method, i), Event("t", "r"),
            Record(method, "key", "h", absl::StrCat("from ", i)));
        if (!result.ok()) {
          ++failed;
        } else if (result->replay) {
          ++replayed;
        } else {
          ++written;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(written.load(), 1) << method;
    EXPECT_EQ(replayed.load(), 7) << method;
    EXPECT_EQ(failed.load(), 0) << method;
    ASSERT_OK_AND_ASSIGN(StoredPlan plan, store().GetPlan(kTenant, "race"));
    EXPECT_EQ(plan.version, expected + 1) << method;
  }
}

}  // namespace
}  // namespace backplan::testing

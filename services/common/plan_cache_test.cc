// CachedPlanReader::ReadForSchedule (plan_cache.h) over a real
// InMemoryPlanStore: the graph and calendar cached with a plan version are
// those the plan builds, are reused while the version stands, and are
// rebuilt when it changes.
#include "services/common/plan_cache.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/store/in_memory_plan_store.h"
#include "services/common/service_testing.h"

namespace backplan {
namespace {

using ::backplan::testing::ChainPlan;

std::vector<std::string> NodeIds(const PlanGraph& graph) {
  std::vector<std::string> ids;
  for (const PlanGraph::Node& node : graph.nodes) ids.push_back(node.id);
  return ids;
}

class PlanCacheTest : public ::testing::Test {
 protected:
  InMemoryPlanStore store_;
  CachedPlanReader reader_{&store_, 1 << 20};
};

TEST_F(PlanCacheTest, GraphAndCalendarAreThePlansAndLiveWithItsVersion) {
  v1::Plan proto = ChainPlan();
  ASSERT_OK(
      store_.PutPlan("t", "p", 0, proto.SerializeAsString(), {}).status());

  ASSERT_OK_AND_ASSIGN(CachedPlanReader::ForSchedule first,
                       reader_.ReadForSchedule("t", "p"));
  ASSERT_NE(first.graph, nullptr);
  ASSERT_NE(first.calendar, nullptr);
  ASSERT_OK_AND_ASSIGN(PlanGraph built, BuildPlanGraph(*first.plan));
  EXPECT_EQ(NodeIds(*first.graph), NodeIds(built));
  EXPECT_EQ(first.graph->num_edges(), built.num_edges());
  EXPECT_OK(CheckGraphOfPlan(*first.plan, *first.graph));
  // Sat 2027-06-12 is not a working day of the default calendar.
  EXPECT_FALSE(first.calendar->IsWorkingDay(absl::CivilDay(2027, 6, 12)));
  EXPECT_TRUE(first.calendar->IsWorkingDay(absl::CivilDay(2027, 6, 14)));

  // Same version: the very same objects.
  ASSERT_OK_AND_ASSIGN(CachedPlanReader::ForSchedule again,
                       reader_.ReadForSchedule("t", "p"));
  EXPECT_EQ(again.graph.get(), first.graph.get());
  EXPECT_EQ(again.calendar.get(), first.calendar.get());

  // A new version with a task "d" and Mondays off: both are rebuilt.
  v1::Task* task = proto.add_tasks();
  task->set_id("d");
  task->set_title("task d");
  task->set_duration_days(1);
  for (int weekday = 2; weekday <= 5; ++weekday) {
    proto.mutable_calendar()->add_working_weekdays(
        static_cast<v1::Weekday>(weekday));
  }
  ASSERT_OK(
      store_.PutPlan("t", "p", 1, proto.SerializeAsString(), {}).status());
  ASSERT_OK_AND_ASSIGN(CachedPlanReader::ForSchedule changed,
                       reader_.ReadForSchedule("t", "p"));
  EXPECT_EQ(changed.version, 2);
  ASSERT_NE(changed.graph, nullptr);
  ASSERT_NE(changed.calendar, nullptr);
  ASSERT_OK_AND_ASSIGN(PlanGraph rebuilt, BuildPlanGraph(*changed.plan));
  EXPECT_EQ(NodeIds(*changed.graph), NodeIds(rebuilt));
  EXPECT_THAT(NodeIds(*changed.graph), ::testing::Contains("d"));
  EXPECT_OK(CheckGraphOfPlan(*changed.plan, *changed.graph));
  EXPECT_FALSE(changed.calendar->IsWorkingDay(absl::CivilDay(2027, 6, 14)));
  EXPECT_TRUE(changed.calendar->IsWorkingDay(absl::CivilDay(2027, 6, 15)));
  // The first read's objects stay valid for whoever still holds them.
  EXPECT_EQ(first.graph->nodes.size(), built.nodes.size());
}

TEST_F(PlanCacheTest, WithoutACacheEveryReadBuildsAgain) {
  CachedPlanReader uncached(&store_, 0);
  ASSERT_OK(store_.PutPlan("t", "p", 0, ChainPlan().SerializeAsString(), {})
                .status());
  ASSERT_OK_AND_ASSIGN(CachedPlanReader::ForSchedule a,
                       uncached.ReadForSchedule("t", "p"));
  ASSERT_OK_AND_ASSIGN(CachedPlanReader::ForSchedule b,
                       uncached.ReadForSchedule("t", "p"));
  ASSERT_NE(a.graph, nullptr);
  ASSERT_NE(b.graph, nullptr);
  EXPECT_NE(a.graph.get(), b.graph.get());
  EXPECT_EQ(NodeIds(*a.graph), NodeIds(*b.graph));
}

}  // namespace
}  // namespace backplan

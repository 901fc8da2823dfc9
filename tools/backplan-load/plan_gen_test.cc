#include "tools/backplan-load/plan_gen.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "backplan/v1/scheduling.pb.h"
#include "gtest/gtest.h"
#include "tools/backplan-load/scenarios.h"

namespace backplan::load {
namespace {

TEST(GeneratePlan, IsAnAcyclicPlanOfTheRequestedSize) {
  const v1::Plan plan = GeneratePlan({.tasks = 50});
  ASSERT_EQ(plan.tasks_size(), 50);
  std::map<std::string, int> index;
  for (int i = 0; i < plan.tasks_size(); ++i) index[plan.tasks(i).id()] = i;
  EXPECT_GT(plan.dependencies_size(), 20);
  std::map<int, int> predecessors;
  for (const v1::Dependency& d : plan.dependencies()) {
    ASSERT_TRUE(index.count(d.predecessor_id()));
    ASSERT_TRUE(index.count(d.successor_id()));
    // Edges only go forward: no cycle.
    EXPECT_LT(index[d.predecessor_id()], index[d.successor_id()]);
    ++predecessors[index[d.successor_id()]];
  }
  for (const auto& [task, count] : predecessors) EXPECT_LE(count, 3);
  for (const v1::Task& task : plan.tasks()) {
    EXPECT_GE(task.duration_days(), 1);
    EXPECT_LE(task.duration_days(), 10);
  }
  EXPECT_TRUE(plan.goals().empty());
}

TEST(GeneratePlan, IsDeterministicForASeed) {
  EXPECT_EQ(GeneratePlan({.tasks = 30, .seed = 7}).SerializeAsString(),
            GeneratePlan({.tasks = 30, .seed = 7}).SerializeAsString());
  EXPECT_NE(GeneratePlan({.tasks = 30, .seed = 7}).SerializeAsString(),
            GeneratePlan({.tasks = 30, .seed = 8}).SerializeAsString());
}

TEST(GeneratePlan, SplitsTasksAmongGoals) {
  const v1::Plan plan = GeneratePlan({.tasks = 50, .goals = 5});
  ASSERT_EQ(plan.goals_size(), 5);
  EXPECT_EQ(plan.outcome_goal_id(), "g0");
  EXPECT_EQ(plan.goals(0).sub_goal_ids_size(), 4);
  EXPECT_EQ(plan.goals(0).task_ids_size(), 0);
  int tasks = 0;
  for (const v1::Goal& goal : plan.goals()) tasks += goal.task_ids_size();
  EXPECT_EQ(tasks, 50);
}

TEST(GenerateBook, HasFiveTasksPerRecipe) {
  const GeneratedBook book = GenerateBook(50);
  EXPECT_EQ(book.tasks, 50);
  EXPECT_EQ(book.goals, 10);
  EXPECT_TRUE(absl::StrContains(book.yaml, "goal: \"{product} level 9 done\""));
  EXPECT_TRUE(absl::StrContains(book.yaml, "- \"{product} level 4 done\""));
  EXPECT_EQ(book.root_goal, "kindle level 0 done");
  ASSERT_EQ(book.book.recipes_size(), 10);
  EXPECT_EQ(book.book.recipes(9).goal(), "{product} level 9 done");
  EXPECT_EQ(book.book.recipes(3).sub_goals_size(), 2);  // Levels 7 and 8.
  EXPECT_EQ(book.book.recipes(4).sub_goals_size(), 1);  // Level 9.
  EXPECT_EQ(book.book.recipes(4).tasks_size(), 5);
  EXPECT_EQ(book.book.recipes(4).tasks(1).after(0),
            "step 0 of level 4 for {product}");
}

TEST(PrepareCall, ResolvesMethodSpellingsAndParsesJson) {
  for (const char* name : {"backplan.v1.SchedulingService/Schedule",
                           "/backplan.v1.SchedulingService/Schedule",
                           "backplan.v1.SchedulingService.Schedule",
                           "SchedulingService/Schedule"}) {
    absl::StatusOr<Prepared> p =
        PrepareCall(name, R"({"plan": {"tasks": [{"id": "a"}]}})");
    ASSERT_TRUE(p.ok()) << name << ": " << p.status();
    EXPECT_EQ(p->method, "/backplan.v1.SchedulingService/Schedule");
    v1::ScheduleRequest request;
    ASSERT_TRUE(request.ParseFromString(p->requests.at(0)));
    EXPECT_EQ(request.plan().tasks(0).id(), "a");
  }
}

TEST(PrepareCall, RefusesUnknownMethodsBadJsonAndStreams) {
  EXPECT_TRUE(absl::IsInvalidArgument(
      PrepareCall("backplan.v1.SchedulingService/Nope", "{}").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      PrepareCall("backplan.v1.SchedulingService/Schedule", "{\"plan\": 3}")
          .status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      PrepareCall("backplan.v1.DecompositionService/WatchPlan", "{}")
          .status()));
  EXPECT_TRUE(PrepareCall("backplan.v1.DecompositionService/GetPlan", "").ok());
}

}  // namespace
}  // namespace backplan::load

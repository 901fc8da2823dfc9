#include "libs/core/plan_graph.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"

namespace backplan {
namespace {

using ::backplan::testing::MakeTask;
using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Plan ThreeTasks() {
  Plan plan;
  plan.outcome.title = "ship";
  plan.outcome.target_date = absl::CivilDay(2027, 6, 30);
  plan.tasks = {MakeTask("a", 2), MakeTask("b", 3), MakeTask("c", 1)};
  plan.dependencies = {{"a", "b", 0}, {"b", "c", 1}};
  return plan;
}

std::vector<std::string> Ids(const PlanGraph& graph,
                             absl::Span<const PlanGraph::Edge> edges) {
  std::vector<std::string> ids;
  for (const auto& e : edges) ids.push_back(graph.nodes[e.node].id);
  return ids;
}

TEST(BuildPlanGraph, AddsSyntheticOutcomeAfterSinks) {
  ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(ThreeTasks()));
  ASSERT_EQ(graph.nodes.size(), 4u);
  EXPECT_EQ(graph.nodes[graph.outcome_node].id, "outcome");
  EXPECT_THAT(Ids(graph, graph.Predecessors(graph.outcome_node)),
              ElementsAre("c"));
  EXPECT_EQ(graph.Successors(1)[0].lag_days, 1);
  EXPECT_THAT(graph.topological_order, ElementsAre(0, 1, 2, 3));
}

TEST(BuildPlanGraph, DerivesEdgesFromGoals) {
  Plan plan;
  plan.outcome.title = "launch";
  plan.tasks = {MakeTask("build", 10), MakeTask("press", 3)};
  Goal built{"built", "reader is built", {}, {"build"}};
  Goal launched{"launched", "reader launched", {"built"}, {"press"}};
  plan.goals = {built, launched};
  plan.outcome_goal_id = "launched";
  ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
  const int press = graph.index_by_id.at("press");
  const int launched_node = graph.index_by_id.at("launched");
  EXPECT_EQ(graph.outcome_node, launched_node);
  EXPECT_THAT(Ids(graph, graph.Predecessors(press)), ElementsAre("built"));
  EXPECT_THAT(Ids(graph, graph.Predecessors(launched_node)),
              ElementsAre("press", "built"));
  EXPECT_EQ(graph.nodes[launched_node].kind, PlanGraph::Kind::kGoal);
}

TEST(BuildPlanGraph, MergesDuplicateEdgesKeepingLargestLag) {
  Plan plan = ThreeTasks();
  plan.dependencies.push_back({"a", "b", 4});
  ASSERT_OK_AND_ASSIGN(PlanGraph graph, BuildPlanGraph(plan));
  ASSERT_EQ(graph.Successors(0).size(), 1u);
  EXPECT_EQ(graph.Successors(0)[0].lag_days, 4);
}

TEST(BuildPlanGraph, NamesTheCycle) {
  Plan plan = ThreeTasks();
  plan.dependencies.push_back({"c", "a", 0});
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cycle: a -> b -> c -> a")));
}

// Hostile input D5: a cycle through 1,022 tasks is named by its first ids
// and a count, so the message stays far below gRPC's metadata limit.
TEST(BuildPlanGraph, NamesALongCycleShortly) {
  Plan plan;
  plan.outcome.title = "x";
  constexpr int kTasks = 1022;
  for (int i = 0; i < kTasks; ++i) {
    plan.tasks.push_back(MakeTask(absl::StrCat("task-", 1000 + i), 1));
    plan.dependencies.push_back({absl::StrCat("task-", 1000 + i),
                                 absl::StrCat("task-", 1000 + (i + 1) % kTasks),
                                 0});
  }
  absl::StatusOr<PlanGraph> graph = BuildPlanGraph(plan);
  EXPECT_THAT(graph, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("cycle: task-1000 -> task-1001 -> ")));
  EXPECT_THAT(graph.status().message(),
              HasSubstr("task-1007 -> ... (1014 more) -> task-1000"));
  EXPECT_LT(graph.status().message().size(), 400u);
}

TEST(BuildPlanGraph, CutsATooLongIdOnACharacterBoundary) {
  Plan plan = ThreeTasks();
  std::string id;
  for (int i = 0; i < 200; ++i) id += "\xC3\xA9";  // "é" x 200: 400 bytes.
  plan.tasks[0].id = id;
  absl::StatusOr<PlanGraph> graph = BuildPlanGraph(plan);
  ASSERT_THAT(graph, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("is longer than")));
  const std::string message(graph.status().message());
  const size_t quote = message.find('"');
  ASSERT_NE(quote, std::string::npos);
  // The quoted prefix is whole characters: an even number of bytes before
  // the ellipsis.
  const size_t dots = message.find("...", quote);
  ASSERT_NE(dots, std::string::npos);
  EXPECT_EQ((dots - quote - 1) % 2, 0u) << message;
}

TEST(BuildPlanGraph, NamesCycleThroughGoals) {
  Plan plan;
  plan.outcome.title = "x";
  plan.tasks = {MakeTask("t", 1)};
  plan.goals = {Goal{"g1", "", {"g2"}, {}}, Goal{"g2", "", {}, {"t"}}};
  plan.dependencies = {{"g1", "t", 0}};
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cycle: t -> g2 -> g1 -> t")));
}

TEST(BuildPlanGraph, RefusesSelfDependency) {
  Plan plan = ThreeTasks();
  plan.dependencies.push_back({"b", "b", 0});
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("dependencies[2]: \"b\" cannot depend on "
                                 "itself")));
}

TEST(BuildPlanGraph, NamesFieldAndTaskOfBadAttribute) {
  Plan plan = ThreeTasks();
  plan.tasks[1].attributes.difficulty = 11;
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[1].attributes.difficulty: task \"b\": "
                                 "difficulty 11 is out of range 1-10")));
  plan.tasks[1].attributes.difficulty = 0;
  plan.tasks[2].attributes.rice_impact = 1.5;
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[2].attributes.rice_impact: task "
                                 "\"c\"")));
}

TEST(BuildPlanGraph, RefusesDuplicateAndUnknownIds) {
  Plan plan = ThreeTasks();
  plan.tasks[2].id = "a";
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[2].id: duplicate id \"a\"")));
  plan = ThreeTasks();
  plan.dependencies.push_back({"a", "zzz", 0});
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("dependencies[2].successor_id: unknown task "
                                 "or goal \"zzz\"")));
  plan = ThreeTasks();
  plan.goals = {Goal{"g", "", {}, {"nope"}}};
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("goals[0].task_ids[0]: goal \"g\": unknown")));
}

TEST(BuildPlanGraph, ChecksDurationsEstimatesAndLags) {
  Plan plan = ThreeTasks();
  plan.tasks[0].duration_days = -1;
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].duration_days: task \"a\"")));
  plan = ThreeTasks();
  plan.tasks[0].optimistic_days = 3;
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].optimistic_days")));
  plan = ThreeTasks();
  plan.dependencies[0].lag_days = -2;
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("dependencies[0].lag_days")));
}

TEST(BuildPlanGraph, ChecksResourceDemands) {
  Plan plan = ThreeTasks();
  plan.resources = {{"dev", 2, {}, {}}};
  plan.tasks[0].demands = {{"dev", 3}};
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tasks[0].demands[0]: task \"a\": demand of 3 "
                                 "on pool \"dev\"")));
  plan.tasks[0].demands = {{"qa", 1}};
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown resource pool \"qa\"")));
}

TEST(BuildPlanGraph, RequiresOutcomeTitleAndLimits) {
  Plan plan = ThreeTasks();
  plan.outcome.title.clear();
  EXPECT_THAT(BuildPlanGraph(plan), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("outcome.title")));
  PlanLimits limits;
  limits.max_nodes = 2;
  EXPECT_THAT(BuildPlanGraph(ThreeTasks(), limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("exceed the limit of 2")));
}

TEST(BuildPlanGraph, HandlesLongChainWithoutRecursion) {
  Plan plan;
  plan.outcome.title = "long";
  for (int i = 0; i < 100000; ++i) {
    plan.tasks.push_back(MakeTask("t" + std::to_string(i), 1));
    if (i > 0) {
      plan.dependencies.push_back(
          {"t" + std::to_string(i - 1), "t" + std::to_string(i), 0});
    }
  }
  plan.dependencies.push_back({"t99999", "t0", 0});
  EXPECT_THAT(BuildPlanGraph(plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("t6 -> t7 -> ... (99992 more) -> t0")));
}

}  // namespace
}  // namespace backplan

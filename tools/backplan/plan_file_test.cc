#include "tools/backplan/plan_file.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"

namespace backplan::cli {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kGood[] = R"(# A small plan.
outcome:
  title: Ship it
  success_criteria: [customers use it]
  target_date: 2027-06-30
  start_date: "2027-01-04"
  facts: []
outcome_goal_id: g-root
goals:
  - id: g-root
    title: It is shipped
    sub_goal_ids: [g-built]
    task_ids: [t-launch]
  - id: g-built
    title: It is built
    task_ids: [t-build]
    state: broken_down
tasks:
  - id: t-build
    title: Build it
    duration_days: 10
    optimistic_days: 8
    pessimistic_days: 15
    attributes: {importance: 8, difficulty: 6, rice_reach: 1000,
                 rice_impact: 0.5, rice_confidence: 0.8, rice_effort: 20}
    flagged: true
  - id: t-launch
    title: Launch it
    duration_days: 1
    fixed_deadline: {year: 2027, month: 6, day: 15}
dependencies:
  - {predecessor_id: t-build, successor_id: t-launch, lag_days: 2}
calendar:
  working_weekdays: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY]
  holidays: [2027-05-31, 2027-07-05]
)";

TEST(ParsePlanText, ReadsEveryKindOfField) {
  ASSERT_OK_AND_ASSIGN(v1::Plan plan, ParsePlanText(kGood, "good.yaml"));
  EXPECT_EQ(plan.outcome().title(), "Ship it");
  ASSERT_EQ(plan.outcome().success_criteria_size(), 1);
  EXPECT_EQ(plan.outcome().target_date().year(), 2027);
  EXPECT_EQ(plan.outcome().target_date().month(), 6);
  EXPECT_EQ(plan.outcome().target_date().day(), 30);
  EXPECT_EQ(plan.outcome().start_date().day(), 4);
  EXPECT_EQ(plan.outcome_goal_id(), "g-root");
  ASSERT_EQ(plan.goals_size(), 2);
  EXPECT_EQ(plan.goals(0).sub_goal_ids(0), "g-built");
  EXPECT_EQ(plan.goals(1).state(), v1::BROKEN_DOWN);
  ASSERT_EQ(plan.tasks_size(), 2);
  const v1::Task& build = plan.tasks(0);
  EXPECT_EQ(build.duration_days(), 10);
  EXPECT_TRUE(build.has_optimistic_days());
  EXPECT_EQ(build.optimistic_days(), 8);
  EXPECT_EQ(build.pessimistic_days(), 15);
  EXPECT_EQ(build.attributes().importance(), 8);
  EXPECT_TRUE(build.attributes().has_rice_impact());
  EXPECT_DOUBLE_EQ(build.attributes().rice_impact(), 0.5);
  EXPECT_TRUE(build.flagged());
  EXPECT_FALSE(plan.tasks(1).has_optimistic_days());
  EXPECT_EQ(plan.tasks(1).fixed_deadline().day(), 15);
  ASSERT_EQ(plan.dependencies_size(), 1);
  EXPECT_EQ(plan.dependencies(0).lag_days(), 2);
  EXPECT_EQ(plan.calendar().working_weekdays_size(), 5);
  EXPECT_EQ(plan.calendar().working_weekdays(4), v1::FRIDAY);
  ASSERT_EQ(plan.calendar().holidays_size(), 2);
  EXPECT_EQ(plan.calendar().holidays(1).month(), 7);
}

TEST(ParsePlanText, ReadsJson) {
  ASSERT_OK_AND_ASSIGN(
      v1::Plan plan,
      ParsePlanText(R"({"outcome": {"title": "x", "targetDate": "2027-06-30"},
                        "tasks": [{"id": "a", "duration_days": 3}]})",
                    "plan.json"));
  EXPECT_EQ(plan.outcome().target_date().year(), 2027);
  EXPECT_EQ(plan.tasks(0).duration_days(), 3);
}

TEST(ParsePlanText, BadNumberNamesLineAndField) {
  const std::string text = R"(outcome:
  title: x
  target_date: 2027-06-30
tasks:
  - id: a
    duration_days: 3
  - id: b
    duration_days: ten
)";
  EXPECT_THAT(
      ParsePlanText(text, "examples/bad.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "examples/bad.yaml:8:20: tasks[1].duration_days: \"ten\" "
               "is not an integer"));
}

TEST(ParsePlanText, NumberOutOfRange) {
  EXPECT_THAT(ParsePlanText("tasks:\n  - {id: a, duration_days: 99999999999}\n",
                            "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("f.yaml:2:28: tasks[0].duration_days: ")));
}

TEST(ParsePlanText, UnknownKeyIsAnError) {
  const std::string text = R"(outcome:
  title: x
tasks:
  - id: a
    attributes:
      importance: 3
      imporance: 4
)";
  EXPECT_THAT(
      ParsePlanText(text, "f.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "f.yaml:7:7: tasks[0].attributes.imporance: unknown key; did "
               "you mean importance?"));
}

TEST(ParsePlanText, UnknownTopLevelKey) {
  EXPECT_THAT(ParsePlanText("outcome: {title: x}\ntaks: []\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "f.yaml:2:1: taks: unknown key; did you mean tasks?"));
}

TEST(ParsePlanText, DuplicateKeyIsAnError) {
  EXPECT_THAT(ParsePlanText("outcome:\n  title: x\n  title: y\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "f.yaml:3:3: outcome.title: duplicate key"));
}

TEST(ParsePlanText, BadDateNamesLineAndField) {
  EXPECT_THAT(
      ParsePlanText("outcome:\n  title: x\n  target_date: 2027-02-30\n",
                    "f.yaml"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          "f.yaml:3:16: outcome.target_date: \"2027-02-30\" is not a valid "
          "date (expected YYYY-MM-DD)"));
  EXPECT_THAT(
      ParsePlanText("calendar:\n  holidays: [2027-05-31, tomorrow]\n",
                    "f.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               StartsWith("f.yaml:2:26: calendar.holidays[1]: \"tomorrow\"")));
  EXPECT_THAT(
      ParsePlanText("outcome: {target_date: {year: 2027, month: 13, day: 1}}\n",
                    "f.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("outcome.target_date: 2027-13-1 is not a valid")));
}

TEST(ParsePlanText, BadEnumListsTheValues) {
  EXPECT_THAT(
      ParsePlanText("calendar:\n  working_weekdays: [MONDAY, FUNDAY]\n",
                    "f.yaml"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          "f.yaml:2:30: calendar.working_weekdays[1]: \"FUNDAY\" is not one "
          "of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, "
          "SUNDAY"));
}

TEST(ParsePlanText, WrongShape) {
  EXPECT_THAT(ParsePlanText("tasks: {id: a}\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "f.yaml:1:8: tasks: expected a list, found a map"));
  EXPECT_THAT(ParsePlanText("outcome: [1, 2]\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("f.yaml:1:10: outcome: expected a map")));
  EXPECT_THAT(ParsePlanText("- a\n- b\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("f.yaml:1:1: expected a plan")));
  EXPECT_THAT(ParsePlanText("", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("f.yaml:1:1: expected a plan")));
}

TEST(ParsePlanText, SyntaxErrorHasALine) {
  EXPECT_THAT(
      ParsePlanText("outcome:\n  title: x\n  bad: [1, 2\n", "f.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("f.yaml:")));
}

TEST(LoadPlanFile, MissingFileIsNotFound) {
  EXPECT_THAT(LoadPlanFile("/nonexistent/plan.yaml"),
              StatusIs(absl::StatusCode::kNotFound,
                       StartsWith("/nonexistent/plan.yaml: cannot read")));
}

TEST(LoadPlanFile, ReadsAFile) {
  const std::string path = ::testing::TempDir() + "/plan_file_test_good.yaml";
  {
    std::ofstream out(path);
    out << kGood;
  }
  ASSERT_OK_AND_ASSIGN(v1::Plan plan, LoadPlanFile(path));
  EXPECT_EQ(plan.tasks_size(), 2);
  std::remove(path.c_str());
}

TEST(LoadPlanFile, KindleExampleLoads) {
  ASSERT_OK_AND_ASSIGN(
      v1::Plan plan,
      LoadPlanFile(std::string(BACKPLAN_SOURCE_DIR) + "/examples/kindle.yaml"));
  EXPECT_EQ(plan.outcome_goal_id(), "g-outcome");
  EXPECT_GE(plan.tasks_size(), 15);
  EXPECT_LE(plan.tasks_size(), 25);
  EXPECT_EQ(plan.outcome().target_date().year(), 2027);
}

TEST(LoadPlanFile, KindleExampleMarksOptionalTasks) {
  ASSERT_OK_AND_ASSIGN(
      v1::Plan plan,
      LoadPlanFile(std::string(BACKPLAN_SOURCE_DIR) + "/examples/kindle.yaml"));
  std::vector<std::string> optional;
  for (const v1::Task& task : plan.tasks()) {
    if (task.optional()) optional.push_back(task.id());
  }
  EXPECT_THAT(optional, ::testing::UnorderedElementsAre(
                            "t-press", "t-launch-event", "t-support-training",
                            "t-metadata-search", "t-network-field-test"));
}

TEST(ParseIsoDay, AcceptsOnlyRealDays) {
  EXPECT_EQ(ParseIsoDay("2027-06-30"), absl::CivilDay(2027, 6, 30));
  EXPECT_EQ(ParseIsoDay("2028-02-29"), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(ParseIsoDay("2027-02-29"), std::nullopt);
  EXPECT_EQ(ParseIsoDay("2027-6-30"), std::nullopt);
  EXPECT_EQ(ParseIsoDay("2027-06-30x"), std::nullopt);
  EXPECT_EQ(ParseIsoDay("+027-06-30"), std::nullopt);
  EXPECT_EQ(ParseIsoDay(""), std::nullopt);
}

}  // namespace
}  // namespace backplan::cli

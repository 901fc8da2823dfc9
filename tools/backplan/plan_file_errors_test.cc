// The plan loader's error reports: every mistake of a file at once (up to
// 20), each at file:line:column, and hints for YAML syntax errors.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "tools/backplan/plan_file.h"

namespace backplan::cli {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Lines(const absl::Status& status) {
  return absl::StrSplit(status.message(), '\n');
}

TEST(PlanFileErrors, ReportsEveryMistakeWithLineAndColumn) {
  const std::string text =
      "outcome:\n"
      "  title: x\n"
      "  target_date: 2027-02-30\n"
      "tasks:\n"
      "  - id: a\n"
      "    duration_days: ten\n"
      "  - id: b\n"
      "    duraton_days: 3\n";
  const absl::Status status = ParsePlanText(text, "f.yaml").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      Lines(status),
      ElementsAre("f.yaml:3:16: outcome.target_date: \"2027-02-30\" is not a "
                  "valid date (expected YYYY-MM-DD)",
                  "f.yaml:6:20: tasks[0].duration_days: \"ten\" is not an "
                  "integer",
                  "f.yaml:8:5: tasks[1].duraton_days: unknown key; did you "
                  "mean duration_days?"));
}

TEST(PlanFileErrors, ListsTwentyThenHowManyMore) {
  std::string text = "tasks:\n";
  for (int i = 0; i < 25; ++i) {
    absl::StrAppend(&text, "  - {id: t", i, ", duration_days: x}\n");
  }
  const absl::Status status = ParsePlanText(text, "f.yaml").status();
  const std::vector<std::string> lines = Lines(status);
  ASSERT_EQ(lines.size(), 21u) << status.message();
  EXPECT_EQ(lines[0],
            "f.yaml:2:29: tasks[0].duration_days: \"x\" is not an integer");
  EXPECT_THAT(lines[19], HasSubstr("f.yaml:21:"));
  EXPECT_THAT(lines[19], HasSubstr("tasks[19].duration_days"));
  EXPECT_EQ(lines[20], "f.yaml: ... and 5 more");
}

TEST(PlanFileErrors, TwentyMistakesHaveNoMoreLine) {
  std::string text = "tasks:\n";
  for (int i = 0; i < 20; ++i) {
    absl::StrAppend(&text, "  - {id: t", i, ", duration_days: x}\n");
  }
  const std::vector<std::string> lines =
      Lines(ParsePlanText(text, "f.yaml").status());
  EXPECT_EQ(lines.size(), 20u);
  EXPECT_THAT(lines.back(), HasSubstr("tasks[19]"));
}

TEST(PlanFileErrors, IllegalBlockEntryHasAHint) {
  // A list item on the same line as its key.
  EXPECT_THAT(ParsePlanText("outcome: {title: x}\ntasks: - id: a\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("f.yaml:2:8: YAML syntax: illegal block entry "
                                 "(hint: a list item (\"- \") must start its "
                                 "own line")));
}

TEST(PlanFileErrors, BadIndentationHasAHint) {
  const std::string text =
      "outcome:\n"
      "  title: x\n"
      "  facts:\n"
      "  - a\n"
      " - b\n";
  EXPECT_THAT(ParsePlanText(text, "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("f.yaml:5:2: YAML syntax: end of map not "
                                 "found (hint: the indentation changes here")));
}

TEST(PlanFileErrors, IllegalMapValueHasAHint) {
  EXPECT_THAT(ParsePlanText("outcome:\n  title: Goal: buy a book\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("f.yaml:2:14: YAML syntax: illegal map value "
                                 "(hint: a second \": \" on one line: quote")));
}

TEST(PlanFileErrors, UnclosedBracketHasAHint) {
  EXPECT_THAT(
      ParsePlanText("outcome:\n  title: x\n  facts: [1, 2\n", "f.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("YAML syntax: end of sequence flow not found (hint: "
                         "a \"{\" or \"[\" is not closed")));
}

TEST(PlanFileErrors, TabIndentationHasAHint) {
  EXPECT_THAT(ParsePlanText("outcome:\n\ttitle: x\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hint: YAML indents with spaces only")));
}

TEST(PlanFileErrors, FarOffKeyListsTheFields) {
  EXPECT_THAT(ParsePlanText("outcome: {title: x}\nzzzzzz: 1\n", "f.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("f.yaml:2:1: zzzzzz: unknown key; expected "
                                 "one of ")));
}

}  // namespace
}  // namespace backplan::cli

#include "tools/backplan/args.h"

#include <sstream>

#include "absl/flags/flag.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "tools/backplan/commands.h"

ABSL_FLAG(int, args_test_n, 1, "A number.");
ABSL_FLAG(bool, args_test_b, false, "A switch.");

namespace backplan::cli {
namespace {

using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ParseArgs, SetsFlagsAnywhereAndKeepsPositionals) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args, ParseArgs({"plan", "--args_test_n", "7",
                                                   "f.yaml", "--args_test_b"}));
  EXPECT_THAT(args.positional, ElementsAre("plan", "f.yaml"));
  EXPECT_FALSE(args.help);
  EXPECT_EQ(absl::GetFlag(FLAGS_args_test_n), 7);
  EXPECT_TRUE(absl::GetFlag(FLAGS_args_test_b));
  ASSERT_OK_AND_ASSIGN(args, ParseArgs({"-args_test_n=9", "--noargs_test_b",
                                        "--", "--literal"}));
  EXPECT_THAT(args.positional, ElementsAre("--literal"));
  EXPECT_EQ(absl::GetFlag(FLAGS_args_test_n), 9);
  EXPECT_FALSE(absl::GetFlag(FLAGS_args_test_b));
}

TEST(ParseArgs, RecordsEveryFlagInOrder) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args,
                       ParseArgs({"--args_test_n=1", "x", "--args_test_n", "2",
                                  "--args_test_b", "--noargs_test_b"}));
  EXPECT_THAT(args.flag_values,
              ElementsAre(std::make_pair("args_test_n", "1"),
                          std::make_pair("args_test_n", "2"),
                          std::make_pair("args_test_b", "true"),
                          std::make_pair("args_test_b", "false")));
  EXPECT_EQ(absl::GetFlag(FLAGS_args_test_n), 2);
}

TEST(ParseArgs, Help) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args, ParseArgs({"--help"}));
  EXPECT_TRUE(args.help);
}

TEST(ParseArgs, UsageErrors) {
  EXPECT_THAT(ParseArgs({"--no_such_flag=1"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("unknown flag --no_such_flag")));
  EXPECT_THAT(ParseArgs({"--args_test_n"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "flag --args_test_n needs a value"));
  EXPECT_THAT(ParseArgs({"--args_test_n=ten"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("--args_test_n: ")));
}

TEST(RunCommand, UsageErrorsExitTwo) {
  Options options;
  std::ostringstream out, err;
  EXPECT_EQ(RunCommand({"frobnicate"}, options, out, err), kExitUsage);
  EXPECT_THAT(err.str(), StartsWith("backplan: unknown command"));
  err.str("");
  EXPECT_EQ(RunCommand({"get"}, options, out, err), kExitUsage);
  EXPECT_EQ(err.str(), "backplan: usage: backplan get PLAN_ID\n");
  err.str("");
  EXPECT_EQ(RunCommand({"plan", "/nonexistent.yaml"}, options, out, err),
            kExitUsage);
  EXPECT_THAT(err.str(), StartsWith("backplan: /nonexistent.yaml: cannot"));
  EXPECT_EQ(RunCommand({"help"}, options, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("prioritize PLAN_ID|FILE"));
}

TEST(RunCommand, UnreachableServiceIsOneLine) {
  Options options;
  // Port 1 on loopback: nothing listens there.
  options.scheduling_address = "127.0.0.1:1";
  options.timeout_s = 5;
  std::ostringstream out, err;
  EXPECT_EQ(RunCommand({"schedule", "p-1"}, options, out, err),
            kExitServerError);
  EXPECT_EQ(err.str(),
            "backplan: cannot reach the scheduling service at 127.0.0.1:1 (is "
            "it running? start it with scripts/run.sh)\n");
}

}  // namespace
}  // namespace backplan::cli

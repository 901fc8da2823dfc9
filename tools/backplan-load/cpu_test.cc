#include "tools/backplan-load/cpu.h"

#include <unistd.h>

#include "gtest/gtest.h"

namespace backplan::load {
namespace {

TEST(StatTicks, SumsUserAndSystemAfterTheCommandName) {
  // A command name holding spaces and a ')' must not shift the fields.
  const char line[] =
      "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
      "731 269 0 0 20 0 5 0 12345 1000000 250 18446744073709551615";
  absl::StatusOr<int64_t> ticks = StatTicks(line);
  ASSERT_TRUE(ticks.ok()) << ticks.status();
  EXPECT_EQ(*ticks, 731 + 269);
}

TEST(StatTicks, RejectsATruncatedLine) {
  EXPECT_FALSE(StatTicks("4242 (x) S 1 2 3").ok());
  EXPECT_FALSE(StatTicks("no parenthesis").ok());
}

TEST(ParsePids, ParsesAListAndNamesABadEntry) {
  absl::StatusOr<std::vector<int>> pids = ParsePids("12,345");
  ASSERT_TRUE(pids.ok());
  EXPECT_EQ(*pids, (std::vector<int>{12, 345}));
  EXPECT_TRUE(ParsePids("")->empty());
  absl::StatusOr<std::vector<int>> bad = ParsePids("12,x7");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("x7"), std::string::npos);
}

TEST(CpuNanos, GrowsWithThisProcessesWork) {
  absl::StatusOr<int64_t> before = CpuNanos({0});
  ASSERT_TRUE(before.ok()) << before.status();
  // Spin until the kernel has charged at least one tick more.
  volatile uint64_t sink = 0;
  int64_t after = *before;
  while (after == *before) {
    for (int i = 0; i < 1000000; ++i) sink = sink + i;
    after = *CpuNanos({0});
  }
  EXPECT_GT(after, *before);
  EXPECT_EQ(CpuNanos({getpid()}).status().code(), absl::StatusCode::kOk);
  EXPECT_EQ(CpuNanos({999999999}).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace backplan::load

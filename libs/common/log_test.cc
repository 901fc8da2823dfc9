#include "libs/common/log.h"

#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace backplan {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Capture(LogLevel level) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  SetLogFd(fds[1]);
  {
    LogLine(level, "call \"done\"\n")
        .Add("method", "/a.B/C")
        .Add("count", 3)
        .Add("ok", true)
        .Add("ms", 1.5);
  }
  SetLogFd(2);
  close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, n);
  close(fds[0]);
  return out;
}

TEST(LogLine, WritesOneEscapedJsonObjectPerLine) {
  std::string line = Capture(LogLevel::kInfo);
  EXPECT_THAT(line, StartsWith("{\"ts\":\""));
  EXPECT_THAT(line,
              HasSubstr("\"level\":\"info\",\"msg\":\"call \\\"done\\\"\\n\""));
  EXPECT_THAT(line, HasSubstr(",\"method\":\"/a.B/C\",\"count\":3,\"ok\":true,"
                              "\"ms\":1.500}\n"));
}

TEST(LogLine, DropsLinesBelowMinimumLevel) {
  SetMinLogLevel(LogLevel::kWarning);
  EXPECT_EQ(Capture(LogLevel::kInfo), "");
  SetMinLogLevel(LogLevel::kInfo);
}

TEST(ParseLogLevel, KnowsTheFourNames) {
  LogLevel level;
  ASSERT_TRUE(ParseLogLevel("warning", &level));
  EXPECT_EQ(level, LogLevel::kWarning);
  EXPECT_FALSE(ParseLogLevel("loud", &level));
}

}  // namespace
}  // namespace backplan

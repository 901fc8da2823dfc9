#include "libs/common/version.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace backplan {
namespace {

TEST(Version, IsThreeNumbers) {
  const std::vector<std::string> parts = absl::StrSplit(Version(), '.');
  ASSERT_EQ(parts.size(), 3u) << Version();
  for (const std::string& part : parts) {
    int n = -1;
    EXPECT_TRUE(absl::SimpleAtoi(part, &n)) << Version();
    EXPECT_GE(n, 0);
  }
}

TEST(Version, IsTheChangelogsFirstRelease) {
  std::ifstream in(BACKPLAN_CHANGELOG);
  ASSERT_TRUE(in) << BACKPLAN_CHANGELOG;
  std::string line;
  std::string first;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "## ")) {
      first = line.substr(3, line.find_first_of(" \t", 3) - 3);
      break;
    }
  }
  EXPECT_EQ(first, Version());
}

TEST(VersionLine, NamesTheProgram) {
  EXPECT_EQ(VersionLine("backplan-load"),
            std::string("backplan-load ") + std::string(Version()) + "\n");
}

}  // namespace
}  // namespace backplan

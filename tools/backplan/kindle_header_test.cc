// The numbers the header comment of examples/kindle.yaml states (critical
// path, its length, the earliest finish, the slack before the target) are
// the ones the scheduler computes, so the example cannot drift from its
// output again (issue 24, D10).
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/convert/plan_convert.h"
#include "libs/core/calendar.h"
#include "libs/schedule/cpm.h"
#include "tools/backplan/plan_file.h"

namespace backplan {
namespace {

const std::string kPath =
    std::string(BACKPLAN_SOURCE_DIR) + "/examples/kindle.yaml";

// The header: the leading comment lines, '#' and one space removed, joined
// by spaces.
std::string Header() {
  std::ifstream in(kPath);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line) && !line.empty() && line[0] == '#') {
    lines.push_back(line.size() > 1 ? line.substr(2) : "");
  }
  return absl::StrJoin(lines, " ");
}

std::string Match(const std::string& text, const std::string& pattern) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex(pattern))) {
    ADD_FAILURE() << "the header of examples/kindle.yaml has no \"" << pattern
                  << "\":\n"
                  << text;
    return "";
  }
  return match[1];
}

TEST(KindleHeader, MatchesTheBackwardSchedule) {
  ASSERT_OK_AND_ASSIGN(v1::Plan proto, cli::LoadPlanFile(kPath));
  ASSERT_OK_AND_ASSIGN(Plan plan, PlanFromProto(proto));
  ScheduleRequest request;
  request.today = absl::CivilDay(2027, 1, 4);
  ASSERT_OK_AND_ASSIGN(Timeline timeline, Schedule(plan, request));
  ASSERT_OK_AND_ASSIGN(WorkingCalendar calendar,
                       WorkingCalendar::Create(plan.calendar));
  const int64_t total = calendar.IndexOf(timeline.target_date) -
                        calendar.IndexOf(timeline.start_date) + 1;

  const std::string header = Header();
  // "... the least slack: t-a (30) -> ... -> t-press. The press ..."
  const std::string path_text = Match(header, R"(least slack: (.*?)\.\s)");
  std::vector<std::string> ids;
  const std::regex id(R"([tg]-[a-z0-9-]*[a-z0-9])");
  for (auto it = std::sregex_iterator(path_text.begin(), path_text.end(), id);
       it != std::sregex_iterator(); ++it) {
    ids.push_back(it->str());
  }
  EXPECT_EQ(absl::StrJoin(ids, " -> "),
            absl::StrJoin(timeline.critical_path, " -> "));

  int64_t least = 0, outcome_slack = 0, span = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      Match(header, R"(leaves it (\d+) working days of slack)"), &least));
  ASSERT_TRUE(
      absl::SimpleAtoi(Match(header, R"((\d+) working days before the target)"),
                       &outcome_slack));
  ASSERT_TRUE(absl::SimpleAtoi(
      Match(header, R"(\((\d+) working days from \d{4}-\d\d-\d\d to)"), &span));
  EXPECT_EQ(least, timeline.min_slack_days);
  EXPECT_EQ(outcome_slack, timeline.nodes[timeline.outcome_node].slack_days);
  EXPECT_EQ(span, total);
  EXPECT_EQ(Match(header, R"(reached on (\d{4}-\d\d-\d\d))"),
            absl::FormatCivilTime(timeline.earliest_finish));
  EXPECT_EQ(Match(header, R"(from (\d{4}-\d\d-\d\d) to \d{4})"),
            absl::FormatCivilTime(timeline.start_date));
  EXPECT_EQ(Match(header, R"(\d{4}-\d\d-\d\d to (\d{4}-\d\d-\d\d)\))"),
            absl::FormatCivilTime(timeline.target_date));
}

}  // namespace
}  // namespace backplan

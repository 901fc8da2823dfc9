#include "tools/backplan/table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/backplan/commands.h"

namespace backplan::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// `text` with its wrapped lines joined again.
std::string Unwrapped(const std::string& text) {
  return absl::StrReplaceAll(text, {{"\n  ", " "}});
}

v1::Date MakeDate(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(FormatDate, PrintsTheWeekday) {
  EXPECT_EQ(FormatDate(MakeDate(2027, 6, 30)), "2027-06-30 Wed");
  EXPECT_EQ(FormatDate(MakeDate(2027, 1, 4)), "2027-01-04 Mon");
  EXPECT_EQ(FormatDate(v1::Date()), "-");
}

TEST(Table, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"ID", "N", "NOTE"});
  table.AlignRight(1);
  table.AddRow({"a", "5", ""});
  table.AddRow({"long-id", "12", "x"});
  EXPECT_EQ(table.Render(),
            "ID        N  NOTE\n"
            "a         5\n"
            "long-id  12  x\n");
}

TEST(Table, CutsLongCellsOfCappedColumns) {
  Table table({"T"});
  table.SetMaxWidth(0, 8);
  table.AddRow({"abcdefghijkl"});
  EXPECT_EQ(table.Render(), "T\nabcde...\n");
  table.SetLineWidth(0);  // --wide: no cap.
  EXPECT_EQ(table.Render(), "T\nabcdefghijkl\n");
}

TEST(Table, FitsTheLineByShorteningShrinkableColumnsOnly) {
  Table table({"ID", "TITLE", "WHY"});
  table.SetShrinkable(1, 6);
  table.SetShrinkable(2, 6);
  table.SetLineWidth(35);
  table.AddRow({"t-a-rather-long-id", "a title of some length", "because"});
  const std::string text = table.Render();
  EXPECT_EQ(text,
            "ID                  TITLE   WHY\n"
            "t-a-rather-long-id  a t...  because\n");
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LE(line.size(), 35u);
  }
}

TEST(Table, NeverCutsFixedColumnsEvenWhenTooWide) {
  Table table({"ID", "TITLE"});
  table.SetShrinkable(1, 5);
  table.SetLineWidth(10);
  table.AddRow({"t-an-id-wider-than-the-line", "title text"});
  EXPECT_EQ(table.Render(),
            "ID                           TITLE\n"
            "t-an-id-wider-than-the-line  ti...\n");
}

TEST(WrapWords, BreaksAtSpacesAndIndents) {
  EXPECT_EQ(WrapWords("a -> b -> c", 0), "a -> b -> c\n");
  EXPECT_EQ(WrapWords("critical path: aa -> bb -> cc", 16),
            "critical path:\n  aa -> bb -> cc\n");
  EXPECT_EQ(WrapWords("  x: one two three", 10, 4),
            "  x: one\n    two\n    three\n");
  EXPECT_EQ(WrapWords("averyveryverylongword b", 5),
            "averyveryverylongword\n  b\n");
}

TEST(FormatTimeline, HeaderAndRowsInResponseOrder) {
  v1::ScheduleResponse response;
  v1::Timeline* timeline = response.mutable_timeline();
  timeline->set_plan_id("p-1");
  timeline->set_plan_version(3);
  *timeline->mutable_target_date() = MakeDate(2027, 6, 30);
  *timeline->mutable_final_milestone() = MakeDate(2027, 6, 30);
  timeline->set_feasible(false);
  timeline->set_days_short(4);
  *timeline->mutable_earliest_finish() = MakeDate(2027, 7, 6);
  timeline->add_causing_chain("t-b");
  timeline->add_causing_chain("g-root");
  v1::ScheduledTask* b = timeline->add_tasks();
  b->set_id("t-b");
  b->set_kind(v1::TASK);
  b->set_rank(1);
  b->set_critical(true);
  *b->mutable_deadline() = MakeDate(2027, 6, 29);
  b->mutable_deadline_reason()->set_kind(v1::DeadlineReason::SUCCESSOR);
  b->mutable_deadline_reason()->set_successor_id("g-root");
  v1::ScheduledTask* a = timeline->add_tasks();
  a->set_id("t-a");
  a->set_kind(v1::TASK);
  a->set_rank(2);
  response.set_degraded(true);
  response.set_degraded_reason("prioritization unavailable");

  const std::string text = FormatTimeline(response);
  EXPECT_THAT(text, HasSubstr("plan p-1 v3"));
  EXPECT_THAT(text, HasSubstr("target 2027-06-30 Wed"));
  EXPECT_THAT(text,
              HasSubstr("INFEASIBLE: 4 working days short, earliest finish "
                        "2027-07-06 Tue"));
  EXPECT_THAT(text, HasSubstr("DEGRADED (no ranks): prioritization"));
  EXPECT_THAT(text, HasSubstr("causing chain: t-b -> g-root"));
  EXPECT_THAT(text, HasSubstr("before g-root"));
  EXPECT_LT(text.find("  t-b  "), text.find("  t-a  "));
}

TEST(FormatTimeline, ResourceScheduleShowsBoundAndAssignees) {
  v1::ScheduleResponse response;
  v1::Timeline* timeline = response.mutable_timeline();
  timeline->set_feasible(true);
  timeline->set_resource_constrained(true);
  timeline->set_makespan_days(12);
  timeline->set_lower_bound_days(10);
  timeline->set_critical_path_bound_days(8);
  timeline->set_resource_bound_days(10);
  timeline->set_gap_percent(20);
  timeline->set_schedules_generated(1000);
  timeline->set_energy_bound_days(9);
  timeline->set_conflict_bound_days(7);
  timeline->set_lower_bound_name("resource");
  timeline->set_search_stopped_by("time limit");
  timeline->set_max_schedules(5000);
  timeline->set_seed(7);
  v1::ScheduledTask* task = timeline->add_tasks();
  task->set_id("t-a");
  task->set_kind(v1::TASK);
  task->set_duration_days(3);
  *task->mutable_planned_start() = MakeDate(2027, 6, 1);
  *task->mutable_deadline() = MakeDate(2027, 6, 3);
  task->add_assignees("ann");
  task->add_assignees("bob");
  task->set_resource_slack_days(4);
  task->mutable_waits_for()->set_text("waits for pool dev after t-0 (ann)");

  const std::string wide = FormatTimeline(response, 0);
  EXPECT_THAT(wide,
              HasSubstr("resources: makespan 12 working days, lower bound 10 "
                        "by resource (critical path 8, resources 10, energy "
                        "9, conflict 7), gap 20 %, 1000 schedules generated "
                        "(search ended by time limit; max_schedules 5000, "
                        "seed 7)\n"));
  const std::string text = FormatTimeline(response);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LE(line.size(), kDefaultLineWidth) << line;
  }
  EXPECT_THAT(text, HasSubstr("resources: makespan 12 working days"));
  EXPECT_THAT(Unwrapped(text), HasSubstr("(search ended by time limit; "));
  EXPECT_THAT(Unwrapped(text),
              HasSubstr("Gap: how far the makespan is above the lower"));
  EXPECT_THAT(wide, HasSubstr("waits for pool dev after t-0 (ann)"));
  EXPECT_THAT(text, HasSubstr("WHO"));
  EXPECT_THAT(text, HasSubstr("2027-06-01 Tue"));
  EXPECT_THAT(text, HasSubstr("ann, bob"));
}

TEST(FormatTimeline, ForwardShowsEarliestDatesAndALegend) {
  v1::ScheduleResponse response;
  v1::Timeline* timeline = response.mutable_timeline();
  timeline->set_mode(v1::FORWARD);
  timeline->set_feasible(true);
  v1::ScheduledTask* a = timeline->add_tasks();
  a->set_id("t-a");
  a->set_kind(v1::TASK);
  a->set_duration_days(3);
  a->set_slack_days(31);
  a->set_critical(true);
  *a->mutable_earliest_start() = MakeDate(2027, 1, 4);
  *a->mutable_earliest_finish() = MakeDate(2027, 1, 6);
  *a->mutable_latest_start() = MakeDate(2027, 2, 15);
  *a->mutable_deadline() = MakeDate(2027, 1, 6);
  const std::string text = FormatTimeline(response);
  EXPECT_THAT(text, HasSubstr("START           FINISH          SLACK"));
  EXPECT_THAT(text, HasSubstr("2027-01-04 Mon  2027-01-06 Wed     31  yes"));
  EXPECT_THAT(text, Not(HasSubstr("LATEST START")));
  EXPECT_THAT(text, Not(HasSubstr("2027-02-15")));
  EXPECT_THAT(Unwrapped(text),
              HasSubstr("CRITICAL: on the chain with the least slack "
                        "(here 31 days;"));
}

TEST(FormatTimeline, LongTitlesGiveWayIdsStayWhole) {
  v1::ScheduleResponse response;
  v1::Timeline* timeline = response.mutable_timeline();
  timeline->set_plan_id("0123456789abcdef0123456789abcdef");
  timeline->set_feasible(true);
  for (int i = 0; i < 3; ++i) {
    v1::ScheduledTask* task = timeline->add_tasks();
    task->set_id(absl::StrCat("t-a-quite-long-task-identifier-", i));
    task->set_kind(v1::TASK);
    task->set_title(std::string(100, 'x'));
    task->mutable_deadline_reason()->set_kind(v1::DeadlineReason::SUCCESSOR);
    task->mutable_deadline_reason()->set_successor_id(
        "g-a-goal-with-an-equally-long-identifier");
  }
  const std::string text = FormatTimeline(response);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LE(line.size(), kDefaultLineWidth) << line;
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("t-a-quite-long-task-identifier-",
                                             i, "  xxx")));
  }
  EXPECT_THAT(FormatTimeline(response, 0),
              HasSubstr("before g-a-goal-with-an-equally-long-identifier"));
}

}  // namespace
}  // namespace backplan::cli

#include "libs/schedule/gantt.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace {

using ::backplan::testing::D;
using ::backplan::testing::ScheduleOrDie;
using ::backplan::testing::SvgAttr;
using ::backplan::testing::SvgAttrNum;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Task MakeTask(std::string id, std::string title, int days) {
  Task t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.duration_days = days;
  return t;
}

// Mon 2026-03-02 .. Fri 2026-03-20 with a holiday on Mon 2026-03-16.
Plan ChartPlan() {
  Plan plan;
  plan.id = "p";
  plan.outcome.title = "Ship <the> \"store\" & more";
  plan.outcome.start_date = D(2026, 3, 2);
  plan.outcome.target_date = D(2026, 3, 20);
  plan.calendar.holidays = {D(2026, 3, 16)};
  plan.tasks = {MakeTask("a", "Design", 5), MakeTask("b", "Build", 4),
                MakeTask("c", "Docs <draft>", 2),
                MakeTask("d", "Loose end", 1)};
  plan.tasks[2].fixed_deadline = D(2026, 3, 11);
  Goal g;
  g.id = "g";
  g.title = "Store is built";
  g.task_ids = {"a", "b", "c"};
  plan.goals = {g};
  plan.dependencies = {{"a", "b", 0}, {"a", "c", 0}};
  return plan;
}

int Count(absl::string_view text, absl::string_view needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::string Between(absl::string_view text, absl::string_view open,
                    absl::string_view close) {
  const size_t a = text.find(open);
  if (a == absl::string_view::npos) return "";
  const size_t b = text.find(close, a + open.size());
  return std::string(text.substr(a + open.size(), b - a - open.size()));
}

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(absl::BytesToHexString(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(absl::BytesToHexString(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(absl::BytesToHexString(Sha256(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(CspSha256("abc"),
            "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
}

TEST(XmlEscape, EscapesMarkupAndDropsControls) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'\x01\td"), "a&lt;b&gt;&amp;&quot;c&#39;\td");
}

TEST(GanttSvg, OneBarPerTaskWithDatesCritAndDeadlines) {
  const Plan plan = ChartPlan();
  const Timeline timeline = ScheduleOrDie(plan);
  ASSERT_OK_AND_ASSIGN(std::string svg, ExportGanttSvg(plan, timeline, {}));
  EXPECT_THAT(svg, StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_EQ(Count(svg, "<g class=\"bar"), 4);
  for (const ScheduledNode& node : timeline.nodes) {
    if (node.kind != PlanGraph::Kind::kTask) continue;
    const std::string marker = absl::StrCat("data-id=\"", node.id, "\"");
    EXPECT_EQ(SvgAttr(svg, marker, "data-start"),
              absl::FormatCivilTime(node.planned_start));
    EXPECT_EQ(SvgAttr(svg, marker, "data-end"),
              absl::FormatCivilTime(node.deadline));
    EXPECT_EQ(absl::StrContains(SvgAttr(svg, marker, "class"), "crit"),
              node.critical)
        << node.id;
  }
  // c's fixed deadline (Wed 11) is tighter than the target: marked as fixed.
  EXPECT_EQ(Count(svg, "class=\"deadline fixed\""), 1);
  EXPECT_EQ(Count(svg, "class=\"deadline\""), 3);
  EXPECT_EQ(Count(svg, "<path class=\"arrow"), 2);
  // The goal and the synthetic outcome are milestones.
  EXPECT_EQ(Count(svg, "<path class=\"milestone"), 2);
  EXPECT_THAT(svg, HasSubstr("Ship &lt;the&gt; &quot;store&quot; &amp; more"));
  EXPECT_THAT(svg, HasSubstr("Docs &lt;draft&gt;"));
}

TEST(GanttSvg, GeometryPutsTargetAndNonWorkingDaysOnTheAxis) {
  const Plan plan = ChartPlan();
  ASSERT_OK_AND_ASSIGN(std::string svg,
                       ExportGanttSvg(plan, ScheduleOrDie(plan), {}));
  // The axis starts on the Monday of the start week.
  EXPECT_EQ(SvgAttr(svg, "class=\"gantt\"", "data-axis-start"), "2026-03-02");
  const double dw = SvgAttrNum(svg, "class=\"gantt\"", "data-day-width");
  const double left = SvgAttrNum(svg, "class=\"gantt\"", "data-chart-left");
  EXPECT_GE(dw, 2);
  // Target Fri 20 = day 18 of the axis; the line is at the end of that day.
  EXPECT_DOUBLE_EQ(SvgAttrNum(svg, "class=\"target fullv\"", "x1"),
                   left + 19 * dw);
  // The first weekend (Sat 7, Sun 8) is one shaded block of two days; the
  // holiday on Mon 16 is its own block, marked as a holiday.
  const std::string weekend =
      absl::StrCat("class=\"nonwork fullh\" x=\"", left + 5 * dw, "\"");
  EXPECT_EQ(SvgAttrNum(svg, weekend, "width"), 2 * dw);
  const std::string holiday = absl::StrCat(
      "class=\"nonwork fullh holiday\" x=\"", left + 14 * dw, "\"");
  EXPECT_EQ(SvgAttrNum(svg, holiday, "width"), dw);
  // b (4 days, ending on the target) runs Tue 17 - Fri 20, after the
  // holiday; its bar starts at Tue 17's column.
  const size_t b = svg.find("data-id=\"b\"");
  EXPECT_EQ(SvgAttrNum(absl::string_view(svg).substr(b), "class=\"fill\"", "x"),
            left + 15 * dw);
}

TEST(GanttHtml, SelfContainedWithHashedInlineCode) {
  const Plan plan = ChartPlan();
  ASSERT_OK_AND_ASSIGN(std::string html,
                       ExportGanttHtml(plan, ScheduleOrDie(plan), {}));
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  const std::string style = Between(html, "<style>", "</style>");
  const std::string script = Between(html, "<script>", "</script>");
  ASSERT_FALSE(style.empty());
  ASSERT_FALSE(script.empty());
  EXPECT_THAT(html,
              HasSubstr(absl::StrCat("content=\"default-src 'none'; style-src ",
                                     CspSha256(style), "; script-src ",
                                     CspSha256(script), "\"")));
  // Exactly one of each, nothing loaded from anywhere, no inline styles the
  // policy would block.
  EXPECT_EQ(Count(html, "<style"), 1);
  EXPECT_EQ(Count(html, "<script"), 1);
  for (absl::string_view banned :
       {"src=", "href=", "style=", "url(http", "@import", "onclick"}) {
    EXPECT_THAT(html, Not(HasSubstr(banned))) << banned;
  }
  // Groups can be folded: a heading per goal, "Other tasks" and the outcome.
  EXPECT_EQ(Count(html, "class=\"row head\""), 3);
  EXPECT_THAT(html, HasSubstr(">Other tasks</text>"));
  EXPECT_EQ(Count(html, "<g class=\"bar"), 4);
}

TEST(GanttHtml, ProgressFillsBars) {
  Plan plan = ChartPlan();
  plan.tasks[0].progress.status = TaskStatus::kDone;
  plan.tasks[0].progress.actual_start = D(2026, 3, 2);
  plan.tasks[0].progress.actual_finish = D(2026, 3, 6);
  plan.tasks[1].progress.status = TaskStatus::kInProgress;
  plan.tasks[1].progress.actual_start = D(2026, 3, 9);
  plan.tasks[1].progress.remaining_days = 3;  // 1 of 4 days done.
  ScheduleRequest request;
  request.as_of = D(2026, 3, 10);
  const Timeline timeline = ScheduleOrDie(plan, request);
  ASSERT_OK_AND_ASSIGN(std::string svg, ExportGanttSvg(plan, timeline, {}));
  auto part = [&](absl::string_view id) {
    return absl::string_view(svg).substr(
        svg.find(absl::StrCat("data-id=\"", id, "\"")));
  };
  EXPECT_THAT(SvgAttr(svg, "data-id=\"a\"", "class"), HasSubstr("done"));
  EXPECT_EQ(SvgAttrNum(part("a"), "class=\"progress\"", "width"),
            SvgAttrNum(part("a"), "class=\"fill\"", "width"));
  EXPECT_THAT(SvgAttr(svg, "data-id=\"b\"", "class"), HasSubstr("active"));
  EXPECT_DOUBLE_EQ(SvgAttrNum(part("b"), "class=\"progress\"", "width"),
                   SvgAttrNum(part("b"), "class=\"fill\"", "width") * 0.25);
  // The in-progress bar starts where the work began (Mon 9).
  const double dw = SvgAttrNum(svg, "class=\"gantt\"", "data-day-width");
  EXPECT_EQ(SvgAttrNum(part("b"), "class=\"fill\"", "x"),
            SvgAttrNum(svg, "class=\"gantt\"", "data-chart-left") + 7 * dw);
  EXPECT_EQ(Count(svg, "class=\"progress\""), 2);
  EXPECT_THAT(svg,
              HasSubstr("<line class=\"asof fullv\" data-day=\"2026-03-09\""));
}

TEST(GanttSvg, MembersBecomeSwimLanes) {
  Plan plan = ChartPlan();
  plan.tasks[0].title.clear();
  for (int i = 0; i < 30; ++i) plan.tasks[0].title += "\xC3\x89";  // É
  const std::string cut = [] {
    std::string s;
    for (int i = 0; i < 24; ++i) s += "\xC3\x89";
    return s;
  }();
  const Timeline timeline = ScheduleOrDie(plan);
  GanttOptions options;
  options.assignees.resize(timeline.nodes.size());
  for (size_t n = 0; n < timeline.nodes.size(); ++n) {
    const std::string& id = timeline.nodes[n].id;
    if (id == "a" || id == "b") options.assignees[n] = {"Ana"};
    if (id == "c") options.assignees[n] = {"Bo", "Ana"};
  }
  ASSERT_OK_AND_ASSIGN(std::string svg,
                       ExportGanttSvg(plan, timeline, options));
  EXPECT_EQ(Count(svg, "<g class=\"bar"), 4);  // Still one bar per task.
  EXPECT_THAT(svg, HasSubstr(">Ana</text>"));
  EXPECT_THAT(svg, HasSubstr(">Bo</text>"));
  EXPECT_THAT(svg, HasSubstr(">Unassigned</text>"));  // d.
  EXPECT_THAT(svg, HasSubstr(">Goals</text>"));
  EXPECT_EQ(Count(svg, "class=\"also\""), 1);  // c in Ana's lane too.
  // a's bar in a lane carries its title, cut between characters: Tue 3 to
  // Mon 9 is 7 calendar days, 168 px, room for 24 characters of 7 px.
  EXPECT_EQ(SvgAttrNum(svg, "class=\"gantt\"", "data-day-width"), 24);
  EXPECT_THAT(svg, HasSubstr(absl::StrCat(">", cut, "\xE2\x80\xA6</text>")));
  // a and b share Ana's row; the arrow a -> b stays in it.
  EXPECT_EQ(SvgAttr(svg, "data-from=\"a\" data-to=\"b\"", "data-r1"),
            SvgAttr(svg, "data-from=\"a\" data-to=\"b\"", "data-r2"));
}

TEST(GanttExport, RefusesBadInput) {
  const Plan plan = ChartPlan();
  const Timeline timeline = ScheduleOrDie(plan);
  Plan other = plan;
  other.tasks[1].id = "x";
  EXPECT_THAT(ExportGanttHtml(other, timeline, {}),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("\"b\"")));
  GanttOptions options;
  options.assignees.resize(2);
  EXPECT_THAT(ExportGanttSvg(plan, timeline, options),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("assignees")));
  Plan long_plan = plan;
  long_plan.outcome.target_date = D(2060, 1, 1);
  EXPECT_THAT(ExportGanttSvg(long_plan, ScheduleOrDie(long_plan), {}),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("more than a Gantt chart's 7320")));
  Plan big = plan;
  big.tasks.resize(kMaxGanttNodes);
  for (int i = 0; i < kMaxGanttNodes; ++i) {
    big.tasks[i] = MakeTask(absl::StrCat("t", i), "", 1);
  }
  big.dependencies.clear();
  big.goals.clear();
  EXPECT_THAT(ExportGanttHtml(big, ScheduleOrDie(big), {}),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("more than a Gantt chart's 20000")));
}

}  // namespace
}  // namespace backplan

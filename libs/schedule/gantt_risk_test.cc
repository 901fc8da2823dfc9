// The simulation's finish percentiles on the Gantt chart (GanttOptions::risk):
// lines at the end of their days, labels, and P(on time) in the legends.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/gantt.h"
#include "libs/schedule/simulate.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace {

using ::backplan::testing::D;
using ::backplan::testing::StatusIs;
using ::backplan::testing::SvgAttr;
using ::backplan::testing::SvgAttrNum;
using ::testing::HasSubstr;
using ::testing::Not;

// The chart's first day (data-axis-start).
absl::CivilDay AxisStart(absl::string_view svg) {
  absl::CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(
      SvgAttr(svg, "class=\"gantt\"", "data-axis-start"), &day));
  return day;
}

// Mon 2026-03-02 .. target Tue 2026-03-10: a (5 days, 3..12) then b (4).
Plan RiskPlan() {
  Plan plan;
  plan.id = "p";
  plan.outcome.title = "ship";
  plan.outcome.start_date = D(2026, 3, 2);
  plan.outcome.target_date = D(2026, 3, 10);
  Task a = testing::MakeTask("a", 5);
  a.optimistic_days = 3;
  a.pessimistic_days = 12;
  plan.tasks = {a, testing::MakeTask("b", 4)};
  plan.dependencies = {{"a", "b", 0}};
  return plan;
}

GanttRisk RiskOf(const SimulationResult& r) {
  GanttRisk risk;
  for (double q : {50.0, 80.0, 95.0}) risk.finishes.push_back(*r.Percentile(q));
  risk.probability_on_time = r.probability_on_time;
  risk.iterations = r.iterations;
  return risk;
}

TEST(GanttRisk, PercentileLinesSitAtTheEndOfTheirDays) {
  const Plan plan = RiskPlan();
  ASSERT_OK_AND_ASSIGN(Timeline timeline, Schedule(plan, ScheduleRequest()));
  SimulationOptions sim;
  sim.iterations = 2000;
  sim.seed = 5;
  ASSERT_OK_AND_ASSIGN(SimulationResult result, Simulate(plan, sim));
  GanttOptions options;
  options.risk = RiskOf(result);
  ASSERT_OK_AND_ASSIGN(std::string svg,
                       ExportGanttSvg(plan, timeline, options));
  // The backward schedule misses the target: the axis starts on the Monday
  // before the latest start of a.
  const absl::CivilDay axis = AxisStart(svg);
  EXPECT_EQ(axis, D(2026, 2, 23));
  const double dw = SvgAttrNum(svg, "class=\"gantt\"", "data-day-width");
  const double left = SvgAttrNum(svg, "class=\"gantt\"", "data-chart-left");
  for (double q : {50.0, 80.0, 95.0}) {
    const absl::CivilDay day = result.Percentile(q)->day;
    const std::string marker =
        absl::StrCat("data-percentile=\"", q, "\" data-day=\"",
                     absl::FormatCivilTime(day), "\"");
    SCOPED_TRACE(marker);
    // Day d's column starts at left + (d - axis start) * dw; the line is at
    // its end, as the target line.
    const double x = left + (day - axis + 1) * dw;
    EXPECT_NEAR(SvgAttrNum(svg, marker, "x1"), x, 0.005);
    EXPECT_NEAR(SvgAttrNum(svg, marker, "x2"), x, 0.005);
    EXPECT_THAT(svg, HasSubstr(absl::StrCat(">P", q, "</text>")));
  }
  // P95 after the target here: the axis reaches it.
  EXPECT_GT(result.Percentile(95)->day, plan.outcome.target_date);
  EXPECT_GT(SvgAttrNum(svg, "class=\"gantt\"", "width"),
            left + (result.Percentile(95)->day - axis + 1) * dw);
  EXPECT_THAT(svg, HasSubstr("class=\"risk-legend\""));
  EXPECT_THAT(svg,
              HasSubstr(absl::StrFormat("P(finish by Tue 2026-03-10) %.1f %%",
                                        100 * result.probability_on_time)));
  EXPECT_THAT(svg, HasSubstr("(2000 simulated runs)"));
}

TEST(GanttRisk, KnownDatesAtKnownColumnsAndInTheHtmlLegend) {
  Plan plan = RiskPlan();
  ASSERT_OK_AND_ASSIGN(Timeline timeline, Schedule(plan, ScheduleRequest()));
  GanttOptions options;
  options.risk = GanttRisk{
      {{50, D(2026, 3, 13)}, {80, D(2026, 3, 17)}, {95, D(2026, 3, 24)}},
      0.625,
      0};
  ASSERT_OK_AND_ASSIGN(std::string svg,
                       ExportGanttSvg(plan, timeline, options));
  const double dw = SvgAttrNum(svg, "class=\"gantt\"", "data-day-width");
  const double left = SvgAttrNum(svg, "class=\"gantt\"", "data-chart-left");
  // Fri 13 is day 18 of the axis (from Mon 2026-02-23): its end is 19
  // columns in; Tue 24 ends 30 columns in.
  ASSERT_EQ(AxisStart(svg), D(2026, 2, 23));
  EXPECT_NEAR(SvgAttrNum(svg, "data-percentile=\"50\"", "x1"), left + 19 * dw,
              0.005);
  EXPECT_NEAR(SvgAttrNum(svg, "data-percentile=\"95\"", "x1"), left + 30 * dw,
              0.005);
  ASSERT_OK_AND_ASSIGN(std::string html,
                       ExportGanttHtml(plan, timeline, options));
  EXPECT_THAT(html, HasSubstr("<p class=\"risk-legend\">"));
  EXPECT_THAT(html, HasSubstr("P(finish by Tue 2026-03-10) 62.5 % \xC2\xB7 "
                              "P50 Fri 2026-03-13 \xC2\xB7 P80 Tue 2026-03-17 "
                              "\xC2\xB7 P95 Tue 2026-03-24</p>"));
  EXPECT_THAT(html, Not(HasSubstr("simulated runs)")));  // iterations 0
  // Without risk: none of it.
  ASSERT_OK_AND_ASSIGN(html, ExportGanttHtml(plan, timeline, {}));
  EXPECT_THAT(html, Not(HasSubstr("class=\"risk")));
}

TEST(GanttRisk, RefusesBadRisk) {
  const Plan plan = RiskPlan();
  ASSERT_OK_AND_ASSIGN(Timeline timeline, Schedule(plan, ScheduleRequest()));
  GanttOptions options;
  options.risk =
      GanttRisk{{{80, D(2026, 3, 13)}, {50, D(2026, 3, 17)}}, 0.5, 0};
  EXPECT_THAT(ExportGanttSvg(plan, timeline, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("risk.finishes[1]")));
  options.risk = GanttRisk{{{100, D(2026, 3, 13)}}, 0.5, 0};
  EXPECT_THAT(ExportGanttSvg(plan, timeline, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("risk.finishes[0]")));
  options.risk = GanttRisk{{}, 1.5, 0};
  EXPECT_THAT(ExportGanttSvg(plan, timeline, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("probability_on_time")));
  options.risk = GanttRisk{};
  for (int i = 1; i <= kMaxGanttRiskLines + 1; ++i) {
    options.risk->finishes.push_back({static_cast<double>(i), D(2026, 3, 13)});
  }
  EXPECT_THAT(ExportGanttSvg(plan, timeline, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than a chart's")));
  // A P95 decades away is bounded by the chart's span.
  options.risk = GanttRisk{{{95, D(2066, 3, 13)}}, 0.5, 0};
  EXPECT_THAT(ExportGanttSvg(plan, timeline, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than a Gantt chart's")));
}

}  // namespace
}  // namespace backplan

// Internal to the Gantt exports (gantt.h): the simulation's finish
// percentiles on the chart and in its legend (GanttOptions::risk). Not a
// public API.
#ifndef BACKPLAN_LIBS_SCHEDULE_GANTT_RISK_H_
#define BACKPLAN_LIBS_SCHEDULE_GANTT_RISK_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "libs/schedule/gantt.h"

namespace backplan::gantt_internal {

// INVALID_ARGUMENT naming the field for a risk gantt.h refuses.
absl::Status CheckRisk(const GanttRisk& risk);

// "P(finish by Wed 2027-06-30) 87.3 % · P50 Mon 2027-05-17 · ... (1000
// runs)", plain text (not escaped).
std::string RiskSummary(const GanttRisk& risk, absl::CivilDay target);

// One `<line class="risk fullv">` per finish from axis_top to rows_end at
// x_end(day) (the end of that day), each with a "P50" label staggered below
// rows_top; SVG markup.
std::string RiskLines(const GanttRisk& risk,
                      absl::FunctionRef<double(absl::CivilDay)> x_end,
                      double axis_top, double rows_top, double rows_end);

// The HTML legend line: `<p class="risk-legend">` with RiskSummary.
std::string RiskLegendHtml(const GanttRisk& risk, absl::CivilDay target);

}  // namespace backplan::gantt_internal

#endif  // BACKPLAN_LIBS_SCHEDULE_GANTT_RISK_H_

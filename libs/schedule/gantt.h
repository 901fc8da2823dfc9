// Gantt chart exports of a scheduled plan: a self-contained HTML page and a
// standalone SVG image. Pure text generation; nothing reads the clock.
//
//   ASSIGN_OR_RETURN(Timeline timeline, Schedule(plan, request));
//   ASSIGN_OR_RETURN(std::string html, ExportGanttHtml(plan, timeline, {}));
//
// What the chart shows (both formats):
//   - A calendar axis (months, Mondays, days when there is room) with every
//     non-working day (weekends of the plan's calendar and its holidays)
//     shaded over the whole height, so a bar visibly pauses on them.
//   - One bar per task (`<g class="bar" data-id=...>`) from its planned start
//     to its deadline (the mode's dates, cpm.h), class `crit` on critical
//     tasks, `done` / `active` with progress as a filled part of the bar
//     (done: all of it; in progress: the share of the plan's duration no
//     longer remaining), a deadline mark at the end of each task's latest
//     finish (class `fixed` when the task has a fixed deadline), and a
//     tooltip (`<title>`) with dates, slack and the reason for the deadline.
//   - One arrow (`<path class="arrow">`) per explicit plan dependency, from
//     the predecessor's end to the successor's start; goal membership is
//     shown by grouping, not by arrows.
//   - Goals as milestones (diamonds at the end of their day) heading the
//     group of their tasks (each task under the first goal listing it, the
//     rest under "Other tasks"); the synthetic outcome as a last milestone.
//   - When `assignees` names people (ResourceTimeline::assignees): one swim
//     lane row per member holding the tasks it is the first assignee of
//     (a member never has two tasks on one day), tasks without a named
//     member one row each under "Unassigned", and the goals as milestone rows
//     under "Goals".
//   - The target date as a vertical line at the end of the target day
//     (`<line class="target">`), and the as-of date when set.
//   - With `risk` (a Monte Carlo simulation, simulate.h): one dashed line
//     per finish percentile at the end of its day (`<line class="risk"
//     data-percentile="50" data-day=...>`, labelled "P50"), and the chance
//     of finishing by the target with the percentile dates in the HTML
//     legend (`<p class="risk-legend">`) or, in the SVG, on the title line
//     (`<text class="risk-legend">`). The axis extends to the last one.
// Geometry, exposed on the root `<svg class="gantt">` for tools and tests:
// data-axis-start (YYYY-MM-DD), data-day-width and data-chart-left (px): day
// d's column starts at chart-left + (d - axis-start) * day-width.
//
// The HTML page adds a header (outcome, dates, feasibility, legend) and a
// small script that collapses a group when its heading is clicked. It loads
// nothing: its Content-Security-Policy is `default-src 'none'` plus the
// SHA-256 hashes of its one inline style and one inline script.
#ifndef BACKPLAN_LIBS_SCHEDULE_GANTT_H_
#define BACKPLAN_LIBS_SCHEDULE_GANTT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/plan.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/simulate.h"

namespace backplan {

// The longest timeline a chart draws, in calendar days (about 20 years):
// bounds the output size whatever dates a caller sends.
inline constexpr int kMaxGanttDays = 7320;
// The most timeline nodes (tasks, goals, outcome) a chart draws: about
// 0.7 KB of output each, so a chart stays far below gRPC message limits.
inline constexpr int kMaxGanttNodes = 20000;

// Monte Carlo finish dates to mark on a chart (from SimulationResult).
struct GanttRisk {
  // Each drawn as a line at the end of `day`; percentiles in (0, 100), at
  // most kMaxGanttRiskLines, ascending.
  std::vector<FinishPercentile> finishes;
  double probability_on_time = 0;  // P(finish <= target date), in [0, 1].
  int iterations = 0;              // Runs behind it (shown when > 0).
};
inline constexpr int kMaxGanttRiskLines = 10;

struct GanttOptions {
  // Per node (Timeline::nodes order) the members doing it; empty, or all
  // entries empty, for a chart grouped by goal.
  std::vector<std::vector<std::string>> assignees;
  // Simulation percentiles and P(on time); none when unset.
  std::optional<GanttRisk> risk;
};

// INVALID_ARGUMENT when the timeline was not computed from `plan` (as the
// other exporters, export.h), when `assignees` is non-empty but not one
// entry per node, when the plan's calendar is invalid, when the dates
// span more than kMaxGanttDays, and when the timeline has more than
// kMaxGanttNodes nodes, and for a `risk` with more than kMaxGanttRiskLines
// finishes, one outside (0, 100) or out of order, or a probability outside
// [0, 1].
absl::StatusOr<std::string> ExportGanttHtml(const Plan& plan,
                                            const Timeline& timeline,
                                            const GanttOptions& options);
// An `<?xml ...?>` SVG document with its own `<style>`, no script.
absl::StatusOr<std::string> ExportGanttSvg(const Plan& plan,
                                           const Timeline& timeline,
                                           const GanttOptions& options);

// Building blocks, exposed for tests.
// Escapes `&`, `<`, `>`, `"` and `'` for HTML/XML text and attribute values,
// and drops control characters XML 1.0 forbids.
std::string XmlEscape(absl::string_view text);
// The CSP source for an inline element's content: "'sha256-<base64>'".
std::string CspSha256(absl::string_view content);
// SHA-256 of `data` (OpenSSL libcrypto), 32 raw bytes.
std::string Sha256(absl::string_view data);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_GANTT_H_

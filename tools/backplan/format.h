// Text renderings of the answers the `backplan` commands print without
// --json: a stored plan, a schedule's timeline and a priority order. Each
// returns the whole text, ending in '\n'; dates are printed by FormatDate
// (table.h).
#ifndef BACKPLAN_TOOLS_BACKPLAN_FORMAT_H_
#define BACKPLAN_TOOLS_BACKPLAN_FORMAT_H_

#include <map>
#include <string>

#include "backplan/v1/plan.pb.h"
#include "backplan/v1/prioritization.pb.h"
#include "backplan/v1/scheduling.pb.h"
#include "tools/backplan/table.h"  // kDefaultLineWidth.

namespace backplan::cli {

// Renders a stored plan: id, version and tenant, the outcome with its dates,
// success criteria and facts, the goal tree from the outcome goal (each goal
// with its state and its tasks; a shared goal printed once, then "shown
// above"), tasks under no goal, and the dependencies with their lags.
std::string FormatPlan(const v1::Plan& plan);

// Renders a Schedule answer: a header line (plan, version, target, final
// milestone, feasibility, degradation), the critical path or causing chain,
// then one row per scheduled node in the order the response lists them,
// then a legend of SLACK, CRITICAL and (with people) makespan and gap.
// Backward timelines show each task's latest start and deadline; forward
// ones its earliest start and finish. Lines fit `line_width` bytes (0 =
// unlimited) except where an id alone is wider.
std::string FormatTimeline(const v1::ScheduleResponse& response,
                           size_t line_width = kDefaultLineWidth);

// Renders a Prioritize answer as a ranked table: rank, id, title, score,
// tier and the reason for the task's place; with `explain`, each task's
// contributions (value x weight = contribution, summing to the score) follow.
// `titles` maps task ids to titles (may be empty).
// Lines fit `line_width` bytes (0 = unlimited) except where an id is wider.
std::string FormatPriorities(const v1::PrioritizeResponse& response,
                             const std::map<std::string, std::string>& titles,
                             bool explain = false,
                             size_t line_width = kDefaultLineWidth);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_FORMAT_H_

#include "tools/backplan/format.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/backplan/client.h"
#include "tools/backplan/goal_tree.h"
#include "tools/backplan/table.h"

namespace backplan::cli {
namespace {

std::string KindName(v1::NodeKind kind) {
  switch (kind) {
    case v1::TASK:
      return "task";
    case v1::GOAL:
      return "goal";
    case v1::OUTCOME:
      return "outcome";
    default:
      return "?";
  }
}

std::string WhyDeadline(const v1::DeadlineReason& reason) {
  switch (reason.kind()) {
    case v1::DeadlineReason::SUCCESSOR:
      return absl::StrCat("before ", reason.successor_id());
    case v1::DeadlineReason::FIXED_DEADLINE:
      return "fixed deadline";
    case v1::DeadlineReason::TARGET:
      return "target date";
    default:
      return "";
  }
}

std::string TierName(v1::Tier tier) {
  switch (tier) {
    case v1::MUST:
      return "must";
    case v1::SHOULD:
      return "should";
    case v1::COULD:
      return "could";
    case v1::WONT:
      return "won't";
    default:
      return "";
  }
}

std::string Number(double value) { return absl::StrFormat("%.3g", value); }

// A column of a timeline table: right-aligned numbers; wide-only columns
// are left out unless the line width is unlimited; shrinkable ones (min > 0)
// give way to fit the line, capped at `cap` bytes unless wide.
struct Column {
  const char* header;
  bool right = false;
  bool wide_only = false;
  size_t min = 0;
  size_t cap = 0;
};

std::string RenderColumns(const std::vector<Column>& columns,
                          const std::vector<std::vector<std::string>>& rows,
                          size_t line_width) {
  std::vector<size_t> shown;
  std::vector<std::string> headers;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].wide_only && line_width > 0) continue;
    shown.push_back(i);
    headers.push_back(columns[i].header);
  }
  Table table(headers);
  table.SetLineWidth(line_width);
  for (size_t j = 0; j < shown.size(); ++j) {
    const Column& column = columns[shown[j]];
    if (column.right) table.AlignRight(j);
    if (column.min > 0) table.SetShrinkable(j, column.min);
    if (column.cap > 0) table.SetMaxWidth(j, column.cap);
  }
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    cells.reserve(shown.size());
    for (size_t i : shown) cells.push_back(row[i]);
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

// What SLACK, CRITICAL and (with people) the makespan's gap mean, for the
// lines under a timeline.
std::string FormatLegend(const v1::Timeline& timeline, int least_slack,
                         size_t line_width) {
  std::string out = WrapWords(
      absl::StrCat("SLACK: working days a task can start later than its "
                   "earliest start and still meet the target. CRITICAL: on "
                   "the chain with the least slack (here ",
                   FormatDays(least_slack),
                   "; 0 when the target is just "
                   "reachable), where any delay eats into the margin first."),
      line_width);
  if (line_width > 0) {
    const bool forward_plain =
        timeline.mode() == v1::FORWARD && !timeline.resource_constrained();
    absl::StrAppend(
        &out, forward_plain
                  ? "--wide shows whole titles.\n"
                  : WrapWords(absl::StrCat("--wide shows every column (KIND",
                                           timeline.resource_constrained()
                                               ? ", TITLE"
                                               : ", LATEST START",
                                           ") and whole titles."),
                              line_width));
  }

  if (timeline.resource_constrained()) {
    absl::StrAppend(
        &out,
        WrapWords(
            absl::StrCat("With people, SLACK and CRITICAL count the people's "
                         "order too. Makespan: working days from the first "
                         "start to the last finish. Lower bound: no schedule "
                         "can be shorter. Gap: how far the makespan is above "
                         "the lower bound, in % of it (0 % = provably "
                         "shortest)."),
            line_width));
  }
  return out;
}

}  // namespace

std::string FormatPlan(const v1::Plan& plan) {
  std::string out =
      absl::StrFormat("plan %s  version %d", plan.id(), plan.version());
  if (!plan.tenant().empty()) absl::StrAppend(&out, "  tenant ", plan.tenant());
  absl::StrAppend(&out, "\noutcome: ", plan.outcome().title(), "\n");
  absl::StrAppend(&out, "  target ", FormatDate(plan.outcome().target_date()),
                  ", start ", FormatDate(plan.outcome().start_date()), "\n");
  for (const auto& criterion : plan.outcome().success_criteria()) {
    absl::StrAppend(&out, "  success: ", criterion, "\n");
  }
  for (const auto& fact : plan.outcome().facts()) {
    absl::StrAppend(&out, "  fact: ", fact, "\n");
  }

  absl::StrAppend(&out, "goals (", plan.goals_size(), ") and tasks (",
                  plan.tasks_size(), "):\n");
  for (const GoalTreeRow& row : GoalTree(plan)) {
    const std::string indent(static_cast<size_t>(row.depth) * 2, ' ');
    switch (row.kind) {
      case GoalTreeRow::Kind::kGoal: {
        std::string state;
        if (row.goal->state() == v1::OPEN) state = "  [open]";
        if (row.goal->state() == v1::FACT) state = "  [fact]";
        if (row.id == plan.outcome_goal_id()) state += "  [outcome]";
        absl::StrAppend(&out, indent, "goal ", row.id, "  ", row.goal->title(),
                        state, "\n");
        break;
      }
      case GoalTreeRow::Kind::kSharedGoal:
        absl::StrAppend(&out, indent, "goal ", row.id, " (shown above)\n");
        break;
      case GoalTreeRow::Kind::kMissingGoal:
        absl::StrAppend(&out, indent, "goal ", row.id, " (missing)\n");
        break;
      case GoalTreeRow::Kind::kTask:
      case GoalTreeRow::Kind::kLooseTask:
        absl::StrAppend(
            &out, indent, "task ", row.id, "  ", row.task->title(), "  (",
            FormatDays(row.task->duration_days()),
            row.kind == GoalTreeRow::Kind::kLooseTask ? ", under no goal" : "",
            ")\n");
        break;
      case GoalTreeRow::Kind::kMissingTask:
        absl::StrAppend(&out, indent, "task ", row.id, " (missing)\n");
        break;
    }
  }
  if (plan.dependencies_size() > 0) {
    absl::StrAppend(&out, "dependencies (", plan.dependencies_size(), "):\n");
    for (const auto& dep : plan.dependencies()) {
      absl::StrAppend(&out, "  ", dep.predecessor_id(), " -> ",
                      dep.successor_id());
      if (dep.lag_days() != 0) {
        absl::StrAppend(&out, "  (lag ", FormatDays(dep.lag_days()), ")");
      }
      absl::StrAppend(&out, "\n");
    }
  }
  return out;
}

std::string FormatTimeline(const v1::ScheduleResponse& response,
                           size_t line_width) {
  const v1::Timeline& timeline = response.timeline();
  const bool forward = timeline.mode() == v1::FORWARD;
  std::vector<std::string> header;
  if (timeline.plan_id().empty()) {
    header.push_back("plan (inline)");
  } else {
    header.push_back(absl::StrCat("plan ", timeline.plan_id(), " v",
                                  timeline.plan_version()));
  }
  header.push_back(forward ? "forward" : "backward");
  header.push_back(absl::StrCat("start ", FormatDate(timeline.start_date())));
  header.push_back(absl::StrCat("target ", FormatDate(timeline.target_date())));
  header.push_back(
      absl::StrCat("final milestone ", FormatDate(timeline.final_milestone())));
  if (timeline.feasible()) {
    header.push_back(absl::StrCat("feasible, earliest finish ",
                                  FormatDate(timeline.earliest_finish())));
  } else {
    header.push_back(absl::StrCat("INFEASIBLE: ", timeline.days_short(),
                                  " working days short, earliest finish ",
                                  FormatDate(timeline.earliest_finish())));
  }
  if (response.degraded()) {
    header.push_back(absl::StrCat("DEGRADED (no ranks): ",
                                  OneLine(response.degraded_reason())));
  }
  // The header parts, as many to a line as fit.
  std::string out;
  std::string line;
  for (const std::string& part : header) {
    if (!line.empty() && line_width > 0 &&
        line.size() + 3 + part.size() > line_width) {
      absl::StrAppend(&out, line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " | ", part);
  }
  absl::StrAppend(&out, line, "\n");
  if (!timeline.critical_path().empty()) {
    absl::StrAppend(
        &out,
        WrapWords(absl::StrCat("critical path: ",
                               absl::StrJoin(timeline.critical_path(), " -> ")),
                  line_width));
  }
  if (!timeline.causing_chain().empty()) {
    absl::StrAppend(
        &out,
        WrapWords(absl::StrCat("causing chain: ",
                               absl::StrJoin(timeline.causing_chain(), " -> ")),
                  line_width));
  }
  if (timeline.resource_constrained()) {
    std::string resources =
        absl::StrCat("resources: makespan ", timeline.makespan_days(),
                     " working days, lower bound ", timeline.lower_bound_days(),
                     timeline.lower_bound_name().empty()
                         ? ""
                         : absl::StrCat(" by ", timeline.lower_bound_name()),
                     " (critical path ", timeline.critical_path_bound_days(),
                     ", resources ", timeline.resource_bound_days(),
                     ", energy ", timeline.energy_bound_days(), ", conflict ",
                     timeline.conflict_bound_days(), "), gap ",
                     Number(timeline.gap_percent()), " %, ",
                     timeline.schedules_generated(), " schedules generated");
    if (!timeline.search_stopped_by().empty()) {
      absl::StrAppend(&resources, " (search ended by ",
                      timeline.search_stopped_by(), "; max_schedules ",
                      timeline.max_schedules(), ", seed ", timeline.seed(),
                      ")");
    }
    absl::StrAppend(&out, WrapWords(resources, line_width));
  }
  for (const auto& moved : timeline.moved_deadlines()) {
    absl::StrAppend(&out, "moved: ", moved.id(), " ",
                    FormatDate(moved.old_deadline()), " -> ",
                    FormatDate(moved.new_deadline()), "\n");
  }
  out += "\n";

  int least_slack = 0;
  bool any_critical = false;
  auto note_slack = [&](bool critical, int slack) {
    if (!critical) return;
    least_slack = any_critical ? std::min(least_slack, slack) : slack;
    any_critical = true;
  };
  // Narrow output (the default) leaves out the columns marked wide-only so
  // that ids, dates and reasons keep room; --wide shows them all.
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
  auto rank = [](const v1::ScheduledTask& task) {
    return task.rank() > 0 ? absl::StrCat(task.rank()) : std::string("-");
  };
  if (timeline.resource_constrained()) {
    // Dates come from the resource schedule; show who does each task.
    // SLACK and CRITICAL are the resource-aware ones (with the people in
    // the order this schedule gives them).
    columns = {{"RANK", true},
               {"ID"},
               {"KIND", false, true},
               {"TITLE", false, true},  // The ids say enough at 120.
               {"DAYS", true},
               {"START"},
               {forward ? "FINISH" : "DEADLINE"},
               {"WHO", false, false, 6},
               {"SLACK", true},
               {"CRITICAL"},
               {"WHY HERE", false, false, 16}};
    for (const auto& task : timeline.tasks()) {
      note_slack(task.resource_critical(), task.resource_slack_days());
      rows.push_back(
          {rank(task), task.id(), KindName(task.kind()), task.title(),
           absl::StrCat(task.duration_days()), FormatDate(task.planned_start()),
           FormatDate(task.deadline()), absl::StrJoin(task.assignees(), ", "),
           absl::StrCat(task.resource_slack_days()),
           task.resource_critical() ? "yes" : "",
           task.waits_for().text().empty() ? WhyDeadline(task.deadline_reason())
                                           : task.waits_for().text()});
    }
  } else if (forward) {
    // Going forward every task starts as early as it can; the deadline
    // columns of the backward pass would be dates after these.
    columns = {
        {"RANK", true}, {"ID"},    {"KIND"},   {"TITLE", false, false, 10, 60},
        {"DAYS", true}, {"START"}, {"FINISH"}, {"SLACK", true},
        {"CRITICAL"}};
    for (const auto& task : timeline.tasks()) {
      note_slack(task.critical(), task.slack_days());
      rows.push_back({rank(task), task.id(), KindName(task.kind()),
                      task.title(), absl::StrCat(task.duration_days()),
                      FormatDate(task.earliest_start()),
                      FormatDate(task.earliest_finish()),
                      absl::StrCat(task.slack_days()),
                      task.critical() ? "yes" : ""});
    }
  } else {
    columns = {{"RANK", true},        {"ID"},
               {"KIND", false, true}, {"TITLE", false, false, 10, 40},
               {"DAYS", true},        {"LATEST START", false, true},
               {"DEADLINE"},          {"SLACK", true},
               {"CRITICAL"},          {"WHY THIS DEADLINE", false, false, 17}};
    for (const auto& task : timeline.tasks()) {
      note_slack(task.critical(), task.slack_days());
      rows.push_back(
          {rank(task), task.id(), KindName(task.kind()), task.title(),
           absl::StrCat(task.duration_days()), FormatDate(task.latest_start()),
           FormatDate(task.deadline()), absl::StrCat(task.slack_days()),
           task.critical() ? "yes" : "", WhyDeadline(task.deadline_reason())});
    }
  }
  absl::StrAppend(&out, RenderColumns(columns, rows, line_width));
  absl::StrAppend(&out, "\n", FormatLegend(timeline, least_slack, line_width));
  return out;
}

std::string FormatPriorities(const v1::PrioritizeResponse& response,
                             const std::map<std::string, std::string>& titles,
                             bool explain, size_t line_width) {
  const v1::Priorities& priorities = response.priorities();
  std::string out;
  if (priorities.plan_id().empty()) {
    out = "plan (inline)";
  } else {
    out = absl::StrCat("plan ", priorities.plan_id(), " v",
                       priorities.plan_version());
  }
  absl::StrAppend(&out, " | method ",
                  v1::PriorityMethod_Name(priorities.method()));
  if (!priorities.weights().empty()) {
    std::vector<std::string> weights;
    for (const auto& w : priorities.weights()) {
      weights.push_back(absl::StrCat(w.criterion(), "=", Number(w.weight())));
    }
    absl::StrAppend(&out, " | weights ", absl::StrJoin(weights, ","));
  }
  if (response.stale()) absl::StrAppend(&out, " | STALE: the plan changed");
  absl::StrAppend(&out, "\n\n");

  Table table({"RANK", "ID", "TITLE", "SCORE", "TIER", "REASON"});
  table.AlignRight(0);
  table.AlignRight(3);
  table.SetMaxWidth(2, 40);
  table.SetShrinkable(5, 20);
  table.SetLineWidth(line_width);
  for (const auto& task : priorities.tasks()) {
    auto title = titles.find(task.task_id());
    table.AddRow({absl::StrCat(task.rank()), task.task_id(),
                  title == titles.end() ? "" : title->second,
                  Number(task.score()), TierName(task.tier()), task.reason()});
  }
  absl::StrAppend(&out, table.Render());
  if (!explain) return out;
  absl::StrAppend(&out, "\ncontributions (value x weight = contribution):\n");
  for (const auto& task : priorities.tasks()) {
    std::vector<std::string> parts;
    for (const auto& c : task.contributions()) {
      parts.push_back(absl::StrCat(
          c.criterion(), " ", Number(c.normalized_value()), "x",
          Number(c.weight()), "=", Number(c.contribution()),
          c.note().empty() ? "" : absl::StrCat(" (", c.note(), ")")));
    }
    absl::StrAppend(
        &out,
        WrapWords(absl::StrCat(
                      "  ", task.task_id(), ": ", absl::StrJoin(parts, " + "),
                      " = ", Number(task.score()), "; order value ",
                      Number(task.order_value()), " / size ",
                      Number(task.order_size()), "; effective ",
                      Number(task.effective_score()),
                      task.inherited_from().empty()
                          ? ""
                          : absl::StrCat(" from ", task.inherited_from())),
                  line_width, 4));
  }
  return out;
}

}  // namespace backplan::cli

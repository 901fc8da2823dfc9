#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/schedule/export.h"
#include "libs/schedule/gantt_chart.h"
#include "libs/schedule/gantt_page.h"
#include "libs/schedule/gantt_risk.h"

namespace backplan::gantt_internal {

std::string Chart::Tooltip(int n) const {
  const ScheduledNode& node = tl_.nodes[n];
  std::string tip = absl::StrCat(Title(node), " (", node.id, ")\n");
  if (node.duration_days == 0) {
    absl::StrAppend(&tip, "milestone ", LongDate(node.deadline));
  } else {
    absl::StrAppend(&tip, LongDate(node.planned_start), " to ",
                    LongDate(node.deadline), ", ", node.duration_days,
                    " working days");
  }
  if (node.status == TaskStatus::kDone) return tip + "\ndone";
  if (node.status == TaskStatus::kInProgress) tip += "\nin progress";
  absl::StrAppend(&tip, "\nlatest finish ", LongDate(node.latest_finish),
                  ", slack ", node.slack_days, " working days",
                  node.critical ? " (critical)" : "");
  switch (node.deadline_reason.kind) {
    case DeadlineReason::Kind::kSuccessor:
      absl::StrAppend(&tip, "\nset by ", DeadlineSuccessorId(tl_, node));
      break;
    case DeadlineReason::Kind::kFixedDeadline:
      tip += "\nset by its fixed deadline";
      break;
    case DeadlineReason::Kind::kTarget:
      tip += "\nset by the target date";
      break;
    case DeadlineReason::Kind::kDone:
      break;
  }
  if (!options_.assignees.empty() && !options_.assignees[n].empty()) {
    absl::StrAppend(&tip, "\n", absl::StrJoin(options_.assignees[n], ", "));
  }
  return tip;
}

void Chart::AppendBar(int n, double y, std::string* out) const {
  const ScheduledNode& node = tl_.nodes[n];
  const Task& task = plan_.tasks[node.source_index];
  std::string cls = "bar";
  if (node.critical) cls += " crit";
  if (node.status == TaskStatus::kDone) cls += " done";
  if (node.status == TaskStatus::kInProgress) cls += " active";
  absl::StrAppend(out, "<g class=\"", cls, "\" data-id=\"", XmlEscape(node.id),
                  "\" data-start=\"", Date(node.planned_start),
                  "\" data-end=\"", Date(node.deadline), "\"><title>",
                  XmlEscape(Tooltip(n)), "</title>");
  const double mid = y + kRowHeight / 2;
  if (node.duration_days == 0) {
    const double x = X(node.deadline + 1);
    absl::StrAppend(out, "<path class=\"ms\" d=\"M", Num(x), " ", Num(mid - 6),
                    "l6 6l-6 6l-6 -6z\"/>");
  } else {
    // An in-progress bar starts where the work began.
    absl::CivilDay first = node.planned_start;
    if (node.status == TaskStatus::kInProgress && task.progress.actual_start) {
      first = std::min(first, *task.progress.actual_start);
    }
    const double x = X(first), w = X(node.deadline + 1) - x;
    absl::StrAppend(out, "<rect class=\"fill\" x=\"", Num(x), "\" y=\"",
                    Num(y + 5), "\" width=\"", Num(w),
                    "\" height=\"12\" rx=\"2\"/>");
    double done = 0;
    if (node.status == TaskStatus::kDone) done = 1;
    if (node.status == TaskStatus::kInProgress && task.duration_days > 0) {
      done = std::clamp(
          1.0 - static_cast<double>(node.duration_days) / task.duration_days,
          0.0, 1.0);
    }
    if (done > 0) {
      absl::StrAppend(out, "<rect class=\"progress\" x=\"", Num(x), "\" y=\"",
                      Num(y + 5), "\" width=\"", Num(w * done),
                      "\" height=\"12\" rx=\"2\"/>");
    }
    if (w >= 60 && rows_[row_of_[n]].kind == Row::Kind::kLane) {
      absl::StrAppend(
          out, "<text x=\"", Num(x + 3), "\" y=\"", Num(y + 15), "\">",
          XmlEscape(Ellipsize(Title(node), static_cast<size_t>(w / 7))),
          "</text>");
    }
  }
  if (node.status != TaskStatus::kDone) {
    const double x = X(node.latest_finish + 1);
    absl::StrAppend(out, "<path class=\"deadline",
                    task.fixed_deadline ? " fixed" : "", "\" d=\"M", Num(x - 4),
                    " ", Num(y), "h8l-4 5z\"/>");
  }
  *out += "</g>";
}

void Chart::AppendMilestone(int n, double y, std::string* out) const {
  const ScheduledNode& node = tl_.nodes[n];
  const double x = X(node.deadline + 1), mid = y + kRowHeight / 2;
  absl::StrAppend(out, "<path class=\"milestone", node.critical ? " crit" : "",
                  "\" data-id=\"", XmlEscape(node.id), "\" data-day=\"",
                  Date(node.deadline), "\" d=\"M", Num(x), " ", Num(mid - 7),
                  "l7 7l-7 7l-7 -7z\"><title>", XmlEscape(Tooltip(n)),
                  "</title></path>");
}

void Chart::AppendAxis(double axis_top, double bottom, std::string* out) const {
  *out += "<g class=\"grid\">";
  std::string labels;
  for (absl::CivilDay d = start_; d <= end_; ++d) {
    const double x = X(d);
    if (d.day() == 1 || d == start_) {
      const absl::CivilMonth month(d);
      const double px = (absl::CivilDay(month + 1) - d) * dw_;
      std::string text = absl::FormatCivilTime(month);  // YYYY-MM
      if (px < 48)
        text = month.month() == 1 || d == start_ ? text.substr(0, 4) : "";
      absl::StrAppend(out, "<line class=\"month fullv\" x1=\"", Num(x),
                      "\" x2=\"", Num(x), "\" y1=\"", Num(axis_top), "\" y2=\"",
                      Num(bottom), "\"/>");
      if (!text.empty()) {
        absl::StrAppend(&labels, "<text class=\"axis\" x=\"", Num(x + 3),
                        "\" y=\"", Num(axis_top + 13), "\">", text, "</text>");
      }
    } else if (absl::GetWeekday(d) == absl::Weekday::monday && dw_ * 7 >= 12) {
      absl::StrAppend(out, "<line class=\"week fullv\" x1=\"", Num(x),
                      "\" x2=\"", Num(x), "\" y1=\"", Num(axis_top + 16),
                      "\" y2=\"", Num(bottom), "\"/>");
    }
    if (absl::GetWeekday(d) == absl::Weekday::monday && dw_ * 7 >= 24) {
      absl::StrAppend(&labels, "<text class=\"axis\" x=\"", Num(x + 2),
                      "\" y=\"", Num(axis_top + 28), "\">", d.day(), "</text>");
    }
  }
  absl::StrAppend(out, "</g>", labels);
}

std::string Chart::Svg(bool standalone) const {
  const double title_h = standalone ? kTitleHeight : 0;
  const double axis_top = title_h, rows_top = title_h + kAxisHeight;
  const double rows_end = rows_top + rows_.size() * kRowHeight;
  const double height = rows_end + kBottomPad;
  std::string out;
  if (standalone) out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(
      &out,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\" width=\"",
      Num(width_), "\" height=\"", Num(height), "\" viewBox=\"0 0 ",
      Num(width_), " ", Num(height), "\" data-axis-start=\"", Date(start_),
      "\" data-day-width=\"", Num(dw_), "\" data-chart-left=\"", Num(left_),
      "\" data-row-height=\"", Num(kRowHeight), "\" data-rows-top=\"",
      Num(rows_top), "\" data-axis-top=\"", Num(axis_top),
      "\" data-bottom-pad=\"", Num(kBottomPad), "\">\n");
  if (standalone) {
    absl::StrAppend(&out, "<style>", ChartCss(),
                    "</style>\n<text class=\"title\" x=\"8\" y=\"20\">",
                    XmlEscape(plan_.outcome.title), "</text>\n");
    if (options_.risk) {
      absl::StrAppend(
          &out, "<text class=\"risk-legend\" x=\"", Num(left_), "\" y=\"20\">",
          XmlEscape(RiskSummary(*options_.risk, tl_.target_date)), "</text>\n");
    }
  }
  out +=
      "<defs><marker id=\"arrowhead\" viewBox=\"0 0 6 6\" refX=\"6\" "
      "refY=\"3\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">"
      "<path d=\"M0 0L6 3L0 6z\"/></marker></defs>\n";
  AppendAxis(axis_top, rows_end, &out);
  out += "\n";
  for (size_t r = 0; r < rows_.size(); ++r) {
    const Row& row = rows_[r];
    const double y = rows_top + r * kRowHeight;
    const bool head = row.kind == Row::Kind::kHead;
    absl::StrAppend(&out, "<g class=\"row", head ? " head" : "",
                    "\" data-row=\"", r, "\" ", head ? "data-group" : "data-in",
                    "=\"", row.group, "\" transform=\"translate(0,", Num(y),
                    ")\">");
    // Rows draw at y 0 inside their group, which the script moves.
    if (head) {
      absl::StrAppend(&out,
                      "<rect class=\"head-band\" x=\"0\" y=\"0\" width=\"",
                      Num(width_), "\" height=\"", Num(kRowHeight), "\"/>");
    } else if (row.kind == Row::Kind::kLane) {
      absl::StrAppend(&out, "<line class=\"lane-line\" x1=\"0\" x2=\"",
                      Num(width_), "\" y1=\"", Num(kRowHeight), "\" y2=\"",
                      Num(kRowHeight), "\"/>");
    }
    absl::StrAppend(&out, "<text class=\"label\" x=\"", head ? 20 : 28,
                    "\" y=\"15\">", XmlEscape(row.label), "</text>");
    if (head && !standalone) {
      out += "<text class=\"toggle\" x=\"6\" y=\"15\">\xE2\x96\xBE</text>";
    }
    if (head && !row.nodes.empty() &&
        tl_.nodes[row.nodes[0]].kind == PlanGraph::Kind::kGoal) {
      // The span of the goal's own tasks, under its milestone.
      double first = X(tl_.nodes[row.nodes[0]].deadline + 1);
      for (size_t k = r + 1;
           k < rows_.size() && rows_[k].kind != Row::Kind::kHead; ++k) {
        first = std::min(first, XIn(rows_[k].nodes[0]));
      }
      const double last = X(tl_.nodes[row.nodes[0]].deadline + 1);
      if (last > first) {
        absl::StrAppend(&out, "<rect class=\"summary\" x=\"", Num(first),
                        "\" y=\"15\" width=\"", Num(last - first),
                        "\" height=\"3\"/>");
      }
    }
    for (int n : row.also) {
      const double x = XIn(n);
      absl::StrAppend(&out, "<rect class=\"also\" x=\"", Num(x),
                      "\" y=\"5\" width=\"", Num(XOut(n) - x),
                      "\" height=\"12\"/>");
    }
    for (int n : row.nodes) {
      if (IsBar(n)) {
        AppendBar(n, 0, &out);
      } else {
        AppendMilestone(n, 0, &out);
      }
    }
    out += "</g>\n";
  }
  // Non-working days over the bars, so bars visibly pause on them.
  for (absl::CivilDay d = start_; d <= end_; ++d) {
    if (cal_.IsWorkingDay(d)) continue;
    const bool holiday = std::binary_search(cal_.effective_holidays().begin(),
                                            cal_.effective_holidays().end(), d);
    absl::CivilDay last = d;
    while (last + 1 <= end_ && !cal_.IsWorkingDay(last + 1) && !holiday &&
           !std::binary_search(cal_.effective_holidays().begin(),
                               cal_.effective_holidays().end(), last + 1)) {
      ++last;
    }
    absl::StrAppend(&out, "<rect class=\"nonwork fullh",
                    holiday ? " holiday" : "", "\" x=\"", Num(X(d)), "\" y=\"",
                    Num(axis_top), "\" width=\"", Num((last - d + 1) * dw_),
                    "\" height=\"", Num(rows_end - axis_top), "\"/>");
    d = last;
  }
  out += "\n";
  absl::flat_hash_map<absl::string_view, int> node_of;
  for (size_t n = 0; n < tl_.nodes.size(); ++n) node_of[tl_.nodes[n].id] = n;
  for (const Dependency& dep : plan_.dependencies) {
    auto p = node_of.find(dep.predecessor_id),
         s = node_of.find(dep.successor_id);
    if (p == node_of.end() || s == node_of.end()) continue;
    const int from = p->second, to = s->second;
    if (row_of_[from] < 0 || row_of_[to] < 0) continue;
    const double x1 = XOut(from), x2 = XIn(to);
    const double y1 = rows_top + row_of_[from] * kRowHeight + kRowHeight / 2;
    const double y2 = rows_top + row_of_[to] * kRowHeight + kRowHeight / 2;
    std::string d;
    if (x2 - x1 >= 8) {
      d = absl::StrCat("M", Num(x1), " ", Num(y1), "H", Num(x1 + 4), "V",
                       Num(y2), "H", Num(x2));
    } else {
      const double ym = y2 - (y2 >= y1 ? 1 : -1) * kRowHeight / 2;
      d = absl::StrCat("M", Num(x1), " ", Num(y1), "H", Num(x1 + 4), "V",
                       Num(ym), "H", Num(x2 - 4), "V", Num(y2), "H", Num(x2));
    }
    const bool crit = tl_.nodes[from].critical && tl_.nodes[to].critical;
    absl::StrAppend(&out, "<path class=\"arrow", crit ? " crit" : "",
                    "\" data-from=\"", XmlEscape(dep.predecessor_id),
                    "\" data-to=\"", XmlEscape(dep.successor_id),
                    "\" data-r1=\"", row_of_[from], "\" data-r2=\"",
                    row_of_[to], "\" data-x1=\"", Num(x1), "\" data-x2=\"",
                    Num(x2), "\" d=\"", d, "\"/>\n");
  }
  auto vline = [&](absl::string_view cls, absl::CivilDay day,
                   absl::string_view label) {
    const double x = X(day + 1);
    absl::StrAppend(&out, "<line class=\"", cls, " fullv\" data-day=\"",
                    Date(day), "\" x1=\"", Num(x), "\" x2=\"", Num(x),
                    "\" y1=\"", Num(axis_top), "\" y2=\"", Num(rows_end),
                    "\"/><text class=\"", cls, "-label\" x=\"", Num(x + 3),
                    "\" y=\"", Num(rows_top - 3), "\">", label, "</text>\n");
  };
  if (tl_.as_of) vline("asof", *tl_.as_of - 1, "as of");
  vline("target", tl_.target_date, "target");
  if (options_.risk) {
    out += RiskLines(
        *options_.risk, [this](absl::CivilDay d) { return X(d + 1); }, axis_top,
        rows_top, rows_end);
  }
  out += "</svg>\n";
  return out;
}

}  // namespace backplan::gantt_internal

#include "libs/schedule/gantt.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/core/calendar.h"
#include "libs/schedule/export.h"
#include "libs/schedule/gantt_page.h"
#include "libs/schedule/gantt_risk.h"

namespace backplan {
namespace {

constexpr double kLabelWidth = 300;
constexpr double kRowHeight = 22;
constexpr double kTitleHeight = 30;
constexpr double kAxisHeight = 34;
constexpr double kBottomPad = 24;
constexpr double kRightPad = 60;
constexpr double kChartWidth = 1000;  // Preferred width of the day columns.
constexpr size_t kLabelChars = 44;

// Numbers in SVG attributes: at most two decimals, no trailing zeros.
std::string Num(double v) {
  std::string s = absl::StrFormat("%.2f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string Date(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// At most `max` code points, never cutting a UTF-8 sequence.
std::string Ellipsize(const std::string& text, size_t max = kLabelChars) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++points > max) return text.substr(0, i) + "\xE2\x80\xA6";
  }
  return text;
}

struct Row {
  enum class Kind { kHead, kTask, kLane };
  Kind kind = Kind::kTask;
  std::string label;
  int group = -1;  // kHead: the group it heads; else the group it is in.
  std::vector<int> nodes;  // Bars (tasks) or the milestone (goal) shown.
  std::vector<int> also;   // Lanes: tasks where the member is not first.
};

class Chart {
 public:
  Chart(const Plan& plan, const Timeline& timeline,
        const WorkingCalendar& calendar, const GanttOptions& options)
      : plan_(plan), tl_(timeline), cal_(calendar), options_(options) {}

  absl::Status Lay();
  std::string Svg(bool standalone) const;

 private:
  const std::string& Title(const ScheduledNode& node) const;
  double X(absl::CivilDay day) const { return left_ + (day - start_) * dw_; }
  // Where arrows leave and enter a node.
  double XIn(int n) const;
  double XOut(int n) const;
  bool IsBar(int n) const {
    return tl_.nodes[n].kind == PlanGraph::Kind::kTask;
  }
  void GroupByGoal();
  void GroupByMember();
  void AddHead(std::string label, int milestone);
  void SortByStart(std::vector<int>* nodes) const;
  std::string Tooltip(int n) const;
  void AppendBar(int n, double y, std::string* out) const;
  void AppendMilestone(int n, double y, std::string* out) const;
  void AppendAxis(double top, double bottom, std::string* out) const;

  const Plan& plan_;
  const Timeline& tl_;
  const WorkingCalendar& cal_;
  const GanttOptions& options_;
  absl::CivilDay start_, end_;  // Axis, inclusive.
  double left_ = kLabelWidth, dw_ = 1, width_ = 0;
  std::vector<Row> rows_;
  std::vector<int> row_of_;  // Per node; -1 when not drawn.
  int groups_ = 0;
};

const std::string& Chart::Title(const ScheduledNode& node) const {
  const std::string* title = &plan_.outcome.title;
  if (node.kind == PlanGraph::Kind::kTask) {
    title = &plan_.tasks[node.source_index].title;
  } else if (node.kind == PlanGraph::Kind::kGoal) {
    title = &plan_.goals[node.source_index].title;
  }
  return title->empty() ? node.id : *title;
}

double Chart::XIn(int n) const {
  const ScheduledNode& node = tl_.nodes[n];
  if (node.duration_days == 0) return X(node.planned_start + 1);
  return X(node.planned_start);
}

double Chart::XOut(int n) const { return X(tl_.nodes[n].deadline + 1); }

void Chart::SortByStart(std::vector<int>* nodes) const {
  std::stable_sort(nodes->begin(), nodes->end(), [this](int a, int b) {
    const ScheduledNode &x = tl_.nodes[a], &y = tl_.nodes[b];
    if (x.planned_start != y.planned_start) {
      return x.planned_start < y.planned_start;
    }
    return x.deadline < y.deadline;
  });
}

void Chart::AddHead(std::string label, int milestone) {
  Row head;
  head.kind = Row::Kind::kHead;
  head.label = std::move(label);
  head.group = groups_++;
  if (milestone >= 0) head.nodes.push_back(milestone);
  rows_.push_back(std::move(head));
}

void Chart::GroupByGoal() {
  absl::flat_hash_map<absl::string_view, int> node_of;
  std::vector<int> goals;
  int outcome = -1;
  for (size_t n = 0; n < tl_.nodes.size(); ++n) {
    node_of[tl_.nodes[n].id] = static_cast<int>(n);
    if (tl_.nodes[n].kind == PlanGraph::Kind::kGoal) goals.push_back(n);
    if (tl_.nodes[n].kind == PlanGraph::Kind::kOutcome) outcome = n;
  }
  // Groups in milestone order, so the chart reads as a cascade.
  std::stable_sort(goals.begin(), goals.end(), [this](int a, int b) {
    return tl_.nodes[a].planned_start < tl_.nodes[b].planned_start;
  });
  std::vector<bool> placed(tl_.nodes.size(), false);
  auto add_tasks = [&](std::vector<int> tasks) {
    SortByStart(&tasks);
    for (int t : tasks) {
      Row row;
      row.label = Ellipsize(Title(tl_.nodes[t]));
      row.group = groups_ - 1;
      row.nodes = {t};
      rows_.push_back(std::move(row));
    }
  };
  for (int g : goals) {
    std::vector<int> tasks;
    for (const std::string& id :
         plan_.goals[tl_.nodes[g].source_index].task_ids) {
      auto it = node_of.find(id);
      if (it == node_of.end() || placed[it->second]) continue;
      placed[it->second] = true;
      tasks.push_back(it->second);
    }
    AddHead(Ellipsize(Title(tl_.nodes[g])), g);
    add_tasks(std::move(tasks));
  }
  std::vector<int> other;
  for (size_t n = 0; n < tl_.nodes.size(); ++n) {
    if (IsBar(n) && !placed[n]) other.push_back(n);
  }
  if (!other.empty()) {
    AddHead("Other tasks", -1);
    add_tasks(std::move(other));
  }
  if (outcome >= 0) AddHead(Ellipsize(Title(tl_.nodes[outcome])), outcome);
}

void Chart::GroupByMember() {
  std::vector<std::string> lanes;
  absl::flat_hash_map<std::string, int> lane_of;
  auto lane = [&](const std::string& name) {
    auto [it, added] = lane_of.try_emplace(name, lanes.size());
    if (added) lanes.push_back(name);
    return it->second;
  };
  for (const ResourcePool& pool : plan_.resources) {
    for (const std::string& member : pool.members) lane(member);
  }
  std::vector<int> unassigned, milestones;
  std::vector<std::vector<int>> first(lanes.size()), also(lanes.size());
  for (size_t n = 0; n < tl_.nodes.size(); ++n) {
    if (!IsBar(n)) {
      milestones.push_back(n);
      continue;
    }
    const std::vector<std::string>& who = options_.assignees[n];
    if (who.empty()) {
      unassigned.push_back(n);
      continue;
    }
    for (size_t i = 0; i < who.size(); ++i) {
      const int l = lane(who[i]);
      if (static_cast<size_t>(l) >= first.size()) {
        first.resize(l + 1);
        also.resize(l + 1);
      }
      (i == 0 ? first : also)[l].push_back(n);
    }
  }
  AddHead("People", -1);
  for (size_t l = 0; l < lanes.size(); ++l) {
    Row row;
    row.kind = Row::Kind::kLane;
    row.label = Ellipsize(lanes[l]);
    row.group = groups_ - 1;
    row.nodes = std::move(first[l]);
    row.also = std::move(also[l]);
    rows_.push_back(std::move(row));
  }
  auto one_per_row = [&](std::string head, std::vector<int> nodes) {
    if (nodes.empty()) return;
    AddHead(std::move(head), -1);
    SortByStart(&nodes);
    for (int n : nodes) {
      Row row;
      row.label = Ellipsize(Title(tl_.nodes[n]));
      row.group = groups_ - 1;
      row.nodes = {n};
      rows_.push_back(std::move(row));
    }
  };
  one_per_row("Unassigned", std::move(unassigned));
  one_per_row("Goals", std::move(milestones));
}

absl::Status Chart::Lay() {
  if (tl_.nodes.size() > static_cast<size_t>(kMaxGanttNodes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "timeline: ", tl_.nodes.size(),
        " tasks and goals, more than a Gantt chart's ", kMaxGanttNodes));
  }
  if (!options_.assignees.empty() &&
      options_.assignees.size() != tl_.nodes.size()) {
    return absl::InvalidArgumentError(
        "assignees: give one entry per timeline node or none");
  }
  if (options_.risk) {
    if (absl::Status s = gantt_internal::CheckRisk(*options_.risk); !s.ok()) {
      return s;
    }
  }
  start_ = tl_.start_date;
  end_ = tl_.target_date;
  if (options_.risk && !options_.risk->finishes.empty()) {
    end_ = std::max(end_, options_.risk->finishes.back().day);
  }
  if (tl_.as_of) {
    start_ = std::min(start_, *tl_.as_of);
    end_ = std::max(end_, *tl_.as_of);
  }
  for (const ScheduledNode& node : tl_.nodes) {
    start_ = std::min({start_, node.planned_start, node.latest_start});
    end_ = std::max({end_, node.deadline, node.latest_finish});
    if (node.kind == PlanGraph::Kind::kTask) {
      const Task& task = plan_.tasks[node.source_index];
      if (task.progress.actual_start) {
        start_ = std::min(start_, *task.progress.actual_start);
      }
      if (task.fixed_deadline) end_ = std::max(end_, *task.fixed_deadline);
    }
  }
  // From the Monday on or before, with a few days' margin after.
  start_ -= static_cast<int>(absl::GetWeekday(start_));
  end_ += 3;
  const int64_t days = end_ - start_ + 1;
  if (days > kMaxGanttDays) {
    return absl::InvalidArgumentError(absl::StrCat(
        "timeline: spans ", days, " days, more than a Gantt chart's ",
        kMaxGanttDays, " (from ", Date(start_), " to ", Date(end_), ")"));
  }
  // Whole quarter pixels keep every x exact in the output.
  dw_ = std::clamp(std::floor(kChartWidth / days * 4) / 4, 2.0, 24.0);
  width_ = left_ + days * dw_ + kRightPad;
  bool lanes = false;
  for (const auto& who : options_.assignees) lanes = lanes || !who.empty();
  if (lanes) {
    GroupByMember();
  } else {
    GroupByGoal();
  }
  row_of_.assign(tl_.nodes.size(), -1);
  for (size_t r = 0; r < rows_.size(); ++r) {
    for (int n : rows_[r].nodes) row_of_[n] = static_cast<int>(r);
  }
  return absl::OkStatus();
}

std::string Chart::Tooltip(int n) const {
  const ScheduledNode& node = tl_.nodes[n];
  std::string tip = absl::StrCat(Title(node), " (", node.id, ")\n");
  if (node.duration_days == 0) {
    absl::StrAppend(&tip, "milestone ",
                    gantt_internal::LongDate(node.deadline));
  } else {
    absl::StrAppend(&tip, gantt_internal::LongDate(node.planned_start), " to ",
                    gantt_internal::LongDate(node.deadline), ", ",
                    node.duration_days, " working days");
  }
  if (node.status == TaskStatus::kDone) return tip + "\ndone";
  if (node.status == TaskStatus::kInProgress) tip += "\nin progress";
  absl::StrAppend(&tip, "\nlatest finish ",
                  gantt_internal::LongDate(node.latest_finish), ", slack ",
                  node.slack_days, " working days",
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
    absl::StrAppend(&out, "<style>", gantt_internal::ChartCss(),
                    "</style>\n<text class=\"title\" x=\"8\" y=\"20\">",
                    XmlEscape(plan_.outcome.title), "</text>\n");
    if (options_.risk) {
      absl::StrAppend(&out, "<text class=\"risk-legend\" x=\"", Num(left_),
                      "\" y=\"20\">",
                      XmlEscape(gantt_internal::RiskSummary(*options_.risk,
                                                            tl_.target_date)),
                      "</text>\n");
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
    out += gantt_internal::RiskLines(
        *options_.risk, [this](absl::CivilDay d) { return X(d + 1); }, axis_top,
        rows_top, rows_end);
  }
  out += "</svg>\n";
  return out;
}

absl::StatusOr<std::string> Render(const Plan& plan, const Timeline& timeline,
                                   const GanttOptions& options, bool html) {
  if (absl::Status status = CheckTimelineMatchesPlan(plan, timeline);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<WorkingCalendar> calendar =
      WorkingCalendar::Create(plan.calendar);
  if (!calendar.ok()) return calendar.status();
  Chart chart(plan, timeline, *calendar, options);
  if (absl::Status status = chart.Lay(); !status.ok()) return status;
  if (!html) return chart.Svg(/*standalone=*/true);
  return gantt_internal::Page(
      plan.outcome.title,
      gantt_internal::Header(plan, timeline,
                             options.risk
                                 ? gantt_internal::RiskLegendHtml(
                                       *options.risk, timeline.target_date)
                                 : ""),
      chart.Svg(/*standalone=*/false));
}

}  // namespace

absl::StatusOr<std::string> ExportGanttHtml(const Plan& plan,
                                            const Timeline& timeline,
                                            const GanttOptions& options) {
  return Render(plan, timeline, options, /*html=*/true);
}

absl::StatusOr<std::string> ExportGanttSvg(const Plan& plan,
                                           const Timeline& timeline,
                                           const GanttOptions& options) {
  return Render(plan, timeline, options, /*html=*/false);
}

}  // namespace backplan

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
#include "libs/core/calendar.h"
#include "libs/schedule/export.h"
#include "libs/schedule/gantt_chart.h"
#include "libs/schedule/gantt_page.h"
#include "libs/schedule/gantt_risk.h"

namespace backplan {
namespace gantt_internal {

std::string Num(double v) {
  std::string s = absl::StrFormat("%.2f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string Date(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string Ellipsize(const std::string& text, size_t max) {
  size_t points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++points > max) return text.substr(0, i) + "\xE2\x80\xA6";
  }
  return text;
}

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
    if (absl::Status s = CheckRisk(*options_.risk); !s.ok()) {
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

}  // namespace gantt_internal

namespace {

absl::StatusOr<std::string> Render(const Plan& plan, const Timeline& timeline,
                                   const GanttOptions& options, bool html) {
  if (absl::Status status = CheckTimelineMatchesPlan(plan, timeline);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<WorkingCalendar> calendar =
      WorkingCalendar::Create(plan.calendar);
  if (!calendar.ok()) return calendar.status();
  gantt_internal::Chart chart(plan, timeline, *calendar, options);
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

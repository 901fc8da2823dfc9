// Internal to the Gantt exports (gantt.h): the chart both exports draw.
// gantt.cc lays the rows out (Chart::Lay) and holds the exports;
// gantt_draw.cc draws the laid-out chart as SVG (Chart::Svg). Not a public
// API.
#ifndef BACKPLAN_LIBS_SCHEDULE_GANTT_CHART_H_
#define BACKPLAN_LIBS_SCHEDULE_GANTT_CHART_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/gantt.h"

namespace backplan::gantt_internal {

constexpr double kLabelWidth = 300;
constexpr double kRowHeight = 22;
constexpr double kTitleHeight = 30;
constexpr double kAxisHeight = 34;
constexpr double kBottomPad = 24;
constexpr double kRightPad = 60;
constexpr double kChartWidth = 1000;  // Preferred width of the day columns.
constexpr size_t kLabelChars = 44;

// Numbers in SVG attributes: at most two decimals, no trailing zeros.
std::string Num(double v);

// "2027-06-30".
std::string Date(absl::CivilDay day);

// At most `max` code points, never cutting a UTF-8 sequence; an ellipsis
// marks a cut.
std::string Ellipsize(const std::string& text, size_t max = kLabelChars);

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

}  // namespace backplan::gantt_internal

#endif  // BACKPLAN_LIBS_SCHEDULE_GANTT_CHART_H_

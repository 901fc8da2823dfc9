#include "libs/schedule/cpm.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/short_text.h"
#include "libs/common/status_macros.h"

namespace backplan {
namespace {

// Times are points on the working-day line: working day i spans [i, i + 1).
// A node occupies [start, end) with end = start + duration, so milestones are
// points and "finish-to-start with lag" is simply start(b) >= end(a) + lag.
// A node's finish day is the day of end - 1.

enum : uint8_t { kFree = 0, kBegun = 1, kDoneNode = 2 };

// The dates a timeline may report (ISO 8601 years 1..9999, as protobuf Date,
// ICS and every export can carry them).
constexpr absl::CivilDay kFirstDate(1, 1, 1);
constexpr absl::CivilDay kLastDate(9999, 12, 31);

struct Passes {
  std::vector<int64_t> es, ef, ls, lf;
  std::vector<uint8_t> state;  // kFree, kBegun (in progress) or kDoneNode.
};

// The predecessor whose end sets `n`'s earliest start: smallest slack, then
// smallest id; -1 when the start date (or progress) sets it.
int DrivingPredecessor(const PlanGraph& graph, const Passes& p, int n) {
  if (p.state[n] != kFree) return -1;
  int best = -1;
  int64_t best_slack = 0;
  for (const PlanGraph::Edge& e : graph.Predecessors(n)) {
    const int q = e.node;
    if (p.ef[q] + e.lag_days != p.es[n]) continue;
    const int64_t slack = p.state[q] == kDoneNode
                              ? std::numeric_limits<int64_t>::max()
                              : p.ls[q] - p.es[q];
    if (best == -1 || slack < best_slack ||
        (slack == best_slack && graph.nodes[q].id < graph.nodes[best].id)) {
      best = q;
      best_slack = slack;
    }
  }
  return best;
}

std::vector<std::string> ChainInto(const PlanGraph& graph, const Passes& p,
                                   int last) {
  std::vector<std::string> chain;
  for (int n = last; n != -1; n = DrivingPredecessor(graph, p, n)) {
    chain.push_back(graph.nodes[n].id);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// Working-day index -> day. Converting every date of a large timeline one
// by one is dominated by civil-day arithmetic; the indices of one schedule
// span a short range, so a table filled once per range is much cheaper. Falls
// back to the calendar when the range is large compared with the nodes.
class DayTable {
 public:
  DayTable(const WorkingCalendar& calendar, int64_t lo, int64_t hi,
           int64_t budget)
      : calendar_(calendar), lo_(lo) {
    if (hi < lo || hi - lo >= budget) return;
    days_ = calendar.DaysOfIndices(lo, hi);
  }

  absl::CivilDay operator()(int64_t index) const {
    const uint64_t offset = static_cast<uint64_t>(index - lo_);
    if (offset < days_.size()) return days_[offset];
    return calendar_.DayOfIndex(index);
  }

 private:
  const WorkingCalendar& calendar_;
  int64_t lo_;
  std::vector<absl::CivilDay> days_;
};

// Every date a timeline reports must be a real calendar date: a plan whose
// backward pass runs before year 1 (a long chain on a calendar with few
// working days) or past 9999 is refused, naming the first node out of range.
absl::Status CheckDateRange(const WorkingCalendar& calendar,
                            const PlanGraph& graph, const Passes& p,
                            const std::vector<int64_t>& dur, int64_t lo,
                            int64_t hi) {
  const int64_t first = calendar.IndexOf(kFirstDate);
  const int64_t last = calendar.IndexOf(kLastDate);  // Index of <= 9999-12-31.
  const bool last_works = calendar.IsWorkingDay(kLastDate);
  auto out_of_range = [&](int64_t index) {
    return index < first || index > last || (index == last && !last_works);
  };
  if (!out_of_range(lo) && !out_of_range(hi)) return absl::OkStatus();
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    if (p.state[n] == kDoneNode) continue;  // Reports its actual dates.
    // The indices the timeline prints (a milestone: its finishes only).
    const int64_t first_start = dur[n] == 0 ? p.ef[n] - 1 : p.es[n];
    const int64_t last_start = dur[n] == 0 ? p.lf[n] - 1 : p.ls[n];
    for (const int64_t index :
         {first_start, last_start, p.ef[n] - 1, p.lf[n] - 1}) {
      if (!out_of_range(index)) continue;
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s \"%s\": its dates fall outside 0001-01-01..9999-12-31 on this "
          "calendar",
          graph.nodes[n].kind == PlanGraph::Kind::kTask ? "task" : "goal",
          ShortText(graph.nodes[n].id)));
    }
  }
  return absl::OkStatus();
}

// Forward pass: earliest start and end of every free node (the others, done
// or in progress, were set from their progress). kProgress false: all free.
template <bool kProgress>
void ForwardPass(const PlanGraph& graph, const std::vector<int64_t>& dur,
                 int64_t start_t, Passes& p) {
  for (const int n : graph.topological_order) {
    if (kProgress && p.state[n] != kFree) continue;
    int64_t es = start_t;
    for (const PlanGraph::Edge& e : graph.Predecessors(n)) {
      es = std::max(es, p.ef[e.node] + e.lag_days);
    }
    p.es[n] = es;
    p.ef[n] = es + dur[n];
  }
}

// Backward pass: latest end/start and what sets them. Begun successors do
// not constrain their predecessors (they have started already).
template <bool kProgress>
void BackwardPass(const Plan& plan, const PlanGraph& graph,
                  const WorkingCalendar& calendar,
                  const std::vector<int64_t>& dur, int64_t target_t, Passes& p,
                  std::vector<DeadlineReason::Kind>& reason,
                  std::vector<int>& reason_node) {
  for (auto it = graph.topological_order.rbegin();
       it != graph.topological_order.rend(); ++it) {
    const int n = *it;
    if (kProgress && p.state[n] == kDoneNode) {
      p.ls[n] = p.es[n];
      p.lf[n] = p.ef[n];
      reason[n] = DeadlineReason::Kind::kDone;
      continue;
    }
    int64_t lf = std::numeric_limits<int64_t>::max();
    int by = -1;
    for (const PlanGraph::Edge& e : graph.Successors(n)) {
      const int s = e.node;
      if (kProgress && p.state[s] != kFree) continue;
      const int64_t bound = p.ls[s] - e.lag_days;
      if (bound < lf ||
          (bound == lf && graph.nodes[s].id < graph.nodes[by].id)) {
        lf = bound;
        by = s;
      }
    }
    if (by == -1) {
      lf = target_t;  // The outcome, or everything after n has begun.
    } else {
      reason[n] = DeadlineReason::Kind::kSuccessor;
      reason_node[n] = by;
    }
    const PlanGraph::Node& node = graph.nodes[n];
    if (node.kind == PlanGraph::Kind::kTask) {
      const std::optional<absl::CivilDay>& fixed =
          plan.tasks[node.source_index].fixed_deadline;
      if (fixed) {
        const int64_t fixed_t = calendar.IndexOf(*fixed + 1);
        if (fixed_t < lf) {
          lf = fixed_t;
          reason[n] = DeadlineReason::Kind::kFixedDeadline;
          reason_node[n] = -1;
        }
      }
    }
    p.lf[n] = lf;
    p.ls[n] = lf - dur[n];
  }
}

absl::Status CheckProgress(const Plan& plan, absl::CivilDay as_of) {
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const Task& task = plan.tasks[i];
    const TaskProgress& progress = task.progress;
    if (progress.status == TaskStatus::kNotStarted) continue;
    if (progress.actual_start && *progress.actual_start > as_of) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "tasks[%d].progress.actual_start: task \"%s\" started on %s, after "
          "the as-of date %s",
          i, task.id, absl::FormatCivilTime(*progress.actual_start),
          absl::FormatCivilTime(as_of)));
    }
    if (progress.status == TaskStatus::kDone) {
      if (!progress.actual_finish) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "tasks[%d].progress.actual_finish: done task \"%s\" needs its "
            "finish date",
            i, task.id));
      }
      if (*progress.actual_finish > as_of) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "tasks[%d].progress.actual_finish: task \"%s\" finished on %s, "
            "after the as-of date %s",
            i, task.id, absl::FormatCivilTime(*progress.actual_finish),
            absl::FormatCivilTime(as_of)));
      }
    }
    if (progress.status == TaskStatus::kInProgress &&
        progress.remaining_days < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "tasks[%d].progress.remaining_days: task \"%s\" has %d remaining", i,
          task.id, progress.remaining_days));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Timeline> Schedule(const Plan& plan,
                                  const ScheduleRequest& request) {
  // A timeline that ignored the demands would be wrong without saying so.
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    if (!plan.tasks[i].demands.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tasks[", i, "].demands: task \"", plan.tasks[i].id,
          "\": resource-constrained scheduling is not supported by this "
          "call"));
    }
  }
  ASSIGN_OR_RETURN(PlanGraph graph, BuildPlanGraph(plan));
  ASSIGN_OR_RETURN(WorkingCalendar calendar,
                   WorkingCalendar::Create(plan.calendar));
  return Schedule(plan, graph, calendar, request);
}

absl::StatusOr<Timeline> Schedule(const Plan& plan, const PlanGraph& graph,
                                  const WorkingCalendar& calendar,
                                  const ScheduleRequest& request) {
  RETURN_IF_ERROR(CheckGraphOfPlan(plan, graph));
  const int n_nodes = static_cast<int>(graph.nodes.size());
  const bool with_progress = request.as_of.has_value();
  if (with_progress) RETURN_IF_ERROR(CheckProgress(plan, *request.as_of));

  const absl::CivilDay start_day =
      plan.outcome.start_date.value_or(request.today);
  int64_t start_t = calendar.IndexOf(start_day);
  const int64_t as_of_t =
      with_progress ? calendar.IndexOf(*request.as_of) : start_t;
  start_t = std::max(start_t, as_of_t);
  const int64_t target_t = calendar.IndexOf(plan.outcome.target_date + 1);

  Passes p;
  p.es.resize(n_nodes);
  p.ef.resize(n_nodes);
  p.ls.resize(n_nodes);
  p.lf.resize(n_nodes);
  p.state.assign(n_nodes, kFree);
  std::vector<int64_t> dur(n_nodes);
  for (int n = 0; n < n_nodes; ++n) dur[n] = graph.nodes[n].duration_days;

  if (with_progress) {
    for (int t = 0; t < graph.num_tasks(); ++t) {
      const TaskProgress& progress = plan.tasks[t].progress;
      if (progress.status == TaskStatus::kDone) {
        p.state[t] = kDoneNode;
        p.ef[t] = calendar.IndexOf(*progress.actual_finish + 1);
        p.es[t] = progress.actual_start
                      ? calendar.IndexOf(*progress.actual_start)
                      : p.ef[t] - dur[t];
        p.es[t] = std::min(p.es[t], p.ef[t]);
        dur[t] = p.ef[t] - p.es[t];
      } else if (progress.status == TaskStatus::kInProgress) {
        p.state[t] = kBegun;
        dur[t] = progress.remaining_days;
        p.es[t] = as_of_t;
        p.ef[t] = as_of_t + dur[t];
      }
    }
  }

  // Forward pass: earliest start/end. Without progress every node is free,
  // and the passes skip the per-node and per-edge state checks.
  if (with_progress) {
    ForwardPass<true>(graph, dur, start_t, p);
  } else {
    ForwardPass<false>(graph, dur, start_t, p);
  }

  // Backward pass: latest end/start and what sets them.
  std::vector<DeadlineReason::Kind> reason(n_nodes,
                                           DeadlineReason::Kind::kTarget);
  std::vector<int> reason_node(n_nodes, -1);
  if (with_progress) {
    BackwardPass<true>(plan, graph, calendar, dur, target_t, p, reason,
                       reason_node);
  } else {
    BackwardPass<false>(plan, graph, calendar, dur, target_t, p, reason,
                        reason_node);
  }

  Timeline timeline;
  timeline.mode = request.mode;
  timeline.start_date = calendar.DayOfIndex(start_t);
  timeline.target_date = plan.outcome.target_date;
  timeline.as_of = request.as_of;
  timeline.outcome_node = graph.outcome_node;

  // The worst node: minimal slack, the last in topological order on ties
  // (slack only shrinks walking back along a driving chain, so the last one
  // ends the longest chain; the outcome is always last).
  int64_t min_slack = std::numeric_limits<int64_t>::max();
  int worst = -1;
  for (const int n : graph.topological_order) {
    if (p.state[n] == kDoneNode) continue;
    const int64_t slack = p.ls[n] - p.es[n];
    if (slack <= min_slack) {
      min_slack = slack;
      worst = n;
    }
  }
  if (worst == -1) min_slack = 0;  // Everything is done.

  // Every date printed below is DayOfIndex of es, ef - 1, ls or lf - 1.
  int64_t lo = std::numeric_limits<int64_t>::max();
  int64_t hi = std::numeric_limits<int64_t>::min();
  for (int n = 0; n < n_nodes; ++n) {
    lo = std::min({lo, p.es[n], p.ls[n], p.ef[n] - 1, p.lf[n] - 1});
    hi = std::max({hi, p.es[n], p.ls[n], p.ef[n] - 1, p.lf[n] - 1});
  }
  RETURN_IF_ERROR(CheckDateRange(calendar, graph, p, dur, lo, hi));
  const DayTable day_of(calendar, lo, hi, 4 * int64_t{n_nodes} + 4096);

  // Nodes are appended whole, as aggregates: emplace_back() would
  // value-initialise each (zeroing its ~200 bytes) before it is overwritten,
  // which cost about a fifth of a 100,000-node schedule.
  timeline.nodes.reserve(n_nodes);
  const bool backward = request.mode == ScheduleMode::kBackward;
  for (int n = 0; n < n_nodes; ++n) {
    const PlanGraph::Node& node = graph.nodes[n];
    const TaskStatus status =
        node.kind == PlanGraph::Kind::kTask && with_progress
            ? plan.tasks[node.source_index].progress.status
            : TaskStatus::kNotStarted;
    if (p.state[n] == kDoneNode) {
      const TaskProgress& progress = plan.tasks[node.source_index].progress;
      const absl::CivilDay finish = *progress.actual_finish;
      const absl::CivilDay start =
          progress.actual_start ? *progress.actual_start : day_of(p.es[n]);
      timeline.nodes.push_back(ScheduledNode{
          node.id, node.kind, node.source_index, static_cast<int>(dur[n]),
          status, start, finish, start, finish, start, finish, 0, false,
          DeadlineReason{DeadlineReason::Kind::kDone, -1}});
      continue;
    }
    absl::CivilDay earliest_start, earliest_finish, latest_start, latest_finish;
    if (dur[n] == 0) {
      earliest_start = earliest_finish = day_of(p.ef[n] - 1);
      latest_start = latest_finish = day_of(p.lf[n] - 1);
    } else {
      earliest_start = day_of(p.es[n]);
      earliest_finish = day_of(p.ef[n] - 1);
      latest_start = day_of(p.ls[n]);
      latest_finish = day_of(p.lf[n] - 1);
    }
    const int64_t slack = p.ls[n] - p.es[n];
    timeline.nodes.push_back(ScheduledNode{
        node.id, node.kind, node.source_index, static_cast<int>(dur[n]), status,
        earliest_start, earliest_finish, latest_start, latest_finish,
        backward ? latest_start : earliest_start,
        backward ? latest_finish : earliest_finish, slack, slack == min_slack,
        DeadlineReason{reason[n], reason_node[n]}});
  }

  const ScheduledNode& outcome = timeline.nodes[graph.outcome_node];
  timeline.final_milestone = outcome.deadline;
  timeline.earliest_finish = outcome.earliest_finish;
  timeline.min_slack_days = min_slack;
  timeline.feasible = min_slack >= 0;
  timeline.days_short = timeline.feasible ? 0 : -min_slack;
  // The chain of minimal slack: into the outcome unless a fixed deadline is
  // tighter than the target, then into that task.
  timeline.critical_path =
      ChainInto(graph, p, worst != -1 ? worst : graph.outcome_node);
  if (!timeline.feasible) timeline.causing_chain = ChainInto(graph, p, worst);
  return timeline;
}

absl::string_view DeadlineSuccessorId(const Timeline& timeline,
                                      const ScheduledNode& node) {
  const int s = node.deadline_reason.successor;
  if (node.deadline_reason.kind != DeadlineReason::Kind::kSuccessor || s < 0 ||
      s >= static_cast<int>(timeline.nodes.size())) {
    return {};
  }
  return timeline.nodes[s].id;
}

const ScheduledNode* FindNode(const Timeline& timeline, absl::string_view id) {
  for (const ScheduledNode& node : timeline.nodes) {
    if (node.id == id) return &node;
  }
  return nullptr;
}

}  // namespace backplan

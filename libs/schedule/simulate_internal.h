// Internal to Simulate (simulate.h): the model every run reads, and the
// part of it for plans with people (simulate_staffing.cc): the RCPSP problem
// each run's serial SGS lays out, its activity list, and, with member
// calendars (member_calendar.h), the staffing of each run. Not a public API.
#ifndef BACKPLAN_LIBS_SCHEDULE_SIMULATE_INTERNAL_H_
#define BACKPLAN_LIBS_SCHEDULE_SIMULATE_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "libs/core/calendar.h"
#include "libs/core/plan.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/member_calendar.h"
#include "libs/schedule/rcpsp.h"
#include "libs/schedule/simulate_tables.h"

namespace backplan::simulate_internal {

// Model::state of a node under SimulationOptions::as_of.
enum : uint8_t { kFree = 0, kBegun = 1, kDone = 2 };

// Everything a run needs, by topological position (node topo[i] is at i).
struct Model {
  int n = 0;
  int outcome = 0;
  std::vector<int> pred_off, pred_pos, pred_lag;
  std::vector<uint8_t> state;
  std::vector<int64_t> fixed_es, fixed_ef;  // For begun and done nodes.
  std::vector<int> base_dur;                // Most likely (or remaining).
  struct Draw {
    int pos = 0;
    int task = 0;
    int lo = 0;
    int width = 0;  // p - o + 1 values.
    int table = 0;  // Its `width` alias entries start here.
  };
  std::vector<Draw> draws;        // In plan.tasks order.
  std::vector<int> draw_of_task;  // -1 when fixed.
  std::vector<AliasEntry> aliases;
  std::vector<int> task_pos;
  std::vector<int64_t> deadline_off;  // Per task: on time when ef <= this.
  int64_t target_off = 0;
  int64_t horizon = 0;  // Largest finish offset counted.
  bool resources = false;
  rcpsp::Problem problem;  // Jobs are positions.
  std::vector<int> activity_list;
  // Member calendars (member_calendar.h): each run's SGS schedule is staffed
  // by StaffWithCalendars, as ScheduleWithResources staffs its search's.
  // `staff` is `problem` with graph nodes as jobs (what it expects).
  bool calendars = false;
  const Plan* plan = nullptr;
  const PlanGraph* graph = nullptr;
  const WorkingCalendar* calendar = nullptr;
  int64_t start_t = 0;                     // Working-day index of period 0.
  const std::vector<int>* topo = nullptr;  // Position -> node.
  rcpsp::Problem staff;
  absl::flat_hash_map<std::string, std::vector<std::string>> no_kept;
  std::unique_ptr<internal::MemberDays> member_days;  // Null when too big.
};

// Fills m.problem (pools, demands, reduced days, precedences by position)
// and, when the plan has member calendars, m.calendars, m.staff and the
// pointers the staffing reads (plan, graph, calendar, topo: they must
// outlive m); adds the reduced days to m.horizon. Needs m's positions,
// base_dur and draws. INVALID_ARGUMENT naming the task for progress under
// as_of or a demand above its pool's capacity, or when the problem is too
// large.
absl::Status BuildProblem(const Plan& plan, const PlanGraph& graph,
                          const WorkingCalendar& calendar,
                          const std::vector<int>& topo, int64_t start_t,
                          const ScheduleRequest& request, Model& m);

// The activity list every run's serial SGS follows (positions): by latest
// finish in `base`, or, with `priority_order` (task ids, most urgent first),
// by rank there, unlisted nodes taking the most urgent rank among their
// successors.
std::vector<int> ActivityList(const Model& m, const PlanGraph& graph,
                              const WorkingCalendar& calendar,
                              const Timeline& base,
                              const std::vector<int>& pos_of_node,
                              const std::vector<std::string>& priority_order);

// With m.calendars: staffs one run whose SGS gave `start` (by position) for
// the durations `duration` (by position), moving `start` to where the
// members are free. `staff` (a copy of m.staff) and `node_start` (m.n
// entries) are the caller's scratch. INVALID_ARGUMENT as StaffWithCalendars.
absl::Status StaffRun(const Model& m, const std::vector<int>& duration,
                      rcpsp::Problem& staff, std::vector<int>& node_start,
                      std::vector<int>& start);

}  // namespace backplan::simulate_internal

#endif  // BACKPLAN_LIBS_SCHEDULE_SIMULATE_INTERNAL_H_

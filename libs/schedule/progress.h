// Re-planning helpers: what changed between two schedules of one plan.
//
// Progress itself is scheduled by Schedule() (cpm.h) with request.as_of set:
// done tasks stay at their actual dates, in-progress tasks do their remaining
// working days from the as-of date, and the rest is rescheduled around them.
// This header compares the result with an earlier timeline:
//
//   ASSIGN_OR_RETURN(Timeline before, Schedule(plan, {.today = monday}));
//   ... tasks report progress ...
//   ASSIGN_OR_RETURN(Timeline after, Schedule(plan, {.today = monday,
//                                                    .as_of = friday}));
//   for (const DeadlineChange& c : ChangedDeadlines(before, after)) ...
#ifndef BACKPLAN_LIBS_SCHEDULE_PROGRESS_H_
#define BACKPLAN_LIBS_SCHEDULE_PROGRESS_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/schedule/cpm.h"

namespace backplan {

// A node whose deadline (ScheduledNode::deadline, inclusive) moved.
struct DeadlineChange {
  std::string id;
  absl::CivilDay old_deadline;
  absl::CivilDay new_deadline;
  // new - old in calendar days (positive: later). Calendar days, because the
  // two timelines may use different calendars.
  int64_t moved_days = 0;
};

// The nodes present in both timelines (matched by id) whose deadline differs,
// in `after`'s node order. Nodes only in one of them are not listed.
// O(nodes) expected.
std::vector<DeadlineChange> ChangedDeadlines(const Timeline& before,
                                             const Timeline& after);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_PROGRESS_H_

// Slack of a resource-feasible schedule: how far each job of an RCPSP
// schedule (rcpsp.h) can slip before the makespan moves, when the people
// stay in the order the schedule gave them, and what each job waits for.
//
//   ASSIGN_OR_RETURN(rcpsp::Result result, rcpsp::Solve(problem, options));
//   ASSIGN_OR_RETURN(rcpsp::ResourceSlack slack,
//                    rcpsp::ComputeResourceSlack(problem, result.start));
//   if (slack.slack[j] == 0) { /* job j is resource-critical */ }
//
// Exact definition (periods as in rcpsp.h; job j occupies
// [start[j], start[j] + duration[j]), M = Makespan(problem, start)).
// Delaying job j by delta periods "with the others' order kept" gives the
// schedule start' found by starting from start, setting start'[j] +=
// delta, and then moving jobs later (never earlier) by the least amount
// that keeps
//   (a) every precedence with its lag,
//   (b) the order of every two jobs of nonzero duration that use a common
//       resource and did not overlap in `start` (the first still ends
//       before the second starts), and
//   (c) every job of nonzero duration that ended on or before a period with
//       a `reduced` entry below capacity for a resource it uses still ends
//       on or before that period (it never moves onto a short-handed day it
//       did not already cover).
// Such a start' is always resource-feasible (two jobs that overlap in it
// already overlapped in `start`; by the Helly property of intervals every
// set of them shared a period there, whose capacity was enough).
//   slack[j] = the largest delta >= 0 for which start' ends by M;
//   critical[j] = slack[j] == 0 (a one-period delay moves the makespan).
// It equals the latest start of j in the precedence graph extended by (b)
// and (c), minus start[j]: O((jobs + precedences) * log + jobs * resources)
// rather than one re-evaluation per job and delay.
#ifndef BACKPLAN_LIBS_SCHEDULE_RESOURCE_SLACK_H_
#define BACKPLAN_LIBS_SCHEDULE_RESOURCE_SLACK_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/schedule/rcpsp.h"

namespace backplan {
namespace rcpsp {

// What holds a job where it is: the constraint that keeps it from starting
// one period earlier in `start`.
struct Wait {
  enum class Kind {
    kNone,        // Its release or period 0 (nothing else holds it).
    kPrecedence,  // Job `job` (plus lag) ends right at its start.
    kResource,    // Job `job` shares `resource` and ends right at its start.
    kReduced,     // `resource` is short-handed on the period before it.
  };
  Kind kind = Kind::kNone;
  int job = -1;
  int resource = -1;
};

struct ResourceSlack {
  std::vector<int> slack;      // Per job, periods, >= 0.
  std::vector<bool> critical;  // Per job: slack == 0.
  // Per job. A precedence wins over a resource when both end at its start;
  // among equals, the smallest job (then resource) index.
  std::vector<Wait> wait;
};

// Slack and waits of the feasible schedule `start` of `problem` (see the
// definition above). INVALID_ARGUMENT when `problem` is invalid or `start`
// has the wrong size; FAILED_PRECONDITION (CheckSchedule) when `start` is
// not a feasible schedule.
absl::StatusOr<ResourceSlack> ComputeResourceSlack(const Problem& problem,
                                                   absl::Span<const int> start);

}  // namespace rcpsp
}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_RESOURCE_SLACK_H_

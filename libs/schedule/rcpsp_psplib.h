// Reading PSPLIB single-mode RCPSP instances (the `.sm` files of Kolisch and
// Sprecher's library) and their optimum / best-known lists.
//
//   ASSIGN_OR_RETURN(PsplibInstance instance, ParsePsplib(text));
//   ASSIGN_OR_RETURN(rcpsp::Result result, rcpsp::Solve(instance.problem, {}));
//
// Jobs are renumbered from 0 (PSPLIB job 1 is job 0, the dummy source; the
// last is the dummy sink). Durations are periods; precedences have lag 0;
// capacities are the renewable resources' availabilities. Nonrenewable and
// doubly constrained resources are refused (single-mode instances have none).
//
// Test and benchmark input only: the target backplan_schedule_psplib is built
// with BACKPLAN_BUILD_TESTS and linked by no server or tool.
#ifndef BACKPLAN_LIBS_SCHEDULE_RCPSP_PSPLIB_H_
#define BACKPLAN_LIBS_SCHEDULE_RCPSP_PSPLIB_H_

#include <map>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/schedule/rcpsp.h"

namespace backplan {

struct PsplibInstance {
  rcpsp::Problem problem;
  int mpm_time = 0;  // The file's critical-path length ("MPM-Time").
};

// INVALID_ARGUMENT naming the section (and line) that does not parse.
absl::StatusOr<PsplibInstance> ParsePsplib(absl::string_view text);

// A list of optimal or best-known makespans: every line whose first three
// whitespace-separated fields are integers (parameter, instance, makespan)
// is an entry; other lines (headers, rules) are skipped. Instance
// `j30P_I.sm` is key (P, I).
std::map<std::pair<int, int>, int> ParsePsplibOptima(absl::string_view text);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_RCPSP_PSPLIB_H_

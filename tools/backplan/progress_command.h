// `backplan progress PLAN_ID --task T (--done DAY | --remaining N)`: reports
// one task's progress on a stored plan (SchedulingService.ReportProgress)
// and prints the re-planned timeline of the remaining work.
//
//   backplan progress PLAN_ID --task t-store-backend --done 2027-03-02
//   backplan progress PLAN_ID --task t-firmware --remaining 3
//       --started 2027-02-15 --as_of 2027-03-03
//
// --done DAY marks the task DONE with DAY as its last worked day
// (inclusive); --remaining N marks it IN_PROGRESS with N working days left
// (N >= 0). --started DAY sets the actual start of either. --as_of DAY is the
// day the remaining work is planned from (default: the server's today, UTC);
// a finish or start after it is refused by the server. Without
// --base_version the command reads the plan's current version first; a
// concurrent edit in between is reported as the server's ABORTED error.
#ifndef BACKPLAN_TOOLS_BACKPLAN_PROGRESS_COMMAND_H_
#define BACKPLAN_TOOLS_BACKPLAN_PROGRESS_COMMAND_H_

#include <string>
#include <vector>

#include "backplan/v1/scheduling.pb.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

int RunProgress(Client& client, const std::vector<std::string>& args);

// Fills `request`'s update and as-of day from the flags (plan id and base
// version are the caller's). Returns an empty string, or what is wrong with
// the flags in one line.
std::string BuildProgressRequest(const Options& options,
                                 v1::ReportProgressRequest* request);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_PROGRESS_COMMAND_H_

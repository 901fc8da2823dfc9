// `backplan edit` (manual breakdown of a stored plan, one EditPlan call per
// command) and `backplan watch` (a plan's event stream).
//
//   backplan edit PLAN --base_version 3 add-task --id t-ads
//         --title "buy launch ads" --days 5 --goal goal/launch-the-reader
//   backplan edit PLAN --base_version 4 expand goal/open-one
//         --task t-a:write the spec:3 --goal g-b:the spec is approved
//   backplan watch PLAN --from_version 2
//
// edit prints "plan PLAN version N" (the new version). Without
// --base_version the edit is based on the version it reads, and retried when
// another edit of other nodes lands first (edit_retry.h); a concurrent
// change of a node it touches is reported as a conflict naming the node.
// The server's refusals are printed as for every call (client.h): a stale
// --base_version is ABORTED, an edit that makes a cycle is INVALID_ARGUMENT
// naming the cycle; all exit 1.
#ifndef BACKPLAN_TOOLS_BACKPLAN_EDIT_COMMANDS_H_
#define BACKPLAN_TOOLS_BACKPLAN_EDIT_COMMANDS_H_

#include <string>
#include <vector>

#include "backplan/v1/plan.pb.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

// edit PLAN_ID OP ARGS... [--base_version N]. OPs:
//   add-task --id X --title T --days D [--goal G] [--importance I]
//            [--difficulty D]
//   update-task --id X [--title T] [--days D] [--importance I]
//               [--difficulty D]   (reads the plan, changes the task)
//   remove ID                      (a task or goal)
//   add-goal --id G --title T [--parent P] [--open]
//   expand GOAL --task id:title:days... --goal id:title...
//   add-dep PRED SUCC [--lag L]
//   remove-dep PRED SUCC
int RunEdit(Client& client, const std::vector<std::string>& args);

// watch PLAN_ID [--from_version N]: one line per event until the stream ends
// (exit 0; the plan was deleted) or the process is interrupted.
int RunWatch(Client& client, const std::vector<std::string>& args);

// One watch line: "<received, UTC RFC 3339>  <type>  v<version>  request
// <request id>  event <id>".
std::string FormatWatchEvent(const v1::PlanEvent& event,
                             const std::string& received);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_EDIT_COMMANDS_H_

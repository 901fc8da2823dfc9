// The `backplan` commands on whole plans: store and schedule a plan file
// (plan), read, list and delete stored plans (get, list, delete), schedule a
// stored plan or a file inline (schedule) and export its timeline (export).
//
//   backplan plan examples/kindle.yaml
//   backplan schedule PLAN_ID --mode forward
//   backplan export examples/kindle.yaml --format ics --ics_events span
//
// Each takes the Client (client.h) whose Options carry the flags, the
// command's arguments after its name, prints to the client's out/err and
// returns the exit code (commands.h).
#ifndef BACKPLAN_TOOLS_BACKPLAN_PLAN_COMMANDS_H_
#define BACKPLAN_TOOLS_BACKPLAN_PLAN_COMMANDS_H_

#include <string>
#include <vector>

#include "tools/backplan/client.h"

namespace backplan::cli {

// plan FILE [--mode M]: CreatePlan, then Schedule the stored plan; when the
// Schedule call fails, also prints the stored plan's id and version.
int RunPlan(Client& client, const std::vector<std::string>& args);

// get PLAN_ID: the stored plan (FormatPlan, format.h).
int RunGet(Client& client, const std::vector<std::string>& args);

// list: every stored plan's id, title, target, version, task count,
// feasibility and last change (FormatPlanList), following page tokens (a token
// repeated by the server ends the listing with kExitServerError).
int RunList(Client& client, const std::vector<std::string>& args);

// delete PLAN_ID.
int RunDelete(Client& client, const std::vector<std::string>& args);

// schedule PLAN_ID|FILE [--mode M] with the resource search's flags.
int RunSchedule(Client& client, const std::vector<std::string>& args);

// export PLAN_ID|FILE --format ics|mermaid|csv|html|svg [--ics_events E]
// [--mode M]: the body as the server rendered it, ending in '\n'.
int RunExport(Client& client, const std::vector<std::string>& args);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_PLAN_COMMANDS_H_

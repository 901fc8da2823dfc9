// `backplan prioritize PLAN_ID|FILE`: the tasks in the order that delivers
// value soonest, each with its score, tier and reason.
//
//   backplan prioritize examples/kindle.yaml --method weighted
//         --weights importance=0.6,difficulty=0.4 --explain
//
// --method names a PriorityMethod (lower case; "" = the server's default),
// --weights is "criterion=weight,..."; a bad value of either is a usage
// error (kExitUsage). For a stored plan the titles come from one more
// GetPlan call; the table is printed without them when that call fails.
#ifndef BACKPLAN_TOOLS_BACKPLAN_PRIORITIZE_COMMAND_H_
#define BACKPLAN_TOOLS_BACKPLAN_PRIORITIZE_COMMAND_H_

#include <string>
#include <vector>

#include "tools/backplan/client.h"

namespace backplan::cli {

int RunPrioritize(Client& client, const std::vector<std::string>& args);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_PRIORITIZE_COMMAND_H_

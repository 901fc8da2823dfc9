// `backplan options ID|FILE`: what it takes for a stored plan or a plan
// file to hit its target (or --target): cut optional scope, add people to a
// pool, or move the date, at --confidence (default: the deterministic plan).
// Reads only; nothing is stored.
//
//   backplan options examples/kindle.yaml --target 2027-05-31 --confidence 0.8
//
// Prints one header line (start, target, the plan's finish and P(on time))
// and a short table with one row per kind of option.
#ifndef BACKPLAN_TOOLS_BACKPLAN_OPTIONS_COMMAND_H_
#define BACKPLAN_TOOLS_BACKPLAN_OPTIONS_COMMAND_H_

#include <string>
#include <vector>

#include "backplan/v1/scheduling.pb.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

int RunOptions(Client& client, const std::vector<std::string>& args);

// The report printed for an Options answer.
std::string FormatOptions(const v1::OptionsResponse& response);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_OPTIONS_COMMAND_H_

// `backplan ahp FILE`: criteria weights from a pairwise comparison matrix
// (the AHP file format is in inputs.h), computed by ComputeAhpWeights.
//
//   backplan ahp examples/ahp-drinks.yaml [--threshold 0.1]
//
// Prints each criterion's weight, λmax, the consistency index and ratio. A
// matrix less consistent than the threshold (--threshold, else the file's,
// else the server's 0.10) is refused by the server with INVALID_ARGUMENT
// quoting the ratio; that line is printed and the exit code is 1.
#ifndef BACKPLAN_TOOLS_BACKPLAN_AHP_COMMAND_H_
#define BACKPLAN_TOOLS_BACKPLAN_AHP_COMMAND_H_

#include <string>
#include <vector>

#include "backplan/v1/prioritization.pb.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

int RunAhp(Client& client, const std::vector<std::string>& args);

// The weights table (3 decimals) and the consistency line.
std::string FormatAhpWeights(const v1::AhpWeights& weights);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_AHP_COMMAND_H_

// `backplan simulate ID|FILE`: Monte Carlo risk of a stored plan (results
// stored with the plan version) or of a plan file inline (nothing stored).
//
//   backplan simulate examples/kindle.yaml --iterations 10000 --seed 7
//
// Prints P(on time), the finish percentiles, a text histogram of finishes
// by week and the ten most critical and ten most sensitive tasks.
#ifndef BACKPLAN_TOOLS_BACKPLAN_SIMULATE_COMMAND_H_
#define BACKPLAN_TOOLS_BACKPLAN_SIMULATE_COMMAND_H_

#include <string>
#include <vector>

#include "backplan/v1/scheduling.pb.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

int RunSimulate(Client& client, const std::vector<std::string>& args);

// The report printed for a Simulate answer.
std::string FormatSimulation(const v1::SimulateResponse& response);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_SIMULATE_COMMAND_H_

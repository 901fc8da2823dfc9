// Argument helpers shared by the commands that take a plan: a stored plan's
// id or a plan file, --mode, and the resource search's budget. Each prints
// its own one-line error on the client's `err` (commands.h) before returning
// false or std::nullopt; the caller then exits with kExitUsage.
#ifndef BACKPLAN_TOOLS_BACKPLAN_COMMAND_HELPERS_H_
#define BACKPLAN_TOOLS_BACKPLAN_COMMAND_HELPERS_H_

#include <optional>
#include <string>
#include <utility>

#include "backplan/v1/plan.pb.h"
#include "backplan/v1/scheduling.pb.h"
#include "tools/backplan/client.h"

namespace backplan::cli {

// Whether an argument names a plan file rather than a stored plan's id: a
// path that exists, or that ends like a plan file (.yaml, .yml, .json).
bool LooksLikeFile(const std::string& arg);

// Loads a plan file; prints the loader's errors (one line per mistake) and
// returns std::nullopt on failure.
std::optional<v1::Plan> LoadPlan(Client& client, const std::string& path);

// --mode: UNSPECIFIED when empty, BACKWARD or FORWARD; false (after printing)
// when it names no mode.
bool ParseMode(Client& client, v1::ScheduleMode* mode);

// --max_schedules, --time_limit_ms, --seed: the resource search's budget
// (0 = the server's default) and seed; plans without people ignore them.
void SetSearch(const Options& options, v1::ResourceOptions* resources);

// Fills a request's `source` oneof from PLAN_ID or FILE; false (after
// printing) when the file is bad.
template <typename Request>
bool SetSource(Client& client, const std::string& arg, Request* request) {
  if (!LooksLikeFile(arg)) {
    request->set_plan_id(arg);
    return true;
  }
  std::optional<v1::Plan> plan = LoadPlan(client, arg);
  if (!plan.has_value()) return false;
  *request->mutable_plan() = *std::move(plan);
  return true;
}

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_COMMAND_HELPERS_H_

#include "tools/backplan/command_helpers.h"

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/backplan/plan_file.h"

namespace backplan::cli {

bool LooksLikeFile(const std::string& arg) {
  std::error_code error;
  if (std::filesystem::is_regular_file(arg, error)) return true;
  const std::string lower = absl::AsciiStrToLower(arg);
  return absl::EndsWith(lower, ".yaml") || absl::EndsWith(lower, ".yml") ||
         absl::EndsWith(lower, ".json");
}

std::optional<v1::Plan> LoadPlan(Client& client, const std::string& path) {
  absl::StatusOr<v1::Plan> plan = LoadPlanFile(path);
  if (!plan.ok()) {
    // One line per mistake in the file.
    for (absl::string_view line :
         absl::StrSplit(plan.status().message(), '\n')) {
      client.err() << "backplan: " << line << "\n";
    }
    return std::nullopt;
  }
  return *std::move(plan);
}

bool ParseMode(Client& client, v1::ScheduleMode* mode) {
  const std::string& given = client.options().mode;
  const std::string value = absl::AsciiStrToLower(given);
  if (value.empty() || value == "backward") {
    *mode = value.empty() ? v1::SCHEDULE_MODE_UNSPECIFIED : v1::BACKWARD;
  } else if (value == "forward") {
    *mode = v1::FORWARD;
  } else {
    client.Usage(absl::StrCat("--mode must be backward or forward, not \"",
                              given, "\""));
    return false;
  }
  return true;
}

void SetSearch(const Options& options, v1::ResourceOptions* resources) {
  resources->set_max_schedules(options.max_schedules);
  resources->set_time_limit_ms(options.time_limit_ms);
  resources->set_seed(options.seed);
}

}  // namespace backplan::cli
